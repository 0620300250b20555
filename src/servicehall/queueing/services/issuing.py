"""Issuing tickets: numbering, opening hours, daily caps, who may use which channel."""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.selectors import item_active
from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import DeviceKind
from servicehall.core.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from servicehall.core.identity import is_valid_mobile, mask_phone, normalize_phone
from servicehall.core.models import Hall
from servicehall.core.permissions import has_role
from servicehall.core.ratelimit import rate_limit
from servicehall.live.services import event_emit
from servicehall.queueing import selectors
from servicehall.queueing.choices import (
    NORMAL,
    Channel,
    TicketStatus,
    class_channels,
)
from servicehall.queueing.models import QueueSettings, Ticket, TicketSequence
from servicehall.queueing.services.common import (
    STAFF,
    _payload,
    _waiting_count,
)


def _next_number(hall: Hall, prefix: str, day: datetime.date) -> int:
    """Increment and return today's number for the prefix in one statement (never count() + 1)."""
    table = TicketSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (hall_id, prefix, day, last_number) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (hall_id, prefix, day) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [hall.pk, prefix, day.isoformat()],
        )
        return cursor.fetchone()[0]


def _check_open(hall: Hall, conf: QueueSettings, local: datetime.datetime) -> None:
    """Public channels issue only while the hall serves (``core.calendar.service_status``: holidays,
    调休 make-up days, days the hall is closed and the opening hours, less the minutes before closing
    when issuing stops). A hall with neither hours nor a closed day is always open."""
    notice = selectors.issuing_notice(hall=hall, local=local, conf=conf)
    if notice is not None:
        raise Conflict(notice["message"], code=notice["code"])


def _issue_rights(actor: Actor, hall: Hall, channel: str | None, priority: str, conf: QueueSettings) -> str:
    """Decide the channel and check who may use it and the priority class."""
    staff = has_role(actor.user, hall, *STAFF)
    device = actor.device if actor.device is not None and actor.device.hall_id == hall.pk else None
    if actor.device is not None and device is None:
        raise PermissionDenied(_("This device belongs to another hall."))
    # Each device kind does its job only: a kiosk issues walk-in tickets and check-ins; a display or a
    # rating pad issues nothing (its token, if stolen, cannot jump the queue).
    if device is not None and device.kind != DeviceKind.KIOSK:
        raise PermissionDenied(_("Only a kiosk can issue tickets; this device cannot."), code="device_kind")
    kiosk = device is not None
    if channel is None:
        channel = Channel.KIOSK if kiosk else Channel.COUNTER if staff else Channel.WEB
    # An anonymous caller is asked to sign in (401), like every staff-only action; a known one is refused.
    refuse = PermissionDenied if actor.user_id is not None or actor.device is not None else NotAuthenticated
    if channel in (Channel.COUNTER,) and not staff:
        raise refuse(_("Only staff of this hall can issue tickets at the counter."))
    if channel == Channel.APPOINTMENT and not (staff or kiosk):
        raise refuse(_("Appointment tickets come from check-in at a kiosk or by staff."))
    if channel == Channel.KIOSK and not (staff or kiosk):
        raise refuse(_("Kiosk tickets come from a registered kiosk of this hall."))
    if channel == Channel.WEB and kiosk:
        raise PermissionDenied(_("A kiosk issues kiosk tickets."), code="device_kind")
    if channel == Channel.WEB and not staff:
        if not conf.allow_remote_tickets:
            if actor.user_id is None:
                raise NotAuthenticated(
                    _("This hall issues tickets only on site, at the kiosk or the counter."),
                    code="remote_tickets_disabled",
                )
            raise PermissionDenied(_("This hall issues tickets only on site, at the kiosk or the counter."))
        rate_limit(actor=actor, scope="ticket_issue", per_minute=10)
    klass = conf.priority_class(priority)
    if klass is None:
        raise Invalid(fields={"priority": [_("Unknown priority class.")]})
    if channel not in class_channels(klass):
        if class_channels(klass) == [Channel.APPOINTMENT]:
            message = _("This ticket type comes only from checking in an appointment.")
        else:
            message = _("This ticket type is not issued here. Please ask at the counter.")
        raise PermissionDenied(message, code="class_not_allowed", fields={"priority": [message]})
    if priority != NORMAL and not (staff or kiosk):
        # said beside the class choice of the phone page, like the refusals above
        message = _("Priority tickets are issued at the kiosk or by staff.")
        raise PermissionDenied(message, fields={"priority": [message]})
    return channel


