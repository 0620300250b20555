"""A what-if scenario applied to the hall's simulated day. Pure: the baseline comes from history
(``selectors.service_specs``) and the hall's counters; the changes are what the manager asks:

- ``arrivals_factor``: every walk-in rate × the factor (+20 % is 1.2); booked appointments stay;
- ``counters_open``: counters open per interval (the first N of the hall's counters in its order);
- ``service_time_factors``: a service's service times × its factor (0.7 with pre-filled e-forms);
- ``priority_per_normal``: the calling policy's interleave;
- ``merge``: services every counter serving one of them now serves all (a comprehensive window).
"""

from dataclasses import dataclass, field, replace

from servicehall.analytics.simulation import CounterSpec, Rules, Scenario, ServiceSpec


@dataclass(frozen=True)
class WhatIf:
    arrivals_factor: float = 1.0
    counters_open: tuple[int, ...] | None = None
    service_time_factors: dict[int, float] = field(default_factory=dict)
    priority_per_normal: int | None = None
    merge: tuple[int, ...] = ()


def baseline(
    specs: list[ServiceSpec],
    counters: list[tuple[int, str, dict[int, tuple[int, float]]]],
    *,
    interval_seconds: int,
    target_seconds: float,
    rules: Rules,
) -> Scenario:
    """The hall as it is: every active counter open all day with its service set."""
    intervals = max((len(s.rates) for s in specs), default=0)
    return Scenario(
        tuple(specs),
        tuple(CounterSpec(cid, dict(services), (True,) * intervals) for cid, _n, services in counters),
        interval_seconds,
        target_seconds,
        rules,
    )


def _merged(services: dict[int, tuple[int, float]], merge: tuple[int, ...]) -> dict[int, tuple[int, float]]:
    if not merge or not set(services) & set(merge):
        return services
    return {**{sid: (1, 1.0) for sid in merge}, **services}


def apply(scenario: Scenario, change: WhatIf) -> Scenario:
    specs = tuple(
        replace(
            s,
            rates=tuple(r * change.arrivals_factor for r in s.rates),
            times=s.times.scaled(change.service_time_factors[s.id])
            if s.id in change.service_time_factors
            else s.times,
        )
        for s in scenario.services
    )
    counters = []
    for i, c in enumerate(scenario.counters):
        is_open = c.open if change.counters_open is None else tuple(i < n for n in change.counters_open)
        counters.append(CounterSpec(c.id, _merged(c.services, change.merge), is_open))
    rules = scenario.rules
    if change.priority_per_normal is not None:
        rules = Rules(change.priority_per_normal, rules.max_wait)
    return Scenario(specs, tuple(counters), scenario.interval_seconds, scenario.target_seconds, rules)


def summary(result) -> dict:
    """A simulation ``Result`` as JSON for the job's row and the API."""
    return {
        "replications": result.replications,
        "arrivals": result.arrivals.as_dict(),
        "mean_wait_seconds": result.mean_wait.as_dict(),
        "p90_wait_seconds": result.p90_wait.as_dict(),
        "max_wait_seconds": result.max_wait.as_dict(),
        "service_level": result.service_level.as_dict(),
        "utilisation": result.utilisation.as_dict(),
        "abandoned_share": result.abandoned_share.as_dict(),
        "queue": [{"second": t, "mean": m, "p90": p} for t, m, p in result.queue],
    }
