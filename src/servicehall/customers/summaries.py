"""Daily summaries of the segment statistics (``SegmentDay``): a year of a big hall is 5,000,000 tickets,
and the sums per age band, area, kind, item and channel took most of the statistics' time (sorting every
ticket by person for the repeat flag, then joining people and ratings). Each closed day is summed once
by the worker, with the same SQL the page reads raw (``statistics.key_sums``), so a figure is the same
read either way; the page sums the built days and reads only the rest from the tickets.

What can still change a built day, and how it is kept right:

- ratings arrive for ``rating_window_days`` after a service: those last days are built again on each run;
- a rating excluded after an appeal, a person's corrected ID number (birth year, home area), a new
  organisation agent, a merge, a ticket linked later: the service that does it marks the days of the
  person's tickets stale (``mark_people`` / ``mark_days``); a stale day and every day after it are read
  raw until the next run builds them again;
- a new repeat window in the settings: nothing built counts with it, so everything is built again.

Distinct people cannot be summed over days; ``statistics`` counts them from the tickets (an index read).
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from servicehall.customers.models import SegmentDay, SegmentStale, SegmentState

CHUNK_DAYS = 31
ONE_DAY = datetime.timedelta(days=1)
FIGURES = ("visits", "no_show", "waits", "wait_total", "rated", "good", "repeat")
KEYS = ("band", "area", "kind", "service_id", "channel")


def _rating_days(hall) -> int:
    from servicehall.quality.selectors import settings_get

    return settings_get(hall=hall).rating_window_days


def _window_days(hall) -> int:
    from servicehall.customers.selectors import settings_get

    return settings_get(hall=hall).repeat_window_days


def readable_through(hall, date_from: datetime.date, date_to: datetime.date, window_days: int):
    """The last day of ``date_from``..``date_to`` the summaries answer for (None: read it all raw): built,
    with this repeat window, and before the first stale day."""
    state = SegmentState.objects.filter(hall=hall).first()
    if state is None or state.built_through is None or state.window_days != window_days:
        return None
    through = min(date_to, state.built_through)
    stale = SegmentStale.objects.filter(hall=hall, day__gte=date_from, day__lte=through).aggregate(
        d=Min("day")
    )
    if stale["d"] is not None:
        through = stale["d"] - ONE_DAY
    return through if through >= date_from else None


def period_sums(hall, date_from: datetime.date, date_to: datetime.date, window_days: int) -> list[tuple]:
    """``(band, area, kind, item, channel, [seven figures])`` of the period: the built days from their
    summaries, the days after them from the tickets."""
    from servicehall.customers.statistics import key_sums

    through = readable_through(hall, date_from, date_to, window_days)
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(FIGURES))
    if through is not None:
        built = (
            SegmentDay.objects.filter(hall=hall, day__gte=date_from, day__lte=through)
            .values(*KEYS)
            .annotate(**{f"s_{f}": Sum(f) for f in FIGURES})
        )
        for row in built:
            figures = acc[tuple(row[k] for k in KEYS)]
            for i, name in enumerate(FIGURES):
                figures[i] += int(row[f"s_{name}"] or 0)
    start = through + ONE_DAY if through is not None else date_from
    if start <= date_to:
        for _day, *key, figures in key_sums(hall, start, date_to, window_days):
            acc_row = acc[tuple(key)]
            for i, value in enumerate(figures):
                acc_row[i] += value
    return [(*key, figures) for key, figures in acc.items()]


def _rows(hall, start: datetime.date, end: datetime.date, window_days: int) -> list[SegmentDay]:
    from servicehall.customers.statistics import key_sums

    return [
        SegmentDay(
            hall=hall, day=day, **dict(zip(KEYS, key, strict=True)), **dict(zip(FIGURES, f, strict=True))
        )
        for day, *key, f in key_sums(hall, start, end, window_days, by_day=True)
    ]


def build(hall, since: datetime.date, until: datetime.date, *, window_days: int, first: datetime.date) -> int:
    """(Re)build the days ``since``..``until`` (closed days: the caller's promise), a month per
    transaction under the hall's locked ``SegmentState``. ``built_through`` moves on only over days that
    join what is built (or start at the hall's ``first`` day), and only with the window the state was
    reset to: a concurrent reset stops this run instead of marking days built without their rows. Stale
    marks older than a chunk's start of work are cleared with it. Returns the rows written."""
    written, start = 0, since
    while start <= until:
        end = min(until, start + datetime.timedelta(days=CHUNK_DAYS - 1))
        with transaction.atomic():
            state, _created = SegmentState.objects.select_for_update().get_or_create(hall=hall)
            began = timezone.now()
            covered = state.built_through
            joins = covered >= start - ONE_DAY if covered is not None else start == first
            if not joins or state.window_days != window_days:
                break
            SegmentDay.objects.filter(hall=hall, day__gte=start, day__lte=end).delete()
            written += len(
                SegmentDay.objects.bulk_create(_rows(hall, start, end, window_days), batch_size=2000)
            )
            SegmentStale.objects.filter(
                hall=hall, day__gte=start, day__lte=end, marked_at__lte=began
            ).delete()
            state.built_through = max(covered, end) if covered is not None else end
            state.built_at = began
            state.save(update_fields=["built_through", "built_at"])
        start = end + ONE_DAY
    return written


def refresh(hall, *, now: datetime.datetime | None = None) -> dict:
    """Bring the hall's summaries up to the last closed day: the days not built yet, the days whose
    ratings may still come, and the stale days (from the first one on). A new repeat window, or the
    clock gone back, resets what no longer holds."""
    from servicehall.queueing.models import Ticket
    from servicehall.queueing.selectors import last_closed_day

    now = now or timezone.now()
    first = Ticket.objects.filter(hall=hall).order_by("day").values_list("day", flat=True).first()
    last = last_closed_day(hall=hall, yesterday=timezone.localdate(now, hall.tzinfo) - ONE_DAY)
    if first is None or first > last:
        return {"days": 0, "rows": 0}
    window = _window_days(hall)
    with transaction.atomic():
        state, _created = SegmentState.objects.select_for_update().get_or_create(hall=hall)
        if state.window_days != window:
            SegmentDay.objects.filter(hall=hall).delete()
            state.built_through, state.window_days = None, window
        elif state.built_through is not None and state.built_through > last:
            SegmentDay.objects.filter(hall=hall, day__gt=last).delete()
            state.built_through = last
        state.save(update_fields=["built_through", "window_days"])
        done = state.built_through
    if done is None:
        since = first
    else:
        stale = SegmentStale.objects.filter(hall=hall, day__lte=done).aggregate(d=Min("day"))["d"]
        since = min(done + ONE_DAY, done - datetime.timedelta(days=_rating_days(hall)), stale or done)
        since = max(first, since)
    rows = build(hall, since, last, window_days=window, first=first)
    return {"days": (last - since).days + 1, "rows": rows}


def rebuild(hall, *, now: datetime.datetime | None = None) -> dict:
    """Forget the hall's summaries and build them again (after a data correction), under the lock the
    worker takes."""
    with transaction.atomic():
        state, _created = SegmentState.objects.select_for_update().get_or_create(hall=hall)
        SegmentDay.objects.filter(hall=hall).delete()
        state.built_through = None
        state.save(update_fields=["built_through"])
    return refresh(hall, now=now)


def _locked_state(hall) -> SegmentState:
    """The hall's state row, locked (created when missing, so a first build that starts now waits for the
    caller's change to commit and reads it)."""
    state, _created = SegmentState.objects.select_for_update().get_or_create(hall=hall)
    return state


@transaction.atomic
def mark_days(hall, days) -> int:
    """Mark built days stale (their tickets changed segment or rating): read raw until built again. Takes
    the state row's lock, as a build does: a mark made while a day is built waits for it and survives it,
    and a build after the mark reads the change it marks."""
    days = set(days)
    if not days:
        return 0
    state = _locked_state(hall)
    if state.built_through is None:
        return 0
    now, marked = timezone.now(), 0
    for day in sorted(d for d in days if d <= state.built_through):
        SegmentStale.objects.update_or_create(hall=hall, day=day, defaults={"marked_at": now})
        marked += 1
    return marked


@transaction.atomic
def mark_people(hall, person_ids, *, since: datetime.date | None = None) -> int:
    """Mark stale every built day (from ``since``) with a ticket of these people: their segment changed
    (birth year, area, agent), their tickets moved in a merge, or a ticket of theirs was linked late
    (which changes the repeat visits after it). A ticket linked today marks nothing: today is not built.
    The state row is locked before the days are read, so a build running meanwhile either finished first
    (its days are marked) or starts after the caller's change."""
    from servicehall.queueing.models import Ticket

    ids = [p for p in person_ids if p]
    if not ids or (since is not None and since >= timezone.localdate(timezone.now(), hall.tzinfo)):
        return 0  # today is never built: no lock for the usual case, a ticket identified at the window
    state = _locked_state(hall)
    if state.built_through is None or (since is not None and since > state.built_through):
        return 0
    tickets = Ticket.objects.filter(hall=hall, customer_id__in=ids, day__lte=state.built_through)
    if since is not None:
        tickets = tickets.filter(day__gte=since)
    return mark_days(hall, tickets.values_list("day", flat=True).distinct())
