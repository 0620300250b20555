"""Writes of appointments: hold, book, confirm, cancel, reschedule, waitlist, check-in, closures, the
worker's sweeps (expired holds, no-shows, reminders) and the manager's settings.

The seat count is the heart of it. A seat is taken only by ``_seat_take`` (one conditional UPDATE:
``taken = taken + 1 WHERE taken < capacity AND NOT closed``) and given back only by ``_seat_release``,
each in the same transaction as the booking's status change, so ``Slot.taken`` always equals the slot's
bookings in ``SEAT_STATUSES`` and two concurrent bookings can never both get the last seat: the database
serialises the UPDATEs on the slot row. Per-person limits use the same pattern on ``BookingQuota``.
"""

import copy
import datetime
import hashlib

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.appointments import selectors
from servicehall.appointments.choices import (
    TRANSITIONS,
    AppointmentAction,
    AppointmentStatus,
    BookingChannel,
    LatePolicy,
    WaitlistStatus,
)
from servicehall.appointments.models import (
    Appointment,
    AppointmentSettings,
    BookingQuota,
    Slot,
    WaitlistEntry,
    WorkingPlan,
)
from servicehall.catalog.models import ServiceItem
from servicehall.core import calendar, crypto, memo
from servicehall.core import services as core_services
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.challenge import challenge_check
from servicehall.core.choices import DayKind, DeviceKind, Role
from servicehall.core.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from servicehall.core.identity import (
    is_valid_mobile,
    is_valid_resident_id,
    mask_name,
    mask_phone,
    mask_resident_id,
    normalize_phone,
    normalize_resident_id,
)
from servicehall.core.models import CalendarDay, Hall
from servicehall.core.notify import public_url, send_text
from servicehall.core.permissions import has_role, require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.services import hall_settings_update, validated
from servicehall.core.transitions import transition

STAFF = (Role.MANAGER, Role.CLERK)
S = AppointmentStatus


# ---------------------------------------------------------------- helpers


def _lock(appt: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("hall", "service", "slot")
        .get(pk=appt.pk)
    )


def _is_staff(actor: Actor, hall: Hall) -> bool:
    return has_role(actor.user, hall, *STAFF)


def _local(hall: Hall, when: datetime.datetime) -> datetime.datetime:
    return when.astimezone(hall.tzinfo)


def _when_text(hall: Hall, when: datetime.datetime) -> str:
    return _local(hall, when).strftime("%Y-%m-%d %H:%M")


def manage_path(appt: Appointment) -> str:
    return reverse("appointments:manage", args=[appt.hall.code, appt.public_id])


def _notify(appt_or_entry, text: str) -> None:
    """Text the citizen after commit (a rolled-back change texts nobody)."""
    phone = crypto.decrypt(appt_or_entry.phone_encrypted)
    if phone:
        transaction.on_commit(lambda: send_text(phone, text))


class Person:
    """Validated personal data of a booking: encrypted values, masked hints, lookup digests."""

    def __init__(self, *, name: str, phone: str, id_number: str, real_name: bool):
        errors: dict[str, list[str]] = {}
        self.name = (name or "").strip()
        if not self.name:
            errors["name"] = [_("Enter the name of the person who will come.")]
        elif len(self.name) > 30:
            errors["name"] = [_("Use at most 30 characters.")]
        self.phone = normalize_phone(phone or "")
        if not is_valid_mobile(self.phone):
            errors["phone"] = [_("Enter an 11-digit mobile number.")]
        self.id_number = normalize_resident_id(id_number or "")
        if self.id_number and not is_valid_resident_id(self.id_number):
            errors["id_number"] = [
                _(
                    "This resident ID number is not valid: check the 18 characters and the "
                    "last check character."
                )
            ]
        elif real_name and not self.id_number:
            errors["id_number"] = [_("This service books by real name: enter the resident ID number.")]
        if errors:
            raise Invalid(fields=errors)
        self.phone_digest = crypto.digest(self.phone, purpose="phone")
        self.id_digest = crypto.digest(self.id_number, purpose="resident_id")
        self.key = self.id_digest or self.phone_digest

    def apply(self, obj) -> None:
        obj.name_encrypted, obj.name_hint = crypto.encrypt(self.name), mask_name(self.name)
        obj.phone_encrypted, obj.phone_hint = crypto.encrypt(self.phone), mask_phone(self.phone)
        obj.phone_digest = self.phone_digest
        obj.id_encrypted = crypto.encrypt(self.id_number)
        obj.id_hint = mask_resident_id(self.id_number) if self.id_number else ""
        obj.id_digest = self.id_digest
        obj.person = self.key


def _plan_for(hall: Hall, service_code: str) -> WorkingPlan:
    item = memo.remember(
        "item_plan",
        (hall.pk, service_code),
        lambda: (
            ServiceItem.objects.filter(hall=hall, code=service_code, active=True)
            .select_related("working_plan")
            .first()
        ),
    )
    if item is None:
        raise Invalid(fields={"service": [_("No such service in this hall.")]})
    plan = selectors.plan_get(item=item)
    if plan is None:
        raise Conflict(
            _("%(service)s takes no appointments. Please take a number at the hall.")
            % {"service": item.name},
            code="not_bookable",
        )
    plan = copy.copy(plan)  # the remembered plan is shared between threads
    plan.service = item
    return plan


