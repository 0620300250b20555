"""Every write of customer records: identify (find by digest or create), update, consent, the audited
full read, merge, export, erase, organisations, the retention sweep, and the hall's policy.

Personal values enter through ``PersonalValues`` (normalised, validated, encrypted, digested, masked in
one place); a full read needs a reason and writes an audit row; a merge and an erasure lock the records
they change (``select_for_update``) and move or keep every link through the owning app's services.
"""

import datetime
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record, snapshot
from servicehall.core.choices import Role
from servicehall.core.errors import Conflict, Invalid
from servicehall.core.identity import (
    is_valid_mobile,
    is_valid_resident_id,
    is_valid_uscc,
    mask_document,
    mask_name,
    mask_phone,
    mask_resident_id,
    normalize_phone,
    normalize_resident_id,
    normalize_uscc,
    resident_id_birth_date,
    resident_id_region,
    resident_id_sex,
)
from servicehall.core.models import Hall
from servicehall.core.permissions import require_role
from servicehall.core.services import hall_settings_update, validated
from servicehall.core.transitions import transition
from servicehall.customers import links, selectors, summaries
from servicehall.customers.choices import (
    PERSON_TRANSITIONS,
    Accessibility,
    CertificateType,
    ConsentChannel,
    ConsentPurpose,
    PersonAction,
    PersonalField,
    PersonStatus,
    home_area,
)
from servicehall.customers.models import (
    Consent,
    CustomerSettings,
    ItemCollection,
    Organisation,
    OrganisationAgent,
    Person,
)

STAFF = (Role.MANAGER, Role.CLERK)
PERSONAL_FIELDS = (
    "id_encrypted",
    "id_hint",
    "id_digest",
    "name_encrypted",
    "name_hint",
    "phone_encrypted",
    "phone_hint",
    "phone_digest",
    "language",
    "accessibility",
)
MIN_REASON = 2
COARSE_FIELDS = ["id_type", "birth_year", "sex", "province_code", "city_code", "home_area", "status"]


def certificate_digest(id_type: str, number: str) -> str:
    """The look-up digest of a certificate. A resident ID uses the same purpose as bookings
    (``resident_id``), so a person's bookings are found by the digest alone."""
    if id_type == CertificateType.RESIDENT_ID:
        return crypto.digest(normalize_resident_id(number), purpose="resident_id")
    return crypto.digest(number.strip().upper(), purpose=f"certificate:{id_type}")


def phone_digest(phone: str) -> str:
    return crypto.digest(normalize_phone(phone), purpose="phone")


