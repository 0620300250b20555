"""How a case begins: an application online (the public API or the e-form, rate-limited) or at the window
from the ticket being served (accepted on the spot, the ticket its first visit); and the materials
checklist ticked from the catalogue (original seen / copy kept / electronic)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from servicehall.cases.choices import TRANSITIONS, CaseAction, CaseChannel
from servicehall.cases.models import Case, CaseVisit
from servicehall.cases.services import common
from servicehall.catalog.models import ServiceItem
from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.identity import (
    is_valid_mobile,
    is_valid_resident_id,
    mask_phone,
    mask_resident_id,
    normalize_phone,
    normalize_resident_id,
)
from servicehall.core.models import Hall
from servicehall.core.permissions import require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.transitions import transition
from servicehall.eforms import selectors as eforms_selectors
from servicehall.live.services import event_emit

MATERIAL_FLAGS = ("original_seen", "copy_kept", "electronic")
MAX_ANSWERS = 100


@dataclass(frozen=True)
class CheckedAnswers:
    """The shape ``eforms.services.form_answers_check`` returns, for items without a published form."""

    version_id: int | None
    answers: dict
    labelled: list


def answers_check(*, hall: Hall, item: ServiceItem, answers) -> CheckedAnswers:
    """The item's published e-form's check (``eforms``: 422 with the schema's field errors keyed by field
    key, the version and a labelled copy); an item without a published form takes a flat dict of short
    strings and numbers."""
    try:
        from servicehall.eforms.services import form_answers_check
    except ImportError:  # pragma: no cover - the eforms app is part of the project
        return flat_answers_check(answers)
    if not isinstance(answers, dict):
        raise Invalid(fields={"answers": [_("Answers must be an object of field → value.")]})
    try:
        return form_answers_check(hall=hall, item=item, answers=answers)
    except NotFound as exc:
        if exc.code != "no_form":
            raise
        return flat_answers_check(answers)  # an item without a published form


def flat_answers_check(answers) -> CheckedAnswers:
    if not isinstance(answers, dict):
        raise Invalid(fields={"answers": [_("Answers must be an object of field → value.")]})
    if len(answers) > MAX_ANSWERS:
        raise Invalid(fields={"answers": [_("Too many answers.")]})
    errors, clean = {}, {}
    for key, value in answers.items():
        key = str(key)
        ok_key = 0 < len(key) <= 64 and "\x00" not in key
        if not ok_key or isinstance(value, bool) or not isinstance(value, str | int | float):
            errors[key[:64] or "answers"] = [_("Give a short text or a number.")]
            continue
        if isinstance(value, int | float) and not -1e12 < value < 1e12:
            errors[key] = [_("This number is out of range.")]
        elif isinstance(value, str) and (len(value) > 500 or "\x00" in value):
            errors[key] = [_("Write at most 500 characters.")]
        else:
            clean[key] = value.strip() if isinstance(value, str) else value
    if errors:
        raise Invalid(fields=errors)
    return CheckedAnswers(None, clean, [{"key": k, "label": k, "value": v} for k, v in clean.items()])


def checklist(item: ServiceItem, ticked: dict | None = None) -> list[dict]:
    """The item's materials with the flags ticked (``{material id: [flags]}``); unknown ids refused."""
    ticked = ticked or {}
    materials = list(item.materials.all())
    known = {str(m.pk) for m in materials}
    if not isinstance(ticked, dict) or any(str(k) not in known for k in ticked):
        raise Invalid(fields={"materials": [_("Tick only this service's materials.")]})
    out = []
    for m in materials:
        flags = ticked.get(str(m.pk)) or ticked.get(m.pk) or []
        if not isinstance(flags, list | tuple) or any(f not in MATERIAL_FLAGS for f in flags):
            raise Invalid(fields={"materials": [_("Unknown mark on a material.")]})
        out.append(
            {"id": m.pk, "name": m.name, "required": m.required, **{f: f in flags for f in MATERIAL_FLAGS}}
        )
    return out


