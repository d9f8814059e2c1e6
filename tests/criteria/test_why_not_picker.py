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
