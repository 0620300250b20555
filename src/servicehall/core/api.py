"""API for halls, counters, the caller's own account and the audit trail. Thin: parse, call a service or
selector, shape the answer."""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from servicehall.core import selectors, services
from servicehall.core.choices import CounterKind, Role
from servicehall.core.errors import Invalid, NotAuthenticated
from servicehall.core.models import Floor
from servicehall.core.permissions import halls_for, require_role, roles_in_hall
from servicehall.core.ratelimit import rate_limit

router = Router(tags=["halls"])


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict[str, list[str]] = {}


class OpeningHoursOut(Schema):
    weekday: int
    opens: datetime.time
    closes: datetime.time


class HallOut(Schema):
    code: str
    name: str
    name_en: str = ""
    name_local: str = Field("", description="The name in the request's language (Accept-Language)")
    address: str
    address_en: str = ""
    time_zone: str
    phone: str


class HallDetailOut(HallOut):
    opening_hours: list[OpeningHoursOut]


class ServiceRef(Schema):
    code: str
    name: str
    name_en: str = ""
    name_local: str = ""
    ticket_prefix: str


class CounterOut(Schema):
    id: int
    number: str
    name: str
    name_en: str = ""
    name_local: str = Field("", description="The name in the request's language (Accept-Language)")
    kind: str
    active: bool
    floor: int | None = Field(None, description="Floor level")
    services: list[ServiceRef]


class CounterIn(Schema):
    number: str = Field(min_length=1, max_length=10)
    name: str = Field(min_length=1, max_length=60)
    name_en: str = Field("", max_length=80)
    name_zh_hant: str = Field("", max_length=60)
    kind: CounterKind = CounterKind.DEDICATED
    floor: int | None = Field(None, description="Floor level")
    active: bool = True


class CounterPatch(Schema):
    number: str | None = Field(None, min_length=1, max_length=10)
    name: str | None = Field(None, min_length=1, max_length=60)
    name_en: str | None = Field(None, max_length=80)
    name_zh_hant: str | None = Field(None, max_length=60)
    kind: CounterKind | None = None
    floor: int | None = None
    active: bool | None = None


class MeOut(Schema):
    username: str
    display_name: str
    is_system_admin: bool
    halls: dict[str, list[str]]


class AuditOut(Schema):
    id: int
    at: datetime.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    ip: str | None
    before: dict | None
    after: dict | None


def _counter_out(counter) -> dict:
    return {
        "id": counter.pk,
        "number": counter.number,
        "name": counter.name,
        "name_en": counter.name_en,
        "name_local": counter.name_local,
        "kind": counter.kind,
        "active": counter.active,
        "floor": counter.floor.level if counter.floor_id else None,
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "name_en": s.name_en,
                "name_local": s.name_local,
                "ticket_prefix": s.ticket_prefix,
            }
            for s in counter.service_items.all()
            if s.active
        ],
    }


def _floor(hall, level):
    if level is None:
        return None
    floor = Floor.objects.filter(hall=hall, level=level).first()
    if floor is None:
        raise Invalid(fields={"floor": [_("This hall has no floor %(level)s.") % {"level": level}]})
    return floor


@router.get("/halls", response=list[HallOut], summary="List halls")
def list_halls(request):
    rate_limit(actor=request.auth, scope="halls")
    return list(selectors.hall_list())


@router.get("/halls/{hall_code}", response={200: HallDetailOut, 404: ErrorOut}, summary="One hall")
def get_hall(request, hall_code: str):
    hall = selectors.hall_get(code=hall_code)
    return {**HallOut.from_orm(hall).dict(), "opening_hours": list(hall.opening_hours.all())}


@router.get(
    "/halls/{hall_code}/counters",
    response={200: list[CounterOut], 404: ErrorOut},
    summary="Counters (windows) of a hall with the services each serves",
)
def list_counters(request, hall_code: str, include_inactive: bool = False):
    hall = selectors.hall_get(code=hall_code)
    if include_inactive:
        require_role(request.auth, hall, Role.MANAGER)
    return [_counter_out(c) for c in selectors.counter_list(hall=hall, active_only=not include_inactive)]


@router.post(
    "/halls/{hall_code}/counters",
    response={201: CounterOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a counter (hall manager)",
)
def create_counter(request, hall_code: str, payload: CounterIn):
    hall = selectors.hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    counter = services.counter_create(
        actor=request.auth,
        hall=hall,
        number=payload.number,
        name=payload.name,
        name_en=payload.name_en.strip(),
        name_zh_hant=payload.name_zh_hant.strip(),
        kind=payload.kind,
        floor=_floor(hall, payload.floor),
        active=payload.active,
    )
    return Status(201, _counter_out(counter))


@router.patch(
    "/counters/{counter_id}",
    response={200: CounterOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a counter (hall manager)",
)
def update_counter(request, counter_id: int, payload: CounterPatch):
    counter = selectors.counter_get(counter_id=counter_id)
    require_role(request.auth, counter.hall, Role.MANAGER)
    changes = payload.dict(exclude_unset=True)
    if "floor" in changes:
        changes["floor"] = _floor(counter.hall, changes["floor"])
    if not changes:
        raise Invalid(_("Nothing to change."))
    counter = services.counter_update(actor=request.auth, counter=counter, **changes)
    return _counter_out(selectors.counter_get(counter_id=counter.pk))


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The calling account and its roles")
def me(request):
    actor = request.auth
    if actor.user_id is None:
        raise NotAuthenticated()
    user = actor.user
    return {
        "username": user.get_username(),
        "display_name": user.display_name,
        "is_system_admin": user.is_superuser,
        "halls": {
            h.code: sorted(roles_in_hall(user, h)) or (["admin"] if user.is_superuser else [])
            for h in halls_for(user)
        },
    }


class AuditFilter(Schema):
    action: str = ""
    actor: str = ""
    object_type: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10**12)  # a database offset: past bigint it was a 500


@router.get(
    "/halls/{hall_code}/audit",
    response={200: list[AuditOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Audit trail of a hall (hall manager)",
)
def list_audit(request, hall_code: str, filters: Query[AuditFilter]):
    hall = selectors.hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    tz = hall.tzinfo
    start = datetime.datetime.combine(filters.date_from, datetime.time(), tz) if filters.date_from else None
    end = (
        datetime.datetime.combine(filters.date_to + datetime.timedelta(days=1), datetime.time(), tz)
        if filters.date_to
        else None
    )
    entries = selectors.audit_list(
        halls=[hall],
        action=filters.action,
        actor=filters.actor,
        object_type=filters.object_type,
        date_from=start,
        date_to=end,
    )
    rows = entries[filters.offset : filters.offset + filters.limit]
    return [
        {
            "id": e.pk,
            "at": e.at,
            "actor": e.actor_label,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object_repr": e.object_repr,
            "ip": e.ip,
            "before": e.before,
            "after": e.after,
        }
        for e in rows
    ]
