"""The statistics page's presentation: segment labels in the reader's language, small server-drawn SVG
bar charts (as the quality report draws its charts: no script, no outside asset, fits the strict
Content-Security-Policy and prints as shown) and the CSV export through ``core.csvcells.SafeWriter``
(no formula injection from an item's name)."""

import csv
import io
from html import escape

from django.utils.translation import gettext as _

from servicehall.core.csvcells import SafeWriter
from servicehall.customers.choices import AgeBand, HomeArea
from servicehall.queueing.choices import Channel


def segment_label(dimension: str, key: str) -> str:
    if key == "anonymous":
        return _("Anonymous")
    if dimension == "age_band":
        return str(AgeBand(key).label) if key in AgeBand.values else key
    if dimension == "home_area":
        return str(HomeArea(key).label) if key in HomeArea.values else key
    return {"individual": _("Individual"), "organisation": _("Organisation agent")}.get(key, key)


def dimension_label(dimension: str) -> str:
    return {"age_band": _("Age band"), "home_area": _("Home area"), "kind": _("Individual or organisation")}[
        dimension
    ]


def channel_label(key: str) -> str:
    return str(Channel(key).label) if key in Channel.values else key


def bars_svg(rows: list[tuple[str, float | None]], *, width: int = 360) -> str:
    """Horizontal bars scaled to the largest value, each with its label and figure ("—" when none)."""
    h, top = 24, max([v for _l, v in rows if v is not None] or [0]) or 1
    out = []
    for i, (label, v) in enumerate(rows):
        y, w = i * h, (width - 190) * (v or 0) / top
        out.append(
            f'<text x="0" y="{y + 17}" font-size="13">{escape(label)}</text>'
            f'<rect x="130" y="{y + 5}" width="{w:.1f}" height="16" fill="#1d4ed8"/>'
            f'<text x="{width - 52}" y="{y + 17}" font-size="13">'
            f"{'—' if v is None else f'{v:g}'}</text>"
        )
    return (
        f'<svg viewBox="0 0 {width} {h * len(rows)}" width="{width}" height="{h * len(rows)}" role="img" '
        f'aria-label="{escape(_("chart"))}">{"".join(out)}</svg>'
    )


def page_context(stats: dict) -> dict:
    """What the template shows: each dimension's rows with labels, and the charts."""
    dimensions = [
        {
            "key": d,
            "label": dimension_label(d),
            "rows": [{**r, "label": segment_label(d, r["segment"])} for r in rows],
            "wait_chart": bars_svg([(segment_label(d, r["segment"]), r["mean_wait_minutes"]) for r in rows]),
            "repeat_chart": bars_svg(
                [
                    (segment_label(d, r["segment"]), r["repeat_visit_pct"])
                    for r in rows
                    if r["segment"] != "anonymous"
                ]
            ),
            "good_chart": bars_svg([(segment_label(d, r["segment"]), r["good_rating_pct"]) for r in rows]),
        }
        for d, rows in stats["dimensions"].items()
    ]
    channel_rows = [
        {
            "label": segment_label("age_band", band),
            "cells": [counts.get(c, 0) for c in Channel.values],
        }
        for band, counts in stats["channel_mix"].items()
    ]
    elderly = next((r for r in stats["segments"] if r["segment"] == AgeBand.ELDERLY), None)
    return {
        "dimensions": dimensions,
        "channels": [channel_label(c) for c in Channel.values],
        "channel_rows": channel_rows,
        "elderly_share_pct": round(100 * elderly["visits"] / stats["identified_visits"], 1)
        if elderly and stats["identified_visits"]
        else None,
        "per_person_chart": bars_svg([(k, v) for k, v in stats["visits_per_person"].items()]),
    }


def statistics_csv(stats: dict) -> str:
    """One row per segment of every dimension (labels in the reader's language)."""
    out = io.StringIO()
    writer = SafeWriter(csv.writer(out))
    writer.writerow(
        [
            _("Dimension"),
            _("Segment"),
            _("Visits"),
            _("People"),
            _("Mean wait (minutes)"),
            _("No-show %"),
            _("Repeat visit %"),
            _("Satisfied %"),
            _("Ratings"),
            _("Top items"),
        ]
    )
    for d, rows in stats["dimensions"].items():
        for r in rows:
            writer.writerow(
                [
                    dimension_label(d),
                    segment_label(d, r["segment"]),
                    r["visits"],
                    r["people"],
                    r["mean_wait_minutes"] if r["mean_wait_minutes"] is not None else "",
                    r["no_show_pct"] if r["no_show_pct"] is not None else "",
                    r["repeat_visit_pct"] if r["repeat_visit_pct"] is not None else "",
                    r["good_rating_pct"] if r["good_rating_pct"] is not None else "",
                    r["ratings"],
                    "; ".join(f"{t['item']} ({t['visits']})" for t in r["top_items"]),
                ]
            )
    return out.getvalue()
