"""The navigation API (a contract other systems use): put and read a hall's map, export it as IMDF, and
routes between two places with their steps. Coordinates are WGS84 longitude/latitude; levels are named
by their ordinal. Thin: parse, call one service or selector, shape."""

from typing import Literal

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from servicehall.core.api import ErrorOut
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.selectors import hall_get
from servicehall.navigation import selectors, services
from servicehall.navigation.geo import to_lonlat
from servicehall.navigation.graph import NoRoute
from servicehall.navigation.imdf import MAX_ARCHIVE_BYTES
from servicehall.navigation.imdf_export import imdf_export
from servicehall.navigation.plan import level_name
from servicehall.navigation.routing import UnknownRef, route

router = Router(tags=["navigation"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut}


class MapPutOut(Schema):
    version: int
    status: str = Field(description="published, or draft when ?publish=false or the check found errors")
    counts: dict[str, int]
    warnings: list[str]
    errors: list[str] = Field(description="Publishing-check errors that kept the map a draft")


class StepOut(Schema):
    text: str
    level: int
    distance_m: float
    kind: str = Field(description="depart, turn, door, straight, level, arrive")


class LegOut(Schema):
    level: int
    coordinates: list[list[float]]


class RouteOut(Schema):
    distance_m: float
    duration_s: int
    step_free: bool
    levels: list[int]
    steps: list[StepOut]
    legs: list[LegOut]


@router.put("/halls/{hall_code}/map", response={200: MapPutOut, **ERRORS})
def map_put(request, hall_code: str, publish: bool = True):
    """Body: an IMDF zip (``Content-Type: application/zip``). Hall manager or admin."""
    hall = hall_get(code=hall_code)
    # Read here up to the archive limit (20 MB), not through ``request.body``: Django caps that at
    # DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), which a real two-storey plan can pass.
    data = getattr(request, "_body", None)
    if data is None:
        data = request.read(MAX_ARCHIVE_BYTES + 1)
    return services.map_import(actor=request.auth, hall=hall, data=data, publish=publish)


@router.get("/halls/{hall_code}/map", response={200: dict, **ERRORS})
def map_get(request, hall_code: str):
    """The published map: levels, spaces, openings, connectors and points as GeoJSON per level."""
    version = selectors.published_map(hall=hall_get(code=hall_code))
    return selectors.map_geojson(version)


@router.get("/halls/{hall_code}/map.imdf", response={200: None, **ERRORS})
def map_export(request, hall_code: str):
    hall = hall_get(code=hall_code)
    version = selectors.published_map(hall=hall)
    plan = selectors.graph_of(version).plan
    kiosks = {pk: name for name, pk in selectors.kiosk_devices(hall=hall).items()}
    data = imdf_export(
        plan, ref_lon=version.ref_lon, ref_lat=version.ref_lat, venue_name=hall.name, kiosk_names=kiosks
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{hall.code}-map-v{version.number}.imdf.zip"'
    return response


def no_route_message(err: NoRoute, plan, lang: str) -> str:
    if err.reason == "no_step_free" and err.level is not None:
        kinds = {"stairs": _("stairs"), "escalator": _("escalators")}
        how = _(" and ").join(str(kinds.get(k, k)) for k in err.kinds if k in kinds) or _("stairs")
        return _("There is no step-free route: %(level)s is reached only by %(kinds)s.") % {
            "level": level_name(plan.level(err.level), err.level, lang),
            "kinds": how,
        }
    if err.reason == "staff_only":
        return _("There is no route: that place is in a staff-only area.")
    return _("There is no route between these two places on the published map.")


@router.get("/halls/{hall_code}/route", response={200: RouteOut, **ERRORS})
def route_get(
    request,
    hall_code: str,
    from_: str = Query(..., alias="from", max_length=100),
    to: str = Query(..., max_length=100),
    step_free: bool = False,
    lang: Literal["zh-hans", "zh-hant", "en"] = "zh-hans",
    speed_m_s: float | None = Query(
        None, gt=0.2, le=3.0, description="Walking speed (default 1.2, step-free 0.8)"
    ),
):
    """A route between two references: ``counter:<number>``, ``kiosk:<device id>``, ``entrance`` (the
    nearest) or a map feature's id. Unknown reference 404 ``not_found``; no route 404 ``no_route``."""
    version = selectors.published_map(hall=hall_get(code=hall_code))
    g = selectors.graph_of(version)
    try:
        answer = route(g, from_, to, step_free=step_free, lang=lang, speed_m_s=speed_m_s)
    except UnknownRef as err:
        raise NotFound(_("Unknown place: %(ref)s.") % {"ref": err.ref}, fields={"ref": [err.ref]}) from None
    except NoRoute as err:
        with translation.override(lang):  # the message in the language the steps were asked in
            message = no_route_message(err, g.plan, lang)
        raise NotFound(message, code="no_route") from None
    except ValueError:
        raise Invalid() from None
    legs = [
        {
            "level": leg["level"],
            "coordinates": [to_lonlat(x, y, version.ref_lon, version.ref_lat) for x, y in leg["coordinates"]],
        }
        for leg in answer.legs
    ]
    return {**answer.__dict__, "legs": legs}
