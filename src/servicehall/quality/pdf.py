"""The service-quality report as a PDF with embedded Chinese glyphs (the catalogue's font set-up), with a
radar of the dimensions drawn by ReportLab's own charts."""

import csv
import io

from django.utils.translation import gettext as _
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from servicehall.core.csvcells import SafeWriter
from servicehall.core.pdf import cjk_font_name, drawable, paragraph, styles
from servicehall.quality.choices import (
    KIND_SHORT_LABELS,
    QUADRANT_LABELS,
    IndicatorKind,
    SystemStatus,
    label_of,
)

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)


def _fmt(v, digits: int = 1) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _table(rows, widths, st) -> Table:
    t = Table([[paragraph(c, st["cell"]) for c in row] for row in rows], colWidths=widths, repeatRows=1)
    t.setStyle(GRID)
    return t


def _radar(dimensions: list[dict], font: str) -> Drawing:
    d = Drawing(90 * mm, 70 * mm)
    chart = SpiderChart()
    chart.x, chart.y, chart.width, chart.height = 10 * mm, 5 * mm, 70 * mm, 60 * mm
    chart.data = [[x["score"] or 0 for x in dimensions]]
    chart.labels = [drawable(f"{x['name']} {_fmt(x['score'], 0)}", font) for x in dimensions]
    chart.strands[0].strokeColor = colors.HexColor("#b91c1c")
    chart.strands[0].fillColor = colors.Color(0.73, 0.11, 0.11, alpha=0.2)
    chart.strandLabels.fontName = font
    chart.spokeLabels.fontName = font
    chart.spokeLabels.fontSize = 9
    d.add(chart)
    return d


