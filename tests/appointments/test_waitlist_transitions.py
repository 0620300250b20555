"""The waitlist's transition table: an entry follows the booking it is offered, and only as the table says."""

import datetime

import pytest

from servicehall.appointments import services
from servicehall.appointments.choices import (
    WAITLIST_TRANSITIONS,
    AppointmentStatus,
    WaitlistAction,
    WaitlistStatus,
)
from servicehall.appointments.models import Appointment, Slot, WaitlistEntry
from servicehall.core.errors import Conflict
from tests.appointments.conftest import SHANGHAI

W = WaitlistStatus

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def offered(clock, book, actors, hall_a):
    """A full slot (Thursday 10:00), one citizen waiting, then a cancellation: the seat is offered to them."""
    first = book(at(7, 10))
    book(at(7, 10))
    entry = services.waitlist_join(
        actor=actors["clerk_a"],
        hall=hall_a,
        service_code="SB-001",
        start=at(7, 10),
        name="王五",
        phone="13700000001",
    )
    services.appointment_cancel(actor=actors["citizen"], appt=first)
    entry.refresh_from_db()
    assert entry.status == W.OFFERED
    return entry, Appointment.objects.get(waitlist_entry=entry)


def test_closing_the_slot_is_the_only_way_a_waiting_entry_is_cancelled():
    assert WAITLIST_TRANSITIONS.states_allowing(WaitlistAction.CLOSE) == [W.WAITING]
    assert WAITLIST_TRANSITIONS.states_allowing(WaitlistAction.CANCEL) == [W.OFFERED, W.BOOKED]


def test_cancelling_the_booking_made_from_an_offer_cancels_the_entry(offered, actors):
    entry, offer = offered
    booked = services.appointment_confirm(
        actor=actors["citizen"], appt=offer, name="", phone="", skip_challenge=True
    )
    entry.refresh_from_db()
    assert entry.status == W.BOOKED
    services.appointment_cancel(actor=actors["citizen"], appt=booked)
    entry.refresh_from_db()
    assert entry.status == W.CANCELLED


def test_closing_the_slot_cancels_the_waiting_entries_and_the_offer(offered, book, actors, hall_a):
    entry, offer = offered
    waiting = services.waitlist_join(
        actor=actors["clerk_a"],
        hall=hall_a,
        service_code="SB-001",
        start=at(7, 10),
        name="赵六",
        phone="13700000002",
    )
    services.slot_close(
        actor=actors["manager_a"],
        hall=hall_a,
        service=offer.service,
        start=at(7, 10),
        reason="设备检修",
    )
    assert set(WaitlistEntry.objects.values_list("pk", "status")) == {
        (entry.pk, W.CANCELLED),
        (waiting.pk, W.CANCELLED),
    }


def test_confirming_an_offer_whose_entry_has_moved_on_is_refused_and_changes_nothing(offered, actors):
    entry, offer = offered
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=W.CANCELLED)  # e.g. changed by hand in the admin
    with pytest.raises(Conflict) as refused:
        services.appointment_confirm(
            actor=actors["citizen"], appt=offer, name="", phone="", skip_challenge=True
        )
    assert refused.value.code == "illegal_transition"
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert (offer.status, entry.status) == (AppointmentStatus.HELD, W.CANCELLED)
    assert Slot.objects.get().taken == 2
