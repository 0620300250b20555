"""Half a year of walk-in history for the demo hall's forecast and staffing pages (the demo's own 30
simulated days are too short for a weekly profile and a backtest). Demo only: tests build their own.

Each service gets a daily volume, a weekly profile (Mondays busiest, Fridays quiet), a morning peak and a
smaller afternoon one, more visitors the day before a holiday and on the last days of a month; service
times from a lognormal around the item's usual length. Written with ``bulk_create`` (tens of thousands of
closed tickets; the queue's services would replay every call)."""

import datetime
import math
import random

from servicehall.core import calendar
from servicehall.core.models import Hall

WEEKDAY = {0: 1.35, 1: 1.1, 2: 1.0, 3: 0.95, 4: 0.8, 5: 0.6, 6: 0.6}
# half-hour shares from 08:30: a morning peak around 9:30-10:30, lunch closed, an afternoon peak at 14:30
SHAPE = [4, 8, 10, 10, 9, 7, 5, 0, 0, 0, 3, 7, 8, 7, 6, 4, 2, 0]
MARKER = "demo-history"


def _volume(code: str, index: int) -> float:
    busy = {"GG-003": 48, "GG-001": 30, "XK-001": 26, "GG-002": 22, "QR-001": 18, "XK-002": 16}
    for suffix, n in busy.items():
        if code.endswith(suffix):
            return n * (1.0 if index % 3 else 0.7)
    return 6 + (index * 7) % 11


def demo_history(hall: Hall, *, end: datetime.date, days: int = 182, seed: int = 18) -> int:
    from servicehall.catalog.models import ServiceItem
    from servicehall.queueing.models import Ticket

    rng = random.Random(seed)
    items = list(
        ServiceItem.objects.filter(hall=hall, active=True).exclude(ticket_prefix="").order_by("code")
    )
    tz = hall.tzinfo
    start = end - datetime.timedelta(days=days)
    infos = calendar.hall_days(hall, start - datetime.timedelta(days=1), end + datetime.timedelta(days=1))
    seqs: dict[tuple, int] = {}
    rows = []
    total_shape = sum(SHAPE)
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        info = infos[day]
        if not info.open:
            continue
        factor = WEEKDAY[day.weekday()] if info.kind != "makeup" else 1.0
        if infos[day + datetime.timedelta(days=1)].kind == "holiday":
            factor *= 1.4
        last = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
        if day.day > last.day - 3:
            factor *= 1.25
        for index, item in enumerate(items):
            mean_service = (item.standard_minutes or 8) * 60
            for k, share in enumerate(SHAPE):
                lam = _volume(item.code, index) * factor * share / total_shape
                n = _poisson(rng, lam)
                for _ in range(n):
                    minute = 8 * 60 + 30 + 30 * k + rng.random() * 30
                    issued = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz) + datetime.timedelta(
                        minutes=minute
                    )
                    key = (day, item.ticket_prefix)
                    seqs[key] = seqs.get(key, 0) + 1
                    rows.append(_ticket(Ticket, hall, item, day, issued, seqs[key], mean_service, rng))
    Ticket.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def demo_history_if_missing(hall: Hall) -> int:
    """Half a year before the quality simulation's 30 days, once (a hall already holding tickets that
    old has its history)."""
    from servicehall.queueing.models import Ticket

    end = datetime.date.today() - datetime.timedelta(days=31)
    if Ticket.objects.filter(hall=hall, day__lt=end - datetime.timedelta(days=7)).exists():
        return 0
    return demo_history(hall, end=end)


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _ticket(Ticket, hall, item, day, issued, seq, mean_service, rng):
    from servicehall.queueing.choices import Channel, TicketStatus

    wait = int(rng.expovariate(1 / 420))
    service = max(60, int(rng.lognormvariate(math.log(mean_service) - 0.18, 0.6)))
    called = issued + datetime.timedelta(seconds=wait)
    left = wait > 1500 and rng.random() < 0.5
    return Ticket(
        hall=hall,
        service=item,
        day=day,
        prefix=item.ticket_prefix,
        seq=seq,
        number=f"{item.ticket_prefix}{seq:03d}",
        channel=Channel.KIOSK if rng.random() < 0.8 else Channel.WEB,
        priority="normal",
        is_priority=rng.random() < 0.08,
        status=TicketStatus.CANCELLED if left else TicketStatus.COMPLETED,
        cancel_reason=MARKER if left else "",
        issued_at=issued,
        queued_at=issued,
        waiting_since=issued,
        first_called_at=None if left else called,
        called_at=None if left else called,
        started_at=None if left else called,
        completed_at=None if left else called + datetime.timedelta(seconds=service),
        cancelled_at=called if left else None,
        wait_seconds=None if left else wait,
        service_seconds=None if left else service,
    )
