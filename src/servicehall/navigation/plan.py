"""A hall's floor plan as plain data: what the routing graph, the publishing check, the IMDF reader and
writer and the bench share, with no Django in it (so the graph tests and ``bench/navigation.py`` run
without a database).

Coordinates are metres in the hall's local plane (x to the east, y to the north, about the map's
reference point); the API converts them to WGS84 (``geo``). A level is named by its ``ordinal`` (as IMDF
does); names are dicts by language (``zh-hans``, ``zh-hant``, ``en``, and whatever else an import
brought).
"""

from dataclasses import dataclass, field

LANGS = ("zh-hans", "zh-hant", "en")

# Kinds of space. ``staff_only`` and ``unwalkable`` are never walked through by a citizen's route.
SPACE_KINDS = (
    "room",
    "walkway",
    "waiting",
    "stairs",
    "lift",
    "escalator",
    "ramp",
    "toilet",
    "staff_only",
    "unwalkable",
)
NOT_WALKABLE = {"staff_only", "unwalkable"}
# Kinds of vertical connector; lifts and ramps are step-free, stairs and escalators are not.
CONNECTOR_KINDS = ("stairs", "lift", "escalator", "ramp")
STEP_FREE_CONNECTORS = {"lift", "ramp"}
OPENING_KINDS = ("door", "open", "entrance")
POINT_KINDS = (
    "counter",
    "kiosk",
    "entrance",
    "toilet",
    "waiting",
    "rating_pad",
    "info_desk",
    "amenity",
    "landmark",
)
# Points a direction may name as a landmark ("pass the self-service area, then turn right").
LANDMARK_KINDS = {"kiosk", "waiting", "info_desk", "toilet", "amenity", "landmark"}


@dataclass(frozen=True)
class Level:
    ordinal: int
    short_name: dict[str, str]
    name: dict[str, str] = field(default_factory=dict)
    feature_id: str = ""


@dataclass(frozen=True)
class Space:
    """A polygon (exterior ring, metres; the last vertex need not repeat the first) on one level."""

    feature_id: str
    level: int
    kind: str
    polygon: tuple[tuple[float, float], ...]
    name: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Opening:
    """A door or an opening: a line on the boundary of the spaces it joins (which spaces it joins is found
    from the geometry, never stored twice). ``entrance`` is a door to the outside."""

    feature_id: str
    level: int
    line: tuple[tuple[float, float], ...]
    kind: str = "door"
    width_m: float = 1.0
    wheelchair: bool = True
    name: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Connector:
    """Stairs, a lift, an escalator or a ramp: joins its spaces (one per level, such as the lift shaft on
    each floor) on consecutive levels."""

    feature_id: str
    kind: str
    space_ids: tuple[str, ...]
    name: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Point:
    """A counter (``ref`` ``counter:<number>``), a kiosk (``kiosk:<device id>``), an entrance, an amenity.
    ``facing_deg`` is the direction the thing faces (0 = east, 90 = north): a kiosk's screen, a
    counter's front, where a citizen stands to be served. ``None``: not known."""

    feature_id: str
    level: int
    kind: str
    x: float
    y: float
    facing_deg: float | None = None
    name: dict[str, str] = field(default_factory=dict)
    ref: str = ""


@dataclass
class Plan:
    levels: list[Level] = field(default_factory=list)
    spaces: list[Space] = field(default_factory=list)
    openings: list[Opening] = field(default_factory=list)
    connectors: list[Connector] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)

    def point(self, feature_id: str) -> Point | None:
        """A point by id, from an index built on first use (a plan is not changed once routed on)."""
        index = self.__dict__.get("_points_by_id")
        if index is None or len(index) != len(self.points):
            index = self.__dict__["_points_by_id"] = {p.feature_id: p for p in self.points}
        return index.get(feature_id)

    def landmarks(self, ordinal: int, x: float, y: float, radius: float) -> list[Point]:
        """The named points of a level that directions may mention, near (x, y): a grid of 20 m cells
        built on first use, so a hall with hundreds of seats and kiosks is not searched whole per turn."""
        cell = 20.0
        index = self.__dict__.get("_landmarks")
        if index is None:
            index = self.__dict__["_landmarks"] = {}
            for p in self.points:
                if p.kind in LANDMARK_KINDS and p.name:
                    index.setdefault((p.level, int(p.x // cell), int(p.y // cell)), []).append(p)
        reach = int(radius // cell) + 1
        cx, cy = int(x // cell), int(y // cell)
        out = []
        for i in range(cx - reach, cx + reach + 1):
            for j in range(cy - reach, cy + reach + 1):
                out.extend(index.get((ordinal, i, j), ()))
        return out

    def level(self, ordinal: int) -> Level | None:
        return next((lv for lv in self.levels if lv.ordinal == ordinal), None)

    def counts(self) -> dict[str, int]:
        return {
            "levels": len(self.levels),
            "spaces": len(self.spaces),
            "openings": len(self.openings),
            "connectors": len(self.connectors),
            "points": len(self.points),
        }


def pick(names: dict[str, str], lang: str, fallback: str = "") -> str:
    """A name in ``lang``, else in a close language, else any: an import may carry only ``zh`` or
    ``en``."""
    if not names:
        return fallback
    order = {
        "zh-hans": ("zh-hans", "zh", "zh-cn", "zh-hant", "en"),
        "zh-hant": ("zh-hant", "zh-tw", "zh-hk", "zh", "zh-hans", "en"),
        "en": ("en", "en-us", "en-gb", "zh-hans", "zh"),
    }.get(lang, (lang,))
    lowered = {k.lower(): v for k, v in names.items() if v}
    for key in order:
        if key in lowered:
            return lowered[key]
    return next(iter(lowered.values()), fallback)


def level_name(plan_level: Level | None, ordinal: int, lang: str) -> str:
    """A level's short name ("2F", "二楼"); a level without one is named from its ordinal (0 is the
    ground floor, as in IMDF)."""
    if plan_level is not None and plan_level.short_name:
        name = pick(plan_level.short_name, lang)
        if name:
            return name
    return f"{ordinal + 1}F" if ordinal >= 0 else f"B{-ordinal}"
