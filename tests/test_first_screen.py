"""Every page as its users see it: laptop and projector, Chinese and English, every tab.

Fails on ``nan``, ``None``, a raw id, a code or an untranslated header in the visible text
(nor Chinese interface words on English pages), and checks that the overview's first screen
holds the headline, the responsible senders and the next cliff without scrolling. Saves a
screenshot of each first screen in ``artifacts/screenshots``.
"""
from pathlib import Path

import pytest
from page_text import problems_in
from test_dashboards import ERROR_TEXT, READY

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
SIZES = [(1366, 768), (1920, 1080)]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def saved_names() -> set[str]:
    """Names and notes of the scenario versions the tests saved in the session's store (data, not interface)."""
    from planning.scenarios.store import open_store

    store = open_store()
    try:
        sc = store.scenarios()
        return {str(v) for c in ("name", "author", "note") for v in sc[c].dropna() if str(v).strip()}
    finally:
        store.close()


@pytest.fixture(scope="module")
def data_names(sample):
    """Names from the data (they may be Chinese on English pages)."""
    cols = [sample.units["name"], sample.regions["name"], sample.people["name"], sample.management_units["name"],
            sample.indicator_definitions["name"], sample.indicator_definitions["measure"],
            sample.assessment_items["name"], sample.assessments["assessor"], sample.assessments["note"]]
    return {str(v) for c in cols for v in c.dropna()}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_page_reads_clean_in_every_tab(voila_server, browser, name, lang, size, data_names):
    w, h = size
    page = browser.new_page(viewport={"width": w, "height": h})
    try:
        page.goto(f"{voila_server}/voila/render/{name}?lang={lang}")
        page.wait_for_selector(READY, timeout=90_000)
        assert page.locator(".app-failed").count() == 0, f"{name} ({lang}) failed to build"
        page.wait_for_timeout(600)
        out = ROOT / "artifacts" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / f"first-{Path(name).stem}-{lang}-{w}.png"))
        # the data line: the data's name and the as-of day on every page
        line = page.inner_text(".data-line")
        assert ("截至" if lang == "zh" else "As of") in line
        # the data line names the data (a published scenario's own name may be Chinese on an English page)
        names = data_names | {line.strip()} | saved_names()
        text = page.inner_text("body")
        assert not ERROR_TEXT.search(text), ERROR_TEXT.search(text).group(0)
        bad = problems_in(text, lang, names)
        tabs = page.locator(".lm-TabBar-tab")
        for i in range(tabs.count()):
            tabs.nth(i).click()
            page.wait_for_timeout(400)
            bad += problems_in(page.inner_text("body"), lang, names)
        assert not bad, f"{name} ({lang}, {w}×{h}): {sorted(set(bad))[:20]}"
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_first_screen_without_scrolling(voila_server, browser, lang, size):
    """The headline, the responsible senders and the next cliff are inside the first viewport."""
    w, h = size
    page = browser.new_page(viewport={"width": w, "height": h})
    try:
        page.goto(f"{voila_server}/voila/render/overview.ipynb?lang={lang}")
        page.wait_for_selector(".app-ready", timeout=90_000)
        for sel in (".headline", ".panel.where", ".panel.who", ".panel.when", ".panel.decide"):
            box = page.locator(sel).bounding_box()
            assert box is not None, sel
            assert box["y"] >= 0 and box["y"] + box["height"] <= h, (sel, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= w, (sel, box)
        # no panel is cut: its table fits its width
        clipped = page.eval_on_selector_all(
            ".panel", "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className)")
        assert clipped == [], clipped
        # the page uses the projector's whole width (no fixed maximum)
        app = page.locator(".planning-app").bounding_box()
        assert app["width"] >= w - 80
        # every count that names things links to them: the unpaired unit and the units short go to the gaps page,
        # the senders behind on their task to the 派出任务 page
        links = page.locator(".panel.where a, .panel.decide a")
        assert links.count() >= 2
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        assert all("coverage.ipynb?lang=" in h or "senders.ipynb?lang=" in h for h in hrefs), hrefs
        assert any("senders.ipynb?lang=" in h and "sender=" in h for h in hrefs), hrefs
    finally:
        page.close()


def test_overview_link_opens_the_unit(voila_server, browser):
    """A unit named on the first screen opens the gaps page filtered to it."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{voila_server}/voila/render/overview.ipynb?lang=zh")
        page.wait_for_selector(".app-ready", timeout=90_000)
        link = page.locator(".panel.where a").first
        unit = link.inner_text()
        link.click()
        page.wait_for_selector(".app-ready", timeout=90_000)
        assert "coverage.ipynb" in page.url
        assert page.locator(".unit-filter select").evaluate("s => s.options[s.selectedIndex].text") == unit
    finally:
        page.close()


HOST_UNIT = "H-SCH01"  # 疏勒县第一中学, as its head signs in to the office


@pytest.fixture(scope="module")
def host_unit_server():
    """``planning serve`` behind an office secret, so a page's viewer is the one its signed pass names."""
    from conftest import office_served

    yield from office_served("first-screen-host-unit", "voila-host-unit.log")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_results_page_as_a_host_unit_shows_its_own_indicators_only(host_unit_server, browser, sample, data_names,
                                                                   lang, size):
    """The 成效 page as a school's head sees it: its own unit and indicators, in every rollup and its drill-down,
    no other host unit, no indicator only other units hold, and clean text in both languages."""
    from urllib.parse import quote

    from planning.programme.access import OfficeRole, Viewer, sign_viewer

    url, secret = host_unit_server
    token = quote(sign_viewer(Viewer("principal", OfficeRole.HOST_UNIT, (HOST_UNIT,)), secret))
    w, h = size
    page = browser.new_page(viewport={"width": w, "height": h})
    try:
        page.goto(f"{url}/voila/render/results.ipynb?lang={lang}&planning_viewer={token}")
        page.wait_for_selector(READY, timeout=90_000)
        assert page.locator(".app-failed").count() == 0
        page.wait_for_timeout(600)
        out = ROOT / "artifacts" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / f"first-results-host-unit-{lang}-{w}.png"))
        assert page.locator(".results-unit-detail table").count() == 2  # its own unit's figures and people, at once
        texts = [page.inner_text("body")]
        for i in range(1, 5):  # by prefecture, sector, sender and team
            page.locator(".results-by select").select_option(index=i)
            page.wait_for_timeout(400)
            texts.append(page.inner_text("body"))
        page.locator(".results-unit select").select_option(index=1)
        page.wait_for_selector(".results-unit-detail table", timeout=30_000)
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / f"results-host-unit-drill-{lang}-{w}.png"), full_page=True)
        texts.append(page.inner_text("body"))
        text = "\n".join(texts)
        assert "疏勒县第一中学" in text and "本科上线人数" in text
        line = page.inner_text(".data-line")
        bad = problems_in(text, lang, data_names | {line.strip()})
        assert not bad, sorted(set(bad))[:20]
        v = sample.indicator_values
        theirs = set(sample.indicator_definitions.set_index("id")["name"][
            sorted(set(v.loc[v["subject"].ne(HOST_UNIT), "indicator"]) - set(v.loc[v["subject"].eq(HOST_UNIT),
                                                                                    "indicator"]))])
        others = set(sample.units.loc[sample.units["side"].eq("host") & sample.units["id"].ne(HOST_UNIT), "name"])
        assert not sorted(n for n in theirs | others if n in text)[:5]
        options = page.locator(".results-unit select option").evaluate_all("os => os.map(o => o.textContent)")
        assert len(options) == 2 and options[1] == "疏勒县第一中学"  # the prompt and its own unit
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_senders_first_screen_without_scrolling(voila_server, browser, lang, size):
    """The 派出任务 page: the batch, the cards, the sort order and the first senders to chase in the first viewport;
    picking a sender shows its detail; the overview's link to a sender opens the page on it."""
    w, h = size
    page = browser.new_page(viewport={"width": w, "height": h})
    try:
        page.goto(f"{voila_server}/voila/render/senders.ipynb?lang={lang}")
        page.wait_for_selector(".app-ready", timeout=90_000)
        for sel in (".senders-batch", ".senders-cards", ".senders-order", ".senders-table tbody tr:nth-child(3)"):
            box = page.locator(sel).first.bounding_box()
            assert box is not None, sel
            assert box["y"] >= 0 and box["y"] + box["height"] <= h, (sel, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= w, (sel, box)
        first = page.locator(".senders-table tbody tr").first.locator("td").first.inner_text()
        assert first in page.inner_text(".senders-detail h4")  # the first to chase is shown in detail
        page.locator(".senders-pick select").select_option(label="济南市")
        page.wait_for_function("() => document.querySelector('.senders-detail').innerText.includes('山东大学齐鲁医院')",
                               timeout=15_000)
        out = ROOT / "artifacts" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / f"senders-detail-{lang}-{w}.png"), full_page=True)
        page.goto(f"{voila_server}/voila/render/overview.ipynb?lang={lang}")
        page.wait_for_selector(".app-ready", timeout=90_000)
        link = page.locator(".panel.decide a[href*='senders.ipynb']").first
        name = link.inner_text()
        link.click()
        page.wait_for_selector(".app-ready", timeout=90_000)
        assert "senders.ipynb" in page.url
        assert page.locator(".senders-pick select").evaluate("s => s.options[s.selectedIndex].text") == name
    finally:
        page.close()
