"""The operating-guides API (a contract): the published guide of a service item in the caller's
language, for the hall's staff (the counter console reads it), and logging a use of a special-event
procedure."""

import datetime

from ninja import Field, Router, Schema, Status

from servicehall.catalog.selectors import item_get
from servicehall.core.choices import Role
from servicehall.core.errors import NotFound
from servicehall.core.permissions import STAFF_ROLES, require_role
from servicehall.core.selectors import hall_get
from servicehall.guides import selectors, services

router = Router(tags=["guides"])


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict = {}


class MaterialCheckOut(Schema):
    material: str
    material_id: int | None = Field(description="The catalogue material it is linked to (null once dropped)")
    check: str = Field(description="What the clerk checks in this material")


class FieldOut(Schema):
    code: str
    label: str


class CollectionOut(Schema):
    fields: list[FieldOut] = Field(description="Personal fields the clerk may ask for (customers' setting)")
    not_collected: list[FieldOut] = Field(description="Personal fields not to ask for on this item")
    why: str = Field(description="Why the item needs them (PIPL art. 6, minimum collection)")


class GuideOut(Schema):
    service: str
    service_name: str
    version: int = Field(description="The published version shown")
    status: str
    published_at: datetime.datetime | None
    steps: list[str]
    mistakes: list[str]
    legal_basis: str
    materials: list[MaterialCheckOut]
    collection: CollectionOut


class UseIn(Schema):
    happened: str = Field(max_length=1000, description="What happened")
    outcome: str = Field("", max_length=300)
    counter: int | None = Field(None, description="The window it happened at (this hall's)")
    ticked: int = Field(0, ge=0, le=1000, description="How many checklist steps were ticked")


class UseOut(Schema):
    id: int
    procedure: str
    used_at: datetime.datetime
    counter: str | None
    ticked: int
    steps_total: int


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "/halls/{hall_code}/services/{code}/guide",
    response={200: GuideOut, **ERRORS},
    summary="The published operating guide of a service item, in the caller's language (hall staff)",
)
def guide_published(request, hall_code: str, code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *STAFF_ROLES)
    item = item_get(hall=hall, code=code[:64])
    guide = selectors.guide_published(item=item)
    if guide is None:
        raise NotFound(code="guide_not_found")
    return selectors.guide_view(guide, item=item)


@router.post(
    "/halls/{hall_code}/procedures/{procedure_id}/uses",
    response={201: UseOut, **ERRORS},
    summary="Log that a special-event procedure was used (clerks and managers of the hall)",
)
def procedure_use(request, hall_code: str, procedure_id: int, data: UseIn):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.CLERK)
    procedure = selectors.procedure_get(hall=hall, pk=procedure_id)
    use = services.procedure_use_log(
        actor=request.auth,
        procedure=procedure,
        happened=data.happened,
        outcome=data.outcome,
        counter_id=data.counter,
        ticked=data.ticked,
    )
    return Status(
        201,
        {
            "id": use.pk,
            "procedure": procedure.code,
            "used_at": use.used_at,
            "counter": use.counter.number if use.counter else None,
            "ticked": use.ticked,
            "steps_total": use.steps_total,
        },
    )
