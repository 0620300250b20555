"""Thin readers of the hall's history for the pure models: arrivals per service, day and interval;
service times; patience; the share of priority tickets; booked appointments; the counters and what they
serve. Read-only; one grouped query each, never a row per ticket for the arrivals."""

import datetime
import math
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, ExpressionWrapper, IntegerField, Q
from django.db.models.functions import ExtractHour, ExtractMinute

from servicehall.analytics.forecast import Day
from servicehall.catalog.models import ServiceItem
from servicehall.core import calendar
from servicehall.core.selectors import counter_list, opening_periods
from servicehall.queueing.choices import Channel, TicketStatus
from servicehall.queueing.models import Ticket
from servicehall.queueing.selectors import counter_services

INTERVAL_MINUTES = 30
DEFAULT_DAY = (datetime.time(8, 30), datetime.time(17, 30))
SAMPLE_DAYS = 90
MAX_SAMPLES = 2000


@dataclass(frozen=True)
class Grid:
    """The hall's day in 30-minute intervals, from its earliest opening to its latest closing."""

    start: datetime.time
    intervals: int

    def label(self, k: int) -> str:
        minutes = self.start.hour * 60 + self.start.minute + k * INTERVAL_MINUTES
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def index(self, hour: int, minute: int) -> int:
        k = (hour * 60 + minute - (self.start.hour * 60 + self.start.minute)) // INTERVAL_MINUTES
        return min(max(k, 0), self.intervals - 1)


def grid(hall) -> Grid:
    periods = opening_periods(hall=hall)
    opens = min((o for _wd, o, _c in periods), default=DEFAULT_DAY[0])
    closes = max((c for _wd, _o, c in periods), default=DEFAULT_DAY[1])
    start = opens.hour * 60 + (opens.minute // INTERVAL_MINUTES) * INTERVAL_MINUTES
    end = closes.hour * 60 + closes.minute
    return Grid(datetime.time(start // 60, start % 60), max(1, math.ceil((end - start) / INTERVAL_MINUTES)))


def day_lookup(hall, date_from: datetime.date, date_to: datetime.date):
    """A ``forecast.DayLookup`` over the hall's calendar (one query), national calendar outside it."""
    days = calendar.hall_days(
        hall, date_from - datetime.timedelta(days=1), date_to + datetime.timedelta(days=1)
    )

    def lookup(date: datetime.date) -> Day:
        info = days.get(date) or calendar.national_day(date)
        return Day(date, info.open, info.kind)

    return lookup


def services(hall) -> list[ServiceItem]:
    """The services the hall queues for: active items with a ticket prefix."""
    return list(ServiceItem.objects.filter(hall=hall, active=True).exclude(ticket_prefix="").order_by("code"))


def arrivals(hall, *, since: datetime.date, until: datetime.date, g: Grid) -> dict[int, dict]:
    """service id → {date: arrivals per interval} of walk-ins (appointments come at their slots)."""
    tz = hall.tzinfo
    half = ExpressionWrapper(
        ExtractMinute("issued_at", tzinfo=tz) / INTERVAL_MINUTES, output_field=IntegerField()
    )
    rows = (
        Ticket.objects.filter(hall=hall, day__gte=since, day__lte=until)
        .exclude(channel=Channel.APPOINTMENT)
        .values("service_id", "day")
        .annotate(hour=ExtractHour("issued_at", tzinfo=tz), half=half, n=Count("id"))
        .values_list("service_id", "day", "hour", "half", "n")
    )
    out: dict[int, dict] = {}
    for sid, day, hour, part, n in rows:
        per_day = out.setdefault(sid, {})
        counts = per_day.setdefault(day, np.zeros(g.intervals))
        counts[g.index(hour, part * INTERVAL_MINUTES)] += n
    return out


def service_time_samples(hall, *, until: datetime.date) -> dict[int, list[float]]:
    """The latest service times per service (completed tickets of the last 90 days)."""
    rows = (
        Ticket.objects.filter(
            hall=hall,
            status=TicketStatus.COMPLETED,
            service_seconds__gt=0,
            day__gte=until - datetime.timedelta(days=SAMPLE_DAYS),
            day__lte=until,
        )
        .order_by("-completed_at")
        .values_list("service_id", "service_seconds")[: MAX_SAMPLES * 30]
    )
    out: dict[int, list[float]] = {}
    for sid, seconds in rows:
        if len(out.setdefault(sid, [])) < MAX_SAMPLES:
            out[sid].append(float(seconds))
    return out


def patience_and_priority(hall, *, until: datetime.date) -> dict[int, tuple[float | None, float]]:
    """service id → (mean patience in seconds or None, share of priority walk-ins). Patience is the
    maximum-likelihood mean of an exponential with censoring: the time everyone spent waiting (those
    called were still patient) divided by the number who left before being called."""
    base = Ticket.objects.filter(
        hall=hall, day__gte=until - datetime.timedelta(days=SAMPLE_DAYS), day__lte=until
    ).exclude(channel=Channel.APPOINTMENT)
    counts = base.values("service_id").annotate(
        n=Count("id"),
        prio=Count("id", filter=Q(is_priority=True)),
        left=Count("id", filter=Q(status=TicketStatus.CANCELLED, first_called_at__isnull=True)),
    )
    out = {}
    for row in counts:
        sid = row["service_id"]
        exposure = 0.0
        if row["left"]:
            for queued, called, cancelled, wait in base.filter(service_id=sid).values_list(
                "queued_at", "first_called_at", "cancelled_at", "wait_seconds"
            )[:20000]:
                end = called or cancelled
                exposure += wait if wait is not None else ((end - queued).total_seconds() if end else 0.0)
        patience = exposure / row["left"] if row["left"] and exposure > 0 else None
        out[sid] = (patience, row["prio"] / row["n"] if row["n"] else 0.0)
    return out


def appointments(hall, *, date: datetime.date, g: Grid) -> dict[int, list[float]]:
    """Booked seats per service on ``date`` as arrival times in seconds from the grid's start."""
    from servicehall.appointments.models import Slot

    tz = hall.tzinfo
    origin = datetime.datetime.combine(date, g.start, tzinfo=tz)
    out: dict[int, list[float]] = {}
    for sid, start, taken in Slot.objects.filter(hall=hall, day=date, taken__gt=0, closed=False).values_list(
        "service_id", "start", "taken"
    ):
        seconds = max(0.0, (start.astimezone(tz) - origin).total_seconds())
        out.setdefault(sid, []).extend([seconds] * taken)
    return out


def counters(hall) -> list[tuple[int, str, dict[int, tuple[int, float]]]]:
    """(counter id, number, service id → (tier, weight)) of the hall's active counters."""
    return [(c.pk, c.number, counter_services(counter=c)) for c in counter_list(hall=hall)]
