"""One set of words on every page: months and days written one way per language, batches named in the page's
language, and leaders' and host units' pages in their own words (需求岗位, not the planners' 订单 and 席位), without
the planners' controls (no browser: the widgets' own text, charts included)."""
import re

import pytest
from page_text import chart_text, page_text

from planning.apps import (AllocationApp, CoverageApp, GridApp, NetworkApp, OverviewApp, ResultsApp, RotationApp,
                           ScenariosApp, SendersApp)
from planning.programme.access import PAGES, OfficeRole, Viewer

pytestmark = pytest.mark.usefixtures("own_store")

APPS = {"overview": OverviewApp, "coverage": CoverageApp, "rotation": RotationApp, "grid": GridApp,
        "results": ResultsApp, "network": NetworkApp, "senders": SendersApp, "allocation": AllocationApp,
        "scenarios": ScenariosApp}
LEADER = Viewer("leader", OfficeRole.LEADER)
HOST = Viewer("principal", OfficeRole.HOST_UNIT, ("H-SCH01",))
#: a month or a day written by numbers and dashes (2027-08, 2027-01-31): never on a Chinese page
ISO = re.compile(r"(?<!\d)\d{4}-\d{1,2}(?:-\d{1,2})?(?!\d)")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def opened(cls, wb, lang, viewer):
    """A page as its viewer reads it, every part drawn: its lazily drawn tab opened, a row of the gaps picked, a
    unit's timeline shown."""
    app = cls(wb=wb, lang=lang, viewer=viewer)
    assert "app-ready" in app.root._dom_classes and app.body.children
    texts = [page_text(app.root), chart_text(app.root)]
    if isinstance(app, OverviewApp):
        app.tabs.selected_index = 3  # the charts are drawn when their tab is first opened
    if isinstance(app, CoverageApp) and app.pick.options:
        app.pick.value = app.pick.options[0][1] if isinstance(app.pick.options[0], tuple) else 0
    texts += [page_text(app.root), chart_text(app.root)]
    return app, "\n".join(texts)


def workbook_words(wb) -> set[str]:
    """What the workbook itself names (places, units, people, local staff, management units, skills, indicators,
    assessments): words an English page may show in Chinese, as the data gives them."""
    cols = [wb.units["name"], wb.regions["name"], wb.people["name"], wb.local_staff["name"],
            wb.management_units["name"], wb.people["skill"], wb.orders["skill"], wb.local_staff["skill"],
            wb.indicator_definitions["name"], wb.indicator_definitions["measure"], wb.assessment_items["name"],
            wb.assessments["assessor"], wb.assessments["note"]]
    return {str(v) for c in cols for v in c.dropna() if str(v).strip()}


def cjk_left(text: str, allowed: set[str]) -> list[str]:
    """Chinese left in ``text`` once the workbook's own words, the signed-in planner's name (scenario versions are
    saved under it) and the switch to Chinese (中文) are taken out."""
    import os

    for n in sorted(allowed | {"中文", os.environ.get("PLANNING_USER", "中文")}, key=len, reverse=True):
        text = text.replace(n, " ")
    return CJK.findall(text)


PAGES_READ = [(v, p) for v in (None, LEADER, HOST) for p in (PAGES[v.role] if v else PAGES[OfficeRole.PLANNER])]


@pytest.mark.parametrize("viewer, page", PAGES_READ, ids=lambda x: x if isinstance(x, str) else (x.name if x else "planner"))
def test_months_and_days_are_written_one_way_and_english_pages_hold_no_chinese(sample, viewer, page):
    """Chinese pages wrote 2027年8月 beside 2027-01 and 2027年1月31日 beside 2027-01-31 (the coverage axis, the
    timeline's tooltips, every table's month and date columns); the English overview named a batch 2027年8月批."""
    _, zh = opened(APPS[page], sample, "zh", viewer)
    assert not ISO.findall(zh), sorted(set(ISO.findall(zh)))[:10]
    assert "年" in zh and "月" in zh  # the months are there, written the Chinese way
    _, en = opened(APPS[page], sample, "en", viewer)
    left = cjk_left(en, workbook_words(sample))
    assert not left, sorted(set(left))[:20]


