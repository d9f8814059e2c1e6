"""Who may see what in the planning office.

Four office roles (:class:`OfficeRole`): planners plan and publish, leaders read
the published version, host units read their own units only, senders (a sending city
or its units) their own task and their own people only. The sign-in is the
office's (JupyterHub); the pages learn who is looking from a *viewer pass*: the
viewer's name, role and units, signed by the office with a secret only the server
holds (:func:`sign_viewer`, :func:`read_viewer`). A host unit's pages are built on
:func:`scope_workbook`, the workbook cut to its own units, so nothing about people
posted elsewhere is ever computed in its kernel, let alone sent to its browser. A sender's pages
are built on :func:`scope_sender_workbook` in the same way: its own people, and of everyone else's
postings only what its task's seats need.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import pandas as pd

from ..core.hierarchy import ancestors
from ..core.live import LIVE
from .grid import scope_grid
from .senders import sender_people, sender_tasks
from ..contract import Workbook

__all__ = ["OfficeRole", "Viewer", "PAGES", "READ_ONLY_PAGES", "sign_viewer", "read_viewer",
           "host_units_of", "scope_workbook", "scope_workbooks", "senders_of", "scope_sender_workbook",
           "SCOPED_ROLES", "scoped", "scope_of", "scope_key"]


class OfficeRole(StrEnum):
    """What a signed-in person may do."""
    PLANNER = "planner"      #: plans, saves and publishes scenario versions; JupyterLab
    LEADER = "leader"        #: reads the published version, everything in it
    HOST_UNIT = "host_unit"  #: reads the published version, cut to their own host units
    SENDER = "sender"        #: reads its own task and its own people (a sending city or region, or its units)


#: The read-only stakeholder pages (notebook names) planners, leaders and host units may open.
READ_ONLY_PAGES = ("overview", "coverage", "rotation", "grid", "results", "network")
#: The senders' task page: every sender's task and nominations (a sender's own view is cut to itself).
SENDERS_PAGE = "senders"
#: The pages each role may open.
PAGES = {
    OfficeRole.PLANNER: READ_ONLY_PAGES + (SENDERS_PAGE, "allocation", "scenarios"),
    OfficeRole.LEADER: READ_ONLY_PAGES + (SENDERS_PAGE,),
    OfficeRole.HOST_UNIT: READ_ONLY_PAGES,
    # a sender: its task page only (the other pages are about host units and everyone's people)
    OfficeRole.SENDER: (SENDERS_PAGE,),
}
PASS_SECONDS = 12 * 3600  # a pass is good for a working day


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: ``name`` (the sign-in name), ``role``, and for a host unit the
    host units or host regions they are bound to (``units``); for a sender, its sending regions or units."""
    name: str
    role: OfficeRole
    units: tuple[str, ...] = ()

    @property
    def plans(self) -> bool:
        """May save, publish, upload and allocate."""
        return self.role == OfficeRole.PLANNER

    @property
    def pages(self) -> tuple[str, ...]:
        return PAGES[self.role]

    @property
    def landing(self) -> str:
        """The page the office opens first for this viewer: the overview, or the first page the role may open."""
        return "overview" if "overview" in self.pages else self.pages[0]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_viewer(viewer: Viewer, secret: str, *, now: float | None = None, seconds: int = PASS_SECONDS) -> str:
    """A viewer pass: the viewer as text, signed with ``secret`` (HMAC-SHA256), good for ``seconds``.

    Examples
    --------
    >>> v = Viewer("wang", OfficeRole.HOST_UNIT, ("H-SCH01",))
    >>> token = sign_viewer(v, "s3cret", now=0)
    >>> read_viewer(token, "s3cret", now=60) == v
    True
    >>> read_viewer(token, "other", now=60) is None  # signed with another secret
    True
    >>> read_viewer(token, "s3cret", now=PASS_SECONDS + 1) is None  # expired
    True
    """
    if not secret:
        raise ValueError("a viewer pass needs the office's secret")
    now = time.time() if now is None else now
    body = json.dumps({"n": viewer.name, "r": str(viewer.role), "u": list(viewer.units), "x": int(now + seconds)},
                      ensure_ascii=False, separators=(",", ":")).encode()
    sig = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return _b64(body) + "." + _b64(sig)


