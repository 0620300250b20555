"""A citizen uses their own record (实名预填): on the phone or at the kiosk they give their resident ID
number and the mobile on their record, receive a 6-digit code on that mobile, type it, and the form they
are filling takes the personal fields the service may collect from the record (``eforms``).

Nothing here tells a stranger whether someone is registered: the first step answers the same whether a
record matched or not (a proof without a person, whose code can never be right). The code is a keyed
digest bound to the proof, valid ``CODE_TTL``, ``MAX_ATTEMPTS`` wrong tries, and good once; codes are
asked for at most once a minute and ``CODES_PER_DAY`` a day per mobile (at a kiosk too: the limits
protect the mobile's owner) and a few times a minute per address. A proven record is usable for
``USE_TTL`` after the code, for one saved form; each read of it is audited (the values are not in the
row). What the record gave is remembered as keyed digests, so a form counts as prefilled only the
answers still equal to them, whatever the page posts.

Known and left: the code is texted at once, so a match answers a little later than no match; telling
the two apart needs both the person's ID number and their mobile already, and is limited like the
codes."""

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
from servicehall.core.identity import (
    is_valid_mobile,
    is_valid_resident_id,
    normalize_phone,
    normalize_resident_id,
)
from servicehall.core.models import Hall
from servicehall.core.notify import send_text
from servicehall.core.ratelimit import rate_limit
from servicehall.customers.choices import CertificateType, PersonStatus
from servicehall.customers.models import Person, RecordProof

CODE_TTL = datetime.timedelta(minutes=10)
USE_TTL = datetime.timedelta(minutes=30)
MAX_ATTEMPTS = 5
CODES_PER_DAY = 5


def _otp_digest(proof: RecordProof, otp: str) -> str:
    return crypto.digest(f"{proof.token}:{otp}", purpose="record-proof")


@transaction.atomic
def proof_start(*, actor: Actor, hall: Hall, id_number: str, phone: str) -> RecordProof:
    """Check the two values' form (errors beside the fields), then start a proof and text a code when an
    active record of the hall has both; the answer is the same either way."""
    from servicehall.customers.services import certificate_digest, phone_digest

    rate_limit(actor=actor, scope="record-proof", per_minute=5)
    id_number = normalize_resident_id(id_number if isinstance(id_number, str) else "")
    phone = normalize_phone(phone if isinstance(phone, str) else "")
    errors = {}
    if not is_valid_resident_id(id_number):
        errors["id_number"] = [_("This is not a valid resident ID number: check the 18 characters.")]
    if not is_valid_mobile(phone):
        errors["phone"] = [_("Enter an 11-digit mainland mobile number.")]
    if errors:
        raise Invalid(fields=errors)
    mobile = phone_digest(phone)
    rate_limit(actor=actor, scope="record-proof-phone", per_minute=1, key=mobile, everyone=True)
    rate_limit(actor=actor, scope="record-proof-phone", per_day=CODES_PER_DAY, key=mobile, everyone=True)
    now = timezone.now()
    person = Person.objects.filter(
        hall=hall,
        status=PersonStatus.ACTIVE,
        id_digest=certificate_digest(CertificateType.RESIDENT_ID, id_number),
        phone_digest=phone_digest(phone),
    ).first()
    proof = RecordProof(
        token=secrets.token_urlsafe(32), hall=hall, person=person, created_at=now, expires_at=now + CODE_TTL
    )
    otp = f"{secrets.randbelow(1_000_000):06d}"
    proof.otp_digest = _otp_digest(proof, otp) if person else ""
    proof.save()
    if person is not None:
        minutes = int(CODE_TTL.total_seconds() // 60)
        text = _(
            "[%(hall)s] Your code to fill in the form from your record: %(otp)s (valid %(minutes)s minutes)."
        )
        send_text(phone, text % {"hall": hall.name_local, "otp": otp, "minutes": minutes})  # the outbox
    return proof


def proof_verify(*, actor: Actor, hall: Hall, token: str, otp: str) -> RecordProof:
    """The code typed: the proven proof, or the field error (tries left) / an expired code. A wrong try
    is counted in its own transaction, so the error cannot give it back."""
    rate_limit(actor=actor, scope="record-proof-verify", per_minute=10)
    otp = (otp or "").strip() if isinstance(otp, str) else ""
    with transaction.atomic():
        proof = RecordProof.objects.select_for_update().filter(token=(token or "")[:43], hall=hall).first()
        used = proof is not None and proof.verified_at is not None  # a code is good once
        if proof is None or used or proof.expires_at <= timezone.now() or proof.attempts >= MAX_ATTEMPTS:
            outcome = "expired"
        elif (
            proof.otp_digest
            and otp.isdigit()
            and hmac.compare_digest(proof.otp_digest, _otp_digest(proof, otp))
        ):
            proof.verified_at = timezone.now()
            proof.save(update_fields=["verified_at"])
            outcome = "ok"
        else:
            proof.attempts += 1
            proof.save(update_fields=["attempts"])
            outcome = "wrong"
    if outcome == "expired":
        raise Conflict(_("This code has expired. Ask for a new one."), code="code_expired")
    if outcome == "wrong":
        left = MAX_ATTEMPTS - proof.attempts
        raise Invalid(fields={"otp": [_("Wrong code: %(left)s tries left.") % {"left": left}]})
    return proof


def _value_digest(value) -> str:
    return crypto.digest(str(value).strip(), purpose="record-prefill")


def proof_remember(proof: RecordProof, answers: dict) -> None:
    """Keep what the record gave the form (digests only): the answers a later save may count prefilled."""
    proof.prefill = {key: _value_digest(value) for key, value in answers.items()}
    proof.save(update_fields=["prefill"])


def proof_claim(*, hall: Hall, token: str) -> RecordProof | None:
    """The proof behind ``token``, locked, when it may still link a form: proven within ``USE_TTL``, not
    used yet, its record still active; else None (the form is saved unlinked). The caller's transaction
    marks it used with the save (``proof_use``), so two saves cannot both use it."""
    token = (token or "")[:43]
    if not token:
        return None
    proof = RecordProof.objects.select_for_update().filter(token=token, hall=hall).first()
    if proof is None or proof.verified_at is None or proof.used_at is not None or proof.person_id is None:
        return None
    if proof.verified_at + USE_TTL <= timezone.now():
        return None
    if not Person.objects.filter(pk=proof.person_id, status=PersonStatus.ACTIVE).exists():
        return None
    return proof


def prefilled_keys(proof: RecordProof, answers: dict) -> list[str]:
    """The answers still equal to what the record gave (a changed one is the citizen's own)."""
    return sorted(
        key
        for key, digest in proof.prefill.items()
        if isinstance(answers.get(key), str) and hmac.compare_digest(_value_digest(answers[key]), digest)
    )


def proof_use(proof: RecordProof) -> None:
    proof.used_at = timezone.now()
    proof.save(update_fields=["used_at"])


def own_values(*, actor: Actor, person: Person, purpose: str) -> dict:
    """The clear values of the proven person's own record, for them; audited (who: the citizen's address
    or kiosk; why: ``purpose``)."""
    audit_record(
        actor=actor,
        action="customers.person.own_read",
        hall=person.hall,
        obj=person,
        after={"purpose": purpose},
    )
    return {
        "id_type": person.id_type,
        "id_number": crypto.decrypt(person.id_encrypted),
        "name": crypto.decrypt(person.name_encrypted),
        "phone": crypto.decrypt(person.phone_encrypted),
    }