def _slot_view(
    hall: Hall,
    plan: WorkingPlan,
    start: datetime.datetime,
    now,
    row: Slot | None | bool = False,
    day: calendar.DayInfo | None = None,
) -> selectors.SlotView:
    """The slot at ``start``, or a 409/422 that says why it cannot be booked (``row``, ``day``: see
    ``slot_find``)."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=hall.tzinfo)
    view = selectors.slot_find(hall=hall, plan=plan, start=start, now=now, row=row, day=day)
    if view is None:
        local_day = start.astimezone(hall.tzinfo).date()
        info = day or next(iter(calendar.hall_days(hall, local_day, local_day, fresh=True).values()))
        if not info.open:
            raise Conflict(
                _("The hall takes no bookings on %(date)s (%(why)s).")
                % {"date": info.date.isoformat(), "why": info.name or _("closed")},
                code="day_closed",
            )
        raise Invalid(fields={"start": [_("No slot of this service starts at that time.")]})
    if view.state == "closed":
        raise Conflict(
            _("This slot has been closed: %(why)s") % {"why": view.reason or _("no reason given")},
            code="slot_closed",
        )
    if view.state == "past":
        raise Conflict(_("This slot can no longer be booked. Please choose a later time."), code="too_late")
    if view.state == "not_yet":
        raise Conflict(
            _("Bookings open %(days)s days ahead; this slot is not open yet.") % {"days": plan.horizon_days},
            code="not_open_yet",
        )
    return view


def _slot_row(hall: Hall, plan: WorkingPlan, view: selectors.SlotView) -> int:
    """The slot's row id, creating the row with the plan's capacity on first use."""
    if view.slot_id is not None:
        return view.slot_id
    Slot.objects.bulk_create(
        [
            Slot(
                hall=hall,
                service=plan.service,
                day=_local(hall, view.start).date(),
                start=view.start,
                end=view.end,
                capacity=view.capacity,
            )
        ],
        ignore_conflicts=True,
    )
    return Slot.objects.filter(service=plan.service, start=view.start).values_list("id", flat=True).get()


def _seat_take(slot_id: int, now: datetime.datetime) -> bool:
    """Take one seat of the slot, or return False when none is left (expired holds are freed first). In
    SQL: it is the last statement of every booking, while the slot row is locked."""
    if _seat_update(slot_id):
        return True
    if holds_expire(now=now, slot_id=slot_id, offer=False):
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


def _seat_release(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, taken__gt=0).update(taken=F("taken") - 1)


def _quota_take(appt: Appointment, limit: int) -> None:
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


def _quota_release(appt: Appointment) -> None:
    BookingQuota.objects.filter(
        service_id=appt.service_id, day=appt.day, person=appt.person, active__gt=0
    ).update(active=F("active") - 1)


def _person_lock(hall: Hall, person: Person) -> None:
    """Make one person's bookings in a hall wait for each other until the commit, so that the limit of
    active bookings counts the other one (a script sending one person to 64 slots at once booked 5 with a
    limit of 2 without it). PostgreSQL: a transaction-scoped advisory lock on the person's key. SQLite
    already runs one writing transaction at a time."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"appointment-person:{hall.pk}:{person.key}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def _check_person(hall: Hall, conf: AppointmentSettings, person: Person, now: datetime.datetime) -> None:
    """Refuse a person suspended for repeated no-shows, or one over the hall's limit of active bookings.
    Exact only inside the booking's transaction after ``_person_lock``."""
    standing = selectors.person_standing(
        hall=hall,
        phone_digest=person.phone_digest,
        id_digest=person.id_digest,
        person=person.key,
        now=now,
        since=now - datetime.timedelta(days=conf.no_show_window_days),
    )
    if standing["no_shows"] >= conf.no_show_limit:
        until = standing["last_no_show"] + datetime.timedelta(days=conf.suspension_days)
        if now < until:
            raise Conflict(
                _(
                    "Booking is suspended until %(date)s: %(n)s booked appointments were missed in the "
                    "last %(days)s days. You can still take a number at the hall."
                )
                % {
                    "date": _local(hall, until).date().isoformat(),
                    "n": standing["no_shows"],
                    "days": conf.no_show_window_days,
                },
                code="suspended",
            )
    if standing["active"] >= conf.max_active:
        raise Conflict(
            _("You already have %(n)s active bookings in this hall, the most allowed.")
            % {"n": conf.max_active},
            code="person_limit",
        )


def _check_public(
    actor: Actor, hall: Hall, conf: AppointmentSettings, person: Person | None, challenge: str, answer: str
) -> None:
    """A citizen booking anonymously is rate-limited per address and per mobile, and answers the check
    question; staff, devices and API tokens act on a citizen's behalf and are not."""
    if actor.user_id is not None or actor.device is not None:
        return
    rate_limit(actor=actor, scope="appointment_book", per_minute=10)
    if person is not None:
        rate_limit(actor=actor, scope="appointment_phone", per_minute=5, key=person.phone_digest[:24])
    if conf.challenge_public and not challenge_check(challenge, answer):
        raise Invalid(
            _("Answer the check question again."),
            fields={"answer": [_("The answer is wrong or the question has expired; a new one is shown.")]},
            code="challenge_failed",
        )


