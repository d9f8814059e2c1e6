"""Every notebook in notebooks/ opened under Voila in headless Chromium, in Chinese and English."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


#: the project's own words for a failure (planning/core/i18n.csv); a new error text's key belongs here
ERROR_KEYS = ("app.error", "app.load_failed", "office.gate.error", "aapp.failed", "error.header", "store.db_error",
              "store.save_failed")


def _error_texts() -> list[str]:
    """The project's own words for a failure, in Chinese and English, as patterns (a placeholder reads anything)."""
    import csv

    with open(ROOT / "planning" / "core" / "i18n.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["key"] in ERROR_KEYS]
    assert {r["key"] for r in rows} == set(ERROR_KEYS), "an error text's key is gone from i18n.csv"
    # a field reads anything, a plural one ({n:problem|problems}) too
    return [re.sub(r"\\\{\w+(?::[^}]*)?\\\}", ".+?", re.escape(r[lang])) for r in rows for lang in ("zh", "en")]


#: what a viewer must never read: Python's and Voila's failures, and the project's own error texts
ERROR_TEXT = re.compile("|".join([r"Traceback", r"There was an error", r"Error:", r"Exception", *_error_texts()]))
READY = ".app-ready, .app-failed"  # a page whose build raised is marked app-failed, never app-ready

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class Page:
    """A Voila page with everything that would make a viewer unhappy recorded."""

    def __init__(self, browser, base, name, lang):
        self.base = base
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.off_server, self.page_errors, self.console_errors = [], [], []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.goto(f"{base}/voila/render/{name}?lang={lang}")
        self.page.wait_for_selector("#rendered_cells", state="attached", timeout=90_000)
        self.wait_ready(90_000)

    def wait_ready(self, timeout=30_000):
        """Wait until the page is built; fail at once (with what it says) when building it failed."""
        self.page.wait_for_selector(READY, timeout=timeout)
        failed = self.page.locator(".app-failed")
        assert failed.count() == 0, f"the page failed to build: {self.page.inner_text('body')[:500]}"

    def _route(self, route):
        if route.request.url.startswith(self.base) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.off_server.append(route.request.url)
            route.abort()

    def check(self):
        assert self.page.locator(".app-failed").count() == 0, "the page failed to build"
        text = self.page.inner_text("body")
        assert not ERROR_TEXT.search(text), ERROR_TEXT.search(text).group(0)
        assert self.page_errors == []
        assert [m for m in self.console_errors if "Failed to load model class" in m] == []
        assert self.off_server == []

    def shot(self, name):
        out = ROOT / "artifacts" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(500)
        self.page.screenshot(path=str(out / name), full_page=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_renders(voila_server, browser, name, lang):
    p = Page(browser, voila_server, name, lang)
    p.check()
    p.shot(f"{Path(name).stem}-{lang}.png")
    # the visible language switch flips the page to the other language
    p.page.click(".lang-switch")
    other = "中文" if lang == "zh" else "English"
    p.page.wait_for_function(
        "t => document.querySelector('.lang-switch').innerText.trim() === t", arg=other, timeout=15_000)
    p.wait_ready()
    p.check()
    p.page.close()


def test_overview_interactions(voila_server, browser):
    p = Page(browser, voila_server, "overview.ipynb", "zh")
    body = p.page.inner_text("body")
    assert "对口支援概览" in body and "今天满足率" in body and "期满离岗" in body and "截至" in body
    p.page.locator(".lm-TabBar-tab").nth(1).click()
    select = p.page.locator(".city-filter select")
    select.select_option(label="济南市")
    p.page.wait_for_function(
        "() => !document.querySelector('.pairing-table table.data').innerText.includes('临汾市')", timeout=15_000)
    rows = p.page.locator(".pairing-table table.data tbody tr")
    assert rows.count() >= 1
    assert all("济南市" in rows.nth(i).inner_text() for i in range(rows.count()))
    p.shot("overview-network-zh.png")
    p.page.locator(".lm-TabBar-tab").nth(3).click()
    p.page.wait_for_timeout(800)
    p.check()
    p.shot("overview-filtered-zh.png")
    # the landing page links into the coverage page, keeping the language
    p.page.locator(".lm-TabBar-tab").nth(0).click()
    p.page.click("a.nav-link[href^='coverage.ipynb']")
    p.wait_ready(90_000)
    assert "覆盖缺口" in p.page.inner_text("body")
    p.check()
    p.page.close()


def test_coverage_interactions(voila_server, browser):
    p = Page(browser, voila_server, "coverage.ipynb", "zh")
    body = p.page.inner_text("body")
    assert "覆盖缺口" in body and "地州/师×行业" in body
    # the sample's exclusive 一市包一校 pairing leaves seats no one may fill: said in one sentence
    assert "伽师县第一中学的教育岗位 2 个无人可派：独家结对只允许日照市的人员" in p.page.inner_text(".pairing-blocked")
    # filter by sector: the heatmap keeps only that column
    p.page.locator(".sector-filter select").select_option(label="教育")
    p.page.wait_for_function("() => { const h = [...document.querySelectorAll('.gap-heatmap .heat-head')];"
                             " return h.length && !h.some(x => x.innerText.includes('医疗')); }", timeout=15_000)
    # drill down: prefecture, then county; the heatmap switches to units of that county
    p.page.locator(".area-filter select").select_option(label="喀什地区")
    p.page.locator(".county-filter select").select_option(label="伽师县")
    p.page.wait_for_function("() => document.querySelector('.gap-heatmap').innerText.includes('单位×行业')",
                             timeout=15_000)
    heat = p.page.inner_text(".gap-heatmap")
    assert "伽师县第一中学" in heat and "疏勒县" not in heat
    p.shot("coverage-drilled-zh.png")
    # the largest gaps drill down to the orders and the people on them
    p.page.locator(".lm-TabBar-tab").nth(2).click()
    p.page.locator(".gap-pick select").select_option(index=0)
    p.page.wait_for_selector(".gap-detail table.data", timeout=15_000)
    assert "订单与在岗人员" in p.page.inner_text(".gap-detail")
    p.shot("coverage-gaps-zh.png")
    # the timeline
    p.page.locator(".lm-TabBar-tab").nth(1).click()
    p.page.wait_for_timeout(800)
    p.shot("coverage-timeline-zh.png")
    # the report becomes a download link (a data: address, nothing leaves the server)
    p.page.click(".report-button")
    link = p.page.wait_for_selector(".report-link a", timeout=30_000)
    assert link.get_attribute("download").endswith(".xlsx")
    assert link.get_attribute("href").startswith("data:application/vnd.openxmlformats")
    p.check()
    # switch language: everything redraws in English
    p.page.click(".lang-switch")
    p.page.wait_for_function("() => document.body.innerText.includes('Coverage gaps')", timeout=30_000)
    p.wait_ready()
    assert "Prefecture × sector" in p.page.inner_text(".gap-heatmap")
    p.check()
    p.shot("coverage-en-after-switch.png")
    p.page.close()


def test_coverage_upload_shows_problems(voila_server, browser, tmp_path):
    bad = tmp_path / "bad.zip"
    import zipfile

    import planning

    with zipfile.ZipFile(bad, "w") as z:
        for f in planning.SAMPLE.glob("*.csv"):
            text = f.read_text(encoding="utf-8-sig")
            if f.name == "orders.csv":
                text = text.replace(",5,3,T-SCH01,", ",9,3,T-SCH01,", 1)
            z.writestr(f"wb/{f.name}", text)
    p = Page(browser, voila_server, "coverage.ipynb", "en")
    with p.page.expect_file_chooser() as chooser:
        p.page.click(".upload")
    chooser.value.set_files(str(bad))
    p.page.wait_for_selector(".upload-problems", timeout=30_000)
    text = p.page.inner_text(".upload-problems")
    assert "bad.zip" in text and "priority" in text and "Traceback" not in text
    assert "Coverage gaps" in p.page.inner_text("body")  # the page still shows the sample
    p.shot("coverage-upload-problems-en.png")
    p.page.close()


def test_allocation_runs_by_clicking(voila_server, browser):
    p = Page(browser, voila_server, "allocation.ipynb", "zh")
    assert "尚未运行" in p.page.inner_text("body")
    p.page.click(".run-button")
    p.page.wait_for_function("() => document.body.innerText.includes('这是最好的方案')", timeout=120_000)
    p.page.wait_for_selector(".plan-teams table.data tbody tr", timeout=30_000)
    body = p.page.inner_text("body")
    assert "这是最好的方案" in body and "新安排人数" in body
    assert p.page.locator(".plan-teams table.data tbody tr").count() >= 1
    p.shot("allocation-teams-zh.png")
    p.page.locator(".lm-TabBar-tab").nth(1).click()
    p.page.wait_for_selector(".plan-unfilled table.data tbody tr", timeout=30_000)
    p.shot("allocation-unfilled-zh.png")
    # forbid the first new assignment, re-run, and compare the two runs
    p.page.locator(".lm-TabBar-tab").nth(3).click()
    p.page.click(".forbid-button")
    p.page.wait_for_function("() => document.querySelector('.plan-adjustments').innerText.includes('→')",
                             timeout=15_000)
    p.page.click(".run-button")
    p.page.wait_for_function("() => document.querySelector('.plan-compare').innerText.includes('上次方案')",
                             timeout=120_000)
    p.page.locator(".lm-TabBar-tab").nth(4).click()
    p.page.wait_for_timeout(500)
    p.shot("allocation-compare-zh.png")
    p.check()
    p.page.close()


def test_rotation_and_mentoring_interactions(voila_server, browser):
    p = Page(browser, voila_server, "rotation.ipynb", "zh")
    assert p.page.locator(".gantt svg rect").count() >= 3
    p.page.locator(".unit-pick select").select_option(index=3)
    p.page.wait_for_timeout(800)
    p.shot("rotation-timeline-zh.png")
    p.page.locator(".lm-TabBar-tab").nth(1).click()
    p.page.wait_for_timeout(300)
    p.shot("rotation-handovers-zh.png")
    p.page.locator(".lm-TabBar-tab").nth(2).click()
    link = p.page.wait_for_selector(".next-link a", timeout=15_000)
    assert link.get_attribute("href").startswith("data:application/vnd.openxmlformats")
    p.page.locator(".lm-TabBar-tab").nth(3).click()
    p.page.click(".propose-button")
    p.page.wait_for_selector(".flexible-proposals table.data", timeout=60_000)
    p.shot("rotation-flexible-zh.png")
    p.page.locator(".lm-TabBar-tab").nth(4).click()
    p.page.click(".pair-button")
    p.page.wait_for_function("() => document.querySelector('.mentor-pairs').innerText.includes('新增')",
                             timeout=60_000)
    p.shot("rotation-mentoring-zh.png")
    p.check()
    p.page.close()


def test_scenarios_by_clicking(voila_server, browser):
    """What-if change, re-plan, side-by-side difference, save, publish and the report links, all by clicking."""
    p = Page(browser, voila_server, "scenarios.ipynb", "zh")
    p.page.locator(".change-params select").nth(0).select_option(label="东营市")
    p.page.locator(".change-params select").nth(1).select_option(label="教育")
    p.page.locator(".change-params input[type=number]").first.fill("3")
    p.page.locator(".change-params input[type=number]").first.press("Enter")
    p.page.click(".add-change")
    p.page.wait_for_function("() => document.querySelector('.change-list').innerText.includes('东营市多派 3 名教育')",
                             timeout=15_000)
    p.page.click(".replan-button")
    p.page.wait_for_function("() => document.querySelector('.run-status').innerText.includes('这是最好的方案')",
                             timeout=120_000)
    p.page.wait_for_selector(".diff-heatmap table.heat", timeout=30_000)
    p.page.wait_for_selector(".moved-people table.data tbody tr", timeout=30_000)
    assert "东营市增派1" in p.page.inner_text(".moved-people")
    p.shot("scenarios-compare-zh.png")
    p.page.locator(".scenario-name input").fill("浏览器测试方案")
    p.page.locator(".scenario-name input").press("Tab")
    assert "测试员" in p.page.inner_text(".scenario-author")  # the planner's own name, not typed
    p.page.click(".save-button")
    p.page.wait_for_function("() => document.querySelector('.save-status').innerText.includes('第 1 版')",
                             timeout=30_000)
    p.page.click(".publish-button")
    p.page.wait_for_selector(".publish-confirm:has-text('确认发布')", timeout=30_000)
    p.page.click(".confirm-button")
    p.page.wait_for_function("() => document.querySelector('.save-status').innerText.includes('已发布')",
                             timeout=30_000)
    p.page.click(".report-button")
    link = p.page.wait_for_selector(".report-links a", timeout=60_000)
    assert link.get_attribute("href").startswith("data:application/vnd.openxmlformats")
    p.shot("scenarios-saved-zh.png")
    p.check()
    p.page.close()
    # the landing page now shows the published version and says which one it is
    home = Page(browser, voila_server, "overview.ipynb", "zh")
    assert "已发布方案“浏览器测试方案”第 1 版（测试员" in home.page.inner_text(".published-source")
    home.shot("overview-published-zh.png")
    home.check()
    home.page.close()
