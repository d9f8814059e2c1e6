"""Publications: which version the dashboards show, and every publish and unpublish, newest deciding."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import sqlalchemy as sa

from .database import now_utc, publications_t, scenarios_t, user, utc

if TYPE_CHECKING:
    from .versions import Scenario

PUBLISH, UNPUBLISH = "publish", "unpublish"


class Publications:
    """The store's publishing, a part of :class:`~planning.scenarios.store.versions.Store`."""

    def _current(self, conn):
        """The current publication: (scenario id, name, version) or None (nothing published, or unpublished)."""
        p = publications_t
        row = conn.execute(
            sa.select(p.c.scenario_id, scenarios_t.c.name, p.c.version, p.c.action)
            .join(scenarios_t, scenarios_t.c.id == p.c.scenario_id)
            .order_by(p.c.id.desc()).limit(1)).first()
        return None if row is None or row.action == UNPUBLISH else row

    # ---- publish -----------------------------------------------------------------
    def publish(self, name: str, version: int | None = None, *, author: str | None = None) -> tuple[str, int]:
        """Make a version the one the dashboards show (the latest when ``version`` is None).

        Every publication is kept (with ``author``, default ``PLANNING_USER`` or
        the login name); the newest is the one shown.

        Examples
        --------
        >>> import os, tempfile, planning
        >>> from planning.scenarios.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> store.published() is None
        True
        >>> store.save("A", planning.load_workbook(planning.SAMPLE), author="Li Ming")
        1
        >>> store.publish("A", 1)
        ('A', 1)
        >>> store.published(), store.load_published().version
        (('A', 1), 1)
        """
        name = self._name(name)
        version = self._version(version, none=True)
        author = self._who(author) if author is not None else user()
        shown = self.load(name, version)  # what leaders would see must pass the contract (versions stored before
        self._valid(shown.workbook, name, shown.version)  # the store checked it are refused here)
        with self._tx(write=True) as conn:
            sc = self._scenario(conn, name, lock=True)
            row = self._visible(conn, name, sc.id, version)
            conn.execute(publications_t.insert().values(scenario_id=sc.id, version=row.version, action=PUBLISH,
                                                        published_at=now_utc(), published_by=author))
        return name, int(row.version)

    def unpublish(self, *, author: str | None = None) -> tuple[str, int] | None:
        """Stop showing the published version: the dashboards go back to their own workbook.

        Recorded like a publication (who, when, which version was withdrawn).
        Returns the ``(name, version)`` withdrawn, or None when nothing was published.

        Examples
        --------
        >>> import os, tempfile, planning
        >>> from planning.scenarios.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> store.save("A", planning.load_workbook(planning.SAMPLE), author="Li Ming")
        1
        >>> store.publish("A", 1, author="Li Ming"), store.unpublish(author="Wang Fang")
        (('A', 1), ('A', 1))
        >>> store.published() is None, store.unpublish(author="Wang Fang")
        (True, None)
        >>> store.publications()[["action", "name", "version", "by"]]
              action name  version         by
        0  unpublish    A        1  Wang Fang
        1    publish    A        1    Li Ming
        """
        author = self._who(author) if author is not None else user()
        with self._tx(write=True) as conn:
            # the lock on the scenario row orders this against a publish of the same scenario
            cur = self._current(conn)
            if cur is None:
                return None
            self._scenario(conn, cur.name, lock=True)
            cur = self._current(conn)
            if cur is None:
                return None
            conn.execute(publications_t.insert().values(scenario_id=cur.scenario_id, version=cur.version,
                                                        action=UNPUBLISH, published_at=now_utc(), published_by=author))
        return cur.name, int(cur.version)

    def publications(self) -> pd.DataFrame:
        """Every publish and unpublish, newest first: ``at, by, action, name, version``.

        ``action`` is ``"publish"`` or ``"unpublish"``; ``at`` is UTC.
        """
        p = publications_t
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(p.c.published_at, p.c.published_by, p.c.action, scenarios_t.c.name, p.c.version)
                .join(scenarios_t, scenarios_t.c.id == p.c.scenario_id).order_by(p.c.id.desc())).all()
        out = pd.DataFrame(rows, columns=["at", "by", "action", "name", "version"])
        out["at"] = utc(out["at"])
        out["by"] = out["by"].fillna("").astype("str")
        out["action"] = out["action"].fillna(PUBLISH).astype("str")
        out["version"] = out["version"].astype("int64")
        return out

    def published(self) -> tuple[str, int] | None:
        """The published ``(name, version)``, or None when nothing was published."""
        with self._tx() as conn:
            cur = self._current(conn)
        return (cur.name, int(cur.version)) if cur is not None else None

    def load_published(self) -> Scenario | None:
        """The published version, loaded (None when nothing was published)."""
        cur = self.published()
        return self.load(*cur) if cur is not None else None
