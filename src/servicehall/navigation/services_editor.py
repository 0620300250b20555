"""The plan editor's writes: start a draft, then add, move or delete one level, space, opening
(door), vertical connector or point at a time. Kept beside ``services`` (which owns the whole-plan
draft save, the check and publishing) so the editor's many small validated edits do not swell it.

Every edit: hall manager or system administrator; takes the hall's row lock, then the draft's; validates
everything before writing anything (a bad polygon, a point in no space, a NUL or a huge number is an
``Invalid`` naming the field, and nothing changes); writes one audit row with what was and what is.
Geometry is metres in the hall's plane (x east, y north), as the rows store it. Only a draft is ever
edited: the published version is what citizens are routed on and never changes.
"""

import math

from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import LineString, Polygon
from shapely.geometry import Point as ShapelyPoint

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Conflict, Invalid, NotFound
from servicehall.core.models import Counter, Device, Hall
from servicehall.core.permissions import require_role
from servicehall.navigation import selectors
from servicehall.navigation.choices import (
    ConnectorKind,
    MapSource,
    MapStatus,
    OpeningKind,
    PointKind,
    SpaceKind,
)
from servicehall.navigation.models import Connector, Level, MapVersion, Opening, Point, Space
from servicehall.navigation.plan import LANGS, NOT_WALKABLE, Plan
from servicehall.navigation.plan import Level as PlanLevel
from servicehall.navigation.services import map_draft_save

LIMIT_M = 5000.0  # no hall is 5 km across: a larger number is a typo or an attack
MAX_VERTICES = 200
MAX_NAME = 80
# Where an empty plan is put when no version has a reference point yet (the hall's plane still works in
# metres; the API's WGS84 is then about this point until an import or a setting moves it).
DEFAULT_REF = (120.1551, 30.2741)


# --- input checks (each raises Invalid naming the field; nothing is written before they all pass) ---


def number(value, field: str, lo: float = -LIMIT_M, hi: float = LIMIT_M) -> float:
    """A finite number in [lo, hi] from a number or a form's text."""
    if isinstance(value, str):
        value = value.strip().replace(",", ".") if value.count(",") == 1 and "." not in value else value
        if "\x00" in value or len(value) > 32:
            raise Invalid(fields={field: [_("Enter a number.")]})
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise Invalid(fields={field: [_("Enter a number.")]}) from None
    if not math.isfinite(out) or not lo <= out <= hi:
        raise Invalid(
            fields={field: [_("Enter a number from %(lo)s to %(hi)s.") % {"lo": f"{lo:g}", "hi": f"{hi:g}"}]}
        )
    return round(out, 3)


def names(value: dict | None, field: str = "name") -> dict[str, str]:
    """Names per language (``zh-hans``, ``zh-hant``, ``en``); empty ones dropped."""
    out = {}
    for lang, text in (value or {}).items():
        if lang not in LANGS or text is None:
            continue
        text = str(text).strip()
        if "\x00" in text or len(text) > MAX_NAME:
            raise Invalid(
                fields={field: [_("At most %(n)d characters, no control characters.") % {"n": MAX_NAME}]}
            )
        if text:
            out[lang] = text
    return out


def parse_coords(text: str, field: str) -> list[list[float]]:
    """``"0,0; 10,0; 10,5"`` (or one pair per line) as ``[[x, y], ...]``: what the side form's polygon
    and door boxes hold."""
    if "\x00" in (text or "") or len(text or "") > 8000:
        raise Invalid(fields={field: [_("Write the coordinates as “x,y; x,y; …” in metres.")]})
    pairs = [p for p in (text or "").replace("\n", ";").split(";") if p.strip()]
    out = []
    for pair in pairs:
        parts = pair.replace(",", " ").split()
        if len(parts) != 2:
            raise Invalid(fields={field: [_("Write the coordinates as “x,y; x,y; …” in metres.")]})
        out.append([number(parts[0], field), number(parts[1], field)])
    return out


def _coords(value, field: str) -> list[list[float]]:
    if isinstance(value, str):
        return parse_coords(value, field)
    try:
        return [[number(x, field), number(y, field)] for x, y in value]
    except (TypeError, ValueError):
        raise Invalid(fields={field: [_("Write the coordinates as “x,y; x,y; …” in metres.")]}) from None


