"""Directions as people give them indoors, from a route's nodes: turns by angle band, doors passed,
each level change as its own step naming the target floor, a landmark near a turn, the side the
destination is on when you arrive. No compass directions; distances rounded to about 5 m.

The texts are here, in three languages, rather than in the gettext catalogue: the route API takes its
language as a parameter (``lang=``), the kiosk speaks them, and the bench and the graph tests build them
with no Django loaded. Add a language by adding a column to ``PHRASES``.
"""

import math
from dataclasses import dataclass

from servicehall.navigation.graph import Node, RouteResult
from servicehall.navigation.plan import Plan, level_name, pick

MIN_SEGMENT_M = 0.5  # shorter moves (stepping in front of a counter) do not change the heading
AT_LANDMARK_M = 5.0
PASSED_LANDMARK_M = 20.0

PHRASES = {
    "zh-hans": {
        "depart": "从{origin}出发",
        "straight": "直行",
        "slight_left": "稍向左转",
        "slight_right": "稍向右转",
        "left": "左转",
        "right": "右转",
        "sharp_left": "向左后方急转",
        "sharp_right": "向右后方急转",
        "uturn": "掉头",
        "door": "穿过门",
        "walk": "，走约 {d} 米",
        "at": "在{landmark}处{turn}",
        "passed": "经过{landmark}后{turn}",
        "through_door": "{turn}穿过门",
        "stairs_up": "走楼梯上到 {level}",
        "stairs_down": "走楼梯下到 {level}",
        "lift": "乘电梯到 {level}",
        "escalator": "乘自动扶梯到 {level}",
        "ramp": "走坡道到 {level}",
        "arrive_left": "{dest}在您左侧",
        "arrive_right": "{dest}在您右侧",
        "arrive_ahead": "{dest}在您正前方",
        "arrive_behind": "{dest}在您身后",
        "arrive": "到达{dest}",
        "counter": "{n} 号窗口",
        "a_door": "门口",
        "the_place": "目的地",
    },
    "zh-hant": {
        "depart": "從{origin}出發",
        "straight": "直行",
        "slight_left": "稍向左轉",
        "slight_right": "稍向右轉",
        "left": "左轉",
        "right": "右轉",
        "sharp_left": "向左後方急轉",
        "sharp_right": "向右後方急轉",
        "uturn": "掉頭",
        "door": "穿過門",
        "walk": "，走約 {d} 米",
        "at": "在{landmark}處{turn}",
        "passed": "經過{landmark}後{turn}",
        "through_door": "{turn}穿過門",
        "stairs_up": "走樓梯上到 {level}",
        "stairs_down": "走樓梯下到 {level}",
        "lift": "乘電梯到 {level}",
        "escalator": "乘自動扶梯到 {level}",
        "ramp": "走坡道到 {level}",
        "arrive_left": "{dest}在您左側",
        "arrive_right": "{dest}在您右側",
        "arrive_ahead": "{dest}在您正前方",
        "arrive_behind": "{dest}在您身後",
        "arrive": "到達{dest}",
        "counter": "{n} 號窗口",
        "a_door": "門口",
        "the_place": "目的地",
    },
    "en": {
        "depart": "Start at {origin}",
        "straight": "Go straight",
        "slight_left": "Bear left",
        "slight_right": "Bear right",
        "left": "Turn left",
        "right": "Turn right",
        "sharp_left": "Turn sharp left",
        "sharp_right": "Turn sharp right",
        "uturn": "Turn around",
        "door": "Go through the door",
        "walk": " and walk about {d} m",
        "at": "At {landmark}, {turn_lower}",
        "passed": "Pass {landmark}, then {turn_lower}",
        "through_door": "{turn} through the door",
        "stairs_up": "Take the stairs up to {level}",
        "stairs_down": "Take the stairs down to {level}",
        "lift": "Take the lift to {level}",
        "escalator": "Take the escalator to {level}",
        "ramp": "Take the ramp to {level}",
        "arrive_left": "{dest} is on your left",
        "arrive_right": "{dest} is on your right",
        "arrive_ahead": "{dest} is ahead of you",
        "arrive_behind": "{dest} is behind you",
        "arrive": "You have arrived at {dest}",
        "counter": "window {n}",
        "a_door": "the door",
        "the_place": "your destination",
    },
}


