"""Writes of the maps: a new draft (from an IMDF archive, the demo plan or, later, the plan editor) and
its publishing, which runs the publishing check (``checks``): errors block it, warnings are recorded on
the version. Every write takes the hall's row lock (``select_for_update`` on ``Hall``) so that two
imports of one hall are one after the other, and writes its audit row in the same transaction."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Invalid
from servicehall.core.models import Counter, Device, Hall
from servicehall.core.permissions import require_role
from servicehall.core.transitions import transition
from servicehall.navigation import checks, selectors
from servicehall.navigation.choices import TRANSITIONS, MapAction, MapSource, MapStatus
from servicehall.navigation.graph import build
from servicehall.navigation.imdf import Problem, imdf_import
from servicehall.navigation.models import Connector, Level, MapVersion, Opening, Point, Space
from servicehall.navigation.plan import Plan, level_name, pick

PROBLEMS = {
    "not_zip": lambda p: _("This is not an IMDF archive (a zip of GeoJSON files)."),
    "too_large": lambda p: _("The archive is larger than 20 MB."),
    "missing_file": lambda p: _("The archive has no %(file)s.") % {"file": p.file},
    "bad_json": lambda p: _("This file is not valid JSON."),
    "not_feature_collection": lambda p: _("This file is not a GeoJSON FeatureCollection."),
    "no_id": lambda p: _("A feature has no id."),
    "no_coordinates": lambda p: _("The archive has no coordinates to place the plan by."),
    "bad_geometry": lambda p: _("The geometry is missing, of the wrong type or outside WGS84."),
    "bad_ordinal": lambda p: _("The level has no whole-number ordinal."),
    "duplicate_ordinal": lambda p: _("Another level has the ordinal %(value)s.") % {"value": p.detail},
    "unknown_level": lambda p: _("It is on a level that does not exist (%(value)s).") % {"value": p.detail},
    "unknown_category": lambda p: _("Unknown unit category “%(value)s”.") % {"value": p.detail},
    "on_no_unit": lambda p: _("The opening is on no unit's boundary."),
    "unknown_unit": lambda p: _("It names a unit that does not exist (%(value)s).") % {"value": p.detail},
    "unknown_anchor": lambda p: (
        _("It names an anchor that does not exist (%(value)s).") % {"value": p.detail}
    ),
}


def _lang() -> str:
    lang = (get_language() or "zh-hans").lower()
    return lang if lang in {"zh-hans", "zh-hant", "en"} else "zh-hans"


def problem_fields(problems: list[Problem]) -> dict[str, list[str]]:
    """Every problem of an import, keyed ``<file>`` or ``<file>#<feature id>``, in the reader's language."""
    fields: dict[str, list[str]] = {}
    for p in problems:
        key = f"{p.file}#{p.feature_id}" if p.feature_id else p.file
        fields.setdefault(key, []).append(str(PROBLEMS[p.code](p)))
    return fields


def finding_text(f: checks.Finding, plan: Plan) -> str:
    """A publishing-check finding in the reader's language ("Window 11 has no step-free route: 2F is
    reached only by stairs")."""
    lang = _lang()
    params = dict(f.params)
    if "level" in params:
        params["level"] = level_name(plan.level(params["level"]), params["level"], lang)
    kinds = {"stairs": _("stairs"), "escalator": _("escalators"), "lift": _("a lift"), "ramp": _("a ramp")}
    params["kinds"] = _(" and ").join(str(kinds[k]) for k in params.get("kinds", ())) or _("nothing")
    texts = {
        "door_touches_nothing": _("Door %(id)s on %(level)s touches no space."),
        "point_outside": _("Point %(id)s on %(level)s is in no space."),
        "level_without_connector": _("No stairs, lift, escalator or ramp reaches %(level)s."),
        "no_entrance": _("The map has no entrance."),
        "counter_unreachable": _("Window %(counter)s on %(level)s cannot be reached from %(from)s."),
        "counter_not_step_free": _(
            "Window %(counter)s has no step-free route: %(level)s is reached only by %(kinds)s."
        ),
        "counter_not_placed": _("Window %(counter)s is not placed on the map."),
    }
    if "from" in params:
        params["from"] = _place_name(plan, params["from"], lang)
    return str(texts[f.code]) % params


