"""The analytics API (a contract): the arrival forecast with its backtest error, the Erlang C calculator
(any signed-in staff), the staffing plan for a day (Erlang C and simulation side by side) and the what-if
simulations (a job id, then its progress and result). Everything else is for the hall's managers."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from servicehall.analytics import erlang, history, selectors, services
from servicehall.core.choices import Role
from servicehall.core.errors import Invalid, NotAuthenticated, PermissionDenied
from servicehall.core.permissions import halls_for, is_authenticated, require_role
from servicehall.core.selectors import hall_get
from servicehall.queueing.selectors import local_now

router = Router(tags=["analytics"])


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict = {}


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _manager_hall(request, hall_code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    return hall


def _today(hall) -> datetime.date:
    return local_now(hall).date()


class ForecastQuery(Schema):
    service: str = Field("", max_length=64, description="A service's code; all services when empty")
    days: int = Field(14, ge=1, le=14)


def _bt(bt) -> dict:
    return {"days": bt.days, "mae": bt.mae, "mape": bt.mape}


@router.get("/halls/{hall_code}/forecast", response={200: dict, **ERRORS}, summary="Arrival forecast")
def forecast(request, hall_code: str, q: Query[ForecastQuery]):
    """Expected walk-in arrivals per service per 30-minute interval for the next ``days`` days, each
    interval with the backtest's error at that time of day (MAE in arrivals, MAPE as a fraction)."""
    hall = _manager_hall(request, hall_code)
    item = None
    if q.service:
        item = next((i for i in history.services(hall) if i.code == q.service), None)
        if item is None:
            raise Invalid(fields={"service": [_("Unknown service.")]})
    data = selectors.forecast_rows(hall=hall, today=_today(hall), days=q.days, service=item)
    return {
        "hall": hall.code,
        "interval_minutes": history.INTERVAL_MINUTES,
        "services": [
            {
                "service": s["service"].code,
                "name": s["service"].name_local,
                "history_days": s["history_days"],
                "backtest": _bt(s["backtest"]),
                "days": [
                    {
                        "date": d["date"].isoformat(),
                        "open": d["open"],
                        "expected_arrivals": round(d["total"], 2),
                        "intervals": [
                            {
                                "start": i["start"],
                                "expected_arrivals": round(i["expected"], 3),
                                "backtest_mae": i["mae"],
                                "backtest_mape": i["mape"],
                            }
                            for i in d["intervals"]
                        ],
                    }
                    for d in s["days"][: q.days]
                ],
            }
            for s in data["services"]
        ],
    }


class ErlangQuery(Schema):
    arrivals_per_hour: float = Field(ge=0, le=100_000, allow_inf_nan=False)
    mean_service_seconds: float = Field(gt=0, le=86_400, allow_inf_nan=False)
    counters: int = Field(ge=0, le=erlang.MAX_COUNTERS)
    target_seconds: float = Field(ge=0, le=86_400, allow_inf_nan=False)


class ErlangOut(Schema):
    p_wait: float
    service_level: float
    average_wait_seconds: float | None
    occupancy: float
    offered_load: float
    unbounded: bool
    message: str


@router.get("/staffing/erlang-c", response={200: ErlangOut, **ERRORS}, summary="Erlang C calculator")
def erlang_c(request, q: Query[ErlangQuery]):
    """P(wait), the share called within the target, the average wait and occupancy for ``counters``
    counters. When the counters cannot carry the load (counters ≤ offered load) the queue grows without
    bound: ``p_wait`` is 1, ``average_wait_seconds`` null and ``unbounded`` true."""
    if not is_authenticated(request.auth):
        raise NotAuthenticated()
    if not request.auth.user.is_superuser and not halls_for(request.auth.user).exists():
        raise PermissionDenied()
    r = erlang.evaluate(**q.model_dump())
    unbounded = not r.stable
    message = (
        _("The counters cannot carry the load: the queue grows without bound.")
        if unbounded
        else _("%(p).0f%% of arrivals wait; %(sl).0f%% are called within the target.")
        % {"p": 100 * r.p_wait, "sl": 100 * r.service_level}
    )
    return {
        "p_wait": r.p_wait,
        "service_level": r.service_level,
        "average_wait_seconds": r.average_wait_seconds,
        "occupancy": r.occupancy,
        "offered_load": r.offered_load,
        "unbounded": unbounded,
        "message": message,
    }


class StaffingQuery(Schema):
    date: datetime.date | None = None


