"""The hall's history for a period, as a manager reads it: arrivals and waits by hour × weekday, the
trend by day, and a table by service, window or clerk (arrivals, served, mean and 90th-percentile wait,
mean service and walking time, no-shows, abandonment, transfers, appointments against walk-ins, the
channel mix).

Every figure comes from grouped queries (``GROUP BY`` in the database, one row per cell or group, never
one per ticket): the 90th percentile from a histogram of whole waiting minutes per group, which is exact
to the minute and needs no percentile function (SQLite has none). Closed days the worker has summarised
(``analytics.summaries``) are read from the summary tables, later days (today) from the raw tickets; both
give the same numbers. Reads only.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from servicehall.analytics import summaries
from servicehall.analytics.models import DaySummary, HourSummary
from servicehall.queueing.choices import Channel
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
    waited: int = 0  # tickets with a measured wait, and the sum of those waits
    wait_seconds: int = 0
    timed: int = 0
    service_seconds: int = 0
    walked: int = 0
    walk_seconds: int = 0
    histogram: dict = field(default_factory=dict)  # whole waiting minutes → tickets
    channels: dict = field(default_factory=dict)  # channel → tickets

    @property
    def mean_wait(self) -> float | None:
        return self.wait_seconds / self.waited / 60 if self.waited else None

    @property
    def mean_service(self) -> float | None:
        return self.service_seconds / self.timed / 60 if self.timed else None

    @property
    def mean_walk(self) -> float | None:
        return self.walk_seconds / self.walked / 60 if self.walked else None

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

    def channel_pct(self, channel: str) -> float | None:
        return round(100 * self.channels.get(channel, 0) / self.arrivals, 1) if self.arrivals else None

    @property
    def channel_mix(self) -> list[tuple[str, float]]:
        """(channel label, share %) of the channels used, the most used first."""
        shares = [(Channel(c).label, self.channel_pct(c)) for c in Channel.values if self.channels.get(c)]
        return sorted(shares, key=lambda cs: -cs[1])


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


def _summarised(model, hall, since, until, service_id):
    qs = model.objects.filter(hall=hall, day__gte=since, day__lte=until)
    return qs.filter(service_id=service_id) if service_id else qs


def _split(hall, since: datetime.date, until: datetime.date):
    """(summarised days, raw days) of the period, each a (since, until) pair or None: the summaries
    reach ``built_through`` and never today (a day still going on is read raw)."""
    built = summaries.built_through(hall)
    if built is not None:
        built = min(built, timezone.localdate(timezone.now(), hall.tzinfo) - summaries.ONE_DAY)
    if built is None or built < since:
        return None, (since, until)
    if built >= until:
        return (since, until), None
    return (since, built), (built + summaries.ONE_DAY, until)


def by_hour(hall, *, since, until, service_id=None) -> dict:
    """The hour × weekday grid and the trend by day from one grouped scan (day, hour): ``cells`` maps
    (iso weekday 1-7, hour) to (arrivals, mean wait in minutes or None), ``hours`` the hours seen (a
    continuous range), ``days`` lists (day, arrivals, mean wait in minutes or None)."""
    done, raw = _split(hall, since, until)
    rows = []
    if done:
        rows += (
            _summarised(HourSummary, hall, *done, service_id)
            .values("day", "hour")
            .annotate(n=Sum("arrivals"), w=Sum("waited"), wait=Sum("wait_seconds"))
            .values_list("day", "hour", "n", "w", "wait")
        )
    if raw:
        rows += (
            _tickets(hall, *raw, service_id)
            .annotate(hour=ExtractHour("issued_at", tzinfo=hall.tzinfo))
            .values("day", "hour")
            .annotate(n=Count("id"), waited=Count("wait_seconds"), wait=Sum("wait_seconds"))
            .values_list("day", "hour", "n", "waited", "wait")
        )
    cells: dict[tuple[int, int], list[int]] = {}
    days: dict[datetime.date, list[int]] = {}
    for day, hour, n, waited, wait in rows:
        for bucket in (
            cells.setdefault((day.isoweekday(), hour), [0, 0, 0]),
            days.setdefault(day, [0, 0, 0]),
        ):
            bucket[0] += n
            bucket[1] += waited
            bucket[2] += wait or 0

    def mean(b) -> float | None:
        return b[2] / b[1] / 60 if b[1] else None

    hours = sorted({h for _wd, h in cells}) or list(range(9, 17))
    return {
        "cells": {k: (b[0], mean(b)) for k, b in cells.items()},
        "hours": list(range(hours[0], hours[-1] + 1)),
        "days": [(d, b[0], mean(b)) for d, b in sorted(days.items())],
    }


def breakdown(hall, *, since, until, by: str, service_id=None) -> list[Row]:
    """One row per service, window or clerk (``by``), busiest first: one grouped scan by (group, whole
    waiting minute) gives the sums and the histogram of waits together."""
    key = {"service": "service_id", "counter": "counter_id", "clerk": "clerk_id"}[by]
    done, raw = _split(hall, since, until)
    sums: dict = {}
    if done:
        _add_summaries(_summarised(DaySummary, hall, *done, service_id), key, by, sums)
    if raw:
        _add_raw(_tickets(hall, *raw, service_id), key, by, sums)
    _label(hall, by, sums)
    return sorted(sums.values(), key=lambda r: (-r.arrivals, r.label))


COLUMNS = (*(attr for attr, _name in summaries.SUMS), "walked", "walk_seconds")


def _add_summaries(qs, key: str, by: str, sums: dict) -> None:
    """Fold the summary rows (one per day, service, window and clerk) into the groups."""
    if by != "service":
        qs = qs.filter(**{f"{key}__isnull": False})
    for row in qs.values(key).annotate(**{f: Sum(f) for f in COLUMNS}):
        group = row[key]
        found = sums.get(group) or sums.setdefault(group, Row(key=group, label=""))
        for name in COLUMNS:
            setattr(found, name, getattr(found, name) + row[name])
    merged: dict = {}  # group → {"minute": tickets}; the keys stay text until the end (fewer int() calls)
    for group, histogram, channels in qs.values_list(key, "histogram", "channels").iterator(chunk_size=5000):
        h = merged.get(group)
        if h is None:
            merged[group] = dict(histogram)
        else:
            for minute, n in histogram.items():
                h[minute] = h.get(minute, 0) + n
        mix = sums[group].channels
        for channel, n in channels.items():
            mix[channel] = mix.get(channel, 0) + n
    for group, h in merged.items():
        target = sums[group].histogram
        for minute, n in h.items():
            target[int(minute)] = target.get(int(minute), 0) + n


def _add_raw(base, key: str, by: str, sums: dict) -> None:
    """Fold the raw tickets into the groups: one grouped scan by (group, whole waiting minute) gives the
    sums and the histogram of waits together; one by (group, channel) the channel mix and the walks."""
    if by != "service":
        base = base.filter(**{f"{key}__isnull": False})
    for r in base.annotate(m=F("wait_seconds") / 60).values(key, "m").annotate(**summaries.ticket_sums()):
        summaries.add_sums(sums.get(r[key]) or sums.setdefault(r[key], Row(key=r[key], label="")), r)
    for r in base.values(key, "channel").annotate(**summaries.channel_sums()):
        # a ticket issued between the two reads (today, raw) may open a group only this one sees
        summaries.add_channel(sums.get(r[key]) or sums.setdefault(r[key], Row(key=r[key], label="")), r)


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
