"""What the server must refuse: raw data files, columns outside the contract, running code."""
import shutil
import urllib.error
import urllib.request

import pytest

import planning
from conftest import ROOT, serve, stop
from test_dashboards import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = "13912345678"
ID_NUMBER = "370102199001011234"


def status(url, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"{}" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""


DATA_PATHS = [
    "/data/sample/people.csv", "/files/data/sample/people.csv", "/voila/files/data/sample/people.csv",
    "/voila/files/../data/sample/people.csv", "/voila/files/%2e%2e/data/sample/people.csv",
    "/voila/static/../../data/sample/people.csv", "/voila/render/../data/sample/people.csv",
    "/voila/tree/../data/sample", "/api/contents/data/sample/people.csv", "/api/contents",
    "/voila/files/overview.ipynb", "/files/overview.ipynb", "/voila/files/data.csv", "/tree",
    "/lab", "/edit/overview.ipynb", "/terminals/1",
]


@pytest.mark.parametrize("path", DATA_PATHS)
def test_raw_files_are_refused(voila_server, path):
    code, body = status(voila_server + path)
    assert code in (403, 404, 405), (path, code)
    assert b"sending_unit" not in body and "赵兰文".encode() not in body


def test_viewers_cannot_start_or_list_kernels(voila_server):
    assert status(voila_server + "/api/kernels", "POST")[0] in (403, 404, 405)
    assert status(voila_server + "/api/sessions", "POST")[0] in (403, 404, 405)
    code, body = status(voila_server + "/api/kernels")
    assert code in (403, 404, 405) or body.strip() in (b"[]", b"")


@pytest.fixture(scope="module")
def private_server(tmp_path_factory):
    """A workbook where a planner left home phone and ID numbers in the people sheet, in columns the contract
    does not name (its own contact columns, phone and email, reach only a roster a planner asks for)."""
    d = tmp_path_factory.mktemp("private") / "wb"
    shutil.copytree(planning.SAMPLE, d)
    people = (d / "people.csv").read_text(encoding="utf-8-sig").splitlines()
    people[0] += ",家庭电话,身份证号"
    people[1:] = [line + f",{PHONE},{ID_NUMBER}" for line in people[1:]]
    (d / "people.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
    assert "家庭电话" in planning.load_workbook(d).people.columns  # kept by the loader, as the contract says
    proc, url, log = serve(["--data", str(d)], "voila-private.log")
    yield url
    stop(proc, log)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_columns_outside_the_contract_are_never_shown(private_server, browser, name):
    p = Page(browser, private_server, name, "zh")
    for tab in range(p.page.locator(".lm-TabBar-tab").count()):
        p.page.locator(".lm-TabBar-tab").nth(tab).click()
        p.page.wait_for_timeout(300)
        html = p.page.content()
        assert PHONE not in html and ID_NUMBER not in html
    if p.page.locator(".run-button").count():
        assert p.page.locator(".plan-teams table.data tbody tr").count() == 0  # no plan before the run
        p.page.click(".run-button")
        # the plan's own tables, drawn only once a run has produced a plan (the method toggle's label
        # 最优（优先级加权） is on the page before any run, so words like 最优 prove nothing)
        p.page.wait_for_selector(".plan-teams table.data tbody tr, .run-status .problems", state="attached",
                                 timeout=120_000)
        assert p.page.locator(".run-status .problems").count() == 0, p.page.inner_text(".run-status")
        assert "尚未运行" not in p.page.inner_text(".planning-app")
        html = p.page.content()
        assert PHONE not in html and ID_NUMBER not in html
    p.check()
    p.page.close()