def _staffing_date(hall, date: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    today = _today(hall)
    date = date or today
    if not 0 <= (date - today).days < 14:
        raise Invalid(fields={"date": [_("Choose a day within the next 14 days.")]})
    return today, date


@router.get(
    "/halls/{hall_code}/staffing", response={200: dict, **ERRORS}, summary="Counters needed for a day"
)
def staffing(request, hall_code: str, q: Query[StaffingQuery]):
    """Per service and interval: expected arrivals, counters needed by Erlang C and by simulation (breaks
    included), and whether they disagree (trust the simulation). ``need`` is the half-day summary the
    staff rota reads."""
    hall = _manager_hall(request, hall_code)
    today, date = _staffing_date(hall, q.date)
    data = selectors.staffing_rows(hall=hall, date=date, today=today)
    t = data["targets"]
    return {
        "hall": hall.code,
        "date": date.isoformat(),
        "target_seconds": t.target_seconds,
        "service_level": t.service_level,
        "max_average_wait_seconds": t.max_average_wait_seconds,
        "shrinkage": t.shrinkage,
        "services": [
            {
                "service": s["service"].code,
                "name": s["service"].name_local,
                "mean_service_seconds": round(s["mean_service_seconds"], 1),
                "intervals": [
                    {
                        **i,
                        "arrivals": round(i["arrivals"], 2),
                        "counters_erlang_c": i.pop("erlang_c"),
                        "counters_simulation": i.pop("simulation"),
                    }
                    for i in s["intervals"]
                ],
            }
            for s in data["services"]
        ],
        "need": selectors.staffing_need(hall=hall, date=date, today=today),
    }


class SimulationIn(Schema):
    date: datetime.date | None = Field(None, description="The day simulated; tomorrow when empty")
    arrivals_factor: float = Field(1.0, ge=0.1, le=5, allow_inf_nan=False)
    counters_open: list[int] | None = Field(None, max_length=48)
    service_time_factors: dict[str, float] = Field(default_factory=dict, max_length=50)
    priority_per_normal: int | None = Field(None, ge=1, le=20)
    merge: list[str] = Field(default_factory=list, max_length=50)
    replications: int = Field(10, ge=2, le=services.MAX_REPLICATIONS)


def _check_numbers(payload: SimulationIn) -> None:
    fields = {}
    if payload.counters_open is not None and any(not 0 <= n <= 500 for n in payload.counters_open):
        fields["counters_open"] = [_("Between 0 and 500 counters per interval.")]
    if any(not (0.1 <= f <= 5) for f in payload.service_time_factors.values()):
        fields["service_time_factors"] = [_("A factor between 0.1 and 5.")]
    if fields:
        raise Invalid(fields=fields)


def job_out(job) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "scenario": job.scenario,
        "result": job.result,
        "error": job.error,
        "created_at": job.created_at,
        "url": reverse("api:analytics_simulation", kwargs={"hall_code": job.hall.code, "job_id": job.pk}),
    }


@router.post(
    "/halls/{hall_code}/simulations", response={202: dict, **ERRORS}, summary="Run a what-if scenario"
)
def simulation_create(request, hall_code: str, payload: SimulationIn):
    hall = _manager_hall(request, hall_code)
    _check_numbers(payload)
    today = _today(hall)
    scenario = {**payload.model_dump(), "date": payload.date or today + datetime.timedelta(days=1)}
    job = services.simulation_request(actor=request.auth, hall=hall, scenario=scenario, today=today)
    services.start_in_background(job.pk)
    return Status(202, job_out(job))


@router.get(
    "/halls/{hall_code}/simulations/{job_id}",
    response={200: dict, **ERRORS},
    url_name="analytics_simulation",
    summary="A what-if run: progress, then the result",
)
def simulation_get(request, hall_code: str, job_id: int):
    hall = _manager_hall(request, hall_code)
    return job_out(selectors.job_get(hall=hall, job_id=job_id))


def _plain(value):
    """The snapshot as JSON: instants in ISO 8601, nested lists and dicts kept."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@router.get("/halls/{hall_code}/dashboard", response={200: dict, **ERRORS}, summary="Live hall dashboard")
def dashboard(request, hall_code: str):
    """The live snapshot the dashboard page shows: totals, per service (waiting, longest current wait,
    estimate for a new ticket, served today, mean wait of the last hour), per window (state and since
    when, ticket, clerk), appointments due in the next hour, today's ratings and the open alerts with
    their advice. The hall's event stream (``/halls/{hall_code}/events``) says when it changed."""
    hall = _manager_hall(request, hall_code)
    data = selectors.dashboard_data(hall=hall)
    data["alerts"] = [
        {
            "id": row["alert"].pk,
            "kind": row["alert"].kind,
            "subject": row["alert"].subject,
            "text": row["text"],
            "value": row["alert"].value,
            "threshold": row["alert"].threshold,
            "advice": row["advice"],
            "opened_at": row["alert"].opened_at,
        }
        for row in data["alerts"]
    ]
    for row in data["counters"]:
        row.pop("clerk_id", None)
    return _plain(data)
