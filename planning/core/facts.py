"""Facts derived from a workbook, computed once per workbook and reused.

Ancestors in the region tree, source cities, the host tree, order slots, the
pairings that decide each seat, live assignments, display names: every module
asks for them, and each is derived once per workbook, then handed out again.
A derivation is a plain function decorated with :func:`derived`, naming the
tables it reads; its result is kept beside the workbook and is valid while each
of those tables holds the very data it was derived from. Replacing a table
(``wb.orders = …``, ``wb.copy()``) or changing one in place (``wb.orders.loc[0,
"headcount"] = 3``) starts afresh, so a fact is never stale: the cache keeps a
shallow copy of each table it read, so that pandas' copy-on-write gives a table
written in place new arrays, which its stamp (:func:`table_stamp`) then shows.
Facts are handed out as shallow copies sharing the fact's data: with
copy-on-write (pandas 3) a caller changing one changes only its own copy, never the fact (a test checks every fact against
a fresh derivation after the pages and the allocation have used them).

Facts live as long as their workbook: they are dropped when it is garbage
collected, and at most :data:`PER_FUNCTION` results are kept per workbook and
function (the pages ask about a few windows, not thousands).

Examples
--------
>>> import planning
>>> from planning.core import facts
>>> from planning.core.hierarchy import ancestors
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> facts.RUNS.clear()
>>> ancestors(wb).equals(ancestors(wb))
True
>>> facts.RUNS["planning.core.hierarchy.ancestors"]
1
"""
from __future__ import annotations

import collections
import functools
import hashlib
import weakref
from collections.abc import Callable

import pandas as pd

#: How many results of one derivation are kept per workbook (least recently used dropped first).
PER_FUNCTION = 16

#: How often each derivation actually ran (``module.function`` → count): for tests and profiling.
RUNS: collections.Counter = collections.Counter()

# id(workbook) → {(function, argument key) → (stamp, kept objects, value)}
_FACTS: dict[int, collections.OrderedDict] = {}


def _handed(value):
    """What a caller gets: a shallow copy of a frame (under copy-on-write its writes stay its own)."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    return value


def _forget(key: int) -> None:
    _FACTS.pop(key, None)


def _facts_of(wb) -> collections.OrderedDict:
    k = id(wb)
    store = _FACTS.get(k)
    if store is None:
        store = _FACTS[k] = collections.OrderedDict()
        weakref.finalize(wb, _forget, k)
    return store


def table_stamp(df) -> tuple:
    """What identifies a table's data now: the table, its axes and the arrays that hold its columns.

    Every in-place change to a table that shares its data (and one a fact has
    derived from always does: the cache keeps a shallow copy) gives it new
    arrays under copy-on-write, so its stamp changes.
    """
    mgr = getattr(df, "_mgr", None)
    if mgr is None:  # an Index: immutable
        return (id(df), len(df))
    return (id(df), id(mgr), len(df), tuple(id(ax) for ax in mgr.axes),
            tuple(id(getattr(b, "values", b)) for b in getattr(mgr, "blocks", ())))


def frame_digest(a) -> tuple:
    """A frame's (or series') content as a key: columns, dtypes, length and a digest of every value and label.

    Two frames with the same values in the same order are the same question, however they were built.
    """
    h = pd.util.hash_pandas_object(a, index=True).to_numpy()
    cols = tuple(map(str, a.columns)) if isinstance(a, pd.DataFrame) else (str(a.name),)
    dtypes = tuple(map(str, a.dtypes)) if isinstance(a, pd.DataFrame) else (str(a.dtype),)
    return (cols, dtypes, len(a), hashlib.blake2b(h.tobytes(), digest_size=16).digest())


# table_stamp → (a shallow copy keeping the stamp's ids taken, digest): a frame asked about again is not hashed again
_DIGESTS: collections.OrderedDict = collections.OrderedDict()


def _digest_of(a) -> tuple:
    stamp = table_stamp(a)
    hit = _DIGESTS.get(stamp)
    if hit is None:
        hit = _DIGESTS[stamp] = (a.copy(deep=False), frame_digest(a))
        while len(_DIGESTS) > 4 * PER_FUNCTION:
            _DIGESTS.popitem(last=False)
    return hit[1]


def _argument_key(a, keep: list, wb=None):
    """A hashable key for one argument: a workbook's own table by its stamp, other frames by content."""
    if isinstance(a, (pd.DataFrame, pd.Series)):
        if wb is not None:
            for name, t in wb.tables().items():
                if a is t:
                    keep.append(a.copy(deep=False))
                    return ("table", name, table_stamp(a))
        return ("frame", _digest_of(a))
    if isinstance(a, pd.Index):
        keep.append(a)
        return ("index", id(a), len(a))
    if isinstance(a, (list, set)):
        return (type(a).__name__, tuple(sorted(map(str, a))) if isinstance(a, set) else tuple(map(_plain, a)))
    return _plain(a)


