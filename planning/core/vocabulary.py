"""The contract's enumerated values as enums, read from ``contract.csv`` (the one source of truth).

Each enum's members are ``str`` values (:class:`enum.StrEnum`), so they compare equal to the
strings in the tables: ``wb.orders["role"].eq(Role.LEAD)``.

Examples
--------
>>> from planning.core.vocabulary import Role, Scope, Status
>>> Role.LEAD == "lead", [s.value for s in Status]
(True, ['active', 'planned', 'done'])
>>> Scope("preferred") is Scope.PREFERRED
True
"""
from __future__ import annotations

import csv
from enum import StrEnum
from pathlib import Path

CONTRACT = Path(__file__).resolve().parent.parent / "contract" / "contract.csv"

#: (table, column) of each enumerated column → the enum's name here.
ENUMS = {("regions", "level"): "Level", ("regions", "side"): "Side", ("units", "kind"): "UnitKind",
         ("pairings", "scope"): "Scope", ("people", "category"): "Category", ("people", "program"): "Program",
         ("teams", "model"): "TeamModel", ("orders", "role"): "Role", ("assignments", "status"): "Status",
         ("indicators", "kind"): "IndicatorKind", ("people", "rank"): "Rank", ("people", "title"): "Title",
         ("people", "party_status"): "PartyStatus", ("people", "vetting_stage"): "Stage",
         ("indicator_definitions", "direction"): "Direction",
         ("indicator_definitions", "aggregation"): "Aggregation", ("indicator_definitions", "subject"): "Subject",
         ("assessments", "grade"): "Grade", ("units", "grade"): "UnitGrade"}


def _member(value: str) -> str:
    return value.upper().replace("+", "_PLUS_").replace("1_PLUS_X", "ONE_PLUS_X").replace("-", "_")


def _enums() -> dict[str, type[StrEnum]]:
    with open(CONTRACT, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["type"] == "enum"]
    out = {}
    for r in rows:
        name = ENUMS.get((r["table"], r["column"]))
        if name and name not in out:
            out[name] = StrEnum(name, [(_member(v), v) for v in r["allowed"].split("|")], module=__name__)
    return out


_E = _enums()
Level = _E["Level"]
Side = _E["Side"]
UnitKind = _E["UnitKind"]
Scope = _E["Scope"]
Category = _E["Category"]
Program = _E["Program"]
TeamModel = _E["TeamModel"]
Role = _E["Role"]
Status = _E["Status"]
IndicatorKind = _E["IndicatorKind"]
#: Ranks (职级), titles (职称) and vetting stages (选派环节) in the contract's order: low to high, first to last.
Rank = _E["Rank"]
Title = _E["Title"]
PartyStatus = _E["PartyStatus"]
Stage = _E["Stage"]
Direction = _E["Direction"]
Aggregation = _E["Aggregation"]
Subject = _E["Subject"]
Grade = _E["Grade"]
#: Unit grades (等级, as hospitals are graded), low to high.
UnitGrade = _E["UnitGrade"]
