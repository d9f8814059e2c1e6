"""``planning.allocate``: the allocation, kept importable where users reach it.

The code lives in :mod:`planning.allocation`, one module per step of its
pipeline; this module re-exports its public names.
"""
from .allocation import *  # noqa: F401,F403
from .allocation import __all__  # noqa: F401
