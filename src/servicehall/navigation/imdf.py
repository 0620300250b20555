"""Reading an IMDF archive (OGC Community Standard 20-094: a zip of GeoJSON files) into a ``Plan``.
Pure: no Django. Every problem is collected (by file and feature id) before anything is returned, so a
broken file is refused whole and changes nothing; ``imdf_export`` writes the other way.

What is read: levels (by ``ordinal``), units (by ``category``; ``restriction`` employeesonly/restricted
is staff-only), openings (LineStrings on the boundary of the units they join; one on a single unit's
boundary at the building's outside is an entrance), relationships of category elevator, stairs,
escalator, ramp and traversal (the vertical connectors), anchors, occupants, amenities and kiosks. An
occupant, anchor, unit or amenity whose ``correlation_id``, ``alt_name`` or ``name`` is a counter's
number ("3", "3号窗口") places that counter; a kiosk whose ``correlation_id`` (or name) is a kiosk
device's name places that kiosk.
"""

import dataclasses
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

import shapely
from shapely.geometry import LineString, shape
from shapely.ops import unary_union

from servicehall.navigation.geo import to_metres, valid_lonlat
from servicehall.navigation.plan import Connector, Level, Opening, Plan, Point, Space

MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
FILES = (
    "manifest.json",
    "venue",
    "building",
    "level",
    "unit",
    "opening",
    "anchor",
    "occupant",
    "amenity",
    "kiosk",
    "relationship",
)
UNWALKABLE_UNITS = {
    "brick",
    "column",
    "concrete",
    "drywall",
    "glass",
    "wood",
    "structure",
    "opentobelow",
    "vegetation",
    "road",
    "parking",
    "fieldofplay",
}
STAFF_UNITS = {"nonpublic", "serverroom", "storage", "mailroom", "kitchen"}
PUBLIC_ROOMS = {
    "auditorium",
    "classroom",
    "conferenceroom",
    "firstaid",
    "fitnessroom",
    "foodservice",
    "huddleroom",
    "laboratory",
    "library",
    "lounge",
    "mothersroom",
    "movietheater",
    "office",
    "phoneroom",
    "platform",
    "privatelounge",
    "recreation",
    "room",
    "shower",
    "smokingarea",
    "terrace",
    "theater",
    "unspecified",
}
UNIT_KINDS = {
    "walkway": "walkway",
    "walkway.island": "walkway",
    "lobby": "walkway",
    "unenclosedarea": "walkway",
    "footbridge": "walkway",
    "movingwalkway": "walkway",
    "waitingroom": "waiting",
    "stairs": "stairs",
    "steps": "stairs",
    "elevator": "lift",
    "escalator": "escalator",
    "ramp": "ramp",
    **{c: "room" for c in PUBLIC_ROOMS},
    **{c: "staff_only" for c in STAFF_UNITS},
    **{c: "unwalkable" for c in UNWALKABLE_UNITS},
}
RELATIONSHIP_KINDS = {"elevator": "lift", "stairs": "stairs", "escalator": "escalator", "ramp": "ramp"}
AMENITY_KINDS = {"information": "info_desk", "restroom": "toilet", "seating": "waiting", "kiosk": "kiosk"}
COUNTER_NAME = re.compile(r"^\s*(\w+?)\s*(?:号窗口|號窗口|号|號|窗口)?\s*$")


@dataclass
class Problem:
    file: str
    feature_id: str
    code: str  # not_zip, missing_file, bad_json, bad_geometry, unknown_level, unknown_unit, ...
    detail: str = ""


@dataclass
class ImportResult:
    plan: Plan
    ref_lon: float = 0.0
    ref_lat: float = 0.0
    problems: list[Problem] = field(default_factory=list)


def names_of(value) -> dict[str, str]:
    """IMDF labels ``{"zh-Hans": ..., "en": ...}`` with lower-case language keys."""
    if isinstance(value, dict):
        return {str(k).lower(): str(v) for k, v in value.items() if isinstance(v, str) and v.strip()}
    return {}


def _read_files(data: bytes, problems: list[Problem]) -> dict[str, object]:
    if len(data) > MAX_ARCHIVE_BYTES:
        problems.append(Problem("(archive)", "", "too_large"))
        return {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        problems.append(Problem("(archive)", "", "not_zip"))
        return {}
    found: dict[str, object] = {}
    for info in infos:
        base = info.filename.rsplit("/", 1)[-1]
        stem = base if base == "manifest.json" else base.removesuffix(".geojson")
        if stem not in FILES or info.file_size > MAX_ARCHIVE_BYTES or not base.endswith(("json",)):
            continue
        try:
            found[stem] = json.loads(archive.read(info).decode("utf-8"))
        except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError):
            problems.append(Problem(base, "", "bad_json"))
    for required in ("manifest.json", "level", "unit"):
        if required not in found:
            name = required if required.endswith(".json") else f"{required}.geojson"
            if not any(p.file == name for p in problems):
                problems.append(Problem(name, "", "missing_file"))
    return found


