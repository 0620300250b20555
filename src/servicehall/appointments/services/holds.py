"""What a public hold costs its holder (security review, issue 13 item 2): the check question first (in
``booking.appointment_hold``), a cap of active holds per address and per mobile number, and a shorter hold
when the day is nearly full. Each is a per-hall setting (``AppointmentSettings``); staff, devices and API
tokens hold on a citizen's behalf and are not capped.
"""

import datetime
import hashlib

from django.db import connection
from django.utils.translation import gettext as _

from servicehall.appointments import selectors
from servicehall.appointments.models import AppointmentSettings, WorkingPlan
from servicehall.core import crypto
from servicehall.core.errors import Conflict, Invalid
from servicehall.core.identity import is_valid_mobile, normalize_phone
from servicehall.core.models import Hall


def hold_phone_digest(phone: str) -> str:
    """The digest of the mobile number a hold carries (optional), or a 422 beside the field."""
    if not phone:
        return ""
    phone = normalize_phone(phone)
    if not is_valid_mobile(phone):
        raise Invalid(fields={"phone": [_("Enter an 11-digit mobile number.")]})
    return crypto.digest(phone, purpose="phone")


def _holder_lock(hall: Hall, key: str) -> None:
    """Make one holder's holds wait for each other until the commit, so the cap counts the other one.
    PostgreSQL: a transaction-scoped advisory lock; SQLite runs one writing transaction at a time."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"appointment-holder:{hall.pk}:{key}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def holds_cap(
    *, hall: Hall, conf: AppointmentSettings, held_from: str | None, phone_digest: str, now: datetime.datetime
) -> None:
    """Refuse (409 ``hold_limit``, beside the field) a public hold beyond the hall's cap of active holds
    per address or per mobile number. Call inside the hold's transaction, before the seat is taken."""
    if held_from:
        _holder_lock(hall, f"ip:{held_from}")
        if (
            selectors.active_holds(hall=hall, now=now, held_from=held_from).count()
            >= conf.max_holds_per_address
        ):
            raise Conflict(
                _(
                    "Seats are already being held from this connection (at most %(n)s at once). Finish or "
                    "let go of those bookings first, or wait a few minutes."
                )
                % {"n": conf.max_holds_per_address},
                code="hold_limit",
                fields={
                    "start": [
                        _("At most %(n)s seats may be held at once from one connection.")
                        % {"n": conf.max_holds_per_address}
                    ]
                },
            )
    if phone_digest:
        _holder_lock(hall, f"phone:{phone_digest}")
        if selectors.active_holds(hall=hall, now=now, phone_digest=phone_digest).count() >= (
            conf.max_holds_per_phone
        ):
            raise Conflict(
                _("This mobile number already holds %(n)s seat(s), the most allowed at once.")
                % {"n": conf.max_holds_per_phone},
                code="hold_limit",
                fields={
                    "phone": [
                        _("This mobile number already holds %(n)s seat(s), the most allowed at once.")
                        % {"n": conf.max_holds_per_phone}
                    ]
                },
            )


def hold_minutes(
    *, hall: Hall, plan: WorkingPlan, day: datetime.date, conf: AppointmentSettings, now: datetime.datetime
) -> int:
    """How long a new hold lasts: ``hold_minutes``, or at most ``hold_minutes_when_scarce`` when fewer than
    ``scarce_percent`` % of the day's seats of the service are left (0 %: never shortened)."""
    if not conf.scarce_percent:
        return conf.hold_minutes
    seats, left = selectors.day_seats(hall=hall, plan=plan, day=day, now=now)
    if seats and left * 100 < seats * conf.scarce_percent:
        return min(conf.hold_minutes, conf.hold_minutes_when_scarce)
    return conf.hold_minutes
