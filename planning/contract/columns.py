"""From raw text to typed columns: headers matched to the contract, numbers, booleans, allowed values, ids and lists, each problem said by row and column.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

import numpy as np
import pandas as pd

from . import schema
from ..core.clock import EARLIEST, LATEST
from ..core.text import CONTROL, INVISIBLE, csv_uncell_array, visible
from .dates import DATE_BAD, DATE_OPEN, DATE_OUT_OF_RANGE, DATE_YEAR_ONLY, END_COLUMNS, parse_dates
from .problems import Collector
from .raw import Raw, norm_name
from .suggestions import SUGGEST_LIMIT


# Contract types the C parser hands over factorised (as categories): one pass in C
# over the bytes instead of a Python string per cell and a second hashing pass.
CODED = ("enum", "bool", "date")

TRUE = {"true", "yes", "y", "t", "1", "是", "对", "√", "1.0"}


FALSE = {"false", "no", "n", "f", "0", "否", "不", "×", "0.0"}


column_specs = schema.column_specs


@cache
def header_lookup(table: str) -> dict[str, str]:
    lookup = {}
    for c, row in column_specs(table):
        lookup[norm_name(c)] = c
        lookup[norm_name(row["zh"])] = c
        lookup[norm_name(schema.template_header(table, c))] = c
    return lookup


def header_column(lookup: dict[str, str], header) -> str | None:
    """Contract column a header names (English, Chinese or the template's ``中文(english)``)."""
    n = norm_name(header)
    m = re.search(r"[(（]([a-z_]+)[)）]$", n)
    return lookup.get(n) or (lookup.get(m.group(1)) if m else None)


def map_headers(raw: Raw, col: Collector) -> dict[str, str]:
    """Contract column → header as written in the file."""
    lookup = header_lookup(raw.table)
    found: dict[str, str] = {}
    for h in raw.frame.columns:
        c = header_column(lookup, h)
        if c is None:
            continue
        if c in found:
            col.whole(raw.source, raw.table, str(h), "duplicate_column", in_sheet=raw.sheet, column=str(h))
            continue
        found[c] = h
    for c, row in column_specs(raw.table):
        if row["required"] and c not in found:
            col.whole(raw.source, raw.table, None, "missing_column", in_sheet=raw.sheet, column=f"{row['zh']}({c})")
    return found


#: How far down a header is looked for when the first row is not it (a title, a date, a blank row).
HEADER_SEARCH_ROWS = 5


def header_found_below(table: str, header: list, first_rows: dict[int, list]) -> int | None:
    """The file row of the real header when a title row (or a few) sits above it, or None.

    ``header`` is the first row's cells, ``first_rows`` the next rows' cells by file row. When
    the first row lacks a required column and one of the next :data:`HEADER_SEARCH_ROWS` rows
    names every required column, that row is the header.

    >>> header_found_below("units", ["2027年受援单位名单"], {2: ["编号", "名称", "类型", "所在地区", "方向"]})
    2
    >>> header_found_below("units", ["id", "name", "kind", "region", "side"], {}) is None
    True
    """
    lookup = header_lookup(table)
    required = {c for c, row in column_specs(table) if row["required"]}
    named = {header_column(lookup, h) for h in header if isinstance(h, str) and h.strip()}
    if required <= named:
        return None
    for r in sorted(first_rows)[:HEADER_SEARCH_ROWS]:
        cells = {header_column(lookup, x) for x in first_rows[r] if isinstance(x, str) and x.strip()}
        if required <= cells:
            return int(r)
    return None


def _stripped(o: np.ndarray) -> np.ndarray:
    """Text with surrounding white space removed (a C-speed list comprehension)."""
    out = np.empty(len(o), dtype=object)
    out[:] = [x.strip() if isinstance(x, str) else "" for x in o]
    return out


def _bad(raw, col, values: np.ndarray, mask: np.ndarray, header, code, **params):
    if mask.any():
        idx = np.flatnonzero(mask)
        col.add(raw, idx, header, values[idx], code, **params)


def _text_series(s: np.ndarray, empty: np.ndarray) -> pd.Series:
    if empty.any():
        s = s.copy()
        s[empty] = np.nan
    return pd.Series(s, dtype="str")


_LIST_SEP = re.compile(r"\s*;\s*")


def _control_chars(raw, col, s: np.ndarray, header) -> None:
    """Report the cells of a text column that hold a control character (invisible, and no .xlsx can hold it)."""
    if not len(s) or not CONTROL.search("\n".join(x for x in s.tolist() if isinstance(x, str))):
        return
    hit = np.fromiter((isinstance(x, str) and CONTROL.search(x) is not None for x in s.tolist()), dtype=bool,
                      count=len(s))
    idx = np.flatnonzero(hit)
    col.add(raw, idx, header, s[idx], "control_char")


def ids_as_people_see_them(raw, col, s: np.ndarray, header) -> np.ndarray:
    """Ids and references compared as people see them (Unicode NFKC, after trimming).

    A character no one sees or that turns the text around (U+200B, U+202E…: see
    :data:`planning.core.text.INVISIBLE`) is refused with the character named; full-width
    and other compatibility forms (``Ｈ-SCH01``) are read in their standard form
    (``H-SCH01``) and said in the workbook's notes. All-ASCII columns (most) cost one check.
    """
    texts = [x for x in s.tolist() if isinstance(x, str)]
    joined = "\n".join(texts)
    if joined.isascii():
        return s
    if INVISIBLE.search(joined):
        vals = s.tolist()
        for i in [i for i, x in enumerate(vals) if isinstance(x, str) and INVISIBLE.search(x)]:
            chars = "、".join(sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(vals[i])}))
            col.add(raw, [i], header, [visible(vals[i])], "invisible_char", chars=chars)
    if not unicodedata.is_normalized("NFKC", joined):
        s = s.copy()
        changed: dict[tuple[str, str], int] = {}
        for i, x in enumerate(s.tolist()):
            if isinstance(x, str):
                y = unicodedata.normalize("NFKC", x).strip()
                if y != x:
                    s[i] = y
                    changed[(x, y)] = changed.get((x, y), 0) + 1
        for (x, y), n in changed.items():
            col.normalised(raw, header, x, y, n)
    return s


