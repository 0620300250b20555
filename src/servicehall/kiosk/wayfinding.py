"""The kiosk's "find a window" (找窗口): composes the hall's published map (navigation) with the kiosk's
own place on it and the catalogue's windows per service. Reads only; the views stay thin.

The kiosk's plan is turned so that up is the way the kiosk faces (a citizen reads "ahead" on the screen
as ahead of them); every floor is turned by the same angle, so the floors line up when the map follows
the steps upstairs. The numbers and the "you are here" label are turned back so they stay upright."""

import math
import re
from dataclasses import dataclass, field
from html import escape

from django.utils.translation import get_language

from servicehall.core.errors import NotFound
from servicehall.navigation import selectors as nav
from servicehall.navigation.graph import NoRoute
from servicehall.navigation.plan import level_name
from servicehall.navigation.routing import UnknownRef, route
from servicehall.navigation.svg import level_svg

VIEWBOX = re.compile(r'viewBox="[^"]*"')
TEXT = re.compile(r'<text x="(-?[\d.]+)" y="(-?[\d.]+)">')


@dataclass
class KioskRoute:
    """What the kiosk's route page draws: one figure per floor (all turned alike), the answer's steps,
    the floor shown first, and where the route starts (the kiosk, or the entrance when this screen is
    not a kiosk placed on the map)."""

    answer: object | None
    problem: str
    from_kiosk: bool
    floors: list[dict] = field(default_factory=list)
    to: str = ""


def nav_language() -> str:
    """The page's language as the directions know them (simplified Chinese by default)."""
    lang = (get_language() or "zh-hans").lower()
    return lang if lang in {"zh-hans", "zh-hant", "en"} else "zh-hans"


def has_map(hall) -> bool:
    try:
        nav.published_map(hall=hall)
    except NotFound:
        return False
    return True


def published_graph(hall):
    """The published map's graph, or None when the hall has none (the kiosk then offers no map)."""
    try:
        return nav.graph_of(nav.published_map(hall=hall))
    except NotFound:
        return None


def placed_counters(g) -> list[str]:
    """The window numbers placed on the map, in the order people count them (2 before 10)."""
    numbers = [p.ref.split(":", 1)[1] for p in g.plan.points if p.ref.startswith("counter:")]
    return sorted(numbers, key=lambda n: (len(n), n))


def windows_by_floor(g, numbers, lang: str) -> list[dict]:
    """Windows grouped by the floor they are on, ground floor first: "2楼 9、10" on the slip. Windows not
    on the map are left out (the slip then says nothing about them rather than something wrong)."""
    level_of = {p.ref.split(":", 1)[1]: p.level for p in g.plan.points if p.ref.startswith("counter:")}
    floors: dict[int, list[str]] = {}
    for n in sorted(set(numbers), key=lambda n: (len(n), n)):
        if n in level_of:
            floors.setdefault(level_of[n], []).append(n)
    return [
        {"level": o, "name": level_name(g.plan.level(o), o, lang), "numbers": floors[o]}
        for o in sorted(floors)
    ]


def kiosk_point(g, device):
    if device is None:
        return None
    return next((p for p in g.plan.points if p.ref == f"kiosk:{device.pk}"), None)


def nearest_window(g, origin: str, numbers, *, step_free: bool, lang: str):
    """Of a service's windows, the one with the quickest route from here (a service served at 9 and 10
    is one walk, not a choice the citizen has to make); None when none is reachable."""
    best = None
    for n in numbers:
        try:
            answer = route(g, origin, f"counter:{n}", step_free=step_free, lang=lang)
        except (UnknownRef, NoRoute):
            continue
        if best is None or answer.duration_s < best[1].duration_s:
            best = (n, answer)
    return best[0] if best else None


