"""Arrivals per service per 30-minute interval for the coming days. Pure: history and the calendar come
in as arguments (``inputs.py`` reads them from the database).

The estimator, documented and small on purpose (a hall has a few hundred open days per service):

1. **Daily totals** by a Poisson regression (statsmodels GLM, log link) on the open days of the history:
   ``log E[arrivals] = level + day type + trend·years + before holiday + after holiday + month end + peak``.
   The day type is the weekday, or ``makeup`` for a 调休 working weekend; "before/after holiday" is an
   open day next to a statutory holiday; month end is one of the last three days of a month; peak days
   are the days of the month the hall declared (social insurance, tax deadlines). A feature the history
   never shows gets no effect (the pseudo-inverse gives it 0).
2. **Intraday profile**: each day type's share of the day per interval, averaged over its last 12 weeks
   (all open days pooled when a day type has too few).
3. The forecast of an interval is the day's total × its share; a closed day (holiday, weekend) is 0.

The backtest refits on everything but the last 8 weeks and forecasts them: MAE and MAPE per interval of
the day (MAPE over intervals that had arrivals), shown next to the forecast.
"""

import datetime
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

DAY_TYPES = ("0", "1", "2", "3", "4", "makeup")
PROFILE_WEEKS = 12
BACKTEST_DAYS = 56


@dataclass(frozen=True)
class Day:
    """What the forecast needs of a date (``core.calendar.DayInfo`` has these fields)."""

    date: datetime.date
    open: bool
    kind: str


DayLookup = Callable[[datetime.date], Day]


@dataclass
class Backtest:
    days: int
    mae: float | None
    mape: float | None
    mae_by_interval: list[float | None]
    mape_by_interval: list[float | None]


@dataclass
class DayForecast:
    date: datetime.date
    open: bool
    total: float
    intervals: list[float]


def day_type(day: Day) -> str:
    return "makeup" if day.kind == "makeup" or day.date.weekday() >= 5 else str(day.date.weekday())


def features(day: Day, lookup: DayLookup, *, origin: datetime.date, peak_days: frozenset[int]) -> list[float]:
    d = day.date
    kind = day_type(day)
    last = (d.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    before = lookup(d + datetime.timedelta(days=1)).kind == "holiday"
    after = lookup(d - datetime.timedelta(days=1)).kind == "holiday"
    return [
        1.0,
        *[1.0 if kind == t else 0.0 for t in DAY_TYPES[1:]],
        (d - origin).days / 365.0,
        float(before),
        float(after),
        float(d.day > last.day - 3),
        float(d.day in peak_days),
    ]


@dataclass
class Model:
    params: np.ndarray
    origin: datetime.date
    profiles: dict[str, np.ndarray]
    peak_days: frozenset[int]
    intervals: int

    def predict(self, day: Day, lookup: DayLookup) -> DayForecast:
        if not day.open:
            return DayForecast(day.date, False, 0.0, [0.0] * self.intervals)
        x = np.asarray(features(day, lookup, origin=self.origin, peak_days=self.peak_days))
        total = float(math.exp(min(float(x @ self.params), 20.0)))
        profile = self.profiles.get(day_type(day), self.profiles["all"])
        return DayForecast(day.date, True, total, [float(v) for v in total * profile])


def _profiles(history: dict[datetime.date, np.ndarray], lookup: DayLookup, intervals: int) -> dict:
    by_type: dict[str, list[np.ndarray]] = {}
    for date in sorted(history)[-7 * PROFILE_WEEKS * 2 :]:
        by_type.setdefault(day_type(lookup(date)), []).append(history[date])
    total = np.sum([h for h in history.values()], axis=0) if history else np.ones(intervals)
    out = {"all": total / total.sum() if total.sum() else np.full(intervals, 1 / intervals)}
    for kind, rows in by_type.items():
        rows = rows[-PROFILE_WEEKS:]
        s = np.sum(rows, axis=0)
        if len(rows) >= 3 and s.sum() > 0:
            out[kind] = s / s.sum()
    return out


def fit(
    history: dict[datetime.date, np.ndarray], lookup: DayLookup, *, peak_days=frozenset(), intervals: int
) -> Model:
    """The model from a service's history: date → arrivals per interval, for the days the hall was open."""
    days = [lookup(d) for d in sorted(history)]
    days = [d for d in days if d.open]
    peak = frozenset(peak_days)
    origin = days[0].date if days else datetime.date(2000, 1, 1)
    width = 1 + len(DAY_TYPES) - 1 + 5
    if len(days) < 5:
        mean = np.mean([history[d.date].sum() for d in days]) if days else 0.0
        params = np.zeros(width)
        params[0] = math.log(max(mean, 1e-6))
        return Model(params, origin, _profiles(history, lookup, intervals), peak, intervals)
    x = np.array([features(d, lookup, origin=origin, peak_days=peak) for d in days])
    y = np.array([history[d.date].sum() for d in days])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = sm.GLM(y, x, family=sm.families.Poisson()).fit().params
    params = np.nan_to_num(np.asarray(params, dtype=float))
    return Model(params, origin, _profiles(history, lookup, intervals), peak, intervals)


def forecast(model: Model, dates: list[datetime.date], lookup: DayLookup) -> list[DayForecast]:
    return [model.predict(lookup(d), lookup) for d in dates]


def backtest(
    history: dict[datetime.date, np.ndarray], lookup: DayLookup, *, peak_days=frozenset(), intervals: int
) -> Backtest:
    """Fit without the last 8 weeks, forecast them, and measure the error per interval of the day."""
    if not history:
        return Backtest(0, None, None, [None] * intervals, [None] * intervals)
    cutoff = max(history) - datetime.timedelta(days=BACKTEST_DAYS)
    train = {d: v for d, v in history.items() if d <= cutoff}
    test = sorted(d for d in history if d > cutoff and lookup(d).open)
    if len([d for d in train if lookup(d).open]) < 20 or not test:
        return Backtest(0, None, None, [None] * intervals, [None] * intervals)
    model = fit(train, lookup, peak_days=peak_days, intervals=intervals)
    predicted = np.array([model.predict(lookup(d), lookup).intervals for d in test])
    actual = np.array([history[d] for d in test], dtype=float)
    err = np.abs(predicted - actual)
    with np.errstate(divide="ignore", invalid="ignore"):
        ape = np.where(actual > 0, err / np.where(actual > 0, actual, 1), np.nan)
    mape_cols = [None if np.all(np.isnan(c)) else float(np.nanmean(c)) for c in ape.T]
    return Backtest(
        days=len(test),
        mae=float(err.mean()),
        mape=None if np.all(np.isnan(ape)) else float(np.nanmean(ape)),
        mae_by_interval=[float(v) for v in err.mean(axis=0)],
        mape_by_interval=mape_cols,
    )
