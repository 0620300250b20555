"""Reads of the maps: the published version of a hall, its plan as plain data, its routing graph (built
once per version and process, kept for the next routes: a version never changes once published), and
the map as GeoJSON in WGS84 for the API."""

import gc
import threading
from collections import OrderedDict

from servicehall.core import memo
from servicehall.core.choices import DeviceKind
from servicehall.core.errors import NotFound
from servicehall.core.models import Counter, Device, Hall
from servicehall.navigation import graph as nav_graph
from servicehall.navigation.choices import MapStatus
from servicehall.navigation.geo import to_lonlat
from servicehall.navigation.models import MapVersion
from servicehall.navigation.plan import Connector, Level, Opening, Plan, Point, Space, level_name
from servicehall.navigation.svg import level_svg

GRAPHS_KEPT = 16
_graphs: OrderedDict[tuple, nav_graph.NavGraph] = OrderedDict()
_building = threading.Lock()


def map_version(*, hall: Hall, status: str = MapStatus.PUBLISHED) -> MapVersion | None:
    return MapVersion.objects.filter(hall=hall, status=status).first()


def published_map(*, hall: Hall) -> MapVersion:
    """The published version, remembered a few seconds per process (``core.memo``; a publish in this
    process drops it at once, other processes see it within the memo's lifetime): every route reads it."""
    version = memo.remember("MapVersion", hall.pk, lambda: map_version(hall=hall))
    if version is None:
        raise NotFound(_no_map_message(), code="no_map")
    return version


def _no_map_message():
    from django.utils.translation import gettext as _

    return _("This hall has no published map yet.")


def plan_of(version: MapVersion) -> Plan:
    levels = list(version.levels.all())
    ordinal = {lv.pk: lv.ordinal for lv in levels}
    space_ids = {}
    spaces = []
    for s in version.spaces.all():
        space_ids[s.pk] = s.feature_id
        spaces.append(Space(s.feature_id, ordinal[s.level_id], s.kind, tuple(map(tuple, s.polygon)), s.name))
    connectors = [
        Connector(
            c.feature_id,
            c.kind,
            tuple(space_ids[s.pk] for s in sorted(c.spaces.all(), key=lambda s: ordinal[s.level_id])),
            c.name,
        )
        for c in version.connectors.prefetch_related("spaces")
    ]
    points = []
    for p in version.points.select_related("counter"):
        ref = (
            f"counter:{p.counter.number}" if p.counter_id else (f"kiosk:{p.device_id}" if p.device_id else "")
        )
        points.append(Point(p.feature_id, ordinal[p.level_id], p.kind, p.x, p.y, p.facing_deg, p.name, ref))
    return Plan(
        levels=[Level(lv.ordinal, lv.short_name, lv.name, lv.feature_id) for lv in levels],
        spaces=spaces,
        openings=[
            Opening(
                o.feature_id,
                ordinal[o.level_id],
                tuple(map(tuple, o.line)),
                o.kind,
                o.width_m,
                o.wheelchair,
                o.name,
            )
            for o in version.openings.all()
        ],
        connectors=connectors,
        points=points,
    )


def graph_of(version: MapVersion) -> nav_graph.NavGraph:
    """The version's routing graph, built on first use in this process (a published version is never
    changed, so the graph is kept; the next publish is a new version and a new key). One thread builds
    it while the others wait: sixteen first requests must not build it sixteen times."""
    key = (version.pk, version.hall_id, version.number, version.created_at)  # a rolled-back id may return
    g = _graphs.get(key)
    if g is not None:
        return g
    with _building:
        g = _graphs.get(key)
        if g is None:
            g = nav_graph.build(plan_of(version))
            # A graph is ~100,000 long-lived Python objects: out of the collector's way, or every full
            # collection walks them all in the middle of some request (the HTTP p99 showed it).
            gc.freeze()
            _graphs[key] = g
            while len(_graphs) > GRAPHS_KEPT:
                _graphs.popitem(last=False)
    return g


