"""The overview page: who is sent from where, which host units, and the pairing network."""
from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W
import pandas as pd

from urllib.parse import quote

from ..core.hierarchy import host_area, source_city
from ..core.names import batch_names, names
from ..core.periods import ends
from ..programme.coverage import BAND_COLOURS
from ..programme.eligibility import blocked_by_pairings, blocked_sentences
from ..core.i18n import TEXT, fmt_date, fmt_int, fmt_month, list_sep, sector_label, t
from ..programme.network import pairing_view
from ..contract.schema import value_label
from ..programme.results import behind_and_short
from ..programme.senders import senders_behind
from ..programme.standing import standing
from ..outputs.summary import figures
from .base import App, html_table, kpi_cards
from .charts import count_bars
from .flows import flow_svg, flow_table
from .senders import units_burden

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LINKS = (("coverage.ipynb", "ov.link.coverage"), ("allocation.ipynb", "ov.link.allocation"),
         ("rotation.ipynb", "ov.link.rotation"), ("grid.ipynb", "ov.link.grid"), ("results.ipynb", "ov.link.results"),
         ("senders.ipynb", "ov.link.senders"), ("scenarios.ipynb", "ov.link.scenarios"),
         ("network.ipynb", "ov.link.network"))

ROWS = 8  # rows per first-screen panel: the four panels fit a 1366×768 laptop screen

NO_CITY = "\0no-city"  # stands for the "no source city" label until the language is known

PALETTE = ["#2f6db5", "#e07b39", "#3a9e5c", "#c94c4c", "#8a63b8", "#8c6d46", "#d16aa8", "#7f7f7f",
           "#b5b52f", "#2fb5b0"]


def people_by_city_sector(wb, no_city: str = "省直") -> pd.DataFrame:
    """People counted by source city (rows, largest first) × sector (columns).

    People sent by a unit with no city above it (a provincial department) count under that unit's
    name, as the flows and the on-post table name them (``no_city`` only for a source without a name).
    """
    city = source_city(wb)  # a city, or the sending unit itself when no city is above it: named as such
    df = pd.DataFrame({"city": wb.people["id"].map(city).map(names(wb)).fillna(no_city).to_numpy(),
                       "sector": wb.people["sector"].to_numpy()})
    tab = df.groupby(["city", "sector"]).size().unstack(fill_value=0)
    return tab.loc[tab.sum(axis=1).sort_values(ascending=False).index]


def host_units_by_area(wb) -> pd.Series:
    """Host units counted by their county-like region (largest first)."""
    hosts = wb.units[wb.units["side"].eq("host")]
    area = host_area(wb, hosts["id"]).map(wb.regions.set_index("id")["name"]).fillna("—")
    return area.value_counts()


def landing_figures(wb, on=None) -> dict:
    """What the landing page's cards say for ``wb`` as of ``on`` (default today), from one
    :func:`~planning.programme.standing.standing`: the page itself and the publish confirmation use this.

    Returns ``standing`` (the :class:`~planning.programme.standing.Standing`) and the cards' figures:
    ``as_of``, ``on_post`` (= ``arrived`` + ``planned``: people counted on post who have arrived, and
    those planned who have not yet, pending ones included), ``pending`` (of ``planned``, those pending
    public notice, 拟派（待公示）), ``filled``, ``demand``, ``gap``, ``surplus`` and ``ratio``
    (filled / demand, None without demand).
    """
    st = standing(wb, on=on)
    return {"standing": st, "as_of": st.as_of, "on_post": st.on_post, "arrived": st.on_post - st.planned,
            "planned": st.planned, "pending": st.pending, "filled": st.filled, "demand": st.demand, "gap": st.gap, "surplus": st.surplus,
            "ratio": st.ratio if st.demand else None}


class Num(str):
    """A number cell of a first-screen table (right-aligned; escaped when written)."""


def month_label(d, lang: str) -> str:
    """``2027年8月`` / ``Aug 2027``."""
    return fmt_month(d, lang)


def point_label(d, as_of, lang: str) -> str:
    """A checkpoint in words: the as-of day by its date, a month's first day by its month."""
    d = pd.Timestamp(d)
    return t("ov.today", lang) if d == pd.Timestamp(as_of) else month_label(d, lang)


def page_link(page: str, lang: str, **params) -> str:
    """A relative address of another page with filters (``coverage.ipynb?lang=zh&unit=H-SCH01``)."""
    q = "&".join(f"{k}={quote(str(v))}" for k, v in {"lang": lang, **params}.items())
    return f"{page}.ipynb?{q}"


