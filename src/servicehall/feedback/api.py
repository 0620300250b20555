"""The feedback API (a contract): the public submission (rate-limited), the citizen's view by code +
mobile and their rating of the handling, staff actions (409 on an illegal step), the hall's list and
the public statistics."""

import datetime

from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from servicehall.core.choices import Role
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.notify import public_url
from servicehall.core.permissions import require_role
from servicehall.core.selectors import hall_get
from servicehall.feedback import attachments as files_service
from servicehall.feedback import selectors, services, verification
from servicehall.feedback.choices import FeedbackType, HandlingRating, Subject

router = Router(tags=["feedback"])
STAFF = (Role.MANAGER, Role.CLERK)


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict = {}


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size_bytes: int
    sha256: str


class FeedbackIn(Schema):
    type: FeedbackType
    subject: Subject = Subject.HALL
    text: str = Field(max_length=2000)
    phone: str = Field("", max_length=20)
    ticket: str = Field("", max_length=32, description="The ticket's public id, when it is about a visit")
    channel: str = Field("web", max_length=10)
    external_no: str = Field("", max_length=40, description="12345 hotline number (staff entry)")


class CreatedOut(Schema):
    id: str
    code: str
    status: str
    track_url: str
    due_at: datetime.datetime


class ActionIn(Schema):
    reason: str = Field("", max_length=300)
    reply: str = Field("", max_length=2000)
    assignee: int | None = None
    department: str = Field("", max_length=100)
    phone: str = Field("", max_length=20, description="The citizen's mobile (rate)")
    code: str = Field("", max_length=8)
    rating: HandlingRating | None = None
    hall: str = Field("", max_length=32, description="The receiving hall's code (transfer)")
    otp: str = Field("", max_length=6, description="The code texted to the mobile (verify)")


def track_url(item) -> str:
    return public_url(reverse("feedback:track") + f"?code={item.code}")


@router.post("/halls/{hall_code}/feedback", response={201: CreatedOut, **ERRORS}, summary="Leave feedback")
def feedback_create(request, hall_code: str, data: FeedbackIn):
    item = services.feedback_submit(actor=request.auth, hall=hall_get(code=hall_code), **data.dict())
    return Status(
        201,
        {
            "id": item.public_id,
            "code": item.code,
            "status": item.status,
            "track_url": track_url(item),
            "due_at": item.answer_due_at,
        },
    )


@router.get("/halls/{hall_code}/feedback", response={200: list[dict], **ERRORS}, summary="The hall's items")
def feedback_list(request, hall_code: str, status: str = "", overdue: bool = False):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *STAFF)
    items = selectors.items_for_hall(
        hall=hall, status=status[:15], overdue_for=request.auth.user if overdue else None
    )[:200]
    return [selectors.item_for_staff(i, user=request.auth.user) for i in items]


@router.get("/halls/{hall_code}/feedback/statistics", response={200: dict, **ERRORS}, auth=None)
def feedback_statistics(request, hall_code: str, days: int = 365):
    until = timezone.now() + datetime.timedelta(seconds=1)  # what arrived this very second counts
    since = until - datetime.timedelta(days=max(1, min(days, 3660)))
    return selectors.public_statistics(hall=hall_get(code=hall_code), since=since, until=until)


@router.post(
    "/ratings/{rating_id}/complaint",
    response={201: CreatedOut, **ERRORS},
    summary="A bad rating as a complaint",
)
def feedback_from_rating(request, rating_id: str):
    item = services.feedback_from_rating(actor=request.auth, rating_public_id=rating_id[:32])
    return Status(
        201,
        {
            "id": item.public_id,
            "code": item.code,
            "status": item.status,
            "track_url": track_url(item),
            "due_at": item.answer_due_at,
        },
    )


