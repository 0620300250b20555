"""The staff API (a contract): a clerk's skills (list / replace) and the hall's weekly rota (read /
replace). Illegal actions answer 409, bad input 422 changing nothing, an unknown member of staff 404;
the hall's role is checked first, so another hall's staff answer 403 as everywhere."""

import datetime
import re

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from servicehall.core.choices import Role
from servicehall.core.errors import Invalid
from servicehall.core.permissions import require_role
from servicehall.core.selectors import hall_get
from servicehall.staff import selectors, services
from servicehall.staff.need import clerks_needed

router = Router(tags=["staff"])
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict = {}


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class SkillIn(Schema):
    service: str = Field(max_length=64, description="Service item code")
    level: str = Field(max_length=20, description="learning, qualified or expert")


class SkillOut(Schema):
    service: str
    service_name: str
    level: str
    granted_by: str
    granted_at: datetime.datetime


class RotaEntryIO(Schema):
    user: str = Field(max_length=150, description="Username")
    date: datetime.date
    half: str = Field(max_length=4, description="am or pm")
    kind: str = Field("work", max_length=8, description="work (at a window) or leave")
    counter: str | None = Field(None, max_length=10, description="Window number (work only)")


class NeedOut(Schema):
    date: datetime.date
    half: str
    service: str
    clerks: int


class RotaOut(Schema):
    week: str
    start: datetime.date
    end: datetime.date
    entries: list[RotaEntryIO]
    need: list[NeedOut] = Field(
        description="Clerks needed per half-day and service (the forecast's load, else the last 4 weeks')"
    )


def _skills_out(rows) -> list[dict]:
    return [
        {
            "service": s.item.code,
            "service_name": s.item.name_local,
            "level": s.level,
            "granted_by": s.granted_by_label,
            "granted_at": s.granted_at,
        }
        for s in rows
    ]


def _staff(request, hall_code: str, username: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    return hall, selectors.staff_user_get(hall=hall, username=username[:150])


@router.get(
    "/halls/{hall_code}/staff/{username}/skills",
    response={200: list[SkillOut], **ERRORS},
    summary="A clerk's skills per service item (hall manager)",
)
def skills_get(request, hall_code: str, username: str):
    hall, user = _staff(request, hall_code, username)
    return _skills_out(selectors.skill_rows(hall=hall, user=user))


@router.put(
    "/halls/{hall_code}/staff/{username}/skills",
    response={200: list[SkillOut], **ERRORS},
    summary="Replace a clerk's skills with [{service, level}] (hall manager; audited)",
)
def skills_put(request, hall_code: str, username: str, payload: list[SkillIn]):
    hall, user = _staff(request, hall_code, username)
    rows = services.skills_replace(actor=request.auth, hall=hall, user=user, rows=[r.dict() for r in payload])
    return _skills_out(rows)


def parse_week(value: str) -> datetime.date:
    """The Monday of ISO week ``YYYY-Www`` (years 2000-2099), else a 422 on ``week``."""
    match = WEEK.match(value or "")
    try:
        year, week = int(match.group(1)), int(match.group(2))
        if not 2000 <= year <= 2099:
            raise ValueError
        return datetime.date.fromisocalendar(year, week, 1)
    except (AttributeError, ValueError) as exc:
        raise Invalid(fields={"week": [_("Give the week as YYYY-Www, for example 2030-W10.")]}) from exc


def _rota_out(hall, monday: datetime.date) -> dict:
    need = []
    codes = dict(selectors.items_for_hall(hall=hall).values_list("id", "code"))
    for d in range(7):
        day = monday + datetime.timedelta(days=d)
        for (half, service_id), clerks in sorted(clerks_needed(hall=hall, day=day).items()):
            if service_id in codes:
                need.append({"date": day, "half": half, "service": codes[service_id], "clerks": clerks})
    return {
        "week": f"{monday:%G-W%V}",
        "start": monday,
        "end": monday + datetime.timedelta(days=6),
        "entries": selectors.rota_week(hall=hall, monday=monday),
        "need": need,
    }


@router.get(
    "/halls/{hall_code}/rota",
    response={200: RotaOut, **ERRORS},
    summary="The week's rota (who works at which window each half-day, leave) and the need",
)
def rota_get(request, hall_code: str, week: str = ""):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.CLERK)
    return _rota_out(hall, parse_week(week[:10]))


@router.put(
    "/halls/{hall_code}/rota",
    response={200: RotaOut, **ERRORS},
    summary="Replace the week's rota (hall manager; audited)",
)
def rota_put(request, hall_code: str, payload: list[RotaEntryIO], week: str = ""):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    monday = parse_week(week[:10])
    services.rota_week_replace(actor=request.auth, hall=hall, monday=monday, rows=[r.dict() for r in payload])
    return _rota_out(hall, monday)


class TargetsOut(Schema):
    enforced: bool
    windows: dict[str, list[str] | None] = Field(
        description="Window id → the service codes its signed-in clerk may serve (null: any)"
    )


@router.get(
    "/halls/{hall_code}/transfer-targets",
    response={200: TargetsOut, **ERRORS},
    summary="What each open window's clerk may serve, for the console's transfer form",
)
def transfer_targets(request, hall_code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.CLERK)
    return selectors.transfer_targets(hall=hall)