def bad_coded(raw, col, uniq: np.ndarray, codes: np.ndarray, mask: np.ndarray, header, code, **params):
    """Like ``_bad`` for a factorised column, with ``mask`` over the distinct values."""
    if mask.any():
        idx = np.flatnonzero(mask[codes])
        col.add(raw, idx, header, uniq[codes[idx]], code, **params)


def convert_column(raw: Raw, c: str, spec, header: str, col: Collector) -> pd.Series:
    """Convert one raw text column to its contract type, recording problems.

    Enumerations, booleans, numbers and dates are worked out once per distinct
    text and spread back to the rows.
    """
    ty = spec["type"]
    if ty in ("int", "float"):
        return _numbers(raw, spec, header, col)
    default = spec["default"]
    if ty not in CODED:
        o = raw.column(header)
        s = o if raw.plain else _stripped(o)
        if raw.escaped:
            s = csv_uncell_array(s)
        if not raw.plain:
            _control_chars(raw, col, s, header)
        if ty in ("id", "ref", "list"):
            s = ids_as_people_see_them(raw, col, s, header)
        empty = s == ""
        if spec["required"]:
            _bad(raw, col, s, empty, header, "required")
        if ty == "list":
            s = s.copy()
            for i in np.flatnonzero(~empty).tolist():
                x = s[i]
                if ";" in x or "；" in x:
                    s[i] = _LIST_SEP.sub(";", x.replace("；", ";")).strip(";")
            empty = s == ""
        return _text_series(s, empty)  # id, str, ref, list
    codes, uniq = raw.factorized(header)
    if not raw.plain:  # trim each distinct text, then merge those now equal
        trimmed, uniq = pd.factorize(_stripped(uniq))
        codes = trimmed[codes]
        if raw.escaped:
            uniq = csv_uncell_array(uniq)
    empty = uniq == ""
    if spec["required"]:
        bad_coded(raw, col, uniq, codes, empty, header, "required")
    if ty == "enum":
        aliases = schema.value_aliases(raw.table, c)
        v = np.array([aliases.get(u, aliases.get(u.lower())) for u in uniq.tolist()], dtype=object)
        missing = pd.isna(v)
        allowed = schema.allowed(raw.table, c)
        bad = missing & ~empty
        if bad.any():
            import difflib

            labels = {schema.value_label(a, "zh"): a for a in allowed} | {a: a for a in allowed}
            for k in np.flatnonzero(bad)[:SUGGEST_LIMIT].tolist():
                one = np.zeros(len(bad), dtype=bool)
                one[k] = True
                near = difflib.get_close_matches(str(uniq[k]), list(labels), n=1, cutoff=0.5)
                bad_coded(raw, col, uniq, codes, one, header, "not_allowed",
                           allowed=", ".join(allowed), suggest=labels[near[0]] if near else "")
            rest = bad.copy()
            rest[np.flatnonzero(bad)[:SUGGEST_LIMIT]] = False
            bad_coded(raw, col, uniq, codes, rest, header, "not_allowed", allowed=", ".join(allowed))
        v[missing] = default if default else np.nan
        return pd.Series(pd.array(v, dtype="str").take(codes))
    if ty == "bool":
        low = [u.lower() for u in uniq.tolist()]
        v = np.array([x in TRUE for x in low], dtype=bool)
        ok = np.array([x in TRUE or x in FALSE or x == "" for x in low], dtype=bool)
        bad_coded(raw, col, uniq, codes, ~ok, header, "not_bool")
        if default == "true":
            v |= empty
        return pd.Series(v[codes], dtype=bool)
    if ty == "date":  # date columns share most of their texts: parse each text once per workbook
        parsed = col.dates[raw.excel]
        texts = uniq.tolist()
        new = [u for u in texts if u not in parsed]
        if new:
            ns, kind = parse_dates(pd.Series(new, dtype="str"), raw.excel)
            parsed.update(zip(new, zip(ns.tolist(), kind.tolist())))
        got = [parsed[u] for u in texts]
        v = np.array([g[0] for g in got], dtype="i8")
        kind = np.array([g[1] for g in got], dtype=np.int64)
        if c not in END_COLUMNS and (kind == DATE_OPEN).any():  # "no end" only ends things
            v[kind == DATE_OPEN] = np.iinfo(np.int64).min
            kind[kind == DATE_OPEN] = DATE_OUT_OF_RANGE
        v = v.view("datetime64[ns]")
        bad_coded(raw, col, uniq, codes, (kind == DATE_BAD) & ~empty, header, "not_date")
        bad_coded(raw, col, uniq, codes, kind == DATE_YEAR_ONLY, header, "date_year_only")
        bad_coded(raw, col, uniq, codes, kind == DATE_OUT_OF_RANGE, header,
                   "date_out_of_range_end" if c in END_COLUMNS else "date_out_of_range",
                   earliest=str(EARLIEST.date()), latest=str(LATEST.date()))
        return pd.Series(v[codes], dtype="datetime64[ns]")
    raise AssertionError(ty)  # pragma: no cover


