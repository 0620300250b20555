"""The cleaning pipeline: each rule on a small hand-made set, and that raw answers are never changed."""

import copy
import datetime

from servicehall.quality.cleaning import Item, Response, Rules, clean

T0 = datetime.datetime(2030, 3, 6, 10, 0, tzinfo=datetime.UTC)
ITEMS = [Item(f"q{i}") for i in range(1, 7)] + [Item("q7", reverse=True), Item("note", likert=False)]


def resp(id_, answers, *, minutes=4.0, at=0, ticket=None, device=None):
    start = T0 + datetime.timedelta(minutes=at)
    return Response(
        id=id_,
        answers=answers,
        started_at=start,
        submitted_at=start + datetime.timedelta(minutes=minutes),
        ticket_id=ticket,
        device_id=device,
    )


GOOD = {"q1": 4, "q2": 5, "q3": 4, "q4": 3, "q5": 4, "q6": 5, "q7": 2, "note": "很好"}


def test_each_rule_flags_what_it_should_and_the_rest_is_valid():
    responses = [
        resp(1, GOOD, ticket=11),
        resp(2, GOOD, ticket=11, at=5),  # same ticket again
        resp(3, GOOD, minutes=0.5, at=10),  # speeder (median 4 min)
        resp(4, {f"q{i}": 5 for i in range(1, 8)}, at=20),  # straight-lining
        resp(5, GOOD | {"q3": 6}, at=30),  # out of range on a 5-point scale
        resp(6, {"q1": 4, "q2": 4}, at=40),  # most items missing
        resp(7, GOOD | {"q4": None}, at=50),  # one missing: allowed (1/7 < 20 %)
        resp(8, GOOD, device=3, at=60),
        resp(9, GOOD, device=3, at=70),  # same kiosk within 30 minutes
        resp(10, GOOD, device=3, at=200),  # same kiosk much later: fine
        resp(11, GOOD | {"q5": "很好"}, at=210),  # not a number
    ]
    raw = copy.deepcopy([r.answers for r in responses])
    out = clean(ITEMS, responses, scale=5)
    assert out.flags == {
        2: ["duplicate"],
        3: ["speeder"],
        4: ["straight_line"],
        5: ["out_of_range"],
        6: ["missing"],
        9: ["duplicate"],
        11: ["out_of_range"],
    }
    assert out.counts == {"duplicate": 2, "speeder": 1, "straight_line": 1, "out_of_range": 2, "missing": 1}
    assert out.valid_ids == [1, 7, 8, 10] and out.valid_rate == round(4 / 11, 4)
    assert [r.answers for r in responses] == raw  # nothing changed in place
    # q7 is reverse-coded: 2 on a 5-point scale counts as 4; a missing answer stays missing.
    assert out.rows[0][-1] == 4 and out.rows[1][3] is None
    assert out.keys == [f"q{i}" for i in range(1, 8)]


def test_rules_can_be_tuned_or_switched_off():
    responses = [resp(1, {f"q{i}": 3 for i in range(1, 8)}), resp(2, GOOD, minutes=1)]
    assert clean(ITEMS, responses, scale=5).flags == {1: ["straight_line"]}
    relaxed = Rules(enabled=("duplicate", "speeder"), speeder_fraction=0.5)
    assert clean(ITEMS, responses, scale=5, rules=relaxed).flags == {2: ["speeder"]}


def test_a_required_item_left_empty_is_missing():
    items = [Item("q1", required=True), *[Item(f"q{i}") for i in range(2, 8)]]
    out = clean(items, [resp(1, GOOD | {"q1": None})], scale=5)
    assert out.flags == {1: ["missing"]}


def test_no_responses():
    out = clean(ITEMS, [], scale=5)
    assert (out.total, out.valid_rate, out.rows) == (0, None, [])