def _place_name(plan: Plan, feature_id: str, lang: str) -> str:
    """An entrance or a kiosk by its name, else by its kind ("the entrance"), never by its UUID: the
    reader is a hall manager looking at the check in the plan editor."""
    point = plan.point(feature_id)
    if point is not None:
        return pick(point.name, lang) or (_("a kiosk") if point.kind == "kiosk" else _("the entrance"))
    opening = next((o for o in plan.openings if o.feature_id == feature_id), None)
    if opening is not None:
        return pick(opening.name, lang) or _("the entrance")
    return feature_id


def _lock_hall(hall: Hall) -> Hall:
    return Hall.objects.select_for_update().get(pk=hall.pk)


def _save_rows(version: MapVersion, plan: Plan) -> None:
    """The plan's rows under ``version`` (bulk inserts; the connectors' spaces by feature id)."""
    levels, spaces = _save_levels_and_spaces(version, plan)
    _save_openings_and_connectors(version, plan, levels, spaces)
    _save_points(version, plan, levels)


def _save_levels_and_spaces(version: MapVersion, plan: Plan) -> tuple[dict, dict]:
    hall = version.hall
    levels = {
        lv.ordinal: Level(
            hall=hall,
            map=version,
            ordinal=lv.ordinal,
            short_name=lv.short_name,
            name=lv.name,
            feature_id=lv.feature_id or f"level-{lv.ordinal}",
        )
        for lv in plan.levels
    }
    Level.objects.bulk_create(levels.values())
    spaces = {
        s.feature_id: Space(
            hall=hall,
            map=version,
            level=levels[s.level],
            feature_id=s.feature_id,
            kind=s.kind,
            polygon=[list(p) for p in s.polygon],
            name=s.name,
        )
        for s in plan.spaces
    }
    Space.objects.bulk_create(spaces.values())
    return levels, spaces


def _save_openings_and_connectors(version: MapVersion, plan: Plan, levels: dict, spaces: dict) -> None:
    hall = version.hall
    Opening.objects.bulk_create(
        Opening(
            hall=hall,
            map=version,
            level=levels[o.level],
            feature_id=o.feature_id,
            kind=o.kind,
            line=[list(p) for p in o.line],
            width_m=o.width_m,
            wheelchair=o.wheelchair,
            name=o.name,
        )
        for o in plan.openings
    )
    for c in plan.connectors:
        row = Connector.objects.create(
            hall=hall, map=version, feature_id=c.feature_id, kind=c.kind, name=c.name
        )
        row.spaces.set([spaces[sid] for sid in c.space_ids])


def _save_points(version: MapVersion, plan: Plan, levels: dict) -> None:
    """Points, a counter's linked to the hall's ``Counter`` by number, a kiosk's to its ``Device``."""
    hall = version.hall
    counters = dict(Counter.objects.filter(hall=hall).values_list("number", "pk"))
    devices = set(Device.objects.filter(hall=hall).values_list("pk", flat=True))
    rows = []
    for p in plan.points:
        counter_id = counters.get(p.ref.split(":", 1)[1]) if p.ref.startswith("counter:") else None
        device_id = (
            int(p.ref.split(":", 1)[1]) if p.ref.startswith("kiosk:") and p.ref[6:].isdigit() else None
        )
        rows.append(
            Point(
                hall=hall,
                map=version,
                level=levels[p.level],
                feature_id=p.feature_id,
                kind=p.kind,
                x=p.x,
                y=p.y,
                facing_deg=p.facing_deg,
                name=p.name,
                counter_id=counter_id,
                device_id=device_id if device_id in devices else None,
            )
        )
    Point.objects.bulk_create(rows)