def _channel_for(actor: Actor, hall: Hall) -> str:
    if _is_staff(actor, hall):
        return BookingChannel.STAFF
    return BookingChannel.API if actor.user_id is not None else BookingChannel.WEB


def _confirm_text(appt: Appointment, conf: AppointmentSettings) -> str:
    return _(
        "[%(hall)s] Booked: %(service)s at %(when)s, code %(code)s. Bring the materials on the checklist; "
        "check in at the kiosk from %(before)s minutes before."
    ) % {
        "hall": appt.hall.name,
        "service": appt.service.name,
        "when": _when_text(appt.hall, appt.start),
        "code": appt.code,
        "before": conf.check_in_before_minutes,
    }


# ---------------------------------------------------------------- booking


def appointment_hold(
    *,
    actor: Actor,
    hall: Hall,
    service_code: str,
    start: datetime.datetime,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Hold a seat while the citizen fills in the form; the hold expires by itself after
    ``hold_minutes`` (the worker and the next booking of a full slot free it)."""
    now = now or timezone.now()
    conf = selectors.settings_get(hall=hall)
    if actor.user_id is None and actor.device is None:
        rate_limit(actor=actor, scope="appointment_hold", per_minute=20)
    plan = _plan_for(hall, service_code)
    view = _slot_view(hall, plan, start, now)
    with transaction.atomic():
        slot_id = _slot_row(hall, plan, view)
        if not _seat_take(slot_id, now):
            raise Conflict(
                _("This slot has just been fully booked. Choose another time or join its waitlist."),
                code="slot_full",
            )
        appt = Appointment.objects.create(
            hall=hall,
            service=plan.service,
            slot_id=slot_id,
            day=_local(hall, view.start).date(),
            start=view.start,
            end=view.end,
            status=S.HELD,
            channel=_channel_for(actor, hall),
            created_at=now,
            hold_expires_at=now + datetime.timedelta(minutes=conf.hold_minutes),
        )
    return appt


def appointment_confirm(
    *,
    actor: Actor,
    appt: Appointment,
    name: str,
    phone: str,
    id_number: str = "",
    challenge: str = "",
    answer: str = "",
    skip_challenge: bool = False,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Turn a hold into a booking with the citizen's details (or refuse and keep the hold while it lasts)."""
    now = now or timezone.now()
    hall = appt.hall
    conf = selectors.settings_get(hall=hall)
    plan = selectors.plan_get(item=appt.service)
    if appt.phone_encrypted and not phone:  # a waitlist offer already carries the citizen's details
        name, phone = crypto.decrypt(appt.name_encrypted), crypto.decrypt(appt.phone_encrypted)
        id_number = crypto.decrypt(appt.id_encrypted)
    person = Person(name=name, phone=phone, id_number=id_number, real_name=bool(plan and plan.real_name))
    if not skip_challenge:  # accepting a waitlist offer by its link: the citizen passed the check to join
        _check_public(actor, hall, conf, person, challenge, answer)
    if appt.status == S.HELD and appt.hold_expires_at and appt.hold_expires_at <= now:
        with transaction.atomic():
            appt = _lock(appt)
            if appt.status == S.HELD:
                _expire_one(appt, now)
                _offer_seat(appt.slot, now)
        raise Conflict(
            _("The seat was held for %(n)s minutes and has been released. Please choose a time again.")
            % {"n": conf.hold_minutes},
            code="hold_expired",
        )
    with transaction.atomic():
        appt = _lock(appt)
        new = transition(TRANSITIONS, appt, AppointmentAction.CONFIRM)
        _person_lock(hall, person)
        _check_person(hall, conf, person, now)
        person.apply(appt)
        _quota_take(appt, conf.max_per_service_day)
        appt.status, appt.booked_at, appt.hold_expires_at = new, now, None
        if actor.user_id is not None:
            appt.booked_by_id = actor.user_id
        appt.save()
        if appt.waitlist_entry_id:
            WaitlistEntry.objects.filter(pk=appt.waitlist_entry_id).update(status=WaitlistStatus.BOOKED)
        audit_record(
            actor=actor,
            action="appointment.book",
            hall=hall,
            obj=appt,
            after={
                "code": appt.code,
                "service": appt.service.code,
                "start": appt.start.isoformat(),
                "channel": appt.channel,
            },
        )
        _notify(appt, _confirm_text(appt, conf))
    return appt


def _slot_probe(
    hall: Hall, service_code: str, start: datetime.datetime, now: datetime.datetime
) -> tuple[Slot | None, bool, calendar.DayInfo]:
    """One query: the slot's row, if it has one, whether it has expired holds to free, and the hall's
    calendar row for its day, read now (a day another process closed a second ago is refused). A full
    slot with no expired hold is refused on this alone (most attempts in a rush on a popular slot end
    here); otherwise the rows serve the rest of the booking, and the seat UPDATE remains the judge.
    Written in SQL because it runs on every attempt and the ORM's compiling cost more than the query."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=hall.tzinfo)
    local_day = start.astimezone(hall.tzinfo).date()
    slot, item, appt = Slot._meta.db_table, ServiceItem._meta.db_table, Appointment._meta.db_table
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.capacity, s.taken, s.closed, s.closed_reason, "  # noqa: S608
            f"EXISTS (SELECT 1 FROM {appt} a WHERE a.slot_id = s.id AND a.status = %s AND a.hold_expires_at <= %s), "
            "c.kind, c.name "
            f"FROM (SELECT 1 AS one) base "
            f"LEFT JOIN {CalendarDay._meta.db_table} c ON c.hall_id = %s AND c.date = %s "
            f"LEFT JOIN ({slot} s JOIN {item} i ON i.id = s.service_id AND i.code = %s) "
            "ON s.hall_id = %s AND s.start = %s",
            [
                S.HELD.value,
                ops.adapt_datetimefield_value(now),
                hall.pk,
                ops.adapt_datefield_value(local_day),
                service_code,
                hall.pk,
                ops.adapt_datetimefield_value(start),
            ],
        )
        pk, capacity, taken, closed, reason, expired, kind, name = cursor.fetchone()
    day = calendar.hall_day(
        local_day, None if kind is None else CalendarDay(date=local_day, kind=kind, name=name)
    )
    if pk is None:
        return None, False, day
    return (
        Slot(
            pk=pk,
            hall=hall,
            start=start,
            capacity=capacity,
            taken=taken,
            closed=bool(closed),
            closed_reason=reason,
        ),
        bool(expired),
        day,
    )


def appointment_book(
    *,
    actor: Actor,
    hall: Hall,
    service_code: str,
    start: datetime.datetime,
    name: str,
    phone: str,
    id_number: str = "",
    challenge: str = "",
    answer: str = "",
    now: datetime.datetime | None = None,
) -> Appointment:
    """Book in one step (the API, staff on a citizen's behalf): every check, then the booking and, last
    before the commit, the seat, in one transaction (the slot row stays locked only for the commit). A
    refusal changes nothing."""
    now = now or timezone.now()
    person = Person(name=name, phone=phone, id_number=id_number, real_name=False)
    row, expired_holds, day = _slot_probe(hall, service_code, start, now)
    if row is not None and not row.closed and row.taken >= row.capacity and not expired_holds:
        raise Conflict(
            _("This slot is fully booked. Choose another time or join its waitlist."), code="slot_full"
        )
    conf = selectors.settings_get(hall=hall)
    plan = _plan_for(hall, service_code)
    if plan.real_name:
        person = Person(name=name, phone=phone, id_number=id_number, real_name=True)
    _check_public(actor, hall, conf, person, challenge, answer)
    view = _slot_view(hall, plan, start, now, row=row, day=day)
    if view.state == "full" and not expired_holds:
        raise Conflict(
            _("This slot is fully booked. Choose another time or join its waitlist."), code="slot_full"
        )
    appt = Appointment(
        hall=hall,
        service=plan.service,
        day=_local(hall, view.start).date(),
        start=view.start,
        end=view.end,
        status=S.BOOKED,
        channel=_channel_for(actor, hall),
        created_at=now,
        booked_at=now,
        booked_by_id=actor.user_id,
    )
    person.apply(appt)
    with transaction.atomic():
        _person_lock(hall, person)
        _check_person(hall, conf, person, now)
        appt.slot_id = _slot_row(hall, plan, view)
        _quota_take(appt, conf.max_per_service_day)
        appt.save(force_insert=True)
        audit_record(
            actor=actor,
            action="appointment.book",
            hall=hall,
            obj=appt,
            after={
                "code": appt.code,
                "service": plan.service.code,
                "start": appt.start.isoformat(),
                "channel": appt.channel,
            },
        )
        if not _seat_take(appt.slot_id, now):
            raise Conflict(
                _("This slot is fully booked. Choose another time or join its waitlist."), code="slot_full"
            )
        _notify(appt, _confirm_text(appt, conf))
    return appt


def _may_manage(actor: Actor, appt: Appointment, phone: str | None) -> None:
    """Staff of the hall, or whoever holds the booking's link (its unguessable id); with only the short
    code, the mobile number must match too (the views check that before they get here)."""
    if phone is None or _is_staff(actor, appt.hall):
        return
    if crypto.digest(normalize_phone(phone), purpose="phone") != appt.phone_digest:
        raise PermissionDenied(_("The mobile number does not match this booking."), code="phone_mismatch")


def appointment_cancel(
    *,
    actor: Actor,
    appt: Appointment,
    reason: str = "",
    phone: str | None = None,
    now: datetime.datetime | None = None,
    notify: bool = False,
) -> Appointment:
    """Cancel a hold or a booking: the seat goes back (to the first on the waitlist, if any)."""
    now = now or timezone.now()
    _may_manage(actor, appt, phone)
    with transaction.atomic():
        appt = _lock(appt)
        was = appt.status
        appt.status = transition(TRANSITIONS, appt, AppointmentAction.CANCEL)
        if was == S.BOOKED and appt.start <= now and not _is_staff(actor, appt.hall):
            raise Conflict(
                _("This appointment has already begun and can no longer be cancelled."), code="too_late"
            )
        appt.cancelled_at, appt.cancel_reason = now, (reason or "")[:200]
        appt.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        _seat_release(appt.slot_id)
        if was == S.BOOKED:
            _quota_release(appt)
        if appt.waitlist_entry_id:
            WaitlistEntry.objects.filter(pk=appt.waitlist_entry_id).update(status=WaitlistStatus.CANCELLED)
        audit_record(
            actor=actor,
            action="appointment.cancel",
            hall=appt.hall,
            obj=appt,
            before={"status": was},
            after={"status": appt.status, "reason": appt.cancel_reason},
        )
        if notify and was == S.BOOKED:
            _notify(
                appt,
                _("[%(hall)s] Your booking %(code)s for %(when)s is cancelled: %(why)s")
                % {
                    "hall": appt.hall.name,
                    "code": appt.code,
                    "when": _when_text(appt.hall, appt.start),
                    "why": appt.cancel_reason,
                },
            )
        _offer_seat(appt.slot, now)
    return appt


def appointment_reschedule(
    *,
    actor: Actor,
    appt: Appointment,
    start: datetime.datetime,
    phone: str | None = None,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Move a booking to another slot of the same service. If the new slot is full the booking stays
    where it was (409), so nobody loses a seat by trying to move."""
    now = now or timezone.now()
    _may_manage(actor, appt, phone)
    hall = appt.hall
    conf = selectors.settings_get(hall=hall)
    plan = _plan_for(hall, appt.service.code)
    view = _slot_view(hall, plan, start, now)
    with transaction.atomic():
        appt = _lock(appt)
        transition(TRANSITIONS, appt, AppointmentAction.RESCHEDULE)
        if appt.start <= now and not _is_staff(actor, hall):
            raise Conflict(
                _("This appointment has already begun and can no longer be changed."), code="too_late"
            )
        if view.start == appt.start:
            return appt
        slot_id = _slot_row(hall, plan, view)
        # Lock both slots in one order (by id): two citizens swapping times must not deadlock.
        list(
            Slot.objects.select_for_update()
            .filter(pk__in=(slot_id, appt.slot_id))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not _seat_take(slot_id, now):
            raise Conflict(
                _("The new time is fully booked; your booking for %(when)s is kept.")
                % {"when": _when_text(hall, appt.start)},
                code="slot_full",
            )
        old_slot, old_start = appt.slot, appt.start
        new_day = _local(hall, view.start).date()
        if new_day != appt.day:
            _quota_release(appt)
            appt.day = new_day
            _quota_take(appt, conf.max_per_service_day)
        _seat_release(old_slot.pk)
        appt.slot_id, appt.start, appt.end = slot_id, view.start, view.end
        appt.reschedules += 1
        appt.reminded_day_at = appt.reminded_hour_at = None
        appt.save(
            update_fields=[
                "slot",
                "start",
                "end",
                "day",
                "reschedules",
                "reminded_day_at",
                "reminded_hour_at",
            ]
        )
        audit_record(
            actor=actor,
            action="appointment.reschedule",
            hall=hall,
            obj=appt,
            before={"start": old_start.isoformat()},
            after={"start": appt.start.isoformat()},
        )
        _notify(
            appt,
            _("[%(hall)s] Booking %(code)s moved to %(when)s.")
            % {"hall": hall.name, "code": appt.code, "when": _when_text(hall, appt.start)},
        )
        _offer_seat(old_slot, now)
    appt.slot = Slot.objects.get(pk=appt.slot_id)
    return appt


# ---------------------------------------------------------------- holds and the waitlist


def _expire_one(appt: Appointment, now: datetime.datetime) -> None:
    appt.status = transition(TRANSITIONS, appt, AppointmentAction.EXPIRE)
    appt.save(update_fields=["status"])
    _seat_release(appt.slot_id)
    if appt.waitlist_entry_id:
        WaitlistEntry.objects.filter(pk=appt.waitlist_entry_id).update(status=WaitlistStatus.EXPIRED)


def holds_expire(
    *, now: datetime.datetime | None = None, slot_id: int | None = None, offer: bool = True
) -> int:
    """Release holds past their time. Safe to run in several processes at once: each hold is released by
    the one that locks it. With ``offer`` the freed seats go to the waitlist."""
    now = now or timezone.now()
    qs = Appointment.objects.filter(status=S.HELD, hold_expires_at__lte=now)
    if slot_id is not None:
        qs = qs.filter(slot_id=slot_id)
    released = 0
    with transaction.atomic():
        for appt in qs.select_for_update(skip_locked=True).select_related("slot", "hall", "service")[:500]:
            _expire_one(appt, now)
            released += 1
            if offer:
                _offer_seat(appt.slot, now)
    return released


def _offer_seat(slot: Slot, now: datetime.datetime) -> Appointment | None:
    """Give a freed seat to the first citizen on the slot's waitlist, as a hold they confirm by link."""
    if slot.closed or slot.start <= now:
        return None
    entry = (
        WaitlistEntry.objects.select_for_update(skip_locked=True)
        .filter(slot=slot, status=WaitlistStatus.WAITING)
        .order_by("created_at", "id")
        .first()
    )
    if entry is None or not _seat_take(slot.pk, now):
        return None
    hall = slot.hall
    conf = selectors.settings_get(hall=hall)
    appt = Appointment(
        hall=hall,
        service_id=slot.service_id,
        slot=slot,
        day=slot.day,
        start=slot.start,
        end=slot.end,
        status=S.HELD,
        channel=BookingChannel.WAITLIST,
        created_at=now,
        waitlist_entry=entry,
        hold_expires_at=now + datetime.timedelta(minutes=conf.waitlist_offer_minutes),
        person=entry.person,
    )
    for f in (
        "name_encrypted",
        "name_hint",
        "phone_encrypted",
        "phone_hint",
        "phone_digest",
        "id_encrypted",
        "id_hint",
        "id_digest",
    ):
        setattr(appt, f, getattr(entry, f))
    appt.save(force_insert=True)
    entry.status, entry.offered_at = WaitlistStatus.OFFERED, now
    entry.save(update_fields=["status", "offered_at"])
    _notify(
        appt,
        _("[%(hall)s] A seat is free for %(service)s at %(when)s. Confirm within %(n)s minutes: %(link)s")
        % {
            "hall": hall.name,
            "service": slot.service.name,
            "when": _when_text(hall, slot.start),
            "n": conf.waitlist_offer_minutes,
            "link": public_url(manage_path(appt)),
        },
    )
    return appt


def waitlist_join(
    *,
    actor: Actor,
    hall: Hall,
    service_code: str,
    start: datetime.datetime,
    name: str,
    phone: str,
    id_number: str = "",
    challenge: str = "",
    answer: str = "",
    now: datetime.datetime | None = None,
) -> WaitlistEntry:
    """Join the waitlist of a full slot (a slot with seats left is booked instead)."""
    now = now or timezone.now()
    conf = selectors.settings_get(hall=hall)
    plan = _plan_for(hall, service_code)
    person = Person(name=name, phone=phone, id_number=id_number, real_name=plan.real_name)
    _check_public(actor, hall, conf, person, challenge, answer)
    view = _slot_view(hall, plan, start, now)
    if view.state != "full":
        raise Conflict(_("This slot still has seats: book it instead."), code="not_full")
    _check_person(hall, conf, person, now)
    with transaction.atomic():
        slot_id = _slot_row(hall, plan, view)
        entry = WaitlistEntry(hall=hall, service=plan.service, slot_id=slot_id, created_at=now)
        person.apply(entry)
        try:  # the partial unique constraint decides (two taps at once must not both join)
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError as exc:
            raise Conflict(
                _("You are already on the waitlist of this slot."), code="already_waiting"
            ) from exc
        audit_record(
            actor=actor,
            action="appointment.waitlist_join",
            hall=hall,
            obj=entry,
            after={"service": plan.service.code, "start": view.start.isoformat()},
        )
    return entry


# ---------------------------------------------------------------- arrival


def appointment_find_for_check_in(
    *, hall: Hall, code: str = "", phone: str = "", id_number: str = "", now: datetime.datetime
) -> Appointment:
    """The booking a citizen checks in with, by booking code, or by mobile or resident ID (today's)."""
    today = _local(hall, now).date()
    if code:
        appt = selectors.appointment_by_code(hall=hall, code=code)
        if appt is None:
            raise Invalid(fields={"code": [_("No booking with this code in this hall.")]}, code="not_found")
        return appt
    if id_number:
        qs = Appointment.objects.filter(
            hall=hall, id_digest=crypto.digest(normalize_resident_id(id_number), purpose="resident_id")
        )
        field = "id_number"
    elif phone:
        qs = Appointment.objects.filter(
            hall=hall, phone_digest=crypto.digest(normalize_phone(phone), purpose="phone")
        )
        field = "phone"
    else:
        raise Invalid(
            fields={"code": [_("Enter the booking code, or the mobile number or ID used to book.")]}
        )
    found = list(
        qs.filter(day=today, status__in=(S.BOOKED, S.CHECKED_IN))
        .select_related("hall", "service", "slot", "ticket")
        .order_by("start")
    )
    if not found:
        raise Invalid(fields={field: [_("No booking for today was found.")]}, code="not_found")
    pending = [a for a in found if a.status == S.BOOKED]
    if not pending:
        return found[0]
    return min(pending, key=lambda a: abs((a.start - now).total_seconds()))


def appointment_check_in(
    *,
    actor: Actor,
    hall: Hall,
    code: str = "",
    phone: str = "",
    id_number: str = "",
    now: datetime.datetime | None = None,
) -> Appointment:
    """Turn a booking into a queue ticket of the appointment class, at a kiosk of the hall or by staff.
    Checking in twice returns the same ticket (a kiosk that lost the answer can ask again)."""
    from servicehall.queueing.choices import NORMAL, Channel
    from servicehall.queueing.selectors import settings_get as queue_settings
    from servicehall.queueing.services import ticket_issue

    now = now or timezone.now()
    kiosk = (
        actor.device is not None and actor.device.hall_id == hall.pk and actor.device.kind == DeviceKind.KIOSK
    )
    if not kiosk:
        if actor.user_id is None and actor.device is None:
            raise NotAuthenticated(_("Check in at a kiosk of the hall or at a counter."))
        require_role(actor, hall, *STAFF)
    conf = selectors.settings_get(hall=hall)
    appt = appointment_find_for_check_in(hall=hall, code=code, phone=phone, id_number=id_number, now=now)
    if appt.status == S.CHECKED_IN and appt.ticket_id:
        return appt
    today = _local(hall, now).date()
    if appt.status == S.BOOKED and appt.day != today:
        raise Conflict(
            _("This booking is for %(when)s, not today.") % {"when": _when_text(hall, appt.start)},
            code="wrong_day",
        )
    opens = appt.start - datetime.timedelta(minutes=conf.check_in_before_minutes)
    closes = appt.start + datetime.timedelta(minutes=conf.check_in_after_minutes)
    if appt.status == S.BOOKED and now < opens:
        raise Conflict(
            _("Check-in for %(when)s opens at %(opens)s.")
            % {"when": _when_text(hall, appt.start), "opens": _local(hall, opens).strftime("%H:%M")},
            code="too_early",
        )
    late = now > closes
    if appt.status == S.BOOKED and late and conf.late_policy == LatePolicy.REFUSE:
        raise Conflict(
            _("Check-in closed at %(closes)s. Please book again or take a number.")
            % {"closes": _local(hall, closes).strftime("%H:%M")},
            code="late",
        )
    with transaction.atomic():
        appt = _lock(appt)
        new = transition(TRANSITIONS, appt, AppointmentAction.CHECK_IN)
        klass = "appointment" if queue_settings(hall=hall).priority_class("appointment") else NORMAL
        ticket = ticket_issue(
            actor=actor,
            hall=hall,
            service_code=appt.service.code,
            channel=Channel.APPOINTMENT,
            priority=NORMAL if late else klass,
            phone=crypto.decrypt(appt.phone_encrypted),
        )
        appt.status, appt.checked_in_at, appt.checked_in_late, appt.ticket = new, now, late, ticket
        appt.save(update_fields=["status", "checked_in_at", "checked_in_late", "ticket"])
        audit_record(
            actor=actor,
            action="appointment.check_in",
            hall=hall,
            obj=appt,
            after={"ticket": ticket.number, "late": late},
        )
    appt.ticket = ticket
    return appt


def no_shows_mark(*, now: datetime.datetime | None = None) -> int:
    """Bookings never checked in by the end of their check-in window become no-shows. The seat stays
    counted (the slot is over); the no-show counts towards a booking suspension."""
    now = now or timezone.now()
    marked = 0
    for conf_hall in Hall.objects.filter(active=True):
        conf = selectors.settings_get(hall=conf_hall)
        cutoff = now - datetime.timedelta(minutes=conf.check_in_after_minutes)
        with transaction.atomic():
            for appt in Appointment.objects.select_for_update(skip_locked=True).filter(
                hall=conf_hall, status=S.BOOKED, start__lt=cutoff
            )[:1000]:
                appt.status, appt.no_show_at = transition(TRANSITIONS, appt, AppointmentAction.NO_SHOW), now
                appt.save(update_fields=["status", "no_show_at"])
                marked += 1
    return marked


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Text reminders a day and an hour before, once each; someone who booked within that time already
    has the confirmation and is not reminded again."""
    now = now or timezone.now()
    sent = 0
    for hall in Hall.objects.filter(active=True):
        conf = selectors.settings_get(hall=hall)
        plans = []
        if conf.remind_day_before:
            plans.append(("reminded_day_at", datetime.timedelta(days=1)))
        if conf.remind_hour_before:
            plans.append(("reminded_hour_at", datetime.timedelta(hours=1)))
        for field, ahead in plans:
            with transaction.atomic():
                due = (
                    Appointment.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("hall", "service")
                    .filter(
                        hall=hall,
                        status=S.BOOKED,
                        start__gt=now,
                        start__lte=now + ahead,
                        booked_at__lt=F("start") - ahead,
                        **{f"{field}__isnull": True},
                    )[:500]
                )
                for appt in due:
                    setattr(appt, field, now)
                    appt.save(update_fields=[field])
                    _notify(
                        appt,
                        _(
                            "[%(hall)s] Reminder: %(service)s at %(when)s, booking code %(code)s. "
                            "Cancel or change: %(link)s"
                        )
                        % {
                            "hall": hall.name,
                            "service": appt.service.name,
                            "when": _when_text(hall, appt.start),
                            "code": appt.code,
                            "link": public_url(manage_path(appt)),
                        },
                    )
                    sent += 1
    return sent


# ---------------------------------------------------------------- manager


def _cancel_for_closure(actor: Actor, appts, reason: str, now: datetime.datetime) -> int:
    n = 0
    for appt in appts:
        if appt.status in (S.BOOKED, S.HELD):
            appointment_cancel(actor=actor, appt=appt, reason=reason, now=now, notify=True)
            n += 1
    return n


def day_close(
    *,
    actor: Actor,
    hall: Hall,
    date: datetime.date,
    reason: str,
    service: ServiceItem | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Close the hall (or one service) for a day: no more bookings, and every booking of that day is
    cancelled with a text that gives the reason. Returns how many bookings were cancelled."""
    require_role(actor, hall, Role.MANAGER)
    now = now or timezone.now()
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_("Give the reason: it is sent to everyone affected.")]})
    with transaction.atomic():
        if service is None:
            core_services.calendar_day_set(
                actor=actor, hall=hall, date=date, kind=DayKind.CLOSED, name=reason
            )
        slots = Slot.objects.filter(hall=hall, day=date)
        if service is not None:
            slots = slots.filter(service=service)
        slots.update(closed=True, closed_reason=reason[:200])
        WaitlistEntry.objects.filter(slot__in=slots, status=WaitlistStatus.WAITING).update(
            status=WaitlistStatus.CANCELLED
        )
        appts = Appointment.objects.filter(hall=hall, day=date, status__in=(S.BOOKED, S.HELD))
        if service is not None:
            appts = appts.filter(service=service)
        n = _cancel_for_closure(actor, list(appts.select_related("hall", "service", "slot")), reason, now)
        audit_record(
            actor=actor,
            action="appointment.day_close",
            hall=hall,
            obj=None,
            after={
                "date": date.isoformat(),
                "service": service.code if service else None,
                "reason": reason,
                "cancelled": n,
            },
        )
    return n


