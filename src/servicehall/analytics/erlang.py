"""Erlang C: the textbook model of a queue with ``N`` identical counters, Poisson arrivals, exponential
service, one FIFO line and nobody giving up. A hall departs from every one of those assumptions, so the
staffing page checks each answer by simulation (``simulation.py``); this module is the quick first guess.

Numerically stable: Erlang B is built up by the recurrence ``B(k) = A·B(k-1) / (k + A·B(k-1))`` and
turned into Erlang C, so no factorial or power ever overflows (A = 500 Erlang is fine). When the counters
cannot carry the load (``N <= A``) the queue grows without bound: ``p_wait`` is 1 and ``stable`` False,
instead of a number that means nothing.
"""

import math
from dataclasses import dataclass

MAX_COUNTERS = 1000


@dataclass(frozen=True)
class ErlangResult:
    counters: int
    offered_load: float  # Erlang: arrivals per second × mean service seconds
    stable: bool  # False: N <= A, the queue grows without bound
    p_wait: float
    service_level: float  # share called within the target wait
    average_wait_seconds: float | None  # ASA; None when unstable
    occupancy: float  # share of the counters' time spent serving (capped at 1)


def offered_load(arrivals_per_hour: float, mean_service_seconds: float) -> float:
    return arrivals_per_hour * mean_service_seconds / 3600.0


def erlang_b(load: float, counters: int) -> float:
    """Blocking probability of M/M/N/N by the stable recurrence."""
    b = 1.0
    for k in range(1, counters + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(load: float, counters: int) -> float:
    """Probability that an arrival waits (M/M/N). 1 when the system is unstable (``N <= A``)."""
    if load <= 0:
        return 0.0
    if counters <= load:
        return 1.0
    b = erlang_b(load, counters)
    rho = load / counters
    return b / (1 - rho + rho * b)


def evaluate(
    *, arrivals_per_hour: float, mean_service_seconds: float, counters: int, target_seconds: float
) -> ErlangResult:
    """Every figure the staffing page shows for one queue, one interval."""
    load = offered_load(arrivals_per_hour, mean_service_seconds)
    if counters <= 0 or counters <= load:
        occupancy = 1.0 if load > 0 else 0.0
        return ErlangResult(
            counters,
            load,
            load <= 0,
            1.0 if load > 0 else 0.0,
            0.0 if load > 0 else 1.0,
            None if load > 0 else 0.0,
            occupancy,
        )
    pw = erlang_c(load, counters)
    gap = (counters - load) / mean_service_seconds  # rate at which the queue drains, per second
    service_level = 1 - pw * math.exp(-gap * target_seconds)
    asa = pw / gap if load > 0 else 0.0
    return ErlangResult(counters, load, True, pw, service_level, asa, load / counters)


def counters_needed(
    *,
    arrivals_per_hour: float,
    mean_service_seconds: float,
    target_seconds: float,
    service_level: float = 0.8,
    max_average_wait_seconds: float | None = None,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> int:
    """The fewest counters that reach the target service level (and the maximum average wait and
    occupancy, when given), grossed up for shrinkage (breaks, training: 0.2 means a fifth of the staffed
    time nobody serves). 0 when nobody arrives."""
    if arrivals_per_hour <= 0:
        return 0
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    load = offered_load(arrivals_per_hour, mean_service_seconds)
    n = max(1, math.floor(load) + 1)
    while n <= MAX_COUNTERS:
        r = evaluate(
            arrivals_per_hour=arrivals_per_hour,
            mean_service_seconds=mean_service_seconds,
            counters=n,
            target_seconds=target_seconds,
        )
        ok = r.service_level >= service_level and r.occupancy <= max_occupancy
        if ok and max_average_wait_seconds is not None:
            ok = (r.average_wait_seconds or 0) <= max_average_wait_seconds
        if ok:
            return math.ceil(n / (1 - shrinkage) - 1e-9)
        n += 1
    raise ValueError("more counters than any hall has")
