"""The sample carries the selection facts: its posts' demands, and four people each short of one criterion."""
import planning
from planning.programme.criteria import CRITERIA, pending_assignments
from planning.programme.eligibility import exclusions, why_not
from planning.samples.sample import build_sample


def holder(wb, order):
    return wb.assignments.loc[wb.assignments["order"] == order, "person"].iloc[-1]


def test_the_shipped_sample_is_the_generated_one(sample):
    assert build_sample().equals(sample)
    assert list(sample.term_rules["programme"]) == ["援藏", "第一书记"]


def test_four_people_on_post_are_each_short_of_one_criterion(sample):
    cases = [("O-TWN01-L", "O-TWN02-L", "age", "年龄超过岗位上限（46 岁 > 45 岁）"),
             ("O-BT-DOC-1", "O-BT-DOC-1", "title", "职称低于中级（初级）"),
             ("O-FS-V03-L", "O-FS-V04-L", "party", "不是中共正式党员（预备党员）"),
             ("O-BT-EDU-1", "O-BT-EDU-1", "medical", "体检已过期")]
    for own, other, criterion, words in cases:
        p = holder(sample, own)
        ex = exclusions(sample, p, other)
        assert [c for c, _, _ in ex] == [criterion], (p, ex)
        assert why_not(sample, p, other, lang="zh")[0].startswith(words)


def test_everyone_else_on_post_meets_their_posts_criteria_and_none_is_pending(sample):
    from planning.allocation import check_plan

    assert not pending_assignments(sample).any()
    short = {holder(sample, o) for o in ("O-TWN01-L", "O-BT-DOC-1", "O-FS-V03-L", "O-BT-EDU-1")}
    a = sample.assignments[sample.assignments["order"].str.match(r"O-(TWN|BT|FS)")]
    broken = check_plan(sample, a.assign(slot=0))
    broken = broken[broken["rule"].isin(CRITERIA)]  # (the stints are on post already: busy, begun)
    assert set(broken["person"]) == short
    assert planning.check_workbook(planning.SAMPLE) == []