def slot_close(
    *,
    actor: Actor,
    hall: Hall,
    service: ServiceItem,
    start: datetime.datetime,
    reason: str,
    now: datetime.datetime | None = None,
) -> int:
    """Close one slot: no more bookings, its bookings cancelled and told why."""
    require_role(actor, hall, Role.MANAGER)
    now = now or timezone.now()
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_("Give the reason: it is sent to everyone affected.")]})
    plan = selectors.plan_get(item=service)
    if plan is None:
        raise Conflict(_("This service takes no appointments."), code="not_bookable")
    view = selectors.slot_find(hall=hall, plan=plan, start=start, now=now)
    if view is None:
        raise Invalid(fields={"start": [_("No slot of this service starts at that time.")]})
    with transaction.atomic():
        slot_id = _slot_row(hall, plan, view)
        Slot.objects.filter(pk=slot_id).update(closed=True, closed_reason=reason[:200])
        WaitlistEntry.objects.filter(slot_id=slot_id, status=WaitlistStatus.WAITING).update(
            status=WaitlistStatus.CANCELLED
        )
        appts = Appointment.objects.filter(slot_id=slot_id, status__in=(S.BOOKED, S.HELD)).select_related(
            "hall", "service", "slot"
        )
        n = _cancel_for_closure(actor, list(appts), reason, now)
        audit_record(
            actor=actor,
            action="appointment.slot_close",
            hall=hall,
            obj=None,
            after={
                "service": service.code,
                "start": view.start.isoformat(),
                "reason": reason,
                "cancelled": n,
            },
        )
    return n


