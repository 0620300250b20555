"""A route between two references, answered as plain data in metres (the API turns the coordinates into
WGS84). Pure: no Django. A reference is ``counter:<number>``, ``kiosk:<device id>``, ``entrance`` (the
entrance with the quickest route to the other end) or the id of a map feature (a point, an opening, a
space or a connector; an imported IMDF feature keeps its UUID)."""

import math
from dataclasses import dataclass

from servicehall.navigation.directions import PHRASES, steps_for
from servicehall.navigation.graph import (
    STEP_FREE_SPEED_M_S,
    WALK_SPEED_M_S,
    NavGraph,
    NoRoute,
    nearest,
    shortest,
)
from servicehall.navigation.plan import NOT_WALKABLE, pick


class UnknownRef(Exception):
    def __init__(self, ref: str):
        self.ref = ref
        super().__init__(ref)


@dataclass
class Answer:
    distance_m: float
    duration_s: int
    step_free: bool
    levels: list[int]
    steps: list[dict]
    legs: list[dict]  # {"level": ordinal, "coordinates": [[x, y], ...]} in metres


def entrance_keys(g: NavGraph) -> list[str]:
    keys = [f"o:{o.feature_id}" for o in g.plan.openings if o.kind == "entrance"]
    keys += [f"p:{p.feature_id}" for p in g.plan.points if p.kind == "entrance"]
    return [k for k in keys if k in g.nodes]


def resolve(g: NavGraph, ref: str) -> str:
    """The graph node of a reference other than ``entrance``; ``UnknownRef`` when there is none (a
    counter that is not placed on the map, a feature that does not exist, one in no space)."""
    ref = (ref or "").strip()
    if ref.startswith(("counter:", "kiosk:")):
        index = g.__dict__.get("_by_ref")
        if index is None:
            index = g.__dict__["_by_ref"] = {
                p.ref: f"p:{p.feature_id}" for p in g.plan.points if p.ref and f"p:{p.feature_id}" in g.nodes
            }
        if ref in index:
            return index[ref]
        raise UnknownRef(ref)
    for prefix in ("p:", "o:"):
        if prefix + ref in g.nodes:
            return prefix + ref
    for key, node in g.nodes.items():
        if node.kind == "connector" and node.ref == ref:
            return key
    if ref in g.spaces and g.spaces[ref].kind in NOT_WALKABLE:
        raise NoRoute("staff_only" if g.spaces[ref].kind == "staff_only" else "not_connected")
    if ref in g.spaces:
        members = [k for k, n in g.nodes.items() if n.space == ref and n.kind != "opening"]
        members = members or [k for k, n in g.nodes.items() if n.space == ref]
        if members:
            poly = g.polygons[ref]
            c = poly.centroid
            return min(members, key=lambda k: math.hypot(g.nodes[k].x - c.x, g.nodes[k].y - c.y))
    raise UnknownRef(ref)


def _space_name(g: NavGraph, ref: str, lang: str) -> str:
    """A route asked to a room ends at the node of it nearest its middle: the arrival names the room."""
    space = g.spaces.get(ref)
    if space is None:
        return ""
    return pick(space.name, lang) or PHRASES[lang]["the_place"]


def route(
    g: NavGraph,
    from_ref: str,
    to_ref: str,
    *,
    step_free: bool = False,
    lang: str = "zh-hans",
    speed_m_s: float | None = None,
) -> Answer:
    """The route, its steps and its legs; raises ``UnknownRef`` or ``graph.NoRoute``."""
    if from_ref == "entrance" and to_ref == "entrance":
        raise UnknownRef(to_ref)
    if from_ref == "entrance":
        target = resolve(g, to_ref)
        source = nearest(g, target, entrance_keys(g), step_free=step_free)
    elif to_ref == "entrance":
        source = resolve(g, from_ref)
        target = nearest(g, source, entrance_keys(g), step_free=step_free)
    else:
        source, target = resolve(g, from_ref), resolve(g, to_ref)
    result = shortest(g, source, target, step_free=step_free)
    if speed_m_s:
        default = STEP_FREE_SPEED_M_S if step_free else WALK_SPEED_M_S
        walking = result.distance_m / default
        result.duration_s = result.duration_s - walking + result.distance_m / speed_m_s
    legs: list[dict] = []
    for n in result.nodes:
        if not legs or legs[-1]["level"] != n.level:
            legs.append({"level": n.level, "coordinates": []})
        coords = legs[-1]["coordinates"]
        if not coords or coords[-1] != [round(n.x, 3), round(n.y, 3)]:
            coords.append([round(n.x, 3), round(n.y, 3)])
    steps = [
        {"text": s.text, "level": s.level, "distance_m": s.distance_m, "kind": s.kind}
        for s in steps_for(g.plan, result, lang, _space_name(g, to_ref, lang))
    ]
    return Answer(
        distance_m=round(result.distance_m, 1),
        duration_s=int(math.ceil(result.duration_s)),
        step_free=step_free,
        levels=result.levels,
        steps=steps,
        legs=legs,
    )
