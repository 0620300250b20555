"""The hall history's summary tables (issue 18, history at scale): once the worker has summarised the
closed days, the history reads them instead of the tickets and gives exactly the same figures; today
stays live; a day is built again the day after (the close-of-day sweep may still change it); the clock
going back and a rebuild are handled."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from servicehall.analytics import hall_history, summaries
from servicehall.analytics.models import DaySummary, HourSummary, SummaryState
from servicehall.analytics.tasks import build_summaries
from servicehall.core.models import Counter
from servicehall.queueing.choices import Channel, TicketStatus
from servicehall.queueing.models import Ticket
from tests.queueing.conftest import MORNING, SHANGHAI

pytestmark = pytest.mark.django_db
CODES = ("SB-001", "GJ-001", "HJ-001")


@pytest.fixture
def mixed(hall_a, items_a, staff, clerk_a2, clock):
    """Forty days up to and including today: every status, window and clerk, appointments, transfers,
    waits over an hour, tickets never called."""
    rng = random.Random(18)
    counters = list(Counter.objects.filter(hall=hall_a))
    clerks = [staff["clerk_a"], clerk_a2]
    rows = []
    for back in range(40, -1, -1):
        day = MORNING.date() - datetime.timedelta(days=back)
        for seq in range(1, rng.randrange(20, 60)):
            item = items_a[rng.choice(CODES)]
            issued = datetime.datetime.combine(day, datetime.time(rng.randrange(8, 18)), tzinfo=SHANGHAI)
            roll = rng.random()
            status = (
                TicketStatus.NO_SHOW
                if roll < 0.1
                else TicketStatus.CANCELLED
                if roll < 0.2
                else TicketStatus.COMPLETED
            )
            called = status != TicketStatus.CANCELLED or rng.random() < 0.3
            wait = rng.choice([rng.randrange(0, 900), rng.randrange(3600, 9000)]) if called else None
            rows.append(
                Ticket(
                    hall=hall_a,
                    service=item,
                    day=day,
                    prefix=item.ticket_prefix,
                    seq=seq,
                    number=f"{item.ticket_prefix}{seq:03d}",
                    channel=rng.choice([Channel.APPOINTMENT, Channel.KIOSK, Channel.KIOSK, Channel.WEB]),
                    status=status,
                    issued_at=issued,
                    queued_at=issued,
                    waiting_since=issued,
                    first_called_at=issued + datetime.timedelta(seconds=wait) if called else None,
                    counter=rng.choice(counters) if called else None,
                    clerk=rng.choice(clerks) if called else None,
                    wait_seconds=wait,
                    walk_seconds=rng.randrange(10, 240) if status == TicketStatus.COMPLETED else None,
                    service_seconds=rng.randrange(60, 900) if status == TicketStatus.COMPLETED else None,
                    transfer_count=1 if rng.random() < 0.1 else 0,
                )
            )
    Ticket.objects.bulk_create(rows)
    return rows


def _figures(hall, since, until, service_id=None) -> dict:
    """Everything the history page shows, in comparable form."""
    out = {}
    for by in hall_history.GROUPS:
        out[by] = [
            (
                r.key,
                r.arrivals,
                r.served,
                r.no_shows,
                r.abandoned,
                r.transfers,
                r.appointments,
                round(r.mean_wait or -1, 9),
                round(r.mean_service or -1, 9),
                round(r.mean_walk or -1, 9),
                r.p90_wait,
                r.histogram,
                r.channels,
            )
            for r in hall_history.breakdown(hall, since=since, until=until, by=by, service_id=service_id)
        ]
    heat = hall_history.by_hour(hall, since=since, until=until, service_id=service_id)
    out["cells"] = {k: (n, round(w or -1, 9)) for k, (n, w) in heat["cells"].items()}
    out["days"] = [(d, n, round(w or -1, 9)) for d, n, w in heat["days"]]
    return out


def test_the_summaries_give_the_same_history_and_today_stays_live(mixed, hall_a, items_a, clock):
    today = clock.now.date()
    periods = [(today - datetime.timedelta(days=40), today), (today - datetime.timedelta(days=9), today)]
    raw = {p: _figures(hall_a, *p) for p in periods}
    raw_one = _figures(hall_a, *periods[0], service_id=items_a["GJ-001"].pk)
    # walking time and channel mix as the tickets say
    rows = hall_history.breakdown(hall_a, since=periods[0][0], until=today, by="service")
    sb = {r.key: r for r in rows}[items_a["SB-001"].pk]
    tickets = Ticket.objects.filter(hall=hall_a, service=items_a["SB-001"])
    walks = [w for w in tickets.values_list("walk_seconds", flat=True) if w is not None]
    assert sb.mean_walk == pytest.approx(sum(walks) / len(walks) / 60)
    assert sb.channels == dict(tickets.values("channel").annotate(n=Count("id")).values_list("channel", "n"))
    assert sum(pct for _label, pct in sb.channel_mix) == pytest.approx(100, abs=0.2)
    assert summaries.refresh(hall=hall_a)["days"] == 40
    assert summaries.built_through(hall_a) == today - datetime.timedelta(days=1)
    assert DaySummary.objects.count() < len([t for t in mixed if t.day < today]) / 2
    for p in periods:
        assert _figures(hall_a, *p) == raw[p]
    assert _figures(hall_a, *periods[0], service_id=items_a["GJ-001"].pk) == raw_one
    # the closed days now come from the summaries (the tickets could go), today from the tickets
    Ticket.objects.filter(hall=hall_a, day__lt=today - datetime.timedelta(days=20)).delete()
    assert _figures(hall_a, *periods[0]) == raw[periods[0]]
    Ticket.objects.filter(hall=hall_a, day=today).delete()
    after = hall_history.breakdown(hall_a, since=today, until=today, by="service")
    assert after == []


def test_the_last_closed_day_is_built_again_the_next_day(mixed, hall_a, items_a, clock):
    yesterday = clock.now.date() - datetime.timedelta(days=1)
    summaries.refresh(hall=hall_a)
    rows = HourSummary.objects.count(), DaySummary.objects.count()
    assert (
        summaries.refresh(hall=hall_a)["days"] == 2
        and (
            HourSummary.objects.count(),
            DaySummary.objects.count(),
        )
        == rows
    )  # the same rows again, nothing doubled
    # the close-of-day sweep ends yesterday's last ticket after the first build
    late = Ticket.objects.filter(hall=hall_a, day=yesterday, status=TicketStatus.COMPLETED).first()
    Ticket.objects.filter(pk=late.pk).update(status=TicketStatus.NO_SHOW, service_seconds=None)
    clock.advance(days=1)
    build_summaries()
    assert summaries.built_through(hall_a) == yesterday + datetime.timedelta(days=1)
    no_shows = sum(
        r.no_shows for r in hall_history.breakdown(hall_a, since=yesterday, until=yesterday, by="service")
    )
    assert no_shows == Ticket.objects.filter(hall=hall_a, day=yesterday, status="no_show").count()


def test_the_clock_going_back_and_a_rebuild(mixed, hall_a, clock):
    today = clock.now.date()
    clock.advance(days=5)
    summaries.refresh(hall=hall_a)
    assert summaries.built_through(hall_a) == today + datetime.timedelta(days=4)
    clock.advance(days=-5)
    whole = (today - datetime.timedelta(days=40), today)
    Ticket.objects.create(
        hall=hall_a,
        service=mixed[0].service,
        day=today,
        prefix="A",
        seq=999,
        number="A999",
        channel=Channel.KIOSK,
        issued_at=clock.now,
        queued_at=clock.now,
        waiting_since=clock.now,
    )
    live = _figures(hall_a, *whole)  # today is read raw even though the summaries reached past it
    assert sum(n for _d, n, _w in live["days"]) == Ticket.objects.filter(hall=hall_a).count()
    summaries.refresh(hall=hall_a)
    assert summaries.built_through(hall_a) == today - datetime.timedelta(days=1)
    assert not DaySummary.objects.filter(day__gte=today).exists()
    out = io.StringIO()
    call_command("history_summaries", "--rebuild", "--hall", hall_a.code, stdout=out)
    assert out.getvalue().startswith("hall-a: 40 days")
    assert SummaryState.objects.get(hall=hall_a).built_through == today - datetime.timedelta(days=1)
    assert _figures(hall_a, *whole) == live


def test_a_day_with_a_ticket_still_in_the_queue_waits_to_be_built(mixed, hall_a, clock):
    today = clock.now.date()
    stale = Ticket.objects.filter(hall=hall_a, day=today - datetime.timedelta(days=3)).first()
    Ticket.objects.filter(pk=stale.pk).update(status=TicketStatus.WAITING)
    summaries.refresh(hall=hall_a)
    assert summaries.built_through(hall_a) == today - datetime.timedelta(days=4)  # read raw from there
    whole = (today - datetime.timedelta(days=40), today)
    assert sum(n for _d, n, _w in _figures(hall_a, *whole)["days"]) == Ticket.objects.count()
    Ticket.objects.filter(pk=stale.pk).update(status=TicketStatus.CANCELLED)  # the close-of-day sweep
    summaries.refresh(hall=hall_a)
    assert summaries.built_through(hall_a) == today - datetime.timedelta(days=1)


def test_a_run_that_a_rebuild_overtook_stops_instead_of_marking_empty_days(mixed, hall_a, clock):
    today = clock.now.date()
    first = min(t.day for t in mixed)
    summaries.refresh(hall=hall_a)
    # a worker decided to recheck the last two days; a rebuild resets everything before it builds
    with transaction.atomic():
        state = SummaryState.objects.select_for_update().get(hall=hall_a)
        HourSummary.objects.all().delete()
        DaySummary.objects.all().delete()
        state.built_through = None
        state.save()
    assert summaries.build(hall_a, today - datetime.timedelta(days=2), today, first=first) == 0
    assert summaries.built_through(hall_a) is None  # nothing claimed: the history reads raw
    summaries.refresh(hall=hall_a)
    assert summaries.built_through(hall_a) == today - datetime.timedelta(days=1)


def test_a_deleted_clerk_leaves_the_same_figures_both_ways(mixed, hall_a, clerk_a2, clock):
    today = clock.now.date()
    whole = (today - datetime.timedelta(days=40), today)
    summaries.refresh(hall=hall_a)
    gone = clerk_a2.pk
    clerk_a2.delete()
    from_summaries = _figures(hall_a, *whole)
    SummaryState.objects.all().delete()
    assert _figures(hall_a, *whole) == from_summaries
    assert gone not in [row[0] for row in from_summaries["clerk"]]