@dataclass
class Step:
    kind: str  # depart, straight, turn, door, level, arrive
    text: str
    level: int
    distance_m: float


def turn_band(angle_deg: float) -> str:
    """The band of a signed turn (positive = to the left): straight under 11°, slight 11–44°, a turn
    45–135°, sharp 136–159°, a U-turn from 160°. The angle is rounded to whole degrees first."""
    a = round(angle_deg)
    side = "left" if a > 0 else "right"
    size = abs(a)
    if size < 11:
        return "straight"
    if size < 45:
        return f"slight_{side}"
    if size <= 135:
        return side
    if size < 160:
        return f"sharp_{side}"
    return "uturn"


def signed_angle(d1: tuple[float, float], d2: tuple[float, float]) -> float:
    """Degrees from heading ``d1`` to heading ``d2``; positive is a turn to the left (x east, y north)."""
    cross = d1[0] * d2[1] - d1[1] * d2[0]
    dot = d1[0] * d2[0] + d1[1] * d2[1]
    return math.degrees(math.atan2(cross, dot))


def about_m(d: float) -> int:
    """A distance as people say it: to the nearest 5 m, at least 5."""
    return max(5, int(round(d / 5.0)) * 5)


def place_name(plan: Plan, node: Node, lang: str) -> str:
    t = PHRASES[lang]
    point = plan.point(node.ref)
    if point is not None and point.ref.startswith("counter:") and not pick(point.name, lang):
        return t["counter"].format(n=point.ref.split(":", 1)[1])
    name = pick(node.label, lang)
    if name:
        return name
    if point is not None and point.ref.startswith("counter:"):
        return t["counter"].format(n=point.ref.split(":", 1)[1])
    if node.kind == "opening":
        return t["a_door"]
    return t["the_place"]


class _Writer:
    """Collects steps; a moving step's text gets its distance when the next manoeuvre closes it."""

    def __init__(self, lang: str):
        self.t = PHRASES[lang]
        self.lang = lang
        self.steps: list[Step] = []
        self.open: Step | None = None

    def start(self, kind: str, text: str, level: int) -> None:
        self.close()
        self.open = Step(kind, text, level, 0.0)

    def walk(self, d: float) -> None:
        if self.open is not None:
            self.open.distance_m += d

    def close(self) -> None:
        if self.open is None:
            return
        step = self.open
        self.open = None
        if step.kind == "straight" and step.distance_m < 2.5:
            return  # "go straight" for no distance says nothing
        if step.distance_m >= 2.5:
            step.text += self.t["walk"].format(d=about_m(step.distance_m))
        step.distance_m = float(about_m(step.distance_m)) if step.distance_m >= 2.5 else 0.0
        self.steps.append(step)

    def fixed(self, kind: str, text: str, level: int) -> None:
        self.close()
        self.steps.append(Step(kind, text, level, 0.0))


def _landmark(plan: Plan, node: Node, prev: Node | None, skip: set[str], lang: str) -> tuple[str, str]:
    """("at"/"passed", name) of the nearest named landmark near a turn, or ("", ""): one within 5 m of
    the turn, else the nearest one beside the stretch walked before it (within 20 m). The name is looked
    up only for the winner."""
    at: tuple[float, object] | None = None
    passed: tuple[float, object] | None = None
    for p in plan.landmarks(node.level, node.x, node.y, PASSED_LANDMARK_M * 2):
        if p.feature_id in skip:
            continue
        d_turn = math.hypot(p.x - node.x, p.y - node.y)
        if d_turn <= AT_LANDMARK_M:
            if at is None or d_turn < at[0]:
                at = (d_turn, p)
        elif at is None and prev is not None and d_turn <= PASSED_LANDMARK_M * 2:
            d_leg = _distance_to_segment((p.x, p.y), (prev.x, prev.y), (node.x, node.y))
            if d_leg <= PASSED_LANDMARK_M and (passed is None or d_leg < passed[0]):
                passed = (d_leg, p)
    if at is not None:
        return "at", pick(at[1].name, lang)
    if passed is not None:
        return "passed", pick(passed[1].name, lang)
    return "", ""


