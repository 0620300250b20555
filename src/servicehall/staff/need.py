"""How many clerks each service needs in each half-day: the rota's yardstick.

Without the analytics app the expected tickets are the mean of the same weekday over the last four
weeks (``history_load``). Analytics replaces it with ``load_provider_set(forecast_load)`` in its
``AppConfig.ready`` (the arrival forecast within its 14 days, this history beyond); the provider takes
``(*, hall, day)`` and returns ``{(half, service_id): expected tickets}``. Clerks needed = expected
tickets × standard minutes ÷ the half-day's open minutes, rounded up."""

import datetime
import math
from collections import Counter as Tally

from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Hall
from servicehall.core.selectors import opening_periods
from servicehall.staff.choices import HalfDay

WEEKS = 4
NOON = datetime.time(12, 0)
DEFAULT_PERIODS = {
    HalfDay.AM: (datetime.time(9, 0), NOON),
    HalfDay.PM: (datetime.time(13, 30), datetime.time(17, 0)),
}


def half_of(moment: datetime.time) -> str:
    return HalfDay.AM if moment < NOON else HalfDay.PM


def half_periods(*, hall: Hall, day: datetime.date) -> dict[str, tuple[datetime.time, datetime.time]]:
    """The opening hours of ``day`` split at noon: {half: (opens, closes)}; a hall without hours is
    assumed open 09:00–12:00 and 13:30–17:00."""
    periods = [(o, c) for w, o, c in opening_periods(hall=hall) if w == day.weekday()]
    if not opening_periods(hall=hall):
        return dict(DEFAULT_PERIODS)
    found = {}
    for opens, closes in periods:
        for half, lo, hi in ((HalfDay.AM, datetime.time(0), NOON), (HalfDay.PM, NOON, datetime.time(23, 59))):
            start, end = max(opens, lo), min(closes, hi)
            if start < end:
                was = found.get(half)
                found[half] = (min(was[0], start), max(was[1], end)) if was else (start, end)
    return found


def history_load(*, hall: Hall, day: datetime.date) -> dict[tuple[str, int], float]:
    """Mean tickets per (half, service) on the same weekday of the last four weeks."""
    from servicehall.queueing.models import Ticket

    days = [day - datetime.timedelta(weeks=k) for k in range(1, WEEKS + 1)]
    tally: Tally = Tally()
    tz = hall.tzinfo
    for service_id, issued in Ticket.objects.filter(hall=hall, day__in=days).values_list(
        "service_id", "issued_at"
    ):
        tally[(half_of(issued.astimezone(tz).time()), service_id)] += 1
    return {key: n / WEEKS for key, n in tally.items()}


_provider = [history_load]


def load_provider():
    """The provider in use (``history_load`` or the analytics forecast)."""
    return _provider[0]


def load_provider_set(provider) -> None:
    """Replace the expected load (analytics' forecast); ``None`` restores the four-week history."""
    _provider[0] = provider or history_load


def _work_minutes(hall: Hall, day: datetime.date) -> tuple[dict, dict]:
    """({(half, service_id): minutes of work expected}, {half: open minutes}) from the load provider
    and each item's standard minutes (or the queue's assumed service time when an item has none)."""
    from servicehall.queueing.selectors import settings_get

    load = _provider[0](hall=hall, day=day)
    periods = half_periods(hall=hall, day=day)
    open_minutes = {
        half: max(1, (c.hour * 60 + c.minute) - (o.hour * 60 + o.minute)) for half, (o, c) in periods.items()
    }
    if not load:
        return {}, open_minutes
    default = settings_get(hall=hall).default_service_minutes
    minutes = dict(ServiceItem.objects.filter(hall=hall).values_list("id", "standard_minutes"))
    work = {
        (half, sid): tickets * (minutes.get(sid) or default)
        for (half, sid), tickets in load.items()
        if half in open_minutes and tickets
    }
    return work, open_minutes


def clerks_needed(*, hall: Hall, day: datetime.date) -> dict[tuple[str, int], int]:
    """{(half, service_id): clerks qualified for the service needed}: at least one wherever load is
    expected, more where its work exceeds one clerk's open minutes."""
    work, open_minutes = _work_minutes(hall, day)
    return {(half, sid): max(1, math.ceil(m / open_minutes[half])) for (half, sid), m in work.items()}


def clerks_needed_total(*, hall: Hall, day: datetime.date) -> dict[str, int]:
    """{half: clerks needed at windows in all}: the whole expected work over one clerk's open minutes (a
    clerk qualified for several services covers several)."""
    work, open_minutes = _work_minutes(hall, day)
    total: dict[str, float] = {}
    for (half, _sid), m in work.items():
        total[half] = total.get(half, 0) + m
    return {half: max(1, math.ceil(m / open_minutes[half])) for half, m in total.items()}
