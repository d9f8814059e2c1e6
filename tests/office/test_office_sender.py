"""A sender in the planning office, attacked as the host unit is (``test_office``): a real hub, proxy, gate and Voila.

A sender (青岛市, bound with ``--role sender --units SD-QD``; and one of its hospitals) may open its own task page
and nothing else: not another sender's people (whatever it asks for in the address), not the stakeholder pages
about host units, not the planners' pages, not JupyterLab, not a kernel of its own to run code in. Every refusal
is the server's answer to a request a browser or a script can send.
"""
from __future__ import annotations

import json
import time

import pytest
import requests
import websocket
from office_harness import ARTIFACTS, kernel_id, kernel_socket, start_office, v1_message, v1_read, widget_states
from test_office import Browser

import planning
from planning.programme.senders import sender_people

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DASH = "/services/dashboards/"
SIZES = [(1366, 768), (1920, 1080)]


def text(r) -> str:
    return r.content.decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    o = start_office(tmp_path_factory.mktemp("office"), log_name="office-sender.log")
    yield o
    o.stop()


@pytest.fixture(scope="module")
def sample():
    return planning.load_workbook(planning.SAMPLE)


def people_of(sample, bound) -> tuple[set, set]:
    """Names of a sender's own people and of everyone else's (a name two people share counts as its own)."""
    mine = set(sample.people.set_index("id").loc[sender_people(sample, bound).people, "name"])
    return mine, set(sample.people["name"]) - mine


def test_a_sender_lands_on_its_own_task(office):
    s = office.login("qingdao")
    assert s.landing.url.endswith(DASH + "voila/render/senders.ipynb?lang=zh"), s.landing.url
    assert "kernelId" in text(s.landing)
    r = s.get(office.base + DASH + "?lang=en", timeout=60)
    assert r.url.endswith("senders.ipynb?lang=en")


@pytest.mark.parametrize("who", ["qingdao", "qdfy"])
@pytest.mark.parametrize("page", ["overview", "coverage", "rotation", "grid", "results", "allocation", "scenarios"])
def test_a_sender_cannot_open_any_other_page(office, who, page):
    s = office.login(who)
    r = s.get(office.base + DASH + f"voila/render/{page}.ipynb", timeout=60)
    assert r.status_code == 403 and "kernelId" not in text(r), (page, r.status_code)
    planners_only = page in ("allocation", "scenarios")
    assert ("只供规划人员" in text(r)) == planners_only and "派出单位" in text(r)


@pytest.mark.parametrize("path", ["voila/tree", "voila/files/senders.ipynb", "api/kernels", "api/contents",
                                  "api/contents/senders.ipynb", "api/terminals", "lab",
                                  "files/data/sample/people.csv", "voila/render/../../data/sample/people.csv"])
def test_a_sender_reaches_no_files_and_no_api(office, path):
    s = office.login("qingdao")
    for method in ("GET", "POST"):
        r = s.request(method, office.base + DASH + path, timeout=30, allow_redirects=False)
        assert r.status_code in (403, 404, 405) or r.status_code == 302 and "../" in path, (method, path,
                                                                                         r.status_code)
        r = s.request(method, office.base + DASH + path, timeout=30)
        assert "sending_unit" not in text(r) and "赵兰文" not in text(r)


def test_a_sender_has_no_server_and_no_hub_api_beyond_its_name(office):
    s = office.login("qingdao")
    for path in ("/hub/spawn", "/user/qingdao/lab", "/user/liming/lab", "/user/liming/api/contents"):
        r = s.get(office.base + path, timeout=30)
        assert "/lab" not in r.url.split("?")[0] or r.status_code in (403, 404, 503), (path, r.url)
        assert "jupyter-config-data" not in text(r), path
    xsrf = s.cookies.get("_xsrf", path="/hub/") or ""
    api = {"X-XSRFToken": xsrf}
    for method, path in [("POST", "/hub/api/users/qingdao/server"), ("POST", "/hub/api/users/qingdao/tokens"),
                         ("GET", "/hub/api/users"), ("GET", "/hub/api/users/liming"),
                         ("POST", "/hub/api/groups/planners/users"), ("POST", "/hub/api/shares/liming/")]:
        r = s.request(method, office.base + path, headers=api, json={}, timeout=30)
        assert r.status_code in (403, 404), (method, path, r.status_code)
    r = s.get(office.base + "/hub/api/user", headers=api, timeout=30)
    assert r.status_code == 200 and r.json()["name"] == "qingdao" and set(r.json().get("groups", [])) == {"senders"}


@pytest.mark.parametrize("ask", ["", "sender=SD-JN", "sender=SD"])
def test_a_senders_kernel_holds_its_own_people_only(office, sample, ask):
    """Whatever sender the address asks for, the widgets of its page (all of them, asked for over the kernel's
    websocket as the page's widget manager does) name none of another sender's people."""
    mine, others = people_of(sample, ["SD-QD"])
    s = office.login("qingdao")
    r = s.get(office.base + DASH + "voila/render/senders.ipynb" + (f"?{ask}" if ask else ""), timeout=120)
    assert r.status_code == 200
    states = widget_states(office, s, text(r))
    blob = json.dumps(states, ensure_ascii=False)
    assert "app-ready" in blob and "青岛市" in blob
    assert any(n in blob for n in mine)  # its own people are there (the comparison below is not vacuous)
    leaked = sorted(n for n in others if n in blob)
    assert not leaked, leaked[:5]
    models = {st["model_name"] for st in states.values()}
    assert "FileUploadModel" not in models
    picks = [st["state"] for st in states.values() if "senders-pick" in (st["state"].get("_dom_classes") or ())]
    assert len(picks) == 1 and picks[0]["_options_labels"][1:] == ["青岛市"]


