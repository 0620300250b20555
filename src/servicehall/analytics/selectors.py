"""Reads for the analytics pages and API: the forecast with its backtest, the staffing plan (Erlang C and
simulation), the need per half-day the staff rota reads, and the what-if jobs. Results are cached a few
minutes per hall and date (fitting and simulating take a second or more; history changes slowly)."""

import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicehall.analytics import alerts, dashboard, effect, forecast, history, staffing
from servicehall.analytics.choices import AlertKind, AlertStatus
from servicehall.analytics.models import (
    Alert,
    AlertSettings,
    AnalyticsSettings,
    ChangeMark,
    ServiceAlertRule,
    SimulationJob,
)
from servicehall.analytics.simulation import Rules, ServiceSpec, ServiceTimes
from servicehall.core.choices import Role
from servicehall.core.errors import NotFound
from servicehall.core.models import HallMembership
from servicehall.queueing.selectors import settings_get as queue_settings_get
from servicehall.staff.selectors import work_mobile_hints

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


# --- the live dashboard and its alerts -------------------------------------------------------------------


def alert_settings_get(*, hall) -> AlertSettings:
    found = AlertSettings.objects.filter(hall=hall).first()
    return found if found is not None else AlertSettings(hall=hall)


def hall_managers_mobiles(*, hall) -> list[tuple[str, str]]:
    """The hall's managers and their masked work mobiles ("" without one), for the alert settings page."""
    rows = HallMembership.objects.filter(hall=hall, role=Role.MANAGER).select_related("user")
    hints = work_mobile_hints(hall=hall, user_ids=[m.user_id for m in rows])
    return sorted((str(m.user), hints.get(m.user_id, "")) for m in rows)


def alert_rules(*, hall) -> list[ServiceAlertRule]:
    return list(ServiceAlertRule.objects.filter(hall=hall).select_related("service"))


def thresholds(*, hall) -> alerts.Thresholds:
    conf = alert_settings_get(hall=hall)
    return alerts.Thresholds(
        wait_minutes=conf.wait_minutes,
        waiting_count=conf.waiting_count,
        idle_minutes=conf.idle_minutes,
        pause_minutes=conf.pause_minutes,
        appointment_grace_minutes=conf.appointment_grace_minutes,
        per_service={r.service_id: (r.wait_minutes, r.waiting_count) for r in alert_rules(hall=hall)},
    )


def _counter_services(hall, counters: list[dict]) -> dict[int, set[int]]:
    """Window id → the services its signed-in clerk may call there (all it serves, when closed)."""
    from servicehall.core.models import Counter
    from servicehall.queueing.selectors import counter_services
    from servicehall.staff.selectors import servable_items

    found = {}
    for counter in Counter.objects.filter(hall=hall, active=True):
        ids = set(counter_services(counter=counter))
        row = next((c for c in counters if c["id"] == counter.pk), None)
        if row and row["clerk_id"]:
            allowed = servable_items(hall=hall, user=row["clerk_id"])
            ids = ids if allowed is None else ids & allowed
        found[counter.pk] = ids
    return found


def _advice(hall, snap: dict, found: list, serves: dict[int, set[int]]) -> dict[int, dict]:
    """Service id → the advice (as data) for each service with a queue alert."""
    from servicehall.analytics.choices import AlertKind
    from servicehall.queueing.selectors import mean_service_seconds
    from servicehall.staff.selectors import qualified_counters

    queued = {c.service_id for c in found if c.kind in (AlertKind.LONG_WAIT, AlertKind.MANY_WAITING)}
    goals = targets(hall=hall)
    advice = {}
    for s in snap["services"]:
        if s["id"] not in queued:
            continue
        rows = [c for c in snap["counters"] if s["id"] in serves.get(c["id"], ())]
        open_now = sum(1 for c in rows if c["activity"] in ("serving", "idle"))
        free = [c for c in snap["counters"] if c["activity"] in ("idle", "closed", "paused")]
        able = qualified_counters(hall=hall, service_id=s["id"], counter_ids=[c["id"] for c in free])
        candidates = [c["number"] for c in free if c["id"] in able and (c in rows or c["activity"] == "idle")]
        wanted = alerts.counters_wanted(
            arrivals_last_hour=s["arrivals_last_hour"],
            mean_service_seconds=mean_service_seconds(service_id=s["id"], hall=hall),
            targets=goals,
        )
        advice[s["id"]] = alerts.queue_advice(
            service=s, open_now=open_now, wanted=wanted, candidates=candidates[:4]
        )
    return advice


