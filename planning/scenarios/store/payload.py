"""The payload format: each table of a version as one compressed typed columnar payload.

A small JSON header (column names, kinds, dtypes, buffer sizes) followed by each
column's raw little-endian numpy buffer (numbers, booleans, dates as int64
nanoseconds, nullable integers with their mask) or, for text, the codes of its
distinct values (int8/16/32) and the distinct values as one UTF-8 JSON list; the
whole ``zlib``-compressed (:data:`ENCODING`). Decoding slices the buffers with
``numpy.frombuffer`` and rebuilds each column with the contract's dtype, and a
payload that would unpack beyond ``limits().unpacked_bytes`` is refused as it
unpacks (:func:`planning.core.limits.inflate`).
"""
from __future__ import annotations

import json
import math
import zlib

import numpy as np
import pandas as pd

from ...contract import schema as contract
from ...contract import Workbook, empty_table
from ...core.i18n import t
from ...core.limits import inflate, limits
from .errors import StoreError, first_line, show

#: the ``encoding`` recorded with each payload
ENCODING = "cols1+zlib"
ZLIB_LEVEL = 1
#: the payloads of a plan saved with its workbook: its unfilled seats, and the planner's pins and forbids
UNFILLED = "plan.unfilled"
DECISIONS = "plan.decisions"  # kind (pin/forbid), person, order


def encode_version(workbook: Workbook, plan=None, decisions: pd.DataFrame | None = None,
                   lang: str | None = None) -> list[tuple[str, int, bytes]]:
    """Every payload of a version, as ``(table, rows, payload)``: the contract tables, then the plan's
    unfilled seats and the planner's decisions when given. A table that cannot be stored raises
    :class:`~planning.scenarios.store.errors.StoreError`.
    """
    payloads = [(n, len(df), encode_frame(df, n, lang)) for n, df in contract_frames(workbook, lang)]
    unfilled = getattr(plan, "unfilled", None) if plan is not None else None
    if isinstance(unfilled, pd.DataFrame):
        payloads.append((UNFILLED, len(unfilled), encode_frame(unfilled, UNFILLED, lang)))
    if isinstance(decisions, pd.DataFrame) and len(decisions):
        d = decisions[["kind", "person", "order"]].astype(str).reset_index(drop=True)
        payloads.append((DECISIONS, len(d), encode_frame(d, DECISIONS, lang)))
    return payloads


class Unreadable(Exception):
    """A stored table that cannot be read back: which (``table``) and why (``detail``, part of a sentence)."""

    def __init__(self, table: str, detail: str):
        self.table, self.detail = table, detail
        super().__init__(f"{table}: {detail}")