def read_viewer(token: str | None, secret: str | None, *, now: float | None = None) -> Viewer | None:
    """The viewer a pass names, or None when it is missing, altered, signed with another secret or expired."""
    if not token or not secret or not isinstance(token, str) or token.count(".") != 1:
        return None
    body_text, sig_text = token.split(".")
    try:
        body, sig = _unb64(body_text), _unb64(sig_text)
    except (ValueError, TypeError):
        return None
    if not hmac.compare_digest(sig, hmac.new(secret.encode(), body, hashlib.sha256).digest()):
        return None
    try:
        d = json.loads(body)
        viewer = Viewer(str(d["n"]), OfficeRole(d["r"]), tuple(str(u) for u in d["u"]))
        expires = float(d["x"])
    except (ValueError, KeyError, TypeError):
        return None
    now = time.time() if now is None else now
    return viewer if now <= expires else None


def host_units_of(wb: Workbook, bound) -> set[str]:
    """The host units a host-unit viewer sees: those named in ``bound`` and those under a region named there.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> sorted(host_units_of(wb, ["H-SCH01"]))
    ['H-SCH01']
    >>> county = wb.units.set_index("id").loc["H-SCH01", "region"]
    >>> "H-SCH01" in host_units_of(wb, [county]) and len(host_units_of(wb, [county])) > 1
    True
    >>> host_units_of(wb, ["no such unit"])
    set()
    """
    bound = {str(b) for b in bound}
    a = ancestors(wb)
    hosts = wb.units.loc[wb.units["side"].astype(str) == "host", "id"].astype(str)
    hit = set(a.loc[a["ancestor"].astype(str).isin(bound), "node"].astype(str))
    return set(hosts[hosts.isin(hit)])


def scope_workbook(wb: Workbook, bound) -> Workbook:
    """The workbook as a host unit bound to ``bound`` (host unit or host region ids) may see it.

    Dropped: the senders' quotas and staff. Kept: the batches; the orders, teams, local staff, indicators and
    mentorships of those host
    units; the indicator values of those units, their teams and people (with the definitions
    they name) and the assessments of those people; the assignments on those orders and the people on them (their other
    postings are dropped); the pairings whose host is one of the units or a region
    above them; the management units covering those units (:func:`planning.programme.grid.scope_grid`);
    and the units and regions these refer to, with their ancestors.
    Everything else (people posted elsewhere, other host units, their orders) is
    gone, so every count, table, figure and download made from the result is
    limited to the viewer's own units.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> mine = scope_workbook(wb, ["H-SCH01"])
    >>> set(mine.orders["host_unit"])
    {'H-SCH01'}
    >>> set(mine.assignments["order"]) <= set(mine.orders["id"])
    True
    >>> set(mine.people["id"]) == set(mine.assignments["person"])
    True
    """
    units = host_units_of(wb, bound)
    orders = wb.orders[wb.orders["host_unit"].astype(str).isin(units)]
    assignments = wb.assignments[wb.assignments["order"].astype(str).isin(set(orders["id"].astype(str)))]
    people = wb.people[wb.people["id"].astype(str).isin(set(assignments["person"].astype(str)))]
    teams = wb.teams[wb.teams["host"].astype(str).isin(units)
                     | wb.teams["id"].astype(str).isin(set(orders["team"].dropna().astype(str)))]
    a = ancestors(wb)
    above = set(a.loc[a["node"].astype(str).isin(units), "ancestor"].astype(str))
    pairings = wb.pairings[wb.pairings["host"].astype(str).isin(above)]
    local_staff = wb.local_staff[wb.local_staff["host_unit"].astype(str).isin(units)]
    known = set(people["id"].astype(str)) | set(local_staff["id"].astype(str))
    m = wb.mentorships  # mentor and apprentice are each a dispatched person or a local staff member
    mentorships = m[m["host_unit"].astype(str).isin(units) & m["mentor"].astype(str).isin(known)
                    & m["apprentice"].astype(str).isin(known)]
    indicators = wb.indicators[wb.indicators["host_unit"].astype(str).isin(units)]
    # results and assessments: the values of their own units, teams and people, the definitions those name
    # (with a ratio's parts), the assessments of their people and the items scored
    subjects = units | set(teams["id"].astype(str)) | set(people["id"].astype(str))
    values = wb.indicator_values[wb.indicator_values["subject"].astype(str).isin(subjects)]
    d = wb.indicator_definitions
    named_ind = set(values["indicator"].astype(str))
    named_ind |= set(d.loc[d["id"].astype(str).isin(named_ind), ["numerator", "denominator"]].stack().dropna()
                     .astype(str))
    # a ratio whose two parts are both named (a definition without parts is no ratio)
    ratios = (d["numerator"].notna() & d["denominator"].notna() & d["numerator"].astype(str).isin(named_ind)
              & d["denominator"].astype(str).isin(named_ind))
    definitions = d[d["id"].astype(str).isin(named_ind) | ratios]
    assessments = wb.assessments[wb.assessments["person"].astype(str).isin(set(people["id"].astype(str)))]
    items = wb.assessment_items[wb.assessment_items["id"].astype(str).isin(set(assessments["item"].dropna()))]
    # the units and regions still referred to, and everything above them
    named = units | set(people["sending_unit"].astype(str)) | set(pairings["sender"].astype(str)) \
        | set(pairings["host"].astype(str))
    # the management grid: the units covering their own host units (or regions), led by people kept
    grid = scope_grid(wb.management_units, wb, units, set(people["id"].astype(str)))
    named |= set(grid["host"].dropna().astype(str))
    if "cell" in people.columns:
        people = people.assign(cell=people["cell"].where(people["cell"].isin(set(grid["id"])), None))
    keep = set(a.loc[a["node"].astype(str).isin(named), "ancestor"].astype(str)) | named
    return replace(
        wb,
        regions=_rows(wb.regions, wb.regions["id"].astype(str).isin(keep)),
        units=_rows(wb.units, wb.units["id"].astype(str).isin(keep)),
        pairings=_rows(pairings), people=_rows(people), teams=_rows(teams), orders=_rows(orders),
        assignments=_rows(assignments), mentorships=_rows(mentorships), local_staff=_rows(local_staff),
        indicators=_rows(indicators), management_units=grid, indicator_definitions=_rows(definitions),
        indicator_values=_rows(values), assessment_items=_rows(items), assessments=_rows(assessments),
        # senders' quotas and staff are the senders' own business: a host unit gets none of them
        quotas=_rows(wb.quotas.iloc[0:0]), sender_staff=_rows(wb.sender_staff.iloc[0:0]),
    )