def slot_reopen(*, actor: Actor, hall: Hall, slot: Slot) -> Slot:
    require_role(actor, hall, Role.MANAGER)
    with transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(closed=False, closed_reason="")
        audit_record(
            actor=actor, action="appointment.slot_reopen", hall=hall, obj=slot, after={"closed": False}
        )
    slot.refresh_from_db()
    return slot


def calendar_day_set(
    *,
    actor: Actor,
    hall: Hall,
    date: datetime.date,
    kind: str,
    name: str = "",
    now: datetime.datetime | None = None,
) -> CalendarDay | None:
    """Enter a day of the hall's calendar table (``core.services.calendar_day_set``) with what it means for
    bookings: a closure cancels the day's bookings (see ``day_close``), reopening a closed day reopens its
    slots."""
    require_role(actor, hall, Role.MANAGER)
    if kind == DayKind.CLOSED:
        day_close(actor=actor, hall=hall, date=date, reason=name or _("Hall closed"), now=now)
        return CalendarDay.objects.get(hall=hall, date=date)
    with transaction.atomic():
        before, row = core_services.calendar_day_set(actor=actor, hall=hall, date=date, kind=kind, name=name)
        if before == DayKind.CLOSED:
            Slot.objects.filter(hall=hall, day=date).update(closed=False, closed_reason="")
    return row