def _numbers(raw: Raw, spec, header: str, col: Collector) -> pd.Series:
    """An int or float column (``to_numeric`` allows surrounding spaces), once per distinct text."""
    ty = spec["type"]
    codes, uniq = raw.factorized(header)
    num = pd.to_numeric(pd.Series(uniq, dtype="str"), errors="coerce")
    x = num.to_numpy(dtype="float64", na_value=np.nan)
    text = uniq
    failed = np.isnan(x) & (uniq != "")
    if failed.any():  # white-space-only cells are empty cells; others are reported trimmed
        text = uniq.copy()
        text[failed] = [u.strip() for u in uniq[failed]]
        # Excel habits: an ideographic (U+3000) or non-breaking space beside the number, full-width digits
        retry = np.flatnonzero(failed)
        again = pd.to_numeric(pd.Series([unicodedata.normalize("NFKC", u).strip() for u in text[retry]], dtype="str"),
                              errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        if not np.isnan(again).all():
            x = x.copy()
            x[retry] = again
            num = pd.Series(x)
    empty = text == ""
    v = np.where(empty, np.nan, x)
    known = ~np.isnan(v)

    def bad(mask, code, **params):
        bad_coded(raw, col, text, codes, mask, header, code, **params)

    if spec["required"]:
        bad(empty, "required")
    bad(~known & ~empty, "not_int" if ty == "int" else "not_number")
    compared = v
    if ty == "int":
        with np.errstate(invalid="ignore"):
            whole = known & np.isfinite(v) & (v == np.floor(v))
        bad(known & ~whole, "not_int")
        compared = np.where(np.isinf(v), np.nan, v)  # reported as not an integer only
    if spec["min"]:
        bad(compared < float(spec["min"]), "below_min", min=spec["min"])
    if spec["max"]:
        bad(compared > float(spec["max"]), "above_max", max=spec["max"])
    if ty == "float":
        return pd.Series(v[codes])
    default = spec["default"]
    # every cell an integer: keep them exact (beyond 2**53)
    ints = num.to_numpy() if num.dtype == "int64" else None
    if default or spec["required"]:
        out = ints if ints is not None else np.where(whole, v, float(default or 0)).astype("int64")
    else:
        out = pd.array(ints if ints is not None else np.where(whole, v, np.nan), dtype="Int64")
    return pd.Series(out.take(codes))
