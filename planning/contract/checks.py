"""Checks across tables: unique ids, references (with suggestions), sides, periods and cycles.
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from . import schema
from .columns import bad_coded, column_specs
from .suggestions import SUGGEST_LIMIT, Suggestions


def check_unique(raw, df, header, col) -> set:
    """Record repeated ids; return the table's ids as a set to look references up in."""
    known = set(df["id"].to_numpy(dtype=object).tolist())
    if len(known) == len(df):  # no repeats, at most one missing id (NaN, which no reference looks up)
        _same_but_case(raw, df, header, col, {x for x in known if isinstance(x, str)})
        return known
    ids = df["id"]
    dup = ids.duplicated(keep="first") & ids.notna()
    if dup.any():
        first = pd.Series(np.arange(len(ids)), index=ids.index).groupby(ids.to_numpy()).transform("min")
        idx = np.flatnonzero(dup.to_numpy())
        for i in idx:
            col.add(raw, [i], header, [ids.iloc[i]], "duplicate_id", first=int(raw.rows[int(first.iloc[i])]))
    known = {x for x in known if isinstance(x, str)}
    _same_but_case(raw, df, header, col, known)
    return known


def _same_but_case(raw, df, header, col, known: set) -> None:
    """Two ids that differ only in letter case (``p0001`` beside ``P0001``): one id written twice."""
    folded = {x.casefold() for x in known}
    if len(folded) == len(known):
        return
    ids = df["id"]
    key = ids.str.casefold()
    first_row: dict[str, tuple[int, str]] = {}
    for i, (x, k) in enumerate(zip(ids.tolist(), key.tolist())):
        if not isinstance(x, str):
            continue
        if k in first_row and first_row[k][1] != x:
            col.add(raw, [i], header, [x], "duplicate_id_case", first=int(raw.rows[first_row[k][0]]),
                    other=first_row[k][1])
        first_row.setdefault(k, (i, x))


def check_refs(raws, frames, headers, col, ids: dict[str, set], fact: dict, refused=frozenset()):
    """Every reference names an id of its target table(s); ``ids`` holds each table's ids."""
    for n, df in frames.items():
        if n not in ids and "id" in df.columns:
            v = df["id"].to_numpy(dtype=object)
            ids[n] = set(v[~pd.isna(v)].tolist())
    for table, df in frames.items():
        for c, row in column_specs(table):
            if row["type"] not in ("ref", "list") or c not in headers[table]:
                continue
            targets = schema.references(table, c)
            present = [ids[x] for x in targets if x in ids]
            if not present or any(x in refused for x in targets):
                continue  # the target table is missing or was refused whole: reported once already
            if row["type"] == "ref":
                codes, uniq = _factorized(fact, frames, table, c)
                bad = ~_known(present, uniq)
                bad[-1] = False  # the slot of code -1: no reference given
                if bad.any():
                    _names_as_ids(raws[table], frames, table, c, headers[table][c], targets, codes, uniq, bad, col)
                if bad.any():
                    near = Suggestions(frames, targets)
                    first = np.flatnonzero(bad)[:SUGGEST_LIMIT]  # suggestions for the first distinct values only
                    for k in first.tolist():
                        one = np.zeros(len(bad), dtype=bool)
                        one[k] = True
                        bad_coded(raws[table], col, uniq, codes, one, headers[table][c], "unknown_ref",
                                   target="|".join(targets), suggest=near(uniq[k]))
                    bad[first] = False
                    bad_coded(raws[table], col, uniq, codes, bad, headers[table][c], "unknown_ref",
                               target="|".join(targets))
                continue
            values = df[c].to_numpy(dtype=object)
            given = ~pd.isna(values)
            if row["type"] == "list":
                pos, parts = [], []
                for i in np.flatnonzero(given).tolist():
                    for part in values[i].split(";"):
                        pos.append(i)
                        parts.append(part)
                if parts:
                    parts = np.array(parts, dtype=object)
                    bad = ~_known(present, parts)
                    col.add(raws[table], np.asarray(pos)[bad], headers[table][c], parts[bad].tolist(),
                            "unknown_ref", target="|".join(targets))
                continue


