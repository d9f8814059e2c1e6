"""Every label fits, for every role: on each page a role may open and in each of its tabs, at the laptop's
1366×768 and the projector's 1920×1080, in Chinese and English, no text is cut by its box (a tab's title, a
button, a label), and no chart label lies outside its chart, on another label or over a bar.

The check runs in Chromium (``browser_js/labels_fit.js``) on the page as drawn: a label is cut when its
box hides overflow (or ends in an ellipsis) and its text is wider; chart labels are compared by their
drawn boxes.
"""
from pathlib import Path
from urllib.parse import quote

import pytest
from test_dashboards import READY

from planning.programme.access import PAGES, OfficeRole, Viewer, sign_viewer

ROOT = Path(__file__).resolve().parent.parent
FIT = (Path(__file__).parent / "browser_js" / "labels_fit.js").read_text()
SIZES = [(1366, 768), (1920, 1080)]
ROLES = {"planner": Viewer("planner", OfficeRole.PLANNER), "leader": Viewer("leader", OfficeRole.LEADER),
         "host_unit": Viewer("principal", OfficeRole.HOST_UNIT, ("H-SCH01",)),
         "sender": Viewer("qingdao", OfficeRole.SENDER, ("SD-QD",))}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def office_server():
    """``planning serve`` behind an office secret, so each page's viewer is the one its signed pass names."""
    from conftest import office_served

    yield from office_served("labels-fit", "voila-labels-fit.log")


def unfit(page) -> list[str]:
    return page.evaluate(FIT)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_label_fits_on_every_page_of_the_role(office_server, browser, role, lang):
    url, secret = office_server
    token = quote(sign_viewer(ROLES[role], secret))
    page = browser.new_page(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    found = {}
    try:
        for name in PAGES[ROLES[role].role]:
            page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
            page.goto(f"{url}/voila/render/{name}.ipynb?lang={lang}&planning_viewer={token}")
            page.wait_for_selector(READY, timeout=90_000)
            assert page.locator(".app-failed").count() == 0, name
            for w, h in SIZES:  # the laptop, then the same page on the projector
                page.set_viewport_size({"width": w, "height": h})
                page.wait_for_timeout(500)
                bad = set(unfit(page))
                tabs = page.locator(".lm-TabBar-tab")
                for i in range(tabs.count()):
                    tabs.nth(i).click()
                    page.wait_for_timeout(400)
                    bad |= set(unfit(page))
                if bad:
                    found[f"{name} {w}"] = sorted(bad)[:8]
                    out = ROOT / "artifacts" / "screenshots"
                    out.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(out / f"unfit-{name}-{role}-{lang}-{w}.png"))
                if tabs.count():
                    tabs.nth(0).click()
    finally:
        page.close()
    assert not found, found


def test_the_check_finds_a_cut_label_and_overlapping_chart_labels(browser):
    """The check itself: a cut button, a tab title with an ellipsis, two chart labels on each other and one
    outside its chart are found; the same page with room enough is clean."""
    page = browser.new_page(viewport={"width": 800, "height": 600})
    try:
        page.set_content("""
          <button style='width:60px;overflow:hidden;white-space:nowrap'>Make the roster workbook</button>
          <div style='width:50px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap'>各派出城市在岗人员（按类别）</div>
          <div class='bqplot'><svg width='200' height='100'>
            <g class='tick'><text x='10' y='50'>青岛市</text></g><g class='tick'><text x='14' y='52'>烟台市</text></g>
            <g class='tick'><text x='190' y='90'>一〇四团很长的名字</text></g></svg></div>""")
        bad = unfit(page)
        assert any(b.startswith("cut: Make the roster") for b in bad), bad
        assert any(b.startswith("cut: 各派出城市") for b in bad), bad
        assert any(b.startswith("labels overlap: 烟台市 / 青岛市") for b in bad), bad
        assert any(b.startswith("outside its chart: 一〇四团") for b in bad), bad
        page.set_content("""
          <button style='overflow:hidden;white-space:nowrap'>Make the roster workbook</button>
          <div class='bqplot'><svg width='400' height='100'>
            <g class='tick'><text x='10' y='30'>青岛市</text></g><g class='tick'><text x='10' y='70'>烟台市</text></g>
            <g class='tick' transform='translate(200,95) rotate(-45)'><text>山东省</text></g>
            <g class='tick' transform='translate(240,95) rotate(-45)'><text>麦盖提县</text></g>
            </svg></div>""")  # rotated labels side by side: their upright boxes meet, the labels do not
        assert unfit(page) == []
    finally:
        page.close()
