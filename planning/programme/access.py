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

import pandas as pd

from ..core.hierarchy import ancestors
from ..core.live import LIVE
from .grid import scope_grid
from .senders import sender_people, sender_tasks
from ..contract import Workbook

__all__ = ["OfficeRole", "Viewer", "PAGES", "READ_ONLY_PAGES", "sign_viewer", "read_viewer",
           "host_units_of", "scope_workbook", "senders_of", "scope_sender_workbook",
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
    named_ind |= set(d.loc[d["id"].astype(str).isin(named_ind), ["numerator", "denominator"]].stack().astype(str))
    ratios = d["numerator"].astype(str).isin(named_ind) & d["denominator"].astype(str).isin(named_ind)
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
