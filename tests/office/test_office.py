"""The planning office, attacked and used as its people would: a real hub, proxy, gate and Voila on 127.0.0.1.

Roles are checked by what the server does, never by what a page shows: every refusal below is a
request a browser or a script can send, answered by the server.
"""
from __future__ import annotations

import io
import json
import re
import time
import uuid

import openpyxl
import pytest
import requests
import websocket

import planning
from office_harness import (ARTIFACTS, ROOT, kernel_id, kernel_socket, planning_cmd, start_office, v1_message, v1_read,
                            widget_states)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DASH = "/services/dashboards/"


def text(r) -> str:
    """A response's text as the browser reads it (the pages say UTF-8 in a meta tag)."""
    return r.content.decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    o = start_office(tmp_path_factory.mktemp("office"))
    yield o
    o.stop()


@pytest.fixture(scope="module")
def sample():
    return planning.load_workbook(planning.SAMPLE)


def other_people(sample, unit="H-SCH01") -> tuple[set, set]:
    """Names of the people posted at ``unit`` and of everyone else."""
    order_unit = sample.orders.set_index("id")["host_unit"]
    posted = set(sample.assignments.loc[sample.assignments["order"].map(order_unit) == unit, "person"])
    mine = set(sample.people.loc[sample.people["id"].isin(posted), "name"])
    return mine, set(sample.people["name"]) - mine


# --- the front door --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", DASH, DASH + "voila/render/overview.ipynb",
                                  DASH + "voila/render/scenarios.ipynb?lang=en", "/hub/home", "/user/liming/lab",
                                  "/hub/spawn"])
def test_signed_out_visitors_are_sent_to_the_chinese_sign_in(office, path):
    r = requests.get(office.base + path, timeout=30)
    assert r.status_code == 200 and "/hub/login" in r.url, (path, r.url)
    assert "对口支援规划办公室" in text(r) and "登录" in text(r)
    assert "kernelId" not in text(r) and "Select items" not in text(r)


@pytest.mark.parametrize("path", [DASH + f"api/kernels/{uuid.uuid4()}/channels", DASH + f"api/kernels/{uuid.uuid4()}",
                                  DASH + "voila/static/voila.js", "/hub/api/users", "/hub/api/user"])
def test_signed_out_calls_are_refused(office, path):
    r = requests.get(office.base + path, timeout=30, allow_redirects=False)
    assert r.status_code in (302, 401, 403), (path, r.status_code)
    if r.status_code == 302:
        assert "/hub/" in r.headers["Location"] and "oauth" in r.headers["Location"] or "login" in r.headers["Location"]


def test_the_address_lands_on_the_landing_dashboard_in_chinese(office):
    s = office.login("leader")
    r = s.landing
    assert r.url.endswith(DASH + "voila/render/overview.ipynb?lang=zh")
    assert "kernelId" in text(r)
    r = s.get(office.base + "/", timeout=60)
    assert "/voila/render/overview.ipynb" in r.url and "Select items" not in text(r)
    r = s.get(office.base + DASH + "?lang=en", timeout=60)
    assert r.url.endswith("overview.ipynb?lang=en")


def test_the_hubs_own_pages_speak_chinese(office):
    """The token page, a missing page ("Jupyter has lots of moons") and the sign-out were English."""
    s = office.login("liming")
    r = s.get(office.base + "/hub/token", timeout=30)
    assert r.status_code == 200 and "访问令牌" in text(r) and "申请新令牌" in text(r)
    assert "Manage JupyterHub Tokens" not in text(r) and "readthedocs" not in text(r)
    r = s.get(office.base + "/hub/no-such-page", timeout=30)
    assert r.status_code == 404 and "地址可能有误" in text(r) and "moons" not in text(r)
    r = s.get(office.base + "/hub/logout", timeout=30)
    assert "已退出登录" in text(r) or "登录" in text(r)
    assert "Successfully logged out" not in text(r)


# --- what a leader cannot do -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "principal"])
@pytest.mark.parametrize("page", ["scenarios", "allocation"])
def test_viewers_cannot_open_planner_pages(office, role, page):
    s = office.login(role)
    r = s.get(office.base + DASH + f"voila/render/{page}.ipynb", timeout=60)
    assert r.status_code == 403 and "只供规划人员" in text(r) and "kernelId" not in text(r)


@pytest.mark.parametrize("path", ["voila/tree", "voila/tree/", "voila/files/overview.ipynb", "api/kernels",
                                  "api/sessions", "api/contents", "api/contents/overview.ipynb", "api/terminals",
                                  "lab", "tree", "voila/render/../../data/sample/people.csv",
                                  "voila/render/nosuch.ipynb", "voila/query/" + str(uuid.uuid4()),
                                  "files/data/sample/people.csv", "voila/static/../../../data/sample/people.csv"])