def _rows(df: pd.DataFrame, mask=None) -> pd.DataFrame:
    return (df if mask is None else df[mask]).reset_index(drop=True)


def scope_workbooks(wb: Workbook, bounds):
    """Each of ``bounds`` (an iterable of bounds, each as :func:`scope_workbook` takes it) cut as
    :func:`scope_workbook` cuts it, the cuts one by one (a generator), in one grouped pass.

    The programme is read once: each table's rows grouped by the ids it is cut on (orders by host unit,
    assignments by order, people by id and so on), the region tree as a map up and down; each cut then
    takes its rows by position. For many units (a package per host unit) it saves reading the whole
    programme again per unit; each cut equals :func:`scope_workbook`'s.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> one, two = scope_workbooks(wb, [["H-SCH01"], ["H-SCH02"]])
    >>> set(one.orders["host_unit"]), set(two.orders["host_unit"])
    ({'H-SCH01'}, {'H-SCH02'})
    """
    a = ancestors(wb)
    nodes, uppers = a["node"].astype(str).to_numpy(), a["ancestor"].astype(str).to_numpy()
    up, down = _sets(nodes, uppers), _sets(uppers, nodes)
    host_ids = set(wb.units.loc[wb.units["side"].astype(str) == "host", "id"].astype(str))
    o, asg, p, tm = wb.orders, wb.assignments, wb.people, wb.teams
    orders_by_host, order_ids = _positions(o["host_unit"]), o["id"].astype(str).to_numpy()
    order_teams = o["team"].astype(str).where(o["team"].notna(), None).to_numpy()
    assignments_by_order, assignment_people = _positions(asg["order"]), asg["person"].astype(str).to_numpy()
    people_by_id, people_ids = _positions(p["id"]), p["id"].astype(str).to_numpy()
    people_senders = p["sending_unit"].astype(str).to_numpy()
    teams_by_host, teams_by_id, team_ids = _positions(tm["host"]), _positions(tm["id"]), tm["id"].astype(str).to_numpy()
    pr = wb.pairings
    pairings_by_host = _positions(pr["host"])
    pairing_senders, pairing_hosts = pr["sender"].astype(str).to_numpy(), pr["host"].astype(str).to_numpy()
    ls = wb.local_staff
    staff_by_host, staff_ids = _positions(ls["host_unit"]), ls["id"].astype(str).to_numpy()
    m = wb.mentorships
    mentorships_by_host = _positions(m["host_unit"])
    mentors, apprentices = m["mentor"].astype(str).to_numpy(), m["apprentice"].astype(str).to_numpy()
    indicators_by_host = _positions(wb.indicators["host_unit"])
    v = wb.indicator_values
    values_by_subject, value_indicators = _positions(v["subject"]), _na_key(v["indicator"].astype(str))
    d = wb.indicator_definitions
    # a definition's parts as scope_workbook reads them (a missing part is no part)
    d_ids = d["id"].astype(str).to_numpy()
    numerators, denominators = (_na_key(d[c].astype(str)) for c in ("numerator", "denominator"))
    stacked = d[["numerator", "denominator"]].set_axis(d_ids).stack().dropna().astype(str)
    parts = _sets(stacked.index.get_level_values(0), _na_key(stacked))
    s = wb.assessments
    assessments_by_person, assessment_items = _positions(s["person"]), s["item"].to_numpy()
    items_by_id = _positions(wb.assessment_items["id"])
    regions_by_id, units_by_id = _positions(wb.regions["id"]), _positions(wb.units["id"])
    grid = _grid_cutter(wb)
    for bound in bounds:
        bound = {str(b) for b in bound}
        units = host_ids & set().union(*(down.get(b, ()) for b in bound))
        io = _take(orders_by_host, units)
        oids = set(order_ids[io])
        ia = _take(assignments_by_order, oids)
        ip = _take(people_by_id, set(assignment_people[ia]))
        it = np.union1d(_take(teams_by_host, units), _take(teams_by_id, {x for x in order_teams[io] if x is not None}))
        above = set().union(*(up.get(u, ()) for u in units))
        ir = _take(pairings_by_host, above)
        il = _take(staff_by_host, units)
        pids = set(people_ids[ip])
        known = pids | set(staff_ids[il])
        im = _take(mentorships_by_host, units)
        im = im[[mentors[i] in known and apprentices[i] in known for i in im]].astype(np.intp)
        ii = _take(indicators_by_host, units)
        subjects = units | set(team_ids[it]) | pids
        iv = _take(values_by_subject, subjects)
        named_ind = set(value_indicators[iv])
        named_ind |= {x for i in named_ind for x in parts.get(i, ())}
        idf = np.flatnonzero([i in named_ind or (n is not _NA and e is not _NA and n in named_ind and e in named_ind)
                              for i, n, e in zip(d_ids, numerators, denominators)])
        iss = _take(assessments_by_person, pids)
        iit = _take(items_by_id, {x for x in assessment_items[iss] if pd.notna(x)})
        named = units | set(people_senders[ip]) | set(pairing_senders[ir]) | set(pairing_hosts[ir])
        g = grid(units, pids)
        named |= set(g["host"].dropna().astype(str))
        people = p.iloc[ip]
        if "cell" in people.columns:
            people = people.assign(cell=people["cell"].where(people["cell"].isin(set(g["id"])), None))
        keep = set().union(*(up.get(x, ()) for x in named)) | named
        yield replace(
            wb,
            regions=_rows(wb.regions.iloc[_take(regions_by_id, keep)]),
            units=_rows(wb.units.iloc[_take(units_by_id, keep)]),
            pairings=_rows(pr.iloc[ir]), people=_rows(people), teams=_rows(tm.iloc[it]), orders=_rows(o.iloc[io]),
            assignments=_rows(asg.iloc[ia]), mentorships=_rows(m.iloc[im]), local_staff=_rows(ls.iloc[il]),
            indicators=_rows(wb.indicators.iloc[ii]), management_units=g, indicator_definitions=_rows(d.iloc[idf]),
            indicator_values=_rows(v.iloc[iv]), assessment_items=_rows(wb.assessment_items.iloc[iit]),
            assessments=_rows(s.iloc[iss]),
            quotas=_rows(wb.quotas.iloc[0:0]), sender_staff=_rows(wb.sender_staff.iloc[0:0]),
        )


