"""Helpers shared by the appointment services: the booking's row lock, local times and texts, the
citizen's validated personal data, the slot a booking asks for, and the checks on a person."""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehall.appointments import selectors
from servicehall.appointments.choices import WAITLIST_TRANSITIONS, AppointmentStatus
from servicehall.appointments.models import Appointment, AppointmentSettings, Slot, WaitlistEntry, WorkingPlan
from servicehall.core import calendar, crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.challenge import challenge_check
from servicehall.core.choices import Role
from servicehall.core.errors import Conflict, Invalid
from servicehall.core.identity import (
    is_valid_mobile,
    is_valid_resident_id,
    mask_name,
    mask_phone,
    mask_resident_id,
    normalize_phone,
    normalize_resident_id,
)
from servicehall.core.models import Hall
from servicehall.core.notify import send_text
from servicehall.core.permissions import has_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.transitions import transition

STAFF = (Role.MANAGER, Role.CLERK)
S = AppointmentStatus


def appointment_lock(appt: Appointment) -> Appointment:
    """Re-read the booking under a row lock (PostgreSQL; SQLite is already serialised)."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("hall", "service", "slot")
        .get(pk=appt.pk)
    )


def is_staff(actor: Actor, hall: Hall) -> bool:
    return has_role(actor.user, hall, *STAFF)


def local_time(hall: Hall, when: datetime.datetime) -> datetime.datetime:
    return when.astimezone(hall.tzinfo)


def when_text(hall: Hall, when: datetime.datetime) -> str:
    return local_time(hall, when).strftime("%Y-%m-%d %H:%M")


def manage_path(appt: Appointment) -> str:
    return reverse("appointments:manage", args=[appt.hall.code, appt.public_id])


def notify_citizen(appt_or_entry, text: str) -> None:
    """Text the citizen after commit (a rolled-back change texts nobody)."""
    phone = crypto.decrypt(appt_or_entry.phone_encrypted)
    if phone:
        transaction.on_commit(lambda: send_text(phone, text))


def sweep_audit(*, action: str, hall: Hall, appts: list[Appointment], **after) -> None:
    """One audit row for a batch of a sweep in one hall, listing the bookings it moved (ids and codes). The
    actor is the rule itself (``SystemActor``: the trail reads ``system:<action>``)."""
    audit_record(
        actor=SystemActor(job=action),
        action=action,
        hall=hall,
        object_type=Appointment._meta.label_lower,
        object_repr=", ".join(appt.code for appt in appts),
        after={"ids": [appt.pk for appt in appts], "codes": [appt.code for appt in appts], **after},
    )


def waitlist_entry_move(entry_id: int, action: str) -> WaitlistEntry:
    """Move one waitlist entry under ``action`` (``WAITLIST_TRANSITIONS``), its row locked here: the entry of
    a booking offered from the waitlist follows the booking (booked, lapsed, cancelled)."""
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry_id)
    entry.status = transition(WAITLIST_TRANSITIONS, entry, action)
    entry.save(update_fields=["status"])
    return entry


def waitlist_entries_sweep(entries: QuerySet, action: str) -> int:
    """Move, in one UPDATE, the entries of ``entries`` that are in a state from which the table allows
    ``action``; the others stay as they are. Returns how many moved."""
    states = WAITLIST_TRANSITIONS.states_allowing(action)
    (new,) = {
        WAITLIST_TRANSITIONS[(state, action)] for state in states
    }  # one target, or a single UPDATE lies
    return entries.filter(status__in=states).update(status=new)


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


def slot_view(
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
        if not calendar.serves(hall, info):
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
            ngettext(
                "Bookings open %(days)s day ahead; this slot is not open yet.",
                "Bookings open %(days)s days ahead; this slot is not open yet.",
                plan.horizon_days,
            )
            % {"days": plan.horizon_days},
            code="not_open_yet",
        )
    return view


def slot_row(hall: Hall, plan: WorkingPlan, view: selectors.SlotView) -> int:
    """The slot's row id, creating the row with the plan's capacity on first use."""
    if view.slot_id is not None:
        return view.slot_id
    Slot.objects.bulk_create(
        [
            Slot(
                hall=hall,
                service=plan.service,
                day=local_time(hall, view.start).date(),
                start=view.start,
                end=view.end,
                capacity=view.capacity,
            )
        ],
        ignore_conflicts=True,
    )
    return Slot.objects.filter(service=plan.service, start=view.start).values_list("id", flat=True).get()


def check_person(hall: Hall, conf: AppointmentSettings, person: Person, now: datetime.datetime) -> None:
    """Refuse a person suspended for repeated no-shows, or one over the hall's limit of active bookings.
    Exact only inside the booking's transaction after ``person_lock``."""
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
                    "date": local_time(hall, until).date().isoformat(),
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


def is_public(actor: Actor) -> bool:
    """An anonymous citizen: not signed in, no API token, not a paired hall device."""
    return actor.user_id is None and actor.device is None


def check_challenge(conf: AppointmentSettings, challenge: str, answer: str) -> None:
    """The check question of a public form (``core.challenge``), unless the hall turned it off."""
    if conf.challenge_public and not challenge_check(challenge, answer):
        raise Invalid(
            _("Answer the check question again."),
            fields={"answer": [_("The answer is wrong or the question has expired; a new one is shown.")]},
            code="challenge_failed",
        )


def check_public(
    actor: Actor,
    hall: Hall,
    conf: AppointmentSettings,
    person: Person | None,
    challenge: str,
    answer: str,
    *,
    ask_challenge: bool = True,
) -> None:
    """A citizen booking anonymously is rate-limited per address and per mobile, and answers the check
    question (``ask_challenge=False``: it was answered when the seat was held); staff, devices and API
    tokens act on a citizen's behalf and are not."""
    if not is_public(actor):
        return
    rate_limit(actor=actor, scope="appointment_book", per_minute=10)
    if person is not None:
        rate_limit(actor=actor, scope="appointment_phone", per_minute=5, key=person.phone_digest[:24])
    if ask_challenge:
        check_challenge(conf, challenge, answer)
