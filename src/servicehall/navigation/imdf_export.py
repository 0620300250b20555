"""Writing a ``Plan`` as an IMDF archive (the published map's export). Pure: no Django.

Spaces become units (their kind as an IMDF category), openings stay openings, each connector a
relationship joining its units, counters an occupant on an anchor (``correlation_id`` = the counter's
number), kiosks kiosk features (``correlation_id`` = the device's name), every other point an amenity.
Two non-standard properties keep what IMDF has no field for, so that import → export → import gives the
same plan: ``facing`` (degrees, 0 = east) and ``servicehall_kind``.
"""

import datetime
import io
import json
import zipfile

from servicehall.navigation.geo import to_lonlat
from servicehall.navigation.plan import Plan

UNIT_CATEGORY = {
    "room": "room",
    "walkway": "walkway",
    "waiting": "waitingroom",
    "stairs": "stairs",
    "lift": "elevator",
    "escalator": "escalator",
    "ramp": "ramp",
    "toilet": "restroom",
    "staff_only": "nonpublic",
    "unwalkable": "structure",
}
AMENITY_CATEGORY = {"info_desk": "information", "toilet": "restroom", "waiting": "seating"}
RELATIONSHIP_CATEGORY = {"lift": "elevator", "stairs": "stairs", "escalator": "escalator", "ramp": "ramp"}


def labels(names: dict[str, str]) -> dict[str, str] | None:
    if not names:
        return None
    fix = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
    return {fix.get(k, k): v for k, v in names.items()}


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _feature(fid: str, feature_type: str, geometry, properties: dict) -> dict:
    return {
        "id": fid,
        "type": "Feature",
        "feature_type": feature_type,
        "geometry": geometry,
        "properties": properties,
    }


def imdf_export(
    plan: Plan, *, ref_lon: float, ref_lat: float, venue_name: str, kiosk_names: dict[int, str]
) -> bytes:
    """The archive's bytes. ``kiosk_names``: device id → name (what a kiosk's correlation id is)."""

    def ll(x, y):
        return to_lonlat(x, y, ref_lon, ref_lat)

    level_ids = {lv.ordinal: lv.feature_id or f"level-{lv.ordinal}" for lv in plan.levels}
    files: dict[str, object] = _venue_files(plan, ref_lon, ref_lat, venue_name, level_ids)
    files["unit"] = _collection([_unit(s, ll, level_ids) for s in plan.spaces])
    files["opening"] = _collection([_opening(o, ll, level_ids) for o in plan.openings])
    space_ids = {s.feature_id for s in plan.spaces}
    files["relationship"] = _collection(
        [_relationship(c) for c in plan.connectors if all(i in space_ids for i in c.space_ids)]
    )
    _points(plan, files, ll, level_ids, kiosk_names)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, doc in files.items():
            filename = name if name.endswith(".json") else f"{name}.geojson"
            archive.writestr(filename, json.dumps(doc, ensure_ascii=False, indent=1))
    return buffer.getvalue()


def _venue_files(plan: Plan, ref_lon: float, ref_lat: float, venue_name: str, level_ids: dict) -> dict:
    """The manifest, the venue (its display point is the map's reference point), the building, levels."""
    venue = {
        "category": "governmentfacility",
        "name": {"zh-Hans": venue_name},
        "display_point": {"type": "Point", "coordinates": [ref_lon, ref_lat]},
    }
    levels = [
        _feature(
            level_ids[lv.ordinal],
            "level",
            None,
            {
                "ordinal": lv.ordinal,
                "short_name": labels(lv.short_name),
                "name": labels(lv.name),
                "category": "unspecified",
                "outdoor": False,
                "building_ids": ["building"],
            },
        )
        for lv in plan.levels
    ]
    return {
        "manifest.json": {
            "version": "1.0.0",
            "created": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
            "generated_by": "ServiceHall",
            "language": "zh-Hans",
        },
        "venue": _collection([_feature("venue", "venue", None, venue)]),
        "building": _collection(
            [_feature("building", "building", None, {"category": "unspecified", "name": None})]
        ),
        "level": _collection(levels),
    }


