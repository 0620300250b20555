"""Analytics pages for hall managers: the forecast with its backtest error, the staffing plan for a day
(Erlang C beside the simulation, pooling advice) and the what-if page (a job with progress). Thin: a form,
one selector or service, render."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from servicehall.analytics import charts, history, selectors, services
from servicehall.analytics.choices import JobStatus
from servicehall.analytics.forms import WhatIfForm
from servicehall.analytics.templatetags.analytics_format import figure
from servicehall.core.actors import actor_from_request
from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, PermissionDenied
from servicehall.core.permissions import has_role
from servicehall.core.selectors import hall_get
from servicehall.queueing.selectors import local_now

BLUE, RED = "#1d4ed8", "#b91c1c"


def _manager_hall(request, hall_code: str):
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, Role.MANAGER):
        raise PermissionDenied()
    return hall


def _days(hall, today: datetime.date) -> list[tuple[str, str]]:
    """The next 14 days as choices, closed days marked (the forecast expects nobody then)."""
    days = [today + datetime.timedelta(days=i) for i in range(14)]
    lookup = history.day_lookup(hall, days[0], days[-1])
    closed = gettext("closed")
    return [
        (
            d.isoformat(),
            f"{date_format(d, 'SHORT_DATE_FORMAT')} {date_format(d, 'D')}"
            + ("" if lookup(d).open else f" ({closed})"),
        )
        for d in days
    ]


def _next_open_day(hall, today: datetime.date) -> datetime.date:
    lookup = history.day_lookup(hall, today, today + datetime.timedelta(days=14))
    return next(
        (d for d in (today + datetime.timedelta(days=i) for i in range(1, 14)) if lookup(d).open),
        today + datetime.timedelta(days=1),
    )


def _service_choices(hall) -> list[tuple[str, str]]:
    return [(i.code, f"{i.name_local}") for i in history.services(hall)]


@login_required
def forecast_page(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    today = local_now(hall).date()
    items = history.services(hall)
    item = next(
        (i for i in items if i.code == request.GET.get("service", "")[:64]), items[0] if items else None
    )
    data = selectors.forecast_rows(hall=hall, today=today, service=item) if item else {"services": []}
    entry = data["services"][0] if data["services"] else None
    chart = ""
    if entry:
        first_open = next((d for d in entry["days"] if d["open"]), None)
        if first_open:
            chart = charts.bars_svg(
                [i["expected"] for i in first_open["intervals"]],
                [i["start"] for i in first_open["intervals"]],
            )
    context = {
        "hall": hall,
        "items": items,
        "item": item,
        "entry": entry,
        "chart": chart,
        "intro": gettext(
            "Walk-in arrivals expected per half hour for the next 14 days: a weekly profile with a trend, "
            "holidays and make-up working days from the hall's calendar, the days next to a holiday, month "
            "ends and the hall's peak days. The error of the same method on the last 8 weeks is shown beside "
            "each half hour."
        ),
        "short_history": gettext(
            "Too little history for a backtest (it needs about 12 weeks): "
            "treat the forecast as a rough guide."
        ),
    }
    return render(request, "analytics/forecast.html", context)


def _date_param(request, today: datetime.date) -> tuple[datetime.date, dict]:
    try:
        date = (
            datetime.date.fromisoformat(request.GET.get("date", "")[:10])
            if request.GET.get("date")
            else today
        )
    except ValueError:
        return today, {"date": ["—"]}
    if not 0 <= (date - today).days < 14:
        return today, {"date": ["—"]}
    return date, {}


@login_required
def staffing_page(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    today = local_now(hall).date()
    date, errors = _date_param(request, today)
    data = selectors.staffing_rows(hall=hall, date=date, today=today)
    items = {i.code: i for i in history.services(hall)}
    busiest = sorted(data["services"], key=lambda s: -sum(i["arrivals"] for i in s["intervals"]))[:2]
    pool_codes = [c for c in request.GET.getlist("pool")[:5] if c in items] or [
        s["service"].code for s in busiest
    ]
    pool = None
    if len(pool_codes) >= 2:
        pool = selectors.pooling_advice(
            hall=hall, date=date, today=today, service_ids=[items[c].pk for c in pool_codes]
        )
    context = {
        "hall": hall,
        "date": date,
        "days": _days(hall, today),
        "data": data,
        "errors": errors,
        "labels": [data["grid"].label(k) for k in range(data["grid"].intervals)],
        "pool": pool,
        "pool_codes": pool_codes,
        "services": _service_choices(hall),
        "need_rows": _need_rows(selectors.staffing_need(hall=hall, date=date, today=today), data),
        **_staffing_texts(data, date, pool_codes, items),
    }
    return render(request, "analytics/staffing.html", context)


def _staffing_texts(data: dict, date, pool_codes: list[str], items: dict) -> dict:
    t = data["targets"]
    n = sum(sum(1 for i in s["intervals"] if i["disagree"]) for s in data["services"])
    names = [items[c].name_local for c in pool_codes[:2]] + ["", ""]
    return {
        "date_iso": date.isoformat(),
        "disagreements": n,
        "targets_text": gettext(
            "Target: %(sl)s called within %(t)s minutes, average wait at most %(wait)s minutes."
        )
        % {
            "sl": figure(t.service_level, "%"),
            "t": figure(t.target_seconds, "min"),
            "wait": figure(t.max_average_wait_seconds, "min"),
        }
        + " "
        + gettext("The counters are those open; the rota adds shrinkage (breaks, %(s)s).")
        % {"s": figure(t.shrinkage, "%")},
        "caveat": gettext(
            "Erlang C assumes one first-come line, exponential service times and nobody leaving; the "
            "simulation has the hall's priorities and calling rule, real service times, appointments and "
            "people giving up. Where they differ, trust the simulation."
        ),
        "nobody": gettext("Nobody is expected this day (the hall is closed or has no history)."),
        "disagree_text": ngettext(
            "Erlang C and the simulation disagree in %(n)s half hour (marked): use the simulation.",
            "Erlang C and the simulation disagree in %(n)s half hours (marked): use the simulation.",
            n,
        )
        % {"n": n},
        "pool_text": gettext(
            "Merging %(a)s and %(b)s into one comprehensive window, with the same number of counters:"
        )
        % {"a": names[0], "b": names[1]},
    }


def _need_rows(need: dict, data: dict) -> list[tuple[str, int, int]]:
    return [
        (s["service"].name_local, need["am"].get(s["service"].code, 0), need["pm"].get(s["service"].code, 0))
        for s in data["services"]
    ]


def _job_context(job, hall) -> dict:
    if job is None or job.status != JobStatus.DONE or not job.result:
        return {}
    base, scen = job.result["baseline"], job.result["scenario"]
    _ = gettext
    chart = charts.queue_svg(
        [
            (_("As forecast"), [(q["second"], q["mean"]) for q in base["queue"]], BLUE),
            (_("With the change"), [(q["second"], q["mean"]) for q in scen["queue"]], RED),
        ],
        labels=job.result["intervals"],
    )
    rows = [
        (key, label, base[key], scen[key], unit)
        for key, label, unit in (
            ("mean_wait_seconds", _("Mean wait"), "min"),
            ("p90_wait_seconds", _("90th percentile wait"), "min"),
            ("max_wait_seconds", _("Longest wait"), "min"),
            ("service_level", _("Called within the target"), "%"),
            ("utilisation", _("Counter utilisation"), "%"),
            ("abandoned_share", _("Left without being served"), "%"),
            ("arrivals", _("Arrivals"), ""),
        )
    ]
    return {"chart": chart, "rows": rows}


@login_required
def whatif_page(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    today = local_now(hall).date()
    g = history.grid(hall)
    form = WhatIfForm(
        request.POST or None,
        dates=_days(hall, today),
        services=_service_choices(hall),
        intervals=g.intervals,
        initial={"date": _next_open_day(hall, today).isoformat()},
    )
    errors: dict = {}
    if request.method == "POST" and form.is_valid():
        try:
            job = services.simulation_request(
                actor=actor_from_request(request), hall=hall, scenario=form.scenario(), today=today
            )
        except DomainError as exc:
            errors = exc.form_errors()
        else:
            services.start_in_background(job.pk)
            return redirect(f"{request.path}?job={job.pk}")
    errors = errors or {k: list(v) for k, v in form.errors.items()}
    job = None
    raw = request.GET.get("job", "")
    if raw.isdigit() and len(raw) < 18:
        try:
            job = selectors.job_get(hall=hall, job_id=int(raw))
        except DomainError:
            job = None
    context = {
        "hall": hall,
        "intro": gettext(
            "Change the day's arrivals, the counters open, a service's service time, the calling rule's "
            "interleave or merge services; the hall's day is simulated with and without the change, several "
            "times, and the answers are shown with their 95% confidence intervals."
        ),
        "intervals_text": gettext("%(n)s half hours") % {"n": g.intervals},
        "replications_text": (
            gettext("%(n)s replications each; [low–high] is the 95%% confidence interval.")
            % {"n": job.result["scenario"]["replications"]}
            if job is not None and job.result
            else ""
        ),
        "form": form,
        "errors": errors,
        "job": job,
        "recent": selectors.jobs_recent(hall=hall),
        "intervals": g.intervals,
        **_job_context(job, hall),
    }
    return render(request, "analytics/whatif.html", context)
