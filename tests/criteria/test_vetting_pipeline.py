"""The vetting pipeline (选拔进度): each batch's nominees by stage, against a plain count; the allocation page's tab."""
import re

import pandas as pd

from planning.apps.allocation import AllocationApp
from planning.programme.vetting import PIPELINE, nominees, stage_counts

STAGES = ["recommended", "checked", "vetted", "medical", "decided", "publicised"]


def plain_counts(wb):
    """Per batch: nominees still in the running (nominated or selected) at each stage, by loops over dict rows."""
    out = {}
    for p in wb.people.to_dict("records"):
        b = p["batch"]
        if not isinstance(b, str) or p["nomination"] not in ("nominated", "selected"):
            continue
        s = p["vetting_stage"] if p["vetting_stage"] in STAGES else "none"
        row = out.setdefault(b, dict.fromkeys(["none", *STAGES], 0))
        row[s] += 1
    return out


def test_stage_counts_equal_a_plain_count(sample):
    c = stage_counts(sample).set_index("batch")
    want = plain_counts(sample)
    assert set(c.index) == set(want) == {"B2027-08"}
    for b, row in want.items():
        assert {s: int(c.loc[b, s]) for s in PIPELINE} == row
        assert int(c.loc[b, "nominees"]) == sum(row.values())
        assert int(c.loc[b, "through"]) == row["publicised"]
    # the sample's nominees are part-way: some at each of the first four stages
    assert all(want["B2027-08"][s] > 0 for s in STAGES[:4])


def test_a_stage_moved_on_moves_the_counts(sample):
    wb = sample.copy()
    people = wb.people.copy()
    who = nominees(sample).query("in_running and stage == 'medical'")["person"].iloc[0]
    people.loc[people["id"] == who, ["vetting_stage", "vetting_date"]] = ["publicised", pd.Timestamp("2026-11-20")]
    wb.people = people
    before, after = stage_counts(sample).iloc[0], stage_counts(wb).iloc[0]
    assert (after["medical"], after["publicised"], after["through"]) == (before["medical"] - 1, 1, 1)
    assert after["last"] == pd.Timestamp("2026-11-20")
    n = nominees(wb)
    assert n["person"].iloc[0] == who  # the furthest along first
    assert n["days_left"].iloc[0] == (pd.Timestamp("2027-08-01") - pd.Timestamp("2026-11-20")).days


def test_people_without_the_columns_have_no_pipeline(sample):
    wb = sample.copy()
    wb.people = sample.people.drop(columns=["batch", "nomination", "vetting_stage", "vetting_date"])
    assert nominees(wb).empty and stage_counts(wb).empty


def text(h):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", h))


def test_the_allocation_page_shows_the_pipeline_by_name(sample):
    n = nominees(sample)
    names = sample.people.set_index("id")["name"]
    for lang, title, head, stage in (("zh", "选拔进度", "2027年8月批（2027年8月1日派出）：在选 18 人，已通过公示 0 人", "体检"),
                                     ("en", "Selection progress", "Aug 2027 batch (dispatched 2027-08-01): 18 in the running, "
                                      "0 through public notice", "Medical check")):
        app = AllocationApp(wb=sample, lang=lang)
        assert title in app.tabs.titles
        h = app.vetting.value
        assert head in text(h)
        assert not any(p in h for p in n["person"])  # names, not ids
        assert all(names[p] in h for p in n["person"])
        counts = re.search(r"vetting-counts'>(.*?)</table>", h).group(1)
        cells = [int(x) for x in re.findall(r"<td class='num'>(\d+)</td>", counts)]
        want = plain_counts(sample)["B2027-08"]
        assert cells == [want[s] for s in ["none", *STAGES]]
        assert stage in text(h)
    assert "2026年11月16日" in AllocationApp(wb=sample, lang="zh").vetting.value
