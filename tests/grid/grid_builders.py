"""A small hand-made programme with a management grid, written as CSV files and loaded.

Chun'an-at-Batang in miniature: a work group (队长 P1) over a doctors' group (its
team's lead seat held by P2) and a teachers' group (lead seat P5), with members in
each; today is 2026-11-22 (tests/conftest.py).
"""
from pathlib import Path

import pandas as pd

import planning

BASE = {
    "regions": [
        dict(id="S", name="派出省", level="province", parent="", side="sending"),
        dict(id="C", name="派出县", level="county", parent="S", side="sending"),
        dict(id="H", name="受援州", level="prefecture", parent="", side="host"),
        dict(id="HC", name="受援县", level="county", parent="H", side="host"),
    ],
    "units": [
        dict(id="U1", name="派出机关", kind="government", region="C", side="sending"),
        dict(id="HA", name="县委县政府", kind="government", region="HC", side="host"),
        dict(id="HB", name="县人民医院", kind="hospital", region="HC", side="host"),
        dict(id="HS", name="县中学", kind="school", region="HC", side="host"),
    ],
    "people": [
        dict(id=f"P{k}", name=n, sending_unit="U1", category=c, sector=s, can_lead=lead,
             available_from="2025-01-01", available_to="2029-12-31", cell=cell, phone=phone)
        for k, n, c, s, lead, cell, phone in [
            (1, "甲队长", "cadre", "党政", "true", "", "13800000001"),
            (2, "乙医生", "professional", "医疗", "true", "", "13800000002"),
            (3, "丙医生", "professional", "医疗", "false", "G-DOC", ""),
            (4, "丁医生", "professional", "医疗", "false", "G-DOC", ""),
            (5, "戊老师", "professional", "教育", "true", "", ""),
            (6, "己老师", "professional", "教育", "false", "G-EDU", ""),
        ]
    ],
    "teams": [
        dict(id="T-DOC", host="HB", model="1+x", same_source="true", lead_required="true"),
        dict(id="T-EDU", host="HS", model="1+x", same_source="true", lead_required="true"),
    ],
    "orders": [
        dict(id="O-DZ", host_unit="HA", sector="党政", role="lead", headcount=1, start="2026-07-01",
             end="2027-12-31", team=""),
        dict(id="O-DOC-L", host_unit="HB", sector="医疗", role="lead", headcount=1, start="2026-07-01",
             end="2027-12-31", team="T-DOC"),
        dict(id="O-DOC-M", host_unit="HB", sector="医疗", role="member", headcount=2, start="2026-07-01",
             end="2027-12-31", team="T-DOC"),
        dict(id="O-EDU-L", host_unit="HS", sector="教育", role="lead", headcount=1, start="2026-07-01",
             end="2027-12-31", team="T-EDU"),
        dict(id="O-EDU-M", host_unit="HS", sector="教育", role="member", headcount=1, start="2026-07-01",
             end="2027-12-31", team="T-EDU"),
    ],
    "assignments": [
        dict(person=p, order=o, start="2026-07-01", end="2027-12-31", status="active")
        for p, o in [("P1", "O-DZ"), ("P2", "O-DOC-L"), ("P3", "O-DOC-M"), ("P4", "O-DOC-M"),
                     ("P5", "O-EDU-L"), ("P6", "O-EDU-M")]
    ],
    "management_units": [
        dict(id="W", name="援派工作队", kind="work_group", level=1, parent="", leader="P1", team="", host="HC"),
        dict(id="G-DOC", name="医生组", kind="group", level=2, parent="W", leader="", team="T-DOC", host="HB"),
        dict(id="G-EDU", name="教师组", kind="group", level=2, parent="W", leader="", team="T-EDU", host="HS"),
    ],
}


def tables(**changes):
    """The base tables as lists of dicts, with whole tables replaced by ``changes``."""
    out = {k: [dict(r) for r in v] for k, v in BASE.items()}
    out.update(changes)
    return out


def write(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
    return folder


def load(folder: Path, data: dict | None = None):
    """Write ``data`` (default: the base programme) into ``folder`` and load it."""
    return planning.load_workbook(write(folder, data if data is not None else tables()))


def edit(data: dict, table: str, row_id: str, key: str = "id", **values) -> dict:
    """Change the row of ``table`` whose ``key`` is ``row_id``."""
    for r in data[table]:
        if r[key] == row_id:
            r.update(values)
            return data
    raise KeyError(row_id)
