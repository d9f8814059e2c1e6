"""The gate's side of the cuts: before a host unit's or a sender's page is let through, its cut is on disk.

:class:`Cuts` keeps, under a folder only the office's system user can open, one folder per scope (a role and
its units, :func:`planning.programme.access.scope_key`) holding the published version, or the office's data,
cut to that scope (:func:`planning.programme.access.scope_of`, written by :func:`planning.apps.cuts.write_cut`).
It is written again when the data changes (a new publication, a new save in the store, a changed data
folder). The whole workbook is loaded here, in the gate, and never in a host unit's or a sender's kernel: that
kernel is started for its viewer and reads its own folder alone (:mod:`planning.apps.cuts`).
"""
from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

from ..apps.cuts import write_cut
from ..apps.serving import dashboard_source, dashboard_stamp
from ..programme.access import Viewer, scope_key, scope_of

log = logging.getLogger("planning.office.cuts")


class Cuts:
    """The cuts under ``root`` (made readable by this system user only)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        self._lock = threading.Lock()
        self._full = None      # (stamp, workbook, scenario): the whole data, loaded once per change
        self._written: dict[str, tuple] = {}  # scope key → the stamp its cut was made from
        self._serial = 0

    def ready(self, viewer: Viewer) -> Path:
        """The folder of ``viewer``'s cut, written first when missing or older than the data (blocking: run it
        in a thread). Raises what loading the data raises."""
        key = scope_key(viewer)
        link = self.root / key
        with self._lock:
            stamp = dashboard_stamp()
            if self._written.get(key) == stamp and link.exists():
                return link
            if self._full is None or self._full[0] != stamp:
                self._full = None  # the old data goes before the new is loaded
                wb, sc = dashboard_source()
                self._full = (stamp, wb, sc)
            _, wb, sc = self._full
            self._serial += 1
            folder = write_cut(scope_of(wb, viewer), sc, self.root / f"{key}@{self._serial}")
            tmp = self.root / f"{key}.link-{self._serial}"
            os.symlink(folder.name, tmp)
            os.replace(tmp, link)  # kernels see the old cut or the new, never half of one
            self._written[key] = stamp
            self._forget_old(key, keep={folder.name})
            log.info("wrote the cut %s", folder.name)
            return link

    def _forget_old(self, key: str, keep: set[str]):
        """Remove this scope's older cuts but the one before the newest (a kernel may be reading it)."""
        olds = sorted((p for p in self.root.glob(f"{key}@*") if p.name not in keep),
                      key=lambda p: int(p.name.rsplit("@", 1)[1]))
        for p in olds[:-1]:
            shutil.rmtree(p, ignore_errors=True)
