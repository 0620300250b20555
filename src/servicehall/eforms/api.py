"""The e-forms API. Contract: ``GET /halls/{hall_code}/services/{code}/form`` → the published form (its
definition in three languages and the JSON Schema of its answers), 404 when none. Also: the manager's
draft (read, replace, publish), a citizen's filled form (save, resume by code + mobile; rate-limited),
the form of a ticket at the console (read, link by code), and the effect on service time."""

import datetime

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from servicehall.catalog.selectors import item_get
from servicehall.core.api import ErrorOut
from servicehall.core.errors import Invalid
from servicehall.core.permissions import require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.selectors import hall_get
from servicehall.eforms import selectors, services
from servicehall.eforms.answers import answers_schema
from servicehall.eforms.services.common import MANAGERS, STAFF

router = Router(tags=["e-forms"])
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


class VersionOut(Schema):
    item: str
    name: str
    version: int
    status: str
    published_at: datetime.datetime | None
    definition: dict
    answers_schema: dict


class DefinitionIn(Schema):
    definition: dict
    note: str = Field("", max_length=200)


class FilledIn(Schema):
    answers: dict
    mobile: str = Field("", max_length=20, description="The mobile that resumes the form")
    complete: bool = False
    channel: str = Field("web", max_length=10)


class LinkIn(Schema):
    code: str = Field(max_length=8)
    mobile: str = Field("", max_length=20, description="The form's mobile (the citizen)")


def version_out(version) -> dict:
    item = version.form.item
    return {
        "item": item.code,
        "name": item.name_local,
        "version": version.number,
        "status": version.status,
        "published_at": version.published_at,
        "definition": version.definition,
        "answers_schema": answers_schema(version.definition),
    }


def _item(hall_code: str, code: str):
    return item_get(hall=hall_get(code=hall_code), code=code[:64])


@router.get(
    "/halls/{hall_code}/services/{code}/form",
    response={200: VersionOut, **ERRORS},
    summary="The published form of a service item",
)
def form_published(request, hall_code: str, code: str):
    return version_out(selectors.published_version(item=_item(hall_code, code)))


@router.get("/halls/{hall_code}/services/{code}/form/draft", response={200: VersionOut, **ERRORS})
def form_draft(request, hall_code: str, code: str):
    """The manager's draft of the next version (created from the published one when there is none)."""
    return version_out(services.form_version_draft(actor=request.auth, item=_item(hall_code, code)))


@router.put("/halls/{hall_code}/services/{code}/form/draft", response={200: VersionOut, **ERRORS})
def form_draft_save(request, hall_code: str, code: str, data: DefinitionIn):
    item = _item(hall_code, code)
    require_role(request.auth, item.hall, *MANAGERS)
    draft = services.form_version_draft(actor=request.auth, item=item)
    saved = services.form_version_save(
        actor=request.auth, version=draft, definition=data.definition, note=data.note
    )
    return version_out(saved)


@router.post("/halls/{hall_code}/services/{code}/form/publish", response={200: VersionOut, **ERRORS})
def form_publish(request, hall_code: str, code: str):
    item = _item(hall_code, code)
    require_role(request.auth, item.hall, *MANAGERS)
    draft = services.form_version_draft(actor=request.auth, item=item)
    return version_out(services.form_version_publish(actor=request.auth, version=draft))


def filled_out(filled) -> dict:
    view = selectors.filled_view(filled)
    view["resume_url"] = (
        reverse("eforms:fill", args=[filled.hall.code, filled.item.code]) + f"?code={filled.code}"
    )
    return view


@router.post(
    "/halls/{hall_code}/services/{code}/filled", response={201: dict, **ERRORS}, summary="Fill a form"
)
def filled_create(request, hall_code: str, code: str, data: FilledIn):
    filled = services.filled_save(
        actor=request.auth,
        item=_item(hall_code, code),
        answers=data.answers,
        mobile=data.mobile,
        complete=data.complete,
        channel=data.channel,
    )
    return Status(201, filled_out(filled))


@router.get("/filled-forms/{form_code}", response={200: dict, **ERRORS}, summary="Resume a filled form")
def filled_read(request, form_code: str, mobile: str = ""):
    rate_limit(actor=request.auth, scope="eforms-resume", per_minute=20)
    return filled_out(selectors.filled_for_citizen(code=form_code, phone=mobile[:20]))


@router.put("/filled-forms/{form_code}", response={200: dict, **ERRORS}, summary="Save a filled form again")
def filled_update(request, form_code: str, data: FilledIn):
    rate_limit(actor=request.auth, scope="eforms-resume", per_minute=20)
    found = selectors.filled_for_citizen(code=form_code, phone=data.mobile)
    filled = services.filled_save(
        actor=request.auth,
        item=found.item,
        answers=data.answers,
        mobile=data.mobile,
        code=found.code,
        complete=data.complete,
        channel=data.channel,
    )
    return filled_out(filled)


def ticket_form_out(ticket) -> dict:
    filled = selectors.filled_of_ticket(ticket=ticket)
    hall = ticket.hall.code
    return {
        "ticket": ticket.public_id,
        "has_form": selectors.has_published_form(item=ticket.service),
        "fill_url": reverse("eforms:counter-fill", args=[hall, ticket.public_id]),
        "pdf_url": reverse("eforms:filled-pdf", args=[hall, filled.code]) if filled else "",
        "filled": selectors.filled_view(filled) if filled else None,
        "file_urls": {
            key: reverse("eforms:filled-file", args=[hall, filled.code, key])
            for key in (selectors.filled_files(filled) if filled else {})
        },
    }


@router.get(
    "/tickets/{ticket_id}/form", response={200: dict, **ERRORS}, summary="The form a ticket came with"
)
def ticket_form(request, ticket_id: str):
    from servicehall.queueing.selectors import ticket_get

    ticket = ticket_get(public_id=ticket_id[:32])
    require_role(request.auth, ticket.hall, *STAFF)
    return ticket_form_out(ticket)


@router.post(
    "/tickets/{ticket_id}/form", response={200: dict, **ERRORS}, summary="Link a filled form to a ticket"
)
def ticket_form_link(request, ticket_id: str, data: LinkIn):
    """Staff give the form's code; the citizen (the ticket's own page) gives the code and the mobile."""
    from servicehall.queueing.selectors import ticket_get

    ticket = ticket_get(public_id=ticket_id[:32])
    services.filled_link_ticket(actor=request.auth, ticket=ticket, code=data.code, mobile=data.mobile)
    if request.auth.user_id is None:
        return {"ticket": ticket.public_id, "linked": True}
    return ticket_form_out(ticket)


@router.get("/halls/{hall_code}/forms/effect", response={200: list[dict], **ERRORS}, summary="Forms' effect")
def form_effect(request, hall_code: str, days: int = 90):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *MANAGERS)
    if not 1 <= days <= 3660:
        raise Invalid(fields={"days": ["1 – 3660"]})
    until = timezone.now() + datetime.timedelta(seconds=1)
    return selectors.form_effect(hall=hall, since=until - datetime.timedelta(days=days), until=until)