def test_viewers_reach_no_files_and_no_api(office, path):
    s = office.login("leader")
    for method in ("GET", "POST"):
        r = s.request(method, office.base + DASH + path, timeout=30, allow_redirects=False)
        # (a path climbing out of the service with ../ is the hub's to answer: it redirects, to no data)
        assert r.status_code in (403, 404, 405) or r.status_code == 302 and "../" in path, (method, path,
                                                                                         r.status_code)
        r = s.request(method, office.base + DASH + path, timeout=30)
        assert "sending_unit" not in text(r) and "赵兰文" not in text(r) and "kernelId" not in text(r)


def test_a_leader_has_no_server_and_no_hub_api_beyond_their_name(office):
    s = office.login("leader")
    # no JupyterLab: the hub refuses to start or reach a server for them
    for path in ("/hub/spawn", "/user/leader/lab", "/user/liming/lab", "/user/liming/api/contents"):
        r = s.get(office.base + path, timeout=30)
        assert "/lab" not in r.url.split("?")[0] or r.status_code in (403, 404, 503), (path, r.url)
        assert "jupyter-config-data" not in text(r) and "overview.ipynb" not in text(r), path
    xsrf = s.cookies.get("_xsrf", path="/hub/") or ""
    api = {"X-XSRFToken": xsrf}
    for method, path in [("POST", "/hub/api/users/leader/server"), ("POST", "/hub/api/users/liming/server"),
                         ("POST", "/hub/api/users/leader/tokens"), ("GET", "/hub/api/users"),
                         ("GET", "/hub/api/users/liming"), ("POST", "/hub/api/groups/planners/users"),
                         ("POST", "/hub/api/shares/liming/"), ("GET", "/hub/api/services")]:
        r = s.request(method, office.base + path, headers=api, json={}, timeout=30)
        assert r.status_code in (403, 404), (method, path, r.status_code)
        assert '"name": "liming"' not in text(r) and '"name":"liming"' not in text(r)  # no user model leaks
    # a token made by the hub for the leader can do no more than the leader (none can be made)
    r = s.get(office.base + "/hub/api/user", headers=api, timeout=30)
    assert r.status_code == 200 and r.json()["name"] == "leader"
    assert set(r.json().get("groups", [])) == {"leaders"}


def test_a_viewer_cannot_run_code_through_a_kernel(office, tmp_path):
    """An execute_request on the viewer's own kernel's websocket never runs; another's kernel is refused."""
    marker = tmp_path / "ran.txt"
    leader = office.login("leader")
    kid = kernel_id(text(leader.landing))
    # the older websocket framing is refused outright (Voila misreads its binary replies)
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        kernel_socket(office, leader, kid, protocol=None)
    assert e.value.status_code == 400
    ws = kernel_socket(office, leader, kid)
    try:
        ws.send_binary(v1_message("execute_request", {
            "code": f"open({str(marker)!r}, 'w').write('x')", "silent": False, "store_history": False,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}))
        ws.send_binary(v1_message("inspect_request", {"code": "open", "cursor_pos": 4, "detail_level": 1}))
        # a frame claiming 2**40 parts: read naively by the server, an endless list for everyone; dropped
        ws.send_binary((2**40).to_bytes(8, "little") + b"x" * 64)
        ws.send_binary(v1_message("kernel_info_request", {}))
        replies, deadline = [], time.time() + 8
        ws.settimeout(2)
        while time.time() < deadline:
            try:
                replies.append(v1_read(ws.recv())[0])
            except websocket.WebSocketTimeoutException:
                if "kernel_info_reply" in replies:
                    break
    finally:
        ws.close()
    assert "kernel_info_reply" in replies  # the websocket works: widget traffic goes through
    assert not {"execute_reply", "execute_result", "execute_input", "inspect_reply"} & set(replies), replies
    time.sleep(1)
    assert not marker.exists()
    # the planner's kernel: the leader cannot even connect to it
    planner = office.login("liming")
    other = kernel_id(text(planner.landing))
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        kernel_socket(office, leader, other)
    assert e.value.status_code == 403
    r = leader.get(office.base + DASH + f"api/kernels/{other}", timeout=30)
    assert r.status_code == 403
    r = leader.post(office.base + DASH + f"voila/api/shutdown/{other}", timeout=30)
    assert r.status_code == 403


