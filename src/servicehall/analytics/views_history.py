"""The hall's history page (hall managers): a period and optionally one service; arrivals and mean
waits by hour × weekday, arrivals by day, and the table by service, window or clerk, also as CSV. Thin:
the filters, ``hall_history``'s grouped reads, the charts."""

import csv
import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext

from servicehall.analytics import charts, hall_history, history
from servicehall.analytics.views import _manager_hall
from servicehall.queueing.choices import Channel
from servicehall.queueing.selectors import local_now

WEEKDAYS = range(1, 8)


def _filters(request, hall, today: datetime.date) -> tuple[dict, dict]:
    """The period (default: the last 28 days up to today), the service and the grouping; a bad value
    falls back to the default and is named beside its field."""
    errors: dict = {}

    def day(name: str, default: datetime.date) -> datetime.date:
        raw = request.GET.get(name, "")[:10]
        if not raw:
            return default
        try:
            value = datetime.date.fromisoformat(raw)
        except ValueError:
            errors[name] = [gettext("Enter a valid date.")]
            return default
        if not datetime.date(2000, 1, 1) <= value <= today:
            errors[name] = [gettext("Enter a valid date.")]
            return default
        return value

    until = day("until", today)
    since = day("since", until - datetime.timedelta(days=27))
    if since > until or (until - since).days >= hall_history.MAX_DAYS:
        errors["since"] = [gettext("A period of one day to one year.")]
        since, until = today - datetime.timedelta(days=27), today
    items = {i.code: i for i in history.services(hall)}
    service = items.get(request.GET.get("service", "")[:64])
    by = request.GET.get("by", "service")
    by = by if by in hall_history.GROUPS else "service"
    return {"since": since, "until": until, "service": service, "by": by}, errors


def _weekday_rows() -> list[tuple[int, str]]:
    monday = datetime.date(2024, 1, 1)  # a Monday: only its weekday names are used
    return [(wd, date_format(monday + datetime.timedelta(days=wd - 1), "D")) for wd in WEEKDAYS]


@login_required
def history_page(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    today = local_now(hall).date()
    f, errors = _filters(request, hall, today)
    scope = {
        "since": f["since"],
        "until": f["until"],
        "service_id": f["service"].pk if f["service"] else None,
    }
    rows = hall_history.breakdown(hall, by=f["by"], **scope)
    if request.GET.get("format") == "csv":
        return _csv(hall, f, rows)
    heat = hall_history.by_hour(hall, **scope)
    days = heat["days"]
    weekdays = _weekday_rows()
    context = {
        "hall": hall,
        "f": f,
        "errors": errors,
        "services": history.services(hall),
        "groups": [
            ("service", gettext("Service")),
            ("counter", gettext("Window")),
            ("clerk", gettext("Clerk")),
        ],
        "rows": rows,
        "total": sum(n for _d, n, _w in days),
        "arrivals_heat": charts.heatmap_svg(
            {k: v[0] for k, v in heat["cells"].items()},
            rows=weekdays,
            hours=heat["hours"],
            label=gettext("Arrivals by hour and weekday"),
        ),
        "wait_heat": charts.heatmap_svg(
            {k: v[1] for k, v in heat["cells"].items()},
            rows=weekdays,
            hours=heat["hours"],
            digits=1,
            label=gettext("Mean wait by hour and weekday"),
        ),
        "trend": charts.bars_svg([n for _d, n, _w in days], [d.strftime("%m-%d") for d, _n, _w in days])
        if days
        else "",
        "query": request.GET.urlencode(),
    }
    return render(request, "analytics/history.html", context, status=422 if errors else 200)


def _csv(hall, f: dict, rows) -> HttpResponse:
    from servicehall.core.csvcells import SafeWriter

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"history-{hall.code}-{f['since']}-{f['until']}-{f['by']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # Excel opens UTF-8 with Chinese names correctly
    out = SafeWriter(csv.writer(response))
    out.writerow(
        [
            f["by"],
            "arrivals",
            "served",
            "mean_wait_min",
            "p90_wait_min",
            "mean_service_min",
            "mean_walk_min",
            "no_show_pct",
            "abandoned_pct",
            "transfers",
            "appointment_pct",
            *(f"channel_{c}_pct" for c in Channel.values),
        ]
    )
    for r in rows:
        out.writerow(
            [
                r.label,
                r.arrivals,
                r.served,
                None if r.mean_wait is None else round(r.mean_wait, 1),
                r.p90_wait,
                None if r.mean_service is None else round(r.mean_service, 1),
                None if r.mean_walk is None else round(r.mean_walk, 1),
                r.no_show_pct,
                r.abandoned_pct,
                r.transfers,
                r.appointment_pct,
                *(r.channel_pct(c) for c in Channel.values),
            ]
        )
    return response
