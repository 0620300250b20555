"""The staff rota plans against the arrival forecast (issue 17 reads issue 18): within the forecast's
14 days the expected tickets per half-day are the forecast's, beyond it and for past days the rota's own
four-week history. Sixteen weeks of history with busier Mondays: the forecast sees the Monday peak."""

import datetime

import pytest

from servicehall.analytics import selectors
from servicehall.staff import need

pytestmark = pytest.mark.django_db


def test_the_rota_reads_the_forecast_within_its_horizon(history, hall_a, items_a, clock):
    assert need.load_provider() is selectors.forecast_load  # registered by the analytics app
    today = clock.now.date()
    monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)
    load = selectors.forecast_load(hall=hall_a, day=monday)
    rows = selectors.forecast_rows(hall=hall_a, today=today)
    ahead = (monday - today).days
    for entry in rows["services"]:
        sid = entry["service"].pk
        expected = entry["days"][ahead]["total"]
        got = load.get(("am", sid), 0) + load.get(("pm", sid), 0)
        assert got == pytest.approx(expected, rel=1e-6)
    sb = items_a["SB-001"].pk
    thursday = today + datetime.timedelta(days=(3 - today.weekday()) % 7 or 7)
    later = selectors.forecast_load(hall=hall_a, day=thursday)
    monday_sb = load[("am", sb)] + load[("pm", sb)]
    assert monday_sb > 1.3 * (later[("am", sb)] + later[("pm", sb)])  # the Monday peak (1.5× in the history)
    assert need.clerks_needed(hall=hall_a, day=monday)[("am", sb)] >= 1


def test_past_days_and_beyond_the_horizon_use_the_four_week_history(history, hall_a, clock):
    today = clock.now.date()
    for day in (today - datetime.timedelta(days=7), today + datetime.timedelta(days=20)):
        assert selectors.forecast_load(hall=hall_a, day=day) == need.history_load(hall=hall_a, day=day)
