"""Counters needed per service and interval, two ways: Erlang C (quick, textbook) and the simulation of
the hall (priorities and the calling policy, abandonment, real service times, appointments). Where they
disagree the simulation is trusted and the page says so. Pure: no database.

The simulated plan starts one counter below Erlang's answer and adds a counter to every interval whose
arrivals were not served within the target often enough, until each interval meets it (a few rounds of a
few replications: an interval's answer depends on the backlog its neighbours leave). Both answers are
counters open; the people to roster add shrinkage (breaks): ``⌈open / (1 − shrinkage)⌉``.
"""

import math
from dataclasses import dataclass, field

from servicehall.analytics import erlang
from servicehall.analytics.simulation import CounterSpec, Rules, Scenario, ServiceSpec, simulate

ROUNDS = 5
REPLICATIONS = 4


@dataclass(frozen=True)
class Targets:
    target_seconds: float = 900.0
    service_level: float = 0.8
    max_average_wait_seconds: float | None = 600.0
    shrinkage: float = 0.15
    interval_seconds: int = 1800
    rules: Rules = Rules()


@dataclass
class ServicePlan:
    service_id: int
    erlang: list[int]  # counters open (serving), by Erlang C
    simulated: list[int]  # counters open, checked by simulation
    service_level: list[float | None]  # simulated, with the simulated counters
    disagree: list[bool] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)  # people to roster: simulated ÷ (1 − shrinkage)


def gross(n: int, shrinkage: float) -> int:
    return math.ceil(n / (1 - shrinkage) - 1e-9) if n else 0


def erlang_net(spec: ServiceSpec, targets: Targets) -> list[int]:
    """Counters actually serving, per interval, by Erlang C (appointments counted as arrivals)."""
    hours = targets.interval_seconds / 3600
    out = []
    for k, rate in enumerate(spec.rates):
        booked = sum(
            1
            for a in spec.appointments
            if k * targets.interval_seconds <= a < (k + 1) * targets.interval_seconds
        )
        out.append(
            erlang.counters_needed(
                arrivals_per_hour=(rate + booked) / hours,
                mean_service_seconds=spec.times.mean,
                target_seconds=targets.target_seconds,
                service_level=targets.service_level,
                max_average_wait_seconds=targets.max_average_wait_seconds,
            )
        )
    return out


def dedicated(spec_ids: list[int], counts: list[int]) -> tuple[CounterSpec, ...]:
    """``max(counts)`` counters serving ``spec_ids``; the first ``counts[k]`` are open in interval k."""
    services = {sid: (1, 1.0) for sid in spec_ids}
    return tuple(
        CounterSpec(1000 + i, services, tuple(i < n for n in counts)) for i in range(max(counts, default=0))
    )


def simulated_net(spec: ServiceSpec, start: list[int], targets: Targets, *, seed: int = 11):
    counts = [max(1, n - 1) if (rate > 0 or n > 0) else 0 for n, rate in zip(start, spec.rates, strict=True)]
    levels: list[float | None] = [None] * len(counts)
    for _round in range(ROUNDS):
        scenario = Scenario(
            (spec,),
            dedicated([spec.id], counts),
            targets.interval_seconds,
            targets.target_seconds,
            targets.rules,
        )
        levels = simulate(scenario, replications=REPLICATIONS, seed=seed).interval_service_level
        short = [k for k, sl in enumerate(levels) if sl is not None and sl < targets.service_level]
        if not short:
            break
        for k in short:
            counts[k] += 1
    return counts, levels


def plan_service(spec: ServiceSpec, targets: Targets) -> ServicePlan:
    by_erlang = erlang_net(spec, targets)
    if not any(by_erlang):
        zeros = [0] * len(by_erlang)
        return ServicePlan(spec.id, zeros, zeros, [None] * len(zeros), [False] * len(zeros), zeros)
    by_sim, levels = simulated_net(spec, by_erlang, targets)
    disagree = [a != b for a, b in zip(by_erlang, by_sim, strict=True)]
    return ServicePlan(
        spec.id, by_erlang, by_sim, levels, disagree, [gross(n, targets.shrinkage) for n in by_sim]
    )


@dataclass
class Pooling:
    service_ids: list[int]
    counters: list[int]  # per interval, the same before and after
    before_wait: dict  # Estimate.as_dict() of the mean wait, separate windows
    after_wait: dict  # one comprehensive window (综合窗口)
    before_level: dict
    after_level: dict
    before_by_service: dict[int, dict]
    after_by_service: dict[int, dict]


def pooling(specs: list[ServiceSpec], counts: list[list[int]], targets: Targets, *, replications: int = 8):
    """Simulated waits with each service at its own windows (``counts[i]`` per interval), then with the
    same number of windows all serving every one of these services."""
    dedicated_counters = []
    for i, (spec, c) in enumerate(zip(specs, counts, strict=True)):
        dedicated_counters += [
            CounterSpec(100 * (i + 1) + j, {spec.id: (1, 1.0)}, tuple(j < n for n in c))
            for j in range(max(c, default=0))
        ]
    total = [sum(col) for col in zip(*counts, strict=True)]
    merged = dedicated([s.id for s in specs], total)
    kwargs = {
        "interval_seconds": targets.interval_seconds,
        "target_seconds": targets.target_seconds,
        "rules": targets.rules,
    }
    before = simulate(
        Scenario(tuple(specs), tuple(dedicated_counters), **kwargs), replications=replications, seed=5
    )
    after = simulate(Scenario(tuple(specs), merged, **kwargs), replications=replications, seed=5)
    return Pooling(
        [s.id for s in specs],
        total,
        before.mean_wait.as_dict(),
        after.mean_wait.as_dict(),
        before.service_level.as_dict(),
        after.service_level.as_dict(),
        {k: v.as_dict() for k, v in before.wait_by_service.items()},
        {k: v.as_dict() for k, v in after.wait_by_service.items()},
    )
