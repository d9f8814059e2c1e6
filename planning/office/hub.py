"""The office's JupyterHub configuration.

``planning office start`` writes a two-line ``jupyterhub_config.py`` that calls :func:`configure`.
What it sets, and why:

- **Sign-in**: :class:`OfficeAuthenticator`, NativeAuthenticator (accounts kept in the hub's
  database, bcrypt passwords, failed sign-ins throttled) behind the hub's own sign-in page
  (``templates/login.html``, in Chinese; no self sign-up, no approval pages) that also reads the
  account's role from ``office_accounts`` (:mod:`.accounts`) and keeps the hub groups
  ``planners``, ``leaders``, ``host-units`` in step with it, at sign-in and every minute after.
- **Permissions** (the hub's RBAC, enforced by the hub for every request): the default ``user``
  role is cut down to reading one's own name and groups, so a leader or host unit has no server
  to start, reach or share, and no token that can do more. Planners (``office-planner``) get
  their own server (JupyterLab on a copy of the notebooks) and the dashboards; leaders and host
  units (``office-viewer``) get the dashboards service only.
- **The dashboards** are the hub service ``dashboards`` (:mod:`.gate`): the hub's sign-in in
  front of a Voila server the gate alone can reach, never a Jupyter server, so a viewer has no
  kernels, contents or terminals API to call. The address everyone lands on is its landing page.
- **The idle culler** stops planners' servers idle for ``idle_minutes``.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.orm import UserInfo
from traitlets import default
from tornado import web

from ..programme.access import OfficeRole
from .accounts import GROUPS, account_of
from .config import Office, read_office
from .lab import copy_notebooks

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = Path(__file__).resolve().parent / "templates"
SERVICE = "dashboards"
PREFIX = f"/services/{SERVICE}/"


class OfficeAuthenticator(NativeAuthenticator):
    """NativeAuthenticator whose accounts also carry an office role (and a host unit's units)."""

    @default("manage_groups")
    def _manage_groups(self):
        return True

    @default("enable_signup")
    def _enable_signup(self):
        return False

    @default("allow_all")
    def _allow_all(self):
        return True  # only accounts added by `planning office add-user` have a password to sign in with

    @default("allowed_failed_logins")
    def _failed(self):
        return 5

    @default("seconds_before_next_try")
    def _wait(self):
        return 300

    @default("auth_refresh_age")
    def _refresh(self):
        return 60

    def get_handlers(self, app):
        # The hub's own sign-in page and handler (rendering the office's login.html); none of
        # NativeAuthenticator's pages: no self sign-up, no approval area. Passwords are set by
        # `planning office add-user`.
        return []

    def get_user(self, username):
        # read fresh: a password changed by `planning office add-user` counts at once
        return (self.db.query(UserInfo).filter(UserInfo.username == self.normalize_username(username))
                .populate_existing().first())

    def _model(self, name):
        acct = account_of(self.db, name)
        if acct is None:
            return None
        role, _units = acct
        return {"name": name, "groups": [GROUPS[role]]}

    async def authenticate(self, handler, data):
        name = await super().authenticate(handler, data)
        return self._model(name) if name else None

    async def refresh_user(self, user, handler=None):
        model = self._model(user.name)
        return False if model is None else model


def refuse_non_planners(spawner):
    """Before a server starts: planners only (the hub's permissions already say so; this is a second wall),
    and their folder gets a copy of the pages and the workbook notebooks the first time (:mod:`.lab`)."""
    db = getattr(spawner, "db", None) or spawner.user.db
    acct = account_of(db, spawner.user.name)
    if acct is None or acct[0] != OfficeRole.PLANNER:
        raise web.HTTPError(403, "planners only")
    home = Path(spawner.format_string(spawner.notebook_dir))
    home.mkdir(parents=True, exist_ok=True)
    copy_notebooks(home)  # the pages and the workbook notebooks (in home/workbook), each the first time


def configure(c, config_path) -> Office:
    """Fill the JupyterHub config object ``c`` from ``office.toml``."""
    office = read_office(config_path)
    state = office.state
    state.mkdir(parents=True, exist_ok=True)
    bin_dir = Path(sys.executable).parent

    # where it listens: the proxy on the office network; the hub, its API and the services on 127.0.0.1
    c.JupyterHub.ip = office.ip
    c.JupyterHub.port = office.port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = office.internal_port("hub_port")
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{office.internal_port('proxy_api_port')}"
    c.ConfigurableHTTPProxy.command = [str(chp_command())]
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.JupyterHub.db_url = office.hub_db_url
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = True

    # sign-in
    c.JupyterHub.authenticator_class = OfficeAuthenticator
    c.JupyterHub.template_paths = [str(TEMPLATES)]
    c.JupyterHub.default_url = PREFIX  # everyone lands on the landing dashboard

    # planners' JupyterLab: one server each, as the office's own system user, on their own folder
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "planners" / "{username}")
    c.Spawner.notebook_dir = str(state / "planners" / "{username}")
    c.Spawner.default_url = "/lab"
    c.Spawner.cmd = [str(bin_dir / "jupyterhub-singleuser")]
    c.Spawner.pre_spawn_hook = refuse_non_planners
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # a machine where the office runs as root (containers, CI)
        c.Spawner.args = ["--allow-root"]
    env = {"PLANNING_LANG": "zh", **office.store_env}
    if office.data:
        env["PLANNING_DATA"] = str(office.data)
    c.Spawner.environment = env

    # permissions
    c.JupyterHub.load_roles = [
        {"name": "user", "description": "everyone: their own name and groups, nothing else",
         "scopes": ["read:users:name!user", "read:users:groups!user"]},
        {"name": "office-planner", "description": "planners: their JupyterLab and the dashboards",
         "groups": [GROUPS[OfficeRole.PLANNER]],
         "scopes": ["servers!user", "access:servers!user", "read:users!user", "users:activity!user",
                    "tokens!user", f"access:services!service={SERVICE}"]},
        {"name": "office-viewer", "description": "leaders, host units and senders: the dashboards only",
         "groups": [GROUPS[OfficeRole.LEADER], GROUPS[OfficeRole.HOST_UNIT], GROUPS[OfficeRole.SENDER]],
         "scopes": [f"access:services!service={SERVICE}"]},
        {"name": "idle-culler", "description": "stops planners' idle servers",
         "services": ["idle-culler"],
         "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
    ]

    # services: the dashboards (sign-in in front of Voila) and the culler
    gate_env = {
        "PLANNING_OFFICE_CONFIG": str(office.path),
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(state)),
        "LANG": "C.UTF-8",
        **office.store_env,
    }
    for key in ("PLANNING_TODAY", "PLANNING_LANG"):
        if os.environ.get(key):
            gate_env[key] = os.environ[key]
    c.JupyterHub.services = [
        {"name": SERVICE, "url": f"http://127.0.0.1:{office.internal_port('gate_port')}",
         "command": [sys.executable, "-m", "planning.office.gate"], "environment": gate_env,
         "oauth_no_confirm": True, "display": False},
        {"name": "idle-culler",
         "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={office.idle_minutes * 60}",
                     "--cull-every=60"]},
    ]
    return office


def chp_command() -> Path:
    """The proxy the project installs (``npm install`` in ``scripts/office-deps.sh``), or one on PATH."""
    local = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return local
    found = shutil.which("configurable-http-proxy")
    return Path(found) if found else local