def _features(found: dict, stem: str, problems: list[Problem]) -> list[dict]:
    doc = found.get(stem)
    if doc is None:
        return []
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(feats, list):
        problems.append(Problem(f"{stem}.geojson", "", "not_feature_collection"))
        return []
    good = []
    for f in feats:
        if not isinstance(f, dict) or not isinstance(f.get("id"), str) or not f["id"]:
            problems.append(Problem(f"{stem}.geojson", "", "no_id"))
            continue
        if not isinstance(f.get("properties"), dict):
            f["properties"] = {}
        good.append(f)
    return good


def _coords_all(geom) -> list:
    out = []

    def walk(c):
        if isinstance(c, list | tuple) and len(c) >= 2 and all(isinstance(v, int | float) for v in c[:2]):
            out.append(c)
        elif isinstance(c, list | tuple):
            for item in c:
                walk(item)

    walk(geom.get("coordinates") if isinstance(geom, dict) else None)
    return out


def _reference(found: dict, levels: list[dict], units: list[dict]) -> tuple[float, float] | None:
    """The venue's display point; otherwise the middle of everything drawn."""
    for venue in (
        (found.get("venue") or {}).get("features", []) if isinstance(found.get("venue"), dict) else []
    ):
        point = (venue.get("properties") or {}).get("display_point") or {}
        c = point.get("coordinates") if isinstance(point, dict) else None
        if isinstance(c, list) and len(c) >= 2 and valid_lonlat(c[0], c[1]):
            return float(c[0]), float(c[1])
    coords = [c for f in levels + units for c in _coords_all(f.get("geometry"))]
    coords = [c for c in coords if valid_lonlat(c[0], c[1])]
    if not coords:
        return None
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


