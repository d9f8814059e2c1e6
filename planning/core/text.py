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
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # and lone surrogates: no file holds one

#: Characters no one sees, or that turn the text around them (Unicode's format characters and
#: fillers that UTS #39 excludes from identifiers): a zero-width space, joiners, direction marks,
#: embeddings, overrides and isolates, the word joiner, variation selectors, the BOM.
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                       "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")


def visible(text: str) -> str:
    """``text`` with its invisible characters (and odd spaces) shown as ``⟨U+200B⟩``.

    >>> visible("P0001\u200b"), visible("3\u3000"), visible("H-\u202e10HCS")
    ('P0001⟨U+200B⟩', '3⟨U+3000⟩', 'H-⟨U+202E⟩10HCS')
    """
    return "".join(f"⟨U+{ord(c):04X}⟩" if INVISIBLE.match(c) or (c.isspace() and c not in " \n") else c
                   for c in text)


#: What :func:`clean_text` changes: the control characters above and the carriage return (made a line feed).
UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")

#: Texts a spreadsheet shows as error values (a cell holding one as text must say it is text).
ERROR_TEXTS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})


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


def control_count(frames) -> int:
    """How many text values in ``frames`` (DataFrames, or a mapping of them) hold control characters.

    What a writer reports when it drops them (:func:`clean_text`). Fast when there are none.

    >>> import pandas as pd
    >>> control_count([pd.DataFrame({"name": ["李\\x07明", "王芳", None], "n": [1, 2, 3]})])
    1
    """
    if hasattr(frames, "values") and not hasattr(frames, "columns"):
        frames = frames.values()
    n = 0
    for df in frames:
        for c in df.columns:
            s = df[c]
            if s.dtype.kind not in "OSU" and str(s.dtype) not in ("string", "str"):
                continue
            text = [x for x in s.tolist() if isinstance(x, str)]
            if text and CONTROL.search("".join(text)):
                n += sum(1 for x in text if CONTROL.search(x))
    return n


# --------------------------------------------------------------------------- #
# spreadsheet cells (openpyxl): text stays text
# --------------------------------------------------------------------------- #
def needs_text_mark(text) -> bool:
    """Whether a spreadsheet would take ``text`` for something else than text: a formula or an error value.

    >>> needs_text_mark("=1+2"), needs_text_mark("#N/A"), needs_text_mark("疏勒县")
    (True, True, False)
    """
    return isinstance(text, str) and (text.startswith(FORMULA_START) or text in ERROR_TEXTS)


def mark_text(cell) -> None:
    """Keep an openpyxl cell that holds a ``str`` a text cell: never a formula, never an error value.

    openpyxl takes a ``str`` beginning with ``=`` for a formula (and ``#N/A`` for an error);
    the cell is set back to text, and a formula-like text gains Excel's quote prefix
    (the hidden apostrophe) so that it stays text when someone edits the cell.
    """
    if isinstance(cell.value, str):
        if cell.data_type != "s":
            cell.data_type = "s"
        if formula_like(cell.value):
            cell.quotePrefix = True


def sheet_row(values) -> tuple[list, list[int], int]:
    """A row of values ready for ``Worksheet.append``: text without control characters.

    Returns the row, the positions (from 0) whose cells :func:`mark_text` must mark
    once appended, and how many values lost control characters.

    >>> sheet_row(["=cmd|' /C calc'!A0", "李\\x07明", 3])
    (["=cmd|' /C calc'!A0", '李明', 3], [0], 1)
    """
    row, marks, cleaned = [], [], 0
    for j, v in enumerate(values):
        if isinstance(v, str):
            if CONTROL.search(v):
                cleaned += 1
            v = clean_text(v)
            if needs_text_mark(v):
                marks.append(j)
        row.append(v)
    return row, marks, cleaned


def append_row(ws, values, row: int | None = None) -> int:
    """Append ``values`` to the openpyxl sheet ``ws``, text as text cells.

    Control characters are dropped (never an ``IllegalCharacterError``), formula-like and
    error-like texts are written as text (:func:`mark_text`). ``row`` is the row number the
    append writes (from 1), when the caller counts them; otherwise the sheet's own count is
    used. Returns how many values lost control characters.
    """
    cells, marks, cleaned = sheet_row(values)
    ws.append(cells)
    if marks:
        r = row if row is not None else ws._current_row  # the row openpyxl's append just wrote
        for j in marks:
            mark_text(ws.cell(row=r, column=j + 1))
    return cleaned


def put_cell(cell, value) -> bool:
    """Set an openpyxl cell to ``value`` as :func:`append_row` would; True when control characters were dropped."""
    dropped = isinstance(value, str) and CONTROL.search(value) is not None
    cell.value = clean_text(value)
    mark_text(cell)
    return dropped