def _contact(case: Case, phone: str, id_number: str | None) -> None:
    phone = normalize_phone(phone or "")
    errors = {}
    if not is_valid_mobile(phone):
        errors["phone"] = [_("Enter an 11-digit mainland mobile number.")]
    if id_number and not is_valid_resident_id(normalize_resident_id(id_number)):
        errors["id_number"] = [_("Enter a valid 18-character resident ID number.")]
    if errors:
        raise Invalid(fields=errors)
    case.phone_encrypted = crypto.encrypt(phone)
    case.phone_hint = mask_phone(phone)
    case.phone_digest = common.phone_digest(phone)
    if id_number:
        case.id_hint = mask_resident_id(normalize_resident_id(id_number))
        case.id_digest = common.id_digest(id_number)


def _new_case(*, hall: Hall, item: ServiceItem, channel: str, checked, phone, id_number, person) -> Case:
    """A case in ``submitted`` with its number, deadlines and encrypted answers (not yet saved)."""
    Hall.objects.select_for_update().filter(pk=hall.pk).first()  # serialises the day's numbering
    now = common.now()
    case = Case(
        hall=hall,
        service=item,
        channel=channel,
        person=person,
        submitted_at=now,
        number=common.next_number(hall, now),
        form_version_id=checked.version_id,
        answers_encrypted=common.encrypt_json(checked.answers),
        labelled_encrypted=common.encrypt_json(checked.labelled),
        materials=checklist(item),
    )
    _contact(case, phone, id_number)
    common.set_deadlines(case, now)
    return case


@transaction.atomic
def case_submit_online(
    *,
    hall: Hall,
    item: ServiceItem,
    checked,
    phone: str,
    id_number=None,
    person=None,
    actor=None,
    form_code: str = "",
) -> Case:
    """An online application from answers already checked by the e-form (``checked``: ``version_id``,
    ``answers``, ``labelled``). The deadline shown until acceptance counts from now; acceptance sets it
    again. The case number and the tracking link are texted to the mobile."""
    actor = actor or Actor()
    if item.hall_id != hall.pk or not item.active:
        raise Invalid(fields={"service": [_("This service is not offered here.")]})
    case = _new_case(
        hall=hall,
        item=item,
        channel=CaseChannel.ONLINE,
        checked=checked,
        phone=phone,
        id_number=id_number,
        person=person,
    )
    case.form_code = form_code
    case.save()
    common.audit(actor, "submit", case, channel=case.channel, service=item.code)
    event_emit(hall=hall, kind="cases.submitted", payload={"number": case.number})
    common.text_citizen(
        case,
        _("Your application %(number)s was received. Follow it: %(link)s")
        % {"number": case.number, "link": common.track_url(case)},
    )
    return case


def application_submit(
    *, actor: Actor, hall: Hall, service: str, answers, phone: str, id_number: str | None = None
) -> Case:
    """The public API's application: rate-limited per address and per mobile, the service by its code,
    the answers checked against the item's published form (422 with the field errors)."""
    rate_limit(actor=actor, scope="cases-apply", per_minute=5)
    if phone:
        rate_limit(actor=actor, scope="cases-apply-phone", per_minute=3, key=common.phone_digest(phone))
    item = ServiceItem.objects.filter(hall=hall, code=(service or "")[:64], active=True).first()
    if item is None:
        raise Invalid(fields={"service": [_("No such service in this hall.")]})
    checked = answers_check(hall=hall, item=item, answers=answers)
    return case_submit_online(
        hall=hall, item=item, checked=checked, phone=phone, id_number=id_number, actor=actor
    )