def report_pdf(built: dict) -> bytes:
    font = cjk_font_name()
    st = styles(font)
    scope, system = built["scope"], built["system"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=_("Service-quality report"),
        author=scope.hall.name,
    )
    change = (
        ""
        if built["change"] is None
        else "（" + _("%(c)s against the previous period") % {"c": f"{built['change']:+.1f}"} + "）"
    )
    story = [
        paragraph(
            scope.hall.name + (f" · {built['scope_label']}" if built.get("scope_label") else ""),
            st["subtitle"],
        ),
        paragraph(_("Service-quality report"), st["title"]),
        paragraph(
            f"{scope.date_from} — {scope.date_to} · {system.name} v{system.version}"
            + ("" if system.status == SystemStatus.PUBLISHED else f" ({system.get_status_display()})"),
            st["subtitle"],
        ),
        Spacer(1, 5 * mm),
        paragraph(f"{_('Composite service-quality index')}: {_fmt(built['index'])} / 100 {change}", st["h2"]),
    ]
    if len(built["dimensions"]) >= 3:
        story.append(_radar(built["dimensions"], font))
    story.append(
        _table(
            [[_("Dimension"), _("Weight"), _("Score")]]
            + [[d["name"], _fmt(d["weight"], 3), _fmt(d["score"])] for d in built["dimensions"]],
            [70 * mm, 40 * mm, 40 * mm],
            st,
        )
    )
    story += [
        paragraph(_("The weakest indicators"), st["h2"]),
        _table(
            [[_("Indicator"), _("Weight"), _("Score"), _("Evidence")]]
            + [
                [f"{r['code']} {r['name']}", _fmt(r["weight"], 3), _fmt(r["score"]), _evidence(r)]
                for r in built["weakest"]
            ],
            [55 * mm, 22 * mm, 22 * mm, 79 * mm],
            st,
        ),
    ]
    story += [
        paragraph(_("Every indicator"), st["h2"]),
        _table(
            [[_("Dimension"), _("Indicator"), _("Kind"), _("Weight"), _("Score")]]
            + [
                [
                    r["dimension_name"],
                    f"{r['code']} {r['name']}",
                    label_of(KIND_SHORT_LABELS, r["kind"]),
                    _fmt(r["weight"], 3),
                    _fmt(r["score"]),
                ]
                for r in built["indicators"]
            ],
            [30 * mm, 60 * mm, 30 * mm, 28 * mm, 30 * mm],
            st,
        ),
    ]
    if built["missing"]:
        story.append(
            paragraph(
                _("Without data in this period: %(list)s")
                % {"list": "、".join(f"{r['code']} {r['name']}" for r in built["missing"])},
                st["small"],
            )
        )
    subjective = [r for r in built["indicators"] if r["kind"] == IndicatorKind.SUBJECTIVE]
    if subjective:
        story += [
            paragraph(_("Questionnaire indicators"), st["h2"]),
            _table(
                [
                    [
                        _("Indicator"),
                        "n",
                        _("mean"),
                        _("SD"),
                        _("95% confidence interval"),
                        _("Answers, worst to best"),
                    ]
                ]
                + [
                    [
                        f"{r['code']} {r['name']}",
                        r["evidence"]["n"],
                        _fmt(r["evidence"]["mean"], 2),
                        _fmt(r["evidence"].get("sd"), 2),
                        "—"
                        if r["evidence"].get("ci_low") is None
                        else f"[{r['evidence']['ci_low']:.2f}, {r['evidence']['ci_high']:.2f}]",
                        " ".join(f"{g}:{c}" for g, c in (r["evidence"].get("distribution") or {}).items()),
                    ]
                    for r in subjective
                ],
                [48 * mm, 16 * mm, 16 * mm, 16 * mm, 32 * mm, 50 * mm],
                st,
            ),
        ]
    if built.get("ipa"):
        ipa = built["ipa"]
        story += [
            paragraph(_("Importance–performance analysis"), st["h2"]),
            _table(
                [[_("Indicator"), _("importance"), _("performance (mean answer)"), _("Quadrant")]]
                + [
                    [
                        f"{p['code']} {p['name']}",
                        _fmt(p["importance"], 2),
                        _fmt(p["performance"], 2),
                        str(QUADRANT_LABELS[p["quadrant"]]),
                    ]
                    for p in ipa["points"]
                ],
                [60 * mm, 30 * mm, 45 * mm, 43 * mm],
                st,
            ),
        ]
    if built.get("servqual"):
        sq = built["servqual"]
        story += [
            paragraph(_("SERVQUAL gaps (perception − expectation)"), st["h2"]),
            paragraph(
                f"{_('Overall gap')}: {sq['overall']:.2f} · "
                + " · ".join(f"{d['name']} {d['gap']:.2f}" for d in sq["dimensions"]),
                st["base"],
            ),
            _table(
                [[_("Item"), _("Expectation"), _("Perception"), _("Gap"), "n"]]
                + [
                    [
                        i["text"],
                        _fmt(i["expectation"], 2),
                        _fmt(i["perception"], 2),
                        _fmt(i["gap"], 2),
                        i["n"],
                    ]
                    for i in sq["items"]
                ],
                [80 * mm, 25 * mm, 25 * mm, 25 * mm, 23 * mm],
                st,
            ),
        ]
    if built.get("trend"):
        story += [
            paragraph(_("By month"), st["h2"]),
            _table(
                [
                    [
                        _("Month"),
                        _("Services completed"),
                        _("Mean wait (minutes)"),
                        _("Good"),
                        _("Questionnaire score"),
                    ]
                ]
                + [
                    [
                        m["month"],
                        m["services"],
                        _fmt(m["wait_minutes"]),
                        "—" if m["good_rate"] is None else f"{m['good_rate']}%",
                        _fmt(m.get("satisfaction")),
                    ]
                    for m in built["trend"]
                ],
                [28 * mm, 36 * mm, 40 * mm, 30 * mm, 40 * mm],
                st,
            ),
        ]
    if built.get("fuzzy"):
        f = built["fuzzy"]
        story += [
            paragraph(f"{_('Fuzzy comprehensive evaluation')} ({f['operator_name']})", st["h2"]),
            _table(
                [[_("Dimension"), "B", _("Score")]]
                + [
                    [d["name"], " / ".join(f"{x:.3f}" for x in d["b"]), _fmt(d["score"])]
                    for d in f["dimensions"]
                ]
                + [[_("Overall"), " / ".join(f"{x:.3f}" for x in f["b"]), _fmt(f["score"])]],
                [40 * mm, 100 * mm, 35 * mm],
                st,
            ),
        ]
    ratings = built["ratings"]
    story += [
        paragraph(_("好差评"), st["h2"]),
        _table(
            [
                [
                    _("Services completed"),
                    _("Active ratings"),
                    _("Participation"),
                    _("Good"),
                    _("Bad"),
                    _("Rectified"),
                    _("On time"),
                    _("Real-name bad ratings revisited"),
                ],
                [
                    ratings["served"],
                    ratings["active"],
                    _pct(ratings["participation_rate"]),
                    _pct(ratings["good_rate"]),
                    _pct(ratings["bad_rate"]),
                    _pct(ratings["rectified_rate"]),
                    _pct(ratings["on_time_rate"]),
                    _pct(ratings.get("revisit_rate")),
                ],
            ],
            [21 * mm] * 7 + [31 * mm],
            st,
        ),
    ]
    story.append(paragraph(_("Reliability and validity"), st["h2"]))
    for r in built["reliability"]:
        head = (
            f"KMO = {_fmt(r.get('kmo'), 3)}"
            if r["dimension"] == "KMO"
            else f"{r['dimension']}: α = {_fmt(r.get('alpha'), 3)} [{_fmt(r.get('ci_low'), 3)}, "
            f"{_fmt(r.get('ci_high'), 3)}]"
        )
        story.append(paragraph(head + ("；" + "；".join(r["warnings"]) if r["warnings"] else ""), st["base"]))
    methods = built["methods"]
    story.append(paragraph(_("Methods"), st["h2"]))
    story.append(
        paragraph(
            _("Weights by AHP (random index table %(table)s); consistency ratios: %(crs)s.")
            % {
                "table": methods["ri_table_name"],
                "crs": "、".join(f"{j['parent'] or '—'} {j['cr']:.3f}" for j in methods["judgements"]) or "—",
            },
            st["base"],
        )
    )
    if methods["cleaning"]:
        c = methods["cleaning"]
        story.append(
            paragraph(
                _("Cleaning: %(valid)s valid of %(total)s responses; removed per rule: %(counts)s.")
                % {
                    "valid": c["valid"],
                    "total": c["total"],
                    "counts": "、".join(f"{k} {v}" for k, v in c["removed"]),
                },
                st["base"],
            )
        )
    story.append(
        paragraph(
            _("Composite: weighted average of the indicators' 0-100 scores by their global weights."),
            st["base"],
        )
    )
    doc.build(story)
    return buffer.getvalue()