def kiosk_route(
    g, device, to: str, *, step_free: bool, lang: str, problem_text, here_label: str
) -> KioskRoute:
    """The route from this kiosk (or the nearest entrance) to ``to`` and every floor drawn for it.
    Raises ``UnknownRef`` for a place that is not on the map; a missing route is ``problem`` (the
    reason in words, by ``problem_text(err, plan, lang)``)."""
    here = kiosk_point(g, device)
    origin = f"kiosk:{device.pk}" if here is not None else "entrance"
    answer, problem = None, ""
    try:
        answer = route(g, origin, to, step_free=step_free, lang=lang)
    except NoRoute as err:
        problem = problem_text(err, g.plan, lang)
    up = here.facing_deg if here is not None else None
    turn = (up - 90) % 360 if up is not None else 0.0
    floors = []
    for lv in g.plan.levels:
        o = lv.ordinal
        name = level_name(lv, o, lang)
        leg = next((x["coordinates"] for x in answer.legs if x["level"] == o), None) if answer else None
        svg = level_svg(g.plan, o, leg, lang, name, up_deg=up)
        if turn:
            svg = _upright_numbers(_fitted(svg, g.plan, o, turn), turn)
        if here is not None and here.level == o:
            svg = _you_are_here(svg, here.x, here.y, turn, here_label)
        floors.append({"level": o, "name": name, "on_route": bool(answer and o in answer.levels), "svg": svg})
    return KioskRoute(answer=answer, problem=problem, from_kiosk=here is not None, floors=floors, to=to)


def step_and_floor(found: KioskRoute, step: str | None, level: str | None) -> tuple[int, int]:
    """The step shown first (``?step=``, kept within the route) and the floor shown: that step's, or the
    floor asked for by a floor button (``?level=``) when the page runs without script."""
    steps = found.answer.steps if found.answer else []
    try:
        current = min(max(int(step or 0), 0), max(len(steps) - 1, 0))
    except ValueError:
        current = 0
    shown = steps[current]["level"] if steps else found.floors[0]["level"]
    if level in {str(f["level"]) for f in found.floors}:
        shown = int(level)
    return current, shown


def _upright_numbers(svg: str, turn: float) -> str:
    """A window's number turned back about its circle (the text sits 0.45 m below the middle)."""

    def back(m):
        x, y = float(m[1]), float(m[2]) - 0.45
        return f'{m.group(0)[:-1]} transform="rotate({-turn:.1f} {x:.2f} {y:.2f})">'

    return TEXT.sub(back, svg)


def _fitted(svg: str, plan, ordinal: int, turn: float) -> str:
    """The turned drawing's view box cut to the turned floor (``level_svg`` leaves a square that fits any
    angle, so a long hall turned a quarter would be drawn at half the size the screen allows)."""
    pts = [(x, -y) for s in plan.spaces if s.level == ordinal for x, y in s.polygon]
    if not pts:
        return svg
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2  # the centre level_svg turns about
    a = math.radians(turn)
    turned = [
        (
            cx + (x - cx) * math.cos(a) - (y - cy) * math.sin(a),
            cy + (x - cx) * math.sin(a) + (y - cy) * math.cos(a),
        )
        for x, y in pts
    ]
    pad = 2.0
    x0, x1 = min(p[0] for p in turned) - pad, max(p[0] for p in turned) + pad
    y0, y1 = min(p[1] for p in turned) - pad, max(p[1] for p in turned) + pad
    return VIEWBOX.sub(f'viewBox="{x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f}"', svg, count=1)


def _you_are_here(svg: str, x: float, y: float, turn: float, label: str) -> str:
    """The "you are here" marker at the kiosk, inside the turned drawing, its label turned back upright."""
    if not svg.endswith("</g></svg>"):
        return svg
    mark = (
        f'<g class="you-are-here" transform="rotate({-turn:.1f} {x:.2f} {-y:.2f})">'
        f'<circle cx="{x:.2f}" cy="{-y:.2f}" r="1.3"/>'
        f'<text x="{x:.2f}" y="{-y - 1.9:.2f}">{escape(label)}</text></g>'
    )
    return svg[: -len("</g></svg>")] + mark + "</g></svg>"
