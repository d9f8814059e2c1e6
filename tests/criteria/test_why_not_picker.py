"""Why not, as the allocation page asks it: a pair's reasons, a person's nearest seats, a seat's nearest people."""
import re

import numpy as np

from planning.apps.allocation import AllocationApp
from planning.programme.eligibility import exclusions, nearest, rule_misses, seats_ahead

WHO = "P0401"      # a Batang doctor whose title (初级) is below the post's 中级
SEAT = "O-BT-DOC-2"  # 巴塘县人民医院·外科


def test_rule_misses_count_what_exclusions_list(sample):
    seats = seats_ahead(sample)
    people = sample.people
    rng = np.random.default_rng(7)
    prow = rng.integers(0, len(people), 80)
    srow = rng.integers(0, len(seats), 80)
    # and pairs of one sector, where the finer rules decide
    same = [(p, s) for p in range(len(people)) for s in range(len(seats))
            if people["sector"].iat[p] == seats["sector"].iat[s]]
    extra = [same[k] for k in rng.integers(0, len(same), 80)]
    prow = np.concatenate([prow, [p for p, _ in extra]])
    srow = np.concatenate([srow, [s for _, s in extra]])
    got = rule_misses(sample, people, seats, prow, srow)
    want = [len(exclusions(sample, people["id"].iat[p], seats["order"].iat[s], int(seats["slot"].iat[s]),
                           start=seats["start"].iat[s])) for p, s in zip(prow, srow)]
    assert got.tolist() == want
    assert (got == 0).any() and (got >= 3).any()


def test_nearest_seats_are_the_fewest_rules_away(sample):
    seats = seats_ahead(sample)
    mine = seats[seats["sector"] == "医疗"]
    brute = sorted((len(exclusions(sample, WHO, r.order, int(r.slot), start=r.start)), r.order)
                   for r in mine.itertuples())
    near = nearest(sample, WHO, top=6, lang="zh")
    assert list(zip(near["misses"], near["order"])) == brute[:6]
    assert all(len(w) == m for w, m in zip(near["why"], near["misses"]))
    assert near["why"].iloc[0] == ["职称低于中级（初级）"]


def test_nearest_people_and_one_pair(sample):
    near = nearest(sample, order=SEAT, top=4, lang="en")
    assert near["misses"].is_monotonic_increasing and near["misses"].iloc[0] == 0 and near["why"].iloc[0] == []
    assert set(near["order"]) == {SEAT}
    one = nearest(sample, WHO, SEAT, lang="zh")
    assert one["why"].iloc[0] == ["专业不符（内科，岗位为外科）", "职称低于中级（初级）"]
    assert nearest(sample).empty and nearest(sample, "nobody").empty


def text(h):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", h))


def test_the_allocation_page_says_why_not(sample):
    names = sample.people.set_index("id")["name"]
    app = AllocationApp(wb=sample, lang="zh")
    assert app.tabs.titles[-1] == "为何未选"
    app.wn_person.value = WHO
    h = text(app.why_not.value)
    assert f"{names[WHO]}最接近的岗位" in h and "巴塘县人民医院·内科" in h and "职称低于中级（初级）" in h
    app.wn_seat.value = SEAT
    h = app.why_not.value
    assert "<li>专业不符（内科，岗位为外科）</li><li>职称低于中级（初级）</li>" in h
    assert f"{names[WHO]} → 巴塘县人民医院·外科" in text(h)
    app.wn_person.value = ""
    h = app.why_not.value
    assert "巴塘县人民医院·外科最接近的人员" in text(h) and "符合全部条件" in h
    assert not re.search(r"P\d{4}|O-BT", h)  # names, not ids
    en = AllocationApp(wb=sample, lang="en")
    assert en.tabs.titles[-1] == "Why not"
    en.wn_person.value, en.wn_seat.value = WHO, SEAT
    assert "<li>title below intermediate (junior)</li>" in en.why_not.value
    en.wn_person.value = en.wn_seat.value = ""
    assert "Pick a person, a seat or both" in en.why_not.value


def picker_ids(app) -> list[str]:
    return [i for _, i in app.wn_person.options if i]


def test_the_person_picker_finds_as_a_planner_types(sample):
    """Hundreds or thousands of people in one plain dropdown: typing part of a name, an id, a sending unit or city
    (or a sector, in either language) narrows it; one match is picked and its why-not shown; none is said."""
    from planning.core.hierarchy import source_city
    from planning.core.names import names as display

    p = sample.people.set_index("id")
    nm, city = display(sample), source_city(sample)

    def found(typed):  # plain reference: the people whose name, id, sending unit or city holds the text
        return sorted(i for i in p.index if typed.casefold() in " ".join(
            [p.at[i, "name"], i, nm.get(p.at[i, "sending_unit"], ""), str(nm.get(city[i], ""))]).casefold())

    app = AllocationApp(wb=sample, lang="zh")
    assert sorted(picker_ids(app)) == sorted(p.index)  # nothing typed: everyone, as before
    app.wn_find.value = p.at[WHO, "name"][:1]  # 朱: more than one person
    want = found(app.wn_find.value)
    assert sorted(picker_ids(app)) == want and len(want) > 1 and app.wn_person.value == ""
    assert f"找到 {len(want)} 人" in text(app.wn_found.value)
    app.wn_find.value = p.at[WHO, "name"]  # the whole name: one person, picked, and the why-not said
    assert picker_ids(app) == [WHO] and app.wn_person.value == WHO
    assert "职称低于中级（初级）" in text(app.why_not.value)
    app.wn_seat.value = SEAT  # the pair, as with the plain picker
    assert "<li>专业不符（内科，岗位为外科）</li><li>职称低于中级（初级）</li>" in app.why_not.value
    app.wn_find.value = "没有这个人"
    assert picker_ids(app) == [] and "没有与“没有这个人”相符的人员" in text(app.wn_found.value)
    assert "巴塘县人民医院·外科最接近的人员" in text(app.why_not.value)  # the seat alone now
    app.wn_find.value = ""
    assert sorted(picker_ids(app)) == sorted(p.index) and app.wn_found.value == ""

    en = AllocationApp(wb=sample, lang="en")
    assert en.wn_find.placeholder == "Name, id, sending unit or city"
    en.wn_find.value = WHO.lower()  # an id, any case
    assert en.wn_person.value == WHO and "title below intermediate (junior)" in en.why_not.value
    en.wn_find.value = str(nm[city[WHO]])  # a sending city (杭州市)
    assert sorted(picker_ids(en)) == found(en.wn_find.value) and WHO in picker_ids(en)
    en.wn_find.value = "health " + p.at[WHO, "name"]  # every word must match: a sector in English and a name
    assert picker_ids(en) == [WHO]
    en.wn_find.value = "education " + p.at[WHO, "name"]
    assert picker_ids(en) == [] and "No one matches" in text(en.wn_found.value)


def test_a_search_matching_many_lists_the_first_and_says_how_many(sample):
    app = AllocationApp(wb=sample, lang="en")
    app.find_limit = 10
    app.wn_find.value = "p0"  # every id
    assert len(picker_ids(app)) == 10
    assert f"{len(sample.people)} people found, the first 10 listed" in text(app.wn_found.value)
    app.wn_person.value = picker_ids(app)[3]
    kept = app.wn_person.value
    app.wn_find.value = "p"  # still matching: the pick stays
    assert app.wn_person.value == kept
