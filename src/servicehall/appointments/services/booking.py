"""Booking: hold a seat, confirm the hold, book in one step, cancel, reschedule.

Each takes the seat (``seats.seat_take``) last before the commit, or gives it back with the status change
that frees it; a freed seat goes to the slot's waitlist (``waitlist.offer_seat``).
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from servicehall.appointments import selectors
from servicehall.appointments.choices import (
    TRANSITIONS,
    AppointmentAction,
    BookingChannel,
    WaitlistAction,
)
from servicehall.appointments.models import Appointment, AppointmentSettings, Slot
from servicehall.appointments.services.common import (
    Person,
    S,
    appointment_lock,
    check_challenge,
    check_person,
    check_public,
    is_public,
    is_staff,
    local_time,
    manage_path,
    notify_citizen,
    slot_row,
    slot_view,
    waitlist_entry_move,
    when_text,
)
from servicehall.appointments.services.customers import customer_link
from servicehall.appointments.services.holds import hold_minutes, hold_phone_digest, holds_cap
from servicehall.appointments.services.seats import (
    hold_expire,
    person_lock,
    quota_release,
    quota_take,
    seat_release,
    seat_take,
)
from servicehall.appointments.services.waitlist import offer_seat
from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.errors import Conflict, PermissionDenied
from servicehall.core.identity import normalize_phone
from servicehall.core.models import Hall
from servicehall.core.notify import public_url
from servicehall.core.ratelimit import rate_limit
from servicehall.core.transitions import transition


def _channel_for(actor: Actor, hall: Hall) -> str:
    if is_staff(actor, hall):
        return BookingChannel.STAFF
    return BookingChannel.API if actor.user_id is not None else BookingChannel.WEB


# The text confirming a citizen's own cancellation (with the way back to book again).
CANCELLED_AS_ASKED = gettext_lazy(
    "[%(hall)s] As you asked, booking %(code)s for %(when)s is cancelled. To book again: %(link)s"
)


def _confirm_text(appt: Appointment, conf: AppointmentSettings) -> str:
    return ngettext(
        "[%(hall)s] Booked: %(service)s at %(when)s, code %(code)s. Bring the materials on the checklist; "
        "check in at the kiosk from %(before)s minute before. Change or cancel: %(link)s",
        "[%(hall)s] Booked: %(service)s at %(when)s, code %(code)s. Bring the materials on the checklist; "
        "check in at the kiosk from %(before)s minutes before. Change or cancel: %(link)s",
        conf.check_in_before_minutes,
    ) % {
        # sent while the citizen's request is active: the names in the language they booked in
        "hall": appt.hall.name_local,
        "service": appt.service.name_local,
        "when": when_text(appt.hall, appt.start),
        "code": appt.code,
        "before": conf.check_in_before_minutes,
        "link": public_url(manage_path(appt)),
    }


def appointment_hold(
    *,
    actor: Actor,
    hall: Hall,
    service_code: str,
    start: datetime.datetime,
    challenge: str = "",
    answer: str = "",
    phone: str = "",
    now: datetime.datetime | None = None,
) -> Appointment:
    """Hold a seat while the citizen fills in the form; the hold expires by itself after ``hold_minutes``
    (shorter on a nearly full day; the worker and the next booking of a full slot free it). A public hold
    costs its holder the check question and counts against the caps per address and per mobile number
    (``services.holds``); a refusal changes nothing."""
    now = now or timezone.now()
    conf = selectors.settings_get(hall=hall)
    public = is_public(actor)
    if public:
        rate_limit(actor=actor, scope="appointment_hold", per_minute=20)
        check_challenge(conf, challenge, answer)
    phone_digest = hold_phone_digest(phone)
    plan = selectors.plan_for_booking(hall=hall, service_code=service_code)
    view = slot_view(hall, plan, start, now)
    day = local_time(hall, view.start).date()
    minutes = hold_minutes(hall=hall, plan=plan, day=day, conf=conf, now=now)
    with transaction.atomic():
        if public:
            holds_cap(hall=hall, conf=conf, held_from=actor.ip, phone_digest=phone_digest, now=now)
        slot_id = slot_row(hall, plan, view)
        if not seat_take(slot_id, now):
            raise Conflict(
                _("This slot has just been fully booked. Choose another time or join its waitlist."),
                code="slot_full",
            )
        appt = Appointment.objects.create(
            hall=hall,
            service=plan.service,
            slot_id=slot_id,
            day=day,
            start=view.start,
            end=view.end,
            status=S.HELD,
            channel=_channel_for(actor, hall),
            created_at=now,
            hold_expires_at=now + datetime.timedelta(minutes=minutes),
            held_from=actor.ip if public else None,
            phone_digest=phone_digest,
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
    """Turn a hold into a booking with the citizen's details (or refuse and keep the hold while it lasts).
    The check question was answered when the seat was held (``appointment_hold``); ``challenge`` and
    ``answer`` are accepted and ignored, so older callers keep working."""
    now = now or timezone.now()
    hall = appt.hall
    conf = selectors.settings_get(hall=hall)
    plan = selectors.plan_get(item=appt.service)
    if appt.phone_encrypted and not phone:  # a waitlist offer already carries the citizen's details
        name, phone = crypto.decrypt(appt.name_encrypted), crypto.decrypt(appt.phone_encrypted)
        id_number = crypto.decrypt(appt.id_encrypted)
    person = Person(name=name, phone=phone, id_number=id_number, real_name=bool(plan and plan.real_name))
    if not skip_challenge:  # accepting a waitlist offer by its link: the citizen passed the check to join
        check_public(actor, hall, conf, person, challenge, answer, ask_challenge=False)
    if appt.status == S.HELD and appt.hold_expires_at and appt.hold_expires_at <= now:
        held_for = round((appt.hold_expires_at - appt.created_at).total_seconds() / 60)
        with transaction.atomic():
            appt = appointment_lock(appt)
            if appt.status == S.HELD:
                hold_expire(appt, now)
                offer_seat(appt.slot, now)
        raise Conflict(
            ngettext(
                "The seat was held for %(n)s minute and has been released. Please choose a time again.",
                "The seat was held for %(n)s minutes and has been released. Please choose a time again.",
                held_for,
            )
            % {"n": held_for},
            code="hold_expired",
        )
    with transaction.atomic():
        appt = appointment_lock(appt)
        new = transition(TRANSITIONS, appt, AppointmentAction.CONFIRM)
        person_lock(hall, person)
        check_person(hall, conf, person, now)
        person.apply(appt)
        customer_link(
            actor=actor, appt=appt, id_number=person.id_number, real_name=bool(plan and plan.real_name)
        )
        quota_take(appt, conf.max_per_service_day)
        appt.status, appt.booked_at, appt.hold_expires_at = new, now, None
        if actor.user_id is not None:
            appt.booked_by_id = actor.user_id
        appt.save()
        if appt.waitlist_entry_id:
            waitlist_entry_move(appt.waitlist_entry_id, WaitlistAction.BOOK)
        _book_audit(actor, appt, appt.service.code)
        notify_citizen(appt, _confirm_text(appt, conf))
    return appt


def _book_audit(actor: Actor, appt: Appointment, service_code: str) -> None:
    """The audit row of a booking made (confirmed from a hold, or booked in one step)."""
    audit_record(
        actor=actor,
        action="appointment.book",
        hall=appt.hall,
        obj=appt,
        after={
            "code": appt.code,
            "service": service_code,
            "start": appt.start.isoformat(),
            "channel": appt.channel,
            "customer_id": appt.customer_id,
        },
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
    row, expired_holds, day = selectors.slot_probe(hall=hall, service_code=service_code, start=start, now=now)
    if row is not None and not row.closed and row.taken >= row.capacity and not expired_holds:
        raise Conflict(
            _("This slot is fully booked. Choose another time or join its waitlist."), code="slot_full"
        )
    conf = selectors.settings_get(hall=hall)
    plan = selectors.plan_for_booking(hall=hall, service_code=service_code)
    if plan.real_name:
        person = Person(name=name, phone=phone, id_number=id_number, real_name=True)
    check_public(actor, hall, conf, person, challenge, answer)
    view = slot_view(hall, plan, start, now, row=row, day=day)
    if view.state == "full" and not expired_holds:
        raise Conflict(
            _("This slot is fully booked. Choose another time or join its waitlist."), code="slot_full"
        )
    appt = Appointment(
        hall=hall,
        service=plan.service,
        day=local_time(hall, view.start).date(),
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
        person_lock(hall, person)
        check_person(hall, conf, person, now)
        customer_link(actor=actor, appt=appt, id_number=person.id_number, real_name=plan.real_name)
        appt.slot_id = slot_row(hall, plan, view)
        quota_take(appt, conf.max_per_service_day)
        appt.save(force_insert=True)
        _book_audit(actor, appt, plan.service.code)
        if not seat_take(appt.slot_id, now):
            raise Conflict(
                _("This slot is fully booked. Choose another time or join its waitlist."), code="slot_full"
            )
        notify_citizen(appt, _confirm_text(appt, conf))
    return appt


def _may_manage(actor: Actor, appt: Appointment, phone: str | None) -> None:
    """Staff of the hall, or whoever holds the booking's link (its unguessable id); with only the short
    code, the mobile number must match too (the views check that before they get here)."""
    if phone is None or is_staff(actor, appt.hall):
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
        appt = appointment_lock(appt)
        was = appt.status
        appt.status = transition(TRANSITIONS, appt, AppointmentAction.CANCEL)
        if was == S.BOOKED and appt.start <= now and not is_staff(actor, appt.hall):
            raise Conflict(
                _("This appointment has already begun and can no longer be cancelled."), code="too_late"
            )
        appt.cancelled_at, appt.cancel_reason = now, (reason or "")[:200]
        appt.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        seat_release(appt.slot_id)
        if was == S.BOOKED:
            quota_release(appt)
        if appt.waitlist_entry_id:
            waitlist_entry_move(appt.waitlist_entry_id, WaitlistAction.CANCEL)
        audit_record(
            actor=actor,
            action="appointment.cancel",
            hall=appt.hall,
            obj=appt,
            before={"status": was},
            after={"status": appt.status, "reason": appt.cancel_reason},
        )
        if was == S.BOOKED and not notify and not is_staff(actor, appt.hall):
            # The citizen's own cancellation is confirmed by text: proof it happened, and a way back.
            notify_citizen(
                appt,
                str(CANCELLED_AS_ASKED)
                % {
                    "hall": appt.hall.name,
                    "code": appt.code,
                    "when": when_text(appt.hall, appt.start),
                    "link": public_url(reverse("appointments:portal", args=[appt.hall.code])),
                },
            )
        if notify and was == S.BOOKED:
            notify_citizen(
                appt,
                _("[%(hall)s] Your booking %(code)s for %(when)s is cancelled: %(why)s")
                % {
                    "hall": appt.hall.name,
                    "code": appt.code,
                    "when": when_text(appt.hall, appt.start),
                    "why": appt.cancel_reason,
                },
            )
        offer_seat(appt.slot, now)
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
    plan = selectors.plan_for_booking(hall=hall, service_code=appt.service.code)
    view = slot_view(hall, plan, start, now)
    with transaction.atomic():
        appt = appointment_lock(appt)
        transition(TRANSITIONS, appt, AppointmentAction.RESCHEDULE)
        if appt.start <= now and not is_staff(actor, hall):
            raise Conflict(
                _("This appointment has already begun and can no longer be changed."), code="too_late"
            )
        if view.start == appt.start:
            return appt
        slot_id = slot_row(hall, plan, view)
        # Lock both slots in one order (by id): two citizens swapping times must not deadlock.
        list(
            Slot.objects.select_for_update()
            .filter(pk__in=(slot_id, appt.slot_id))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not seat_take(slot_id, now):
            raise Conflict(
                _("The new time is fully booked; your booking for %(when)s is kept.")
                % {"when": when_text(hall, appt.start)},
                code="slot_full",
            )
        old_slot, old_start = appt.slot, appt.start
        new_day = local_time(hall, view.start).date()
        if new_day != appt.day:
            quota_release(appt)
            appt.day = new_day
            quota_take(appt, conf.max_per_service_day)
        seat_release(old_slot.pk)
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
        notify_citizen(
            appt,
            _("[%(hall)s] Booking %(code)s moved to %(when)s.")
            % {"hall": hall.name, "code": appt.code, "when": when_text(hall, appt.start)},
        )
        offer_seat(old_slot, now)
    appt.slot = Slot.objects.get(pk=appt.slot_id)
    return appt
