"""The customer records API (a contract): staff look-up by exact certificate number or mobile (masked,
audited), one record, its timeline, the audited full read, export, erasure (409 with the reasons when
something must be kept), merge, and the console's "identify the citizen" on the current ticket."""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from servicehall.catalog.selectors import item_get
from servicehall.core.choices import Role
from servicehall.core.errors import Invalid
from servicehall.core.permissions import require_role
from servicehall.core.selectors import hall_get
from servicehall.customers import selectors, services
from servicehall.customers.choices import CertificateType
from servicehall.customers.statistics import segment_statistics
from servicehall.queueing.selectors import ticket_get

router = Router(tags=["customers"])
STAFF = (Role.MANAGER, Role.CLERK)


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict = {}


class PersonOut(Schema):
    id: int
    status: str
    status_label: str
    id_type: str
    id_number: str = Field(description="Masked")
    name: str = Field(description="Masked")
    phone: str = Field(description="Masked")
    language: str
    accessibility: list[str]
    age_band: str
    sex: str
    region: str
    last_seen_at: datetime.datetime
    merged_into: int | None


class IdentifyIn(Schema):
    id_type: CertificateType = CertificateType.RESIDENT_ID
    id_number: str = Field("", max_length=32)
    name: str = Field("", max_length=30)
    phone: str = Field("", max_length=20)


class HintOut(Schema):
    visits: int
    text: str
    last_day: str | None = None
    same_matter: bool = False
    last_outcome: str = ""
    repeat_within_window: bool = False


class TicketCustomerOut(Schema):
    customer: PersonOut | None
    hint: HintOut | None
    created: bool = False


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class MergeIn(Schema):
    duplicate: int
    reason: str = Field("", max_length=200)


class RevealOut(Schema):
    id_type: str
    id_number: str
    name: str
    phone: str


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _person(request, person_id: int, *roles):
    person = selectors.person_by_id(pk=person_id)
    require_role(request.auth, person.hall, *(roles or STAFF))
    return person


@router.get(
    "/halls/{hall_code}/customers",
    response={200: list[PersonOut], **ERRORS},
    summary="Find customer records by exact certificate number or mobile (masked, audited)",
)
def customers_search(request, hall_code: str, id_number: str = "", phone: str = "", id_type: str = ""):
    hall = hall_get(code=hall_code)
    found = services.person_search(
        actor=request.auth, hall=hall, id_number=id_number[:32], phone=phone[:20], id_type=id_type[:20]
    )
    return [selectors.person_masked(p) for p in found]


@router.post(
    "/halls/{hall_code}/customers",
    response={200: PersonOut, 201: PersonOut, **ERRORS},
    summary="Identify a person (the record found by digest, or a new one)",
)
def customers_identify(request, hall_code: str, data: IdentifyIn, item: str = ""):
    hall = hall_get(code=hall_code)
    if item:  # identification for a service item collects only what the item allows (PIPL art. 6)
        services.require_collectable(item=item_get(hall=hall, code=item[:40]), values=data.dict())
    person, created = services.person_identify(actor=request.auth, hall=hall, **data.dict())
    return Status(201 if created else 200, selectors.person_masked(person))


class CollectionIn(Schema):
    fields: list[str] = Field(default_factory=list, max_length=10)


class CollectionOut(Schema):
    item: str
    fields: list[str]


@router.get(
    "/halls/{hall_code}/items/{item_code}/personal-fields",
    response={200: CollectionOut, **ERRORS},
    summary="The personal fields a service item may collect (minimum collection, PIPL art. 6)",
)
def item_collection(request, hall_code: str, item_code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *STAFF)
    item = item_get(hall=hall, code=item_code)
    return {"item": item.code, "fields": selectors.item_collected_fields(item=item)}


