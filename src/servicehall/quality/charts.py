"""Small SVG charts for the report page, drawn on the server (no script, no outside asset, works in the
strict Content-Security-Policy and prints as it shows)."""

import math
from html import escape

from django.utils.translation import gettext


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
        f'fill="none" stroke="#d8dce2"/>'
        for level in (25, 50, 75, 100)
    )
    axes = "".join(
        f'<line x1="{c}" y1="{c}" x2="{point(i, 100)[0]:.1f}" y2="{point(i, 100)[1]:.1f}" stroke="#d8dce2"/>'
        for i in range(n)
    )
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v or 0) for i, v in enumerate(values)))
    text = "".join(
        f'<text x="{point(i, 118)[0]:.1f}" y="{point(i, 118)[1]:.1f}" text-anchor="middle" '
        f'dominant-baseline="middle" font-size="13">'
        f"{escape(labels[i])} {'—' if v is None else f'{v:.0f}'}</text>"
        for i, v in enumerate(values)
    )
    return (
        f'<svg viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" '
        f'aria-label="radar">{rings}{axes}<polygon points="{shape}" fill="rgba(185,28,28,.18)" '
        f'stroke="#b91c1c" stroke-width="2"/>{text}</svg>'
    )


def bars_svg(rows: list[tuple[str, float | None]], *, width: int = 560) -> str:
    """Horizontal bars of 0-100 scores with their labels."""
    h = 26
    out = []
    for i, (label, v) in enumerate(rows):
        y = i * h
        w = (width - 220) * (v or 0) / 100
        colour = "#b91c1c" if v is not None and v < 60 else "#1b7f46"
        out.append(
            f'<text x="0" y="{y + 17}" font-size="13">{escape(label)}</text>'
            f'<rect x="170" y="{y + 5}" width="{width - 220}" height="16" fill="#f0f1f3"/>'
            f'<rect x="170" y="{y + 5}" width="{w:.1f}" height="16" fill="{colour}"/>'
            f'<text x="{width - 44}" y="{y + 17}" font-size="13">{"—" if v is None else f"{v:.0f}"}</text>'
        )
    return (
        f'<svg viewBox="0 0 {width} {h * len(rows)}" width="{width}" height="{h * len(rows)}" role="img" '
        f'aria-label="scores">{"".join(out)}</svg>'
    )


def ipa_svg(points: list[dict], x_mid: float, y_mid: float, *, scale: int = 5, size: int = 420) -> str:
    """The importance–performance plane: performance across, importance up, the cross-hairs at the grand
    means, each indicator a labelled dot; the "concentrate here" quadrant (top left) shaded."""
    pad = 40
    span = size - 2 * pad
    # Each axis zooms on its own data (answers cluster near the top of the scale), with a margin.
    xs = [p["performance"] for p in points] + [x_mid]
    ys = [p["importance"] for p in points] + [y_mid]
    x_lo, x_hi = max(1.0, min(xs) - 0.25), min(float(scale), max(xs) + 0.25)
    y_lo, y_hi = max(1.0, min(ys) - 0.25), min(float(scale), max(ys) + 0.25)

    def x(v):
        return pad + span * (v - x_lo) / ((x_hi - x_lo) or 1)

    def y(v):
        return size - pad - span * (v - y_lo) / ((y_hi - y_lo) or 1)

    xm, ym = x(x_mid), y(y_mid)
    dots = "".join(
        f'<circle cx="{x(p["performance"]):.1f}" cy="{y(p["importance"]):.1f}" r="5" '
        f'fill="{"#b91c1c" if p["quadrant"] == "concentrate here" else "#334155"}"/>'
        f'<text x="{x(p["performance"]) + 7:.1f}" y="{y(p["importance"]) + 4:.1f}" font-size="12">'
        f"{escape(p['code'])}<title>{escape(p['code'])} {escape(p['name'])}</title></text>"
        for p in points
    )
    ticks = "".join(
        f'<text x="{x(v):.1f}" y="{size - pad + 14}" text-anchor="middle" font-size="10">{v:.1f}</text>'
        f'<text x="{pad - 4}" y="{y(w) + 3:.1f}" text-anchor="end" font-size="10">{w:.1f}</text>'
        for v, w in ((x_lo, y_lo), (x_hi, y_hi))
    )
    return (
        f'<svg viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" aria-label="IPA">'
        f'<rect x="{pad}" y="{pad}" width="{xm - pad:.1f}" height="{ym - pad:.1f}" fill="#fdecec"/>'
        f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="none" stroke="#d8dce2"/>'
        f'<line x1="{xm:.1f}" y1="{pad}" x2="{xm:.1f}" y2="{size - pad}" '
        'stroke="#94a3b8" stroke-dasharray="4 3"/>'
        f'<line x1="{pad}" y1="{ym:.1f}" x2="{size - pad}" y2="{ym:.1f}" '
        'stroke="#94a3b8" stroke-dasharray="4 3"/>'
        f'<text x="{size / 2}" y="{size - 8}" text-anchor="middle" font-size="12">'
        f"→ {escape(_t('performance'))}</text>"
        f'<text x="12" y="{size / 2}" font-size="12" transform="rotate(-90 12 {size / 2})" '
        'text-anchor="middle">'
        f"→ {escape(_t('importance'))}</text>{ticks}{dots}</svg>"
    )


def _t(word: str) -> str:
    return {"performance": gettext("performance (mean answer)"), "importance": gettext("importance")}[word]


_GRADE_COLOURS = ("#b91c1c", "#ea580c", "#a3a3a3", "#65a30d", "#15803d")


def distribution_svg(distribution: dict[int, int], *, width: int = 220, height: int = 18) -> str:
    """One stacked bar of the answers, worst grade on the left (red) to best on the right (green); each
    segment's width is its share, its tooltip the grade, count and share."""
    total = sum(distribution.values())
    if not total:
        return ""
    grades = sorted(distribution)
    colours = (
        _GRADE_COLOURS
        if len(grades) == 5
        else [_GRADE_COLOURS[round(i * 4 / max(len(grades) - 1, 1))] for i in range(len(grades))]
    )
    out, x = [], 0.0
    for grade, colour in zip(grades, colours, strict=True):
        w = width * distribution[grade] / total
        share = round(100 * distribution[grade] / total)
        out.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{colour}">'
            f"<title>{grade}: {distribution[grade]} ({share}%)</title></rect>"
        )
        x += w
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(" / ".join(f"{g}: {distribution[g]}" for g in grades))}">{"".join(out)}</svg>'
    )