class OverviewApp(App):
    """The leader's first screen: where we are short, who is responsible, what is coming, what to decide.

    Every figure comes from one :class:`planning.programme.standing.Standing` taken on one
    "as of" day (shown in the page's data line): the cards, the four panels, the
    pairing figure and the tables below never disagree. Computed once per
    workbook (:meth:`prepare`, before the viewer arrives in a preheated kernel);
    a language switch only relabels them. The tabs' charts are drawn when their
    tab is first opened.
    """

    title_key = "app.overview.title"

    def prepare(self, wb):
        landing = landing_figures(wb, on=self.as_of)
        st = landing["standing"]
        self.data = {
            "standing": st, "landing": landing, "figures": figures(wb, on=st.as_of), "on_post": self._on_post(wb, st.as_of),
            "pairings": pairing_view(wb), "people": people_by_city_sector(wb, NO_CITY),
            "hosts": host_units_by_area(wb), "flows": flow_table(wb, st.as_of),
            "blocked": blocked_by_pairings(wb), "behind_short": behind_and_short(wb, on=st.as_of),
        }

    # --- the first screen ---------------------------------------------------------------------
    def allowed(self, page: str) -> bool:
        allowed = self.viewer.pages if self.viewer is not None else None
        return (NOTEBOOKS / f"{page}.ipynb").exists() and (allowed is None or page in allowed)

    def link(self, text: str, page: str, **params) -> str:
        """``text`` linked to ``page`` with filters when this viewer may open it (escaped either way)."""
        if not self.allowed(page):
            return html.escape(text)
        return f"<a href='{html.escape(page_link(page, self.lang, **params))}'>{html.escape(text)}</a>"

    def headline(self) -> str:
        """The banner and cards: today's figures and the worst month of the horizon, one band colour each."""
        st, lang = self.data["standing"], self.lang
        w, h = st.worst, st.horizon
        if not int(st.points["demand"].sum()):
            sentence, colour = self.t("ov.headline.no_demand", h=h), BAND_COLOURS["none"]
        elif w["gap"] == 0:
            sentence, colour = self.t("ov.headline.ok", h=h), BAND_COLOURS["green"]
        else:
            sentence = self.t("ov.headline.worst", h=h, month=point_label(w["day"], st.as_of, lang),
                              demand=fmt_int(w["demand"]), filled=fmt_int(w["filled"]),
                              ratio=f"{w['ratio']:.0%}", gap=fmt_int(w["gap"]))
            colour = BAND_COLOURS[w["band"]]
        f = self.data["figures"]
        scale = self.t("ov.scale", people=fmt_int(f["people"]), cities=fmt_int(f["sending_cities"]),
                       hosts=fmt_int(f["host_units"]), teams=fmt_int(len(self.wb.teams)))
        banner = (f"<div class='headline' style='border-left-color:{colour}'>"
                  f"{html.escape(sentence)}</div><div class='app-sub scale'>{html.escape(scale)}</div>")
        fig = self.data["landing"]  # the same figures the publish confirmation states (landing_figures)
        planned = self.t("ov.kpi.planned", n=fmt_int(fig["planned"])) if fig["planned"] else ""
        if fig["pending"]:
            planned += self.t("ov.kpi.pending", n=fmt_int(fig["pending"]))
        cards = [(self.t("ov.kpi.on_post"), fmt_int(fig["on_post"]), None, planned),
                 (self.t("ov.kpi.filled"), f"{fmt_int(fig['filled'])} / {fmt_int(fig['demand'])}", None,
                  self.t("ov.kpi.surplus", n=fmt_int(fig["surplus"])) if fig["surplus"] else ""),
                 (self.t("ov.kpi.gap"), fmt_int(fig["gap"]), BAND_COLOURS["red"] if fig["gap"] else None, ""),
                 (self.t("ov.kpi.ratio"), "—" if fig["ratio"] is None else f"{fig['ratio']:.0%}",
                  BAND_COLOURS[st.band], "")]
        if st.demand or w["demand"]:
            cards.append((self.t("ov.kpi.worst", h=h, month=point_label(w["day"], st.as_of, lang)),
                          "—" if pd.isna(w["ratio"]) else f"{w['ratio']:.0%}", BAND_COLOURS[w["band"]],
                          self.t("ov.kpi.worst_gap", n=fmt_int(w["gap"]))))
        # the next month anyone's term ends: the first row of the 何时 table beside it
        c = st.departures.iloc[0] if len(st.departures) else None
        if c is not None:
            cards.append((self.t("ov.kpi.cliff", month=month_label(c["ends_in"], lang)),
                          self.t("ov.kpi.cliff_value", n=fmt_int(c["leaving"])), BAND_COLOURS["amber"],
                          self.t("ov.kpi.cliff_gap", a=fmt_int(c["gap_before"]), b=fmt_int(c["gap"]))))
        return banner + kpi_cards(cards)

    def panel(self, cls: str, title: str, body: str) -> str:
        return f"<div class='panel {cls}'><h4>{html.escape(title)}</h4>{body}</div>"

    def table(self, head: list[str], rows: list[list[str]], empty: str) -> str:
        """A small table of cells already escaped (a :class:`Num` cell is a number: escaped and right-aligned)."""
        if not rows:
            return f"<div class='app-sub'>{html.escape(empty)}</div>"
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td class='num'>{html.escape(c)}</td>" if isinstance(c, Num)
                                        else f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table class='data'><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    def behind_short_sentences(self, name, n: int = 1) -> list[str]:
        """The places behind and short-staffed (DESIGN §10), the least staffed first: one sentence each (escaped)."""
        bs = self.data.get("behind_short")
        if bs is None or bs.empty:
            return []
        g = (bs.groupby(["host_unit", "sector", "period"], sort=False)
             .agg(n=("indicator", "size"),
                  staffing=("staffing", "first"), sender=("sender", "first"))
             .reset_index().sort_values(["staffing", "host_unit"], kind="stable"))
        out = []
        for r in g.head(n).itertuples():
            unit = self.link(name(r.host_unit), "coverage", unit=r.host_unit)
            out.append(self.t_html("ov.decide.behind_short", unit=unit, sector=html.escape(sector_label(r.sector, self.lang)),
                                   n=html.escape(fmt_int(r.n)),
                                   period=html.escape(str(r.period)), ratio=html.escape(f"{r.staffing:.0%}"),
                                   sender=html.escape(name(r.sender) if isinstance(r.sender, str) else
                                                      self.t("ov.nobody"))))
        if len(g) > n:
            out.append(html.escape(self.t("ov.decide.behind_short_more", n=fmt_int(len(g) - n))))
        return out

    def panels(self, wb) -> str:
        st, lang, nm = self.data["standing"], self.lang, names(wb)

        def name(x) -> str:
            return list_sep(lang).join(str(nm.get(p, p)) for p in str(x).split("、")) if x else self.t("ov.nobody")

        u = st.units.head(ROWS)
        where = self.table(
            [self.t("col.host_unit"), self.t("col.sector"), self.t("ov.col.gap_now"), self.t("ov.col.peak"),
             self.t("ov.col.sender")],
            [[self.link(name(r.host_unit), "coverage", unit=r.host_unit), html.escape(sector_label(r.sector, lang)),
              Num(fmt_int(r.gap)),
              Num(self.t("ov.peak", n=fmt_int(r.peak_gap), month=point_label(r.peak_day, st.as_of, lang))
                  if r.peak_gap else "0"),
              html.escape(name(r.sender))] for r in u.itertuples()],
            self.t("ov.where.none"))
        more = len(st.units) - len(u)
        if more > 0:
            where += f"<div class='app-sub'>{self.link(self.t('ov.more', n=fmt_int(more)), 'coverage')}</div>"
        s = st.senders[st.senders["sender"].ne("")].head(ROWS)
        who = self.table(
            [self.t("ov.col.sender"), self.t("ov.col.gap_now"), self.t("ov.col.peak")],
            [[html.escape(name(r.sender)), Num(fmt_int(r.gap)),
              Num(self.t("ov.peak", n=fmt_int(r.peak_gap), month=point_label(r.peak_day, st.as_of, lang))
                  if r.peak_gap else "0")] for r in s.itertuples()],
            self.t("ov.who.none"))
        cl = st.departures.head(ROWS)  # every month people leave in, as the coverage timeline marks them
        when = self.table(
            [self.t("col.month"), self.t("col.leaving"), self.t("ov.col.gap_change")],
            [[html.escape(month_label(r.ends_in, lang)), Num(fmt_int(r.leaving)),
              Num(f"{fmt_int(r.gap_before)} → {fmt_int(r.gap)}")] for r in cl.itertuples()],
            self.t("ov.when.none", h=st.horizon))
        decide = [self.t_html("ov.decide.unpaired", unit=self.link(name(x), "coverage", unit=x))
                  for x in st.unpaired[:ROWS]]
        if len(st.unpaired) > ROWS:
            decide.append(html.escape(self.t("ov.more", n=fmt_int(len(st.unpaired) - ROWS))))
        decide += [html.escape(x)
                   for x in blocked_sentences(wb, self.data["blocked"], lang, viewer_words=not self.planner)[:3]]
        decide += self.behind_short_sentences(name)
        c = st.next_cliff
        if c is not None:
            decide.append(html.escape(self.t("ov.decide.cliff", month=month_label(c["ends_in"], lang),
                                             n=fmt_int(c["leaving"]), gap=fmt_int(c["gap"]),
                                             by=month_label(c["ends_in"], lang))))
        ahead = st.senders[st.senders["sender"].ne("")]
        if len(ahead) and ahead["peak_gap"].max() > 0:
            top = ahead.sort_values(["peak_gap", "sender"], ascending=[False, True], kind="stable").iloc[0]
            decide.append(html.escape(self.t("ov.decide.sender", sender=name(top["sender"]),
                                             n=fmt_int(top["peak_gap"]),
                                             month=point_label(top["peak_day"], st.as_of, lang))))
        behind = senders_behind(wb, st.as_of)
        if len(behind):
            b = wb.batches.set_index("id").loc[behind["batch"].iloc[0]]
            bname = batch_names(wb, lang).get(behind["batch"].iloc[0], behind["batch"].iloc[0])
            # the ones to chase first, in the 派出任务 page's order: largest shortfall, then highest burden
            short = behind.groupby("sender")["shortfall"].sum()
            load = units_burden(wb, short.index, on=st.as_of).groupby("sender")["burden"].max()
            first = sorted(short.index, key=lambda x: (-short[x], -load.get(x, -1.0), x))[:3]
            decide.append(html.escape(self.t("ov.decide.senders_short", batch=bname, day=fmt_date(b["dispatch"], lang),
                                             k=fmt_int(behind["sender"].nunique()),
                                             n=fmt_int(int(behind["shortfall"].sum())),
                                             senders=("、" if lang == "zh" else ", ").join(
                                                 f"\0s{i}\0" for i in range(len(first))))))
            for i, x in enumerate(first):  # each sender named links to its task on the 派出任务 page
                decide[-1] = decide[-1].replace(html.escape(f"\0s{i}\0"), self.link(name(x), "senders", sender=x))
        decide_html = ("<ul class='decide'>" + "".join(f"<li>{d}</li>" for d in decide) + "</ul>" if decide
                       else f"<div class='app-sub'>{html.escape(self.t('ov.decide.none'))}</div>")
        return ("<div class='panels'>"
                + self.panel("where", self.t("ov.where", day=fmt_date(st.as_of, lang)), where)
                + self.panel("who", self.t("ov.who"), who)
                + self.panel("when", self.t("ov.when", h=st.horizon), when)
                + self.panel("decide", self.t("ov.decide"), decide_html)
                + "</div>")

    def t_html(self, key, **html_kw) -> str:
        """A sentence with HTML pieces (already escaped) put into its escaped text (a piece that is plain text, a
        count say, goes in as it is: its noun agrees with it)."""
        marks = {k: f"\0{i}\0" for i, k in enumerate(html_kw) if "<" in html_kw[k] or "&" in html_kw[k]}
        text = html.escape(self.t(key, **{k: marks.get(k, v) for k, v in html_kw.items()}))
        for k, mark in marks.items():
            text = text.replace(html.escape(mark), html_kw[k])
        return text

    def build_body(self, wb):
        links = [(nb, key) for nb, key in LINKS if self.allowed(nb.removesuffix(".ipynb"))]
        nav = W.HTML("<div class='nav'>" + html.escape(self.t("ov.links")) + " ".join(
            f"<a class='nav-link' href='{nb}?lang={self.lang}'>{html.escape(self.t(key))}</a>" for nb, key in links)
            + "</div>")
        first = W.HTML(self.headline() + self.panels(wb))
        first.add_class("first-screen")
        self.pairings = self.data["pairings"]
        cities = sorted(self.pairings["source_city_name"].dropna().unique())
        self.city_filter = W.Dropdown(options=[(self.t("filter.all"), "")] + [(c, c) for c in cities],
                                      description=self.t("filter.side_city"), value="")
        self.city_filter.add_class("city-filter")
        self.pairing_table = W.HTML()
        self.pairing_table.add_class("pairing-table")
        self.city_filter.observe(lambda _: self.update_table(), "value")
        self.update_table()
        charts = W.HBox(layout=W.Layout(flex_flow="row wrap"))
        self.tabs = tabs = W.Tab(children=[W.HTML(self.flows_html(wb)),
                                           W.VBox([self.city_filter, self.pairing_table]),
                                           self.on_post_box(), charts])
        tabs.titles = (self.t("ov.tab.flows"), self.t("tab.pairings"), self.t("ov.by_category"), self.t("tab.people"))
        later = {3: (charts, lambda: [self.people_chart(wb), self.hosts_chart(wb)])}

        def show(_=None):
            box, build = later.pop(tabs.selected_index, (None, None))
            if box is not None:
                box.children = tuple(build())
        tabs.observe(show, "selected_index")
        return [nav, first, tabs]

    def flows_html(self, wb) -> str:
        flows, counties = self.data["flows"]
        nm = dict(names(wb))
        nm.update({r: self.t("chart.no_city") for r in wb.regions.loc[wb.regions["level"].eq("province"), "id"]})
        svg = flow_svg(flows, counties, nm, labels={
            "left": self.t("side.sending_label"), "right": self.t("side.host_label"),
            "gap": self.t("ov.flow.gap", n="{n}"), "others": self.t("ov.flow.others"),
            "people": self.t("ov.flow.people", n="{n}")})
        st = self.data["standing"]
        return (f"<div class='app-sub'>{html.escape(self.t('ov.flow.caption', day=fmt_date(st.as_of, self.lang)))}"
                f"</div>{svg}")

    def on_post_box(self):
        """People on post on the as-of day by sending city and category."""
        on = self.data["on_post"]
        on = on.assign(city=on["city"].fillna(self.t("chart.no_city")),
                       category=on["category"].map(lambda c: value_label(c, "zh") if self.lang == "zh"
                                                   else self.t(f"ov.cat.{c}") if f"ov.cat.{c}" in TEXT else c))
        tab = on.groupby(["city", "category"]).size().unstack(fill_value=0)
        tab[self.t("col.people")] = tab.sum(axis=1)
        tab = tab.sort_values(self.t("col.people"), ascending=False)
        tab = tab.reset_index().rename(columns={"city": self.t("col.source_city")})
        return W.HTML(html_table(tab))

    @staticmethod
    def _on_post(wb, day) -> pd.DataFrame:
        """People on post on ``day`` (assignments covering it): source city name and category code."""
        a = wb.assignments
        live = a[(a["start"] <= day) & (ends(a["end"]) >= day)]  # a missing end is an open one
        people = wb.people.set_index("id")
        return pd.DataFrame({"city": live["person"].map(source_city(wb)).map(names(wb)).to_numpy(),
                             "category": live["person"].map(people["category"]).to_numpy()})

    def update_table(self):
        df = self.pairings
        if self.city_filter.value:
            df = df[df["source_city_name"].eq(self.city_filter.value)]
        view = df[["source_city_name", "host_name", "people", "seats"]]
        self.pairing_table.value = html_table(view, {
            "source_city_name": self.t("col.source_city"), "host_name": self.t("col.host_region"),
            "people": self.t("col.people"), "seats": self.t("col.seats")}) + (
            # people beside 0 seats (a provincial unit's teachers on seats a city answers for): said, not left to guess
            f"<div class='app-sub pairing-note'>{html.escape(self.t('ov.pairing.note'))}</div>")

    def people_chart(self, wb):
        tab = self.data["people"].rename(index={NO_CITY: self.t("chart.no_city")})
        labels = [sector_label(s, self.lang) for s in tab.columns]
        return count_bars(tab, title=self.t("chart.people_by_city"), value_label=self.t("chart.people"),
                          category_label=self.t("col.source_city"), total_label=self.t("col.people"),
                          colors=PALETTE, series_labels=labels, layout=W.Layout(width="680px", height="420px"))

    def hosts_chart(self, wb):
        s = self.data["hosts"]
        return count_bars(s.to_frame("units"), title=self.t("chart.units_by_county"), value_label=self.t("chart.units"),
                          category_label=self.t("by.county"), total_label=self.t("chart.units"), colors=[PALETTE[1]])