def settings_update(*, actor: Actor, hall: Hall, **changes) -> AppointmentSettings:
    return hall_settings_update(
        model=AppointmentSettings, actor=actor, hall=hall, action="appointment.settings", changes=changes
    )


def plan_save(*, actor: Actor, hall: Hall, service: ServiceItem, **fields) -> WorkingPlan:
    """Create or change a service's working plan. Seat changes apply to future slots already booked,
    never below the seats taken (nobody's booking is taken away by a smaller plan)."""
    require_role(actor, hall, Role.MANAGER)
    plan = WorkingPlan.objects.filter(service=service).first() or WorkingPlan(hall=hall, service=service)
    for k, v in fields.items():
        setattr(plan, k, v)
    errors = _periods_errors(plan.periods)
    if errors:
        raise Invalid(fields={"periods": errors})
    validated(plan, exclude=["hall", "service"])
    with transaction.atomic():
        plan.save()
        capacity = selectors.plan_capacity(plan=plan)
        for slot in Slot.objects.select_for_update().filter(service=service, start__gt=timezone.now()):
            slot.capacity = max(capacity, slot.taken)
            slot.save(update_fields=["capacity"])
        audit_record(
            actor=actor,
            action="appointment.plan",
            hall=hall,
            obj=plan,
            after={k: str(v) for k, v in fields.items()},
        )
    return plan


def _periods_errors(periods) -> list[str]:
    if not isinstance(periods, dict):
        return [_("Give the hours per weekday.")]
    for day, rows in periods.items():
        if day not in {str(d) for d in range(7)} or not isinstance(rows, list):
            return [_("Weekdays are 0 (Monday) to 6 (Sunday).")]
        last = None
        for row in rows:
            try:
                a, b = (datetime.time.fromisoformat(x) for x in row)
            except (TypeError, ValueError):
                return [_("Write hours as HH:MM.")]
            if b <= a or (last is not None and a < last):
                return [_("Each period must end after it starts and after the one before.")]
            last = b
    return []
