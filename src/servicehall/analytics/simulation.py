"""A day of the hall, simulated (SimPy): the check on every Erlang C answer and the engine of the what-if
page. Pure: no database; the callers build a ``Scenario`` from history (``inputs.py``) or a form.

What the model has that Erlang C has not:
- arrivals per 30-minute interval (non-homogeneous Poisson: a Poisson count per interval, spread evenly);
- service times from history (resampled) or a fitted lognormal, per service;
- priority classes called by the project's own policy (``queueing.policy.choose_next``: the wait ceiling,
  the interleave of priority and normal tickets, tiers and weights), reused as is, not mirrored;
- appointments arriving at their slots (as priority tickets, as the kiosk's check-in issues them);
- abandonment: each ticket has a patience (from history); it leaves unserved when not called by then;
- counters with their own service sets, open per interval.

Several replications with their own seeds give means with 95% confidence intervals (Student's t).
"""

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import simpy
from scipy import stats

from servicehall.queueing.policy import Candidate, Rules, choose_next

BASE = datetime.datetime(2000, 1, 3, tzinfo=datetime.UTC)  # seconds 0 of the simulated day
SAMPLE_SECONDS = 300  # the queue-length series is sampled every 5 minutes


@dataclass(frozen=True)
class ServiceTimes:
    """``kind``: ``exponential`` (mean), ``lognormal`` (mean, cv) or ``empirical`` (samples)."""

    kind: str = "exponential"
    mean: float = 480.0
    cv: float = 1.0
    samples: tuple[float, ...] = ()

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if n == 0:
            return np.zeros(0)
        if self.kind == "empirical" and self.samples:
            return rng.choice(np.asarray(self.samples, dtype=float), size=n)
        if self.kind == "lognormal":
            sigma2 = math.log(1 + self.cv**2)
            return rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), size=n)
        return rng.exponential(self.mean, size=n)

    def scaled(self, factor: float) -> "ServiceTimes":
        return ServiceTimes(self.kind, self.mean * factor, self.cv, tuple(s * factor for s in self.samples))


@dataclass(frozen=True)
class ServiceSpec:
    id: int
    name: str
    rates: tuple[float, ...]  # expected walk-in arrivals per interval
    times: ServiceTimes = ServiceTimes()
    priority_share: float = 0.0  # share of walk-ins in a priority class
    mean_patience: float | None = None  # seconds (exponential); None: nobody leaves
    appointments: tuple[float, ...] = ()  # slot times, seconds from the start of the day


@dataclass(frozen=True)
class CounterSpec:
    id: int
    services: dict[int, tuple[int, float]]  # service id -> (tier, weight), as the policy reads it
    open: tuple[bool, ...]  # open in each interval


@dataclass(frozen=True)
class Scenario:
    services: tuple[ServiceSpec, ...]
    counters: tuple[CounterSpec, ...]
    interval_seconds: int = 1800
    target_seconds: float = 900.0
    rules: Rules = Rules()

    @property
    def intervals(self) -> int:
        return max((len(s.rates) for s in self.services), default=0)

    @property
    def day_seconds(self) -> int:
        return self.intervals * self.interval_seconds


@dataclass
class Run:
    """One replication's raw outcome, one row per ticket."""

    arrival: np.ndarray
    service_id: np.ndarray
    priority: np.ndarray
    called: np.ndarray  # call time, nan when never called
    left: np.ndarray  # abandonment time, nan when served or still waiting at the end
    busy_seconds: float
    open_seconds: float


@dataclass
class Estimate:
    mean: float
    low: float
    high: float

    def as_dict(self) -> dict:
        """JSON-safe (no NaN: a figure without data is None)."""
        return {
            k: None if math.isnan(v) else v
            for k, v in (("mean", self.mean), ("low", self.low), ("high", self.high))
        }


@dataclass
class Result:
    replications: int
    arrivals: Estimate
    mean_wait: Estimate
    p90_wait: Estimate
    max_wait: Estimate
    service_level: Estimate
    utilisation: Estimate
    abandoned_share: Estimate
    p_wait: Estimate
    wait_by_class: dict[str, Estimate]
    wait_by_service: dict[int, Estimate]
    queue: list[tuple[int, float, float]]  # (second of day, mean waiting, p90 across replications)
    interval_service_level: list[float | None] = field(default_factory=list)


