"""``office.toml``: where the office listens, where it keeps its state, what it shows.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "office.toml").write_text('[office]\\nip = "0.0.0.0"\\nport = 8000\\n', encoding="utf-8")
>>> office = read_office(d / "office.toml")
>>> office.ip, office.port, office.state == d / "office-state"
('0.0.0.0', 8000, True)
"""
from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.i18n import t
from .voila import OFFICE_LANDING_POOL, OFFICE_PAGE_POOL

ROOT = Path(__file__).resolve().parents[2]

EXAMPLE = """\
# The planning office (planning office start --config office.toml)
[office]
ip = "0.0.0.0"          # the address leaders' and host units' browsers reach (0.0.0.0: every interface)
port = 8000
state = "office-state"  # the hub's database, secrets and planners' folders (relative to this file)
# data = "data/sample"  # the workbook shown while no scenario version is published (default: the sample)
# database_url = "postgresql+psycopg://planning:…@127.0.0.1:5432/planning"  # the shared scenario store
#                        (default: an SQLite file in the state folder)
landing_pool = 20       # kernels kept ready for the landing page (a meeting's worth of viewers)
page_pool = 1           # and for every other page
idle_minutes = 60       # planners' JupyterLab servers idle this long are stopped
"""


class OfficeConfigError(ValueError):
    """A configuration the office cannot start with; ``str()`` is one sentence."""


@dataclass(frozen=True)
class Office:
    """The office's settings, paths made absolute."""
    path: Path
    ip: str = "127.0.0.1"
    port: int = 8000
    state: Path = field(default=Path("office-state"))
    data: Path | None = None
    database_url: str = ""
    landing_pool: int = OFFICE_LANDING_POOL
    page_pool: int = OFFICE_PAGE_POOL
    idle_minutes: int = 60
    hub_port: int = 0         # the hub's own API (127.0.0.1); 0: port + 1
    proxy_api_port: int = 0   # the proxy's API (127.0.0.1); 0: port + 2
    gate_port: int = 0        # the dashboards service (127.0.0.1); 0: port + 3
    voila_port: int = 0       # Voila behind it (127.0.0.1); 0: port + 4

    def internal_port(self, name: str) -> int:
        offset = {"hub_port": 1, "proxy_api_port": 2, "gate_port": 3, "voila_port": 4}[name]
        return getattr(self, name) or self.port + offset

    @property
    def hub_db_url(self) -> str:
        return f"sqlite:///{self.state / 'jupyterhub.sqlite'}"

    @property
    def store_env(self) -> dict[str, str]:
        """Where the pages and planners' notebooks find the scenario store (environment variables)."""
        if self.database_url:
            return {"PLANNING_DB_URL": self.database_url}
        return {"PLANNING_STORE": str(self.state / "scenarios.sqlite")}


KNOWN = {"ip", "port", "state", "data", "database_url", "landing_pool", "page_pool", "idle_minutes", "hub_port",
         "proxy_api_port", "gate_port", "voila_port"}


def read_office(path, lang: str | None = None) -> Office:
    """Read and check ``office.toml``; every problem is an :class:`OfficeConfigError` with one sentence."""
    path = Path(path).resolve()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OfficeConfigError(t("office.cfg.missing", lang, path=path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
        raise OfficeConfigError(t("office.cfg.unreadable", lang, path=path, detail=str(e))) from None
    sec = raw.get("office", {})
    if not isinstance(sec, dict):
        raise OfficeConfigError(t("office.cfg.unreadable", lang, path=path, detail="[office]"))
    unknown = sorted(set(sec) - KNOWN)
    if unknown:
        raise OfficeConfigError(t("office.cfg.unknown", lang, path=path, keys="、".join(unknown),
                                  known="、".join(sorted(KNOWN))))

    def integer(key, lo, hi, default):
        v = sec.get(key, default)
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            raise OfficeConfigError(t("office.cfg.bad_int", lang, path=path, setting=key, value=v, lo=lo, hi=hi))
        return v

    ip = sec.get("ip", "127.0.0.1")
    try:
        ipaddress.ip_address(ip)
    except (ValueError, TypeError):
        raise OfficeConfigError(t("office.cfg.bad_ip", lang, path=path, value=ip)) from None
    port = integer("port", 1, 65535 - 4, 8000)
    base = path.parent
    state = (base / str(sec.get("state", "office-state"))).resolve()
    data = sec.get("data")
    data = (base / str(data)).resolve() if data else None
    if data is not None and not data.exists():
        raise OfficeConfigError(t("office.cfg.no_data", lang, path=path, data=data))
    url = sec.get("database_url", "")
    if not isinstance(url, str):
        raise OfficeConfigError(t("office.cfg.unreadable", lang, path=path, detail="database_url"))
    ports = {k: integer(k, 0, 65535, 0) for k in ("hub_port", "proxy_api_port", "gate_port", "voila_port")}
    return Office(path=path, ip=ip, port=port, state=state, data=data, database_url=url,
                  landing_pool=integer("landing_pool", 0, 200, OFFICE_LANDING_POOL),
                  page_pool=integer("page_pool", 0, 50, OFFICE_PAGE_POOL),
                  idle_minutes=integer("idle_minutes", 1, 7 * 24 * 60, 60), **ports)