#: Planners' words and controls: what a leader or a host unit must never read, in each language.
PLANNER_WORDS = {
    "zh": ["订单", "席位", "交接重叠天数", "每位导师带徒上限", "生成结对方案", "从柔性人才库推荐人选", "生成各受援单位材料包",
           "接受下一批", "接受柔性", "接受师徒"],
    "en": ["Order", "order", "Handover overlap", "Apprentices per mentor", "Propose mentoring pairs",
           "Propose from the flexible pool", "Make a package per host unit", "Accept the",
           "seat", "seats", "Seat", "Seats"],
}
PLANNER_CONTROLS = {"overlap", "propose-button", "pair-button", "packages-button", "mentors-from", "accept-flexible",
                    "accept-mentoring", "accept-drafts"}


def classes(root) -> set[str]:
    import ipywidgets as W

    found, seen, todo = set(), set(), [root]
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        found |= set(getattr(w, "_dom_classes", ()))
        todo += [c for c in getattr(w, "children", ()) if isinstance(c, W.Widget)]
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("viewer, page", [(v, p) for v in (LEADER, HOST) for p in PAGES[v.role]],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_leaders_and_host_units_read_no_planner_words(sample, viewer, page, lang):
    """Leaders and host units read 订单, 下一批订单, 订单草稿, 席位, and saw the overlap slider, the mentor capacity,
    生成结对方案 and 从柔性人才库推荐人选 on the rotation page; the numbers on hatched bars were not said."""
    app, text = opened(APPS[page], sample, lang, viewer)
    said = [w for w in PLANNER_WORDS[lang] if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![a-z])", text)]
    assert not said, said
    assert not classes(app.root) & PLANNER_CONTROLS, classes(app.root) & PLANNER_CONTROLS
    if page == "rotation":
        assert app.t("rapp.vacant_count") in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_planners_keep_their_words_and_controls(sample, lang):
    """The readers' words are the readers' only: a planner's rotation page still says 订单 and shows the controls."""
    app, text = opened(RotationApp, sample, lang, None)
    assert ("订单" if lang == "zh" else "order") in text
    assert PLANNER_CONTROLS - {"accept-flexible", "accept-mentoring", "accept-drafts"} <= classes(app.root)


def test_planners_keep_their_seats(sample):
    """Readers' pages say posts (岗位); a planner's English overview still counts seats."""
    _, text = opened(OverviewApp, sample, "en", None)
    assert re.search(r"\bseats\b", text)
    _, text = opened(OverviewApp, sample, "en", LEADER)
    assert re.search(r"\bposts\b", text) and not re.search(r"\bseats?\b", text)


@pytest.mark.parametrize("viewer", [None, HOST], ids=["planner", "host"])
def test_a_team_role_is_shown_by_its_label(sample, viewer):
    """The English coverage page's Role column read "lead" and "member" (the contract's codes); Chinese reads
    组长 and 成员."""
    app = CoverageApp(wb=sample, lang="en", viewer=viewer)
    app.pick.value = app.pick.options[0][1] if isinstance(app.pick.options[0], tuple) else 0
    text = page_text(app.root)
    assert "Team lead" in text and "Member" in text
    codes = re.findall(r".{20}(?<![(\w])(?<!Team )(?:lead|member)(?![\w)]).{10}", text)  # not the post's "(lead)"
    assert not codes, codes


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_host_unit_opens_on_its_own_posts_and_the_people_on_them(sample, lang):
    """A principal's coverage page opened on its gap row with nothing under it until a row was picked; a unit with
    no gap saw no post at all. Now its posts and who is on them are shown at once, all of its sectors when it has
    no gap, and every person on post at the unit on the first day is named there."""
    from planning.core.clock import today

    a, o = sample.assignments, sample.orders
    on = a[(a["start"] <= today()) & (a["end"].isna() | (a["end"] >= today()))]
    for unit in ("H-SCH01", "H-XS-JG", *sorted(set(o["host_unit"]) - {"H-SCH01", "H-XS-JG"})[:3]):
        app = CoverageApp(wb=sample, lang=lang, viewer=Viewer("principal", OfficeRole.HOST_UNIT, (unit,)))
        assert app.tabs.selected_index == 2 and app.pick.layout.display == "none"  # nothing left to pick
        detail = app.detail.value
        assert "<table" in detail, (unit, detail)
        mine = on[on["order"].isin(set(o.loc[o["host_unit"].eq(unit), "id"]))]
        for person in mine["person"].map(sample.people.set_index("id")["name"]):
            assert str(person) in detail, (unit, person)