def polygon(value, field: str = "polygon") -> list[list[float]]:
    """A simple polygon of 3–200 vertices with some area (a closing vertex equal to the first is dropped)."""
    ring = _coords(value, field)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    if not 3 <= len(ring) <= MAX_VERTICES:
        raise Invalid(fields={field: [_("A space needs 3 to %(n)d corners.") % {"n": MAX_VERTICES}]})
    shape = Polygon(ring)
    if not shape.is_valid:
        raise Invalid(fields={field: [_("The outline crosses itself.")]})
    if shape.area < 0.25:
        raise Invalid(fields={field: [_("The space is too small (under 0.25 m²).")]})
    return ring


def line(value, field: str = "line") -> list[list[float]]:
    pts = _coords(value, field)
    if not 2 <= len(pts) <= 20 or LineString(pts).length < 0.3:
        raise Invalid(fields={field: [_("A door is a line of 2 or more points, at least 0.3 m long.")]})
    return pts


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise Invalid(fields={field: [_("Choose one of the list.")]})
    return value


# --- the draft and its rows ---


def _locked_draft(hall: Hall) -> MapVersion:
    Hall.objects.select_for_update().get(pk=hall.pk)
    draft = MapVersion.objects.select_for_update().filter(hall=hall, status=MapStatus.DRAFT).first()
    if draft is None:
        raise Conflict(_("There is no draft to edit: start one first."), code="no_draft")
    return draft


def _level(draft: MapVersion, ordinal, field: str = "level") -> Level:
    o = int(number(ordinal, field, -20, 200))
    lv = draft.levels.filter(ordinal=o).first()
    if lv is None:
        raise Invalid(fields={field: [_("The draft has no such floor.")]})
    return lv


def _row(model, draft: MapVersion, feature_id: str):
    row = model.objects.filter(map=draft, feature_id=str(feature_id or "")[:64]).first()
    if row is None:
        raise NotFound(_("Not found in the draft (already deleted?)."), code="not_found")
    return row


def _audit(actor: Actor, hall: Hall, action: str, row, before=None, after=None) -> None:
    audit_record(
        actor=actor,
        action=f"navigation.{action}",
        hall=hall,
        obj=row,
        object_repr=f"{row}"[:200],
        before=before,
        after=after,
    )


def _space_snapshot(s: Space) -> dict:
    return {"level": s.level.ordinal, "kind": s.kind, "polygon": s.polygon, "name": s.name}


def _opening_snapshot(o: Opening) -> dict:
    return {"level": o.level.ordinal, "kind": o.kind, "line": o.line, "width_m": o.width_m,
            "wheelchair": o.wheelchair}  # fmt: skip


def _point_snapshot(p: Point) -> dict:
    return {"level": p.level.ordinal, "kind": p.kind, "x": p.x, "y": p.y, "facing_deg": p.facing_deg,
            "counter": p.counter.number if p.counter_id else None, "device": p.device_id}  # fmt: skip


def map_draft_start(*, actor: Actor, hall: Hall) -> MapVersion:
    """A new draft to edit: a copy of the published plan, or (no map yet) an empty plan with a ground
    floor. An existing draft is discarded (``map_draft_save`` keeps it, retired, and audits)."""
    require_role(actor, hall, Role.MANAGER)
    published = selectors.map_version(hall=hall)
    if published is not None:
        plan, ref = selectors.plan_of(published), (published.ref_lon, published.ref_lat)
    else:
        last = MapVersion.objects.filter(hall=hall).order_by("-number").first()
        ref = (last.ref_lon, last.ref_lat) if last else DEFAULT_REF
        plan = Plan(levels=[PlanLevel(0, {"zh-hans": "1楼", "zh-hant": "1樓", "en": "1F"})])
    return map_draft_save(
        actor=actor, hall=hall, plan=plan, ref_lon=ref[0], ref_lat=ref[1], source=MapSource.EDITOR
    )


