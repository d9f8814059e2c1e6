"""Text as it crosses the tool's boundary: what may be stored, what a spreadsheet would run.

One set of rules for every reader and writer:

* **Control characters.** A text value may hold tabs and line breaks, never the other C0
  control characters (U+0000–U+001F) nor DEL (U+007F): Excel's file format cannot store most
  of them and they are invisible on screen. Readers report them; writers drop them
  (:func:`clean_text`) and say so.
* **Formulas.** A text value that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is what a spreadsheet takes for a formula. Excel files are written with such
  values as text cells; CSV files carry them behind a single quote (:func:`csv_cell`),
  which the loader removes again (:func:`csv_uncell`), so every value reads back unchanged.

Examples
--------
>>> from planning.core.text import clean_text, csv_cell, csv_uncell, formula_like
>>> formula_like('=HYPERLINK("http://x","y")'), formula_like("张三")
(True, False)
>>> csv_cell("=1+2"), csv_uncell(csv_cell("=1+2"))
("'=1+2", '=1+2')
>>> csv_cell("'quoted"), csv_uncell(csv_cell("'quoted"))
("''quoted", "'quoted")
>>> clean_text("李\\x07明")
'李明'
"""
from __future__ import annotations

import re

import numpy as np

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list, plus the quote
#: itself so that the CSV escape stays reversible).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_START = FORMULA_START + ("'",)

#: Control characters a text value may not hold: C0 other than tab, line feed and carriage return, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def formula_like(text) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula (or an escape of one).

    >>> formula_like("-3 人"), formula_like("3-")
    (True, False)
    """
    return isinstance(text, str) and text.startswith(FORMULA_START)


def control_chars(text) -> str:
    """The control characters ``text`` holds, as ``U+0007`` codes (empty when none).

    >>> control_chars("a\\x00b\\x1b")
    'U+0000 U+001B'
    """
    if not isinstance(text, str):
        return ""
    found = dict.fromkeys(CONTROL.findall(text))
    return " ".join(f"U+{ord(c):04X}" for c in found)


def clean_text(text):
    """``text`` without the control characters no file can hold (tabs and line breaks kept; ``\\r\\n`` → ``\\n``).

    Anything that is not a ``str`` is returned as it is.

    >>> clean_text("a\\r\\nb\\x0bc")
    'a\\nbc'
    """
    if not isinstance(text, str):
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text) if CONTROL.search(text) else text


def csv_cell(text):
    """A text value as a CSV cell no spreadsheet runs: a leading quote before a formula-like start.

    Values that already begin with a quote gain one more, so :func:`csv_uncell` can undo it.
    """
    if isinstance(text, str) and text.startswith(_ESCAPED_START):
        return "'" + text
    return text


def csv_uncell(text):
    """Undo :func:`csv_cell`: drop one leading quote when a formula-like start or a quote follows."""
    if isinstance(text, str) and len(text) > 1 and text[0] == "'" and text[1] in _ESCAPED_START:
        return text[1:]
    return text


def csv_uncell_array(values: np.ndarray) -> np.ndarray:
    """:func:`csv_uncell` over an object array of text (a copy only when something changes)."""
    hit = [i for i, x in enumerate(values.tolist()) if isinstance(x, str) and x[:1] == "'"]
    if not hit:
        return values
    out = values.copy()
    for i in hit:
        out[i] = csv_uncell(out[i])
    return out
