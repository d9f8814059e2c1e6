"""Who is under whom: regions, units and people in their parent chains.

All functions return long tables built by repeated vectorised lookups of the
parent map (one lookup per level, never a loop over rows).

Examples
--------
>>> import planning
>>> from planning.core.hierarchy import ancestors, source_city
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> a = ancestors(wb)
>>> bool(((a.node == "H-SCH01") & (a.ancestor == "XJ-KS")).any())
True
>>> source_city(wb).loc["P0001"]
'SD-JN'
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .facts import derived

CITY_LEVELS = ("city", "prefecture")


@derived("regions", "units")
def _parent_map(wb) -> pd.Series:
    r = wb.regions
    u = wb.units
    return pd.concat(
        [pd.Series(r["parent"].to_numpy(), index=r["id"].to_numpy()),
         pd.Series(u["region"].to_numpy(), index=u["id"].to_numpy())]
    ).pipe(lambda s: s[~s.index.duplicated()])


@derived("regions", "units")
def ancestors(wb) -> pd.DataFrame:
    """Every region and unit with each of its ancestors (itself at depth 0).

    Columns ``node``, ``ancestor``, ``depth``. A unit's ancestors are its region
    and that region's parents.
    """
    parent = _parent_map(wb)
    nodes = parent.index.to_numpy()
    cur = pd.Series(nodes, index=nodes, dtype=object)
    frames = [pd.DataFrame({"node": nodes, "ancestor": nodes, "depth": 0})]
    depth = 0
    while True:
        depth += 1
        cur = cur.map(parent).dropna()
        if cur.empty or depth > 64:  # cycles are rejected by the loader
            break
        frames.append(pd.DataFrame({"node": cur.index.to_numpy(), "ancestor": cur.to_numpy(), "depth": depth}))
    return pd.concat(frames, ignore_index=True)


@derived("regions", "units", "people")
def person_ancestors(wb) -> pd.DataFrame:
    """People with every unit and region they are under (``person``, ``ancestor``)."""
    a = ancestors(wb)
    p = wb.people[["id", "sending_unit"]].rename(columns={"id": "person", "sending_unit": "node"})
    return p.merge(a, on="node")[["person", "ancestor", "depth"]]


def nearest(wb, nodes: pd.Series, levels) -> pd.Series:
    """For each region/unit id in ``nodes``, the nearest ancestor region of one of ``levels``."""
    return nodes.map(nearest_of_levels(wb, tuple(levels)))


@derived("regions", "units")
def nearest_of_levels(wb, levels: tuple) -> pd.Series:
    """Every region and unit → its nearest ancestor region of one of ``levels`` (those that have one)."""
    a = ancestors(wb)
    lv = wb.regions.set_index("id")["level"]
    a = a[a["ancestor"].map(lv).isin(levels)].sort_values("depth").drop_duplicates("node")
    return a.set_index("node")["ancestor"]


@derived("regions", "units", "people")
def source_city(wb) -> pd.Series:
    """Each person's source city: the nearest city or prefecture above the sending unit.

    People sent by a unit with no city above it (a provincial department or
    hospital) have that unit as their source: they are one group for the fair
    share and the ``same_source`` team rule, and never merged with a city.
    """
    p = wb.people
    city = nearest(wb, p["sending_unit"], CITY_LEVELS)
    city = city.astype(object).where(city.notna(), p["sending_unit"].astype(object))
    return pd.Series(city.to_numpy(), index=p["id"].to_numpy(), name="source_city")


def host_area(wb, units: pd.Series, levels=("county", "city", "regiment", "division")) -> pd.Series:
    """For host units, the nearest county-like region above them (for maps and rollups)."""
    return nearest(wb, units, levels)


def under(wb, nodes: pd.Series, ancestor_ids) -> np.ndarray:
    """Boolean mask: is each node (region or unit id) under any of ``ancestor_ids``?"""
    a = ancestors(wb)
    hit = set(a.loc[a["ancestor"].isin(set(ancestor_ids)), "node"])
    return nodes.isin(hit).to_numpy()


#: The region tree the pages navigate, top down: prefecture or division, then county-like regions.
AREA_LEVELS = ("prefecture", "division")
COUNTY_LEVELS = ("county", "city", "district", "regiment")


@derived("regions", "units")
def host_tree(wb) -> pd.DataFrame:
    """Each host unit with its prefecture-level area and its county-like region, for navigation.

    ``area`` is the nearest prefecture or division above the unit; a unit with
    none (a county directly under a province, or a root county) takes the
    highest region above it that is not a province, so an area is always a
    region, never a unit, a village or a township. ``county`` is the nearest
    county-like region (county, county-level city, district, regiment) below or
    at the area, or missing for a unit directly under its area (a division's
    hospital). Returns ``unit, area, county``.

    >>> import planning
    >>> t = host_tree(planning.load_workbook(planning.SAMPLE)).set_index("unit")
    >>> t.loc["H-SCH01", ["area", "county"]].tolist()
    ['XJ-KS', 'XJ-KS-SL']
    """
    hosts = wb.units.loc[wb.units["side"].eq("host"), "id"].reset_index(drop=True)
    lv = wb.regions.set_index("id")["level"]
    a = ancestors(wb)
    a = a[a["node"].isin(set(hosts)) & a["ancestor"].isin(set(lv.index))]
    a = a.assign(level=a["ancestor"].map(lv))
    top = (a[a["level"].ne("province")].sort_values("depth").drop_duplicates("node", keep="last")
           .set_index("node")["ancestor"])
    area = nearest(wb, hosts, AREA_LEVELS).fillna(hosts.map(top))
    county = nearest(wb, hosts, COUNTY_LEVELS)
    # a county-like region above the area (a prefecture under a city) is not the unit's county
    depth = a[["node", "ancestor", "depth"]]

    def depth_of(x: pd.Series) -> np.ndarray:
        m = pd.DataFrame({"node": hosts, "ancestor": x}).merge(depth, on=["node", "ancestor"], how="left")
        return m["depth"].to_numpy(dtype=float)

    county = county.where(~(depth_of(county) > depth_of(area)))
    return pd.DataFrame({"unit": hosts.to_numpy(), "area": area.to_numpy(), "county": county.to_numpy()})