def map_draft_save(
    *, actor: Actor, hall: Hall, plan: Plan, ref_lon: float, ref_lat: float, source: str = MapSource.EDITOR
) -> MapVersion:
    """Replace the hall's draft with ``plan`` (the old draft is discarded, kept as retired). Takes the
    hall's row lock. Hall manager or system administrator."""
    require_role(actor, hall, Role.MANAGER)
    with transaction.atomic():
        _lock_hall(hall)
        old = MapVersion.objects.select_for_update().filter(hall=hall, status=MapStatus.DRAFT).first()
        if old is not None:
            old.status = transition(TRANSITIONS, old, MapAction.DISCARD)
            old.retired_at = timezone.now()
            old.save(update_fields=["status", "retired_at"])
        last = (
            MapVersion.objects.filter(hall=hall).order_by("-number").values_list("number", flat=True).first()
        )
        version = MapVersion.objects.create(
            hall=hall,
            number=(last or 0) + 1,
            source=source,
            ref_lon=ref_lon,
            ref_lat=ref_lat,
            created_by=actor.user,
        )
        _save_rows(version, plan)
        audit_record(
            actor=actor,
            action="navigation.map_draft_save",
            hall=hall,
            obj=version,
            after={"counts": plan.counts(), "discarded": old.number if old else None, "source": source},
        )
    return version


def map_check(*, version: MapVersion) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the publishing check, in the reader's language."""
    g = build(selectors.plan_of(version))
    found = checks.check(g, hall_counters=selectors.counter_numbers(hall=version.hall))
    errors = [finding_text(f, g.plan) for f in found if f.severity == "error"]
    warnings = [finding_text(f, g.plan) for f in found if f.severity == "warning"]
    return errors, warnings


def map_publish(*, actor: Actor, version: MapVersion) -> MapVersion:
    """Publish a draft: the check's errors refuse it (422, every error listed); its warnings are saved on
    the version and in the audit row. The previously published version is retired. Takes the hall's row
    lock, then the version's."""
    require_role(actor, version.hall, Role.MANAGER)
    with transaction.atomic():
        _lock_hall(version.hall)
        version = MapVersion.objects.select_for_update().get(pk=version.pk)
        errors, warnings = map_check(version=version)
        if errors:
            raise Invalid(
                _("The map cannot be published: %(count)d problem(s) must be fixed first.")
                % {"count": len(errors)},
                code="map_check_failed",
                fields={"map": errors, "warnings": warnings},
            )
        new_status = transition(TRANSITIONS, version, MapAction.PUBLISH)
        now = timezone.now()
        current = (
            MapVersion.objects.select_for_update()
            .filter(hall=version.hall, status=MapStatus.PUBLISHED)
            .first()
        )
        if current is not None:
            current.status = transition(TRANSITIONS, current, MapAction.RETIRE)
            current.retired_at = now
            current.save(update_fields=["status", "retired_at"])
        version.status, version.published_at, version.warnings = new_status, now, warnings
        version.save(update_fields=["status", "published_at", "warnings"])
        audit_record(
            actor=actor,
            action="navigation.map_publish",
            hall=version.hall,
            obj=version,
            after={"warnings": warnings, "retired": current.number if current else None},
        )
    return version


def map_import(*, actor: Actor, hall: Hall, data: bytes, publish: bool = True) -> dict:
    """An IMDF archive as the hall's new draft, published when ``publish`` and the check has no errors.
    A broken archive is refused whole (422, every problem by file and feature id) and changes nothing."""
    require_role(actor, hall, Role.MANAGER)
    result = imdf_import(
        data, counters=set(selectors.counter_numbers(hall=hall)), kiosks=selectors.kiosk_devices(hall=hall)
    )
    if result.problems:
        raise Invalid(
            _("The file is not a usable IMDF archive: %(count)d problem(s).")
            % {"count": len(result.problems)},
            code="invalid_imdf",
            fields=problem_fields(result.problems),
        )
    with transaction.atomic():
        version = map_draft_save(
            actor=actor,
            hall=hall,
            plan=result.plan,
            ref_lon=result.ref_lon,
            ref_lat=result.ref_lat,
            source=MapSource.IMDF,
        )
        errors, warnings = map_check(version=version)
        if publish and not errors:
            version = map_publish(actor=actor, version=version)
    return {
        "version": version.number,
        "status": version.status,
        "counts": result.plan.counts(),
        "warnings": warnings,
        "errors": errors,
    }