@router.get("/feedback/{key}", response={200: dict, **ERRORS}, summary="Follow an item")
def feedback_read(request, key: str, phone: str = ""):
    """``key`` is the tracking code with ``?phone=`` (the citizen), or the item's id (staff)."""
    if phone:
        return selectors.citizen_view(selectors.item_for_citizen(code=key, phone=phone[:20]))
    item = selectors.item_get(public_id=key)
    require_role(request.auth, item.hall, *STAFF)
    return selectors.item_for_staff(item, user=request.auth.user)


@router.post(
    "/feedback/{key}/attachments",
    response={201: list[AttachmentOut], 413: ErrorOut, **ERRORS},
    summary="Add files to an item",
)
def feedback_attach(request, key: str, attachments: File[list[UploadedFile]], phone: Form[str] = ""):
    """PNG, JPEG or PDF (checked by content), at most 3 per item and 5 MB each (413 over it, 422 for
    another type), as multipart ``attachments``. Staff of the item's hall use the item's id (the member
    of staff it is about cannot); the citizen uses the tracking code with the mobile (``phone``). The
    answer never links to a file: files are served to the hall's staff only, on the item page."""
    phone = phone[:20]
    if phone:
        saved = files_service.attachments_add_by_citizen(
            actor=request.auth, code=key, phone=phone, files=attachments
        )
    else:
        item = selectors.item_get(public_id=key)
        require_role(request.auth, item.hall, *STAFF)
        saved = files_service.attachments_add(actor=request.auth, item=item, files=attachments)
    return Status(201, [_attachment_out(a) for a in saved])


def _attachment_out(a) -> dict:
    return {
        "id": a.pk,
        "name": a.original_name,
        "content_type": a.content_type,
        "size_bytes": a.size_bytes,
        "sha256": a.sha256,
    }


STAFF_ACTIONS = {
    "accept": lambda a, i, d: services.feedback_accept(actor=a, item=i),
    "reject": lambda a, i, d: services.feedback_reject(actor=a, item=i, reason=d.reason),
    "assign": lambda a, i, d: services.feedback_assign(
        actor=a, item=i, assignee_id=d.assignee, department=d.department
    ),
    "investigate": lambda a, i, d: services.feedback_investigate(actor=a, item=i),
    "answer": lambda a, i, d: services.feedback_answer(actor=a, item=i, reply=d.reply),
    "close": lambda a, i, d: services.feedback_close(actor=a, item=i),
    "reopen": lambda a, i, d: services.feedback_reopen(actor=a, item=i),
    "archive": lambda a, i, d: services.feedback_archive(actor=a, item=i),
    "transfer": lambda a, i, d: services.feedback_transfer(
        actor=a, item=i, to_hall_code=d.hall, reason=d.reason
    ),
}


@router.post("/feedback/{key}/{action}", response={200: dict, **ERRORS}, summary="A step of the handling")
def feedback_action(request, key: str, action: str, data: ActionIn):
    """Staff actions on the item's id; ``rate``, ``verify`` (the texted code proves the mobile) and
    ``resend-code`` are the citizen's, on the tracking code with the mobile."""
    if action == "rate":
        if data.rating is None:
            raise Invalid(fields={"rating": ["required"]})
        item = services.feedback_rate(actor=request.auth, code=key, phone=data.phone, rating=data.rating)
        return selectors.citizen_view(item)
    if action == "verify":
        item = verification.feedback_verify_phone(
            actor=request.auth, code=key, phone=data.phone, otp=data.otp
        )
        return selectors.citizen_view(item)
    if action == "resend-code":
        item = verification.feedback_resend_code(actor=request.auth, code=key, phone=data.phone)
        return selectors.citizen_view(item)
    if action not in STAFF_ACTIONS:
        raise NotFound(code="unknown_action")
    item = selectors.item_get(public_id=key)
    require_role(request.auth, item.hall, *STAFF)
    item = STAFF_ACTIONS[action](request.auth, item, data)
    return selectors.item_for_staff(item, user=request.auth.user)
