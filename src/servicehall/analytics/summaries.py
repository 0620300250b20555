"""Summary tables of the hall history, so a year of a busy hall reads in well under two seconds: per
closed day, hour and service (``HourSummary``) and per closed day, service, window and clerk with the
histogram of whole waiting minutes (``DaySummary``). ``hall_history`` reads them for the days up to
``SummaryState.built_through`` and the raw tickets for later days (today, or days the worker has not
reached yet), so a figure is the same whichever way it was read.

The worker's ``analytics.summaries`` job builds each closed day once it is over and again the next day
(the close-of-day sweep may still end a day's last tickets after midnight); the first run back-fills the
hall's whole history in chunks of a month. A chunk is one transaction (its old rows deleted, the new ones
written) under the hall's locked ``SummaryState`` row, so two workers take turns and a reader sees a
chunk either before or after, never half. The tables are derived data, rebuilt from the tickets at any
time (``servicehall history-summaries --rebuild``); they are not audited, the tickets are.
"""

import datetime

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from servicehall.analytics.models import DaySummary, HourSummary, SummaryState
from servicehall.queueing.choices import Channel, TicketStatus
from servicehall.queueing.models import Ticket

CHUNK_DAYS = 31
RECHECK_DAYS = 2  # the last closed days are built again on the next run
MAX_MINUTE = 24 * 60  # a longer wait is counted in this minute (bounds the histogram)
ONE_DAY = datetime.timedelta(days=1)


def built_through(hall) -> datetime.date | None:
    """The last day the summaries cover (None: none yet, read everything raw)."""
    return SummaryState.objects.filter(hall=hall).values_list("built_through", flat=True).first()


def _tickets(hall, since: datetime.date, until: datetime.date):
    return Ticket.objects.filter(hall=hall, day__gte=since, day__lte=until)


def _hour_rows(hall, since, until) -> list[HourSummary]:
    rows = (
        _tickets(hall, since, until)
        .annotate(hour=ExtractHour("issued_at", tzinfo=hall.tzinfo))
        .values("day", "hour", "service_id")
        .annotate(n=Count("id"), waited=Count("wait_seconds"), wait=Sum("wait_seconds"))
        .values_list("day", "hour", "service_id", "n", "waited", "wait")
    )
    return [
        HourSummary(
            hall=hall,
            day=day,
            hour=hour,
            service_id=service,
            arrivals=n,
            waited=waited,
            wait_seconds=wait or 0,
        )
        for day, hour, service, n, waited, wait in rows
    ]


def _day_rows(hall, since, until) -> list[DaySummary]:
    """One grouped scan by (day, service, window, clerk, whole waiting minute), folded into one row per
    (day, service, window, clerk) with its histogram; a second by channel adds the channel counts and
    the walks to the window."""
    found: dict[tuple, DaySummary] = {}
    for r in (
        _tickets(hall, since, until)
        .annotate(m=F("wait_seconds") / 60)
        .values("day", "service_id", "counter_id", "clerk_id", "m")
        .annotate(
            n=Count("id"),
            served=Count("id", filter=Q(status=TicketStatus.COMPLETED)),
            no_shows=Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
            abandoned=Count("id", filter=Q(status=TicketStatus.CANCELLED, first_called_at__isnull=True)),
            transfers=Sum("transfer_count"),
            appointments=Count("id", filter=Q(channel=Channel.APPOINTMENT)),
            waited=Count("wait_seconds"),
            wait=Sum("wait_seconds"),
            timed=Count("service_seconds"),
            service=Sum("service_seconds"),
        )
    ):
        key = (r["day"], r["service_id"], r["counter_id"], r["clerk_id"])
        row = found.get(key)
        if row is None:
            row = found[key] = DaySummary(
                hall=hall,
                day=key[0],
                service_id=key[1],
                counter_id=key[2],
                clerk_id=key[3],
                histogram={},
                channels={},
            )
        row.arrivals += r["n"]
        row.served += r["served"]
        row.no_shows += r["no_shows"]
        row.abandoned += r["abandoned"]
        row.transfers += r["transfers"] or 0
        row.appointments += r["appointments"]
        row.waited += r["waited"]
        row.wait_seconds += r["wait"] or 0
        row.timed += r["timed"]
        row.service_seconds += r["service"] or 0
        if r["m"] is not None:
            minute = str(min(int(r["m"]), MAX_MINUTE))
            row.histogram[minute] = row.histogram.get(minute, 0) + r["waited"]
    for r in (
        _tickets(hall, since, until)
        .values("day", "service_id", "counter_id", "clerk_id", "channel")
        .annotate(n=Count("id"), walked=Count("walk_seconds"), walk=Sum("walk_seconds"))
    ):
        row = found[(r["day"], r["service_id"], r["counter_id"], r["clerk_id"])]
        row.channels[r["channel"]] = r["n"]
        row.walked += r["walked"]
        row.walk_seconds += r["walk"] or 0
    return list(found.values())


