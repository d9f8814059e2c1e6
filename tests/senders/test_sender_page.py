"""The 派出任务 page without a browser: its table against a plain reading, cards equal to the table, whom to chase
first on top, names never ids in both languages, and a sender's own view cut to itself."""
import html
import re

import pandas as pd
import pytest
from page_text import page_text, problems_in, shown_problems

from planning.apps import OverviewApp, SendersApp
from planning.apps.senders import sender_summary
from planning.core.names import names
from planning.programme.access import OfficeRole, Viewer
from planning.programme.senders import sender_people
from planning.programme.senders import next_batch, sender_burden, sender_tasks

pytestmark = pytest.mark.usefixtures("own_store")

CELL = re.compile(r"<td>(.*?)</td>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)


def rows_of(table_html: str) -> list[list[str]]:
    """The body rows of an HTML table, as the text of each cell."""
    body = table_html.split("<tbody>", 1)[1] if "<tbody>" in table_html else ""
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in CELL.findall(r)] for r in ROW.findall(body)]


def table_of(page_html: str, cls: str) -> list[list[str]]:
    """The body rows of the table with class ``cls``."""
    return rows_of(page_html.split(f"data {cls}", 1)[1].split("</table>", 1)[0])


def card_values(cards_html: str) -> dict[str, str]:
    return {html.unescape(k): html.unescape(v) for v, k in
            re.findall(r"<div class='v'[^>]*>(.*?)</div><div class='k'>(.*?)</div>", cards_html)}


def plain_summary(wb, batch, on):
    """Per sender: its task rows summed, and the largest burden among the staff rows of units under it (walked)."""
    t = sender_tasks(wb, batch=batch)
    parent = dict(zip(wb.regions["id"], wb.regions["parent"]))
    parent.update(zip(wb.units["id"], wb.units["region"]))

    def under(node, sender):
        while isinstance(node, str) and node:
            if node == sender:
                return True
            node = parent.get(node)
        return False

    b = sender_burden(wb, on=on)
    out = {}
    for s, g in t.groupby("sender"):
        mine = [r for r in b.itertuples() if under(r.unit, s)]
        best = max(mine, key=lambda r: (r.burden, [-ord(c) for c in r.unit]), default=None)
        out[s] = {"quota": int(g["quota"].sum()), "nominated": int(g["nominated"].sum()),
                  "shortfall": int(g["shortfall"].sum()), "seats": int(g["seats"].sum()),
                  "burden": None if best is None else best.burden, "unit": None if best is None else best.unit}
    return out


def test_the_table_is_every_sender_of_the_next_batch_read_plainly(sample):
    app = SendersApp(wb=sample, lang="zh")
    b = app.batch.value
    assert b == next_batch(sample, app.as_of)
    plain = plain_summary(sample, b, app.as_of)
    nm = names(sample)
    rows = rows_of(app.main_table.value)
    assert [r[0] for r in rows] and sorted(r[0] for r in rows) == sorted(nm[s] for s in plain)
    by_name = {nm[s]: v for s, v in plain.items()}
    for r in rows:
        p = by_name[r[0]]
        assert int(r[1].split("（")[0]) == p["seats"]
        assert (int(r[2]), int(r[3]), int(r[5])) == (p["quota"], p["nominated"], p["shortfall"])
        assert int(r[4]) <= int(r[3])  # the selected are among the nominated
        if p["burden"] is None:
            assert r[6] == "—"
        else:
            assert r[6].startswith(f"{p['burden']:.0%}") and nm[p["unit"]] in r[6]


