"""Planning workbook for counterpart-support programmes (对口支援).

Plain functions over pandas tables and networkx graphs:

>>> import planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> G = planning.build_network(wb)
>>> G.nodes["person:" + wb.people.id.iloc[0]]["kind"]
'person'
"""

from .allocation import Plan, PlanError, allocate, plan_diff
from .programme.coverage import coverage
from .programme.results import results
from .programme.network import build_network, idle_people, pairing_view, unpaired_host_units
from .programme.stable import hospital_resident
from .programme.senders import sender_burden, sender_tasks
from .contract import Problem, Workbook, WorkbookError, check_workbook, load_workbook, save_workbook

from .core.utils import SAMPLE  # noqa: E402  (the shipped sample programme)

__all__ = [
    "SAMPLE", "Problem", "Workbook", "WorkbookError", "load_workbook", "save_workbook",
    "check_workbook", "coverage", "results", "build_network", "pairing_view", "unpaired_host_units", "idle_people",
    "hospital_resident", "sender_tasks", "sender_burden",
    "allocate", "plan_diff", "Plan", "PlanError",
]
