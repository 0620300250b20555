"""Operations analytics, the pure models at the sizes of issue 18 (no database: the DB readers are one
grouped query each, and history at scale is a later round's summary tables):

- forecast for 27 services: fit (Poisson GLM) + 14 days ahead + an 8-week backtest, on 3 years of
  synthetic half-hourly history per service (goal < 10 s);
- a day's simulation: 1,000 arrivals, 12 counters with service sets, priorities and abandonment,
  the project's calling policy, 30 replications (goal < 5 s);
- the staffing plan (Erlang C + simulation check) for the same 27 services, one day.

    PYTHONPATH=src .venv/bin/python bench/analytics.py

Prints one JSON document (``bench/analytics-latest.json`` keeps the last run).
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehall.settings")
import django  # noqa: E402

django.setup()

from servicehall.analytics import forecast, staffing  # noqa: E402
from servicehall.analytics.simulation import (  # noqa: E402
    CounterSpec,
    Scenario,
    ServiceSpec,
    ServiceTimes,
    simulate,
)
from servicehall.core.calendar import national_day  # noqa: E402

INTERVALS = 18
SERVICES = 27
SHAPE = np.array([4, 8, 10, 10, 9, 7, 5, 1, 1, 1, 3, 7, 8, 7, 6, 4, 2, 1], dtype=float)
SHAPE /= SHAPE.sum()


def lookup(date):
    info = national_day(date)
    return forecast.Day(date, info.open, info.kind)


def history(end: datetime.date, years: int, rng) -> list[dict]:
    weekday = [1.35, 1.1, 1.0, 0.95, 0.8, 1.0, 1.0]
    out = [{} for _ in range(SERVICES)]
    day = end - datetime.timedelta(days=365 * years)
    while day <= end:
        if lookup(day).open:
            for s in range(SERVICES):
                out[s][day] = rng.poisson((10 + 3 * s) * weekday[day.weekday()] * SHAPE)
        day += datetime.timedelta(days=1)
    return out


def bench_forecast(rng) -> dict:
    end = datetime.date(2026, 6, 30)
    hist = history(end, 3, rng)
    ahead = [end + datetime.timedelta(days=i) for i in range(1, 15)]
    started = time.perf_counter()
    for h in hist:
        model = forecast.fit(h, lookup, intervals=INTERVALS)
        forecast.forecast(model, ahead, lookup)
        forecast.backtest(h, lookup, intervals=INTERVALS)
    return {
        "services": SERVICES,
        "history_days": len(hist[0]),
        "intervals_per_day": INTERVALS,
        "seconds": round(time.perf_counter() - started, 3),
        "goal_seconds": 10,
    }


def bench_simulation() -> dict:
    per_service = 1000 / 6 / INTERVALS
    services = tuple(
        ServiceSpec(
            s,
            f"S{s}",
            tuple(per_service * SHAPE[k] * INTERVALS for k in range(INTERVALS)),
            ServiceTimes("lognormal", 300, 0.6),
            priority_share=0.1,
            mean_patience=2400,
        )
        for s in range(6)
    )
    counters = tuple(
        CounterSpec(c, {c % 6: (1, 1.0), (c + 1) % 6: (2, 1.0)}, (True,) * INTERVALS) for c in range(12)
    )
    scenario = Scenario(services, counters, 1800, 900)
    started, cpu = time.perf_counter(), time.process_time()
    result = simulate(scenario, replications=30, seed=1)
    cpu = time.process_time() - cpu
    return {
        "arrivals_per_day": round(result.arrivals.mean),
        "counters": 12,
        "replications": 30,
        "mean_wait_seconds": round(result.mean_wait.mean, 1),
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(cpu, 3),
        "load_average": os.getloadavg()[0],
        "goal_seconds": 5,
    }


def bench_staffing() -> dict:
    targets = staffing.Targets()
    started = time.perf_counter()
    for s in range(SERVICES):
        rates = tuple((10 + 3 * s) * SHAPE[k] for k in range(INTERVALS))
        staffing.plan_service(ServiceSpec(s, f"S{s}", rates, ServiceTimes("lognormal", 480, 0.6)), targets)
    return {"services": SERVICES, "seconds": round(time.perf_counter() - started, 3)}


def main() -> None:
    rng = np.random.default_rng(7)
    out = {
        "forecast_27_services": bench_forecast(rng),
        "simulation_day": bench_simulation(),
        "staffing_27_services": bench_staffing(),
    }
    text = json.dumps(out, indent=2)
    Path(__file__).with_name("analytics-latest.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
