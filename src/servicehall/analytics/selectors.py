"""Reads for the analytics pages and API: the forecast with its backtest, the staffing plan (Erlang C and
simulation), the need per half-day the staff rota reads, and the what-if jobs. Results are cached a few
minutes per hall and date (fitting and simulating take a second or more; history changes slowly)."""

import datetime

from django.core.cache import cache

from servicehall.analytics import forecast, history, staffing
from servicehall.analytics.models import AnalyticsSettings, SimulationJob
from servicehall.analytics.simulation import Rules, ServiceSpec, ServiceTimes
from servicehall.core.errors import NotFound
from servicehall.queueing.selectors import settings_get as queue_settings_get

HISTORY_DAYS = 420
CACHE_SECONDS = 600
MIN_EMPIRICAL = 30
NOON = datetime.time(12, 0)


def settings_get(*, hall) -> AnalyticsSettings:
    found = AnalyticsSettings.objects.filter(hall=hall).first()
    return found if found is not None else AnalyticsSettings(hall=hall)


def targets(*, hall) -> staffing.Targets:
    conf, queue = settings_get(hall=hall), queue_settings_get(hall=hall)
    return staffing.Targets(
        target_seconds=conf.target_minutes * 60,
        service_level=conf.service_level_percent / 100,
        max_average_wait_seconds=conf.max_average_wait_minutes * 60,
        shrinkage=conf.shrinkage_percent / 100,
        interval_seconds=history.INTERVAL_MINUTES * 60,
        rules=Rules(queue.priority_per_normal, datetime.timedelta(minutes=queue.max_wait_minutes)),
    )


def _cached(key: str, build):
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _forecast_data(hall, today: datetime.date, days: int) -> dict:
    """Per service id: the 14 days ahead and the backtest, as plain data (cached)."""
    g = history.grid(hall)
    since = today - datetime.timedelta(days=HISTORY_DAYS)
    until = today - datetime.timedelta(days=1)
    ahead = [today + datetime.timedelta(days=i) for i in range(days)]
    lookup = history.day_lookup(hall, since, ahead[-1])
    peak = frozenset(settings_get(hall=hall).peak_days or [])
    counts = history.arrivals(hall, since=since, until=until, g=g)
    out = {}
    for item in history.services(hall):
        past = counts.get(item.pk, {})
        model = forecast.fit(past, lookup, peak_days=peak, intervals=g.intervals)
        out[item.pk] = {
            "days": forecast.forecast(model, ahead, lookup),
            "backtest": forecast.backtest(past, lookup, peak_days=peak, intervals=g.intervals),
            "history_days": len(past),
        }
    return {"grid": g, "services": out}


def forecast_data(*, hall, today: datetime.date, days: int = 14) -> dict:
    return _cached(f"analytics:forecast:{hall.pk}:{today}:{days}", lambda: _forecast_data(hall, today, days))


def forecast_rows(*, hall, today: datetime.date, days: int = 14, service=None) -> dict:
    """The forecast as the page and the API show it: per service, per day, per interval the expected
    arrivals with the backtest's MAE and MAPE of that interval of the day."""
    data = forecast_data(hall=hall, today=today, days=days)
    g = data["grid"]
    items = [i for i in history.services(hall) if service is None or i.pk == service.pk]
    services = []
    for item in items:
        entry = data["services"].get(item.pk)
        if entry is None:
            continue
        bt = entry["backtest"]
        services.append(
            {
                "service": item,
                "history_days": entry["history_days"],
                "backtest": bt,
                "days": [
                    {
                        "date": d.date,
                        "open": d.open,
                        "total": d.total,
                        "intervals": [
                            {
                                "start": g.label(k),
                                "expected": v,
                                "mae": bt.mae_by_interval[k],
                                "mape": bt.mape_by_interval[k],
                            }
                            for k, v in enumerate(d.intervals)
                        ],
                    }
                    for d in entry["days"]
                ],
            }
        )
    return {"grid": g, "services": services}


