"""Proving the mobile an item was left with (短信验证码) without blocking the item itself.

The public contract (``POST /halls/{hall_code}/feedback`` → 201) stays as it is: an item left with a
mobile on the web or kiosk is accepted at once and handled like any other, but marked *unverified* until
the citizen types the 6-digit code that was texted to the number. Until then nothing else is texted to the
number (so a stranger's mobile typed in by mistake or malice gets one code, no more), and staff see the
mobile as unverified. Staff entering an item for a citizen (counter, 12345 hotline) vouch for the number.

The code is kept only as a keyed digest bound to the item, expires after ``CODE_TTL``, allows
``MAX_ATTEMPTS`` wrong tries, and a new one can be asked for at most ``RESENDS_PER_MINUTE`` times a minute
per mobile (``core.ratelimit``). A wrong code and an unknown code/mobile read alike.
"""

import datetime
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.errors import Conflict, Invalid
from servicehall.core.notify import send_text
from servicehall.core.ratelimit import rate_limit
from servicehall.feedback import selectors
from servicehall.feedback.models import FeedbackItem

CODE_TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESENDS_PER_MINUTE = 1


def otp_digest(item: FeedbackItem, otp: str) -> str:
    return crypto.digest(f"{item.public_id}:{otp}", purpose="feedback-otp")


def otp_issue(item: FeedbackItem) -> str:
    """A fresh 6-digit code for ``item`` (the caller saves the row and texts the code)."""
    otp = f"{secrets.randbelow(1_000_000):06d}"
    item.otp_digest = otp_digest(item, otp)
    item.otp_expires_at = timezone.now() + CODE_TTL
    item.otp_attempts = 0
    return otp


def code_text(item: FeedbackItem, otp: str) -> str:
    minutes = int(CODE_TTL.total_seconds() // 60)
    return _(
        "Your feedback %(code)s was received. Verification code %(otp)s (valid %(minutes)s minutes)."
    ) % {"code": item.code, "otp": otp, "minutes": minutes}


def feedback_verify_phone(*, actor: Actor, code: str, phone: str, otp: str) -> FeedbackItem:
    """The citizen proves the mobile with the code texted to it. Locks the item's row. A wrong code
    counts a try (committed before the error is raised, so a rollback cannot give the try back); after
    ``MAX_ATTEMPTS`` or ``CODE_TTL`` the code is void and a new one must be asked for."""
    rate_limit(actor=actor, scope="feedback-verify", per_minute=10)
    found = selectors.item_for_citizen(code=code, phone=phone)
    with transaction.atomic():
        item = FeedbackItem.objects.select_for_update(of=("self",)).select_related("hall").get(pk=found.pk)
        outcome = _check_otp(item, (otp or "").strip())
        if outcome == "ok":
            item.phone_verified_at = timezone.now()
            item.otp_digest, item.otp_expires_at = "", None
            item.save(update_fields=["phone_verified_at", "otp_digest", "otp_expires_at"])
            audit_record(
                actor=actor,
                action="feedback.verify_phone",
                hall=item.hall,
                obj=item,
                after={"verified": True},
            )
        elif outcome == "wrong":
            item.otp_attempts += 1
            item.save(update_fields=["otp_attempts"])
    if outcome == "expired":
        raise Conflict(_("This code has expired. Ask for a new one."), code="code_expired")
    if outcome == "wrong":
        left = MAX_ATTEMPTS - item.otp_attempts
        raise Invalid(fields={"otp": [_("Wrong code: %(left)s tries left.") % {"left": left}]})
    return item


def _check_otp(item: FeedbackItem, otp: str) -> str:
    if item.phone_verified_at:
        return "done"
    usable = item.otp_digest and item.otp_expires_at and item.otp_expires_at > timezone.now()
    if not usable or item.otp_attempts >= MAX_ATTEMPTS:
        return "expired"
    good = otp.isdigit() and len(otp) == 6 and hmac.compare_digest(item.otp_digest, otp_digest(item, otp))
    return "ok" if good else "wrong"


@transaction.atomic
def feedback_resend_code(*, actor: Actor, code: str, phone: str) -> FeedbackItem:
    """A new code texted to the mobile (the old one is void), at most once a minute per mobile."""
    item = selectors.item_for_citizen(code=code, phone=phone)
    rate_limit(actor=actor, scope="feedback-otp", per_minute=RESENDS_PER_MINUTE, key=item.phone_digest)
    item = FeedbackItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if item.phone_verified_at:
        return item
    otp = otp_issue(item)
    item.save(update_fields=["otp_digest", "otp_expires_at", "otp_attempts"])
    send_text(phone, code_text(item, otp))
    return item
