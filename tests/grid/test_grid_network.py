"""The grid in the programme graph: who leads, who belongs, who reports to whom."""
import pandas as pd
from grid_builders import load

import planning


def edges(G, kind):
    return {(u, v) for u, v, k in G.edges(data="kind") if k == kind}


def test_management_edges(tmp_path):
    G = planning.build_network(load(tmp_path))
    assert G.nodes["management_unit:G-DOC"]["kind"] == "management_unit"
    assert G.nodes["management_unit:G-DOC"]["name"] == "医生组"
    assert G.nodes["management_unit:W"]["unit_kind"] == "work_group"
    assert edges(G, "reports_to") == {("management_unit:G-DOC", "management_unit:W"),
                                      ("management_unit:G-EDU", "management_unit:W")}
    assert ("person:P3", "management_unit:G-DOC") in edges(G, "belongs_to")
    assert edges(G, "manages") == {("management_unit:G-DOC", "team:T-DOC"), ("management_unit:G-EDU", "team:T-EDU")}
    assert ("management_unit:W", "region:HC") in edges(G, "covers")
    assert ("management_unit:G-DOC", "unit:HB") in edges(G, "covers")
    leads = {(u, v): d for u, v, d in G.edges(data=True) if d["kind"] == "leads"}
    assert leads[("person:P1", "management_unit:W")]["via"] == "named"
    team_lead = leads[("person:P2", "management_unit:G-DOC")]
    assert team_lead["via"] == "team" and team_lead["end"] == pd.Timestamp("2027-12-31")


def test_the_grid_reads_like_the_pairing_network(tmp_path):
    """Everyone a work group answers for, by walking the graph: the units reporting to it, their leaders and
    members."""
    G = planning.build_network(load(tmp_path))
    below = {u for u, _, k in G.in_edges("management_unit:W", data="kind") if k == "reports_to"}
    people = {p for unit in below for p, _, k in G.in_edges(unit, data="kind") if k in ("leads", "belongs_to")}
    assert people == {"person:P2", "person:P3", "person:P4", "person:P5", "person:P6"}


def test_the_sample_grid_in_the_graph(sample):
    G = planning.build_network(sample)
    hq = "management_unit:ZJ-ALE-HQ"
    cells = {u for u, _, k in G.in_edges(hq, data="kind") if k == "reports_to"}
    assert cells == {"management_unit:ZJ-ALE-YY", "management_unit:ZJ-ALE-CDC"}
    assert [v for _, v, k in G.out_edges(hq, data="kind") if k == "covers"] == ["region:BT-1"]
    groups = {u for u, _, k in G.in_edges("management_unit:BT-WG", data="kind") if k == "reports_to"}
    assert {G.nodes[g]["name"] for g in groups} == {"机关党政干部组", "医生组", "教师组"}
