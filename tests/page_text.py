"""What must never be read on a page: missing values, raw ids, codes, the other language's interface words."""
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MISSING = re.compile(r"(?<![\w.])(nan|NaN|None|NaT|<NA>)(?![\w.])")
RAW_ID = re.compile(r"(?<![\w-])(?:[A-Z]{1,4}(?:-[A-Z0-9]+)+|P\d{4}|O-[\w-]+)(?![\w-])")
CODE = re.compile(r"(?<![\w.])(?:[a-z]+_[a-z_]+|(?:planned|flexible):\d{4}-\d{2})(?![\w.])")


def interface_words(lang: str) -> set[str]:
    """Interface strings of the other language that must not show on a ``lang`` page."""
    words = set()
    with open(ROOT / "planning" / "core" / "i18n.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            zh, en = row["zh"], row["en"]
            if "{" in zh or "{" in en or zh == en:
                continue
            # a contract value's Chinese label (学校, 医院) is also a word of the data's own names and skills
            # (学校管理): an English page that shows one is caught by the pages' Chinese-left checks
            if lang == "en" and len(zh) >= 2 and re.search(r"[\u4e00-\u9fff]", zh) and not row["key"].startswith(
                    "value."):
                words.add(zh)
            if lang == "zh" and " " in en and len(en) >= 8 and not re.search(r"[\u4e00-\u9fff]", en):
                words.add(en)
    return words


def problems_in(text: str, lang: str, data_names: set[str]) -> list[str]:
    found = [m.group(0) for m in MISSING.finditer(text)]
    found += [m.group(0) for m in RAW_ID.finditer(text)]
    found += [m.group(0) for m in CODE.finditer(text)]
    rest = text
    for n in sorted(data_names, key=len, reverse=True):  # names from the data are not interface words
        rest = rest.replace(n, " ")
    found += [w for w in interface_words(lang) if w in rest]
    return found




def page_text(root) -> str:
    """The text a viewer can read in a widget tree: HTML without tags, labels, options, titles, tooltips."""
    import html as html_

    import ipywidgets as W

    parts, seen, todo = [], set(), [root]
    tag = re.compile(r"<(style|script)[^>]*>.*?</\1>|<[^>]+>", re.S)
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        if isinstance(w, (W.HTML, W.Label)):
            parts.append(html_.unescape(tag.sub(" ", w.value or "")))
        if isinstance(w, W.Button):
            parts += [w.description or "", w.tooltip or ""]
        if isinstance(w, W.widgets.widget_description.DescriptionWidget):
            parts.append(w.description or "")
        if hasattr(w, "options") and isinstance(getattr(w, "options"), (tuple, list)):
            parts += [str(o[0]) if isinstance(o, tuple) else str(o) for o in w.options]
        if isinstance(w, W.Tab):
            parts += list(w.titles or ())
        parts.append(getattr(w, "placeholder", "") or "")
        todo += [c for c in getattr(w, "children", ()) if isinstance(c, W.Widget)]
    return "\n".join(p for p in parts if p)


def shown_problems(root) -> list[str]:
    """The text of every box a page marks as a problem (``class='problems …'``) anywhere in its widget tree:
    a failed build, a plan that could not be made, a refused change, a store that failed."""
    import html as html_

    box = re.compile(r"<(\w+)[^>]*\bclass=['\"](?:[^'\"]*\s)?problems(?:\s[^'\"]*)?['\"][^>]*>(.*?)</\1>", re.S)
    tag = re.compile(r"<[^>]+>")
    return [html_.unescape(tag.sub(" ", m.group(2))).strip() for v in html_values(root) for m in box.finditer(v)]


def walk(root):
    """Every widget of a widget tree, each once."""
    import ipywidgets as W

    seen, todo = set(), [root]
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        yield w
        todo += [c for c in getattr(w, "children", ()) if isinstance(c, W.Widget)]


def html_values(root) -> list[str]:
    """The markup of every HTML widget in a widget tree, each widget once."""
    import ipywidgets as W

    return [w.value or "" for w in walk(root) if isinstance(w, W.HTML)]


def chart_text(root) -> str:
    """The words a viewer reads on the charts in a widget tree: titles, axis labels, legends, point names, and
    a date axis's ticks (a month written in the axis's own tick format)."""
    import bqplot as bq
    import ipywidgets as W
    import pandas as pd

    parts, seen, todo = [], set(), [root]
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        if isinstance(w, bq.Figure):
            parts.append(w.title or "")
            for a in w.axes:
                parts.append(a.label or "")
                if isinstance(a.scale, bq.DateScale) and a.tick_format:
                    parts.append(pd.Timestamp("2027-08-01").strftime(a.tick_format))
            for m in w.marks:
                for attr in ("labels", "names"):
                    v = getattr(m, attr, None)
                    parts += [str(x) for x in (list(v) if v is not None else [])]
        todo += [c for c in getattr(w, "children", ()) if isinstance(c, W.Widget)]
    return "\n".join(p for p in parts if p)
