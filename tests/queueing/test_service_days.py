"""One calendar decides for the queue as for bookings: no kiosk ticket on a public holiday or a day the
manager closed the hall, a Saturday served when the opening hours include it, a 调休 make-up Sunday served
with weekday hours, and the kiosk says so on its first screen, before a citizen chooses a service."""

import datetime

import pytest
from django.test import Client

from servicehall.core import calendar
from servicehall.core.choices import DayKind
from servicehall.core.errors import Conflict
from servicehall.core.services import calendar_day_set, hall_set_opening_hours
from servicehall.queueing.models import Ticket
from tests.queueing.conftest import SHANGHAI

pytestmark = pytest.mark.django_db

T = datetime.time


def _hours(actors, hall, weekdays, opens=T(8, 30), closes=T(17, 0)):
    hall_set_opening_hours(
        actor=actors["manager_a"], hall=hall, periods=[(d, opens, closes) for d in weekdays]
    )


def _at(clock, date, hour=10, minute=0):
    return clock.set(datetime.datetime.combine(date, T(hour, minute), tzinfo=SHANGHAI))


def test_no_kiosk_ticket_on_a_public_holiday_and_the_refusal_says_when_the_hall_opens(
    q, clock, actors, hall_a
):
    _hours(actors, hall_a, range(5))
    _at(clock, datetime.date(2030, 10, 1))  # 国庆节, a Tuesday
    with pytest.raises(Conflict) as refused:
        q.issue()
    assert refused.value.code == "closed"
    message = str(refused.value.message)
    assert "国庆节" in message and "08:30" in message
    assert not Ticket.objects.exists()


def test_no_kiosk_ticket_on_a_day_the_manager_closed_the_hall_even_without_opening_hours(
    q, clock, actors, hall_a
):
    day = clock.now.date()
    calendar_day_set(actor=actors["manager_a"], hall=hall_a, date=day, kind=DayKind.CLOSED, name="停电检修")
    with pytest.raises(Conflict) as refused:
        q.issue()
    assert refused.value.code == "closed" and "停电检修" in str(refused.value.message)
    assert q.issue(by="clerk_a", channel="counter").number == "A001"  # staff may still serve at the counter


def test_a_saturday_in_the_opening_hours_is_served_and_a_sunday_outside_them_is_not(q, clock, actors, hall_a):
    _hours(actors, hall_a, [0, 1, 2, 3, 4, 5], closes=T(12, 0))
    saturday = datetime.date(2030, 3, 9)
    _at(clock, saturday, 9)
    assert q.issue().number == "A001"
    _at(clock, saturday + datetime.timedelta(days=1), 9)
    with pytest.raises(Conflict):
        q.issue()
    assert calendar.is_service_day(hall_a, saturday) and not calendar.is_working_day(hall_a, saturday)


def test_a_make_up_sunday_is_served_with_weekday_hours(q, clock, actors, hall_a):
    _hours(actors, hall_a, range(5), opens=T(9, 0))
    sunday = datetime.date(2030, 3, 10)
    calendar_day_set(actor=actors["manager_a"], hall=hall_a, date=sunday, kind=DayKind.WORKDAY, name="调休")
    _at(clock, sunday, 8, 30)
    with pytest.raises(Conflict) as refused:
        q.issue()
    assert refused.value.code == "not_open" and "09:00" in str(refused.value.message)
    _at(clock, sunday, 9, 30)
    assert q.issue().number == "A001"


def test_the_kiosk_says_the_hall_is_closed_today_on_its_first_screen(clock, actors, hall_a, items_a):
    _hours(actors, hall_a, range(5))
    _at(clock, datetime.date(2030, 10, 1), 9)
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/kiosk/{hall_a.code}/").content.decode()
    assert "今天不取号" in html and "国庆节" in html and "08:30" in html
    _at(clock, datetime.date(2030, 10, 8), 8, 0)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/kiosk/{hall_a.code}/").content.decode()
    assert "Tickets from 08:30" in html
    _at(clock, datetime.date(2030, 10, 8), 9, 0)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/kiosk/{hall_a.code}/").content.decode()
    assert "kiosk-closed" not in html