def _pct(v) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def _evidence(row: dict) -> str:
    e = row["evidence"]
    if row["kind"] == IndicatorKind.OBJECTIVE:
        return (
            f"{e.get('metric_name') or e.get('metric')} = {_fmt(e.get('value'), 2)}"
            f"（{_('best')} {e.get('best')}，{_('worst')} {e.get('worst')}）"
        )
    survey = f"{_('mean')} {_fmt(e.get('mean'), 2)}，n = {e.get('n', 0)}"
    if e.get("metric"):  # asked about and measured: both halves of the score
        return f"{survey}；{e.get('metric_name') or e.get('metric')} = {_fmt(e.get('value'), 2)}"
    return survey


# The evidence behind each score, one column per figure (objective indicators fill the first four,
# questionnaire indicators the rest).
EVIDENCE_COLUMNS = ("metric", "value", "best", "worst", "n", "mean", "sd", "ci_low", "ci_high")


def report_csv(built: dict) -> str:
    """The report's indicators as CSV (with a BOM, so Excel opens the Chinese correctly): the scores and
    their evidence in columns, the metric and kind by name; a scoped report says its scope on the first
    line. Cells go through ``SafeWriter`` (no formula injection from a name)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeWriter(csv.writer(out))
    if built.get("scope_label"):
        writer.writerow(["# " + built["scope_label"]])
    head = ["dimension", "code", "indicator", "kind", "global_weight", "score"]
    writer.writerow([*head, *EVIDENCE_COLUMNS, "distribution"])
    for r in built["indicators"] + built["missing"]:
        e = r.get("evidence") or {}
        figures = {k: e.get(k) for k in EVIDENCE_COLUMNS}
        figures["metric"] = e.get("metric_name") or e.get("metric")
        dist = e.get("distribution") or {}
        writer.writerow(
            [
                r["dimension_name"],
                r["code"],
                r["name"],
                label_of(KIND_SHORT_LABELS, r["kind"]),
                r["weight"],
                r["score"],
                *("" if figures[k] is None else figures[k] for k in EVIDENCE_COLUMNS),
                " ".join(f"{g}:{c}" for g, c in dist.items()),
            ]
        )
    return out.getvalue()
