"""The cases API (a contract): the public application (rate-limited, 422 with the form's field errors),
the citizen's progress by case number + mobile (404 when the pair does not match, whether the case exists
or not), staff steps (409 on an illegal step), attachments, the hall's list, and the window's link of a
ticket to a case."""

import datetime

from ninja import Field, Router, Schema, Status

from servicehall.cases import attachments, selectors, services
from servicehall.cases.services.citizen import case_lookup
from servicehall.cases.services.common import STAFF
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.permissions import require_role
from servicehall.core.selectors import hall_get

router = Router(tags=["cases"])


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict = {}


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class ApplicationIn(Schema):
    service: str = Field(max_length=64, description="The service item's code")
    answers: dict = Field(description="The form's answers keyed by field key")
    phone: str = Field(max_length=20)
    id_number: str | None = Field(None, max_length=24)


class CreatedOut(Schema):
    id: str
    case_number: str
    status: str
    due_at: datetime.datetime
    track_url: str


class ActionIn(Schema):
    missing: list[str] = Field([], max_length=20, description="request-materials: what is missing")
    note: str = Field("", max_length=500)
    reason: str = Field("", max_length=500, description="reject: the legal reason")
    method: str = Field("", max_length=12, description="deliver: window, post or electronic")
    tracking_number: str = Field("", max_length=40)
    counter: int | None = Field(None, ge=1, le=2**31 - 1, description="ready: the window to collect at")
    materials: dict | None = Field(
        None, description="accept: {material id: [original_seen, copy_kept, electronic]}"
    )


class TicketCaseIn(Schema):
    number: str = Field("", max_length=20, description="An existing case to link the ticket to")
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=24)
    materials: dict | None = None


@router.post(
    "/halls/{hall_code}/applications", response={201: CreatedOut, **ERRORS}, summary="Apply for a service"
)
def application_create(request, hall_code: str, data: ApplicationIn):
    case = services.application_submit(
        actor=request.auth,
        hall=hall_get(code=hall_code),
        service=data.service,
        answers=data.answers,
        phone=data.phone,
        id_number=data.id_number or None,
    )
    return Status(
        201,
        {
            "id": case.public_id,
            "case_number": case.number,
            "status": case.status,
            "due_at": case.due_at,
            "track_url": services.track_url(case),
        },
    )


@router.get("/halls/{hall_code}/cases", response={200: list[dict], **ERRORS}, summary="The hall's cases")
def case_list(request, hall_code: str, status: str = "", due: str = "", service: str = ""):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *STAFF)
    cases = selectors.cases_for_hall(hall=hall, status=status[:20], due=due[:10], service=service[:64])[:200]
    return [selectors.staff_view(c) for c in cases]


@router.get("/cases/{key}", response={200: dict, **ERRORS}, summary="A case's progress")
def case_read(request, key: str, phone: str = "", id_number: str = ""):
    """``key`` is the case number with ``?phone=`` (or ``?id_number=``): the citizen's progress; or the
    case's id: the staff record."""
    if phone or id_number:
        case = case_lookup(actor=request.auth, number=key, phone=phone[:20], id_number=id_number[:24])
        return selectors.citizen_view(case)
    case = selectors.case_get(public_id=key)
    require_role(request.auth, case.hall, *STAFF)
    return selectors.staff_view(case)


@router.post("/cases/{key}/attachments", response={201: dict, **ERRORS}, summary="Upload files")
def case_attach(request, key: str):
    """Multipart ``files``. The applicant: ``key`` is the case number with ``phone`` (the upload answers
    the one-time notice and resumes the case). Staff: ``key`` is the case's id; ``certificate=1`` marks
    the electronic certificate."""
    files = request.FILES.getlist("files")
    phone = (request.POST.get("phone") or "")[:20]
    if phone:
        case = services.case_supply_by_citizen(actor=request.auth, number=key, phone=phone, files=files)
        return Status(201, selectors.citizen_view(case))
    case = selectors.case_get(public_id=key)
    require_role(request.auth, case.hall, *STAFF)
    certificate = request.POST.get("certificate") in ("1", "true", "on")
    attachments.attachments_add(actor=request.auth, case=case, files=files, certificate=certificate)
    return Status(201, selectors.staff_view(case))


STAFF_ACTIONS = {
    "prereview": lambda a, c, d: services.case_prereview(actor=a, case=c),
    "accept": lambda a, c, d: services.case_accept(actor=a, case=c, materials=d.materials),
    "review": lambda a, c, d: services.case_review(actor=a, case=c),
    "request-materials": lambda a, c, d: services.case_request_materials(
        actor=a, case=c, missing=d.missing, note=d.note
    ),
    "supply": lambda a, c, d: services.case_supply(actor=a, case=c),
    "approve": lambda a, c, d: services.case_approve(actor=a, case=c),
    "reject": lambda a, c, d: services.case_reject(actor=a, case=c, reason=d.reason),
    "ready": lambda a, c, d: services.case_ready(actor=a, case=c, counter_id=d.counter),
    "deliver": lambda a, c, d: services.case_deliver(
        actor=a, case=c, method=d.method, tracking_number=d.tracking_number
    ),
    "close": lambda a, c, d: services.case_close(actor=a, case=c),
    "withdraw": lambda a, c, d: services.case_withdraw(actor=a, case=c),
}


@router.post("/cases/{key}/{action}", response={200: dict, **ERRORS}, summary="A step of the case")
def case_action(request, key: str, action: str, data: ActionIn):
    """Staff steps on the case's id (409 when the table does not allow the step in the case's state)."""
    if action not in STAFF_ACTIONS:
        raise NotFound(code="unknown_action")
    case = selectors.case_get(public_id=key)
    require_role(request.auth, case.hall, *STAFF)
    case = STAFF_ACTIONS[action](request.auth, case, data)
    return selectors.staff_view(selectors.case_get(public_id=case.public_id))


@router.post("/tickets/{ticket_id}/case", response={201: dict, **ERRORS}, summary="Case for this ticket")
def ticket_case(request, ticket_id: str, data: TicketCaseIn):
    """At the window: accept a new case from the ticket being served, or (``number``) link the ticket to
    an existing case as another visit."""
    from servicehall.queueing.selectors import ticket_get

    ticket = ticket_get(public_id=ticket_id[:32])
    require_role(request.auth, ticket.hall, *STAFF)
    if data.number:
        visit = services.case_link_ticket(actor=request.auth, ticket=ticket, number=data.number)
        case = visit.case
    else:
        if data.materials is not None and not isinstance(data.materials, dict):
            raise Invalid(fields={"materials": ["object"]})
        case = services.case_open_at_window(
            actor=request.auth,
            ticket=ticket,
            phone=data.phone,
            id_number=data.id_number,
            materials=data.materials,
        )
    return Status(201, selectors.staff_view(selectors.case_get(public_id=case.public_id)))
