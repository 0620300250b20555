"""The seat, quota and person locks, and the expiry of holds that gives seats back.

A seat is taken only by ``seat_take`` (one conditional UPDATE: ``taken = taken + 1 WHERE taken < capacity
AND NOT closed``) and given back only by ``seat_release``, each in the same transaction as the booking's
status change, so ``Slot.taken`` always equals the slot's bookings in ``SEAT_STATUSES`` and two concurrent
bookings can never both get the last seat: the database serialises the UPDATEs on the slot row. Per-person
limits use the same pattern on ``BookingQuota`` (``quota_take``), and ``person_lock`` makes one person's
bookings wait for each other.
"""

import datetime
import hashlib
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from servicehall.appointments.choices import TRANSITIONS, AppointmentAction, WaitlistAction
from servicehall.appointments.models import Appointment, BookingQuota, Slot
from servicehall.appointments.services.common import Person, S, sweep_audit, waitlist_entry_move
from servicehall.core.errors import Conflict
from servicehall.core.models import Hall
from servicehall.core.transitions import transition


def seat_take(slot_id: int, now: datetime.datetime) -> bool:
    """Take one seat of the slot, or return False when none is left (expired holds are freed first). In
    SQL: it is the last statement of every booking, while the slot row is locked."""
    if _seat_update(slot_id):
        return True
    if holds_release(now=now, slot_id=slot_id):
        return _seat_update(slot_id)
    return False


def _seat_update(slot_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Slot._meta.db_table} SET taken = taken + 1 "  # noqa: S608
            "WHERE id = %s AND NOT closed AND taken < capacity",
            [slot_id],
        )
        return cursor.rowcount == 1


def seat_release(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, taken__gt=0).update(taken=F("taken") - 1)


def quota_take(appt: Appointment, limit: int) -> None:
    """Count the booking against its person's limit for the service and day, or refuse (409). One
    conditional upsert: two concurrent bookings by one person cannot both pass the limit."""
    table = BookingQuota._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (hall_id, service_id, day, person, active) VALUES (%s, %s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (service_id, day, person) DO UPDATE SET active = {table}.active + 1 "
            f"WHERE {table}.active < %s RETURNING id",
            [appt.hall_id, appt.service_id, appt.day.isoformat(), appt.person, limit],
        )
        took = cursor.fetchone()
    if not took:
        raise Conflict(
            _(
                "You already have a booking for this service on %(date)s. Cancel or change it "
                "instead of booking again."
            )
            % {"date": appt.day.isoformat()},
            code="person_limit",
        )


def quota_release(appt: Appointment) -> None:
    BookingQuota.objects.filter(
        service_id=appt.service_id, day=appt.day, person=appt.person, active__gt=0
    ).update(active=F("active") - 1)


def person_lock(hall: Hall, person: Person) -> None:
    """Make one person's bookings in a hall wait for each other until the commit, so that the limit of
    active bookings counts the other one (a script sending one person to 64 slots at once booked 5 with a
    limit of 2 without it). PostgreSQL: a transaction-scoped advisory lock on the person's key. SQLite
    already runs one writing transaction at a time."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"appointment-person:{hall.pk}:{person.key}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def hold_expire(appt: Appointment, now: datetime.datetime) -> None:
    """Expire a hold whose row the caller has locked: the seat goes back, a waitlist offer lapses."""
    appt.status = transition(TRANSITIONS, appt, AppointmentAction.EXPIRE)
    appt.save(update_fields=["status"])
    seat_release(appt.slot_id)
    if appt.waitlist_entry_id:
        waitlist_entry_move(appt.waitlist_entry_id, WaitlistAction.EXPIRE)


def holds_release(
    *,
    now: datetime.datetime,
    slot_id: int | None = None,
    then: Callable[[Slot, datetime.datetime], Appointment | None] | None = None,
) -> int:
    """Release holds past their time (of one slot, with ``slot_id``). Safe to run in several processes at
    once: each hold is released by the one that locks it. ``then(slot, now)`` runs after each release, in
    the same transaction (the waitlist offers the freed seat, and says to whom). One audit row per hall
    lists the holds released, the waitlist offers that lapsed with them and the offers made next."""
    qs = Appointment.objects.filter(status=S.HELD, hold_expires_at__lte=now)
    if slot_id is not None:
        qs = qs.filter(slot_id=slot_id)
    released: dict[int, tuple[list[Appointment], list[int], list[int]]] = {}
    with transaction.atomic():
        for appt in qs.select_for_update(skip_locked=True).select_related("slot", "hall", "service")[:500]:
            hold_expire(appt, now)
            appts, lapsed, offered = released.setdefault(appt.hall_id, ([], [], []))
            appts.append(appt)
            if appt.waitlist_entry_id:
                lapsed.append(appt.waitlist_entry_id)
            offer = then(appt.slot, now) if then is not None else None
            if offer is not None:
                offered.append(offer.waitlist_entry_id)
        for appts, lapsed, offered in released.values():
            sweep_audit(
                action="appointment.holds_expire",
                hall=appts[0].hall,
                appts=appts,
                waitlist_lapsed=lapsed,
                waitlist_offered=offered,
            )
    return sum(len(appts) for appts, _lapsed, _offered in released.values())
