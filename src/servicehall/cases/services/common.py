"""What the case services share: digests of the mobile and ID number, the readable case number, the
deadlines in working days, the audit row, the lock and the texts to the citizen."""

import datetime
import json

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.cases.models import Case
from servicehall.core import calendar, crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.identity import normalize_phone, normalize_resident_id
from servicehall.core.models import Hall
from servicehall.core.notify import public_url, send_text

STAFF = (Role.MANAGER, Role.CLERK)
DECIDERS = (Role.MANAGER,)
# Where the catalogue gives no limit: the 行政许可法's 20 working days.
DEFAULT_LIMIT_DAYS = 20


def phone_digest(phone: str) -> str:
    return crypto.digest(normalize_phone(phone), purpose="phone")


def id_digest(id_number: str) -> str:
    """The same purpose as bookings and customer records, so the digests agree across apps."""
    return crypto.digest(normalize_resident_id(id_number), purpose="resident_id")


def track_url(case: Case) -> str:
    return public_url(reverse("cases:track") + f"?number={case.number}")


def next_number(hall: Hall, now: datetime.datetime) -> str:
    """``YYYYMMDD`` + the hall's id (3 digits) + the day's sequence (4 digits): digits only, so the kiosk's
    number pad types it, and readable on a receipt. The caller holds the hall's row lock."""
    day = now.astimezone(hall.tzinfo).date()
    prefix = f"{day:%Y%m%d}{hall.pk:03d}"
    last = (
        Case.objects.filter(hall=hall, number__startswith=prefix)
        .order_by("-number")
        .values_list("number")[:1]
    )
    seq = int(last[0][0][len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def limits(service) -> tuple[int, int]:
    """(promised, legal) working days of the item; a missing one falls back on the other, then on 20."""
    legal = service.legal_limit_days or service.promised_limit_days or DEFAULT_LIMIT_DAYS
    promised = service.promised_limit_days or legal
    return promised, legal


def set_deadlines(case: Case, start: datetime.datetime) -> None:
    """Both deadlines counted in the hall's working days from ``start`` (submission, then acceptance)."""
    promised, legal = limits(case.service)
    case.due_at = calendar.add_working_days(case.hall, start, promised)
    case.legal_due_at = calendar.add_working_days(case.hall, start, legal)


def working_days_between(hall: Hall, start: datetime.datetime, end: datetime.datetime) -> int:
    """Working days after ``start``'s day up to and including ``end``'s day: how long a 补正 stopped the
    clock (requested Monday, supplied Wednesday: 2)."""
    first = start.astimezone(hall.tzinfo).date() + datetime.timedelta(days=1)
    last = end.astimezone(hall.tzinfo).date()
    if last < first:
        return 0
    return sum(1 for info in calendar.hall_days(hall, first, last, fresh=True).values() if info.open)


def audit(actor: Actor, action: str, case: Case, **after) -> None:
    audit_record(
        actor=actor,
        action=f"cases.{action}",
        hall=case.hall,
        obj=case,
        after={"status": case.status, **after},
    )


def lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("hall", "service").get(pk=case.pk)


def encrypt_json(value) -> str:
    return crypto.encrypt(json.dumps(value, ensure_ascii=False)) if value else ""


def decrypt_json(token: str, default=None):
    return json.loads(crypto.decrypt(token)) if token else default


def text_citizen(case: Case, text: str) -> None:
    """A text to the mobile the case was given with (none when it has no mobile)."""
    if case.phone_encrypted:
        send_text(crypto.decrypt(case.phone_encrypted), text)


def now() -> datetime.datetime:
    return timezone.now()


def local_date(case: Case, when: datetime.datetime | None) -> str:
    return when.astimezone(case.hall.tzinfo).date().isoformat() if when else ""


NOTICE_MAX = 20


def clean_missing(missing) -> list[str]:
    """The one-time notice's list: 1-20 short lines, none blank (told all at once, 一次性告知)."""
    from servicehall.core.errors import Invalid

    if not isinstance(missing, list | tuple):
        raise Invalid(fields={"missing": [_("List what is missing, one item per line.")]})
    items = [str(m).replace("\x00", "").strip()[:200] for m in missing if str(m).strip()]
    if not items:
        raise Invalid(fields={"missing": [_("List at least one missing material.")]})
    if len(items) > NOTICE_MAX:
        raise Invalid(fields={"missing": [_("At most %(n)s items.") % {"n": NOTICE_MAX}]})
    return items
