"""Small SVG charts for the report page, drawn on the server (no script, no outside asset, works in the
strict Content-Security-Policy and prints as it shows)."""

import math
from html import escape


def radar_svg(labels: list[str], values: list[float | None], *, size: int = 320) -> str:
    """A radar of 0-100 scores, one axis per label (missing values drawn at 0 and dashed)."""
    n = len(labels)
    if n < 3:
        return ""
    c, r = size / 2, size / 2 - 50
    angle = [(-math.pi / 2 + 2 * math.pi * i / n) for i in range(n)]

    def point(i, v):
        return c + r * v / 100 * math.cos(angle[i]), c + r * v / 100 * math.sin(angle[i])

    rings = "".join(
        f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, level) for i in range(n)))}" '
        f'fill="none" stroke="#d8dce2"/>' for level in (25, 50, 75, 100))
    axes = "".join(f'<line x1="{c}" y1="{c}" x2="{point(i, 100)[0]:.1f}" y2="{point(i, 100)[1]:.1f}" '
                   f'stroke="#d8dce2"/>' for i in range(n))
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v or 0) for i, v in enumerate(values)))
    text = "".join(
        f'<text x="{point(i, 118)[0]:.1f}" y="{point(i, 118)[1]:.1f}" text-anchor="middle" '
        f'dominant-baseline="middle" font-size="13">{escape(labels[i])} {"—" if v is None else f"{v:.0f}"}</text>'
        for i, v in enumerate(values))
    return (f'<svg viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" '
            f'aria-label="radar">{rings}{axes}<polygon points="{shape}" fill="rgba(185,28,28,.18)" '
            f'stroke="#b91c1c" stroke-width="2"/>{text}</svg>')


def bars_svg(rows: list[tuple[str, float | None]], *, width: int = 560) -> str:
    """Horizontal bars of 0-100 scores with their labels."""
    h = 26
    out = []
    for i, (label, v) in enumerate(rows):
        y = i * h
        w = (width - 220) * (v or 0) / 100
        colour = "#b91c1c" if v is not None and v < 60 else "#1b7f46"
        out.append(f'<text x="0" y="{y + 17}" font-size="13">{escape(label)}</text>'
                   f'<rect x="170" y="{y + 5}" width="{width - 220}" height="16" fill="#f0f1f3"/>'
                   f'<rect x="170" y="{y + 5}" width="{w:.1f}" height="16" fill="{colour}"/>'
                   f'<text x="{width - 44}" y="{y + 17}" font-size="13">{"—" if v is None else f"{v:.0f}"}</text>')
    return (f'<svg viewBox="0 0 {width} {h * len(rows)}" width="{width}" height="{h * len(rows)}" role="img" '
            f'aria-label="scores">{"".join(out)}</svg>')