@dataclass
class PersonalValues:
    """A person's typed values, checked: the field errors say what is wrong in the reader's language."""

    id_type: str = CertificateType.RESIDENT_ID
    id_number: str = ""
    name: str = ""
    phone: str = ""

    def clean(self, *, require_key: bool = True) -> "PersonalValues":
        errors: dict[str, list[str]] = {}
        if self.id_type not in CertificateType.values:
            errors["id_type"] = [_("Choose a certificate type from the list.")]
        if self.id_type == CertificateType.RESIDENT_ID:
            self.id_number = normalize_resident_id(self.id_number)
            if self.id_number and not is_valid_resident_id(self.id_number):
                errors["id_number"] = [_("This is not a valid resident ID number: check the 18 characters.")]
        else:
            self.id_number = self.id_number.strip().upper().replace(" ", "")
            if self.id_number and not (5 <= len(self.id_number) <= 20 and self.id_number.isalnum()):
                errors["id_number"] = [_("A certificate number has 5 to 20 letters and digits.")]
        self.phone = normalize_phone(self.phone)
        if self.phone and not is_valid_mobile(self.phone):
            errors["phone"] = [_("Enter an 11-digit mainland mobile number.")]
        self.name = self.name.strip()
        if len(self.name) > 30:
            errors["name"] = [_("A name has at most 30 characters.")]
        if require_key and not self.id_number and not self.phone:
            errors["id_number"] = [_("Enter a certificate number or a mobile number.")]
        if errors:
            raise Invalid(fields=errors)
        return self

    def id_hint(self) -> str:
        if self.id_type == CertificateType.RESIDENT_ID:
            return mask_resident_id(self.id_number)
        return mask_document(self.id_number)

    def apply(self, person: Person, *, only_blank: bool) -> list[str]:
        """Write the given values onto ``person`` (encrypted, digested, masked, coarse fields derived);
        with ``only_blank`` a value already on the record is kept. The changed field names."""
        changed: list[str] = []
        if self.id_number and not (only_blank and person.id_digest):
            person.id_type = self.id_type
            person.id_encrypted = crypto.encrypt(self.id_number)
            person.id_hint = self.id_hint()
            person.id_digest = certificate_digest(self.id_type, self.id_number)
            changed += ["id_type", "id_encrypted", "id_hint", "id_digest"]
            if self.id_type == CertificateType.RESIDENT_ID:
                region = resident_id_region(self.id_number)
                person.birth_year = resident_id_birth_date(self.id_number).year
                person.sex = resident_id_sex(self.id_number)
                person.province_code = region["province_code"]
                person.city_code = region["city_code"]
                person.region_name = (region["province"] + region["city"])[:40]
                if region["province"] == region["city"]:
                    person.region_name = region["province"]
                person.home_area = home_area(
                    self.id_number[:6], selectors.settings_get(hall=person.hall).division_code
                )
                changed += ["birth_year", "sex", "province_code", "city_code", "region_name", "home_area"]
        if self.name and not (only_blank and person.name_encrypted):
            person.name_encrypted = crypto.encrypt(self.name)
            person.name_hint = mask_name(self.name)
            changed += ["name_encrypted", "name_hint"]
        if self.phone and not (only_blank and person.phone_digest):
            person.phone_encrypted = crypto.encrypt(self.phone)
            person.phone_hint = mask_phone(self.phone)
            person.phone_digest = phone_digest(self.phone)
            changed += ["phone_encrypted", "phone_hint", "phone_digest"]
        return changed


def _audit(actor: Actor, action: str, person: Person, **extra) -> None:
    audit_record(actor=actor, action=f"customers.person.{action}", hall=person.hall, obj=person, **extra)


@transaction.atomic
def person_identify(
    *,
    actor: Actor,
    hall: Hall,
    id_type: str = CertificateType.RESIDENT_ID,
    id_number: str = "",
    name: str = "",
    phone: str = "",
) -> tuple[Person, bool]:
    """The record of the person who identified themselves (found by the certificate's digest, else by the
    mobile's when only a mobile was given), created when new; blanks on an existing record are filled,
    nothing typed overwrites what is there (a correction is ``person_update``). ``(person, created)``.
    Staff of the hall only (the kiosk and booking forms reach it through a staff-less service later)."""
    require_role(actor, hall, *STAFF)
    values = PersonalValues(id_type=id_type, id_number=id_number, name=name, phone=phone).clean()
    person = selectors.person_match(hall=hall, values=values, lock=True)
    now = timezone.now()
    if person is None:
        person = Person(hall=hall, created_at=now, last_seen_at=now)
        values.apply(person, only_blank=False)
        validated(person, exclude=["hall"])
        person.save()
        # Only coarse fields: an audit row outlives an erasure, so it never holds a token or a digest.
        _audit(actor, "create", person, after=snapshot(person, COARSE_FIELDS))
        return person, True
    changed = values.apply(person, only_blank=True)
    person.last_seen_at = now
    person.save(update_fields=[*changed, "last_seen_at"])
    _audit(actor, "identify", person, after={"filled": changed})
    return person, False


def _lock(person: Person) -> Person:
    return Person.objects.select_for_update(of=("self",)).select_related("hall").get(pk=person.pk)


