"""Server-drawn SVG charts of the analytics pages (no script, strict CSP, prints as shown), in the
manner of ``quality.charts``."""

import math
from html import escape


def queue_svg(
    series: list[tuple[str, list[tuple[int, float]], str]], *, labels: list[str], width=720, height=240
):
    """Lines of the number waiting through the day: ``series`` is (name, [(second, waiting)], colour);
    ``labels`` are the intervals' start times (every second one is written on the axis)."""
    points = [p for _n, s, _c in series for p in s]
    if not points:
        return ""
    top = max(1.0, max(v for _t, v in points)) * 1.1
    end = max(t for t, _v in points) or 1
    left, bottom, right = 40, height - 30, width - 10

    def xy(t, v):
        return left + (right - left) * t / end, bottom - (bottom - 10) * v / top

    grid, digits = [], 0 if top > 8 else 1
    for k in range(5):
        v = top * k / 4
        y = xy(0, v)[1]
        grid.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e3e6ea"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{v:.{digits}f}</text>'
        )
    step = end / max(1, len(labels))
    for k, label in enumerate(labels):
        if k % 2 == 0:
            x = xy(k * step, 0)[0]
            grid.append(f'<text x="{x:.1f}" y="{height - 10}" font-size="11">{escape(label)}</text>')
    lines, legend = [], []
    for i, (name, s, colour) in enumerate(series):
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(t, v) for t, v in s))
        lines.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        legend.append(
            f'<rect x="{left + 10 + i * 160}" y="4" width="14" height="4" fill="{colour}"/>'
            f'<text x="{left + 30 + i * 160}" y="10" font-size="12">{escape(name)}</text>'
        )
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" class="an-chart" '
        f'aria-label="queue">{"".join(grid)}{"".join(lines)}{"".join(legend)}</svg>'
    )


def bars_svg(values: list[float], labels: list[str], *, width=720, height=160, colour="#1d4ed8"):
    """Expected arrivals per interval as bars."""
    if not values:
        return ""
    top = max(1.0, max(values)) * 1.1
    n = len(values)
    bw = (width - 50) / n
    out = []
    every = max(2, math.ceil(n / 12))  # at most a dozen labels: a year of days would overwrite each other
    for k, v in enumerate(values):
        h = (height - 40) * v / top
        x = 40 + k * bw
        y = height - 25 - h
        out.append(
            f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" fill="{colour}"/>'
        )
        if k % every == 0:
            out.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="11">{escape(labels[k])}</text>')
    peak = f"{top / 1.1:.{0 if top > 11 else 1}f}"
    out.append(f'<text x="34" y="14" font-size="11" text-anchor="end">{peak}</text>')
    head = f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="arrivals">'
    return f"{head}{''.join(out)}</svg>"


def _shade(share: float) -> str:
    """From a pale to a deep blue as ``share`` goes from 0 to 1."""
    lo, hi = (239, 246, 255), (29, 78, 216)
    r, g, b = (round(a + (b - a) * max(0.0, min(1.0, share))) for a, b in zip(lo, hi, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_svg(values: dict, *, rows: list[tuple[int, str]], hours: list[int], digits: int = 0, label=""):
    """A weekday × hour grid: ``values`` maps (row key, hour) to a number (missing: empty cell); each
    cell is shaded from the smallest value to the largest and carries its value."""
    if not hours or not rows:
        return ""
    seen = [v for v in values.values() if v is not None]
    low, top = min(seen, default=0), max(seen, default=0)
    span = (top - low) or 1  # shaded from the smallest value to the largest, so differences show
    cw, ch, left, head = 46, 30, 70, 22
    width, height = left + cw * len(hours) + 4, head + ch * len(rows) + 4
    out = [
        f'<text x="{left + i * cw + cw / 2:.0f}" y="15" font-size="11" text-anchor="middle">{h:02d}</text>'
        for i, h in enumerate(hours)
    ]
    for j, (key, name) in enumerate(rows):
        y = head + j * ch
        out.append(
            f'<text x="{left - 8}" y="{y + 19}" font-size="12" text-anchor="end">{escape(name)}</text>'
        )
        for i, h in enumerate(hours):
            v = values.get((key, h))
            x = left + i * cw
            fill = "#f6f7f8" if v is None else _shade(0.1 + 0.9 * (v - low) / span)
            out.append(f'<rect x="{x}" y="{y}" width="{cw - 2}" height="{ch - 2}" rx="3" fill="{fill}"/>')
            if v is not None:
                ink = "#fff" if (v - low) / span > 0.5 else "#111827"
                out.append(
                    f'<text x="{x + (cw - 2) / 2:.0f}" y="{y + 19}" font-size="11" text-anchor="middle" '
                    f'fill="{ink}">{v:.{digits}f}</text>'
                )
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" class="an-chart an-heat" '
        f'aria-label="{escape(label)}">{"".join(out)}</svg>'
    )