def _names_as_ids(raw, frames, table, c, header, targets, codes, uniq, bad, col):
    """Read a name where an id is expected when exactly one row of the referenced tables has that name.

    The column (and the shared factorisation) then holds the id; ``bad`` loses those
    values; a note per value says what was read (the workbook still loads).
    """
    owners: dict[str, set] = {}
    ids: set = set()
    for x in targets:
        df = frames.get(x)
        if df is None or "id" not in df.columns or "name" not in df.columns:
            continue
        ids |= set(df["id"].dropna().astype(str))
        for i, n in zip(df["id"].tolist(), df["name"].tolist()):
            if isinstance(i, str) and isinstance(n, str) and n.strip():
                owners.setdefault(n.strip(), set()).add(i)
    changed = False
    for k in np.flatnonzero(bad).tolist():
        v = uniq[k]
        hit = owners.get(str(v).strip()) if isinstance(v, str) else None
        if hit and len(hit) == 1 and v not in ids:
            (ident,) = hit
            col.note(raw, header, v, ident, int((codes == k).sum()))
            uniq[k] = ident
            bad[k] = False
            changed = True
    if changed:
        values = uniq[np.where(codes < 0, len(uniq) - 1, codes)]
        frames[table][c] = pd.Series(values, index=frames[table].index).astype(frames[table][c].dtype)