@transaction.atomic
def person_update(
    *,
    actor: Actor,
    person: Person,
    language: str | None = None,
    accessibility: list[str] | None = None,
    **personal,
) -> Person:
    """Correct a record (certificate, name, mobile) or set its preferences; the old values are never
    copied into the audit row (only which fields changed). Takes the record's lock."""
    require_role(actor, person.hall, *STAFF)
    person = _lock(person)
    if person.status != PersonStatus.ACTIVE:
        raise Conflict(_("This record is no longer active."), code="person_not_active")
    changed: list[str] = []
    if personal:
        values = PersonalValues(
            id_type=personal.get("id_type", person.id_type),
            id_number=personal.get("id_number", ""),
            name=personal.get("name", ""),
            phone=personal.get("phone", ""),
        )
        changed += values.clean(require_key=False).apply(person, only_blank=False)
    if language is not None:
        person.language, changed = language[:10], [*changed, "language"]
    if accessibility is not None:
        unknown = [a for a in accessibility if a not in Accessibility.values]
        if unknown:
            raise Invalid(fields={"accessibility": [_("Choose accessibility needs from the list.")]})
        person.accessibility, changed = sorted(set(accessibility)), [*changed, "accessibility"]
    validated(person, exclude=["hall"])
    person.save(update_fields=sorted(set(changed)) or ["last_seen_at"])
    if {"birth_year", "home_area"} & set(changed):
        summaries.mark_people(person.hall, [person.pk])
    _audit(actor, "update", person, after={"changed": sorted(set(changed))})
    return person


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise Invalid(fields={"reason": [_("Say why (at least 2 characters).")]})
    return reason[:200]


@transaction.atomic
def person_reveal(*, actor: Actor, person: Person, reason: str) -> dict:
    """The clear certificate number, name and mobile of a record: staff of the hall, with a reason, and
    an audit row saying who read it, when and why (the values themselves are not in the row)."""
    require_role(actor, person.hall, *STAFF)
    reason = require_reason(reason)
    _audit(actor, "reveal", person, after={"reason": reason})
    return {
        "id_type": person.id_type,
        "id_number": crypto.decrypt(person.id_encrypted),
        "name": crypto.decrypt(person.name_encrypted),
        "phone": crypto.decrypt(person.phone_encrypted),
    }


@transaction.atomic
def consent_record(
    *, actor: Actor, person: Person, purpose: str, agreed: bool, channel: str, text_version: str = "1"
) -> Consent:
    """A consent given or withdrawn, on the channel it was given on (a new row each time)."""
    require_role(actor, person.hall, *STAFF)
    if purpose not in ConsentPurpose.values or channel not in ConsentChannel.values:
        raise Invalid(fields={"purpose": [_("Choose a purpose and a channel from the list.")]})
    consent = Consent.objects.create(
        person=person,
        purpose=purpose,
        agreed=agreed,
        channel=channel,
        text_version=text_version[:20],
        at=timezone.now(),
    )
    _audit(actor, "consent", person, after={"purpose": purpose, "agreed": agreed, "channel": channel})
    return consent


