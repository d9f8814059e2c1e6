"""The management grid's rules, checked while a workbook loads.

The contract (``contract.csv``) declares the table ``management_units`` (HQ, front
HQ, work group, grid cell, team group; each with a ``parent``, a ``level``, a
``leader`` who is a dispatched person, the ``team`` it runs and the ``host`` it
covers) and the optional column ``people.cell``: the one unit a person belongs to.
Unknown references (a parent, a team, a host or a cell that names nothing, a leader
who is not in ``people``) are refused by the loader's reference check like any other.
This module adds what only the grid has:

- parents that form a **cycle** (``grid_cycle``);
- a **level** not below the parent's level (``grid_level``);
- a person **in two cells at once** (``two_cells``): the cells a person is in are their
  ``people.cell`` and the units they lead; all of them must lie on one line from the top
  of the grid down (a team leader may lead the work group and sit in one of its groups,
  but may not lead two groups, nor lead one group while belonging to another);
- one team run by **two units** (``grid_team_twice``): its lead would lead both;
- ``people.cell`` filled while the workbook has no ``management_units`` table.

Why a column and not a membership table with dates: in this contract a person row is
one dispatch (a cadre sent again for a new batch is a new row), and a person is in a
cell while on post, so the cell needs no dates of its own; a person is in one cell at a
time because a row holds one cell. A leader's and a member's time in a cell are their
assignments, which is also what rotation changes.

:func:`check_grid` is called by :func:`planning.contract.load_workbook` (and
:func:`~planning.contract.validate_workbook`) with the loader's own problem collector,
so each refusal is a located sentence like every other problem. :func:`unit_ancestors`
is the grid's "who is above whom", shared with :mod:`planning.programme.grid`.

Examples
--------
>>> import pandas as pd
>>> a = unit_ancestors(pd.Series(["HQ", "C1", "G1"]), pd.Series([None, "HQ", "C1"]))
>>> a[a["unit"].eq("G1")][["ancestor", "depth"]].values.tolist()
[['G1', 0], ['C1', 1], ['HQ', 2]]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

TABLE = "management_units"
#: Steps followed up the parent chain at most (a deeper grid than this is a cycle in practice).
MAX_DEPTH = 64


def unit_ancestors(ids: pd.Series, parents: pd.Series) -> pd.DataFrame:
    """Every unit with each unit above it (itself at depth 0): ``unit``, ``ancestor``, ``depth``.

    One vectorised lookup per level of the grid; a cycle stops after :data:`MAX_DEPTH` steps
    (the loader refuses cycles).
    """
    ids = pd.Series(np.asarray(ids, dtype=object))
    parents = pd.Series(np.asarray(parents, dtype=object))
    ok = ids.notna()
    parent = pd.Series(parents[ok].to_numpy(), index=ids[ok].to_numpy())
    parent = parent[~parent.index.duplicated()].dropna()
    nodes = ids[ok].drop_duplicates().to_numpy()
    frames = [pd.DataFrame({"unit": nodes, "ancestor": nodes, "depth": 0})]
    cur = pd.Series(nodes, index=nodes, dtype=object)
    for depth in range(1, MAX_DEPTH + 1):
        cur = cur.map(parent).dropna()
        if cur.empty:
            break
        frames.append(pd.DataFrame({"unit": cur.index.to_numpy(), "ancestor": cur.to_numpy(), "depth": depth}))
    return pd.concat(frames, ignore_index=True)


def _acyclic(ids: pd.Series, parents: pd.Series) -> bool:
    """True when following parents never comes back (pointer doubling over unique ids)."""
    index = pd.Index(ids)
    if not index.is_unique:
        return False
    nxt = index.get_indexer(parents)
    steps = 1
    while steps <= len(nxt) and (nxt >= 0).any():
        nxt = np.where(nxt >= 0, nxt[nxt], -1)
        steps *= 2
    return not (nxt >= 0).any()


def _label(names: dict, uid) -> str:
    name = names.get(uid)
    return f"{name} ({uid})" if isinstance(name, str) and name and name != uid else str(uid)


def check_grid(raws, frames, headers, col) -> None:
    """Add the grid's problems to the loader's collector ``col`` (see the module docs).

    ``raws``, ``frames`` and ``headers`` are the loader's: raw tables, converted frames
    (row positions as in the raw tables) and, per table, each contract column's header as
    written in the file.
    """
    if any(p.table == TABLE for p in col.problems):
        return  # the table itself was refused or has bad cells: those are said already
    people = frames.get("people")
    cell_header = headers.get("people", {}).get("cell")
    if TABLE not in frames:
        if people is not None and cell_header is not None:
            v = people["cell"].to_numpy(dtype=object)
            bad = np.flatnonzero(~pd.isna(v))
            col.add(raws["people"], bad, cell_header, v[bad].tolist(), "unknown_ref", target=TABLE)
        return
    mu = frames[TABLE]
    head = headers[TABLE]
    raw = raws[TABLE]
    ids = mu["id"]
    names = dict(zip(ids.to_numpy(dtype=object).tolist(), mu["name"].to_numpy(dtype=object).tolist()))
    known = set(ids.dropna().tolist())
    has_parent = "parent" in head
    # cycles among parents
    cyclic = False
    if has_parent:
        e = mu[mu["parent"].notna() & mu["id"].notna()]
        if len(e) and not _acyclic(e["id"], e["parent"]):
            import networkx as nx  # only for a grid whose parents form a cycle

            g = nx.DiGraph(zip(e["id"], e["parent"]))
            pos = pd.Series(np.arange(len(mu)), index=ids.to_numpy())
            pos = pos[~pos.index.duplicated()]
            for cyc in nx.simple_cycles(g):
                cyclic = True
                first = min(cyc, key=lambda x: pos.get(x, 0))
                i = int(pos[first])
                k = cyc.index(first)
                ordered = cyc[k:] + cyc[:k] + [first]
                col.add(raw, [i], head["parent"], [mu["parent"].iloc[i]], "grid_cycle",
                        cycle=" → ".join(_label(names, x) for x in ordered))
    # a level not below the parent's
    if has_parent and "level" in head:
        lv = pd.Series(mu["level"].to_numpy(), index=ids.to_numpy())
        lv = lv[~lv.index.duplicated()]
        plv = mu["parent"].map(lv)
        bad = mu["level"].notna() & plv.notna() & (mu["level"].astype("Float64") <= plv.astype("Float64"))
        for i in np.flatnonzero(bad.fillna(False).to_numpy(dtype=bool)):
            col.add(raw, [i], head["level"], [mu["level"].iloc[i]], "grid_level",
                    parent=_label(names, mu["parent"].iloc[i]), parent_level=int(plv.iloc[i]))
    # one team run by two units
    if "team" in head:
        t = mu["team"]
        dup = t.notna() & t.duplicated(keep="first")
        if dup.any():
            first = pd.Series(np.arange(len(mu)), index=mu.index).groupby(t.to_numpy()).transform("min")
            for i in np.flatnonzero(dup.to_numpy()):
                col.add(raw, [i], head["team"], [t.iloc[i]], "grid_team_twice",
                        other=_label(names, ids.iloc[int(first.iloc[i])]))
    if cyclic:
        return
    _two_cells(raws, frames, headers, col, known, names)


def _two_cells(raws, frames, headers, col, known: set, names: dict) -> None:
    """A person's cell and the units they lead lie on one line of the grid (see the module docs)."""
    mu = frames[TABLE]
    people = frames.get("people")
    persons = set(people["id"].dropna().tolist()) if people is not None else set()
    parts = []
    if people is not None and "cell" in headers.get("people", {}):
        parts.append(pd.DataFrame({"person": people["id"].to_numpy(dtype=object),
                                   "unit": people["cell"].to_numpy(dtype=object),
                                   "table": "people", "pos": np.arange(len(people))}))
    if "leader" in headers[TABLE]:
        parts.append(pd.DataFrame({"person": mu["leader"].to_numpy(dtype=object),
                                   "unit": mu["id"].to_numpy(dtype=object),
                                   "table": TABLE, "pos": np.arange(len(mu))}))
    if not parts:
        return
    items = pd.concat(parts, ignore_index=True)
    items = items[items["person"].isin(persons) & items["unit"].isin(known)]
    items = items.drop_duplicates(["person", "unit"])
    several = items["person"].duplicated(keep=False)
    items = items[several]
    if items.empty:
        return
    anc = unit_ancestors(mu["id"], mu["parent"] if "parent" in mu else pd.Series([None] * len(mu)))
    depth = anc.groupby("unit")["depth"].max()
    items = items.assign(depth=items["unit"].map(depth).fillna(0).to_numpy(),
                         led=items["table"].eq(TABLE).to_numpy())
    # the deepest unit of each person is the line's foot (their own cell first, then the first unit they
    # lead); every other one must be above it
    order = items.sort_values(["person", "depth", "led", "pos"], ascending=[True, False, True, True],
                              kind="stable")
    foot = order.drop_duplicates("person").set_index("person")["unit"]
    items = items.assign(foot=items["person"].map(foot).to_numpy())
    above = set(zip(anc["unit"], anc["ancestor"]))
    bad = items[np.array([(f, u) not in above for f, u in zip(items["foot"], items["unit"])], dtype=bool)]
    for rec in bad.itertuples(index=False):
        table = rec.table
        column = "cell" if table == "people" else "leader"
        value = rec.unit if table == "people" else rec.person
        col.add(raws[table], [int(rec.pos)], headers[table][column], [value], "two_cells",
                other=_label(names, rec.foot))
