"""Server-drawn SVG charts of the analytics pages (no script, strict CSP, prints as shown), in the
manner of ``quality.charts``."""

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
    for k, v in enumerate(values):
        h = (height - 40) * v / top
        x = 40 + k * bw
        y = height - 25 - h
        out.append(
            f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" fill="{colour}"/>'
        )
        if k % 2 == 0:
            out.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="11">{escape(labels[k])}</text>')
    peak = f"{top / 1.1:.{0 if top > 11 else 1}f}"
    out.append(f'<text x="34" y="14" font-size="11" text-anchor="end">{peak}</text>')
    head = f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="arrivals">'
    return f"{head}{''.join(out)}</svg>"