@transaction.atomic
def person_merge(*, actor: Actor, keep: Person, duplicate: Person, reason: str) -> Person:
    """Merge ``duplicate`` (the same person entered twice) into ``keep``: every link (tickets, consents,
    organisations, and what other apps registered in ``links``) moves to ``keep``, blanks of ``keep``
    are filled from the duplicate, and the duplicate is marked merged with a pointer. Nothing is
    deleted. Hall manager; locks both records (lower id first, so two merges cannot deadlock)."""
    require_role(actor, keep.hall, Role.MANAGER)
    reason = require_reason(reason)
    if keep.pk == duplicate.pk or keep.hall_id != duplicate.hall_id:
        raise Invalid(fields={"duplicate": [_("Choose another record of the same hall.")]})
    first, second = sorted([keep, duplicate], key=lambda p: p.pk)
    first, second = _lock(first), _lock(second)
    keep, duplicate = (first, second) if first.pk == keep.pk else (second, first)
    if keep.status != PersonStatus.ACTIVE:
        raise Conflict(_("The record to keep is no longer active."), code="person_not_active")
    duplicate.status = transition(PERSON_TRANSITIONS, duplicate, PersonAction.MERGE)
    moved = {name: kind.move(actor, keep.hall, [duplicate.pk], keep.pk) for name, kind in links.LINKS.items()}
    moved["consents"] = Consent.objects.filter(person=duplicate).update(person=keep)
    for link in OrganisationAgent.objects.filter(person=duplicate):
        if OrganisationAgent.objects.filter(organisation=link.organisation_id, person=keep).exists():
            link.delete()
        else:
            link.person = keep
            link.save(update_fields=["person"])
    filled = []
    for prefix in ("id", "name", "phone"):
        if not getattr(keep, f"{prefix}_encrypted") and getattr(duplicate, f"{prefix}_encrypted"):
            for suffix in ("encrypted", "hint", "digest"):
                if hasattr(keep, f"{prefix}_{suffix}"):
                    setattr(keep, f"{prefix}_{suffix}", getattr(duplicate, f"{prefix}_{suffix}"))
                    filled.append(f"{prefix}_{suffix}")
    keep.last_seen_at = max(keep.last_seen_at, duplicate.last_seen_at)
    duplicate.merged_into, duplicate.merged_at = keep, timezone.now()
    duplicate.save(update_fields=["status", "merged_into", "merged_at"])
    if "id_digest" in filled:
        duplicate.id_digest = ""  # the unique active-digest rule holds for the kept record
        duplicate.save(update_fields=["id_digest"])
    keep.save(update_fields=[*filled, "last_seen_at"])
    summaries.mark_people(keep.hall, [keep.pk])
    _audit(actor, "merge", keep, before={"duplicate": duplicate.pk}, after={"moved": moved, "reason": reason})
    return keep


def erase_blocks(person: Person) -> list[str]:
    """Why the record must be kept for now (each registered link's reason), empty when it may go."""
    return [r for kind in links.LINKS.values() if kind.erase_block and (r := kind.erase_block(person))]


def erase_links(actor: Actor, person: Person) -> dict[str, int]:
    """Each registered app blanks the personal data it keeps beside its links to ``person``."""
    return {name: kind.erase(actor, person) for name, kind in links.LINKS.items() if kind.erase}


def erase_fields(person: Person, *, reason: str) -> list[str]:
    """Blank every personal field of ``person`` (the caller holds its lock and saves); the coarse fields
    (birth year, sex, province, city) stay for the statistics."""
    for name in PERSONAL_FIELDS:
        setattr(person, name, [] if name == "accessibility" else "")
    person.status = transition(PERSON_TRANSITIONS, person, PersonAction.ERASE)
    person.erased_at, person.erase_reason = timezone.now(), reason
    return [*PERSONAL_FIELDS, "status", "erased_at", "erase_reason"]


@transaction.atomic
def person_erase(*, actor: Actor, person: Person, reason: str) -> Person:
    """Erase a record on the person's request (PIPL art. 47): personal fields blanked, links kept as
    anonymous statistics, consents deleted. Refused with a 409 naming each reason when a record must be
    kept. Hall manager; takes the record's lock."""
    require_role(actor, person.hall, Role.MANAGER)
    reason = require_reason(reason)
    person = _lock(person)
    blocks = erase_blocks(person)
    if blocks:
        raise Conflict(" ".join(blocks), code="must_keep", fields={"reasons": blocks})
    fields = erase_fields(person, reason=reason)
    person.save(update_fields=fields)
    Consent.objects.filter(person=person).delete()
    erased = erase_links(actor, person)
    _audit(actor, "erase", person, after={"reason": reason, "links": erased})
    return person