def _positions(column: pd.Series) -> dict:
    """Each value of ``column`` (as text) with the positions of its rows."""
    return column.astype(str).groupby(column.astype(str).to_numpy(), sort=False).indices


_NA = object()  # a missing value, one and the same wherever it is met


def _na_key(column: pd.Series) -> np.ndarray:
    """``column``'s values with every missing one the same object (:data:`_NA`), for set lookups."""
    values = column.to_numpy(dtype=object)
    return np.where(pd.isna(values), _NA, values)


def _sets(keys, values) -> dict:
    out: dict = {}
    for k, x in zip(keys, values):
        out.setdefault(k, set()).add(x)
    return out


def _take(groups: dict, keys) -> np.ndarray:
    """The positions of the rows of ``keys`` in ``groups`` (:func:`_positions`), in the table's order."""
    hit = [groups[k] for k in keys if k in groups]
    return np.unique(np.concatenate(hit)) if hit else np.empty(0, dtype=np.intp)


def _grid_cutter(wb: Workbook):
    """:func:`planning.programme.grid.scope_grid` of ``wb``'s management units, the programme read once:
    a function of the viewer's host units and the people kept."""
    mu = wb.management_units
    if mu.empty:
        return lambda units, people: mu
    a = ancestors(wb)
    regions = a[a["ancestor"].isin(set(wb.regions["id"]))]
    regions = regions[regions["node"].isin(set(wb.units.loc[wb.units["side"].eq("host"), "id"]))]
    under = _sets(regions["ancestor"], regions["node"])  # a host region with its host units
    over = _sets(regions["node"], regions["ancestor"])  # a host unit with its regions
    by_host = mu["host"].groupby(mu["host"].to_numpy(), sort=False).indices  # as they are: isin compares values

    def cut(units: set, people: set) -> pd.DataFrame:
        mine = set(units)
        mine |= {r for u in units for r in over.get(u, ()) if under[r] <= units}
        out = mu.iloc[_take(by_host, mine)].copy()
        out["parent"] = out["parent"].where(out["parent"].isin(set(out["id"])), None)
        hidden = out["leader"].notna() & ~out["leader"].isin(people)
        out["leader"] = out["leader"].where(~hidden, None)
        return out.reset_index(drop=True)

    return cut


