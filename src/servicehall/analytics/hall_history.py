"""The hall's history for a period, as a manager reads it: arrivals and waits by hour × weekday, the
trend by day, and a table by service, window or clerk (arrivals, served, mean and 90th-percentile wait,
mean service time, no-shows, abandonment, transfers, appointments against walk-ins).

Every figure comes from grouped queries (``GROUP BY`` in the database, one row per cell or group, never
one per ticket): the 90th percentile from a histogram of whole waiting minutes per group, which is exact
to the minute and needs no percentile function (SQLite has none). Reads only.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from servicehall.queueing.choices import Channel, TicketStatus
from servicehall.queueing.models import Ticket

GROUPS = ("service", "counter", "clerk")
MAX_DAYS = 366


@dataclass
class Row:
    key: object
    label: str
    arrivals: int = 0
    served: int = 0
    no_shows: int = 0
    abandoned: int = 0
    transfers: int = 0
    appointments: int = 0
    mean_wait: float | None = None
    mean_service: float | None = None
    histogram: dict = field(default_factory=dict)  # whole waiting minutes → tickets

    @property
    def p90_wait(self) -> float | None:
        return percentile(self.histogram, 0.9)

    @property
    def no_show_pct(self) -> float | None:
        return round(100 * self.no_shows / self.arrivals, 1) if self.arrivals else None

    @property
    def abandoned_pct(self) -> float | None:
        return round(100 * self.abandoned / self.arrivals, 1) if self.arrivals else None

    @property
    def appointment_pct(self) -> float | None:
        return round(100 * self.appointments / self.arrivals, 1) if self.arrivals else None


def percentile(histogram: dict[int, int], q: float) -> float | None:
    """The ``q`` quantile (in minutes) of a histogram of whole minutes: the first minute at which the
    running count reaches ``q`` of the total."""
    total = sum(histogram.values())
    if not total:
        return None
    need, seen = math.ceil(q * total), 0
    for minute in sorted(histogram):
        seen += histogram[minute]
        if seen >= need:
            return float(minute)
    return float(max(histogram))


def _tickets(hall, since: datetime.date, until: datetime.date, service_id: int | None):
    qs = Ticket.objects.filter(hall=hall, day__gte=since, day__lte=until)
    return qs.filter(service_id=service_id) if service_id else qs


def heatmap(hall, *, since, until, service_id=None) -> dict:
    """{(iso weekday 1-7, hour): (arrivals, mean wait in minutes or None)} and the hours seen."""
    tz = hall.tzinfo
    rows = (
        _tickets(hall, since, until, service_id)
        .annotate(wd=ExtractIsoWeekDay("day"), hour=ExtractHour("issued_at", tzinfo=tz))
        .values("wd", "hour")
        .annotate(n=Count("id"), wait=Avg("wait_seconds"))
        .values_list("wd", "hour", "n", "wait")
    )
    cells = {(wd, hour): (n, None if wait is None else wait / 60) for wd, hour, n, wait in rows}
    hours = sorted({h for _wd, h in cells}) or list(range(9, 17))
    return {"cells": cells, "hours": list(range(hours[0], hours[-1] + 1))}


def by_day(hall, *, since, until, service_id=None) -> list[tuple[datetime.date, int, float | None]]:
    """(day, arrivals, mean wait in minutes) for each day with tickets."""
    rows = (
        _tickets(hall, since, until, service_id)
        .values("day")
        .annotate(n=Count("id"), wait=Avg("wait_seconds"))
        .order_by("day")
        .values_list("day", "n", "wait")
    )
    return [(day, n, None if wait is None else wait / 60) for day, n, wait in rows]


def breakdown(hall, *, since, until, by: str, service_id=None) -> list[Row]:
    """One row per service, window or clerk (``by``), busiest first."""
    key = {"service": "service_id", "counter": "counter_id", "clerk": "clerk_id"}[by]
    base = _tickets(hall, since, until, service_id)
    if by != "service":
        base = base.filter(**{f"{key}__isnull": False})
    rows = {}
    for r in base.values(key).annotate(
        n=Count("id"),
        served=Count("id", filter=Q(status=TicketStatus.COMPLETED)),
        no_shows=Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
        abandoned=Count("id", filter=Q(status=TicketStatus.CANCELLED, first_called_at__isnull=True)),
        transfers=Sum("transfer_count"),
        appointments=Count("id", filter=Q(channel=Channel.APPOINTMENT)),
        wait=Avg("wait_seconds"),
        service=Avg("service_seconds"),
    ):
        rows[r[key]] = Row(
            key=r[key],
            label="",
            arrivals=r["n"],
            served=r["served"],
            no_shows=r["no_shows"],
            abandoned=r["abandoned"],
            transfers=r["transfers"] or 0,
            appointments=r["appointments"],
            mean_wait=None if r["wait"] is None else r["wait"] / 60,
            mean_service=None if r["service"] is None else r["service"] / 60,
        )
    minute = F("wait_seconds") / 60
    for group, m, n in (
        base.filter(wait_seconds__isnull=False)
        .annotate(m=minute)
        .values(key, "m")
        .annotate(n=Count("id"))
        .values_list(key, "m", "n")
    ):
        if group in rows:
            rows[group].histogram[int(m)] = rows[group].histogram.get(int(m), 0) + n
    _label(hall, by, rows)
    return sorted(rows.values(), key=lambda r: (-r.arrivals, r.label))


def _label(hall, by: str, rows: dict) -> None:
    from django.contrib.auth import get_user_model

    from servicehall.catalog.models import ServiceItem
    from servicehall.core.models import Counter

    if by == "service":
        names = {i.pk: i.name_local for i in ServiceItem.objects.filter(pk__in=rows)}
    elif by == "counter":
        names = {c.pk: f"{c.number} {c.name_local}" for c in Counter.objects.filter(hall=hall, pk__in=rows)}
    else:
        names = {
            u.pk: u.display_name or u.get_username() for u in get_user_model().objects.filter(pk__in=rows)
        }
    for pk, row in rows.items():
        row.label = names.get(pk, str(pk))