@transaction.atomic
def person_export(*, actor: Actor, person: Person, reason: str) -> dict:
    """Everything linked to a person as one JSON-ready bundle (PIPL art. 45), on request through staff:
    the clear personal fields, consents, organisations and the timeline. Hall manager; audited."""
    require_role(actor, person.hall, Role.MANAGER)
    reason = require_reason(reason)
    if person.status == PersonStatus.ERASED:
        raise Conflict(_("This record was erased: there is nothing personal to export."), code="erased")
    bundle = {
        "exported_at": timezone.now().isoformat(),
        "hall": person.hall.name,
        "person": {
            "id_type": person.id_type,
            "id_number": crypto.decrypt(person.id_encrypted),
            "name": crypto.decrypt(person.name_encrypted),
            "phone": crypto.decrypt(person.phone_encrypted),
            "language": person.language,
            "accessibility": person.accessibility,
            "created_at": person.created_at.isoformat(),
        },
        "consents": [
            {"purpose": c.purpose, "agreed": c.agreed, "channel": c.channel, "at": c.at.isoformat()}
            for c in person.consents.all()
        ],
        "organisations": [{"name": o.name, "uscc": o.uscc} for o in person.organisations.all()],
        "timeline": json.loads(json.dumps(selectors.person_timeline(person=person), default=str)),
    }
    _audit(actor, "export", person, after={"reason": reason})
    return bundle


@transaction.atomic
def organisation_save(
    *, actor: Actor, hall: Hall, name: str, uscc: str, representative: str = ""
) -> Organisation:
    """Create or rename an organisation by its unified social credit code (checked: GB 32100)."""
    require_role(actor, hall, *STAFF)
    uscc = normalize_uscc(uscc)
    if not is_valid_uscc(uscc):
        raise Invalid(fields={"uscc": [_("This is not a valid unified social credit code.")]})
    name = (name or "").strip()
    if not name:
        raise Invalid(fields={"name": [_("Enter the organisation's name.")]})
    org = Organisation.objects.select_for_update().filter(hall=hall, uscc=uscc).first()
    org = org or Organisation(hall=hall, uscc=uscc, created_at=timezone.now())
    org.name = name[:200]
    if representative.strip():
        org.representative_encrypted = crypto.encrypt(representative.strip())
        org.representative_hint = mask_name(representative)
    validated(org, exclude=["hall"])
    org.save()
    audit_record(actor=actor, action="customers.organisation.save", hall=hall, obj=org)
    return org


@transaction.atomic
def organisation_agent_add(*, actor: Actor, organisation: Organisation, person: Person) -> OrganisationAgent:
    require_role(actor, organisation.hall, *STAFF)
    if person.hall_id != organisation.hall_id:
        raise Invalid(fields={"person": [_("Choose a person of the same hall.")]})
    link, created = OrganisationAgent.objects.get_or_create(
        organisation=organisation, person=person, defaults={"since": timezone.now()}
    )
    if created:
        summaries.mark_people(person.hall, [person.pk])
    audit_record(actor=actor, action="customers.organisation.agent", hall=organisation.hall, obj=link)
    return link


def settings_update(*, actor: Actor, hall: Hall, **changes) -> CustomerSettings:
    return hall_settings_update(
        model=CustomerSettings, actor=actor, hall=hall, action="customers.settings.update", changes=changes
    )


def persons_retention_sweep(
    *, hall: Hall, now: datetime.datetime | None = None, batch: int = 200, dry_run: bool = False
) -> dict[str, int]:
    """Anonymise the records whose last visit is older than the hall's retention (``CustomerSettings``).
    ``dry_run`` only counts. Each batch is its own transaction with one audit row listing the ids
    (actor ``system:customers.retention``), so a run killed half-way keeps the batches it finished and
    the next run picks up the rest; a record that must be kept is skipped and counted."""
    actor = SystemActor(job="customers.retention")
    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=selectors.settings_get(hall=hall).retention_days
    )
    due = Person.objects.filter(
        hall=hall, status__in=[PersonStatus.ACTIVE, PersonStatus.MERGED], last_seen_at__lt=cutoff
    )
    if dry_run:
        return {"due": due.count(), "erased": 0, "kept": 0}
    erased = kept = 0
    after_id = 0
    while True:
        with transaction.atomic():
            rows = list(due.filter(id__gt=after_id).select_for_update().order_by("id")[:batch])
            if not rows:
                break
            done, held = [], []
            for person in rows:
                if erase_blocks(person):
                    held.append(person.pk)
                    continue
                person.save(update_fields=erase_fields(person, reason="retention"))
                erase_links(actor, person)
                done.append(person.pk)
            Consent.objects.filter(person_id__in=done).delete()
            audit_record(
                actor=actor,
                action="customers.person.retention",
                hall=hall,
                object_type="customers.person",
                object_repr=f"{len(done)} records",
                after={"erased": done, "kept": held, "cutoff": cutoff.isoformat()},
            )
            erased, kept, after_id = erased + len(done), kept + len(held), rows[-1].pk
    return {"due": erased + kept, "erased": erased, "kept": kept}