def test_the_ones_to_chase_first_are_on_top_and_the_page_says_so(sample):
    app = SendersApp(wb=sample, lang="zh")
    plain = plain_summary(sample, app.batch.value, app.as_of)
    nm = names(sample)
    want = sorted(plain, key=lambda s: (-plain[s]["shortfall"],
                                        -(plain[s]["burden"] if plain[s]["burden"] is not None else -1), s))
    assert [r[0] for r in rows_of(app.main_table.value)] == [nm[s] for s in want]
    assert "缺额从多到少" in app.order_note.value and "负担从高到低" in app.order_note.value
    # the tie broken by burden occurs in the sample: two senders 3 short, the one with a burdened hospital first
    top = [s for s in want if plain[s]["shortfall"] == plain[want[0]]["shortfall"]]
    assert len(top) >= 2 and plain[top[0]]["burden"] is not None and plain[top[1]]["burden"] is None
    # the first sender picked for the detail is the first to chase
    assert app.pick.value == want[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cards_equal_the_table(sample, lang):
    app = SendersApp(wb=sample, lang=lang)
    rows = rows_of(app.main_table.value)
    cards = card_values(app.cards.value)
    col = {k: i for i, k in enumerate(["sender", "seats", "quota", "nominated", "selected", "shortfall"])}
    total = {k: sum(int(r[i].replace(",", "")) for r in rows) for k, i in col.items() if k not in ("sender", "seats")}
    assert cards[app.t("send.kpi.senders")] == str(len(rows))
    for k in ("quota", "nominated", "selected", "shortfall"):
        assert cards[app.t(f"send.col.{k}")] == f"{total[k]:,}", k
    behind = sum(int(r[col["shortfall"]]) > 0 for r in rows)
    assert app.t("send.kpi.behind", k=behind) in html.unescape(app.cards.value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sender_and_batch_reads_clean(sample, data_names, lang):
    app = SendersApp(wb=sample, lang=lang)
    names_ = data_names | set(sample.batches["name"].dropna()) if lang == "zh" else data_names
    seen = 0
    for b in [v for _, v in app.batch.options]:
        app.batch.value = b
        for _, s in app.pick.options:
            app.pick.value = s
            text = page_text(app.root)
            assert shown_problems(app.root) == [] and app.t("app.error") not in text
            bad = problems_in(text, lang, names_)
            assert not bad, (s, sorted(set(bad))[:10])
            seen += bool(s)
    assert seen >= 10
    # the sender with people put forward shows them with their status in words
    app.pick.value = "SD-QD"
    people = table_of(app.detail.value, "senders-people")
    assert {r[3] for r in people} >= {app.t("send.status.selected"), app.t("send.status.nominated")}
    assert app.t("send.status.withdrawn") in {r[3] for r in people}


def test_the_detail_shows_the_task_by_sector_people_and_units_burden(sample):
    app = SendersApp(wb=sample, lang="zh")
    app.pick.value = "SD-JN"
    d = app.detail.value
    by_sector = table_of(d, "senders-by-sector")
    t = sender_tasks(sample, batch=app.batch.value)
    t = t[t["sender"].eq("SD-JN")]
    assert sorted(r[0] for r in by_sector) == sorted(t["sector"])
    assert "青岛市" in d  # the 党政 seat it shares, with the sender named
    burden = table_of(d, "senders-burden")
    b = sender_burden(sample, on=app.as_of)
    hospitals = set(b["unit"]) & {"SD-QLYY", "SD-SLYY", "SD-QFS", "SD-ZLYY"}
    nm = names(sample)
    assert {r[0] for r in burden} == {nm[u] for u in hospitals}
    assert burden[0][0] == "山东大学齐鲁医院" and burden[0][5] == "25%"  # the one near its cap first


def test_a_sender_sees_itself_only(sample):
    v = Viewer("qd", OfficeRole.SENDER, ("SD-QD",))
    app = SendersApp(wb=sample, lang="zh", viewer=v)
    assert "app-ready" in app.root._dom_classes
    rows = rows_of(app.main_table.value)
    assert [r[0] for r in rows] == ["青岛市"]
    # its cards are its own figures (no count of senders, none behind but itself)
    cards = card_values(app.cards.value)
    assert app.t("send.kpi.senders") not in cards and cards[app.t("send.col.shortfall")] == rows[0][5]
    assert "排序" not in app.order_note.value
    assert [v for _, v in app.pick.options if v] == ["SD-QD"]
    # its row is the one the whole page shows for it
    whole = SendersApp(wb=sample, lang="zh")
    assert rows[0] in rows_of(whole.main_table.value)
    # nothing of another sender's people: not in the kernel's workbook, not on the page
    own = set(sample.people.set_index("id").loc[sender_people(sample, ["SD-QD"]).people, "name"])
    others = set(sample.people["name"]) - own
    assert set(app.wb.people["name"]) == own
    text = page_text(app.root) + app.detail.value
    assert not sorted(n for n in others if n in text)
    # asking for another sender in the address changes nothing
    import os
    os.environ["QUERY_STRING"] = "sender=SD-JN"
    try:
        again = SendersApp(wb=sample, lang="zh", viewer=v)
    finally:
        del os.environ["QUERY_STRING"]
    assert again.pick.value == "SD-QD" and "济南市" not in again.main_table.value


def test_a_sending_unit_without_a_task_sees_its_people_and_burden(sample):
    app = SendersApp(wb=sample, lang="zh", viewer=Viewer("qdfy", OfficeRole.SENDER, ("SD-QDFY",)))
    assert app.t("send.none_mine") in app.order_note.value and "<table" not in app.main_table.value
    assert app.pick.value == "SD-QDFY"
    assert "青岛大学附属医院" in app.detail.value and "25%" in app.detail.value


def test_other_roles_cannot_open_each_others_pages(sample):
    host = SendersApp(wb=sample, lang="zh", viewer=Viewer("p", OfficeRole.HOST_UNIT, ("H-SCH01",)))
    assert "refused" in host.status.value and not host.body.children
    sender = OverviewApp(wb=sample, lang="zh", viewer=Viewer("qd", OfficeRole.SENDER, ("SD-QD",)))
    assert "refused" in sender.status.value and not sender.body.children
    assert "不能打开此页" in sender.status.value and "只供规划人员" not in sender.status.value
    leader = SendersApp(wb=sample, lang="zh", viewer=Viewer("l", OfficeRole.LEADER))
    assert "app-ready" in leader.root._dom_classes and len(rows_of(leader.main_table.value)) > 1


def test_the_overview_links_the_senders_to_chase_to_their_task(sample):
    app = OverviewApp(wb=sample, lang="zh")
    decide = app.body.children[1].value.split("panel decide", 1)[1]
    links = re.findall(r"href='senders\.ipynb\?lang=zh&amp;sender=([^']+)'>([^<]+)<", decide)
    assert len(links) == 3
    nm = names(sample)
    assert all(nm[s] == n for s, n in links)
    # in the page's order: the first three senders to chase
    page = SendersApp(wb=sample, lang="zh")
    assert [n for _, n in links] == [r[0] for r in rows_of(page.main_table.value)][:3]
    os_env = __import__("os").environ
    os_env["QUERY_STRING"] = f"sender={links[1][0]}"
    try:
        page = SendersApp(wb=sample, lang="zh")
    finally:
        del os_env["QUERY_STRING"]
    assert page.pick.value == links[1][0]


def test_a_workbook_without_batches_says_so(sample):
    from dataclasses import replace

    wb = replace(sample, batches=sample.batches.iloc[0:0], quotas=sample.quotas.iloc[0:0],
                 people=sample.people.assign(batch=None, nomination=None))
    app = SendersApp(wb=wb, lang="en")
    assert "app-ready" in app.root._dom_classes
    assert "no batches" in page_text(app.root)


def test_summary_sorted_with_a_plain_frame(sample):
    s = sender_summary(sample, next_batch(sample))
    key = pd.DataFrame({"a": -s["shortfall"], "b": -s["burden"].fillna(-1), "c": s["sender"]})
    assert key.sort_values(["a", "b", "c"]).index.tolist() == list(range(len(s)))


def package_of(link_html: str):
    """The workbook inside a download link's data address, read with openpyxl."""
    import base64
    import io

    from openpyxl import load_workbook

    m = re.search(r"href='data:[^;]+;base64,([^']+)'", link_html)
    assert m, link_html
    return load_workbook(io.BytesIO(base64.b64decode(m.group(1))))


def test_a_sender_downloads_its_own_package_and_nothing_of_others(sample, tmp_path):
    from planning.outputs.sender_packages import NOMINATIONS_SHEET, write_sender_package

    v = Viewer("qd", OfficeRole.SENDER, ("SD-QD",))
    app = SendersApp(wb=sample, lang="zh", viewer=v)
    assert app.package_button.layout.display != "none" and not app.package_button.disabled
    app.make_package()
    book = package_of(app.package_link.value)
    assert "青岛市" in app.package_link.value  # the file is named after the sender
    # the same sheets and nominations as the package the headquarters writes on the whole workbook
    whole = write_sender_package(sample, "SD-QD", tmp_path / "qd.xlsx", lang="zh")
    from openpyxl import load_workbook

    ref = load_workbook(whole)
    assert book.sheetnames == ref.sheetnames
    rows = lambda b: [[c for c in r] for r in b[NOMINATIONS_SHEET].iter_rows(values_only=True)]
    assert rows(book) == rows(ref)
    # nobody of another sender anywhere in the file
    own = set(sender_people(sample, ["SD-QD"]).people)
    others = set(sample.people["id"]) - own
    cells = {str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c is not None}
    assert not cells & others and cells & own


def test_a_planner_downloads_any_senders_package_and_a_leader_none(sample):
    planner = SendersApp(wb=sample, lang="en", viewer=Viewer("p", OfficeRole.PLANNER))
    planner.pick.value = "SD-JN"
    planner.make_package()
    assert "SD-JN" not in planner.package_link.value.split("href")[0] and "济南市" in planner.package_link.value
    assert package_of(planner.package_link.value).sheetnames
    planner.pick.value = "SD-QD"  # another pick clears the old link
    assert planner.package_link.value == ""
    leader = SendersApp(wb=sample, lang="zh", viewer=Viewer("l", OfficeRole.LEADER))
    assert leader.package_button.layout.display == "none"
    leader.make_package()  # a message sent by hand changes nothing
    assert leader.package_link.value == ""
