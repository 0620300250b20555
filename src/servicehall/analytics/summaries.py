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
from servicehall.queueing.selectors import last_closed_day

CHUNK_DAYS = 31
RECHECK_DAYS = 2  # the last closed days are built again on the next run
MAX_MINUTE = 24 * 60  # a longer wait is counted in this minute (bounds the histogram)
ONE_DAY = datetime.timedelta(days=1)


def built_through(hall) -> datetime.date | None:
    """The last day the summaries cover (None: none yet, read everything raw)."""
    return SummaryState.objects.filter(hall=hall).values_list("built_through", flat=True).first()


def _tickets(hall, since: datetime.date, until: datetime.date):
    return Ticket.objects.filter(hall=hall, day__gte=since, day__lte=until)


def ticket_sums() -> dict:
    """The grouped sums of the history table, the same over raw tickets here and in ``hall_history``."""
    return {
        "n": Count("id"),
        "served": Count("id", filter=Q(status=TicketStatus.COMPLETED)),
        "no_shows": Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
        "abandoned": Count("id", filter=Q(status=TicketStatus.CANCELLED, first_called_at__isnull=True)),
        "transfers": Sum("transfer_count"),
        "appointments": Count("id", filter=Q(channel=Channel.APPOINTMENT)),
        "waited": Count("wait_seconds"),
        "wait": Sum("wait_seconds"),
        "timed": Count("service_seconds"),
        "service": Sum("service_seconds"),
    }


def channel_sums() -> dict:
    """Tickets and walks to the window, grouped by channel (the channel mix)."""
    return {"n": Count("id"), "walked": Count("walk_seconds"), "walk": Sum("walk_seconds")}


# (attribute of a summary or history row, name in ``ticket_sums``): the two cannot share names, since an
# annotation may not be called like a ticket's own field (``wait_seconds``).
SUMS = (
    ("arrivals", "n"),
    ("served", "served"),
    ("no_shows", "no_shows"),
    ("abandoned", "abandoned"),
    ("transfers", "transfers"),
    ("appointments", "appointments"),
    ("waited", "waited"),
    ("wait_seconds", "wait"),
    ("timed", "timed"),
    ("service_seconds", "service"),
)


def add_sums(target, r: dict) -> None:
    """Add one grouped ``ticket_sums`` row to a ``DaySummary`` or a history ``Row``, and its minute to the
    wait histogram (keys as the target keeps them: text in JSON, whole numbers in a ``Row``)."""
    for attr, name in SUMS:
        setattr(target, attr, getattr(target, attr) + (r[name] or 0))
    if r["m"] is not None:
        minute = min(int(r["m"]), MAX_MINUTE)
        minute = str(minute) if isinstance(target, DaySummary) else minute
        target.histogram[minute] = target.histogram.get(minute, 0) + r["waited"]


def add_channel(target, r: dict) -> None:
    """Add one grouped ``channel_sums`` row: the channel's tickets and the walks to the window."""
    target.channels[r["channel"]] = target.channels.get(r["channel"], 0) + r["n"]
    target.walked += r["walked"]
    target.walk_seconds += r["walk"] or 0


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


def _day_row(hall, key: tuple) -> DaySummary:
    day, service, counter, clerk = key
    return DaySummary(
        hall=hall, day=day, service_id=service, counter_id=counter, clerk_id=clerk, histogram={}, channels={}
    )