def senders_of(wb: Workbook, bound) -> set[str]:
    """The sending regions and units a sender viewer answers for: those named in ``bound`` and everything under them.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> "SD-QD" in senders_of(wb, ["SD-QD"]) and "SD-QDFY" in senders_of(wb, ["SD-QD"])
    True
    >>> "SD-JN" in senders_of(wb, ["SD-QD"])
    False
    >>> senders_of(wb, ["H-SCH01"])  # a host unit is no sender
    set()
    """
    bound = {str(b) for b in bound}
    sending = set(wb.regions.loc[wb.regions["side"].astype(str) == "sending", "id"].astype(str)) | set(
        wb.units.loc[wb.units["side"].astype(str) == "sending", "id"].astype(str))
    a = ancestors(wb)
    hit = set(a.loc[a["ancestor"].astype(str).isin(bound & sending), "node"].astype(str))
    return hit & sending


#: What stands for a person of another sender in a sender's cut of the assignments (numbered): never a name or id.
OTHER_PERSON = "\u00b7other-"


def scope_sender_workbook(wb: Workbook, bound) -> Workbook:
    """The workbook as a sender bound to ``bound`` (sending region or unit ids) may see it (design §8, §9).

    Kept: its own people (under :func:`senders_of`) with all their assignments; the batches; the
    staff of its own sending units; the orders at the host units its senders are paired with, and
    the orders its people are posted on, with the teams those name; the pairings above those host
    units (every sender's, so that the most specific one still decides); every region and unit (names
    only). Of the other senders' people nothing is kept but the fact that a seat is taken: their live
    assignments on the kept orders stay, each with a placeholder (``OTHER_PERSON`` and a number) in
    place of the person, so that the seats left are counted as on the full workbook.
    Its **quotas** are its own task rows' quotas taken on the whole workbook (a shared task is split by
    the other senders' free people, which its cut does not hold): given as its quotas here, so that
    :func:`planning.programme.senders.sender_tasks` on the cut finds the same quota, nominations and
    shortfall for its own senders. Dropped: everyone else's people, local staff, mentorships, the
    management grid, indicators, results and assessments, other senders' quotas and staff.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> mine = scope_sender_workbook(wb, ["SD-QD"])
    >>> set(mine.people["id"]) == set(sender_people(wb, ["SD-QD"]).people)
    True
    >>> set(mine.assignments["person"]) - set(mine.people["id"]) <= {p for p in mine.assignments["person"]
    ...                                                               if p.startswith(OTHER_PERSON)}
    True
    >>> set(mine.sender_staff["unit"]) <= senders_of(wb, ["SD-QD"])
    True
    """
    mine = senders_of(wb, bound)
    a = ancestors(wb)
    people = wb.people[wb.people["sending_unit"].astype(str).isin(mine)]
    own = set(people["id"].astype(str))
    # the host units its senders are paired with (pairings name a host region or unit above them)
    hosts = set(wb.units.loc[wb.units["side"].astype(str) == "host", "id"].astype(str))
    paired = set(wb.pairings.loc[wb.pairings["sender"].astype(str).isin(mine), "host"].astype(str))
    units = set(a.loc[a["ancestor"].astype(str).isin(paired), "node"].astype(str)) & hosts
    own_a = wb.assignments[wb.assignments["person"].astype(str).isin(own)]
    posted = set(own_a["order"].astype(str))
    orders = wb.orders[wb.orders["host_unit"].astype(str).isin(units) | wb.orders["id"].astype(str).isin(posted)]
    kept_orders = set(orders["id"].astype(str))
    # the other senders' live assignments on those orders: a taken seat, nobody named
    others = wb.assignments[~wb.assignments["person"].astype(str).isin(own)
                            & wb.assignments["order"].astype(str).isin(kept_orders)
                            & wb.assignments["status"].isin(LIVE)]
    others = others.assign(person=[f"{OTHER_PERSON}{i}" for i in range(1, len(others) + 1)])
    assignments = pd.concat([own_a, others], ignore_index=True) if len(others) else own_a
    teams = wb.teams[wb.teams["id"].astype(str).isin(set(orders["team"].dropna().astype(str)))]
    above = set(a.loc[a["node"].astype(str).isin(set(orders["host_unit"].astype(str))), "ancestor"].astype(str))
    pairings = wb.pairings[wb.pairings["host"].astype(str).isin(above)]
    # its own quotas, as the whole workbook gives them
    t = sender_tasks(wb)
    t = t[t["sender"].isin(mine)]
    q = wb.quotas
    quotas = pd.DataFrame({"sender": t["sender"].to_numpy(), "sector": t["sector"].to_numpy(),
                           "batch": t["batch"].to_numpy(), "count": t["quota"].to_numpy()})
    quotas = quotas.reindex(columns=list(q.columns)).astype(q.dtypes.to_dict())
    if "cell" in people.columns:
        people = people.assign(cell=None)

    def empty(df):
        return df.iloc[0:0].reset_index(drop=True)

    return replace(
        wb,
        pairings=_rows(pairings), people=_rows(people), teams=_rows(teams), orders=_rows(orders),
        assignments=_rows(assignments), mentorships=empty(wb.mentorships), local_staff=empty(wb.local_staff),
        indicators=empty(wb.indicators), management_units=empty(wb.management_units),
        indicator_definitions=empty(wb.indicator_definitions), indicator_values=empty(wb.indicator_values),
        assessment_items=empty(wb.assessment_items), assessments=empty(wb.assessments),
        quotas=_rows(quotas), sender_staff=_rows(wb.sender_staff, wb.sender_staff["unit"].astype(str).isin(mine)),
    )


