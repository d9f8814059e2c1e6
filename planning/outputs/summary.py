"""One-screen summaries of a workbook (used by ``planning check`` and ``planning summary``).

Examples
--------
>>> import planning
>>> from planning.outputs.summary import figures
>>> f = figures(planning.load_workbook(planning.SAMPLE))
>>> f["people"] > 300, f["sending_cities"] >= 15
(True, True)
"""
from __future__ import annotations

import pandas as pd

from ..contract import schema
from ..core.clock import today  # noqa: F401  (public here too: planning.outputs.summary.today)
from ..core.hierarchy import source_city
from ..core.live import LIVE, live_assignments
from ..programme.criteria import pending_assignments
from ..programme.eligibility import blocked_by_pairings, blocked_sentences
from ..core.i18n import t
from ..programme.network import idle_people, unpaired_host_units


def figures(wb, on: pd.Timestamp | None = None) -> dict:
    """Headline figures: people, sending cities, host units, seats, people on post, live assignments and,
    of those, the ones pending public notice (``pending``, 拟派（待公示）: counted as planned)."""
    on = on or today()
    a = wb.assignments
    live = live_assignments(wb, on=on)
    city = source_city(wb)
    return {
        "people": len(wb.people),
        "sending_cities": int(city[city.isin(wb.regions["id"])].nunique()),
        "host_units": int(wb.units["side"].eq("host").sum()),
        "seats": int(wb.orders["headcount"].sum()),
        "on_post": int(live["person"].nunique()),
        "assignments": int(a["status"].isin(LIVE).sum()),
        "pending": int(pending_assignments(wb).sum()),
    }


def summary_text(wb, lang: str | None = None, detail: bool = False) -> str:
    """A short plain-text summary of a loaded workbook."""
    f = figures(wb)
    lines = [t("summary.title", lang, source=wb.source)]
    lines.append(t("summary.people", lang, n=f["people"], cities=f["sending_cities"], hosts=f["host_units"],
                   seats=f["seats"]))
    lines.append(t("summary.assigned", lang, n=f["assignments"]))
    if f["pending"]:
        lines.append("  " + t("summary.pending", lang, n=f["pending"]))
    lines.append(t("summary.unpaired", lang, n=len(unpaired_host_units(wb))))
    if detail:
        lines.append(t("summary.idle", lang, n=len(idle_people(wb))))
    blocked = blocked_by_pairings(wb)
    if len(blocked):
        lines.append(t("pairing.blocked.title", lang))
        lines.extend("  " + s for s in blocked_sentences(wb, blocked, lang))
    lines.append("")
    lang_ = lang or "zh"
    for name, df in wb.tables().items():
        lines.append("  " + t("summary.rows", lang, table=schema.table_label(name, lang_), n=len(df)))
    return "\n".join(lines)
