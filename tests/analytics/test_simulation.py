"""The simulation checked against the theory (exponential times, one FIFO line, no abandonment: Erlang C
within the confidence interval) and departing from it in the direction expected with priorities and
abandonment."""

import datetime

import pytest

from servicehall.analytics import erlang
from servicehall.analytics.simulation import CounterSpec, Rules, Scenario, ServiceSpec, ServiceTimes, simulate

NO_CEILING = Rules(priority_per_normal=2, max_wait=datetime.timedelta(days=30))
HOURS = 24  # long days, so the empty hall of the morning weighs little against the steady state


def _scenario(*, counters=10, per_hour=96, mean=300, priority_share=0.0, patience=None, target=60):
    intervals = HOURS * 2
    service = ServiceSpec(
        1,
        "社保",
        (per_hour / 2,) * intervals,
        ServiceTimes("exponential", mean),
        priority_share=priority_share,
        mean_patience=patience,
    )
    return Scenario(
        services=(service,),
        counters=tuple(CounterSpec(i, {1: (1, 1.0)}, (True,) * intervals) for i in range(counters)),
        target_seconds=target,
        rules=NO_CEILING,
    )


@pytest.fixture(scope="module")
def theory():
    return erlang.evaluate(arrivals_per_hour=96, mean_service_seconds=300, counters=10, target_seconds=60)


@pytest.fixture(scope="module")
def plain():
    return simulate(_scenario(), replications=12, seed=7)


def test_agrees_with_erlang_c_within_its_confidence_interval(theory, plain):
    assert plain.p_wait.low <= theory.p_wait <= plain.p_wait.high
    assert plain.mean_wait.low <= theory.average_wait_seconds <= plain.mean_wait.high
    assert plain.service_level.low <= theory.service_level <= plain.service_level.high
    assert plain.utilisation.mean == pytest.approx(theory.occupancy, abs=0.03)
    assert plain.abandoned_share.mean == 0


def test_priorities_split_the_wait_in_the_expected_direction(theory):
    r = simulate(_scenario(priority_share=0.3), replications=8, seed=7)
    priority, normal = r.wait_by_class["priority"], r.wait_by_class["normal"]
    assert priority.high < normal.low
    assert priority.mean < theory.average_wait_seconds / 2 < theory.average_wait_seconds < normal.mean


def test_abandonment_shortens_the_waits_of_those_who_stay(theory, plain):
    r = simulate(_scenario(patience=300), replications=8, seed=7)
    assert r.abandoned_share.low > 0
    assert r.mean_wait.high < theory.average_wait_seconds
    assert r.service_level.mean < 1


def test_counters_closed_in_an_interval_let_the_queue_grow_then_drain():
    base = _scenario(counters=4, per_hour=24, mean=400)
    intervals = base.intervals
    half_closed = tuple(
        CounterSpec(i, {1: (1, 1.0)}, tuple(not (i < 2 and 10 <= k < 14) for k in range(intervals)))
        for i in range(4)
    )
    r_open = simulate(base, replications=4, seed=3)
    r_closed = simulate(Scenario(base.services, half_closed, target_seconds=60), replications=4, seed=3)
    peak = max(q for t, q, _ in r_closed.queue if 5 * 3600 <= t <= 7 * 3600)
    assert peak > max(q for t, q, _ in r_open.queue if 5 * 3600 <= t <= 7 * 3600)
    after = [q for t, q, _ in r_closed.queue if 16 * 3600 <= t <= 18 * 3600]
    assert max(after) < peak / 2  # the queue drains once the counters reopen


def test_service_sets_and_appointments():
    """Counter 2 serves only 医保: 社保's queue cannot use it; appointments arrive at their slots."""
    intervals = 8
    sb = ServiceSpec(1, "社保", (10,) * intervals, ServiceTimes("lognormal", 600, 0.5))
    yb = ServiceSpec(
        2, "医保", (1,) * intervals, ServiceTimes("empirical", samples=(120, 180)), appointments=(3600,)
    )
    counters = (
        CounterSpec(1, {1: (1, 1.0)}, (True,) * intervals),
        CounterSpec(2, {2: (1, 1.0)}, (True,) * intervals),
    )
    r = simulate(Scenario((sb, yb), counters, target_seconds=900), replications=3, seed=1)
    assert r.wait_by_service[1].mean > 10 * r.wait_by_service[2].mean
    assert r.arrivals.mean == pytest.approx(88 + 1, rel=0.2)


def test_progress_is_reported_per_replication():
    seen = []
    simulate(_scenario(counters=2, per_hour=4), replications=3, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