def level_save(
    *, actor: Actor, hall: Hall, ordinal, short_name: dict | None = None, feature_id: str = ""
) -> Level:
    """Add a floor, or renumber/rename one (``feature_id`` given). Ordinals are unique in a map."""
    require_role(actor, hall, Role.MANAGER)
    o = int(number(ordinal, "ordinal", -20, 200))
    short = names(short_name, "short_name")
    with transaction.atomic():
        draft = _locked_draft(hall)
        row = _row(Level, draft, feature_id) if feature_id else None
        if draft.levels.filter(ordinal=o).exclude(pk=row.pk if row else None).exists():
            raise Invalid(fields={"ordinal": [_("Another floor has this number.")]})
        before = {"ordinal": row.ordinal, "short_name": row.short_name} if row else None
        if row is None:
            row = Level(hall=hall, map=draft, feature_id=f"level-{o}-{draft.number}")
            if draft.levels.filter(feature_id=row.feature_id).exists():
                row.feature_id = Level._meta.get_field("feature_id").default()
        row.ordinal, row.short_name = (
            o,
            short or row.short_name or {"en": f"{o + 1}F" if o >= 0 else f"B{-o}"},
        )
        row.save()
        _audit(actor, hall, "level_save", row, before, {"ordinal": o, "short_name": row.short_name})
    return row


def level_delete(*, actor: Actor, hall: Hall, feature_id: str) -> None:
    """Delete a floor with everything on it; a connector left joining fewer than two spaces goes too."""
    require_role(actor, hall, Role.MANAGER)
    with transaction.atomic():
        draft = _locked_draft(hall)
        row = _row(Level, draft, feature_id)
        counts = {
            "spaces": row.spaces.count(),
            "openings": row.openings.count(),
            "points": row.points.count(),
        }
        connectors = list(Connector.objects.filter(map=draft, spaces__level=row).distinct())
        _audit(actor, hall, "level_delete", row, {"ordinal": row.ordinal, **counts}, None)
        row.delete()
        for c in connectors:
            if c.spaces.count() < 2:
                c.delete()


def space_save(
    *, actor: Actor, hall: Hall, level, kind: str, polygon_m, name: dict | None = None, feature_id: str = ""
) -> Space:
    """Add a space or change one (its outline, kind, name, floor)."""
    require_role(actor, hall, Role.MANAGER)
    ring = polygon(polygon_m)
    kind = _choice(kind, SpaceKind, "kind")
    label = names(name)
    with transaction.atomic():
        draft = _locked_draft(hall)
        lv = _level(draft, level)
        row = _row(Space, draft, feature_id) if feature_id else Space(hall=hall, map=draft)
        before = _space_snapshot(row) if row.pk else None
        row.level, row.kind, row.polygon, row.name = lv, kind, ring, label
        row.save()
        _audit(actor, hall, "space_save", row, before, _space_snapshot(row))
    return row


def opening_save(
    *,
    actor: Actor,
    hall: Hall,
    level,
    line_m,
    kind: str = OpeningKind.DOOR,
    width_m=1.0,
    wheelchair: bool = True,
    name: dict | None = None,
    feature_id: str = "",
) -> Opening:
    """Add or change a door (a line on the boundary of the spaces it joins; the check reports one that
    touches none)."""
    require_role(actor, hall, Role.MANAGER)
    pts = line(line_m)
    kind = _choice(kind, OpeningKind, "kind")
    width = number(width_m, "width_m", 0.3, 50)
    label = names(name)
    with transaction.atomic():
        draft = _locked_draft(hall)
        lv = _level(draft, level)
        row = _row(Opening, draft, feature_id) if feature_id else Opening(hall=hall, map=draft)
        before = _opening_snapshot(row) if row.pk else None
        row.level, row.kind, row.line, row.width_m, row.wheelchair, row.name = (
            lv, kind, pts, width, bool(wheelchair), label
        )  # fmt: skip
        row.save()
        _audit(actor, hall, "opening_save", row, before, _opening_snapshot(row))
    return row


def connector_save(
    *,
    actor: Actor,
    hall: Hall,
    kind: str,
    space_ids: list[str],
    name: dict | None = None,
    feature_id: str = "",
) -> Connector:
    """Add or change stairs, a lift, an escalator or a ramp: its space (shaft) on each floor it joins, at
    least two, each on a different floor."""
    require_role(actor, hall, Role.MANAGER)
    kind = _choice(kind, ConnectorKind, "kind")
    label = names(name)
    with transaction.atomic():
        draft = _locked_draft(hall)
        ids = [str(s)[:64] for s in space_ids or [] if s]
        spaces = list(Space.objects.filter(map=draft, feature_id__in=ids).select_related("level"))
        if len(spaces) < 2 or len(spaces) != len(set(ids)):
            raise Invalid(fields={"space_ids": [_("Choose its space on at least two floors.")]})
        if len({s.level_id for s in spaces}) != len(spaces):
            raise Invalid(fields={"space_ids": [_("Choose one space per floor.")]})
        row = _row(Connector, draft, feature_id) if feature_id else None
        before = {"kind": row.kind, "spaces": sorted(s.feature_id for s in row.spaces.all())} if row else None
        if row is None:
            row = Connector(hall=hall, map=draft)
        row.kind, row.name = kind, label
        row.save()
        row.spaces.set(spaces)
        _audit(actor, hall, "connector_save", row, before, {"kind": kind, "spaces": sorted(ids)})
    return row


