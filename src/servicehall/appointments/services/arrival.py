"""Arrival: check-in at a kiosk or a counter (the booking becomes a queue ticket), the worker's no-shows and
reminders."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.appointments import selectors
from servicehall.appointments.choices import TRANSITIONS, AppointmentAction, LatePolicy
from servicehall.appointments.models import Appointment
from servicehall.appointments.services.common import (
    STAFF,
    S,
    appointment_lock,
    local_time,
    manage_path,
    notify_citizen,
    sweep_audit,
    when_text,
)
from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import DeviceKind
from servicehall.core.errors import Conflict, NotAuthenticated
from servicehall.core.models import Hall
from servicehall.core.notify import public_url
from servicehall.core.permissions import require_role
from servicehall.core.transitions import transition


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
    appt = selectors.appointment_find_for_check_in(
        hall=hall, code=code, phone=phone, id_number=id_number, now=now
    )
    if appt.status == S.CHECKED_IN and appt.ticket_id:
        return appt
    today = local_time(hall, now).date()
    if appt.status == S.BOOKED and appt.day != today:
        raise Conflict(
            _("This booking is for %(when)s, not today.") % {"when": when_text(hall, appt.start)},
            code="wrong_day",
        )
    opens = appt.start - datetime.timedelta(minutes=conf.check_in_before_minutes)
    closes = appt.start + datetime.timedelta(minutes=conf.check_in_after_minutes)
    if appt.status == S.BOOKED and now < opens:
        raise Conflict(
            _("Check-in for %(when)s opens at %(opens)s.")
            % {"when": when_text(hall, appt.start), "opens": local_time(hall, opens).strftime("%H:%M")},
            code="too_early",
        )
    late = now > closes
    if appt.status == S.BOOKED and late and conf.late_policy == LatePolicy.REFUSE:
        raise Conflict(
            _("Check-in closed at %(closes)s. Please book again or take a number.")
            % {"closes": local_time(hall, closes).strftime("%H:%M")},
            code="late",
        )
    with transaction.atomic():
        appt = appointment_lock(appt)
        new = transition(TRANSITIONS, appt, AppointmentAction.CHECK_IN)
        klass = "appointment" if queue_settings(hall=hall).priority_class("appointment") else NORMAL
        ticket = ticket_issue(
            actor=actor,
            hall=hall,
            service_code=appt.service.code,
            channel=Channel.APPOINTMENT,
            priority=NORMAL if late else klass,
            phone=crypto.decrypt(appt.phone_encrypted),
            customer_id=appt.customer_id,  # the booking's person (issue 15)
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
            missed = []
            for appt in Appointment.objects.select_for_update(skip_locked=True).filter(
                hall=conf_hall, status=S.BOOKED, start__lt=cutoff
            )[:1000]:
                appt.status, appt.no_show_at = transition(TRANSITIONS, appt, AppointmentAction.NO_SHOW), now
                appt.save(update_fields=["status", "no_show_at"])
                missed.append(appt)
            if missed:
                sweep_audit(action="appointment.no_shows_mark", hall=conf_hall, appts=missed)
            marked += len(missed)
    return marked


def _reminder_text(hall: Hall, appt: Appointment) -> str:
    return _(
        "[%(hall)s] Reminder: %(service)s at %(when)s, booking code %(code)s. Cancel or change: %(link)s"
    ) % {
        "hall": hall.name,
        "service": appt.service.name,
        "when": when_text(hall, appt.start),
        "code": appt.code,
        "link": public_url(manage_path(appt)),
    }


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
                reminded = list(due)
                for appt in reminded:
                    setattr(appt, field, now)
                    appt.save(update_fields=[field])
                    notify_citizen(appt, _reminder_text(hall, appt))
                    sent += 1
                if reminded:
                    sweep_audit(
                        action="appointment.reminders_send", hall=hall, appts=reminded, reminder=field
                    )
    return sent
