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
from ..core.names import batch_names
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
        # every source the pages list: cities, and provincial units with no city above them
        "sending_cities": int(city.nunique()),
        "host_units": int(wb.units["side"].eq("host").sum()),
        "seats": int(wb.orders["headcount"].sum()),
        "on_post": int(live["person"].nunique()),
        "assignments": int(a["status"].isin(LIVE).sum()),
        "pending": int(pending_assignments(wb).sum()),
    }


def reminder_count(wb) -> int:
    """How many reminders ``planning check`` lists beside a passing check: notes on how
    values were read, host units no pairing covers, and groups of seats pairings leave
    with no one to send.

    >>> import planning
    >>> reminder_count(planning.load_workbook(planning.SAMPLE)) >= 1
    True
    """
    return len(wb.notes) + len(unpaired_host_units(wb)) + len(blocked_by_pairings(wb))


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


def plan_sender_table(plan, lang: str | None = None) -> pd.DataFrame:
    """The plan's senders as a table headed in ``lang``: batch, sender, sector, task, quota, nominated, selected,
    largest burden (:func:`planning.allocation.sender_rules.plan_senders`, names in place of ids)."""
    from ..allocation.sender_rules import SENDER_COLUMNS, plan_senders
    from ..core.i18n import sector_label

    wb = plan.inputs.workbook if getattr(plan, "inputs", None) is not None else plan.workbook
    ps = plan_senders(plan)
    nm = pd.concat([wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"]])
    nm = nm[~nm.index.duplicated()]
    bn = batch_names(wb, lang)
    out = ps.assign(batch=[bn.get(b) if isinstance(bn.get(b), str) else b for b in ps["batch"]],
                    sender=ps["sender"].map(lambda s: nm.get(s, s)),
                    sector=[sector_label(s, lang) for s in ps["sector"]])
    return out[SENDER_COLUMNS].rename(columns={c: t(f"alloc.senders.col.{c}", lang) for c in SENDER_COLUMNS})


def write_sender_sheet(plan, path, lang: str | None = None) -> list[str]:
    """Add the plan's 派出任务 sheet (:func:`plan_sender_table`) to the ``.xlsx`` at ``path`` when the plan's
    workbook has batches; returns the sheet names written (none without batches)."""
    from .excel import write_excel

    table = plan_sender_table(plan, lang)
    if table.empty:
        return []
    title = t("alloc.senders.sheet", lang)
    write_excel(path, [(title, table)], append=True, landscape=True,
                percent_columns=[t("alloc.senders.col.burden", lang)])
    return [title]
