"""One calendar for bookings and the queue: a Saturday the hall's opening hours include is bookable (when
the service's plan has Saturday hours), as the queue serves it; without Saturday hours it is not."""

import datetime

import pytest

from servicehall.appointments import services
from servicehall.core.errors import Conflict
from servicehall.core.services import hall_set_opening_hours
from tests.appointments.conftest import SHANGHAI

pytestmark = pytest.mark.django_db

SATURDAY_10 = datetime.datetime(2030, 3, 9, 10, 0, tzinfo=SHANGHAI)
WEEKDAYS = {str(d): [["09:00", "12:00"]] for d in range(6)}  # the plan: Monday to Saturday mornings


def test_a_saturday_in_the_opening_hours_is_bookable(clock, actors, hall_a, items_a, book):
    services.plan_save(actor=actors["manager_a"], hall=hall_a, service=items_a["SB-001"], periods=WEEKDAYS)
    hall_set_opening_hours(
        actor=actors["manager_a"],
        hall=hall_a,
        periods=[(d, datetime.time(8, 30), datetime.time(12, 0)) for d in range(6)],
    )
    appt = book(SATURDAY_10)
    assert appt.status == "booked"


def test_without_saturday_hours_the_saturday_stays_closed_for_bookings(clock, actors, hall_a, items_a, book):
    services.plan_save(actor=actors["manager_a"], hall=hall_a, service=items_a["SB-001"], periods=WEEKDAYS)
    hall_set_opening_hours(
        actor=actors["manager_a"],
        hall=hall_a,
        periods=[(d, datetime.time(8, 30), datetime.time(12, 0)) for d in range(5)],
    )
    with pytest.raises(Conflict) as refused:
        book(SATURDAY_10)
    assert refused.value.code == "day_closed"