def _day_rows(hall, since, until) -> list[DaySummary]:
    """One grouped scan by (day, service, window, clerk, whole waiting minute), folded into one row per
    (day, service, window, clerk) with its histogram; a second by channel adds the channel counts and
    the walks to the window."""
    found: dict[tuple, DaySummary] = {}
    for r in (
        _tickets(hall, since, until)
        .annotate(m=F("wait_seconds") / 60)
        .values("day", "service_id", "counter_id", "clerk_id", "m")
        .annotate(**ticket_sums())
    ):
        key = (r["day"], r["service_id"], r["counter_id"], r["clerk_id"])
        add_sums(found.get(key) or found.setdefault(key, _day_row(hall, key)), r)
    for r in (
        _tickets(hall, since, until)
        .values("day", "service_id", "counter_id", "clerk_id", "channel")
        .annotate(**channel_sums())
    ):
        key = (r["day"], r["service_id"], r["counter_id"], r["clerk_id"])
        add_channel(found.get(key) or found.setdefault(key, _day_row(hall, key)), r)
    return list(found.values())


def build(hall, since: datetime.date, until: datetime.date, *, first: datetime.date | None = None) -> int:
    """(Re)build the summaries of the days ``since``..``until`` (closed days: the caller's promise), a
    month per transaction under the hall's locked ``SummaryState`` row. ``built_through`` moves on only
    over days that join what is built (or, from nothing, from the hall's ``first`` day): if another
    process reset the summaries meanwhile (a rebuild), this run stops and the next one starts over, so
    no day is ever marked built without its rows. Returns the rows written."""
    written, start = 0, since
    while start <= until:
        end = min(until, start + datetime.timedelta(days=CHUNK_DAYS - 1))
        with transaction.atomic():
            state, _created = SummaryState.objects.select_for_update().get_or_create(hall=hall)
            covered = state.built_through
            joins = covered >= start - ONE_DAY if covered is not None else start == (first or since)
            if not joins:
                break
            HourSummary.objects.filter(hall=hall, day__gte=start, day__lte=end).delete()
            DaySummary.objects.filter(hall=hall, day__gte=start, day__lte=end).delete()
            hours = HourSummary.objects.bulk_create(_hour_rows(hall, start, end), batch_size=2000)
            days = DaySummary.objects.bulk_create(_day_rows(hall, start, end), batch_size=2000)
            written += len(hours) + len(days)
            state.built_through = max(covered, end) if covered is not None else end
            state.built_at = timezone.now()
            state.save(update_fields=["built_through", "built_at"])
        start = end + ONE_DAY
    return written


def refresh(hall, *, now: datetime.datetime | None = None) -> dict:
    """Bring the hall's summaries up to the last closed day (hall time): the days not built yet, and the
    last ``RECHECK_DAYS`` built days again. A hall without tickets has nothing to build."""
    now = now or timezone.now()
    first = Ticket.objects.filter(hall=hall).order_by("day").values_list("day", flat=True).first()
    last = last_closed_day(hall=hall, yesterday=timezone.localdate(now, hall.tzinfo) - ONE_DAY)
    if first is None or first > last:
        return {"days": 0, "rows": 0}
    with transaction.atomic():
        state, _created = SummaryState.objects.select_for_update().get_or_create(hall=hall)
        done = state.built_through
        if done is not None and done > last:  # the clock went back, or a day reopened: forget after it
            HourSummary.objects.filter(hall=hall, day__gt=last).delete()
            DaySummary.objects.filter(hall=hall, day__gt=last).delete()
            state.built_through = done = last
            state.save(update_fields=["built_through"])
    since = first if done is None else max(first, done - datetime.timedelta(days=RECHECK_DAYS - 1))
    rows = build(hall, since, last, first=first)
    return {"days": (last - since).days + 1, "rows": rows}


def rebuild(hall, *, now: datetime.datetime | None = None) -> dict:
    """Forget the hall's summaries and build them again from the tickets (after a data correction). The
    reset happens under the same lock the worker takes, so a worker's run in between stops instead of
    marking days built whose rows are gone."""
    with transaction.atomic():
        state, _created = SummaryState.objects.select_for_update().get_or_create(hall=hall)
        HourSummary.objects.filter(hall=hall).delete()
        DaySummary.objects.filter(hall=hall).delete()
        state.built_through = None
        state.save(update_fields=["built_through"])
    return refresh(hall, now=now)
