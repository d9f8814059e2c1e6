"""ipywidgets applications, one per notebook; tests drive them without a browser."""
from .allocation import AllocationApp
from .base import App, data_path, query_lang
from .coverage import CoverageApp
from .grid import GridApp
from .network import NetworkApp
from .overview import OverviewApp
from .results import ResultsApp
from .rotation import RotationApp
from .senders import SendersApp
from .scenarios import ScenariosApp

__all__ = ["AllocationApp", "App", "CoverageApp", "GridApp", "NetworkApp", "OverviewApp", "ResultsApp", "RotationApp", "ScenariosApp",
           "SendersApp", "data_path", "query_lang"]