def decode_version(parts, lang: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables of a version from its stored ``(table, rows, encoding, payload)`` rows.

    Optional contract tables a version was saved without (saved before they joined the
    contract) come back empty; anything else that cannot be read raises :class:`Unreadable`.
    """
    frames = {}
    for table, rows, encoding, data in parts:
        if encoding != ENCODING:
            raise Unreadable(table, encoding)
        try:
            frames[table] = decode_frame(bytes(data), table)
        except TooBig as e:
            raise Unreadable(table, t("store.too_big", lang, mb=e.mb)) from None
        except Exception as e:
            raise Unreadable(table, first_line(e)) from None
        if len(frames[table]) != rows:
            raise Unreadable(table, f"{len(frames[table])} != {rows} rows")
    required = set(contract.tables().index[contract.tables()["required"]])
    for n in contract.table_names():  # a version saved before an optional table joined the contract
        if n not in frames and n not in required:
            frames[n] = empty_table(n)
    missing = [n for n in contract.table_names() if n not in frames]
    if missing:
        raise Unreadable(", ".join(missing), "missing")
    return frames


def contract_frames(wb: Workbook, lang) -> list[tuple[str, pd.DataFrame]]:
    """Each contract table with its contract columns in the contract's dtypes."""
    out = []
    for name, df in wb.tables().items():
        if not isinstance(df, pd.DataFrame):
            raise StoreError("bad_table", lang, table=name, detail=type(df).__name__)
        cols = {}
        for c, spec in contract.column_specs(name):
            if c in df.columns and isinstance(df[c], pd.Series):
                cols[c] = as_contract(df[c], contract_dtype(spec), name, c, lang)
        out.append((name, df.assign(**cols) if cols else df))
    return out


def contract_dtype(spec) -> str:
    ty = spec["type"]
    if ty == "int":
        return "int64" if (spec["default"] or spec["required"]) else "Int64"
    return {"float": "float64", "bool": "bool", "date": "datetime64[ns]"}.get(ty, "str")


def as_contract(s: pd.Series, dtype: str, table: str, column: str, lang) -> pd.Series:
    if str(s.dtype) == dtype:
        return s
    try:
        if dtype in ("int64", "Int64") and s.dtype.kind == "f":
            x = s.to_numpy(dtype="float64", na_value=np.nan)
            ok = np.isnan(x) | (x == np.round(x))
            if not ok.all():
                raise ValueError(f"{x[~ok][0]} is not a whole number")
        if dtype == "str":
            return s.astype(object).where(s.notna(), None).astype("str")
        return s.astype(dtype)
    except Exception as e:
        raise StoreError("bad_column", lang, table=table, column=column, detail=first_line(e)) from None


def encode_frame(df: pd.DataFrame, table: str, lang) -> bytes:
    """One table as a compressed columnar payload (see the module docstring)."""
    cols, bufs = [], []
    seen = set()
    for c in df.columns:
        if not isinstance(c, str) or c in seen:
            raise StoreError("bad_column", lang, table=table, column=str(c), detail="column names must be unique text")
        seen.add(c)
        try:
            meta, parts = _encode_column(df[c])
        except StoreError:
            raise
        except Exception as e:
            raise StoreError("bad_column", lang, table=table, column=c, detail=first_line(e)) from None
        if meta is None:
            raise StoreError("bad_column", lang, table=table, column=c, detail=f"dtype {df[c].dtype}")
        meta["name"] = c
        meta["sizes"] = [len(p) for p in parts]
        cols.append(meta)
        bufs.extend(parts)
    head = json.dumps({"rows": len(df), "columns": cols}, ensure_ascii=False).encode("utf-8")
    return zlib.compress(b"".join([len(head).to_bytes(4, "little"), head, *bufs]), ZLIB_LEVEL)


def _le(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()


def _encode_column(s: pd.Series) -> tuple[dict | None, list[bytes]]:
    dt = s.dtype
    if isinstance(dt, pd.StringDtype) or dt == object:
        return _encode_text(s)
    if isinstance(dt, pd.DatetimeTZDtype):
        utc = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
        return {"kind": "datetimetz", "tz": str(dt.tz), "unit": dt.unit}, [_le(utc.view("i8"))]
    if isinstance(dt, np.dtype) and dt.kind in "biufmM":
        return {"kind": "num", "dtype": dt.newbyteorder("<").str}, [_le(s.to_numpy())]
    if isinstance(dt, pd.api.extensions.ExtensionDtype) and getattr(dt, "numpy_dtype", None) is not None \
            and dt.name in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
                            "Float32", "Float64", "boolean"):
        mask = s.isna().to_numpy()
        data = s.to_numpy(dtype=dt.numpy_dtype, na_value=dt.numpy_dtype.type(0))
        return {"kind": "masked", "dtype": dt.name, "np": dt.numpy_dtype.newbyteorder("<").str}, \
            [_le(data), _le(mask.astype(np.bool_))]
    return None, []


def _encode_text(s: pd.Series) -> tuple[dict | None, list[bytes]]:
    codes, uniques = pd.factorize(s.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    uniq = uniques.tolist() if isinstance(uniques, np.ndarray) else list(uniques)
    if any(not isinstance(u, str) for u in uniq):
        bad = next(u for u in uniq if not isinstance(u, str))
        raise ValueError(f"holds {type(bad).__name__} values ({show(bad)}), only text can be stored here")
    width = np.int8 if len(uniq) < 127 else np.int16 if len(uniq) < 32_767 else np.int32
    dt = s.dtype
    if isinstance(dt, pd.StringDtype):
        meta = {"kind": "text", "dtype": "str" if is_nan(dt.na_value) else "string"}
    else:
        meta = {"kind": "text", "dtype": "object"}
    meta["codes"] = np.dtype(width).str
    words = json.dumps(uniq, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return meta, [_le(codes.astype(width)), words]


class TooBig(Exception):
    """A stored payload that would unpack beyond ``limits().unpacked_bytes`` (``mb``)."""

    def __init__(self, mb: int):
        self.mb = mb
        super().__init__(mb)


def decode_frame(data: bytes, table: str) -> pd.DataFrame:
    most = limits().unpacked_bytes
    raw = inflate(data, most)  # a payload that would unpack beyond the limit is refused as it unpacks
    if raw is None:
        raise TooBig(most >> 20)
    n = int.from_bytes(raw[:4], "little")
    head = json.loads(raw[4:4 + n].decode("utf-8"))
    rows = head["rows"]
    pos = 4 + n
    out = {}
    specs = dict(contract.column_specs(table)) if table in contract.table_names() else {}
    for meta in head["columns"]:
        parts = []
        for size in meta["sizes"]:
            parts.append(raw[pos:pos + size])
            pos += size
        s = _decode_column(meta, parts, rows)
        if meta["name"] in specs:  # the dtype load_workbook gives
            want = contract_dtype(specs[meta["name"]])
            if str(s.dtype) != want:
                s = s.astype(want)
        out[meta["name"]] = s
    return pd.DataFrame(out, index=pd.RangeIndex(rows), copy=False) if out else pd.DataFrame(index=pd.RangeIndex(rows))


def _decode_column(meta: dict, parts: list[bytes], rows: int) -> pd.Series:
    kind = meta["kind"]
    if kind == "num":
        a = np.frombuffer(parts[0], dtype=np.dtype(meta["dtype"])).copy()
        return pd.Series(a.astype(a.dtype.newbyteorder("=")), copy=False)
    if kind == "masked":
        data = np.frombuffer(parts[0], dtype=np.dtype(meta["np"])).astype(np.dtype(meta["np"]).newbyteorder("="))
        mask = np.frombuffer(parts[1], dtype=np.bool_).copy()
        a = pd.array(data, dtype=meta["dtype"])
        a[mask] = pd.NA
        return pd.Series(a, copy=False)
    if kind == "datetimetz":
        i8 = np.frombuffer(parts[0], dtype="<i8").astype("i8")
        return pd.Series(i8.view(f"datetime64[{meta['unit']}]")).dt.tz_localize("UTC").dt.tz_convert(meta["tz"])
    if kind == "text":
        codes = np.frombuffer(parts[0], dtype=np.dtype(meta["codes"])).astype(np.intp)
        uniq = json.loads(parts[1].decode("utf-8", "surrogatepass"))
        if meta["dtype"] == "object":
            u = np.array(uniq + [None], dtype=object)
            return pd.Series(u[codes], dtype=object, copy=False)  # code -1 takes the None at the end
        dtype = pd.StringDtype(na_value=np.nan) if meta["dtype"] == "str" else pd.StringDtype()
        return pd.Series(pd.array(np.array(uniq, dtype=object), dtype=dtype).take(codes, allow_fill=True),
                         copy=False)
    raise ValueError(f"unknown column kind {kind!r}")


def is_nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)