def _plain(a):
    hash(a)  # TypeError for what cannot be a key: the caller then derives without keeping
    return a


def derived(*tables: str) -> Callable:
    """Decorate ``fn(wb, *args, **kw)`` so that it runs once per workbook and arguments.

    Parameters
    ----------
    *tables : str
        The workbook tables the derivation reads. The result is reused while each
        is the same object (and length) as when it was derived.

    Frames among the arguments are matched by content (:func:`frame_digest`): the
    same seats asked about again, however they were built, find the same fact.
    An argument that cannot be a key (a dict, an array) derives afresh without
    keeping the result.
    """

    def wrap(fn: Callable) -> Callable:
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def fact(wb, *args, **kw):
            keep: list = []
            try:
                key = (name, tuple(_argument_key(a, keep, wb) for a in args),
                       tuple(sorted((k, _argument_key(v, keep, wb)) for k, v in kw.items())))
            except TypeError:
                RUNS[name] += 1
                return fn(wb, *args, **kw)
            used = tuple(getattr(wb, t) for t in tables)
            stamp = tuple(table_stamp(t) for t in used)
            store = _facts_of(wb)
            hit = store.get(key)
            if hit is not None and hit[0] == stamp:
                store.move_to_end(key)
                return _handed(hit[2])
            RUNS[name] += 1
            value = fn(wb, *args, **kw)
            # shallow copies of the tables and frames: their ids stay theirs, and a write in place copies
            store[key] = (stamp, (tuple(t.copy(deep=False) for t in used), keep), value)
            mine = [k for k in store if k[0] == name]
            for old in mine[:-PER_FUNCTION]:
                del store[old]
            return _handed(value)

        fact.derivation = fn  # the plain function, for references and tests
        fact.tables = tables
        return fact

    return wrap


def frame_fact(fn: Callable) -> Callable:
    """Decorate ``fn(frame, *args)`` (a fact of one table, not of a workbook) to run once per frame.

    The result is kept with the frame itself (a weak key by identity, valid
    while the frame's data is the same: :func:`table_stamp`), so
    ``order_slots(wb.orders)`` is cut once however many modules ask.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    kept: dict[int, collections.OrderedDict] = {}

    @functools.wraps(fn)
    def fact(frame, *args):
        try:
            key = (table_stamp(frame), tuple(_plain(a) for a in args))
        except TypeError:
            RUNS[name] += 1
            return fn(frame, *args)
        k = id(frame)
        store = kept.get(k)
        if store is None:
            store = kept[k] = collections.OrderedDict()
            weakref.finalize(frame, kept.pop, k, None)
        if key in store:
            return _handed(store[key][1])
        RUNS[name] += 1
        value = fn(frame, *args)
        store[key] = (frame.copy(deep=False), value)  # a shallow copy: a write in place gives the frame new arrays
        while len(store) > PER_FUNCTION:
            store.popitem(last=False)
        return _handed(value)

    fact.derivation = fn
    return fact


def forget(wb) -> None:
    """Drop every fact kept for ``wb`` (never needed for correctness; frees memory early)."""
    _FACTS.pop(id(wb), None)