@transaction.atomic
def case_open_at_window(
    *,
    actor: Actor,
    ticket,
    phone: str = "",
    id_number: str = "",
    materials: dict | None = None,
    answers: dict | None = None,
) -> Case:
    """The clerk accepts an application at the window from the ticket being served: the case starts
    accepted (its deadlines from now), the ticket is its first visit, the person is the ticket's. The
    mobile is the ticket's unless typed. Locks the hall row (numbering)."""
    from servicehall.queueing.models import Ticket

    hall = ticket.hall
    require_role(actor, hall, *common.STAFF)
    ticket = (
        Ticket.objects.select_for_update(of=("self",)).select_related("service", "counter").get(pk=ticket.pk)
    )
    if CaseVisit.objects.filter(ticket=ticket).exists():
        raise Invalid(fields={"ticket": [_("This ticket already served a case.")]})
    if not phone and ticket.phone_encrypted:
        phone = crypto.decrypt(ticket.phone_encrypted)
    checked = flat_answers_check(answers or {})
    case = _new_case(
        hall=hall,
        item=ticket.service,
        channel=CaseChannel.WINDOW,
        checked=checked,
        phone=phone,
        id_number=id_number or None,
        person=None,
    )
    case.person_id = ticket.customer_id
    case.materials = checklist(ticket.service, materials)
    case.status = transition(TRANSITIONS, case, CaseAction.ACCEPT)
    case.accepted_at, case.accepted_by, case.counter = case.submitted_at, actor.user, ticket.counter
    case.save()
    CaseVisit.objects.create(case=case, ticket=ticket, at=case.submitted_at)
    filled = eforms_selectors.filled_of_ticket(ticket=ticket)
    if filled is not None:
        _copy_form_files(actor, case, filled)
    common.audit(actor, "accept", case, channel=case.channel, ticket=ticket.number)
    event_emit(hall=hall, kind="cases.accepted", payload={"number": case.number})
    common.text_citizen(case, accepted_text(case))
    return case


def accepted_text(case: Case) -> str:
    return _(
        "Your application %(number)s (%(service)s) was accepted; promised by %(date)s. Follow it: %(link)s"
    ) % {
        "number": case.number,
        "service": case.service.name_local,
        "date": common.local_date(case, case.due_at),
        "link": common.track_url(case),
    }


def case_get_for_staff(*, actor: Actor, public_id: str) -> Case:
    case = Case.objects.select_related("hall", "service").filter(public_id=(public_id or "")[:32]).first()
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    require_role(actor, case.hall, *common.STAFF)
    return case


def case_submit_from_form(*, actor: Actor, code: str, phone: str) -> tuple[Case, bool]:
    """A citizen's completed e-form sent as an online application (the "apply online" step after filling it
    on the phone). The form is proven by its code and the mobile it was left with (one 404 whether the code
    is unknown or the mobile wrong); its answers are checked again against the published form. One form
    makes one application: sending it again (a double tap, a second tab) returns the case it already made,
    and ``created`` says which. A unique constraint on ``Case.form_code`` settles a race between two taps."""
    rate_limit(actor=actor, scope="cases-apply", per_minute=5)
    filled = eforms_selectors.filled_for_citizen(code=code, phone=phone)
    existing = Case.objects.filter(form_code=filled.code).first()
    if existing is not None:
        return existing, False
    if filled.status != "complete":
        raise Invalid(fields={"code": [_("This form is not finished yet: open it again and complete it.")]})
    checked = answers_check(
        hall=filled.hall, item=filled.item, answers=eforms_selectors.filled_answers(filled)
    )
    try:
        with transaction.atomic():
            case = case_submit_online(
                hall=filled.hall,
                item=filled.item,
                checked=checked,
                phone=phone,
                actor=actor,
                form_code=filled.code,
            )
            _copy_form_files(actor, case, filled)
    except IntegrityError:
        return Case.objects.get(form_code=filled.code), False
    return case, True


def _copy_form_files(actor: Actor, case: Case, filled) -> None:
    """The documents uploaded with the form become the case's own attachments (uploaded by the applicant),
    so the reviewer finds them on the case and nothing is asked for twice."""
    from servicehall.cases.attachments import write_files
    from servicehall.eforms.services.files import form_file_bytes

    records = list(filled.files.all())
    if records:
        checked = [
            (r.original_name, form_file_bytes(r), r.content_type, r.stored_name.rsplit(".", 1)[-1])
            for r in records
        ]
        write_files(actor=actor, case=case, checked=checked, by_applicant=True)