def test_a_malformed_widget_message_sends_the_viewer_no_traceback(office):
    """A dropdown index out of range made the kernel send a traceback with server paths to the viewer."""
    leader = office.login("leader")
    r = leader.get(office.base + DASH + "voila/render/coverage.ipynb", timeout=120)
    page = text(r)
    states = widget_states(office, leader, page)
    dropdown = next(mid for mid, st in states.items() if st["model_name"] == "DropdownModel")
    ws = kernel_socket(office, leader, kernel_id(page))
    seen = []
    try:
        for bad in ({"index": 10_000}, {"index": "x"}, {"options": None}, {"nothing": 1}):
            ws.send_binary(v1_message("comm_msg", {"comm_id": dropdown, "data": {"method": "update", "state": bad,
                                                                                 "buffer_paths": []}}))
        ws.send_binary(v1_message("kernel_info_request", {}))
        deadline = time.time() + 10
        ws.settimeout(2)
        while time.time() < deadline:
            try:
                raw = ws.recv()
            except websocket.WebSocketTimeoutException:
                if any(k == "kernel_info_reply" for k, _ in seen):
                    break
                continue
            seen.append(v1_read(raw))
    finally:
        ws.close()
    assert any(k == "kernel_info_reply" for k, _ in seen)  # the kernel is alive and answering
    said = " ".join(str(c) for _, c in seen)
    assert not any(k == "error" for k, _ in seen)
    assert "Traceback" not in said and "TraitError" not in said and str(ROOT) not in said and "site-packages" not in said
    log = (ARTIFACTS / "office.log").read_text(errors="replace")
    assert "kept a kernel error from leader" in log  # the traceback went to the server's log


@pytest.mark.parametrize("who", ["leader", "principal"])
def test_a_viewers_kernel_holds_nothing_to_upload_save_or_publish_with(office, sample, who):
    """What a viewer's kernel could be asked to do is what its widgets offer: no upload, save or publish."""
    s = office.login(who)
    r = s.get(office.base + DASH + "voila/render/coverage.ipynb", timeout=120)
    states = widget_states(office, s, text(r))
    models = {st["model_name"] for st in states.values()}
    classes = {c for st in states.values() for c in (st["state"].get("_dom_classes") or ())}
    assert "FileUploadModel" not in models
    assert not classes & {"upload", "save-button", "publish-button", "confirm-button", "run-button", "source-pick",
                          "source-picker"}
    assert "app-ready" in classes
    if who == "principal":
        blob = json.dumps(states, ensure_ascii=False)
        leaked = sorted(n for n in other_people(sample)[1] if n in blob)
        assert not leaked, leaked[:5]


def test_a_forged_viewer_pass_in_the_address_changes_nothing(office, sample):
    """The gate replaces any pass in the address with its own: a host unit cannot claim to be a leader."""
    from planning.programme.access import OfficeRole, Viewer, sign_viewer

    s = office.login("principal")
    forged = sign_viewer(Viewer("leader", OfficeRole.LEADER), "a-guessed-secret")
    r = s.get(office.base + DASH + f"voila/render/overview.ipynb?planning_viewer={forged}", timeout=90)
    assert r.status_code == 200
    r = s.get(office.base + DASH + f"voila/render/scenarios.ipynb?planning_viewer={forged}", timeout=30)
    assert r.status_code == 403


# --- planners and leaders, in Chromium ------------------------------------------------------------------


class Browser:
    """One person's browser: a context of its own, every request recorded."""

    def __init__(self, browser, office, name, w=1366, h=768):
        self.office = office
        self.ctx = browser.new_context(viewport={"width": w, "height": h}, accept_downloads=True)
        self.page = self.ctx.new_page()
        self.requests = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.errors = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(office.base + "/", timeout=60000)
        self.page.fill("#username_input", name)
        self.page.fill("#password_input", office.passwords[name])
        self.page.click("#login_submit")
        self.ready()

    def ready(self):
        self.page.wait_for_selector(".planning-app.app-ready", timeout=120000)

    def open(self, page, lang="zh"):
        self.page.goto(self.office.base + DASH + f"voila/render/{page}.ipynb?lang={lang}", timeout=60000)
        self.ready()

    def off_server(self):
        return [u for u in self.requests if not u.startswith(self.office.base) and not u.startswith(("data:", "blob:"))]

    def close(self):
        self.ctx.close()


