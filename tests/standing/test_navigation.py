"""The region tree the pages navigate, and the pairing figure's labels."""
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import csv_workbook  # noqa: E402
from standing_programmes import staffed_programmes  # noqa: E402

from planning.apps.flows import LABEL_PITCH, flow_svg, flow_table  # noqa: E402
from planning.core.hierarchy import host_tree  # noqa: E402
from planning.core.names import names  # noqa: E402


def chain(wb, node):
    """Regions above a unit, nearest first (plain loop over the parent columns)."""
    region = dict(zip(wb.units["id"], wb.units["region"]))
    parent = dict(zip(wb.regions["id"], wb.regions["parent"]))
    out, x = [], region.get(node)
    while isinstance(x, str) and x:
        out.append(x)
        x = parent.get(x)
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables=staffed_programmes())
def test_host_tree_follows_the_region_tree(tables):
    with tempfile.TemporaryDirectory() as d:
        wb = csv_workbook(Path(d), tables)
    level = dict(zip(wb.regions["id"], wb.regions["level"]))
    tree = host_tree(wb)
    assert set(tree["unit"]) == set(wb.units.loc[wb.units["side"].eq("host"), "id"])
    for r in tree.itertuples():
        up = chain(wb, r.unit)
        # the area is a region above the unit, never a unit, township or village, never a province
        assert r.area in up and level[r.area] not in ("township", "village", "province")
        wanted = [x for x in up if level[x] in ("prefecture", "division")]
        assert r.area == (wanted[0] if wanted else [x for x in up if level[x] != "province"][-1])
        # the county is county-like, between the unit and its area (or missing)
        if isinstance(r.county, str):
            assert level[r.county] in ("county", "city", "district", "regiment")
            assert up.index(r.county) <= up.index(r.area)


def test_flow_labels_never_overlap(sample):
    flows, counties = flow_table(sample, pd.Timestamp("2026-11-22"))
    # many small senders: every node still gets a label row of its own
    many = pd.concat([flows, pd.DataFrame({"source_city": [f"C{i}" for i in range(40)], "county": flows["county"].iloc[0],
                                           "people": 1})], ignore_index=True)
    for f in (flows, many):
        svg = flow_svg(f, counties, dict(names(sample)))
        for anchor in ("end", None):
            pat = (r"<text x='[\d.]+' y='([\d.]+)' text-anchor='end'>" if anchor else
                   r"<text x='[\d.]+' y='([\d.]+)'>(?!<)")
            ys = sorted(float(y) for y in re.findall(pat, svg))
            assert len(ys) >= 2 and np.diff(ys).min() >= LABEL_PITCH - 0.01
        assert "<script" not in svg


def test_flow_figure_escapes_names(sample):
    flows, counties = flow_table(sample, pd.Timestamp("2026-11-22"))
    nm = dict(names(sample))
    nm[flows["source_city"].iloc[0]] = "<b onmouseover=alert(1)>x</b>"
    svg = flow_svg(flows, counties, nm)
    assert "<b onmouseover" not in svg and "&lt;b onmouseover=alert(1)&gt;" in svg