#: The roles whose pages are built on a cut of the workbook (:func:`scope_of`), never on the whole of it.
SCOPED_ROLES = (OfficeRole.HOST_UNIT, OfficeRole.SENDER)


def scoped(viewer: Viewer | None) -> bool:
    """True for a viewer whose pages see a cut of the workbook (a host unit, a sender)."""
    return viewer is not None and viewer.role in SCOPED_ROLES


def scope_of(wb: Workbook, viewer: Viewer | None) -> Workbook:
    """The part of ``wb`` ``viewer`` may see: a host unit's own units (:func:`scope_workbook`), a sender's own
    task and people (:func:`scope_sender_workbook`), everything for the others (``wb`` itself).

    The loader's notes (names read as ids and the like, about any row) are dropped from a cut.
    """
    if not scoped(viewer):
        return wb
    cut = scope_workbook if viewer.role == OfficeRole.HOST_UNIT else scope_sender_workbook
    return replace(cut(wb, viewer.units), notes=[])


def scope_key(viewer: Viewer) -> str:
    """A file name for a viewer's scope: its role and a digest of its units (the same units in any order,
    the same name; no unit id in it).

    Examples
    --------
    >>> a = scope_key(Viewer("wang", OfficeRole.HOST_UNIT, ("H-SCH01", "H-SCH02")))
    >>> a == scope_key(Viewer("li", OfficeRole.HOST_UNIT, ("H-SCH02", "H-SCH01")))
    True
    >>> a.startswith("host_unit-") and "SCH" not in a
    True
    >>> a == scope_key(Viewer("wang", OfficeRole.SENDER, ("H-SCH01", "H-SCH02")))
    False
    """
    units = "\n".join(sorted({str(u) for u in viewer.units}))
    return f"{viewer.role}-{hashlib.sha256(units.encode()).hexdigest()[:24]}"
