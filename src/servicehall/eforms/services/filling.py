"""Filling forms: a citizen saves a draft (phone, web, kiosk) and resumes it by code + mobile, completes
it, and links it to the ticket they came with; the clerk fills or links one at the window. Answers are
checked against the version the form was started on (``answers_check``), then stored encrypted."""

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.errors import Invalid
from servicehall.core.identity import is_valid_mobile, mask_phone, normalize_phone
from servicehall.core.permissions import has_role, require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.transitions import transition
from servicehall.eforms import selectors
from servicehall.eforms.answers import answers_check
from servicehall.eforms.choices import FILLED_TRANSITIONS, Channel, FilledAction
from servicehall.eforms.models import FilledForm
from servicehall.eforms.services import files
from servicehall.eforms.services.common import STAFF, audit

OPEN_TICKET_STATES = ("waiting", "called", "serving", "parked")  # queueing.choices.TicketStatus


def _is_staff(actor: Actor, hall) -> bool:
    return actor.user_id is not None and has_role(actor.user, hall, *STAFF)


def _check_mobile(mobile: str, *, needed: bool) -> str:
    """The mobile the form is resumed with (``mobile``: the form may have a field called ``phone``)."""
    mobile = normalize_phone(mobile if isinstance(mobile, str) else "")
    if (mobile or needed) and not is_valid_mobile(mobile):
        raise Invalid(fields={"mobile": [_("Enter an 11-digit mainland mobile number.")]})
    return mobile


def _store(filled: FilledForm, answers: dict, *, complete: bool, now) -> None:
    filled.answers_encrypted = crypto.encrypt(json.dumps(answers, ensure_ascii=False))
    action = FilledAction.COMPLETE if complete else FilledAction.SAVE
    if not complete and filled.status == "complete":
        action = FilledAction.REOPEN
    filled.status = transition(FILLED_TRANSITIONS, filled, action)
    filled.updated_at = now
    if complete:
        filled.completed_at = now


def _form_to_fill(*, item, code: str, phone: str, staff: bool, channel: str, now) -> FilledForm:
    """The form started before (``code``: the citizen's with their mobile, any of the item's for staff),
    locked, or a new one on the item's published version."""
    if not code:
        version = selectors.published_version(item=item)
        return FilledForm(hall=item.hall, item=item, version=version, channel=channel, created_at=now)
    found = selectors.filled_get(code=code) if staff else selectors.filled_for_citizen(code=code, phone=phone)
    filled = FilledForm.objects.select_for_update().select_related("version").get(pk=found.pk)
    if filled.item_id != item.pk:
        raise Invalid(fields={"code": [_("This code belongs to another service's form.")]})
    return filled


@transaction.atomic
def filled_save(
    *,
    actor: Actor,
    item,
    answers,
    mobile: str = "",
    code: str = "",
    complete: bool = False,
    channel: str = Channel.WEB,
    prefilled: list[str] | None = None,
    uploads: dict | None = None,
    person_id: int | None = None,
) -> FilledForm:
    """Save a citizen's answers: a new form on the item's published version, or (``code`` + the same
    mobile) the form they started before, on its own version. A draft is checked for what was typed, a
    completed form for everything (required answers, conditions). The mobile is what resumes the form:
    required unless staff fill it at the window. ``uploads`` (field key → posted file) are the documents
    of ``file`` fields (``services.files``), stored with the form. Rate-limited per address for the
    public; locks the filled form's row when resuming."""
    hall = item.hall
    staff = _is_staff(actor, hall)
    rate_limit(actor=actor, scope="eforms-save", per_minute=20)
    if channel not in Channel.values or (channel == Channel.COUNTER and not staff):
        raise Invalid(fields={"channel": [_("Choose a channel from the list.")]})
    errors: dict = {}
    try:
        phone = _check_mobile(mobile, needed=not staff)
    except Invalid as exc:
        if code:
            raise
        phone, errors = "", exc.fields
    now = timezone.now()
    filled = _form_to_fill(item=item, code=code, phone=phone, staff=staff, channel=channel, now=now)
    checked: dict = {}
    if isinstance(answers, dict):
        answers, file_errors, checked = files.file_answers(
            filled=filled, answers=answers, uploads=uploads or {}
        )
        errors = {**file_errors, **errors}
    try:
        cleaned = answers_check(filled.version.definition, answers, partial=not complete)
    except Invalid as exc:
        errors = {**exc.fields, **errors}
    if errors:
        raise Invalid(fields=errors)  # every answer's error and the mobile's at once
    if phone:
        filled.phone_hint, filled.phone_digest = mask_phone(phone), crypto.digest(phone, purpose="phone")
    if prefilled is not None:
        filled.prefilled_fields = [k for k in prefilled if k in cleaned]
    if person_id is not None:  # the citizen proved the record (customers.proof) or staff identified them
        filled.person_id = person_id
    _store(filled, cleaned, complete=complete, now=now)
    filled.save()
    files.files_store(actor=actor, filled=filled, checked=checked, answers=cleaned)
    audit(
        actor,
        "filled.complete" if complete else "filled.save",
        filled,
        hall=hall,
        after={"status": filled.status, "version": filled.version.number, "channel": filled.channel},
    )
    return filled