def build(hall, since: datetime.date, until: datetime.date) -> int:
    """(Re)build the summaries of the days ``since``..``until`` (closed days: the caller's promise), a
    month per transaction; ``built_through`` moves on with each chunk. Returns the rows written."""
    written, start = 0, since
    while start <= until:
        end = min(until, start + datetime.timedelta(days=CHUNK_DAYS - 1))
        with transaction.atomic():
            state, _created = SummaryState.objects.select_for_update().get_or_create(hall=hall)
            HourSummary.objects.filter(hall=hall, day__gte=start, day__lte=end).delete()
            DaySummary.objects.filter(hall=hall, day__gte=start, day__lte=end).delete()
            hours = HourSummary.objects.bulk_create(_hour_rows(hall, start, end), batch_size=2000)
            days = DaySummary.objects.bulk_create(_day_rows(hall, start, end), batch_size=2000)
            written += len(hours) + len(days)
            if state.built_through is None or state.built_through < end:
                state.built_through = end
            state.built_at = timezone.now()
            state.save(update_fields=["built_through", "built_at"])
        start = end + ONE_DAY
    return written


def refresh(hall, *, now: datetime.datetime | None = None) -> dict:
    """Bring the hall's summaries up to yesterday (hall time): the days not built yet, and the last
    ``RECHECK_DAYS`` closed days again. A hall without tickets has nothing to build."""
    now = now or timezone.now()
    yesterday = timezone.localdate(now, hall.tzinfo) - ONE_DAY
    first = Ticket.objects.filter(hall=hall).order_by("day").values_list("day", flat=True).first()
    if first is None or first > yesterday:
        return {"days": 0, "rows": 0}
    done = built_through(hall)
    if done is not None and done > yesterday:  # the clock went back (a restored backup, a test)
        _forget_after(hall, yesterday)
        done = yesterday
    since = first if done is None else max(first, done - datetime.timedelta(days=RECHECK_DAYS - 1))
    rows = build(hall, since, yesterday)
    return {"days": (yesterday - since).days + 1, "rows": rows}


def _forget_after(hall, day: datetime.date) -> None:
    with transaction.atomic():
        state = SummaryState.objects.select_for_update().get(hall=hall)
        HourSummary.objects.filter(hall=hall, day__gt=day).delete()
        DaySummary.objects.filter(hall=hall, day__gt=day).delete()
        state.built_through = day
        state.save(update_fields=["built_through"])


def rebuild(hall, *, now: datetime.datetime | None = None) -> dict:
    """Forget the hall's summaries and build them again from the tickets (after a data correction)."""
    with transaction.atomic():
        SummaryState.objects.filter(hall=hall).delete()
        HourSummary.objects.filter(hall=hall).delete()
        DaySummary.objects.filter(hall=hall).delete()
    return refresh(hall, now=now)
