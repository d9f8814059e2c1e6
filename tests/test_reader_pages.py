"""Every page a leader or a host unit may open, as they see it in the browser: laptop and projector, Chinese and
English, every tab. Their own words only (no 订单, 席位 or planners' controls), months and days written one way
(no 2027-01 on a Chinese page), no Chinese on an English page but the workbook's own names. Screenshots of each
first screen and tab go to ``artifacts/screenshots/readers``."""
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from page_text import problems_in
from test_dashboards import ERROR_TEXT, READY
from test_page_words import ISO, PLANNER_WORDS, cjk_left, workbook_words

from planning.programme.access import PAGES, OfficeRole, Viewer, sign_viewer

ROOT = Path(__file__).resolve().parent.parent
SIZES = [(1366, 768), (1920, 1080)]
VIEWERS = {"leader": Viewer("leader", OfficeRole.LEADER), "host": Viewer("principal", OfficeRole.HOST_UNIT, ("H-SCH01",))}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def published_words() -> set[str]:
    """The names a published version holds (another test may have published one with people of its own)."""
    from planning.scenarios.store import open_store

    store = open_store()
    try:
        sc = store.load_published()
        return workbook_words(sc.workbook) if sc is not None else set()
    finally:
        store.close()


@pytest.fixture(scope="module")
def office_server():
    """``planning serve`` behind an office secret: a page's viewer is the one its signed pass names."""
    from conftest import office_served

    yield from office_served("reader-pages", "voila-readers.log")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("who, page", [(w, p) for w, v in VIEWERS.items() for p in PAGES[v.role]],
                         ids=lambda x: x)
def test_reader_page_in_their_words(office_server, browser, sample, data_names, who, page, lang, size):
    url, secret = office_server
    token = quote(sign_viewer(VIEWERS[who], secret))
    w, h = size
    out = ROOT / "artifacts" / "screenshots" / "readers"
    out.mkdir(parents=True, exist_ok=True)
    p = browser.new_page(viewport={"width": w, "height": h})
    try:
        p.goto(f"{url}/voila/render/{page}.ipynb?lang={lang}&planning_viewer={token}")
        p.wait_for_selector(READY, timeout=90_000)
        assert p.locator(".app-failed").count() == 0, f"{page} ({who}, {lang}) failed to build"
        p.wait_for_timeout(600)
        p.screenshot(path=str(out / f"{page}-{who}-{lang}-{w}.png"))
        texts = [p.inner_text("body")]
        tabs = p.locator(".lm-TabBar-tab")
        for i in range(tabs.count()):
            tabs.nth(i).click()
            p.wait_for_timeout(700)
            p.screenshot(path=str(out / f"{page}-{who}-{lang}-{w}-tab{i}.png"), full_page=True)
            texts.append(p.inner_text("body"))
            # the charts' own words (axis ticks, legends, titles) are SVG text
            texts += [x or "" for x in p.locator("svg text").all_text_contents()]
        text = "\n".join(texts)
        assert not ERROR_TEXT.search(text), ERROR_TEXT.search(text).group(0)
        said = [x for x in PLANNER_WORDS[lang] if re.search(rf"(?<![A-Za-z]){re.escape(x)}(?![a-z])", text)]
        assert not said, said
        if lang == "zh":
            assert not ISO.findall(text), sorted(set(ISO.findall(text)))[:10]
        else:
            from test_first_screen import saved_names

            # the published version's name, author and note are data too (other tests publish in this session)
            left = cjk_left(text, workbook_words(sample) | saved_names() | published_words())
            assert not left, sorted(set(left))[:20]
        line = p.inner_text(".data-line")
        from test_first_screen import saved_names

        bad = problems_in(text, lang, data_names | {line.strip()} | saved_names())
        assert not bad, sorted(set(bad))[:20]
    finally:
        p.close()
