"""The office's accounts, kept in the hub's own database.

Each account is the hub's (NativeAuthenticator's ``users_info``: the name and a bcrypt hash of
the password) plus one row of ``office_accounts``: the role and, for a host unit, the host units
or host regions it is bound to (for a sender, its sending regions or units). The hub reads both at every sign-in and every minute after
(:mod:`.hub`), so a changed role or a removed account takes effect without a restart.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import bcrypt
import pandas as pd
from jupyterhub import orm as hub_orm
from nativeauthenticator.orm import UserInfo
from sqlalchemy import Column, DateTime, String, Text

from ..programme.access import OfficeRole
from ..core.i18n import t
from .config import Office

#: the hub group each role's members belong to (the hub's own permissions are given to these groups)
GROUPS = {OfficeRole.PLANNER: "planners", OfficeRole.LEADER: "leaders", OfficeRole.HOST_UNIT: "host-units",
          OfficeRole.SENDER: "senders"}
#: the roles bound to units: a host unit to host units or regions, a sender to sending regions or units
BOUND = (OfficeRole.HOST_UNIT, OfficeRole.SENDER)
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD = 8


class OfficeAccount(hub_orm.Base):
    """The office's part of an account: role and units (``units``: ids joined by commas)."""
    __tablename__ = "office_accounts"
    username = Column(String(64), primary_key=True)
    role = Column(String(16), nullable=False)
    units = Column(Text, nullable=False, default="")
    changed_at = Column(DateTime, nullable=False)


class AccountError(ValueError):
    """An account that cannot be added as asked; ``str()`` is one sentence."""


def session(office: Office):
    """A session on the hub's database (created, with the hub's tables, when the office is new)."""
    import logging

    office.state.mkdir(parents=True, exist_ok=True)
    logging.disable(logging.INFO)  # the hub's schema stamp (alembic) says nothing an administrator needs
    try:
        return hub_orm.new_session_factory(office.hub_db_url)()
    finally:
        logging.disable(logging.NOTSET)


def normalize(name: str) -> str:
    return str(name).strip().lower()


def add_account(office: Office, name: str, role, password: str, units=(), lang: str | None = None,
                known_units=None) -> str:
    """Add an account, or change the role, units and password of an existing one. Returns the name.

    ``known_units``: the ids the account may be bound to (checked when given): host units and host regions for
    a host unit, sending regions and units for a sender.
    """
    name = normalize(name)
    if not NAME.fullmatch(name):
        raise AccountError(t("office.acct.bad_name", lang, name=name))
    try:
        role = OfficeRole(str(role).replace("-", "_"))
    except ValueError:
        raise AccountError(t("office.acct.bad_role", lang, role=role,
                             roles="、".join(r.value for r in OfficeRole))) from None
    units = tuple(dict.fromkeys(u.strip() for u in units if u and u.strip()))
    if role in BOUND and not units:
        raise AccountError(t("office.acct.need_units" if role == OfficeRole.HOST_UNIT
                             else "office.acct.need_units_sender", lang))
    if role not in BOUND and units:
        raise AccountError(t("office.acct.units_only_host", lang, role=role.value))
    if known_units is not None:
        unknown = [u for u in units if u not in known_units]
        if unknown:
            raise AccountError(t("office.acct.unknown_units" if role == OfficeRole.HOST_UNIT
                                 else "office.acct.unknown_senders", lang, units="、".join(unknown)))
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccountError(t("office.acct.short_password", lang, n=MIN_PASSWORD))
    db = session(office)
    try:
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt())
        info = db.query(UserInfo).filter(UserInfo.username == name).first()
        if info is None:
            db.add(UserInfo(username=name, password=hashed, is_authorized=True))
        else:
            info.password, info.is_authorized = hashed, True
        acct = db.get(OfficeAccount, name)
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        if acct is None:
            db.add(OfficeAccount(username=name, role=role.value, units=",".join(units), changed_at=now))
        else:
            acct.role, acct.units, acct.changed_at = role.value, ",".join(units), now
        db.commit()
    finally:
        db.close()
        db.get_bind().dispose()
    return name


def remove_account(office: Office, name: str) -> bool:
    """Remove an account (its sign-in stops working within a minute). False if there was none."""
    name = normalize(name)
    db = session(office)
    try:
        n = db.query(UserInfo).filter(UserInfo.username == name).delete()
        n += db.query(OfficeAccount).filter(OfficeAccount.username == name).delete()
        db.commit()
        return n > 0
    finally:
        db.close()
        db.get_bind().dispose()


def accounts(office: Office) -> pd.DataFrame:
    """Every account: ``name, role, units, changed_at``."""
    db = session(office)
    try:
        rows = [(a.username, a.role, a.units, a.changed_at) for a in db.query(OfficeAccount).order_by(
            OfficeAccount.role, OfficeAccount.username)]
    finally:
        db.close()
        db.get_bind().dispose()
    return pd.DataFrame(rows, columns=["name", "role", "units", "changed_at"])


def account_of(db, name: str) -> tuple[OfficeRole, tuple[str, ...]] | None:
    """Role and units of an account, read fresh from the database (None: no such account)."""
    row = db.query(OfficeAccount).filter(OfficeAccount.username == normalize(name)).populate_existing().first()
    if row is None:
        return None
    try:
        role = OfficeRole(row.role)
    except ValueError:
        return None
    return role, tuple(u for u in (row.units or "").split(",") if u)