@transaction.atomic
def person_search(
    *, actor: Actor, hall: Hall, id_number: str = "", phone: str = "", id_type: str = ""
) -> list:
    """Staff look-up by exact certificate number or mobile (digest equality; the typed value is not kept):
    the masked matches, and an audit row saying who searched and how many were found."""
    require_role(actor, hall, *STAFF)
    id_type = id_type or CertificateType.RESIDENT_ID
    if not (id_number or "").strip() and not (phone or "").strip():
        raise Invalid(fields={"id_number": [_("Enter a certificate number or a mobile number.")]})
    found = list(selectors.person_search(hall=hall, id_number=id_number, phone=phone, id_type=id_type))
    audit_record(
        actor=actor,
        action="customers.person.search",
        hall=hall,
        object_type="customers.person",
        object_repr=f"{len(found)} found",
        after={"by": "id_number" if id_number else "phone", "found": [p.pk for p in found]},
    )
    return found


@transaction.atomic
def ticket_citizen_identify(*, actor: Actor, ticket, **values) -> tuple[Person, bool]:
    """The console's "identify the citizen": the person's record (found or created) and the ticket
    linked to it, in one transaction (the queue's ``ticket_identify`` takes the ticket's lock)."""
    from servicehall.queueing.services import ticket_identify

    require_role(actor, ticket.hall, *STAFF)
    require_collectable(item=ticket.service, values=values)
    person, created = person_identify(actor=actor, hall=ticket.hall, **values)
    before = ticket.customer_id
    ticket_identify(actor=actor, ticket=ticket, customer_id=person.pk)
    ticket.customer_id = person.pk
    summaries.mark_people(ticket.hall, [before, person.pk], since=ticket.day)
    return person, created


def require_collectable(*, item, values: dict) -> None:
    """Refuse (422, per field) a personal value the service item may not collect (PIPL art. 6): the
    record is not created and nothing typed is kept."""
    allowed = set(selectors.item_collected_fields(item=item))
    refused = [f for f in PersonalField.values if values.get(f) and f not in allowed]
    if refused:
        message = _("“%(item)s” does not collect this personal field.") % {"item": item.name_local}
        raise Invalid(fields={f: [message] for f in refused})


@transaction.atomic
def item_collection_set(*, actor: Actor, item, fields: list[str]) -> ItemCollection:
    """A manager states which personal fields ``item`` may collect (an empty list: none, the item is
    served anonymously). Audited with the list before and after."""
    require_role(actor, item.hall, Role.MANAGER)
    unknown = [f for f in fields if f not in PersonalField.values]
    if unknown:
        raise Invalid(fields={"fields": [_("Unknown personal field: %(f)s.") % {"f": ", ".join(unknown)}]})
    row = ItemCollection.objects.select_for_update().filter(item=item).first()
    before = None if row is None else list(row.fields)
    row = row or ItemCollection(hall=item.hall, item=item)
    row.fields = [f for f in PersonalField.values if f in fields]
    row.updated_at = timezone.now()
    row.save()
    audit_record(
        actor=actor,
        action="customers.item_collection.set",
        hall=item.hall,
        obj=row,
        before={"fields": before},
        after={"fields": row.fields},
    )
    return row
