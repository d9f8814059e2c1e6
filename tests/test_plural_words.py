"""English counts agree with their nouns: "1 senders have put forward…", "1 qualified candidates, 1 of whom are
placed elsewhere", "1 sending places; 1 host units, 1 teams" were read on pages and in the command line's summary."""
import csv
import re
import string
from pathlib import Path

import pytest

from planning.core.i18n import t

CATALOGUE = Path(__file__).resolve().parent.parent / "planning" / "core" / "i18n.csv"

#: key, count field, what the English says for 1 of it, what it says for 2 (written by hand)
CASES = [
    ("ov.decide.senders_short", "k", "1 sender has put forward", "2 senders have put forward"),
    ("bottleneck.row", "seats", "1 X post (from X) has only", "2 X posts (from X) have only"),
    ("bottleneck.row", "n", "only 1 qualified candidate", "only 2 qualified candidates"),
    ("bottleneck.row_none", "seats", "1 X post (from X) has no", "2 X posts (from X) have no"),
    ("bottleneck.placed", "k", "1 of whom is placed", "2 of whom are placed"),
    ("bottleneck.more", "n", "1 more group ", "2 more groups "),
    ("ov.scale", "people", "1 person from", "2 people from"),
    ("ov.scale", "cities", "1 sending place (", "2 sending places ("),
    ("ov.scale", "hosts", "1 host unit,", "2 host units,"),
    ("ov.scale", "teams", "1 team.", "2 teams."),
    ("summary.people", "n", "1 person from", "2 people from"),
    ("summary.people", "cities", "1 sending place (", "2 sending places ("),
    ("summary.people", "hosts", "1 host unit;", "2 host units;"),
    ("summary.people", "seats", "1 seat ordered", "2 seats ordered"),
    ("summary.rows", "n", ": 1 row", ": 2 rows"),
    ("summary.assigned", "n", "1 active or planned assignment", "2 active or planned assignments"),
    ("summary.ok_reminders", "n", "1 reminder below", "2 reminders below"),
    ("error.header", "n", "has 1 problem;", "has 2 problems;"),
    ("ov.headline.worst", "demand", "of 1 seat filled", "of 2 seats filled"),
    ("ov.headline.worst.viewer", "demand", "of 1 post filled", "of 2 posts filled"),
    ("ov.headline.worst", "h", "next 1 month is", "next 2 months is"),
    ("ov.kpi.worst", "h", "Lowest in 1 month ", "Lowest in 2 months "),
    ("ov.decide.cliff", "n", "1 person leaves", "2 people leave"),
    ("ov.decide.behind_short", "n", "1 indicator behind", "2 indicators behind"),
    ("ov.decide.behind_short.viewer", "n", "1 indicator behind", "2 indicators behind"),
    ("ov.decide.behind_short_more", "n", "1 more place behind", "2 more places behind"),
    ("res.kpi.indicators", "n", "1 indicator", "2 indicators"),
    ("ov.flow.people", "n", "1 person", "2 people"),
    ("pairing.blocked.row", "n", "1 seat no one", "2 seats no one"),
    ("pairing.blocked.row.viewer", "n", "1 post no one", "2 posts no one"),
    ("pairing.blocked.row_free.viewer", "n", "1 post left empty", "2 posts left empty"),
    ("net.whole", "n", "1 link.", "2 links."),
    ("net.whole.viewer", "n", "1 link.", "2 links."),
    ("net.centred", "n", "1 link.", "2 links."),
    ("send.others_not_put", "n", "1 other person of this sender is not", "2 other people of this sender are not"),
    ("gapp.card.reach", "units", "1 host unit ", "2 host units "),
    ("gapp.tree.more_units", "n", "1 more unit ", "2 more units "),
    ("rapp.proposals", "n", "1 person proposed", "2 people proposed"),
    ("mentor.new_pairs", "n", "1 new mentoring pair at", "2 new mentoring pairs at"),
    ("cov.cli.header", "gap", "1 person short", "2 people short"),
    ("problem.more_problems", "n", "1 more row has", "2 more rows have"),
    ("alloc.explain.person_head", "n", "placed 1 time:", "placed 2 times:"),
    ("why_not.near", "n", "1 person short", "2 people short"),
]


def said(key: str, lang: str, **counts) -> str:
    """The text of ``key`` in ``lang`` with ``counts`` and every other field an X."""
    from planning.core.i18n import TEXT

    fields = {f for _, f, _, _ in string.Formatter().parse(TEXT[key][lang]) if f}
    return t(key, lang, **({f: "X" for f in fields} | counts))


def english(key: str, **counts) -> str:
    return said(key, "en", **counts)


@pytest.mark.parametrize("key, field, one, two", CASES, ids=[f"{k}-{f}" for k, f, _, _ in CASES])
def test_an_english_count_agrees_with_its_noun(key, field, one, two):
    assert one in english(key, **{field: 1}), english(key, **{field: 1})
    assert two in english(key, **{field: 2}), english(key, **{field: 2})
    assert two in english(key, **{field: "2"}) and one in english(key, **{field: "1"})  # counts come formatted too
    zh = [said(key, "zh", **{field: n}) for n in (1, 2)]
    assert zh[0].replace("1", "2") == zh[1]  # Chinese says the count alone


def test_a_formatted_count_of_thousands_is_many():
    assert "1,001 people from" in english("ov.scale", people="1,001")


#: English texts whose count is never one: a maximum, a count over a limit
NEVER_ONE = {"store.bad_name", "store.bad_author", "office.acct.short_password", "problem.too_many_rows",
             "problem.too_many_columns"}
#: a count written straight before a plural noun ("{n} people", "{k} senders"), where 1 would read wrong (a sector
#: is a name: "{sector} orders")
BARE_COUNT = re.compile(
    r"\{(?!sector\})\w+\} (?:(?:more|other|new|host|sending|qualified|active or planned|assessment|text|dispatched|mentoring|"
    r"service|Party|[A-Z]?\w+ing)\s+){0,2}(?:people|persons|units|seats|posts|senders|links|indicators|rows|problems|"
    r"months|years|teams|places|candidates|groups|reminders|assignments|orders|pairs|cadres|sheets|cells|values|"
    r"characters|columns|times|packages)\b|\{\w+\} \w+\(s\)")


def test_no_english_count_stands_bare_before_a_plural_noun():
    """A new English text saying "{n} people" (not "{n} {n:person|people}") reads "1 people" when n is 1."""
    with open(CATALOGUE, encoding="utf-8", newline="") as f:
        bare = {r["key"]: BARE_COUNT.findall(r["en"]) for r in csv.DictReader(f) if r["key"] not in NEVER_ONE}
    assert not {k: v for k, v in bare.items() if v}