def _arrivals(spec: ServiceSpec, interval_seconds: int, rng: np.random.Generator):
    """Arrival times and priority flags of one service for one replication."""
    times, prio = [], []
    for i, rate in enumerate(spec.rates):
        n = rng.poisson(max(rate, 0.0))
        times.append(np.sort(rng.uniform(i * interval_seconds, (i + 1) * interval_seconds, n)))
        prio.append(rng.random(n) < spec.priority_share)
    times.append(np.asarray(spec.appointments, dtype=float))
    prio.append(np.ones(len(spec.appointments), dtype=bool))
    return np.concatenate(times), np.concatenate(prio)


class _Hall:
    """One replication: SimPy processes for arrivals and counters around a list of waiting tickets."""

    def __init__(self, scenario: Scenario, seed: int):
        self.sc = scenario
        self.rng = np.random.default_rng(seed)
        self.env = simpy.Environment()
        arrival, sid, prio, service, patience = [], [], [], [], []
        for spec in scenario.services:
            t, p = _arrivals(spec, scenario.interval_seconds, self.rng)
            arrival.append(t)
            prio.append(p)
            sid.append(np.full(len(t), spec.id))
            service.append(spec.times.draw(self.rng, len(t)))
            patience.append(
                self.rng.exponential(spec.mean_patience, len(t))
                if spec.mean_patience
                else np.full(len(t), np.inf)
            )
        order = np.argsort(np.concatenate(arrival), kind="stable")
        self.arrival = np.concatenate(arrival)[order]
        self.sid = np.concatenate(sid)[order].astype(int)
        self.prio = np.concatenate(prio)[order]
        self.service = np.concatenate(service)[order]
        self.deadline = self.arrival + np.concatenate(patience)[order]
        self.called = np.full(len(self.arrival), np.nan)
        self.left = np.full(len(self.arrival), np.nan)
        self.waiting: dict[int, dict[int, Candidate]] = {}  # service id -> ticket index -> candidate
        self.idle: dict[int, simpy.Event] = {}  # counter id -> the event that wakes it when idle
        self.serving: dict[int, list[int]] = {}  # service id -> counters that may call it
        for c in scenario.counters:
            for sid in c.services:
                self.serving.setdefault(sid, []).append(c.id)
        self.busy = 0.0
        self.open_seconds = 0.0
        self.arrivals_done = False

    def arrivals(self):
        for i, t in enumerate(self.arrival):
            yield self.env.timeout(t - self.env.now)
            self.waiting.setdefault(int(self.sid[i]), {})[i] = Candidate(
                id=i,
                queued_at=BASE + datetime.timedelta(seconds=float(t)),
                is_priority=bool(self.prio[i]),
                service_id=int(self.sid[i]),
            )
            for cid in self.serving.get(int(self.sid[i]), ()):
                event = self.idle.pop(cid, None)
                if event is not None:
                    event.succeed()
        self.arrivals_done = True

    def purge(self, service_ids=None, now: float | None = None):
        """Tickets whose patience ran out leave (lazily: only the moment they would be called matters)."""
        now = self.env.now if now is None else now
        for sid, queue in self.waiting.items():
            if service_ids is not None and sid not in service_ids:
                continue
            for i in [i for i in queue if self.deadline[i] <= now]:
                del queue[i]
                self.left[i] = self.deadline[i]

    def is_open(self, counter: CounterSpec, now: float) -> bool:
        k = int(now // self.sc.interval_seconds)
        if k >= len(counter.open):
            return bool(counter.open[-1]) if counter.open else False
        return bool(counter.open[k])

    def counter(self, spec: CounterSpec):
        streak, step, end = 0, self.sc.interval_seconds, self.sc.day_seconds
        while True:
            now = self.env.now
            boundary = (math.floor(now / step) + 1) * step
            if not self.is_open(spec, now):
                if now >= end:
                    return
                yield self.env.timeout(boundary - now)
                continue
            self.purge(spec.services)
            pool = [c for sid in spec.services for c in self.waiting.get(sid, {}).values()]
            choice = choose_next(
                pool,
                counter_id=spec.id,
                services=spec.services,
                streak=streak,
                rules=self.sc.rules,
                now=BASE + datetime.timedelta(seconds=now),
            )
            if choice is None:
                if now >= end and self.arrivals_done:
                    return
                idle_until = boundary if now < end else now + step
                started, event = now, self.env.event()
                self.idle[spec.id] = event
                yield event | self.env.timeout(idle_until - now)
                self.idle.pop(spec.id, None)
                self.open_seconds += self.env.now - started
                continue
            del self.waiting[int(self.sid[choice.id])][choice.id]
            streak = choice.streak
            self.called[choice.id] = now
            duration = float(self.service[choice.id])
            yield self.env.timeout(duration)
            self.busy += duration
            self.open_seconds += duration

    def run(self) -> Run:
        self.env.process(self.arrivals())
        for c in self.sc.counters:
            self.env.process(self.counter(c))
        self.env.run(until=self.sc.day_seconds + 12 * 3600)
        self.purge(now=math.inf)  # those nobody could call left when their patience ran out
        return Run(self.arrival, self.sid, self.prio, self.called, self.left, self.busy, self.open_seconds)


def run_once(scenario: Scenario, seed: int) -> Run:
    return _Hall(scenario, seed).run()


def _estimate(values: Sequence[float]) -> Estimate:
    arr = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if len(arr) == 0:
        return Estimate(math.nan, math.nan, math.nan)
    mean = float(arr.mean())
    if len(arr) < 2:
        return Estimate(mean, mean, mean)
    half = float(stats.t.ppf(0.975, len(arr) - 1) * arr.std(ddof=1) / math.sqrt(len(arr)))
    return Estimate(mean, mean - half, mean + half)


def _queue_series(run: Run, end: float) -> np.ndarray:
    """How many wait at each 5-minute mark: arrived, and not yet called or gone."""
    marks = np.arange(0, end + 1, SAMPLE_SECONDS)
    out_at = np.where(np.isnan(run.called), np.where(np.isnan(run.left), np.inf, run.left), run.called)
    arrived = np.searchsorted(np.sort(run.arrival), marks, side="right")
    gone = np.searchsorted(np.sort(out_at), marks, side="right")
    return arrived - gone


def _figures(run: Run, target: float) -> dict:
    served = ~np.isnan(run.called)
    waits = run.called[served] - run.arrival[served]
    decided = served | ~np.isnan(run.left)
    n = int(decided.sum())
    return {
        "arrivals": float(len(run.arrival)),
        "mean_wait": float(waits.mean()) if len(waits) else 0.0,
        "p90_wait": float(np.percentile(waits, 90)) if len(waits) else 0.0,
        "max_wait": float(waits.max()) if len(waits) else 0.0,
        "service_level": float((waits <= target).sum() / n) if n else 1.0,
        "p_wait": float((waits > 1e-9).sum() / len(waits)) if len(waits) else 0.0,
        "utilisation": run.busy_seconds / run.open_seconds if run.open_seconds else 0.0,
        "abandoned_share": float((~np.isnan(run.left)).sum() / len(run.arrival)) if len(run.arrival) else 0.0,
    }


def _group_wait(run: Run, mask: np.ndarray) -> float:
    sel = mask & ~np.isnan(run.called)
    return float((run.called[sel] - run.arrival[sel]).mean()) if sel.any() else math.nan


def interval_service_levels(runs: list[Run], scenario: Scenario) -> list[float | None]:
    """Service level of the tickets that arrived in each interval, pooled over the replications."""
    out = []
    step, target = scenario.interval_seconds, scenario.target_seconds
    for k in range(scenario.intervals):
        hit = total = 0
        for r in runs:
            sel = (r.arrival >= k * step) & (r.arrival < (k + 1) * step)
            served = sel & ~np.isnan(r.called)
            hit += int(((r.called[served] - r.arrival[served]) <= target).sum())
            total += int((served | (sel & ~np.isnan(r.left))).sum())
        out.append(hit / total if total else None)
    return out


def simulate(
    scenario: Scenario,
    *,
    replications: int = 10,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """``replications`` independent days (seeds ``seed``, ``seed + 1``, …) summarised with 95% CIs."""
    runs = []
    for r in range(replications):
        runs.append(run_once(scenario, seed + r))
        if progress:
            progress(r + 1, replications)
    figures = [_figures(run, scenario.target_seconds) for run in runs]
    series = np.array([_queue_series(run, scenario.day_seconds) for run in runs])
    marks = np.arange(0, scenario.day_seconds + 1, SAMPLE_SECONDS)
    return Result(
        replications=replications,
        **{key: _estimate([f[key] for f in figures]) for key in figures[0]},
        wait_by_class={
            "priority": _estimate([_group_wait(r, r.priority) for r in runs]),
            "normal": _estimate([_group_wait(r, ~r.priority) for r in runs]),
        },
        wait_by_service={
            s.id: _estimate([_group_wait(r, r.service_id == s.id) for r in runs]) for s in scenario.services
        },
        queue=[
            (int(m), float(series[:, i].mean()), float(np.percentile(series[:, i], 90)))
            for i, m in enumerate(marks)
        ],
        interval_service_level=interval_service_levels(runs, scenario),
    )
