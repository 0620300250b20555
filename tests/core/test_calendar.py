"""The working calendar: 2026's public holidays and 调休 make-up working days from the State Council
notice (through ``chinese-calendar``), the hall's own table, and the fallback past the package's data."""

import datetime

import pytest

from servicehall.core import calendar, services
from servicehall.core.actors import Actor
from servicehall.core.choices import DayKind
from servicehall.core.errors import Invalid, PermissionDenied
from servicehall.core.models import AuditEntry

D = datetime.date


@pytest.mark.parametrize(
    ("day", "open_", "kind", "name"),
    [
        (D(2026, 1, 1), False, "holiday", "元旦"),
        (D(2026, 1, 4), True, "makeup", "元旦"),  # Sunday worked for New Year
        (D(2026, 2, 14), True, "makeup", "春节"),  # Saturday worked before the Spring Festival
        (D(2026, 2, 16), False, "holiday", "春节"),  # Monday off (除夕)
        (D(2026, 2, 23), False, "holiday", "春节"),  # Monday off, in lieu
        (D(2026, 2, 28), True, "makeup", "春节"),  # Saturday worked after it
        (D(2026, 4, 6), False, "holiday", "清明节"),
        (D(2026, 5, 5), False, "holiday", "劳动节"),
        (D(2026, 5, 9), True, "makeup", "劳动节"),
        (D(2026, 6, 19), False, "holiday", "端午节"),
        (D(2026, 9, 25), False, "holiday", "中秋节"),
        (D(2026, 9, 20), True, "makeup", "国庆节"),
        (D(2026, 10, 7), False, "holiday", "国庆节"),
        (D(2026, 10, 10), True, "makeup", "国庆节"),
        (D(2026, 10, 8), True, "workday", ""),  # Thursday after the National Day week
        (D(2026, 3, 7), False, "weekend", ""),
        (D(2026, 3, 9), True, "workday", ""),
    ],
)
def test_2026_holidays_and_makeup_days(day, open_, kind, name):
    info = calendar.national_day(day)
    assert (info.open, info.kind, info.name, info.source, info.provisional) == (
        open_,
        kind,
        name,
        "official",
        False,
    )


def test_past_the_package_statutory_holidays_stay_closed_and_the_year_is_provisional():
    last = calendar.official_last_year()
    year = last + 1
    for day, name in calendar.statutory_holidays(year).items():
        info = calendar.national_day(day)
        assert not info.open and info.kind == "holiday" and info.name == name and info.provisional
    assert len(calendar.statutory_holidays(year)) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 days by law
    # An ordinary Wednesday of that year follows the weekday rule, marked provisional.
    wed = next(D(year, 3, d) for d in range(1, 8) if D(year, 3, d).weekday() == 2)
    assert calendar.national_day(wed).open and calendar.national_day(wed).provisional


def test_the_rule_matches_the_official_2026_notice_on_every_statutory_day():
    """The fallback computes the lunar holidays; checked against a year the package knows."""
    for day, name in calendar.statutory_holidays(2026).items():
        if day == D(2026, 5, 2):
            continue  # Saturday: the package lists weekends inside the break as holidays too
        info = calendar.national_day(day)
        assert not info.open, day
        assert info.name == name or (name == "春节" and info.name == "春节"), day


def test_hall_table_overrides_and_confirms_a_year(staff, hall_a):
    actors = {"manager_a": Actor(user=staff["manager_a"])}
    year = calendar.official_last_year() + 1
    today = D(year - 1, 11, 20)
    assert calendar.missing_years(hall_a, today) == [year]
    assert calendar.missing_years(hall_a, D(year - 1, 9, 1)) == []  # too early to nag
    # The notice gives a make-up Saturday and a bridging holiday: the manager enters them.
    sat = next(D(year, 2, d) for d in range(1, 8) if D(year, 2, d).weekday() == 5)
    services.calendar_day_set(
        actor=actors["manager_a"], hall=hall_a, date=sat, kind=DayKind.WORKDAY, name="春节调休"
    )
    days = calendar.hall_days(hall_a, sat, sat)
    assert days[sat].open and days[sat].kind == "makeup" and days[sat].source == "hall"
    assert not days[sat].provisional
    assert calendar.missing_years(hall_a, today) == []
    jan5 = calendar.hall_days(hall_a, D(year, 1, 5), D(year, 1, 5))[D(year, 1, 5)]
    assert not jan5.provisional  # the year is confirmed as a whole once the manager entered its days


def test_hall_closure_overrides_a_working_day(staff, hall_a):
    actors = {"manager_a": Actor(user=staff["manager_a"])}
    day = D(2026, 3, 9)
    services.calendar_day_set(
        actor=actors["manager_a"], hall=hall_a, date=day, kind=DayKind.CLOSED, name="停电检修"
    )
    info = calendar.hall_days(hall_a, day, day)[day]
    assert (info.open, info.kind, info.name, info.source) == (False, "closed", "停电检修", "hall")
    assert not calendar.is_working_day(hall_a, day)
    assert calendar.is_working_day(hall_a, day + datetime.timedelta(days=1))


def test_a_day_entered_is_audited_with_before_and_after_and_only_a_manager_may(staff, hall_a):
    day = D(2026, 3, 9)
    manager = Actor(user=staff["manager_a"])
    services.calendar_day_set(actor=manager, hall=hall_a, date=day, kind=DayKind.CLOSED, name="停电检修")
    services.calendar_day_set(actor=manager, hall=hall_a, date=day, kind="")
    rows = list(AuditEntry.objects.filter(action="calendar.day").order_by("id"))
    assert [r.after["kind"] for r in rows] == ["closed", ""]
    assert rows[1].before == {"kind": "closed", "name": "停电检修"}
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(actor=Actor(user=staff["clerk_a"]), hall=hall_a, date=day, kind="closed")
    with pytest.raises(Invalid):
        services.calendar_day_set(actor=manager, hall=hall_a, date=day, kind="party")
    assert calendar.is_working_day(hall_a, day)


def test_working_days_skip_the_spring_festival_and_count_its_make_up_saturday(hall_a):
    start = datetime.datetime(2026, 2, 13, 10, 0, tzinfo=hall_a.tzinfo)  # Friday before 春节
    # Sat 14 Feb is a make-up working day; 15-23 Feb are off; Tue 24 Feb is the next working day.
    assert calendar.add_working_days(hall_a, start, 1).date() == D(2026, 2, 14)
    assert calendar.add_working_days(hall_a, start, 2).date() == D(2026, 2, 24)
