"""The worker's sweeps leave an audit row per hall and batch: which bookings they moved, done by nobody."""

import datetime

import pytest

from servicehall.appointments import services
from servicehall.appointments.choices import AppointmentStatus, WaitlistStatus
from servicehall.appointments.models import Appointment
from servicehall.core.models import AuditEntry
from tests.appointments.conftest import SHANGHAI, answered

pytestmark = pytest.mark.django_db

S = AppointmentStatus


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=SHANGHAI)


def rows(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def hold(actors, hall, start) -> Appointment:
    return services.appointment_hold(
        actor=actors["citizen"], hall=hall, service_code="SB-001", start=start, **answered()
    )


def test_expiring_holds_writes_one_audit_row_listing_them(clock, actors, hall_a, plan):
    first, second = hold(actors, hall_a, at(7, 10)), hold(actors, hall_a, at(7, 11))
    clock.advance(minutes=5, seconds=1)
    assert services.holds_expire() == 2
    [row] = rows("appointment.holds_expire")
    assert row.hall_id == hall_a.pk and row.actor_id is None
    assert sorted(row.after["ids"]) == sorted([first.pk, second.pk])
    assert sorted(row.after["codes"]) == sorted([first.code, second.code])


def test_a_sweep_with_nothing_to_do_writes_no_audit_row(clock, book, actors, hall_a):
    hold(actors, hall_a, at(7, 10))
    book(at(7, 11))
    assert services.holds_expire() == 0
    assert services.no_shows_mark() == 0
    assert services.reminders_send() == 0
    assert not AuditEntry.objects.filter(action__in=SWEEPS).exists()


SWEEPS = ("appointment.holds_expire", "appointment.no_shows_mark", "appointment.reminders_send")


def test_a_lapsed_waitlist_offer_is_audited_with_its_entry_and_the_next_offer(clock, book, actors, hall_a):
    first = book(at(7, 10))
    book(at(7, 10))
    entries = [
        services.waitlist_join(
            actor=actors["clerk_a"],
            hall=hall_a,
            service_code="SB-001",
            start=at(7, 10),
            name=name,
            phone=phone,
        )
        for name, phone in (("王五", "13700000001"), ("赵六", "13700000002"))
    ]
    services.appointment_cancel(actor=actors["citizen"], appt=first)
    offer = Appointment.objects.get(waitlist_entry=entries[0])
    clock.advance(minutes=31)
    assert services.holds_expire() == 1
    [row] = rows("appointment.holds_expire")
    assert row.after["ids"] == [offer.pk]
    assert row.after["waitlist_lapsed"] == [entries[0].pk]
    assert row.after["waitlist_offered"] == [entries[1].pk]
    entries[1].refresh_from_db()
    assert entries[1].status == WaitlistStatus.OFFERED


def test_marking_no_shows_writes_one_audit_row_listing_them(clock, book, actors, hall_a):
    missed = [book(at(6, 10)), book(at(6, 10, 30))]
    clock.at(16, 0)
    assert services.no_shows_mark() == 2
    [row] = rows("appointment.no_shows_mark")
    assert row.hall_id == hall_a.pk and row.actor_id is None
    assert sorted(row.after["ids"]) == sorted(a.pk for a in missed)
    assert Appointment.objects.filter(status=S.NO_SHOW).count() == 2


def test_sending_reminders_writes_one_audit_row_per_reminder_batch(clock, book, hall_a):
    appt = book(at(8, 10), phone="13500000001")
    clock.at(10, 0, days=1)  # Thursday 10:00: 24 h before
    assert services.reminders_send() == 1
    [row] = rows("appointment.reminders_send")
    assert row.hall_id == hall_a.pk and row.actor_id is None
    assert row.after == {"ids": [appt.pk], "codes": [appt.code], "reminder": "reminded_day_at"}