def alert_check(*, hall, now: datetime.datetime | None = None) -> tuple[dict, list, dict[int, dict]]:
    """The snapshot, the conditions true in it, and the advice for each queue alert (the sweep's input)."""
    limits = thresholds(hall=hall)
    snap = dashboard.snapshot(hall=hall, now=now, grace_minutes=limits.appointment_grace_minutes)
    serves = _counter_services(hall, snap["counters"])
    found = alerts.conditions(snap, limits, serves)
    return snap, found, _advice(hall, snap, found, serves)


def alerts_open(*, hall) -> list[Alert]:
    return list(Alert.objects.filter(hall=hall, status=AlertStatus.OPEN).order_by("opened_at", "id"))


def alerts_recent(*, hall, days: int = 31, limit: int = 300) -> list[Alert]:
    """Every alert of the last ``days`` days, newest first, with what was done."""
    since = timezone.now() - datetime.timedelta(days=days)
    return list(Alert.objects.filter(hall=hall, opened_at__gte=since).select_related("noted_by")[:limit])


def alert_get(*, hall, alert_id: int) -> Alert:
    found = Alert.objects.filter(hall=hall, pk=alert_id).first()
    if found is None:
        raise NotFound(_("No such alert in this hall."))
    return found


def dashboard_data(*, hall, now: datetime.datetime | None = None) -> dict:
    """What the dashboard page and API show: the snapshot and the open alerts, each with its line."""
    limits = thresholds(hall=hall)
    snap = dashboard.snapshot(hall=hall, now=now, grace_minutes=limits.appointment_grace_minutes)
    snap["alerts"] = alert_rows(hall=hall, rows=alerts_open(hall=hall))
    snap["long_wait_alert"] = any(row["alert"].kind == "long_wait" for row in snap["alerts"])
    return snap


def alert_rows(*, hall, rows: list[Alert]) -> list[dict]:
    """Each alert with its line and its advice in the reader's language: service and window names come
    from the catalogue and the windows as they are now (the stored label, in the hall's language, when
    the service or window is gone)."""
    from servicehall.catalog.models import ServiceItem
    from servicehall.core.models import Counter

    services = {i.code: i.name_local for i in ServiceItem.objects.filter(hall=hall)}
    windows = {c.number: c.name_local or c.number for c in Counter.objects.filter(hall=hall)}
    out = []
    for a in rows:
        if a.kind == AlertKind.LATE_APPOINTMENT:
            name = services.get(a.advice.get("service"))
            label = f"{a.advice.get('ticket', '')} {name}" if name else a.subject_label
        elif a.kind in (AlertKind.IDLE_COUNTER, AlertKind.LONG_PAUSE):
            label = windows.get(a.subject, a.subject_label)
        else:
            label = services.get(a.subject, a.subject_label)
        service = services.get(a.advice.get("service"), a.subject_label)
        out.append(
            {
                "alert": a,
                "text": alerts.message(a.kind, label, a.value, a.threshold),
                "advice": alerts.advice_text(a.advice, service),
            }
        )
    return out


def alert_services(*, hall):
    from servicehall.catalog.models import ServiceItem

    return list(ServiceItem.objects.filter(hall=hall, active=True).order_by("ticket_prefix", "code"))


