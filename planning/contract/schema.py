"""The workbook contract, kept as data.

The contract lives in three CSV files beside this module and is read once:

* ``contract_tables.csv``: one row per table (Chinese name, required, key);
* ``contract.csv``: one row per column (type, required, allowed values, default,
  range, references, Chinese header and descriptions);
* ``contract_values.csv``: the Chinese label of every enumerated value.

The loader, the validator, the template and the docs all read these tables, so
there is one source of truth.

Examples
--------
>>> from planning.contract import schema
>>> schema.table_names()[:4]
['regions', 'units', 'pairings', 'people']
>>> schema.columns("orders").loc["priority", "default"]
'3'
>>> schema.value_label("exclusive", "zh")
'独家'
"""
from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

TYPES = ("id", "str", "ref", "int", "float", "bool", "date", "enum", "list")


def _read(name: str) -> pd.DataFrame:
    with resources.files("planning.contract").joinpath(name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


@cache
def tables() -> pd.DataFrame:
    """One row per contract table, indexed by English table name."""
    t = _read("contract_tables.csv").set_index("table")
    t["required"] = t["required"].eq("true")
    return t


@cache
def all_columns() -> pd.DataFrame:
    """One row per contract column (``table``, ``column``, ``type`` …)."""
    c = _read("contract.csv")
    c["required"] = c["required"].eq("true")
    bad = set(c["type"]) - set(TYPES)
    if bad:  # pragma: no cover - guards the data file itself
        raise ValueError(f"unknown column types in contract.csv: {sorted(bad)}")
    return c


@cache
def columns(table: str) -> pd.DataFrame:
    """The contract columns of one table, indexed by English column name, in order."""
    c = all_columns()
    return c[c["table"] == table].set_index("column")


@cache
def _specs() -> dict[str, dict[str, dict]]:
    """Each table's column rows as plain dicts (fast to look up), in contract order."""
    out: dict[str, dict[str, dict]] = {}
    for r in all_columns().to_dict("records"):
        out.setdefault(r["table"], {})[r["column"]] = r
    return out


def column_specs(table: str) -> tuple[tuple[str, dict], ...]:
    """The contract columns of one table as ``(column, row)`` pairs, in order (do not modify)."""
    return tuple(_specs().get(table, {}).items())


def table_names() -> list[str]:
    """Contract tables in their canonical order."""
    return list(tables().index)


def allowed(table: str, column: str) -> list[str]:
    """Allowed values of an enumerated column (empty list for other columns)."""
    a = _specs()[table][column]["allowed"]
    return a.split("|") if a else []


def references(table: str, column: str) -> list[str]:
    """Tables whose ids a reference column may name."""
    r = _specs()[table][column]["ref"]
    return r.split("|") if r else []


@cache
def _values() -> dict[str, str]:
    v = _read("contract_values.csv")
    return dict(zip(v["value"], v["zh"]))


def value_label(value: str, lang: str = "zh") -> str:
    """Label of an enumerated value in a language (``zh`` or ``en``)."""
    if lang == "zh":
        return _values().get(value, value)
    return value


def value_codes() -> set[str]:
    """Every enumerated value of the contract (``cadre``, ``lead``, …)."""
    return set(_values())


def enum_columns() -> set[str]:
    """The names of the contract's enumerated columns (any table): their values are codes with labels."""
    c = _read("contract.csv")
    return set(c.loc[c["type"].eq("enum"), "column"])


def value_aliases(table: str, column: str) -> dict[str, str]:
    """Map every accepted spelling (English or Chinese, lower case) to the value."""
    out = {}
    for v in allowed(table, column):
        out[v.lower()] = v
        out[value_label(v, "zh").lower()] = v
    return out


def header(table: str, column: str, lang: str = "zh") -> str:
    """Column header as a planner sees it: Chinese, or English."""
    return _specs()[table][column]["zh"] if lang == "zh" else column


def table_label(table: str, lang: str = "zh") -> str:
    """Table name in a language."""
    return tables().loc[table, "zh"] if lang == "zh" else table


def template_header(table: str, column: str) -> str:
    """Header the template writes: Chinese with the English name in brackets."""
    return f"{_specs()[table][column]['zh']}({column})"


def template_sheet(table: str) -> str:
    """Sheet name the template writes."""
    return f"{tables().loc[table, 'zh']}({table})"