def test_planner_saves_and_publishes_then_a_leader_sees_it(office, browser):
    planner = Browser(browser, office, "liming")
    try:
        planner.open("scenarios")
        p = planner.page
        assert "liming" in p.inner_text(".scenario-author")
        p.locator(".scenario-name input").fill("2027 办公室方案")
        p.locator(".scenario-name input").press("Tab")
        p.click(".save-button")
        p.wait_for_selector(".save-status:has-text('已保存')", timeout=60000)
        p.click(".publish-button")
        p.wait_for_selector(".publish-confirm:has-text('确认发布')", timeout=30000)
        assert "2027 办公室方案" in p.inner_text(".publish-confirm")
        p.screenshot(path=str(office.folder / "publish-confirm.png"))
        p.click(".confirm-button")
        p.wait_for_selector(".save-status:has-text('已发布')", timeout=30000)
        p.wait_for_selector(".publication-log:has-text('liming')", timeout=30000)
        assert not planner.off_server(), planner.off_server()[:3]
    finally:
        planner.close()
    leader = Browser(browser, office, "leader")
    try:
        text = leader.page.inner_text(".published-source")
        assert "2027 办公室方案" in text and "第 1 版" in text and "liming" in text, text
        assert "leader（领导）" in text
        nav = leader.page.inner_text(".nav")
        assert "方案推演" not in nav and "人员分配" not in nav  # the pages they cannot open are not offered
        assert not leader.off_server(), leader.off_server()[:3]
        assert not leader.errors, leader.errors[:3]
    finally:
        leader.close()


