"""ipywidgets applications, one per notebook; tests drive them without a browser."""
from .base import App, data_path, query_lang
from .overview import OverviewApp

__all__ = ["App", "OverviewApp", "data_path", "query_lang"]
