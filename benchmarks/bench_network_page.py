"""The network page (网络关系) at national scale: 50,000 people, 5,000 host units.

Times, on the synthetic national workbook: the page's ``prepare`` (the pairing views at county and unit level,
the candidate graph, single points of failure and groups with too few candidates; in the office it runs in a
preheated kernel before the viewer arrives) and ``build_body`` (what a viewer waits for: target ≤ 3 s), then
centring on a sending city and on a county (each a redraw). Prints the drawing's size (nodes, links) and the
bytes of its widget state, the payload the browser renders. The **peer**, in the same run, is a plain
networkx graph of the same links (``nx.DiGraph`` from the unit-level view) and its ``ego_graph`` around the
same city: what it costs to hold the network as a graph and cut a neighbourhood out of it.

    .venv/bin/python benchmarks/bench_network_page.py [--people 50000] [--host-units 5000]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PLANNING_TODAY", "2026-11-22")

from planning.apps.network import NetworkApp  # noqa: E402
from planning.samples.synthetic import synthetic_workbook  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--host-units", type=int, default=5_000)
    a = ap.parse_args()
    wb = synthetic_workbook(people=a.people, host_units=a.host_units)
    print(f"workbook: {len(wb.people):,} people, {int(wb.units['side'].eq('host').sum()):,} host units")
    app = NetworkApp.__new__(NetworkApp)  # the page's steps one by one, without a kernel
    NetworkApp.__init__(app, wb, lang="zh")
    t = time.perf_counter()
    app.prepare(wb)
    print(f"prepare (before the viewer, in a preheated kernel): {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    app.build_body(wb)
    body = time.perf_counter() - t
    state = app.graph.get_state()
    size = len(json.dumps({k: state[k] for k in ("node_data", "link_data")}, default=str))
    print(f"build_body (what the viewer waits for): {body:.2f} s (target ≤ 3 s); drawing "
          f"{len(app.graph.node_data)} nodes, {len(app.graph.link_data)} links, {size / 1024:.0f} KiB of node and link data")
    city = app.by_unit["source_city"].value_counts().index[0]
    county = app.by_unit["county"].value_counts().index[0]
    for what, x in (("city", city), ("county", county)):
        t = time.perf_counter()
        app.draw(x)
        print(f"centre on a {what}: {time.perf_counter() - t:.2f} s, {len(app.graph.node_data)} nodes, "
              f"{len(app.graph.link_data)} links")
    import networkx as nx

    t = time.perf_counter()
    g = nx.DiGraph()
    g.add_edges_from(zip(app.by_unit["source_city"], app.by_unit["host"]))
    ego = nx.ego_graph(g, city, undirected=True)
    print(f"peer: networkx graph of {g.number_of_edges():,} links and the city's ego graph "
          f"({ego.number_of_nodes()} nodes): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
