"""The analytics API as its callers see it: the Erlang C calculator (any signed-in staff, an unbounded
queue said so, bad values refused), the forecast and staffing for hall managers only, and the what-if
simulations (a job id, its progress, then its result; audited)."""

import pytest

from servicehall.analytics import selectors, services
from servicehall.analytics.models import SimulationJob
from servicehall.core.models import AuditEntry

pytestmark = pytest.mark.django_db
ERLANG = "staffing/erlang-c?arrivals_per_hour={}&mean_service_seconds={}&counters={}&target_seconds={}"


def test_erlang_c_for_any_signed_in_staff(api_as):
    status, body = api_as("clerk_a", language="en").call("GET", ERLANG.format(60, 600, 14, 20))
    assert status == 200
    assert body["p_wait"] == pytest.approx(0.1741, abs=5e-4)
    assert body["occupancy"] == pytest.approx(10 / 14)
    assert set(body) >= {"p_wait", "service_level", "average_wait_seconds", "occupancy"}
    assert api_as(None).call("GET", ERLANG.format(60, 600, 14, 20))[0] == 401


def test_erlang_c_says_when_the_queue_grows_without_bound(api_as):
    status, body = api_as("manager_a", language="en").call("GET", ERLANG.format(60, 600, 10, 20))
    assert status == 200
    assert body["p_wait"] == 1 and body["unbounded"] and body["average_wait_seconds"] is None
    assert "without bound" in body["message"]


@pytest.mark.parametrize(
    "args",
    [
        ("nan", 600, 14, 20),
        ("inf", 600, 14, 20),
        (-1, 600, 14, 20),
        (1e12, 600, 14, 20),
        (60, 0, 14, 20),
        (60, 600, 10**9, 20),
        (60, 600, 1.5, 20),
        ("abc", 600, 14, 20),
    ],
)
def test_erlang_c_refuses_bad_values(api_as, args):
    status, body = api_as("clerk_a").call("GET", ERLANG.format(*args))
    assert status == 422 and body["error"] == "invalid"


def test_a_nul_byte_is_refused_before_it_reaches_the_calculator(api_as):
    assert api_as("clerk_a").call("GET", ERLANG.format(60, 600, 14, "%00"))[0] == 400


def test_forecast_for_the_hall_manager(api_as, history, clock, items_a):
    status, body = api_as("manager_a").call("GET", "halls/hall-a/forecast?service=SB-001&days=3")
    assert status == 200
    (sb,) = body["services"]
    assert sb["service"] == "SB-001" and len(sb["days"]) == 3
    assert sb["backtest"]["days"] > 0 and sb["backtest"]["mae"] is not None
    today = sb["days"][0]  # a Wednesday: about 40 walk-ins
    assert today["open"] and 30 < today["expected_arrivals"] < 50
    interval = today["intervals"][2]
    assert set(interval) == {"start", "expected_arrivals", "backtest_mae", "backtest_mape"}


@pytest.mark.parametrize(
    ("user", "path", "expected"),
    [
        ("clerk_a", "halls/hall-a/forecast", 403),
        ("manager_b", "halls/hall-a/forecast", 403),
        ("manager_a", "halls/hall-a/forecast?days=15", 422),
        ("manager_a", "halls/hall-a/forecast?service=NOPE", 422),
        ("manager_a", "halls/nowhere/forecast", 404),
        ("manager_a", "halls/hall-a/staffing?date=1-01-01", 422),
        ("manager_a", "halls/hall-a/staffing?date=9999-12-31", 400),  # the site refuses such years
        ("manager_a", "halls/hall-a/staffing?date=2031-01-01", 422),
        ("clerk_a", "halls/hall-a/staffing", 403),
        ("manager_b", "halls/hall-a/simulations/1", 403),
        ("manager_a", "halls/hall-a/simulations/99999999999999999999999", 404),
    ],
)
def test_refusals(api_as, clock, items_a, user, path, expected):
    assert api_as(user).call("GET", path)[0] == expected


def test_staffing_for_a_day_erlang_and_simulation(api_as, history, clock):
    status, body = api_as("manager_a").call("GET", "halls/hall-a/staffing?date=2030-03-07")
    assert status == 200 and body["date"] == "2030-03-07"
    sb = next(s for s in body["services"] if s["service"] == "SB-001")
    busy = [i for i in sb["intervals"] if i["arrivals"] > 0]
    assert busy and all(i["counters_erlang_c"] >= 1 and i["counters_simulation"] >= 1 for i in busy)
    assert set(body["need"]) == {"am", "pm"} and body["need"]["am"]["SB-001"] >= 1


def test_staffing_need_shape_for_the_rota(history, clock, hall_a):
    import datetime

    need = selectors.staffing_need(hall=hall_a, date=datetime.date(2030, 3, 7))
    assert set(need) == {"am", "pm"}
    assert all(isinstance(n, int) and n >= 1 for half in need.values() for n in half.values())
    assert set(need["am"]) <= {"SB-001", "GJ-001", "HJ-001"}


SCENARIO = {"date": "2030-03-07", "arrivals_factor": 1.2, "replications": 3, "merge": ["SB-001", "GJ-001"]}


def test_a_what_if_simulation_runs_as_a_job_with_progress(api_as, history, clock):
    api = api_as("manager_a")
    status, body = api.call("POST", "halls/hall-a/simulations", SCENARIO)
    assert status == 202 and body["status"] == "queued" and body["progress"] == 0
    job_id = body["id"]
    services.simulation_run(job_id=job_id)  # what the thread (or the worker) does
    status, body = api.call("GET", f"halls/hall-a/simulations/{job_id}")
    assert status == 200 and body["status"] == "done" and body["progress"] == 100
    base, scen = body["result"]["baseline"], body["result"]["scenario"]
    assert scen["arrivals"]["mean"] > base["arrivals"]["mean"]  # +20 %
    assert {"mean", "low", "high"} == set(scen["mean_wait_seconds"])
    assert len(scen["queue"]) > 10
    actions = list(
        AuditEntry.objects.filter(object_id=str(job_id), action__startswith="simulation.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["simulation.finish", "simulation.request", "simulation.start"]
    assert services.simulation_run(job_id=job_id) is None  # a second runner finds nothing to do


@pytest.mark.parametrize(
    "change",
    [
        {"merge": ["SB-001"]},
        {"merge": ["NOPE", "SB-001"]},
        {"service_time_factors": {"SB-001": 99}},
        {"counters_open": [1, 2]},
        {"counters_open": [-1] * 18},
        {"date": "9999-01-01"},
        {"arrivals_factor": "lots"},
        {"replications": 10**6},
        {"merge": [{"a": [[[]]]}]},
        {"date": "2030-03-07\x00"},
    ],
)
def test_bad_scenarios_are_refused_and_nothing_is_queued(api_as, clock, items_a, change):
    status, body = api_as("manager_a").call("POST", "halls/hall-a/simulations", {**SCENARIO, **change})
    # year 9999 and NUL bytes are refused by the site itself (400), the rest by the endpoint (422)
    assert status == (400 if any(bad in str(change.values()) for bad in ("9999", "\\x00")) else 422), body
    assert not SimulationJob.objects.exists()


def test_only_the_halls_managers_run_simulations(api_as, clock, items_a):
    assert api_as("clerk_a").call("POST", "halls/hall-a/simulations", SCENARIO)[0] == 403
    assert api_as("manager_b").call("POST", "halls/hall-a/simulations", SCENARIO)[0] == 403
    assert not SimulationJob.objects.exists()
