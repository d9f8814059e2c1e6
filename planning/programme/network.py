"""The programme as a graph: sending regions → units → people → orders/teams → host units → host regions.

Nodes are ``"<kind>:<id>"`` so ids never collide across tables; each carries
``kind``, ``id`` and ``name``. Edges carry a ``kind``:

=================  ==========================  =====================================
edge kind          from → to                   attributes
=================  ==========================  =====================================
``part_of``        region → parent region
``located_in``     unit → region
``sends``          sending unit → person
``pairs_with``     sender → host               ``sector``, ``scope``
``requests``       host unit → order           ``headcount``, ``priority``
``belongs_to``     order → team
``serves``         team → host
``assigned_to``    person → order              ``start``, ``end``, ``status``
``works_at``       local staff → host unit
``mentors``        mentor → apprentice         ``host_unit``
``reports_to``     management unit → parent
``leads``          person → management unit    ``via`` (``named``: the unit's leader;
                                               ``team``: on the lead seat of the unit's
                                               team, with ``start``, ``end``, ``status``)
``belongs_to``     person → management unit    (the person's ``cell``)
``manages``        management unit → team      (the team it runs)
``covers``         management unit → host      (unit or region)
=================  ==========================  =====================================

The management grid (:mod:`planning.contract.grid_rules`) reads like the pairing network:
``G.in_edges("management_unit:W", data="kind")`` lists who leads and who belongs to a
unit, and ``reports_to`` edges lead up to the headquarters.

Examples
--------
>>> import planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> G = planning.build_network(wb)
>>> G.nodes["unit:H-SCH01"]["kind"], G.nodes["unit:H-SCH01"]["name"]
('unit', '疏勒县第一中学')
>>> sorted({k for _, _, k in G.edges(data="kind")})[:3]
['assigned_to', 'belongs_to', 'covers']
>>> [v for _, v, k in G.out_edges("management_unit:BT-GRP-DOC", data="kind") if k == "reports_to"]
['management_unit:BT-WG']
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.hierarchy import CITY_LEVELS, host_area, nearest, source_city
from ..core.live import LIVE
from ..core.pairings import covered_host_units, responsible_senders
from .eligibility import eligible_pairs

if TYPE_CHECKING:
    import networkx as nx

NODE_KINDS = {"regions": "region", "units": "unit", "people": "person", "teams": "team", "orders": "order",
              "local_staff": "local_staff", "management_units": "management_unit"}


def node_id(kind: str, ids) -> pd.Series | str:
    """Graph node name(s) for ids of a kind (``"unit:H-SCH01"``)."""
    if isinstance(ids, str):
        return f"{kind}:{ids}"
    return kind + ":" + pd.Series(ids).astype(str)


def _nodes(G, df, kind, name_col="name", extra=()):
    if df.empty:
        return
    keys = node_id(kind, df["id"]).to_numpy()
    names = df[name_col] if name_col in df else df["id"]
    attrs = pd.DataFrame({"kind": kind, "id": df["id"].to_numpy(), "name": names.to_numpy()})
    for c in extra:
        attrs[c] = df[c].to_numpy()
    G.add_nodes_from(zip(keys, attrs.to_dict("records")))


def _edges(G, u, v, kind, attrs: pd.DataFrame | None = None):
    u, v = np.asarray(u), np.asarray(v)
    if len(u) == 0:
        return
    if attrs is None or attrs.empty or len(attrs.columns) == 0:
        G.add_edges_from(zip(u, v), kind=kind)
        return
    recs = attrs.assign(kind=kind).to_dict("records")
    G.add_edges_from(zip(u, v, recs))


def _ref_node(wb, ids: pd.Series, tables=("regions", "units")) -> pd.Series:
    """Node names for ids that may name a region or a unit (or people / local staff)."""
    out = pd.Series(pd.NA, index=ids.index, dtype=object)
    for t in tables:
        known = set(getattr(wb, t)["id"])
        hit = out.isna() & ids.isin(known)
        out[hit] = NODE_KINDS[t] + ":" + ids[hit].astype(str)
    return out


def build_network(wb) -> nx.MultiDiGraph:
    """The workbook as a typed ``networkx.MultiDiGraph`` (see the module docs)."""
    import networkx as nx  # here, not at the top: the dashboards' kernels never need it

    G = nx.MultiDiGraph()
    _nodes(G, wb.regions, "region", extra=("level", "side", "lon", "lat"))
    _nodes(G, wb.units.rename(columns={"kind": "unit_kind"}), "unit", extra=("side", "region", "unit_kind"))
    _nodes(G, wb.people, "person", extra=("category", "sector", "skill", "sending_unit"))
    _nodes(G, wb.teams, "team", name_col="id", extra=("model", "same_source", "lead_required"))
    _nodes(G, wb.orders, "order", name_col="id", extra=("sector", "skill", "role", "headcount", "priority"))
    _nodes(G, wb.local_staff, "local_staff", extra=("host_unit",))

    r = wb.regions[wb.regions["parent"].notna()]
    _edges(G, node_id("region", r["id"]), node_id("region", r["parent"]), "part_of")
    _edges(G, node_id("unit", wb.units["id"]), node_id("region", wb.units["region"]), "located_in")
    _edges(G, node_id("unit", wb.people["sending_unit"]), node_id("person", wb.people["id"]), "sends")
    p = wb.pairings
    _edges(G, _ref_node(wb, p["sender"]), _ref_node(wb, p["host"]), "pairs_with",
           p[["sector", "scope"]].astype(object).where(p[["sector", "scope"]].notna(), None))
    o = wb.orders
    _edges(G, node_id("unit", o["host_unit"]), node_id("order", o["id"]), "requests", o[["headcount", "priority"]])
    ot = o[o["team"].notna()]
    _edges(G, node_id("order", ot["id"]), node_id("team", ot["team"]), "belongs_to")
    tm = wb.teams
    _edges(G, node_id("team", tm["id"]), _ref_node(wb, tm["host"], ("units", "regions")), "serves")
    a = wb.assignments
    _edges(G, node_id("person", a["person"]), node_id("order", a["order"]), "assigned_to",
           a[["start", "end", "status"]])
    ls = wb.local_staff
    _edges(G, node_id("local_staff", ls["id"]), node_id("unit", ls["host_unit"]), "works_at")
    m = wb.mentorships
    _edges(G, _ref_node(wb, m["mentor"], ("people", "local_staff")),
           _ref_node(wb, m["apprentice"], ("people", "local_staff")), "mentors", m[["host_unit"]])
    _grid_edges(G, wb)
    return G


def _grid_edges(G, wb) -> None:
    """The management grid: units, who leads them, who belongs to them, what they report to and run."""
    mu = getattr(wb, "management_units", None)
    if mu is None or mu.empty:
        return
    _nodes(G, mu.rename(columns={"kind": "unit_kind"}), "management_unit", extra=("unit_kind", "level"))
    up = mu[mu["parent"].notna()]
    _edges(G, node_id("management_unit", up["id"]), node_id("management_unit", up["parent"]), "reports_to")
    led = mu[mu["leader"].notna()]
    _edges(G, node_id("person", led["leader"]), node_id("management_unit", led["id"]), "leads",
           pd.DataFrame({"via": ["named"] * len(led)}))
    run = mu[mu["team"].notna()]
    _edges(G, node_id("management_unit", run["id"]), node_id("team", run["team"]), "manages")
    host = mu[mu["host"].notna()]
    _edges(G, node_id("management_unit", host["id"]), _ref_node(wb, host["host"], ("units", "regions")), "covers")
    if "cell" in wb.people.columns:
        p = wb.people[wb.people["cell"].notna()]
        _edges(G, node_id("person", p["id"]), node_id("management_unit", p["cell"]), "belongs_to")
    # a team's lead is its unit's leader: the people on the team's lead seats, while they hold them
    o = wb.orders
    lead = o[o["role"].eq("lead") & o["team"].isin(set(run["team"]))]
    a = wb.assignments
    a = a[a["status"].isin(LIVE) & a["order"].isin(set(lead["id"]))]
    unit_of_team = pd.Series(run["id"].to_numpy(), index=run["team"].to_numpy())
    unit = a["order"].map(lead.set_index("id")["team"]).map(unit_of_team)
    _edges(G, node_id("person", a["person"]), node_id("management_unit", unit), "leads",
           a[["start", "end", "status"]].assign(via="team"))


def pairing_view(wb, level: str = "county") -> pd.DataFrame:
    """Sending city → host area (or unit) with the people and seats each pairing carries.

    Parameters
    ----------
    level : {"county", "unit"}
        Aggregate host units to their county-like region, or keep them.

    Returns
    -------
    DataFrame
        ``source_city``, ``host``, ``host_name``, ``people`` (active or planned
        assignments of people from that city on orders there) and ``seats``
        (headcount ordered there for which a sender of that city is
        responsible, design §4; cities sharing a pairing each carry its seats).
    """
    a, o = wb.assignments, wb.orders.set_index("id")
    live = a[a["status"].isin(LIVE)]
    city = source_city(wb)
    host_unit = live["order"].map(o["host_unit"])
    key = host_unit if level == "unit" else host_area(wb, host_unit)
    people = pd.DataFrame({"source_city": live["person"].map(city).to_numpy(), "host": key.to_numpy()}).dropna()
    people = people.groupby(["source_city", "host"]).size().rename("people")

    o = wb.orders.rename(columns={"id": "order"}).reset_index(drop=True)
    r = responsible_senders(wb, o)
    cov = pd.DataFrame({"source_city": nearest(wb, r["sender"], CITY_LEVELS).to_numpy(),
                        "order": o["order"].to_numpy()[r["seat"].to_numpy()]})
    cov = cov.dropna().drop_duplicates().merge(o[["order", "host_unit", "headcount"]], on="order")
    cov["host"] = cov["host_unit"] if level == "unit" else host_area(wb, cov["host_unit"])
    seats = cov.dropna(subset=["source_city", "host"]).groupby(["source_city", "host"])["headcount"].sum().rename(
        "seats")
    out = pd.concat([people, seats], axis=1).fillna(0).astype(int).reset_index()
    names = pd.concat([wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"]])
    names = names[~names.index.duplicated()]
    out["source_city_name"] = out["source_city"].map(names)
    out["host_name"] = out["host"].map(names)
    return out.sort_values(["people", "seats"], ascending=False).reset_index(drop=True)


def unpaired_host_units(wb) -> pd.DataFrame:
    """Host units that no pairing covers from today on (no pairing in force for the unit or above it).

    A pairing that ended before today covers nothing (design §4: expired pairings decide nothing).
    """
    u = wb.units[wb.units["side"].eq("host")]
    return u[~u["id"].isin(covered_host_units(wb, on=today()))].reset_index(drop=True)


def idle_people(wb) -> pd.DataFrame:
    """People with no eligible order seat at all (sector, skill, level, lead, dates, pairings)."""
    pairs = eligible_pairs(wb)
    return wb.people[~wb.people["id"].isin(set(pairs["person"]))].reset_index(drop=True)
