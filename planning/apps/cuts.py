"""A viewer's cut of the dashboards' data on disk: what a host unit's or a sender's kernel reads, and nothing else.

In the office, the gate (:mod:`planning.office.cuts`) writes the published version (or the office's data) cut to
a host unit's or a sender's scope (:func:`planning.programme.access.scope_of`) into a folder of its own, named by
:func:`planning.programme.access.scope_key`, under ``PLANNING_CUTS`` (a folder only the office's system user
can open). The kernel of such a viewer's page is started for that viewer, knows them before it reads anything,
and reads that folder alone (:func:`read_cut`): other units' and other senders' people are never in its memory
nor in the file it is given.

The folder holds ``workbook.pickle`` (the cut :class:`~planning.contract.Workbook`, pickled: written by the
office's own gate, read by the office's own kernels; a sender's cut is no valid workbook file, its other
senders' seats are held by placeholders) and ``source.json`` (the published version's name, number, author and
time, for the page's data line).
"""
from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pandas as pd

from ..contract import Workbook
from ..programme.access import Viewer, scope_key, scoped
from ..scenarios.store import Scenario

CUTS_ENV = "PLANNING_CUTS"  # the folder of the cuts, set by the office for its Voila
WORKBOOK = "workbook.pickle"
SOURCE = "source.json"


def cut_path(viewer: Viewer | None) -> Path | None:
    """The folder a host unit's or a sender's kernel reads (under ``PLANNING_CUTS``); None for other viewers
    or outside the office."""
    root = os.environ.get(CUTS_ENV)
    if not root or not scoped(viewer):
        return None
    return Path(root) / scope_key(viewer)


def write_cut(wb: Workbook, scenario: Scenario | None, folder: Path) -> Path:
    """Write the cut ``wb`` (and what the published ``scenario`` is called, when the data is one) to ``folder``
    (new, readable by this system user only)."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=False)
    with open(folder / WORKBOOK, "wb") as f:
        pickle.dump(wb, f, protocol=pickle.HIGHEST_PROTOCOL)
    meta = None if scenario is None else {"name": scenario.name, "version": int(scenario.version),
                                          "author": scenario.author, "saved_at": str(scenario.saved_at)}
    (folder / SOURCE).write_text(json.dumps({"scenario": meta}, ensure_ascii=False), encoding="utf-8")
    return folder


def read_cut(folder: Path) -> tuple[Workbook, Scenario | None]:
    """The cut workbook in ``folder`` and the published version it was cut from (None: the office's data)."""
    folder = Path(folder)
    with open(folder / WORKBOOK, "rb") as f:
        wb = pickle.load(f)
    if not isinstance(wb, Workbook):
        raise TypeError(f"{folder / WORKBOOK} holds no workbook")
    meta = json.loads((folder / SOURCE).read_text(encoding="utf-8")).get("scenario")
    if meta is None:
        return wb, None
    sc = Scenario(name=meta["name"], version=int(meta["version"]), author=meta["author"],
                  saved_at=pd.Timestamp(meta["saved_at"]), note="", workbook=wb)
    return wb, sc
