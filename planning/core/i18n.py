"""Words the product shows, in Chinese (default) and English.

Examples
--------
>>> t("problem.required", "en", column="name")
'is empty, but this column is required'
>>> t("problem.required", "zh", column="名称")
'为空，但该列必填'
>>> fmt_int(12345, "en"), fmt_int(12345, "zh")
('12,345', '12,345')

An English count agrees with its noun: ``{n:person|people}`` is the word for one and the word for any
other number, chosen by ``n`` (:func:`plural`).
"""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

LANGS = ("zh", "en")

def _catalogue() -> dict[str, dict[str, str]]:
    """The words, kept as data in ``i18n.csv`` (key, zh, en) beside the contract's CSVs."""
    with open(Path(__file__).with_name("i18n.csv"), encoding="utf-8", newline="") as f:
        return {r["key"]: {"zh": r["zh"], "en": r["en"]} for r in csv.DictReader(f)}


#: Every text the product shows: key → {"zh": ..., "en": ...}.
TEXT: dict[str, dict[str, str]] = _catalogue()

SECTORS_ZH_EN = {
    "教育": "Education", "医疗": "Health", "党政": "Government", "农业": "Agriculture",
    "规划建设": "Planning & building", "招商": "Investment", "文旅": "Culture & tourism",
    "公共卫生": "Public health", "畜牧": "Animal husbandry", "水利": "Water",
}


def default_lang() -> str:
    """Language from ``PLANNING_LANG`` (``zh`` unless set to ``en``)."""
    lang = os.environ.get("PLANNING_LANG", "zh").lower()
    return lang if lang in LANGS else "zh"


def t(key: str, lang: str | None = None, **kw) -> str:
    """Text for ``key`` in ``lang``, formatted with ``kw`` (its counts' nouns agreeing: :func:`plural`)."""
    lang = lang or default_lang()
    entry = TEXT[key]
    return plural(entry.get(lang, entry["zh"]), kw).format(**kw)


#: ``{n:one|other}`` in a text: the words for a count of one and for any other count of the field ``n``
PLURAL = re.compile(r"\{(\w+):([^{}|]*)\|([^{}|]*)\}")


def plural(text: str, kw: dict) -> str:
    """``text`` with each ``{n:one|other}`` put as ``one`` when the count ``kw["n"]`` is 1, else ``other``.

    English says "1 sender has", "2 senders have"; Chinese needs no such mark. A count may come formatted
    (``fmt_int``: ``"1,234"``).

    >>> plural("{n} {n:sender has|senders have} put forward", {"n": 1})
    '{n} sender has put forward'
    >>> plural("{n} {n:person|people}", {"n": "1,001"})
    '{n} people'
    """
    def pick(m: re.Match) -> str:
        return m.group(2) if _is_one(kw.get(m.group(1))) else m.group(3)

    return PLURAL.sub(pick, text)


def _is_one(count) -> bool:
    try:
        return float(str(count).replace(",", "")) == 1
    except ValueError:
        return False


def fmt_int(n, lang: str | None = None) -> str:
    """A whole number with thousands separators."""
    return f"{int(n):,}"


def fmt_date(d, lang: str | None = None) -> str:
    """A date: ``2026年4月1日`` in Chinese, ``2026-04-01`` in English."""
    import pandas as pd

    from .clock import OPEN_END

    if d is None or pd.isna(d):
        return ""
    d = pd.Timestamp(d)
    lang = lang or default_lang()
    if d >= OPEN_END:  # "no end date" (9999-12-31 in the file)
        return t("date.open_end", lang)
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.strftime("%Y-%m-%d")


def fmt_month(d, lang: str | None = None) -> str:
    """A month: ``2027年8月`` in Chinese, ``Aug 2027`` in English (the one way every page, chart and file
    writes a month; a day is written by :func:`fmt_date`).

    >>> fmt_month("2027-08-01", "zh"), fmt_month("2027-08-31", "en")
    ('2027年8月', 'Aug 2027')
    >>> fmt_month(None, "zh")
    ''
    """
    import pandas as pd

    if d is None or pd.isna(d):
        return ""
    d = pd.Timestamp(d)
    return f"{d.year}年{d.month}月" if (lang or default_lang()) == "zh" else d.strftime("%b %Y")


def month_tick_format(lang: str | None = None) -> str:
    """The d3 time format a chart's month axis uses, written as :func:`fmt_month` writes a month.

    >>> month_tick_format("zh"), month_tick_format("en")
    ('%Y年%-m月', '%b %Y')
    """
    return "%Y年%-m月" if (lang or default_lang()) == "zh" else "%b %Y"


def list_sep(lang: str | None = None) -> str:
    """What separates the items of a list written out: ``、`` in Chinese, ``, `` in English."""
    return "、" if (lang or default_lang()) == "zh" else ", "


def sector_label(sector: str, lang: str | None = None) -> str:
    """A sector name in a language (sectors are written in Chinese in the data)."""
    lang = lang or default_lang()
    return sector if lang == "zh" else SECTORS_ZH_EN.get(sector, sector)
