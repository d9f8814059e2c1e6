"""The workbook: one typed pandas table per contract table, and empty or typed tables built from the contract.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import schema



@dataclass
class Workbook:
    """The contract's tables as typed DataFrames with English column names."""

    regions: pd.DataFrame
    units: pd.DataFrame
    pairings: pd.DataFrame
    people: pd.DataFrame
    teams: pd.DataFrame
    orders: pd.DataFrame
    assignments: pd.DataFrame
    mentorships: pd.DataFrame
    local_staff: pd.DataFrame
    indicators: pd.DataFrame
    #: The management grid (optional table; :mod:`planning.contract.grid_rules`): empty when a workbook has none.
    management_units: pd.DataFrame = field(default_factory=lambda: empty_table("management_units"))
    #: Term rules per programme and role (optional table, design §11): empty when a workbook has none.
    term_rules: pd.DataFrame = field(default_factory=lambda: empty_table("term_rules"))
    #: Results and assessment (optional tables, DESIGN §10; :mod:`planning.contract.results_rules`): empty when absent.
    indicator_definitions: pd.DataFrame = field(default_factory=lambda: empty_table("indicator_definitions"))
    indicator_values: pd.DataFrame = field(default_factory=lambda: empty_table("indicator_values"))
    assessment_items: pd.DataFrame = field(default_factory=lambda: empty_table("assessment_items"))
    assessments: pd.DataFrame = field(default_factory=lambda: empty_table("assessments"))
    grade_thresholds: pd.DataFrame = field(default_factory=lambda: empty_table("grade_thresholds"))
    #: Senders' batches, quotas and staff (optional tables; :mod:`planning.programme.senders`): empty when absent.
    batches: pd.DataFrame = field(default_factory=lambda: empty_table("batches"))
    quotas: pd.DataFrame = field(default_factory=lambda: empty_table("quotas"))
    sender_staff: pd.DataFrame = field(default_factory=lambda: empty_table("sender_staff"))
    source: str = field(default="", compare=False)
    #: What the loader did for the planner that the planner should know (names read as ids): Problem objects
    #: whose ``sentence(lang)`` says it; never a reason to refuse the workbook.
    notes: list = field(default_factory=list, compare=False, repr=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The contract tables by name, in contract order."""
        return {n: getattr(self, n) for n in schema.table_names()}

    def copy(self) -> Workbook:
        return Workbook(**{n: df.copy() for n, df in self.tables().items()}, source=self.source)

    def equals(self, other: Workbook) -> bool:
        """True when every table holds the same values (dtypes may differ in storage)."""
        for name, df in self.tables().items():
            o = getattr(other, name)
            if list(df.columns) != list(o.columns) or len(df) != len(o):
                return False
            try:
                pd.testing.assert_frame_equal(
                    df.reset_index(drop=True), o.reset_index(drop=True), check_dtype=False
                )
            except AssertionError:
                return False
        return True

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={len(df)}" for n, df in self.tables().items())
        return f"Workbook({self.source!r}: {sizes})"


def empty_table(table: str) -> pd.DataFrame:
    """A zero-row table with the contract's columns and dtypes."""
    cols = schema.columns(table)
    return pd.DataFrame({c: pd.Series([], dtype=_dtype(r)) for c, r in cols.iterrows()})


def with_contract_types(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` (columns of table ``name``) with the contract's dtypes: dates, text as ``str`` (None kept), numbers."""
    base = empty_table(name)
    for c in base.columns:
        ty = schema.columns(name).loc[c, "type"]
        if ty == "date":
            df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
        elif ty in ("id", "str", "ref", "enum", "list"):
            df[c] = df[c].astype(object).where(pd.notna(df[c]), None).astype("str")
        elif ty == "bool":  # an empty cell takes the contract's default, as the loader reads it
            df[c] = df[c].astype(object).where(pd.notna(df[c]), schema.columns(name).loc[c, "default"] == "true"
                                               ).astype(bool)
        else:
            d = schema.columns(name).loc[c, "default"]
            df[c] = (df[c].fillna(int(d)) if d and ty == "int" else df[c]).astype(base[c].dtype)
    return df


def _dtype(spec) -> str:
    ty = spec["type"]
    if ty == "int":
        return "int64" if (spec["default"] or spec["required"]) else "Int64"
    return {"float": "float64", "bool": "bool", "date": "datetime64[ns]"}.get(ty, "str")