def point_save(
    *,
    actor: Actor,
    hall: Hall,
    level,
    kind: str,
    x,
    y,
    facing_deg=None,
    name: dict | None = None,
    counter_number: str = "",
    device_id=None,
    feature_id: str = "",
) -> Point:
    """Place or move a point: a counter of the hall (each placed once), a kiosk (its device; the facing
    turns its map), an entrance, an amenity. It must stand in a walkable space of its floor."""
    require_role(actor, hall, Role.MANAGER)
    kind = _choice(kind, PointKind, "kind")
    px, py = number(x, "x"), number(y, "y")
    facing = None if facing_deg in (None, "") else number(facing_deg, "facing_deg", -360, 720) % 360
    label = names(name)
    with transaction.atomic():
        draft = _locked_draft(hall)
        lv = _level(draft, level)
        row = _row(Point, draft, feature_id) if feature_id else Point(hall=hall, map=draft)
        before = _point_snapshot(row) if row.pk else None
        counter = _counter(hall, draft, kind, counter_number, row)
        device = _device(hall, kind, device_id) if kind == PointKind.KIOSK else None
        here = ShapelyPoint(px, py)
        inside = [
            s
            for s in lv.spaces.all()
            if s.kind not in NOT_WALKABLE and Polygon(s.polygon).buffer(0.01).covers(here)
        ]
        if not inside:
            raise Invalid(fields={"x": [_("This place is in no walkable space of the floor.")]})
        row.level, row.kind, row.x, row.y, row.facing_deg, row.name = lv, kind, px, py, facing, label
        row.counter = counter
        if kind == PointKind.KIOSK:
            row.device = device
        elif device_id in (None, ""):
            row.device = None
        row.save()
        _audit(actor, hall, "point_save", row, before, _point_snapshot(row))
    return row


def _counter(hall: Hall, draft: MapVersion, kind: str, number_: str, row: Point) -> Counter | None:
    if kind != PointKind.COUNTER:
        return None
    counter = Counter.objects.filter(hall=hall, number=str(number_ or "")[:20]).first()
    if counter is None:
        raise Invalid(fields={"counter": [_("Choose a window of this hall.")]})
    taken = Point.objects.filter(map=draft, counter=counter).exclude(pk=row.pk).exists()
    if taken:
        raise Invalid(fields={"counter": [_("This window is placed already: move it instead.")]})
    return counter


def _device(hall: Hall, kind: str, device_id) -> Device | None:
    if device_id in (None, ""):
        return None
    device = Device.objects.filter(hall=hall, pk=int(number(device_id, "device", 0, 2**31))).first()
    if device is None:
        raise Invalid(fields={"device": [_("Choose a kiosk of this hall.")]})
    return device


DELETABLE = {"space": Space, "opening": Opening, "connector": Connector, "point": Point}


def feature_delete(*, actor: Actor, hall: Hall, what: str, feature_id: str) -> None:
    """Delete one space, opening, connector or point of the draft (a space takes its connector links
    with it; the check then tells what became unreachable)."""
    require_role(actor, hall, Role.MANAGER)
    model = DELETABLE.get(what)
    if model is None:
        raise Invalid(fields={"what": [_("Choose one of the list.")]})
    with transaction.atomic():
        draft = _locked_draft(hall)
        row = _row(model, draft, feature_id)
        snap = {
            Space: _space_snapshot,
            Opening: _opening_snapshot,
            Point: _point_snapshot,
            Connector: lambda c: {"kind": c.kind, "spaces": sorted(s.feature_id for s in c.spaces.all())},
        }[model](row)
        _audit(actor, hall, f"{what}_delete", row, snap, None)
        row.delete()