class _Reader:
    def __init__(self, found: dict, ref: tuple[float, float], counters: set[str], kiosks: dict[str, int]):
        self.found, self.ref, self.counters, self.kiosks = found, ref, counters, kiosks
        self.problems: list[Problem] = []
        self.plan = Plan()
        self.level_of: dict[str, int] = {}  # level feature id -> ordinal
        self.unit_level: dict[str, int] = {}
        self.unit_kind: dict[str, str] = {}
        self.placed: set[str] = set()

    def bad(self, stem: str, fid: str, code: str, detail: str = "") -> None:
        self.problems.append(Problem(f"{stem}.geojson", fid, code, detail))

    def metres(self, stem: str, fid: str, geom: dict | None):
        """The geometry in local metres (a shapely geometry), or None with a problem recorded."""
        try:
            g = shape(geom)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            self.bad(stem, fid, "bad_geometry")
            return None
        coords = _coords_all(geom)
        if not coords or not all(valid_lonlat(c[0], c[1]) for c in coords):
            self.bad(stem, fid, "bad_geometry")
            return None
        return shapely.transform(g, lambda xy: [_project(x, y, self.ref) for x, y in xy])

    def levels(self):
        for f in _features(self.found, "level", self.problems):
            p = f["properties"]
            ordinal = p.get("ordinal")
            if not isinstance(ordinal, int) or isinstance(ordinal, bool):
                self.bad("level", f["id"], "bad_ordinal")
                continue
            if ordinal in self.level_of.values():
                self.bad("level", f["id"], "duplicate_ordinal", str(ordinal))
                continue
            self.level_of[f["id"]] = ordinal
            short = names_of(p.get("short_name"))
            self.plan.levels.append(Level(ordinal, short, names_of(p.get("name")), f["id"]))
        self.plan.levels.sort(key=lambda lv: lv.ordinal)

    def units(self):
        for f in _features(self.found, "unit", self.problems):
            p, fid = f["properties"], f["id"]
            category = str(p.get("category") or "")
            kind = "toilet" if category.startswith("restroom") else UNIT_KINDS.get(category)
            if kind is None:
                self.bad("unit", fid, "unknown_category", category)
                continue
            if p.get("restriction") in {"employeesonly", "restricted"} and kind not in {"unwalkable"}:
                kind = "staff_only"
            if p.get("level_id") not in self.level_of:
                self.bad("unit", fid, "unknown_level", str(p.get("level_id")))
                continue
            g = self.metres("unit", fid, f.get("geometry"))
            if g is None:
                continue
            if g.geom_type == "MultiPolygon":
                g = max(g.geoms, key=lambda part: part.area)
            if g.geom_type != "Polygon" or g.is_empty:
                self.bad("unit", fid, "bad_geometry")
                continue
            ring = tuple((round(x, 3), round(y, 3)) for x, y in list(g.exterior.coords)[:-1])
            level = self.level_of[p["level_id"]]
            self.unit_level[fid], self.unit_kind[fid] = level, kind
            self.plan.spaces.append(Space(fid, level, kind, ring, names_of(p.get("name"))))

    def openings(self):
        for f in _features(self.found, "opening", self.problems):
            p, fid = f["properties"], f["id"]
            if p.get("level_id") not in self.level_of:
                self.bad("opening", fid, "unknown_level", str(p.get("level_id")))
                continue
            g = self.metres("opening", fid, f.get("geometry"))
            if g is None:
                continue
            if g.geom_type != "LineString" or g.length <= 0:
                self.bad("opening", fid, "bad_geometry")
                continue
            level = self.level_of[p["level_id"]]
            touching = on_boundary_of(self, level, g)
            if not touching:
                self.bad("opening", fid, "on_no_unit")
                continue
            entrance = len(touching) == 1 and outside_of_level(self, level, g)
            door = p.get("door")
            kind = "entrance" if entrance else ("door" if isinstance(door, dict) else "open")
            access = p.get("accessibility")
            wheelchair = not isinstance(access, list) or "wheelchair" in access
            line = tuple((round(x, 3), round(y, 3)) for x, y in g.coords)
            width = float(p.get("width_m") or round(g.length, 2))
            self.plan.openings.append(
                Opening(fid, level, line, kind, width, wheelchair, names_of(p.get("name")))
            )

    def relationships(self):
        for f in _features(self.found, "relationship", self.problems):
            p, fid = f["properties"], f["id"]
            category = p.get("category")
            if category not in {*RELATIONSHIP_KINDS, "traversal"}:
                continue  # other relationships (directed traversal of a door...) do not join levels
            ends = [p.get("origin"), *(p.get("intermediary") or []), p.get("destination")]
            ids = [e.get("id") for e in ends if isinstance(e, dict)]
            unknown = [i for i in ids if i not in self.unit_level]
            if unknown or len(ids) < 2:
                self.bad("relationship", fid, "unknown_unit", ", ".join(map(str, unknown)))
                continue
            if len({self.unit_level[i] for i in ids}) < 2:
                continue  # a traversal on one level is not a vertical connector
            kind = RELATIONSHIP_KINDS.get(category)
            if kind is None:  # traversal: what its units are
                kinds = {self.unit_kind[i] for i in ids}
                kind = next((k for k in ("lift", "escalator", "ramp", "stairs") if k in kinds), "stairs")
            self.plan.connectors.append(Connector(fid, kind, tuple(ids), names_of(p.get("name"))))

    def points(self):
        anchors = {}
        for f in _features(self.found, "anchor", self.problems):
            p = f["properties"]
            if p.get("unit_id") not in self.unit_level:
                self.bad("anchor", f["id"], "unknown_unit", str(p.get("unit_id")))
                continue
            g = self.metres("anchor", f["id"], f.get("geometry"))
            if g is not None and g.geom_type == "Point":
                anchors[f["id"]] = (g.x, g.y, self.unit_level[p["unit_id"]], p)
            elif g is not None:
                self.bad("anchor", f["id"], "bad_geometry")
        for f in _features(self.found, "occupant", self.problems):
            p = f["properties"]
            if p.get("anchor_id") not in anchors:
                self.bad("occupant", f["id"], "unknown_anchor", str(p.get("anchor_id")))
                continue
            x, y, level, ap = anchors[p["anchor_id"]]
            self.add_point(f["id"], level, x, y, p, "amenity", ap)
        self.point_features("amenity")
        self.point_features("kiosk", anchors)
        self.units_named_as_counters()

    def units_named_as_counters(self):
        """A unit named "3号窗口" places counter 3 at its middle, unless an occupant or amenity did."""
        for f in _features(self.found, "unit", []):
            p = f["properties"]
            number = counter_number([p.get("alt_name"), p.get("name")], self.counters)
            space = next((s for s in self.plan.spaces if s.feature_id == f["id"]), None)
            if number is None or space is None or f"counter:{number}" in self.placed:
                continue
            poly = shape({"type": "Polygon", "coordinates": [list(space.polygon) + [space.polygon[0]]]})
            c = poly.representative_point()
            self.placed.add(f"counter:{number}")
            point = Point(f"{f['id']}:counter", space.level, "counter", round(c.x, 3), round(c.y, 3))
            self.plan.points.append(dataclasses.replace(point, ref=f"counter:{number}"))

    def point_features(self, stem: str, anchors: dict | None = None):
        for f in _features(self.found, stem, self.problems):
            p, fid = f["properties"], f["id"]
            if anchors is not None and p.get("anchor_id") in anchors:
                x, y, level, _ap = anchors[p["anchor_id"]]
            else:
                level = self._level_of_feature(p)
                g = self.metres(stem, fid, f.get("geometry")) if level is not None else None
                if level is None:
                    self.bad(stem, fid, "unknown_level")
                    continue
                if g is None or g.is_empty:
                    continue
                c = g.centroid
                x, y = c.x, c.y
            default = "kiosk" if stem == "kiosk" else AMENITY_KINDS.get(str(p.get("category")), "amenity")
            self.add_point(fid, level, x, y, p, default)

    def _level_of_feature(self, p: dict) -> int | None:
        if p.get("level_id") in self.level_of:
            return self.level_of[p["level_id"]]
        for uid in p.get("unit_ids") or []:
            if uid in self.unit_level:
                return self.unit_level[uid]
        return None

    def add_point(self, fid, level, x, y, p, kind, anchor_props=None):
        kind = p.get("servicehall_kind") or kind
        facing = p.get("facing")
        facing = float(facing) if isinstance(facing, int | float) and not isinstance(facing, bool) else None
        ref = ""
        number = counter_number([p.get("correlation_id"), p.get("alt_name"), p.get("name")], self.counters)
        if kind == "kiosk" or (number is None and p.get("correlation_id") in self.kiosks):
            device = self.kiosks.get(str(p.get("correlation_id"))) or self.kiosks.get(
                next(iter(names_of(p.get("name")).values()), "")
            )
            kind, ref = "kiosk", f"kiosk:{device}" if device else ""
        elif number is not None and f"counter:{number}" not in self.placed:
            kind, ref = "counter", f"counter:{number}"
        names = names_of(p.get("name"))
        if ref:
            self.placed.add(ref)
        if number is not None and names == {"zh-hans": f"{number}号窗口"}:
            names = {}  # the name the export gives a counter that has none
        point = Point(fid, level, kind, round(x, 3), round(y, 3), facing, names, ref)
        self.plan.points.append(point)


