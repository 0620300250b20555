"""Erlang C against published values and against an independent computation (scipy's Poisson
distribution: Erlang B = pmf(N; A) / cdf(N; A), then C from B)."""

import pytest
from scipy import stats

from servicehall.analytics import erlang


def reference_c(load: float, n: int) -> float:
    b = stats.poisson.pmf(n, load) / stats.poisson.cdf(n, load)
    rho = load / n
    return b / (1 - rho + rho * b)


@pytest.mark.parametrize(
    ("load", "n", "published"),
    [
        (10, 14, 0.1741),  # the textbook example: A = 10 Erlang, 14 agents, P(wait) ≈ 0.17
        (10, 11, 0.6821),
        (2, 3, 4 / 9),  # M/M/3 with ρ = 2/3: exactly 4/9
        (1, 2, 1 / 3),  # M/M/2 with ρ = 1/2: exactly 1/3
        (0.5, 1, 0.5),  # M/M/1: P(wait) = ρ
    ],
)
def test_published_values(load, n, published):
    assert erlang.erlang_c(load, n) == pytest.approx(published, abs=5e-4)


@pytest.mark.parametrize(("load", "n"), [(3.7, 5), (24, 28), (80.5, 90), (500, 520), (900, 1000)])
def test_agrees_with_an_independent_computation_and_never_overflows(load, n):
    assert erlang.erlang_c(load, n) == pytest.approx(reference_c(load, n), rel=1e-6)


def test_the_figures_of_a_queue():
    # 60 arrivals an hour, 10 minutes each: A = 10; 14 counters; target 20 s
    r = erlang.evaluate(arrivals_per_hour=60, mean_service_seconds=600, counters=14, target_seconds=20)
    assert r.stable and r.offered_load == pytest.approx(10)
    assert r.occupancy == pytest.approx(10 / 14)
    assert r.average_wait_seconds == pytest.approx(0.1741 * 600 / 4, rel=1e-3)  # ASA = C·s/(N−A)
    assert r.service_level == pytest.approx(1 - 0.17413 * 2.718281828 ** (-4 * 20 / 600), rel=1e-3)


@pytest.mark.parametrize("n", [0, 5, 10])
def test_too_few_counters_mean_an_unbounded_queue_not_a_number(n):
    r = erlang.evaluate(arrivals_per_hour=60, mean_service_seconds=600, counters=n, target_seconds=900)
    assert not r.stable and r.p_wait == 1 and r.average_wait_seconds is None and r.service_level == 0


def test_nobody_arrives():
    r = erlang.evaluate(arrivals_per_hour=0, mean_service_seconds=600, counters=1, target_seconds=60)
    assert r.stable and r.p_wait == 0 and r.average_wait_seconds == 0
    assert erlang.counters_needed(arrivals_per_hour=0, mean_service_seconds=600, target_seconds=60) == 0


def test_counters_needed_for_a_service_level_a_wait_and_shrinkage():
    kw = {"arrivals_per_hour": 60, "mean_service_seconds": 600, "target_seconds": 20}
    n = erlang.counters_needed(**kw, service_level=0.8)
    assert n == 14  # 13 gives about 72 %, 14 gives 86 %
    assert erlang.evaluate(**kw, counters=n).service_level >= 0.8
    assert erlang.evaluate(**kw, counters=n - 1).service_level < 0.8
    assert erlang.counters_needed(**kw, service_level=0.8, max_average_wait_seconds=5) > n
    assert erlang.counters_needed(**kw, service_level=0.8, shrinkage=0.3) == 20  # ⌈14 / 0.7⌉
