"""Tables made readable: names for ids, labels for codes, translated headers.

Examples
--------
>>> import planning
>>> from planning.programme.coverage import largest_gaps
>>> from planning.outputs.labels import labelled
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> view = labelled(largest_gaps(wb, "2026-12", n=3), wb, "zh")
>>> list(view.columns[:4])
['受援单位', '行业', '月份', '需求']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.facts import derived
from ..core.names import names
from ..core.utils import SAMPLE
from ..core.i18n import TEXT, default_lang, fmt_date, fmt_month, list_sep, sector_label, t
from ..contract.schema import enum_columns, value_codes, value_label

#: Columns whose values are ids, and the table that names them.
ID_COLUMNS = {"host_unit": "units", "area": "any", "sender": "any", "source_city": "regions", "person": "people",
              "outgoing": "people", "incoming": "people", "mentor": "any", "apprentice": "any", "apprentice_unit": "units",
              "sending_unit": "units", "team": "teams"}
DATE_COLUMNS = {"day", "start", "end", "out_end", "in_start", "leaves_on", "recommended_start", "batch_start",
                "term_end", "pair_end", "ends"}
MONTH_COLUMNS = {"month", "from_month"}
#: Band labels a table may show: ``green_short`` is green with seats still empty, never called sufficient.
BAND_CODES = ("green", "green_short", "amber", "red")


def band_colour(code: str) -> str:
    """The colour band of a band label code (``green_short`` is green)."""
    return code.split("_")[0]


def data_name(wb, lang: str | None = None) -> str:
    """A workbook's name for people: the shipped sample in words, otherwise its file or folder name.

    >>> import planning
    >>> data_name(planning.load_workbook(planning.SAMPLE), "zh")
    '随程序提供的示例方案'
    """
    from pathlib import Path

    source = str(getattr(wb, "source", "") or "")
    try:
        if source and Path(source).resolve() == Path(SAMPLE).resolve():
            return t("app.sample_name", lang)
    except (OSError, ValueError):
        pass
    return Path(source).name or t("app.unnamed", lang)


@derived("teams", "regions", "units", "people", "local_staff")
def team_names(wb, lang: str | None = None) -> pd.Series:
    """Readable, unique team names by team id.

    A ``name`` column in the teams table (an extra column) is used where
    filled; otherwise the host's name makes it (``疏勒县第一中学组团``). Two teams
    that would share a name are told apart by a number in table order
    (``… (2)``), never by their ids: readers see names only.

    >>> import planning
    >>> team_names(planning.load_workbook(planning.SAMPLE))["T-SCH01"]
    '疏勒县第一中学组团'
    """
    tm = wb.teams
    host = tm["host"].map(names(wb)).fillna(tm["host"]).astype(str)
    made = host.map(lambda h: t("report.team_name", lang, host=h))
    if "name" in tm.columns:
        given = tm["name"].where(tm["name"].notna(), None).map(lambda v: str(v).strip() if v is not None else "")
        made = given.where(given.ne(""), made)
    return pd.Series(numbered(made).to_numpy(), index=tm["id"].to_numpy(), dtype=object)


def numbered(made: pd.Series) -> pd.Series:
    """Names still shared told apart by a number in table order: ``A (1)``, ``A (2)``.

    >>> numbered(pd.Series(["甲", "乙", "甲"])).tolist()
    ['甲 (1)', '乙', '甲 (2)']
    """
    dup = made.duplicated(keep=False)
    k = made.groupby(made.to_numpy()).cumcount() + 1
    return made.where(~dup, made + " (" + k.astype(str) + ")")


#: Columns whose values are order ids (named by :func:`order_names`) and batch codes (:func:`batch_label`).
ORDER_COLUMNS = {"order", "source_order", "order_a", "order_b"}
#: Columns whose values are the contract's codes (every enumerated column of the contract, and the derived tables'
#: names for them), shown by their labels (:func:`value_text`); a bool column is shown as 是/否 (Yes/No) too.
CODED_COLUMNS = enum_columns() | {"stage", "program", "status", "nomination", "vetting_stage", "last_stage",
                                  "plan_stage", "model"}
BATCH_COLUMNS = {"batch", "out_batch", "in_batch"}


@derived("orders", "regions", "units", "people", "local_staff")
def order_names(wb, lang: str | None = None) -> pd.Series:
    """Readable, unique order names by order id: the host unit, the post (skill or sector) and a lead mark.

    Two orders that would share a name are told apart by their start month, then by a number in table order
    (never by their ids: readers see names only).

    >>> import planning
    >>> order_names(planning.load_workbook(planning.SAMPLE))["O-SCH01-L"]
    '疏勒县第一中学·学校管理（负责人）'
    """
    o = wb.orders
    nm = names(wb)
    unit = o["host_unit"].map(nm).fillna(o["host_unit"]).astype(str)
    post = o["skill"].where(o["skill"].notna() & o["skill"].astype(str).str.strip().ne(""), o["sector"]).astype(str)
    lead = o["role"].eq("lead").map(lambda b: t("order.lead", lang) if b else "")
    made = unit + "·" + post.map(lambda p: sector_label(p, lang) if lang == "en" else p) + lead
    dup = made.duplicated(keep=False)
    made = made.where(~dup, made + " " + o["start"].map(lambda d: fmt_month(d, lang)).astype(str))
    return pd.Series(numbered(made).to_numpy(), index=o["id"].to_numpy(), dtype=object)


def value_text(code, lang: str | None = None) -> str:
    """A coded value as a reader says it: the contract's Chinese label (组长), or in English the catalogue's
    ``value.<code>`` (Team lead); ``True``/``False`` as 是/否 (Yes/No); a missing value as an empty string.

    An English code the catalogue lacks is written as words (``not_selected`` → ``Not selected``), never raw.

    >>> value_text("lead", "zh"), value_text("lead", "en"), value_text("member", "en")
    ('组长', 'Team lead', 'Member')
    >>> value_text("not_selected", "en"), value_text(True, "zh"), value_text(None, "en")
    ('Not selected', '是', '')
    """
    lang = lang or default_lang()
    if isinstance(code, (bool, np.bool_)):
        return t(f"value.{str(bool(code)).lower()}", lang)
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return ""
    code = str(code)
    if lang == "zh":
        return value_label(code, lang)
    if f"value.{code}" in TEXT:
        return t(f"value.{code}", lang)
    return code.replace("_", " ").capitalize() if code in value_codes() else code


def batch_label(code, lang: str | None = None) -> str:
    """A batch code (``planned:2025-03``) in words: ``2025年3月计划内批次`` / ``planned batch of Mar 2025``."""
    if not isinstance(code, str) or ":" not in code:
        return "" if code is None or (not isinstance(code, str) and pd.isna(code)) else str(code)
    program, month = code.split(":", 1)
    try:
        m = pd.Timestamp(month)
    except (ValueError, TypeError):
        return code
    when = fmt_month(m, "en" if lang == "en" else "zh")
    prog = value_label(program, lang or default_lang()) if program else ""
    return t("batch.label", lang, when=when, program=prog)


def labelled(df: pd.DataFrame, wb, lang: str | None = None, *, ids: bool = False,
             numbers: bool = False, viewer_words: bool = False) -> pd.DataFrame:
    """A copy of ``df`` for people to read: names for ids, labels for codes, translated headers.

    ``ids=True`` keeps the id next to the name (``名称 (id)``); ``numbers=True`` keeps
    ratios as fractions, dates as dates and day counts as numbers (for Excel, which
    formats them). ``viewer_words=True`` heads the columns in the words of those who read the plan
    (leaders, host units: 需求岗位, not the planners' 订单) where a header has such a variant
    (``col.<column>.viewer``).
    """
    out = pd.DataFrame(index=df.index)
    nm = names(wb)
    orders = None
    codes = value_codes()
    for c in df.columns:
        v = df[c]
        if c in ORDER_COLUMNS and not pd.api.types.is_numeric_dtype(v):
            orders = order_names(wb, lang) if orders is None else orders
            named = v.map(orders)
            if ids:
                named = named.where(named.isna(), named + " (" + v.astype(str) + ")")
            v = named.fillna(v).fillna("")
        elif c == "team" and not pd.api.types.is_numeric_dtype(v):
            teams = team_names(wb, lang)
            v = v.map(teams).fillna(v).fillna("")
        elif c == "leaving" and not pd.api.types.is_numeric_dtype(v):  # people leaving, ids joined by ;
            v = v.map(lambda x: list_sep(lang).join(str(nm.get(i, i)) for i in x.split(";") if i) if isinstance(x, str) else x)
        elif c in BATCH_COLUMNS:
            v = v.map(lambda b: batch_label(b, lang))
        elif c == "term_ok":
            v = v.map(lambda ok: t("term.ok" if ok else "term.unusual", lang) if isinstance(ok, (bool, np.bool_))
                      else "")
        elif c == "days" and not numbers:
            v = v.map(lambda d: "" if d is None or pd.isna(d) else f"{int(d):,}")
        elif c == "days":
            v = v.astype(object).where(v.notna(), None)
        elif c in ID_COLUMNS and not pd.api.types.is_numeric_dtype(v):
            named = v.map(nm)
            if c == "sender":  # senders sharing a pairing, ids joined by 、
                shared = named.isna() & v.astype(str).str.contains("、", regex=False)
                named[shared] = v[shared].map(lambda s: list_sep(lang).join(str(nm.get(x, x)) for x in s.split("、")))
            if ids:
                named = named.where(named.isna(), named + " (" + v.astype(str) + ")")
            v = named.fillna(v)
            # no sender responsible: said, not a blank cell (a host unit no pairing covers)
            v = v.fillna(t("label.no_sender", lang) if c == "sender" else "")
        elif c == "sector":
            v = v.map(lambda s: sector_label(s, lang) if isinstance(s, str) else "")
        elif c == "band":
            short = df["gap"].fillna(0).to_numpy() > 0 if "gap" in df.columns else np.zeros(len(v), dtype=bool)
            v = pd.Series([t(f"band.{b}_short" if b == "green" and g else f"band.{b}", lang)
                           for b, g in zip(v, short)], index=v.index)
        elif c == "because":
            v = v.map(lambda b: t(f"mentor.because.{b}", lang))
        elif c == "kind" and set(v.dropna().unique()) <= {"overlap", "gap", "seamless", "none"}:
            v = v.map(lambda k: t(f"handover.{k}", lang))
            c = "handover"
        elif c in MONTH_COLUMNS:
            v = pd.to_datetime(v).map(lambda d: fmt_month(d, lang))
        elif c in DATE_COLUMNS and numbers:
            v = pd.to_datetime(v).astype(object).where(v.notna(), None)
        elif c in DATE_COLUMNS:
            v = pd.to_datetime(v).map(lambda d: fmt_date(d, lang))
        elif c == "ratio" and not numbers:
            v = v.map(lambda r: "" if pd.isna(r) else f"{r:.0%}")
        elif (c in CODED_COLUMNS and not pd.api.types.is_numeric_dtype(v)) or pd.api.types.is_bool_dtype(v):
            v = v.map(lambda x: value_text(x, lang) if isinstance(x, (bool, np.bool_))
                      or (isinstance(x, str) and x in codes)
                      else "" if x is None or (not isinstance(x, str) and pd.isna(x)) else x)
        key = f"col.{c}"
        if viewer_words and f"{key}.viewer" in TEXT:
            key = f"{key}.viewer"
        out[t(key, lang) if key in TEXT else c] = v.to_numpy() if hasattr(v, "to_numpy") else v
    return out.reset_index(drop=True)