def test_a_forged_pass_leaves_a_sender_a_sender(office, sample):
    """The gate replaces any pass in the address with its own: a sender cannot claim to be a leader or a planner."""
    from planning.programme.access import OfficeRole, Viewer, sign_viewer

    _, others = people_of(sample, ["SD-QD"])
    s = office.login("qingdao")
    for forged in (sign_viewer(Viewer("leader", OfficeRole.LEADER), "a-guessed-secret"),
                   sign_viewer(Viewer("qingdao", OfficeRole.SENDER, ("SD",)), "a-guessed-secret"), "x.y"):
        r = s.get(office.base + DASH + f"voila/render/senders.ipynb?planning_viewer={forged}", timeout=120)
        assert r.status_code == 200
        blob = json.dumps(widget_states(office, s, text(r)), ensure_ascii=False)
        assert not sorted(n for n in others if n in blob)[:5]
        for page in ("scenarios", "overview"):
            r = s.get(office.base + DASH + f"voila/render/{page}.ipynb?planning_viewer={forged}", timeout=30)
            assert r.status_code == 403


def test_a_sender_cannot_run_code_through_a_kernel(office, tmp_path):
    marker = tmp_path / "ran.txt"
    s = office.login("qingdao")
    kid = kernel_id(text(s.landing))
    ws = kernel_socket(office, s, kid)
    try:
        ws.send_binary(v1_message("execute_request", {
            "code": f"open({str(marker)!r}, 'w').write(repr(app.full_wb.people))", "silent": False,
            "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}))
        ws.send_binary(v1_message("complete_request", {"code": "app.full_wb.", "cursor_pos": 12}))
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
    assert "kernel_info_reply" in replies
    assert not {"execute_reply", "execute_result", "execute_input", "complete_reply"} & set(replies), replies
    time.sleep(1)
    assert not marker.exists()
    # another sender's kernel, and a leader's: not even a connection
    other = office.login("qdfy")
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        kernel_socket(office, s, kernel_id(text(other.landing)))
    assert e.value.status_code == 403
    leader = office.login("leader")
    lk = kernel_id(text(leader.landing))
    with pytest.raises(websocket.WebSocketBadStatusException):
        kernel_socket(office, s, lk)
    assert s.get(office.base + DASH + f"api/kernels/{lk}", timeout=30).status_code == 403
    assert s.post(office.base + DASH + f"voila/api/shutdown/{lk}", timeout=30).status_code == 403


def test_a_leader_opens_the_senders_page_and_sees_every_sender(office):
    s = office.login("leader")
    r = s.get(office.base + DASH + "voila/render/senders.ipynb", timeout=120)
    assert r.status_code == 200
    blob = json.dumps(widget_states(office, s, text(r)), ensure_ascii=False)
    assert "济南市" in blob and "烟台市" in blob
    principal = office.login("principal")  # a host unit: not the senders' business
    r = principal.get(office.base + DASH + "voila/render/senders.ipynb", timeout=60)
    assert r.status_code == 403 and "kernelId" not in text(r)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_senders_view_in_chromium(office, browser, sample, lang):
    """青岛市 as its staff see it, on a laptop and a projector: its task, its people, its hospital; nothing else."""
    _, others = people_of(sample, ["SD-QD"])
    other_senders = {"济南市", "烟台市", "滨州市", "日照市"}
    for w, h in SIZES:
        b = Browser(browser, office, "qingdao", w, h)
        try:
            b.open("senders", lang)
            p = b.page
            body = p.inner_text("body")
            assert "青岛市" in body and "青岛大学附属医院" in body
            assert ("qingdao（派出单位）" if lang == "zh" else "qingdao (sender)") in body
            assert not sorted(n for n in others if n in body)[:5]
            assert not other_senders & set(p.inner_text(".senders-table").split())
            assert "济南市" in body  # named as the sender it shares its 党政 seat with
            assert p.locator(".nav, .upload, .save-button, .source-picker").count() == 0
            out = ARTIFACTS / "screenshots"
            out.mkdir(parents=True, exist_ok=True)
            p.screenshot(path=str(out / f"office-sender-{lang}-{w}.png"), full_page=True)
            assert not b.off_server(), b.off_server()[:3]
            assert not b.errors, b.errors[:3]
        finally:
            b.close()
    # the hospital: no task of its own, its people and its burden
    b = Browser(browser, office, "qdfy", 1366, 768)
    try:
        b.open("senders", lang)
        body = b.page.inner_text("body")
        assert "青岛大学附属医院" in body and "25%" in body
        assert not sorted(n for n in others if n in body)[:5]
        b.page.screenshot(path=str(ARTIFACTS / "screenshots" / f"office-sender-unit-{lang}-1366.png"), full_page=True)
    finally:
        b.close()


def test_sender_accounts_from_the_command_line(office):
    from office_harness import planning_cmd

    cfg = str(office.folder / "office.toml")
    r = planning_cmd("office", "users", "--config", cfg)
    assert r.returncode == 0 and "qingdao" in r.stdout and "派出单位" in r.stdout and "SD-QD" in r.stdout
    r = planning_cmd("office", "add-user", "x", "--role", "sender", "--units", "H-SCH01", "--password-stdin",
                     "--config", cfg, input="long-enough-pw\n")
    assert r.returncode == 2 and "H-SCH01" in r.stderr and "派出" in r.stderr and "Traceback" not in r.stderr
    r = planning_cmd("office", "add-user", "x", "--role", "sender", "--password-stdin", "--config", cfg,
                     input="long-enough-pw\n")
    assert r.returncode == 2 and "--units" in r.stderr
    assert requests.get(office.base + "/hub/login", timeout=30).status_code == 200
