"""The network page (网络关系) in the office, for each role that may open it: a planner, a leader and a
host unit. First screen, read clean (zh and en, laptop and projector), search and centre, no request off
the server; a host unit's page names no other host unit and none of the people posted elsewhere."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import planning

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # page_text, beside the other browser tests
from office_harness import start_office  # noqa: E402
from page_text import problems_in  # noqa: E402
from test_office import Browser, other_people  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent.parent
SIZES = [(1366, 768), (1920, 1080)]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    o = start_office(tmp_path_factory.mktemp("office-network"), log_name="office-network.log")
    yield o
    o.stop()


@pytest.fixture(scope="module")
def sample():
    return planning.load_workbook(planning.SAMPLE)


def data_names(sample) -> set[str]:
    cols = [sample.units["name"], sample.regions["name"], sample.people["name"]]
    return {str(v) for c in cols for v in c.dropna()}


@pytest.mark.parametrize("who", ["liming", "leader", "principal"])
def test_network_page_for_each_role(office, browser, sample, who):
    names = data_names(sample)
    for w, h in SIZES:
        for lang in ("zh", "en"):
            b = Browser(browser, office, who, w, h)
            try:
                b.open("network", lang)
                p = b.page
                p.wait_for_selector(".net-figure", timeout=30000)
                p.wait_for_timeout(800)
                out = ROOT / "artifacts" / "screenshots"
                out.mkdir(parents=True, exist_ok=True)
                p.screenshot(path=str(out / f"network-{who}-{lang}-{w}.png"))
                # the first screen: the cards, the search and the drawing's top without scrolling
                box = p.locator(".net-search").bounding_box()
                assert box is not None and box["y"] + box["height"] <= h, (who, lang, w)
                assert p.locator(".net-figure").bounding_box()["y"] < h
                text = p.inner_text("body")
                line = p.inner_text(".data-line")
                bad = problems_in(text, lang, names | {line.strip()})
                assert not bad, (who, lang, w, sorted(set(bad))[:10])
                assert not b.off_server(), b.off_server()[:3]
                assert b.errors == []
            finally:
                b.close()


def test_search_centres_and_a_host_unit_sees_its_neighbourhood_only(office, browser, sample):
    b = Browser(browser, office, "leader")
    try:
        b.open("network")
        p = b.page
        p.locator(".net-search input").fill("济南市")
        p.locator(".net-search input").press("Enter")
        p.wait_for_selector(".net-caption:has-text('济南市 的周边')", timeout=30000)
        assert p.locator(".net-single table").count() == 1  # a leader sees the single points of failure
        p.click(".net-whole")
        p.wait_for_selector(".net-caption:has-text('全貌')", timeout=30000)
    finally:
        b.close()
    mine, others = other_people(sample)
    b = Browser(browser, office, "principal")
    try:
        b.open("network")
        text = b.page.inner_text("body")
        assert "疏勒县" in text and "济南市" in text
        leaked = sorted(n for n in others if n in text)
        assert not leaked, leaked[:5]
        other_units = set(sample.units.loc[(sample.units.side == "host") & (sample.units.id != "H-SCH01"), "name"])
        assert not sorted(u for u in other_units if u in text)[:5]
        assert b.page.locator(".net-single").count() == 0  # needs every person: not on a host unit's page
        assert not b.off_server(), b.off_server()[:3]
    finally:
        b.close()