def ticket_issue(
    *,
    actor: Actor,
    hall: Hall,
    service_code: str,
    channel: str | None = None,
    priority: str = NORMAL,
    phone: str = "",
    customer_id: int | None = None,
) -> Ticket:
    """Issue a ticket. Public channels respect opening hours; every channel respects the service's daily
    cap. The number comes from the sequence row in this transaction, so a refused or failed issue leaves
    no gap. The returned ticket carries ``people_ahead`` and ``estimated_wait_seconds``."""
    conf = selectors.settings_get(hall=hall)
    channel = _issue_rights(actor, hall, channel, priority or NORMAL, conf)
    priority = priority or NORMAL
    phone = normalize_phone(phone or "")
    if phone and not is_valid_mobile(phone):
        raise Invalid(fields={"phone": [_("Enter an 11-digit mobile number.")]})
    item = item_active(hall=hall, code=service_code)
    if item is None:
        raise Invalid(fields={"service": [_("No such service in this hall.")]})
    now = timezone.now()
    local = selectors.local_now(hall, now)
    if channel in (Channel.KIOSK, Channel.WEB) and not has_role(actor.user, hall, *STAFF):
        _check_open(hall, conf, local)
    is_priority = bool(conf.priority_class(priority).get("priority"))
    with transaction.atomic():
        seq = _next_number(hall, item.ticket_prefix, local.date())
        cap = conf.daily_caps.get(item.code) if isinstance(conf.daily_caps, dict) else None
        # Services may share a prefix, so count this service's tickets; the upsert above holds the prefix's
        # sequence row, which serialises every issue that could change this count.
        # An appointment was promised a seat: a day's cap, sold out by walk-ins, does not refuse it.
        if (
            cap
            and channel != Channel.APPOINTMENT
            and Ticket.objects.filter(hall=hall, service=item, day=local.date()).count() >= int(cap)
        ):
            raise Conflict(
                _(
                    "Today's tickets for this service have all been issued (%(cap)s). "
                    "Please book an appointment or come back tomorrow."
                )
                % {"cap": cap},
                code="sold_out",
            )
        ticket = Ticket.objects.create(
            hall=hall,
            service=item,
            day=local.date(),
            prefix=item.ticket_prefix,
            seq=seq,
            number=f"{item.ticket_prefix}{seq:03d}",
            channel=channel,
            priority=priority,
            is_priority=is_priority,
            phone_encrypted=crypto.encrypt(phone),
            phone_hint=mask_phone(phone) if phone else "",
            customer_id=customer_id,
            issued_at=now,
            queued_at=now,
            waiting_since=now,
        )
        waiting = _waiting_count(hall.pk, item.pk, local.date())
        if is_priority:
            ahead = (
                Ticket.objects.filter(
                    hall=hall, service=item, status=TicketStatus.WAITING, is_priority=True, queued_at__lte=now
                )
                .exclude(pk=ticket.pk)
                .count()
            )
        else:
            ahead = waiting - 1
        event_emit(
            hall=hall,
            kind="ticket.issued",
            payload=_payload(ticket, "issue", waiting={item.code: waiting}, at_counter=False),
        )
        audit_record(
            actor=actor,
            action="ticket.issue",
            hall=hall,
            obj=ticket,
            after={"number": ticket.number, "service": item.code, "channel": channel, "priority": priority},
        )
    ticket.people_ahead = ahead
    ticket.estimated_wait_seconds = selectors.estimate_wait_seconds(
        service_id=item.pk,
        hall_id=hall.pk,
        ahead=ahead,
        default_minutes=conf.default_service_minutes,
        ticket=ticket,
    )
    return ticket