def _tab_texts(b: Browser) -> str:
    """The page's text with every tab opened in turn."""
    p = b.page
    out = [p.inner_text("body")]
    tabs = p.locator(".lm-TabBar-tab, .p-TabBar-tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        time.sleep(0.8)
        out.append(p.inner_text("body"))
    return "\n".join(out)


def test_a_host_unit_sees_only_its_own_unit_everywhere(office, browser, sample):
    mine, others = other_people(sample)
    b = Browser(browser, office, "principal")
    try:
        texts = [_tab_texts(b)]
        assert "疏勒县第一中学" in texts[0] and "principal（受援单位）" in texts[0]
        for page in ("coverage", "rotation", "results"):
            b.open(page)
            texts.append(_tab_texts(b))
        # the coverage page's report, downloaded as a principal would
        b.open("coverage")
        assert b.page.locator(".upload").count() == 0  # nothing to upload with
        b.page.click(".report-button")
        b.page.wait_for_selector(".report-link a", timeout=60000)
        with b.page.expect_download() as dl:
            b.page.click(".report-link a")
        book = openpyxl.load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))
        texts.append("\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value))
        text = "\n".join(texts)
        leaked = sorted(n for n in others if n in text)
        assert not leaked, leaked[:5]
        other_units = set(sample.units.loc[(sample.units.side == "host") & (sample.units.id != "H-SCH01"), "name"])
        assert not sorted(u for u in other_units if u in text)[:5]
        assert not b.off_server(), b.off_server()[:3]
    finally:
        b.close()


def test_accounts_are_managed_by_the_command_line(office):
    cfg = str(office.folder / "office.toml")
    r = planning_cmd("office", "users", "--config", cfg)
    assert r.returncode == 0 and "principal" in r.stdout and "受援单位" in r.stdout
    r = planning_cmd("office", "add-user", "x", "--role", "host_unit", "--units", "NOPE", "--password-stdin",
                     "--config", cfg, input="long-enough-pw\n")
    assert r.returncode == 2 and "NOPE" in r.stderr and "Traceback" not in r.stderr
    r = planning_cmd("office", "add-user", "x", "--role", "leader", "--password-stdin", "--config", cfg,
                     input="short\n")
    assert r.returncode == 2 and "至少" in r.stderr
    # a removed account cannot sign in any more
    r = planning_cmd("office", "add-user", "temp", "--role", "leader", "--password-stdin", "--config", cfg,
                     input="temp-pass-123\n")
    assert r.returncode == 0
    office.passwords["temp"] = "temp-pass-123"
    office.login("temp")
    assert planning_cmd("office", "remove-user", "temp", "--config", cfg).returncode == 0
    s = requests.Session()
    page = s.get(office.base + "/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
    r = s.post(office.base + "/hub/login", data={"username": "temp", "password": "temp-pass-123", "_xsrf": xsrf},
               timeout=30)
    assert "/hub/login" in r.url and "不正确" in text(r)


def test_a_planner_gets_jupyterlab_on_the_notebooks(office):
    s = office.login("liming")
    r = s.get(office.base + "/hub/spawn", timeout=120)
    deadline = time.time() + 90
    while "/user/liming/lab" not in r.url and time.time() < deadline:
        time.sleep(2)
        r = s.get(office.base + "/user/liming/lab", timeout=60)
    assert r.status_code == 200 and "/user/liming/lab" in r.url, r.url
    xsrf = s.cookies.get("_xsrf", path="/user/liming/") or ""
    r = s.get(office.base + "/user/liming/api/contents", headers={"X-XSRFToken": xsrf}, timeout=30)
    assert r.status_code == 200 and "overview.ipynb" in text(r)
    # and the planner's workbook notebooks beside the pages (planning.office.lab), never among the dashboards
    r = s.get(office.base + "/user/liming/api/contents/workbook", headers={"X-XSRFToken": xsrf}, timeout=30)
    workbook = sorted(p.name for p in (ROOT / "workbook").glob("*.ipynb"))
    assert r.status_code == 200 and sorted(c["name"] for c in r.json()["content"]) == workbook
    r = s.get(office.base + DASH + "voila/render/workbook/" + workbook[0], timeout=30)
    assert r.status_code == 404
    # and a leader cannot reach it
    leader = office.login("leader")
    r = leader.get(office.base + "/user/liming/api/contents", timeout=30, allow_redirects=False)
    assert r.status_code in (302, 403, 404)
    if r.status_code == 302:
        r = leader.get(office.base + "/user/liming/api/contents", timeout=30)
        assert "overview.ipynb" not in text(r)


def test_a_planners_whole_path_in_the_office_then_a_leader_sees_it(office, browser, tmp_path):
    """Upload → plan → save on the allocation page, publish (confirmed) on the scenarios page, as liming; then the
    leader's landing page shows that version with the figures the confirmation stated. Every act is counted."""
    from test_planner_path import path_workbook_zip

    upload = tmp_path / "物理补充.zip"
    upload.write_bytes(path_workbook_zip(tmp_path))
    actions, pages = [], []
    planner = Browser(browser, office, "liming")
    try:
        planner.open("allocation")
        pages.append("allocation")
        p = planner.page
        with p.expect_file_chooser() as chooser:
            p.click(".source-picker .upload")
        chooser.value.set_files(str(upload))
        actions.append("upload")
        p.wait_for_selector(".published-source:has-text('上传的文件“物理补充.zip”')", timeout=120000)
        planner.ready()
        p.click(".run-button")
        actions.append("plan")
        p.wait_for_selector(".planning-app :text('这是最好的方案')", timeout=180000)
        p.click(".save-run")
        actions.append("save")
        p.wait_for_selector(".save-run-status:has-text('第 1 版')", timeout=60000)
        p.click(".save-run-status a.to-publish")  # to the scenarios page (a page change, not an act on the data)
        p.wait_for_url("**/scenarios.ipynb**", timeout=60000)
        planner.ready()
        pages.append("scenarios")
        chosen = p.locator(".version-pick select option:checked").inner_text().replace("\xa0", " ")
        assert "物理补充 · 第 1 版 · liming" in chosen, chosen
        p.click(".publish-button")
        actions.append("publish")
        p.wait_for_selector(".publish-confirm:has-text('确认发布')", timeout=60000)
        confirm = p.inner_text(".publish-confirm").replace("\xa0", " ")
        p.click(".confirm-button")
        actions.append("confirm")
        p.wait_for_selector(".save-status:has-text('已发布')", timeout=60000)
        assert not planner.off_server(), planner.off_server()[:3]
    finally:
        planner.close()
    assert actions == ["upload", "plan", "save", "publish", "confirm"] and pages == ["allocation", "scenarios"]
    m = re.search(r"在岗 ([\d,]+) 人（已到岗 ([\d,]+) 人，拟派未到岗 ([\d,]+) 人），岗位到位 ([\d,]+) / ([\d,]+)，缺口 ([\d,]+)",
                  confirm)
    assert m, confirm
    on_post, _arrived, planned, filled, demand, gap = m.groups()
    leader = Browser(browser, office, "leader")
    try:
        text_ = leader.page.inner_text(".published-source")
        assert "物理补充" in text_ and "第 1 版" in text_ and "liming" in text_, text_
        cards = [c.inner_text().replace("\xa0", " ") for c in leader.page.locator(".first-screen .kpi").all()]
        assert cards[0].startswith(on_post) and (f"拟派 {planned} 人" in cards[0]) == (planned != "0"), cards[0]
        assert cards[1].startswith(f"{filled} / {demand}") and cards[2].startswith(gap), cards[:3]
        assert leader.page.locator(".source-pick, .upload").count() == 0
        assert not leader.errors, leader.errors[:3]
    finally:
        leader.close()
