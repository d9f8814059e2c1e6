"""The network page (网络关系) without a browser: the whole view, centring, and a host unit's neighbourhood."""
import planning
from planning.apps import NetworkApp
from planning.programme.access import OfficeRole, Viewer


def test_whole_view_search_and_centre(sample):
    app = NetworkApp(sample, lang="zh")
    assert "app-ready" in app.root._dom_classes
    whole = {n["id"] for n in app.graph.node_data}
    assert "SD-JN" in whole and "XJ-KS-SL" in whole  # cities and counties
    assert len(app.graph.link_data) == len(app.links(None)) > 0
    app.search.value = "济南市"  # a sender: its host units
    ids = {n["id"] for n in app.graph.node_data}
    mine = set(app.by_unit.loc[app.by_unit["source_city"].eq("SD-JN"), "host"])
    assert ids == mine | {"SD-JN"} and "济南市 的周边" in app.caption.value
    app.on_click(None, {"data": {"id": "SD-JN"}})  # the centre clicked again: the whole network
    assert {n["id"] for n in app.graph.node_data} == whole
    # the single points of failure are marked: a host unit relying on one city is red
    sp = app.spof
    assert len(sp) and "XJ-KS-SL" in {app.by_unit.set_index("host")["county"].get(u) for u in sp["host_unit"]}
    reds = {n["id"] for n, c in zip(app.graph.node_data, app.graph.colors) if c == "#f6c9c9"}
    assert "XJ-KS-SL" in reds
    assert "仅济南市" in app.body.children[-5].value


def test_a_host_unit_sees_its_own_neighbourhood():
    wb = planning.load_workbook(planning.SAMPLE)
    app = NetworkApp(wb, lang="zh", viewer=Viewer("h", OfficeRole.HOST_UNIT, ("H-SCH01",)))
    names = {n["name"] for n in app.graph.node_data}
    assert names == {"济南市", "疏勒县"}
    assert app.weak is None  # no candidate graph is made from a host unit's cut of the workbook
    assert set(app.search_ids.values()) <= {"SD-JN", "XJ-KS-SL", "H-SCH01"}