def _project(x, y, ref):
    return to_metres(x, y, ref[0], ref[1])


def imdf_import(data: bytes, *, counters: set[str], kiosks: dict[str, int]) -> ImportResult:
    """Read an archive. ``counters`` are the hall's counter numbers, ``kiosks`` its kiosk device names
    → ids. The result's ``problems`` lists everything wrong; the plan is only to be used when empty."""
    problems: list[Problem] = []
    found = _read_files(data, problems)
    if problems:
        return ImportResult(Plan(), problems=problems)
    levels = found.get("level", {}).get("features", []) if isinstance(found.get("level"), dict) else []
    units = found.get("unit", {}).get("features", []) if isinstance(found.get("unit"), dict) else []
    ref = _reference(
        found, levels if isinstance(levels, list) else [], units if isinstance(units, list) else []
    )
    if ref is None:
        return ImportResult(Plan(), problems=[Problem("level.geojson", "", "no_coordinates")])
    reader = _Reader(found, ref, counters, kiosks)
    reader.levels()
    reader.units()
    reader.openings()
    reader.relationships()
    reader.points()
    return ImportResult(reader.plan, ref[0], ref[1], reader.problems)


def counter_number(values, counters: set[str]) -> str | None:
    """The counter a feature names: its correlation id, alt name or a name such as "3号窗口"."""
    for value in values:
        texts = list(value.values()) if isinstance(value, dict) else [value]
        for text in texts:
            if not isinstance(text, str | int) or isinstance(text, bool):
                continue
            m = COUNTER_NAME.match(str(text))
            if m and m.group(1) in counters:
                return m.group(1)
    return None


def on_boundary_of(reader: _Reader, level: int, line: LineString, tol: float = 0.3) -> list[str]:
    mid = line.interpolate(0.5, normalized=True)
    out = []
    for s in reader.plan.spaces:
        if s.level != level:
            continue
        poly = shape({"type": "Polygon", "coordinates": [list(s.polygon) + [s.polygon[0]]]})
        if poly.boundary.distance(mid) <= tol and poly.buffer(tol).covers(line):
            out.append(s.feature_id)
    return out


def outside_of_level(reader: _Reader, level: int, line: LineString, tol: float = 0.3) -> bool:
    polys = [
        shape({"type": "Polygon", "coordinates": [list(s.polygon) + [s.polygon[0]]]})
        for s in reader.plan.spaces
        if s.level == level
    ]
    if not polys:
        return False
    return unary_union(polys).boundary.distance(line.interpolate(0.5, normalized=True)) <= tol
