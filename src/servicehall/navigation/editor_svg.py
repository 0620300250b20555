"""One level of a draft drawn for the plan editor: a metre grid (1 m lines, 5 m lines with their
numbers), every space, door and point with ``data-sel`` naming it (a click selects it, a drag moves
it; ``static/servicehall/navigation/editor.js``), the selected one highlighted and, for a space or a
door, its corners as handles. Pure (no Django), every text escaped. North is up: SVG's y is ``-y``."""

import math
from html import escape

from servicehall.navigation.plan import Plan, pick

LABELS = {"kiosk": "K", "entrance": "E", "toilet": "WC", "waiting": "W", "rating_pad": "R", "info_desk": "i"}


def _pts(coords) -> str:
    return " ".join(f"{x:.2f},{-y:.2f}" for x, y in coords)


def bounds(plan: Plan, ordinal: int) -> tuple[float, float, float, float]:
    xs = [x for s in plan.spaces if s.level == ordinal for x, _y in s.polygon]
    ys = [y for s in plan.spaces if s.level == ordinal for _x, y in s.polygon]
    xs += [p.x for p in plan.points if p.level == ordinal]
    ys += [p.y for p in plan.points if p.level == ordinal]
    if not xs:
        return (0.0, 0.0, 30.0, 20.0)
    return (
        math.floor(min(xs) / 5) * 5 - 5,
        math.floor(min(ys) / 5) * 5 - 5,
        math.ceil(max(xs) / 5) * 5 + 5,
        math.ceil(max(ys) / 5) * 5 + 5,
    )


def _grid(x0, y0, x1, y1) -> list[str]:
    out = ['<g class="ed-grid">']
    for x in range(int(x0), int(x1) + 1):
        out.append(f'<line class="g{5 if x % 5 == 0 else 1}" x1="{x}" y1="{-y0}" x2="{x}" y2="{-y1}"/>')
    for y in range(int(y0), int(y1) + 1):
        out.append(f'<line class="g{5 if y % 5 == 0 else 1}" x1="{x0}" y1="{-y}" x2="{x1}" y2="{-y}"/>')
    for x in range(int(x0), int(x1) + 1, 5):
        out.append(f'<text class="gl" x="{x + 0.2}" y="{-y0 - 0.3}">{x}</text>')
    for y in range(int(y0) + 5, int(y1) + 1, 5):
        out.append(f'<text class="gl" x="{x0 + 0.2}" y="{-y + 0.9}">{y}</text>')
    out.append("</g>")
    return out


def editor_svg(plan: Plan, ordinal: int, selected: str, lang: str, label: str) -> str:
    x0, y0, x1, y1 = bounds(plan, ordinal)
    out = [
        f'<svg id="ed-map" class="ed-map" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" data-level="{ordinal}" '
        f'viewBox="{x0:.2f} {-y1:.2f} {x1 - x0:.2f} {y1 - y0:.2f}">',
        *_grid(x0, y0, x1, y1),
    ]
    handles: list[tuple[float, float]] = []
    for s in plan.spaces:
        if s.level != ordinal:
            continue
        sel = f"space:{s.feature_id}"
        cls = " is-sel" if sel == selected else ""
        title = escape(pick(s.name, lang) or s.kind)
        out.append(
            f'<polygon class="sp sp-{s.kind}{cls}" data-sel="{escape(sel)}" points="{_pts(s.polygon)}">'
            f"<title>{title}</title></polygon>"
        )
        if cls:
            handles = list(s.polygon)
    for o in plan.openings:
        if o.level != ordinal:
            continue
        sel = f"opening:{o.feature_id}"
        cls = " is-sel" if sel == selected else ""
        out.append(
            f'<polyline class="door door-{o.kind}{cls}" data-sel="{escape(sel)}" points="{_pts(o.line)}"/>'
        )
        if cls:
            handles = list(o.line)
    for p in plan.points:
        if p.level == ordinal:
            out.append(_point(p, selected))
    for i, (hx, hy) in enumerate(handles):
        out.append(f'<circle class="vtx" data-vertex="{i}" cx="{hx:.2f}" cy="{-hy:.2f}" r="0.45"/>')
    out.append("</svg>")
    return "".join(out)


def _point(p, selected: str) -> str:
    sel = f"point:{p.feature_id}"
    cls = " is-sel" if sel == selected else ""
    text = escape(p.ref.split(":", 1)[1]) if p.ref.startswith("counter:") else LABELS.get(p.kind, "•")
    arrow = ""
    if p.facing_deg is not None:
        a = math.radians(p.facing_deg)
        ax, ay = p.x + 1.6 * math.cos(a), p.y + 1.6 * math.sin(a)
        arrow = f'<line class="facing" x1="{p.x:.2f}" y1="{-p.y:.2f}" x2="{ax:.2f}" y2="{-ay:.2f}"/>'
    return (
        f'<g class="ept ept-{p.kind}{cls}" data-sel="{escape(sel)}" data-x="{p.x:.2f}" data-y="{p.y:.2f}">'
        f'{arrow}<circle cx="{p.x:.2f}" cy="{-p.y:.2f}" r="0.8"/>'
        f'<text x="{p.x:.2f}" y="{-p.y + 0.35:.2f}">{text}</text></g>'
    )
