"""The waitlist of a full slot: joining it, offering a freed seat to the first in line, and the worker's
expiry of holds, which passes each freed seat on."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehall.appointments import selectors
from servicehall.appointments.choices import (
    WAITLIST_TRANSITIONS,
    BookingChannel,
    WaitlistAction,
    WaitlistStatus,
)
from servicehall.appointments.models import Appointment, Slot, WaitlistEntry
from servicehall.appointments.services.common import (
    Person,
    S,
    check_person,
    check_public,
    manage_path,
    notify_citizen,
    slot_row,
    slot_view,
    when_text,
)
from servicehall.appointments.services.seats import holds_release, seat_take
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.errors import Conflict
from servicehall.core.models import Hall
from servicehall.core.notify import public_url
from servicehall.core.transitions import transition


def holds_expire(
    *, now: datetime.datetime | None = None, slot_id: int | None = None, offer: bool = True
) -> int:
    """Release holds past their time. Safe to run in several processes at once: each hold is released by
    the one that locks it. With ``offer`` the freed seats go to the waitlist."""
    now = now or timezone.now()
    return holds_release(now=now, slot_id=slot_id, then=offer_seat if offer else None)


def offer_seat(slot: Slot, now: datetime.datetime) -> Appointment | None:
    """Give a freed seat to the first citizen on the slot's waitlist, as a hold they confirm by link."""
    if slot.closed or slot.start <= now:
        return None
    entry = (
        WaitlistEntry.objects.select_for_update(skip_locked=True)
        .filter(slot=slot, status=WaitlistStatus.WAITING)
        .order_by("created_at", "id")
        .first()
    )
    if entry is None or not seat_take(slot.pk, now):
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
    entry.status = transition(WAITLIST_TRANSITIONS, entry, WaitlistAction.OFFER)
    entry.offered_at = now
    entry.save(update_fields=["status", "offered_at"])
    notify_citizen(
        appt,
        ngettext(
            "[%(hall)s] A seat is free for %(service)s at %(when)s. Confirm within %(n)s minute: %(link)s",
            "[%(hall)s] A seat is free for %(service)s at %(when)s. Confirm within %(n)s minutes: %(link)s",
            conf.waitlist_offer_minutes,
        )
        % {
            "hall": hall.name,
            "service": slot.service.name,
            "when": when_text(hall, slot.start),
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
    plan = selectors.plan_for_booking(hall=hall, service_code=service_code)
    person = Person(name=name, phone=phone, id_number=id_number, real_name=plan.real_name)
    check_public(actor, hall, conf, person, challenge, answer)
    view = slot_view(hall, plan, start, now)
    if view.state != "full":
        raise Conflict(_("This slot still has seats: book it instead."), code="not_full")
    check_person(hall, conf, person, now)
    with transaction.atomic():
        slot_id = slot_row(hall, plan, view)
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
