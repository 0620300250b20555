"""The service-quality report page (staff): for a scope and period, as a page, a PDF or a CSV."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from servicehall.catalog.selectors import item_list
from servicehall.core.choices import Role
from servicehall.core.selectors import counter_list, hall_get
from servicehall.quality import charts, report, selectors
from servicehall.quality.choices import (
    OPERATOR_LABELS,
    QUADRANT_LABELS,
    IndicatorKind,
    SystemStatus,
    label_of,
)
from servicehall.quality.forms import ReportFilterForm
from servicehall.quality.fuzzy import OPERATORS
from servicehall.quality.pdf import report_csv, report_pdf
from servicehall.quality.views.office import staff_actor

UNIT_NAMES = {
    "counter": gettext_lazy("Window"),
    "clerk": gettext_lazy("Clerk"),
    "service": gettext_lazy("Service item"),
}


@login_required
def report_page(request, hall_code: str):
    """The service-quality report for a scope and period: page, PDF (``?format=pdf``) or CSV
    (``?format=csv``)."""
    hall = hall_get(code=hall_code)
    staff_actor(request, hall, Role.MANAGER, Role.EVALUATOR)
    systems = list(selectors.system_list(hall=hall))
    published = [s for s in systems if s.status == SystemStatus.PUBLISHED] or systems

    def units_for(date_from, date_to) -> dict:
        # The scope: the whole hall, or one window, clerk or service item (ids the hall really has).
        return {
            "counter": [(c.pk, f"{c.number} {c.name_local}") for c in counter_list(hall=hall)],
            "clerk": report.clerks_served(report.Scope(hall, date_from, date_to)),
            "service": [(i.pk, i.name_local) for i in item_list(hall=hall)],
        }

    form = ReportFilterForm(
        request.GET, today=timezone.now().astimezone(hall.tzinfo).date(), units_for=units_for
    )
    filters, errors = form.filters(), form.errors
    chosen = next(
        (s for s in systems if str(s.pk) == filters.get("system")), published[0] if published else None
    )
    date_from, date_to, chosen_unit = filters["date_from"], filters["date_to"], filters["units"]
    scope = report.Scope(
        hall,
        date_from,
        date_to,
        counter_id=chosen_unit.get("counter"),
        clerk_id=chosen_unit.get("clerk"),
        service_id=chosen_unit.get("service"),
    )
    built, ranked = None, []
    if chosen is not None:
        built, ranked = report.report_with_ranking(
            system=chosen, scope=scope, fuzzy_operator=filters["operator"], rank_by=filters["rank"]
        )
        built["scope_label"] = " · ".join(
            f"{UNIT_NAMES[kind]} {dict(form.units[kind])[pk]}" for kind, pk in chosen_unit.items()
        )
    # An export is of what was asked: with a field refused, the page says why instead of a hall-wide file.
    fmt = filters.get("format") if not errors else None
    label = "-".join(f"{kind}{pk}" for kind, pk in chosen_unit.items())
    stem = f"quality-{hall.code}{'-' + label if label else ''}-{date_from}-{date_to}"
    if built is not None and fmt in ("pdf", "csv"):
        if fmt == "pdf":
            response = HttpResponse(report_pdf(built), content_type="application/pdf")
        else:
            response = HttpResponse(report_csv(built), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response
    charts_of = _charts(built) if built is not None else {"radar": "", "bars": "", "ipa": ""}
    return render(
        request,
        "quality/report.html",
        {
            "hall": hall,
            "systems": systems,
            "chosen": chosen,
            "built": built,
            "date_from": date_from,
            "date_to": date_to,
            **charts_of,
            "ranked": ranked,
            "errors": errors,
            "units": form.units,
            "chosen_unit": chosen_unit,
            "rank_by": filters["rank"],
            "operators": [(o, label_of(OPERATOR_LABELS, o)) for o in OPERATORS],
            "operator": filters.get("fuzzy") or "",
            "query": request.GET.urlencode(),
        },
        status=422 if errors else 200,
    )


def _charts(built: dict) -> dict:
    """The page's SVG charts (radar of dimensions, bars of indicators, IPA), and each subjective
    indicator's answer distribution and each IPA point's quadrant name on the rows themselves."""
    radar = charts.radar_svg(
        [d["name"] for d in built["dimensions"]], [d["score"] for d in built["dimensions"]]
    )
    bars = charts.bars_svg([(f"{r['code']} {r['name']}", r["score"]) for r in built["indicators"]])
    ipa = ""
    if built["ipa"]:
        scale = built["questionnaire"].scale if built["questionnaire"] else 5
        ipa = charts.ipa_svg(
            built["ipa"]["points"],
            built["ipa"]["performance_mean"],
            built["ipa"]["importance_mean"],
            scale=scale,
        )
        for point in built["ipa"]["points"]:
            point["quadrant_name"] = QUADRANT_LABELS[point["quadrant"]]
    for row in built["indicators"]:
        dist = row["evidence"].get("distribution") if row["kind"] == IndicatorKind.SUBJECTIVE else None
        row["dist_svg"] = charts.distribution_svg(dist) if dist else ""
    return {"radar": radar, "bars": bars, "ipa": ipa}
