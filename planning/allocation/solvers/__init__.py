"""Solvers of the allocation model, chosen by name in :func:`planning.allocation.allocate`."""