def _factorized(cache: dict, frames, table: str, c: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of a column, kept for later checks.

    A missing value has code -1, and the distinct values end with NaN for it.
    """
    if (table, c) not in cache:
        codes, uniq = pd.factorize(frames[table][c].to_numpy(dtype=object))
        cache[table, c] = codes, np.append(uniq, np.array([np.nan], dtype=object))
    return cache[table, c]


def _known(sets: list[set], values: np.ndarray) -> np.ndarray:
    """Whether each value is in one of the sets."""
    hit = np.fromiter(map(sets[0].__contains__, values), dtype=bool, count=len(values))
    for known in sets[1:]:
        miss = np.flatnonzero(~hit)
        if not miss.size:
            break
        hit[miss] = np.fromiter(map(known.__contains__, values[miss]), dtype=bool, count=len(miss))
    return hit


def _side_of(frames) -> pd.Series:
    parts = [frames[n].set_index("id")["side"] for n in ("regions", "units") if n in frames]
    s = pd.concat(parts) if parts else pd.Series(dtype=str)
    return s[~s.index.duplicated()]


def check_sides(raws, frames, headers, col, fact: dict):
    side = _side_of(frames)
    lookup = dict(zip(side.index.tolist(), side.to_numpy(dtype=object).tolist()))
    missing = side[side.index.isna()].iloc[0] if side.index.hasnans else np.nan  # as Series.map does
    rules = [("units", None), ("people", ("sending_unit", "sending")), ("orders", ("host_unit", "host")),
             ("pairings", ("sender", "sending")), ("pairings", ("host", "host")),
             ("teams", ("host", "host")), ("quotas", ("sender", "sending")),
             ("sender_staff", ("unit", "sending"))]
    for table, rule in rules:
        if table not in frames or table not in headers:
            continue
        df = frames[table]
        if rule is None:
            if "regions" not in frames or "region" not in headers[table]:
                continue
            rs = df["region"].map(frames["regions"].set_index("id")["side"].pipe(lambda x: x[~x.index.duplicated()]))
            mask = rs.notna() & df["side"].notna() & (rs != df["side"])
            for i in np.flatnonzero(mask.to_numpy()):
                col.add(raws[table], [i], headers[table]["side"], [df["side"].iloc[i]], "unit_side",
                        side=df["side"].iloc[i], region_side=rs.iloc[i])
            continue
        c, expected = rule
        if c not in headers[table]:
            continue
        codes, uniq = _factorized(fact, frames, table, c)
        # a missing value (code -1, last) has the side of a missing id, as Series.map gives
        actual = np.array([lookup.get(u, np.nan) for u in uniq[:-1].tolist()] + [missing], dtype=object)
        mask = (~pd.isna(actual) & (actual != expected))[codes]
        for i in np.flatnonzero(mask):
            col.add(raws[table], [i], headers[table][c], [uniq[codes[i]]], "wrong_side",
                    actual=actual[codes[i]], expected=expected)
    if "people" in frames and "wishes" in headers.get("people", {}):  # wishes name host units
        wishes = frames["people"]["wishes"].dropna()
        wishes = wishes[wishes.ne("")].str.split(";").explode()
        actual = wishes.map(lookup)
        for i, v in wishes[actual.notna() & actual.ne("host")].items():
            col.add(raws["people"], [i], headers["people"]["wishes"], [v], "wrong_side", actual=lookup[v],
                    expected="host")


def check_periods(raws, frames, headers, col):
    pairs = {"people": ("available_from", "available_to"), "orders": ("start", "end"),
             "assignments": ("start", "end"), "pairings": ("start", "end"), "mentorships": ("start", "end"),
             "batches": ("dispatch", "window_end")}
    for table, (a, b) in pairs.items():
        if table not in frames or a not in headers[table] or b not in headers[table]:
            continue
        df = frames[table]
        mask = df[a].notna() & df[b].notna() & (df[b] < df[a])
        for i in np.flatnonzero(mask.to_numpy()):
            col.add(raws[table], [i], headers[table][b], [df[b].iloc[i].date()], "end_before_start",
                    start=str(df[a].iloc[i].date()))


def check_cycles(raws, frames, headers, col):
    if "regions" not in frames or "parent" not in headers["regions"]:
        return
    r = frames["regions"]
    e = r[r["parent"].notna() & r["id"].notna()]
    if _acyclic(e["id"], e["parent"]):
        return
    import networkx as nx  # only for a workbook whose regions form a cycle

    g = nx.DiGraph(zip(e["id"], e["parent"]))
    pos = pd.Series(np.arange(len(r)), index=r["id"].to_numpy())
    pos = pos[~pos.index.duplicated()]
    for cyc in nx.simple_cycles(g):
        first = min(cyc, key=lambda x: pos.get(x, 0))
        i = int(pos[first])
        k = cyc.index(first)
        ordered = cyc[k:] + cyc[:k] + [first]
        col.add(raws["regions"], [i], headers["regions"]["parent"], [r["parent"].iloc[i]], "region_cycle",
                cycle=" → ".join(ordered))


def _acyclic(ids: pd.Series, parents: pd.Series) -> bool:
    """True when following parents from any region never comes back (pointer doubling).

    Only for unique ids (one parent each); ``False`` means "look for cycles".
    """
    index = pd.Index(ids)
    if not index.is_unique:
        return False
    nxt = index.get_indexer(parents)  # the parent's own row, or -1 where the chain stops
    steps = 1
    while steps <= len(nxt) and (nxt >= 0).any():
        nxt = np.where(nxt >= 0, nxt[nxt], -1)
        steps *= 2
    return not (nxt >= 0).any()


def check_rotation(raws, frames, headers, col):
    """A rotation slot on a post that may not rotate (its own ``rotation_allowed`` or its term rule's) is an error."""
    if "orders" not in frames or "rotation_months" not in headers["orders"]:
        return
    o = frames["orders"]
    rot = o["rotation_months"].notna().to_numpy()
    if not rot.any():
        return
    banned = ~o["rotation_allowed"].to_numpy(dtype=bool)
    rule = np.full(len(o), "", dtype=object)
    tr = frames.get("term_rules")
    if tr is not None and len(tr) and "rotation_allowed" in headers.get("term_rules", {}):
        no = tr[~tr["rotation_allowed"].to_numpy(dtype=bool)]
        prog = o["programme"].astype(object).to_numpy()
        role = o["role"].astype(object).to_numpy()
        for p, r in zip(no["programme"].astype(object).tolist(), no["role"].astype(object).tolist()):
            hit = (prog == p) & (pd.isna(r) | (role == r)) & ~banned
            rule[hit] = str(p)
            banned |= hit
    for i in np.flatnonzero(rot & banned).tolist():
        col.add(raws["orders"], [i], headers["orders"]["rotation_months"], [o["rotation_months"].iloc[i]],
                "rotation_not_allowed" if not rule[i] else "rotation_not_allowed_rule", programme=rule[i])