def _distance_to_segment(p, a, b) -> float:
    """How far ``p`` is from the stretch a→b, when it is beside it (not behind its start or past its
    end: a landmark behind you is not one you pass)."""
    ax, ay, bx, by = a[0], a[1], b[0], b[1]
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.inf
    t = ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)
    if not 0.0 < t <= 1.0:
        return math.inf
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def _turn_text(w: _Writer, band: str, how: str, landmark: str, door: bool) -> str:
    turn = w.t[band]
    if how:
        lower = turn[0].lower() + turn[1:] if w.lang == "en" else turn
        return w.t[how].format(landmark=landmark, turn=turn, turn_lower=lower)
    if door:
        return w.t["through_door"].format(turn=turn)
    return turn


def steps_for(plan: Plan, route: RouteResult, lang: str, dest_name: str = "") -> list[Step]:
    """The ordered steps of ``route`` in ``lang`` (``zh-hans``, ``zh-hant`` or ``en``). ``dest_name``
    names the destination when it is not the route's last node (a route to a room ends at a node in it)."""
    w = _Writer(lang)
    nodes = route.nodes
    origin, dest = nodes[0], nodes[-1]
    skip = {origin.ref, dest.ref}
    w.start("depart", w.t["depart"].format(origin=place_name(plan, origin, lang)), origin.level)
    heading: tuple[float, float] | None = None
    prev_node: Node | None = None
    for i in range(1, len(nodes)):
        a, b = nodes[i - 1], nodes[i]
        if a.level != b.level:
            _level_change(plan, w, a, b, nodes, i, lang)
            heading, prev_node = None, None
            continue
        d = math.hypot(b.x - a.x, b.y - a.y)
        if d < MIN_SEGMENT_M:
            w.walk(d)
            continue
        new = ((b.x - a.x) / d, (b.y - a.y) / d)
        if heading is not None:
            band = turn_band(signed_angle(heading, new))
            if band != "straight":
                how, landmark = _landmark(plan, a, prev_node, skip, lang)
                text = _turn_text(w, band, how, landmark, a.kind == "opening")
                w.start("turn", text, a.level)
            elif a.kind == "opening" and w.open is not None and w.open.kind != "door":
                w.start("door", w.t["door"], a.level)
        heading, prev_node = new, a
        w.walk(d)
    w.close()
    arrival = w.t["arrive"].format(dest=dest_name) if dest_name else _arrival(plan, w, dest, heading, lang)
    w.fixed("arrive", arrival, dest.level)
    return w.steps


def _level_change(plan: Plan, w: _Writer, a: Node, b: Node, nodes: list[Node], i: int, lang: str):
    """One step for a ride of several storeys: the text names the floor where it ends."""
    if i + 1 < len(nodes) and nodes[i + 1].level != b.level and nodes[i + 1].ref == b.ref:
        return  # the lift goes on: the step is written at the last storey
    start = a
    j = i - 1
    while j > 0 and nodes[j - 1].level != nodes[j].level and nodes[j - 1].ref == a.ref:
        j -= 1
        start = nodes[j]
    connector = next((c for c in plan.connectors if c.feature_id == b.ref), None)
    kind = connector.kind if connector else "stairs"
    if kind == "stairs":
        kind = "stairs_up" if b.level > start.level else "stairs_down"
    target = level_name(plan.level(b.level), b.level, lang)
    w.fixed("level", w.t[kind].format(level=target), b.level)
    w.start("straight", w.t["straight"], b.level)


def _arrival(plan: Plan, w: _Writer, dest: Node, heading, lang: str) -> str:
    """ "Window 3 is on your left": the side of the counter seen from where the route ends, walking the
    last heading. Without a known facing the text says only that you have arrived."""
    name = place_name(plan, dest, lang)
    point = plan.point(dest.ref)
    if point is None or heading is None:
        return w.t["arrive"].format(dest=name)
    to_thing = (point.x - dest.x, point.y - dest.y)
    if math.hypot(*to_thing) < 0.1:
        return w.t["arrive"].format(dest=name)
    angle = signed_angle(heading, to_thing)
    if abs(angle) < 45:
        key = "arrive_ahead"
    elif abs(angle) > 135:
        key = "arrive_behind"
    else:
        key = "arrive_left" if angle > 0 else "arrive_right"
    text = w.t[key].format(dest=name)
    return text[0].upper() + text[1:] if lang == "en" else text
