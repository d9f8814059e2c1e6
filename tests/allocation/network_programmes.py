"""Small generated programmes for the bottleneck certificate and the withdrawal costs: shared and nested
pairings (two cities holding one county together, a unit-level pairing inside a city's, a sector pairing),
rotation slots, existing assignments."""
from hypothesis import strategies as st

from builders import make_wb

DATES = [("2027-03-01", "2027-12-31"), ("2027-03-01", "2027-08-31"), ("2027-06-01", "2028-02-29"),
         ("2028-01-01", "2028-06-30")]
PAIRINGS = [dict(sender="C1", host="HC"), dict(sender="C2", host="HC"),            # shared county
            dict(sender="U1", host="HA"),                                           # nested unit pairing
            dict(sender="C3", host="HB", sector="医疗"),                            # a sector pairing
            dict(sender="S", host="H", scope="preferred")]


@st.composite
def programmes(draw, rotation=True, one_period=False):
    """A workbook; ``one_period``: every order open over the same months and no rotation (the flow path)."""
    n_people = draw(st.integers(1, 6))
    people = [dict(id=f"P{i}", sending_unit=draw(st.sampled_from(["U1", "U2", "U3"])),
                   sector=draw(st.sampled_from(["教育", "教育", "医疗"])),
                   skill=draw(st.sampled_from(["数学", "物理"])),
                   level=draw(st.integers(1, 3)))
              for i in range(n_people)]
    n_orders = draw(st.integers(1, 5))
    orders = []
    for i in range(n_orders):
        start, end = DATES[0] if one_period else draw(st.sampled_from(DATES))
        orders.append(dict(id=f"O{i}", host_unit=draw(st.sampled_from(["HA", "HB", "HC1"])),
                           sector=draw(st.sampled_from(["教育", "教育", "医疗"])),
                           skill=draw(st.sampled_from([None, "数学"])), headcount=draw(st.integers(1, 3)),
                           priority=draw(st.integers(1, 5)), min_level=draw(st.integers(1, 2)),
                           start=start, end=end,
                           rotation_months=None if one_period or not rotation else draw(
                               st.sampled_from([None, None, 3]))))
    pairings = [p for p in PAIRINGS if draw(st.booleans())]
    assignments = []
    if not one_period and draw(st.booleans()):
        assignments.append(dict(person="P0", order=draw(st.sampled_from([o["id"] for o in orders])),
                                start="2027-03-01", end="2027-06-30", status="planned"))
    return make_wb(people, orders, pairings=pairings, assignments=assignments)
