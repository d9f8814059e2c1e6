"""The store's errors, each one plain sentence (``store.<key>`` in :mod:`planning.core.i18n`), and their parts."""
from __future__ import annotations

import re

from ...core.i18n import t


class StoreError(Exception):
    """A store request that cannot be done, as one plain sentence.

    ``key`` names the sentence (``store.<key>`` in :mod:`planning.core.i18n`),
    ``params`` its values; :meth:`sentence` gives it in another language.
    """

    def __init__(self, key: str, lang: str | None = None, **params):
        self.key = key
        self.params = params
        self.lang = lang
        super().__init__(self.sentence(lang))

    def sentence(self, lang: str | None = None) -> str:
        return t(f"store.{self.key}", lang or self.lang, **self.params)

    def __str__(self) -> str:
        return self.sentence(self.lang)


class ConflictError(StoreError):
    """Someone else saved a newer version first; nothing was saved."""


class InvalidWorkbookError(StoreError):
    """The workbook breaks the data contract (as :func:`~planning.contract.load_workbook` would refuse it).

    ``problems`` lists every problem; the sentence names the first.
    """

    def __init__(self, key: str, lang: str | None = None, *, problems=(), **params):
        self.problems = list(problems)
        super().__init__(key, lang, **params)

    def sentence(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        first = self.problems[0].sentence(lang) if self.problems else ""
        return t(f"store.{self.key}", lang, first=first, **self.params)


def hide_password(text: str) -> str:
    """An address (or a sentence quoting one) with the password of ``scheme://user:password@host`` masked.

    >>> hide_password("postgresql://planner:s3cret@db:notaport/planning")
    'postgresql://planner:***@db:notaport/planning'
    """
    return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", str(text))

def show(x) -> str:
    s = repr(x)
    return s if len(s) <= 60 else s[:57] + "…"


def first_line(e: BaseException) -> str:
    s = str(e).strip().splitlines()
    return s[0] if s and s[0] else type(e).__name__


def db_detail(e: BaseException) -> str:
    """The first line of the driver's own message (without SQLAlchemy's SQL and links)."""
    orig = getattr(e, "orig", None)
    return first_line(orig if orig is not None else e)