@router.put(
    "/halls/{hall_code}/items/{item_code}/personal-fields",
    response={200: CollectionOut, **ERRORS},
    summary="Set the personal fields a service item may collect (hall manager; audited)",
)
def item_collection_put(request, hall_code: str, item_code: str, data: CollectionIn):
    item = item_get(hall=hall_get(code=hall_code), code=item_code)
    row = services.item_collection_set(actor=request.auth, item=item, fields=data.fields)
    return {"item": item.code, "fields": row.fields}


@router.get(
    "/halls/{hall_code}/customers/statistics",
    response={200: dict, **ERRORS},
    summary="Visits by segment: identified, new and returning, repeat visits, age bands (no personal data)",
)
def customers_statistics(request, hall_code: str, date_from: datetime.date, date_to: datetime.date):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.EVALUATOR)
    if date_to < date_from or (date_to - date_from).days > 366:
        raise Invalid(fields={"date_to": [_("Choose a period of at most a year, ending after it starts.")]})
    return segment_statistics(hall=hall, date_from=date_from, date_to=date_to)


@router.get("/customers/{person_id}", response={200: PersonOut, **ERRORS}, summary="One record (masked)")
def customer_detail(request, person_id: int):
    return selectors.person_masked(_person(request, person_id))


@router.get("/customers/{person_id}/timeline", response={200: list[dict], **ERRORS}, summary="One history")
def customer_timeline(request, person_id: int):
    return selectors.person_timeline(person=_person(request, person_id), viewer_id=request.auth.user_id)


@router.post(
    "/customers/{person_id}/reveal", response={200: RevealOut, **ERRORS}, summary="Full read (audited)"
)
def customer_reveal(request, person_id: int, data: ReasonIn):
    return services.person_reveal(actor=request.auth, person=_person(request, person_id), reason=data.reason)


@router.post("/customers/{person_id}/export", response={200: dict, **ERRORS}, summary="Data export (PIPL)")
def customer_export(request, person_id: int, data: ReasonIn):
    person = _person(request, person_id, Role.MANAGER)
    return services.person_export(actor=request.auth, person=person, reason=data.reason)


@router.post("/customers/{person_id}/erase", response={200: PersonOut, **ERRORS}, summary="Erase (PIPL)")
def customer_erase(request, person_id: int, data: ReasonIn):
    person = _person(request, person_id, Role.MANAGER)
    return selectors.person_masked(
        services.person_erase(actor=request.auth, person=person, reason=data.reason)
    )


@router.post("/customers/{person_id}/merge", response={200: PersonOut, **ERRORS}, summary="Merge a duplicate")
def customer_merge(request, person_id: int, data: MergeIn):
    keep = _person(request, person_id, Role.MANAGER)
    duplicate = selectors.person_get(hall=keep.hall, pk=data.duplicate, follow_merge=False)
    merged = services.person_merge(actor=request.auth, keep=keep, duplicate=duplicate, reason=data.reason)
    return selectors.person_masked(merged)


def _ticket_customer(ticket, *, created: bool = False) -> dict:
    if not ticket.customer_id:
        return {"customer": None, "hint": None}
    person = selectors.person_get(hall=ticket.hall, pk=ticket.customer_id)
    return {
        "customer": selectors.person_masked(person),
        "hint": selectors.ticket_hint(person=person, ticket=ticket),
        "created": created,
    }


@router.get(
    "/tickets/{ticket_id}/customer",
    response={200: TicketCustomerOut, **ERRORS},
    summary="The person a ticket is linked to (masked) and the console's history hint",
)
def ticket_customer(request, ticket_id: str):
    ticket = ticket_get(public_id=ticket_id)
    require_role(request.auth, ticket.hall, *STAFF)
    return _ticket_customer(ticket)


@router.post(
    "/tickets/{ticket_id}/identify",
    response={200: TicketCustomerOut, **ERRORS},
    summary="Identify the citizen of a ticket (the console's current ticket)",
)
def ticket_identify_citizen(request, ticket_id: str, data: IdentifyIn):
    ticket = ticket_get(public_id=ticket_id)
    _linked, created = services.ticket_citizen_identify(actor=request.auth, ticket=ticket, **data.dict())
    return _ticket_customer(ticket, created=created)