@transaction.atomic
def filled_save_proven(*, actor: Actor, item, token: str, answers, **kwargs) -> FilledForm:
    """``filled_save`` by a citizen who proved their record (``customers.proof``, its token): the form is
    linked to the person, the answers still equal to what the record gave are counted prefilled, and the
    proof is used up with the save (one form per proof; a refused save leaves it usable). An expired or
    used proof saves the form unlinked."""
    from servicehall.customers import proof

    claim = proof.proof_claim(hall=item.hall, token=token)
    if claim is None:
        return filled_save(actor=actor, item=item, answers=answers, **kwargs)
    keys = proof.prefilled_keys(claim, answers if isinstance(answers, dict) else {})
    filled = filled_save(
        actor=actor, item=item, answers=answers, prefilled=keys, person_id=claim.person_id, **kwargs
    )
    proof.proof_use(claim)
    return filled


@transaction.atomic
def filled_link_ticket(*, actor: Actor, ticket, code: str, mobile: str = "") -> FilledForm:
    """Attach a filled form to the ticket its citizen came with, so the clerk sees it when the ticket is
    called. Staff of the ticket's hall need the form's code; anyone else (the citizen on the ticket's own
    page) the code and the form's mobile. The form must be for the ticket's service, and the ticket still
    open; a form linked before to this ticket is unlinked. Locks the form row, then the ticket's
    previous form."""
    staff = _is_staff(actor, ticket.hall)
    if not staff:
        rate_limit(actor=actor, scope="eforms-link", per_minute=10)
    found = (
        selectors.filled_get(code=code.upper())
        if staff
        else selectors.filled_for_citizen(code=code, phone=mobile)
    )
    filled = FilledForm.objects.select_for_update().get(pk=found.pk)
    if filled.hall_id != ticket.hall_id or filled.item_id != ticket.service_id:
        raise Invalid(fields={"code": [_("This form is for another service than the ticket.")]})
    if ticket.status not in OPEN_TICKET_STATES:
        raise Invalid(fields={"code": [_("This ticket is already finished.")]})
    now = timezone.now()
    previous = FilledForm.objects.select_for_update().filter(ticket=ticket).exclude(pk=filled.pk).first()
    if previous is not None:
        previous.ticket = None
        previous.save(update_fields=["ticket"])
    filled.ticket, filled.linked_at = ticket, now
    filled.save(update_fields=["ticket", "linked_at"])
    audit(
        actor,
        "filled.link",
        filled,
        hall=ticket.hall,
        after={"ticket": ticket.number, "replaced": previous.code if previous else ""},
    )
    return filled


def filled_fill_at_counter(
    *, actor: Actor, ticket, answers, complete: bool = True, prefilled: list[str] | None = None
) -> FilledForm:
    """The clerk fills the form for the ticket at the window (or corrects the one linked to it)."""
    require_role(actor, ticket.hall, *STAFF)
    existing = selectors.filled_of_ticket(ticket=ticket)
    filled = filled_save(
        actor=actor,
        item=ticket.service,
        answers=answers,
        code=existing.code if existing else "",
        complete=complete,
        channel=Channel.COUNTER,
        prefilled=prefilled,
    )
    return filled if existing else filled_link_ticket(actor=actor, ticket=ticket, code=filled.code)


def counter_prefill(*, actor: Actor, ticket) -> dict:
    """The answers the record of the ticket's citizen may prefill (only the personal fields the item may
    collect); reading the record is audited by ``customers.services.person_reveal``."""
    require_role(actor, ticket.hall, *STAFF)
    if not ticket.customer_id:
        return {}
    from servicehall.customers.selectors import person_get
    from servicehall.customers.services import person_reveal

    person = person_get(hall=ticket.hall, pk=ticket.customer_id)
    values = person_reveal(actor=actor, person=person, reason=_("Prefill the service's form"))
    return selectors.prefill_answers(item=ticket.service, person_values=values)