def forecast_load(*, hall, day: datetime.date) -> dict[tuple[str, int], float]:
    """What the staff rota expects on ``day``: tickets per (half-day, service id) from the arrival
    forecast when the day is within its 14 days, else the rota's own four-week history (past days, and
    beyond the horizon). Registered with ``staff.need.load_provider_set`` when both apps are installed."""
    from servicehall.queueing.selectors import local_now
    from servicehall.staff.need import history_load

    today = local_now(hall).date()
    ahead = (day - today).days
    if not 0 <= ahead < 14:
        return history_load(hall=hall, day=day)
    data = forecast_data(hall=hall, today=today)
    g = data["grid"]
    noon = NOON.strftime("%H:%M")
    out: dict[tuple[str, int], float] = {}
    for service_id, entry in data["services"].items():
        forecast_day = entry["days"][ahead]
        if not forecast_day.open:
            continue
        for k, expected in enumerate(forecast_day.intervals):
            if expected > 0:
                key = ("am" if g.label(k) < noon else "pm", service_id)
                out[key] = out.get(key, 0.0) + float(expected)
    return out


# --- marked changes: before and after --------------------------------------------------------------------

# (code, label, lower is better)
MEASURES = (
    ("wait", gettext_lazy("Wait (min)"), True),
    ("service", gettext_lazy("Service time (min)"), True),
    ("no_show", gettext_lazy("No-shows (%)"), True),
    ("good", gettext_lazy("Good ratings (%)"), False),
)


def change_marks(*, hall) -> list[ChangeMark]:
    return list(ChangeMark.objects.filter(hall=hall).prefetch_related("services"))


def change_mark_get(*, hall, mark_id: int) -> ChangeMark:
    found = ChangeMark.objects.filter(hall=hall, pk=mark_id).prefetch_related("services").first()
    if found is None:
        raise NotFound(_("No such marked change in this hall."))
    return found


def _observations(hall, mark: ChangeMark, today: datetime.date) -> dict[str, list]:
    """Per measure, one observation per ticket (or rating) of the ``window_days`` before the change and
    after it (the day itself left out: half of it is before), up to yesterday."""
    from servicehall.quality.models import Rating
    from servicehall.queueing.choices import TicketStatus
    from servicehall.queueing.models import Ticket

    touched = {s.pk for s in mark.services.all()}
    start = mark.day - datetime.timedelta(days=mark.window_days)
    end = min(mark.day + datetime.timedelta(days=mark.window_days), today - datetime.timedelta(days=1))
    out: dict[str, list] = {code: [] for code, _label, _lower in MEASURES}
    rows = Ticket.objects.filter(hall=hall, day__gte=start, day__lte=end).exclude(day=mark.day)
    for sid, day, status, wait, service in rows.values_list(
        "service_id", "day", "status", "wait_seconds", "service_seconds"
    ).iterator(chunk_size=5000):
        treated, after = (not touched or sid in touched), day > mark.day
        if wait is not None:
            out["wait"].append(effect.Observation(treated, after, wait / 60))
        if service is not None:
            out["service"].append(effect.Observation(treated, after, service / 60))
        if status in (TicketStatus.COMPLETED, TicketStatus.NO_SHOW):
            out["no_show"].append(
                effect.Observation(treated, after, 100.0 if status == TicketStatus.NO_SHOW else 0.0)
            )
    ratings = Rating.objects.filter(hall=hall, excluded=False, ticket__day__gte=start, ticket__day__lte=end)
    for sid, day, level in ratings.exclude(ticket__day=mark.day).values_list(
        "service_id", "ticket__day", "level"
    ):
        treated, after = (not touched or sid in touched), day > mark.day
        out["good"].append(effect.Observation(treated, after, 100.0 if level >= 4 else 0.0))
    return out


def change_effects(*, hall, mark: ChangeMark, today: datetime.date) -> list[dict]:
    """Each measure's before/after for the touched services and the others, and the effect."""
    observations = _observations(hall, mark, today)
    return [
        {"code": code, "label": label, "effect": effect.estimate(observations[code], lower_is_better=lower)}
        for code, label, lower in MEASURES
    ]