def counter_numbers(*, hall: Hall) -> list[str]:
    return list(Counter.objects.filter(hall=hall, active=True).values_list("number", flat=True))


def kiosk_devices(*, hall: Hall) -> dict[str, int]:
    """Kiosk device name → id: what an IMDF kiosk's ``correlation_id`` is matched against."""
    rows = Device.objects.filter(hall=hall, kind=DeviceKind.KIOSK).values_list("name", "pk")
    return dict(rows)


def map_geojson(version: MapVersion) -> dict:
    """The published map per level as GeoJSON FeatureCollections, every coordinate WGS84 lon/lat."""
    plan = graph_of(version).plan
    levels = [
        {
            "ordinal": lv.ordinal,
            "id": lv.feature_id,
            "short_name": lv.short_name,
            "name": lv.name,
            "features": {"type": "FeatureCollection", "features": _level_features(version, plan, lv.ordinal)},
        }
        for lv in plan.levels
    ]
    connectors = [
        {"id": c.feature_id, "kind": c.kind, "spaces": list(c.space_ids), "name": c.name}
        for c in plan.connectors
    ]
    return {
        "version": version.number,
        "published_at": version.published_at,
        "reference": [version.ref_lon, version.ref_lat],
        "levels": levels,
        "connectors": connectors,
        "warnings": version.warnings,
    }


def _level_features(version: MapVersion, plan: Plan, ordinal: int) -> list[dict]:
    def ll(x, y):
        return to_lonlat(x, y, version.ref_lon, version.ref_lat)

    feats = []
    for s in plan.spaces:
        if s.level == ordinal:
            ring = [ll(x, y) for x, y in s.polygon]
            geom = {"type": "Polygon", "coordinates": [ring + ring[:1]]}
            feats.append(_f(s.feature_id, "space", geom, kind=s.kind, name=s.name))
    for o in plan.openings:
        if o.level == ordinal:
            geom = {"type": "LineString", "coordinates": [ll(x, y) for x, y in o.line]}
            props = {"kind": o.kind, "name": o.name, "width_m": o.width_m, "wheelchair": o.wheelchair}
            feats.append(_f(o.feature_id, "opening", geom, **props))
    for p in plan.points:
        if p.level == ordinal:
            geom = {"type": "Point", "coordinates": ll(p.x, p.y)}
            props = {"kind": p.kind, "name": p.name, "ref": p.ref, "facing_deg": p.facing_deg}
            feats.append(_f(p.feature_id, "point", geom, **props))
    return feats


def _f(fid, feature_type, geometry, **props) -> dict:
    return {
        "type": "Feature",
        "id": fid,
        "geometry": geometry,
        "properties": {"feature_type": feature_type, **props},
    }


def walk_seconds(*, hall: Hall, counter_number: str, step_free: bool = False) -> int | None:
    """The predicted walk from the nearest entrance to a window, in seconds, on the published map; None
    without a map or a route. What the queue's "called → started" time can be compared with (the
    analytics will read it from here)."""
    from servicehall.navigation.graph import NoRoute
    from servicehall.navigation.routing import UnknownRef, route

    version = map_version(hall=hall)
    if version is None:
        return None
    try:
        answer = route(graph_of(version), "entrance", f"counter:{counter_number}", step_free=step_free)
    except (UnknownRef, NoRoute):
        return None
    return answer.duration_s


def board_floors(*, hall: Hall, lang: str) -> list[dict]:
    """The display board's small map (its ``?map=1``): every floor of the published map drawn without a
    route, north up, so the board shows the floor of the window just called and marks it (by the
    counters' ``data-counter``). Empty without a published map (the board then has no map)."""
    version = map_version(hall=hall)
    if version is None:
        return []
    plan = graph_of(version).plan
    floors = []
    for lv in plan.levels:
        name = level_name(lv, lv.ordinal, lang)
        svg = level_svg(plan, lv.ordinal, None, lang, name)
        if svg:
            floors.append({"level": lv.ordinal, "name": name, "svg": svg})
    return floors