def _unit(s, ll, level_ids: dict) -> dict:
    pts = [ll(x, y) for x, y in s.polygon]
    return _feature(
        s.feature_id,
        "unit",
        {"type": "Polygon", "coordinates": [pts + [pts[0]]]},
        {
            "category": UNIT_CATEGORY[s.kind],
            "restriction": "employeesonly" if s.kind == "staff_only" else None,
            "name": labels(s.name),
            "level_id": level_ids[s.level],
        },
    )


def _opening(o, ll, level_ids: dict) -> dict:
    return _feature(
        o.feature_id,
        "opening",
        {"type": "LineString", "coordinates": [ll(x, y) for x, y in o.line]},
        {
            "category": "pedestrian.principal" if o.kind == "entrance" else "pedestrian",
            "door": None if o.kind == "open" else {"type": "hinged", "automatic": False},
            "accessibility": ["wheelchair"] if o.wheelchair else [],
            "name": labels(o.name),
            "width_m": o.width_m,
            "level_id": level_ids[o.level],
        },
    )


def _relationship(c) -> dict:
    return _feature(
        c.feature_id,
        "relationship",
        None,
        {
            "category": RELATIONSHIP_CATEGORY[c.kind],
            "direction": "undirected",
            "name": labels(c.name),
            "origin": {"id": c.space_ids[0], "feature_type": "unit"},
            "intermediary": [{"id": i, "feature_type": "unit"} for i in c.space_ids[1:-1]] or None,
            "destination": {"id": c.space_ids[-1], "feature_type": "unit"},
        },
    )


def _unit_at(plan: Plan, point) -> str | None:
    from shapely.geometry import Point as P
    from shapely.geometry import Polygon

    here = P(point.x, point.y)
    found = [s for s in plan.spaces if s.level == point.level and Polygon(s.polygon).covers(here)]
    return min(found, key=lambda s: Polygon(s.polygon).area).feature_id if found else None


def _points(plan: Plan, files: dict, ll, level_ids: dict, kiosk_names: dict[int, str]) -> None:
    anchors, occupants, amenities, kiosks = [], [], [], []
    for p in plan.points:
        unit = _unit_at(plan, p)
        geometry = {"type": "Point", "coordinates": ll(p.x, p.y)}
        extra = {"facing": p.facing_deg, "servicehall_kind": p.kind}
        if p.ref.startswith("counter:") and unit:
            anchor_id = f"{p.feature_id}-anchor"
            anchors.append(_feature(anchor_id, "anchor", geometry, {"unit_id": unit, "address_id": None}))
            occupants.append(
                _feature(
                    p.feature_id,
                    "occupant",
                    None,
                    {
                        "category": "government",
                        "name": labels(p.name) or {"zh-Hans": f"{p.ref.split(':', 1)[1]}号窗口"},
                        "anchor_id": anchor_id,
                        "correlation_id": p.ref.split(":", 1)[1],
                        **extra,
                    },
                )
            )
        elif p.kind == "kiosk":
            device = p.ref.split(":", 1)[1] if p.ref.startswith("kiosk:") else ""
            name = kiosk_names.get(int(device)) if device.isdigit() else None
            kiosks.append(
                _feature(
                    p.feature_id,
                    "kiosk",
                    geometry,
                    {"name": labels(p.name), "correlation_id": name, "level_id": level_ids[p.level], **extra},
                )
            )
        else:
            amenities.append(
                _feature(
                    p.feature_id,
                    "amenity",
                    geometry,
                    {
                        "category": AMENITY_CATEGORY.get(p.kind, "unspecified"),
                        "name": labels(p.name),
                        "unit_ids": [unit] if unit else [],
                        "level_id": level_ids[p.level],
                        **extra,
                    },
                )
            )
    files["anchor"], files["occupant"] = _collection(anchors), _collection(occupants)
    files["amenity"], files["kiosk"] = _collection(amenities), _collection(kiosks)
