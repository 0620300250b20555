"""A level of the plan drawn as SVG on the server (no script, no outside asset): the spaces by kind, the
doors, the counters with their numbers, and the route's leg on that level with where it starts and ends.
North is up; y is flipped because SVG's y grows downwards. A kiosk later turns the same drawing by its
facing (a ``rotate`` on the outer group)."""

import math
from html import escape

from servicehall.navigation.plan import Plan, pick


def _pts(coords) -> str:
    return " ".join(f"{x:.2f},{-y:.2f}" for x, y in coords)


def level_svg(
    plan: Plan,
    ordinal: int,
    leg: list[list[float]] | None,
    lang: str,
    label: str,
    up_deg: float | None = None,
) -> str:
    """The level as SVG. ``up_deg``: the plan direction (degrees, 0 = east) to draw pointing up, such as a
    kiosk's facing, so that "ahead" on the screen is ahead of the person reading it; north is up
    without it."""
    spaces = [s for s in plan.spaces if s.level == ordinal]
    if not spaces:
        return ""
    xs = [x for s in spaces for x, _y in s.polygon]
    ys = [y for s in spaces for _x, y in s.polygon]
    pad = 2.0
    x0, y0, x1, y1 = min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad
    turn = "" if up_deg is None else f"{(up_deg - 90) % 360:.1f}"
    if turn and float(turn) != 0:
        cx, cy, half = (x0 + x1) / 2, -(y0 + y1) / 2, math.hypot(x1 - x0, y1 - y0) / 2
        box = f"{cx - half:.2f} {cy - half:.2f} {2 * half:.2f} {2 * half:.2f}"
        group = f'<g transform="rotate({turn} {cx:.2f} {cy:.2f})">'
    else:
        box, group = f"{x0:.2f} {-y1:.2f} {x1 - x0:.2f} {y1 - y0:.2f}", "<g>"
    out = [
        f'<svg class="nav-map" role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{box}">',
        group,
    ]
    for s in spaces:
        title = escape(pick(s.name, lang))
        out.append(
            f'<polygon class="sp sp-{s.kind}" points="{_pts(s.polygon)}"><title>{title}</title></polygon>'
        )
    for o in plan.openings:
        if o.level == ordinal:
            out.append(f'<polyline class="door door-{o.kind}" points="{_pts(o.line)}"/>')
    for p in plan.points:
        if p.level != ordinal:
            continue
        if p.ref.startswith("counter:"):
            number = escape(p.ref.split(":", 1)[1])
            out.append(
                f'<g class="pt pt-counter" data-counter="{number}">'
                f'<circle cx="{p.x:.2f}" cy="{-p.y:.2f}" r="0.9"/>'
                f'<text x="{p.x:.2f}" y="{-p.y + 0.45:.2f}">{number}</text></g>'
            )
        elif p.kind in {"kiosk", "info_desk", "toilet"}:
            out.append(f'<circle class="pt pt-{p.kind}" cx="{p.x:.2f}" cy="{-p.y:.2f}" r="0.6"/>')
    if leg:
        out.append(f'<polyline class="route" points="{_pts(leg)}"/>')
        sx, sy = leg[0]
        ex, ey = leg[-1]
        out.append(f'<circle class="route-start" cx="{sx:.2f}" cy="{-sy:.2f}" r="0.9"/>')
        out.append(f'<circle class="route-end" cx="{ex:.2f}" cy="{-ey:.2f}" r="1.1"/>')
    out.append("</g></svg>")
    return "".join(out)
