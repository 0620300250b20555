"""The rota against the need: the last four weeks' same weekday give the load, today's gaps name the
services short of qualified clerks, a clerk signed in off plan is flagged (clock controlled)."""

import datetime

from servicehall.staff import coverage, need, services
from servicehall.staff.need import clerks_needed, clerks_needed_total

WEDNESDAY = datetime.date(2030, 3, 6)
MONDAY = datetime.date(2030, 3, 4)


def _history(q, clock, code: str, per_week: int):
    """``per_week`` tickets of ``code`` on each of the last four Wednesdays at 09:30."""
    for weeks in range(1, 5):
        clock.at(9, 30, days=-7 * weeks)
        for _ in range(per_week):
            q.issue(code)


def test_need_is_the_mean_of_the_same_weekday(q, clock, hall_a, items_a, actors):
    _history(q, clock, "SB-001", per_week=60)  # 60 tickets × 8 min = 480 min in a 180-min morning
    clock.at(8, 0)
    load = need.history_load(hall=hall_a, day=WEDNESDAY)
    assert load == {("am", items_a["SB-001"].pk): 60.0}
    assert clerks_needed(hall=hall_a, day=WEDNESDAY) == {("am", items_a["SB-001"].pk): 3}
    assert clerks_needed_total(hall=hall_a, day=WEDNESDAY) == {"am": 3}
    assert clerks_needed(hall=hall_a, day=WEDNESDAY + datetime.timedelta(days=1)) == {}


def test_the_load_provider_can_be_replaced(hall_a, items_a):
    try:
        need.load_provider_set(lambda *, hall, day: {("pm", items_a["GJ-001"].pk): 1.0})
        assert clerks_needed(hall=hall_a, day=WEDNESDAY) == {("pm", items_a["GJ-001"].pk): 1}
    finally:
        need.load_provider_set(None)


def test_todays_gaps_and_off_plan_sign_in(q, clock, hall_a, items_a, actors, grant, clerk_a2):
    _history(q, clock, "SB-001", per_week=60)
    grant("clerk_a", "SB-001")
    grant("clerk_a2", "GJ-001")
    clock.at(8, 0)
    services.rota_week_replace(
        actor=actors["manager_a"],
        hall=hall_a,
        monday=MONDAY,
        rows=[
            {"user": "clerk_a", "date": WEDNESDAY, "half": "am", "counter": "1"},
            {"user": "clerk_a2", "date": WEDNESDAY, "half": "am", "counter": "2"},  # not qualified for SB
        ],
    )
    rows = coverage.day_coverage(hall=hall_a, day=WEDNESDAY)
    sb = next(r for r in rows if r["service"].code == "SB-001")
    assert (sb["planned"], sb["needed"], sb["gap"]) == (1, 3, True)
    assert rows[0]["service"].code == "SB-001"  # gaps first
    clock.at(9, 0)
    q.open("3")  # clerk_a is planned at window 1
    flagged = coverage.off_plan_sessions(hall=hall_a)
    assert [(f["clerk"].username, f["counter"].number, f["planned"].counter.number) for f in flagged] == [
        ("clerk_a", "3", "1")
    ]
    assert coverage.session_flag(counter=q.window("3"), user=actors["clerk_a"].user) is not None
    assert coverage.session_flag(counter=q.window("1"), user=actors["clerk_a"].user) is None