def service_specs(*, hall, date: datetime.date, today: datetime.date) -> tuple[history.Grid, list]:
    """(item, ServiceSpec) of every service on ``date``: forecast arrivals, service times and patience
    from history, priority share, booked appointments. ``date`` within 14 days of ``today``."""
    days = (date - today).days + 1
    data = forecast_data(hall=hall, today=today, days=max(14, days))
    g = data["grid"]
    samples = history.service_time_samples(hall, until=today)
    behaviour = history.patience_and_priority(hall, until=today)
    booked = history.appointments(hall, date=date, g=g)
    default_seconds = queue_settings_get(hall=hall).default_service_minutes * 60
    out = []
    for item in history.services(hall):
        day = next((d for d in data["services"][item.pk]["days"] if d.date == date), None)
        rates = tuple(day.intervals) if day else (0.0,) * g.intervals
        own = samples.get(item.pk, [])
        if len(own) >= MIN_EMPIRICAL:
            times = ServiceTimes("empirical", sum(own) / len(own), samples=tuple(own))
        else:
            times = ServiceTimes("lognormal", (item.standard_minutes * 60) or default_seconds, 0.6)
        patience, share = behaviour.get(item.pk, (None, 0.0))
        spec = ServiceSpec(item.pk, item.code, rates, times, share, patience, tuple(booked.get(item.pk, [])))
        out.append((item, spec))
    return g, out


def _staffing(hall, date: datetime.date, today: datetime.date) -> dict:
    g, specs = service_specs(hall=hall, date=date, today=today)
    t = targets(hall=hall)
    plans = {item.pk: staffing.plan_service(spec, t) for item, spec in specs}
    return {"grid": g, "plans": plans, "specs": {item.pk: spec for item, spec in specs}}


def staffing_data(*, hall, date: datetime.date, today: datetime.date) -> dict:
    if not 0 <= (date - today).days < 14:
        raise NotFound()
    return _cached(f"analytics:staffing:{hall.pk}:{today}:{date}", lambda: _staffing(hall, date, today))


def staffing_rows(*, hall, date: datetime.date, today: datetime.date) -> dict:
    """Per interval and service: expected arrivals, counters by Erlang C and by simulation."""
    data = staffing_data(hall=hall, date=date, today=today)
    g, rows = data["grid"], []
    for item in history.services(hall):
        plan, spec = data["plans"].get(item.pk), data["specs"].get(item.pk)
        if plan is None or not any(plan.erlang):
            continue
        rows.append(
            {
                "service": item,
                "intervals": [
                    {
                        "start": g.label(k),
                        "arrivals": spec.rates[k],
                        "erlang_c": plan.erlang[k],
                        "simulation": plan.simulated[k],
                        "service_level": plan.service_level[k],
                        "disagree": plan.disagree[k],
                    }
                    for k in range(g.intervals)
                ],
                "mean_service_seconds": spec.times.mean,
            }
        )
    return {"grid": g, "services": rows, "targets": targets(hall=hall)}


def staffing_need(*, hall, date: datetime.date, today: datetime.date | None = None) -> dict:
    """What the staff rota reads: people needed per half-day per service — the simulation's counters at
    the busiest interval of the half-day, with shrinkage (breaks) added — as
    ``{"am": {code: n}, "pm": {code: n}}``. Empty halves on a closed day."""
    from servicehall.queueing.selectors import local_now

    today = today or local_now(hall).date()
    data = staffing_data(hall=hall, date=date, today=today)
    g = data["grid"]
    out: dict[str, dict[str, int]] = {"am": {}, "pm": {}}
    for item in history.services(hall):
        plan = data["plans"].get(item.pk)
        if plan is None:
            continue
        for k, n in enumerate(plan.staff):
            half = "am" if g.label(k) < NOON.strftime("%H:%M") else "pm"
            if n:
                out[half][item.code] = max(out[half].get(item.code, 0), n)
    return out


def pooling_advice(*, hall, date: datetime.date, today: datetime.date, service_ids: list[int]):
    """Simulated waits before/after merging ``service_ids`` into one comprehensive window."""
    data = staffing_data(hall=hall, date=date, today=today)
    ids = [sid for sid in service_ids if sid in data["specs"] and any(data["plans"][sid].simulated)]
    if len(ids) < 2:
        return None
    specs = [data["specs"][sid] for sid in ids]
    counts = [data["plans"][sid].simulated for sid in ids]
    t = targets(hall=hall)
    return _cached(
        f"analytics:pool:{hall.pk}:{today}:{date}:{'-'.join(map(str, sorted(service_ids)))}",
        lambda: staffing.pooling(specs, counts, t),
    )


def job_get(*, hall, job_id: int) -> SimulationJob:
    if not 0 < job_id < 2**63:
        raise NotFound()
    job = SimulationJob.objects.filter(hall=hall, pk=job_id).first()
    if job is None:
        raise NotFound()
    return job


def jobs_recent(*, hall, limit: int = 10):
    return SimulationJob.objects.filter(hall=hall).order_by("-created_at", "-id")[:limit]
