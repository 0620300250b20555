"""The manager's side: closing a day or a slot (its bookings cancelled and told why), reopening, the
hall's calendar days with what they mean for bookings, the booking settings and the working plans."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.appointments import selectors
from servicehall.appointments.choices import WaitlistAction
from servicehall.appointments.models import Appointment, AppointmentSettings, Slot, WaitlistEntry, WorkingPlan
from servicehall.appointments.services.booking import appointment_cancel
from servicehall.appointments.services.common import S, slot_row, waitlist_entries_sweep
from servicehall.catalog.models import ServiceItem
from servicehall.core import services as core_services
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import DayKind, Role
from servicehall.core.errors import Conflict, Invalid
from servicehall.core.models import CalendarDay, Hall
from servicehall.core.permissions import require_role
from servicehall.core.services import hall_settings_update, validated


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
        waitlist_entries_sweep(WaitlistEntry.objects.filter(slot__in=slots), WaitlistAction.CLOSE)
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
        slot_id = slot_row(hall, plan, view)
        Slot.objects.filter(pk=slot_id).update(closed=True, closed_reason=reason[:200])
        waitlist_entries_sweep(WaitlistEntry.objects.filter(slot_id=slot_id), WaitlistAction.CLOSE)
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
        model=AppointmentSettings,
        actor=actor,
        hall=hall,
        action="appointment.settings",
        changes=changes,
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
