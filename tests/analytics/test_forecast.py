"""The forecast recovers a synthetic history's known weekly profile, intraday shape and holiday effects
(the Chinese calendar of 2026: 中秋 25-27 September, 国庆 1-7 October, 调休 Saturday 10 October)."""

import datetime

import numpy as np
import pytest

from servicehall.analytics import forecast
from servicehall.core.calendar import national_day

INTERVALS = 16
WEEKDAY = {0: 1.6, 1: 1.2, 2: 1.0, 3: 1.0, 4: 0.8}
SHAPE = np.array([1, 2, 4, 5, 5, 4, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1], dtype=float)
SHAPE = SHAPE / SHAPE.sum()
BEFORE_HOLIDAY = 1.5


def lookup(date):
    info = national_day(date)
    return forecast.Day(date, info.open, info.kind)


def expected_total(date):
    day = lookup(date)
    if not day.open:
        return 0.0
    base = 120 * WEEKDAY.get(date.weekday(), 1.0)
    if lookup(date + datetime.timedelta(days=1)).kind == "holiday":
        base *= BEFORE_HOLIDAY
    return base


def synthetic(start, end, seed=5):
    rng = np.random.default_rng(seed)
    out, day = {}, start
    while day <= end:
        if lookup(day).open:
            out[day] = rng.poisson(expected_total(day) * SHAPE)
        day += datetime.timedelta(days=1)
    return out


@pytest.fixture(scope="module")
def history():
    return synthetic(datetime.date(2025, 9, 1), datetime.date(2026, 9, 18))


def test_it_recovers_the_weekly_profile_the_holiday_and_the_intraday_shape(history):
    model = forecast.fit(history, lookup, intervals=INTERVALS)
    dates = [datetime.date(2026, 9, 21) + datetime.timedelta(days=i) for i in range(14)]
    days = {f.date: f for f in forecast.forecast(model, dates, lookup)}
    for date, f in days.items():
        assert f.total == pytest.approx(expected_total(date), rel=0.12, abs=0.5), date
    assert days[datetime.date(2026, 10, 1)].total == 0  # 国庆
    assert days[datetime.date(2026, 9, 30)].total > 1.3 * 120 * WEEKDAY[2]  # the day before
    monday = days[datetime.date(2026, 9, 21)]
    assert np.array(monday.intervals) / monday.total == pytest.approx(SHAPE, abs=0.02)


def test_a_makeup_saturday_is_forecast_as_a_working_day(history):
    model = forecast.fit(history, lookup, intervals=INTERVALS)
    (saturday,) = forecast.forecast(model, [datetime.date(2026, 10, 10)], lookup)
    assert saturday.open and saturday.total > 60


def test_the_backtest_error_is_the_noise_of_the_history(history):
    bt = forecast.backtest(history, lookup, intervals=INTERVALS)
    assert bt.days >= 35
    # Poisson noise of ~8 arrivals per interval: mean absolute error about √8·0.8 ≈ 2.3
    assert 1 < bt.mae < 4
    assert 0.1 < bt.mape < 0.6
    assert len(bt.mae_by_interval) == INTERVALS and all(v is not None for v in bt.mape_by_interval)


def test_peak_days_declared_by_the_hall_are_learnt():
    rng = np.random.default_rng(1)
    hist = {}
    day = datetime.date(2026, 1, 5)
    while day <= datetime.date(2026, 8, 31):
        if lookup(day).open:
            hist[day] = rng.poisson(100 * (2 if day.day == 15 else 1) * SHAPE)
        day += datetime.timedelta(days=1)
    model = forecast.fit(hist, lookup, peak_days={15}, intervals=INTERVALS)
    sep15, sep16 = forecast.forecast(model, [datetime.date(2026, 9, 15), datetime.date(2026, 9, 16)], lookup)
    assert sep15.total == pytest.approx(2 * sep16.total, rel=0.15)


def test_a_short_history_gives_its_mean_and_no_backtest():
    hist = synthetic(datetime.date(2026, 9, 7), datetime.date(2026, 9, 10))
    model = forecast.fit(hist, lookup, intervals=INTERVALS)
    assert forecast.backtest(hist, lookup, intervals=INTERVALS).mae is None
    (f,) = forecast.forecast(model, [datetime.date(2026, 9, 14)], lookup)
    assert f.total == pytest.approx(np.mean([v.sum() for v in hist.values()]))
