"""The office's settings, accounts and hub configuration, without starting anything."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from traitlets.config import Config

from planning.programme.access import OfficeRole
from planning.office.accounts import AccountError, accounts, add_account, remove_account
from planning.office.config import EXAMPLE, OfficeConfigError, read_office
from planning.office.gate import WIDGET_MESSAGES, message_type
from planning.office.hub import SERVICE, configure

from office_harness import ROOT


def write(tmp_path, text):
    p = tmp_path / "office.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_the_example_configuration_reads(tmp_path):
    office = read_office(write(tmp_path, EXAMPLE))
    assert office.ip == "0.0.0.0" and office.port == 8000 and office.landing_pool == 20
    assert office.state == tmp_path / "office-state"
    assert office.store_env == {"PLANNING_STORE": str(tmp_path / "office-state" / "scenarios.sqlite")}
    assert office.internal_port("gate_port") == 8003


@pytest.mark.parametrize("text, words", [
    ("[office\nport = 1", "无法读取"),
    ("[office]\nport = 99999\n", "port"),
    ("[office]\nport = \"80\"\n", "port"),
    ("[office]\nip = \"office-pc\"\n", "ip"),
    ("[office]\nlanding_pool = -1\n", "landing_pool"),
    ("[office]\ndata = \"no/such/workbook\"\n", "不存在"),
    ("[office]\npassword = \"x\"\n", "未知的设置：password"),
])
def test_bad_settings_are_one_sentence(tmp_path, text, words):
    with pytest.raises(OfficeConfigError) as e:
        read_office(write(tmp_path, text))
    assert words in str(e.value) and "Traceback" not in str(e.value)


def test_commands_say_what_is_wrong_without_a_traceback(tmp_path):
    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "planning.cli", *args], capture_output=True, text=True,
                              input=stdin, cwd=tmp_path)

    r = run("office", "start", "--config", str(tmp_path / "none.toml"))
    assert r.returncode == 2 and "找不到办公室配置文件" in r.stderr and "Traceback" not in r.stderr
    r = run("office", "init", "--config", str(tmp_path / "office.toml"))
    assert r.returncode == 0 and (tmp_path / "office.toml").exists()
    r = run("office", "init", "--config", str(tmp_path / "office.toml"))  # never overwrites
    assert r.returncode == 2
    r = run("--lang", "en", "office", "add-user", "Li Ming", "--role", "leader", "--password-stdin", "--config",
            str(tmp_path / "office.toml"), stdin="long-enough\n")
    assert r.returncode == 2 and "sign-in name" in r.stderr and "Traceback" not in r.stderr


def test_accounts(tmp_path):
    office = read_office(write(tmp_path, "[office]\n"))
    assert add_account(office, "LiMing", "planner", "password-1") == "liming"
    add_account(office, "school1", "host-unit", "password-2", ["H-SCH01", "XJ-KS-SL"])
    with pytest.raises(AccountError, match="--units"):
        add_account(office, "school2", OfficeRole.HOST_UNIT, "password-3")
    with pytest.raises(AccountError, match="只有受援单位"):
        add_account(office, "boss", "leader", "password-3", ["H-SCH01"])
    with pytest.raises(AccountError, match="角色"):
        add_account(office, "boss", "admin", "password-3")
    with pytest.raises(AccountError, match="至少"):
        add_account(office, "boss", "leader", "short")
    with pytest.raises(AccountError, match="没有这些"):
        add_account(office, "boss", "host_unit", "password-3", ["NOPE"], known_units={"H-SCH01"})
    # a sender: bound to sending regions or units, checked against them
    add_account(office, "qingdao", "sender", "password-4", ["SD-QD"], known_units={"SD-QD", "SD-QDFY"})
    with pytest.raises(AccountError, match="派出单位账号须用 --units"):
        add_account(office, "rizhao", OfficeRole.SENDER, "password-5")
    with pytest.raises(AccountError, match="没有这些派出地区或单位：H-SCH01"):
        add_account(office, "rizhao", "sender", "password-5", ["H-SCH01"], known_units={"SD-QD", "SD-QDFY"})
    for bad in ["", "a/b", "../x", "<script>", "名字", "x" * 65]:
        with pytest.raises(AccountError):
            add_account(office, bad, "leader", "password-3")
    listing = accounts(office)
    assert listing[["name", "role", "units"]].values.tolist() == [
        ["school1", "host_unit", "H-SCH01,XJ-KS-SL"], ["liming", "planner", ""], ["qingdao", "sender", "SD-QD"]]
    add_account(office, "liming", "leader", "password-9")  # a role changed in place
    assert accounts(office).set_index("name").loc["liming", "role"] == "leader"
    assert remove_account(office, "liming") and not remove_account(office, "liming")


def test_the_hub_gives_viewers_nothing_but_the_dashboards(tmp_path):
    c = Config()
    configure(c, write(tmp_path, "[office]\nport = 18000\n"))
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    # everyone: their name and groups only, no server, no tokens
    assert set(roles["user"]["scopes"]) == {"read:users:name!user", "read:users:groups!user"}
    assert roles["office-viewer"]["scopes"] == [f"access:services!service={SERVICE}"]
    assert set(roles["office-viewer"]["groups"]) == {"leaders", "host-units", "senders"}
    assert "servers!user" in roles["office-planner"]["scopes"] and roles["office-planner"]["groups"] == ["planners"]
    assert c.JupyterHub.default_url == f"/services/{SERVICE}/"
    assert c.JupyterHub.hub_ip == "127.0.0.1" and c.JupyterHub.ip == "127.0.0.1" and c.JupyterHub.port == 18000
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert services[SERVICE]["url"] == "http://127.0.0.1:18003"
    assert "--timeout=3600" in services["idle-culler"]["command"]


def _v1(msg_type: str) -> bytes:
    parts = [b"shell", json.dumps({"msg_type": msg_type}).encode(), b"{}", b"{}", b"{}"]
    n = len(parts) + 1
    offsets, pos = [], 8 * (n + 1)
    for p in parts:
        offsets.append(pos)
        pos += len(p)
    offsets.append(pos)
    return n.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets) + b"".join(parts)


@pytest.mark.parametrize("kind", ["execute_request", "comm_msg", "shutdown_request", "inspect_request"])
def test_the_gate_reads_message_types_in_both_framings(kind):
    assert message_type(json.dumps({"header": {"msg_type": kind}})) == kind
    assert message_type(_v1(kind)) == kind
    assert (kind in WIDGET_MESSAGES) == kind.startswith("comm_")
    assert message_type(b"garbage") is None and message_type("{") is None
    # a frame claiming 2**63 parts is refused at once (read naively, it is an endless list)
    assert message_type((2**63).to_bytes(8, "little") + b"x" * 64) is None
    assert message_type(b"\xff" * 8) is None


def test_the_office_needs_its_proxy_installed_by_the_project():
    assert (ROOT / "package.json").exists() and "configurable-http-proxy" in (ROOT / "package.json").read_text()
    assert "office-deps.sh" in (ROOT / "Makefile").read_text()
