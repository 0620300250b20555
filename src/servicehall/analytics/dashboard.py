"""The live hall dashboard's snapshot: what a hall manager on a busy Monday looks at. Per service the
people waiting, the longest current wait, the estimate for a new ticket, today's served and the mean wait
of the last hour; per window its state and for how long, the ticket at it and the clerk; the hall's
totals; appointments due in the next hour; today's ratings; the open alerts.

Reads only, a handful of grouped queries over today's tickets (the ``(hall, day, …)`` indexes), so the
page can redraw it on every event of the hall's stream. Times are returned as instants (``since``) and
drawn as "12 min" by the page, which counts on by itself between events: no polling.

Also what the alert sweep checks (``alerts.conditions`` reads the same snapshot), so the dashboard and
the alerts never disagree.
"""

import datetime

from django.db.models import Avg, Count, Max, Min, Q
from django.utils import timezone

from servicehall.core.models import Counter, Hall

GOOD_LEVELS = (4, 5)
BAD_LEVELS = (1, 2)


def _seconds(now: datetime.datetime, since: datetime.datetime | None) -> int | None:
    return max(0, int((now - since).total_seconds())) if since else None


def _service_rows(hall: Hall, now: datetime.datetime, today: datetime.date) -> list[dict]:
    from servicehall.queueing.choices import TicketStatus
    from servicehall.queueing.models import Ticket
    from servicehall.queueing.selectors import queue_summary

    tickets = Ticket.objects.filter(hall=hall, day=today)
    oldest = dict(
        tickets.filter(status=TicketStatus.WAITING)
        .values("service_id")
        .annotate(t=Min("waiting_since"))
        .values_list("service_id", "t")
    )
    served = dict(
        tickets.filter(status=TicketStatus.COMPLETED)
        .values("service_id")
        .annotate(n=Count("id"))
        .values_list("service_id", "n")
    )
    hour = now - datetime.timedelta(hours=1)
    last_hour = {
        row["service_id"]: row
        for row in tickets.filter(first_called_at__gte=hour, wait_seconds__isnull=False)
        .values("service_id")
        .annotate(mean=Avg("wait_seconds"), n=Count("id"))
    }
    arrivals = dict(
        tickets.filter(issued_at__gte=hour)
        .values("service_id")
        .annotate(n=Count("id"))
        .values_list("service_id", "n")
    )
    ids = {i.code: i.pk for i in _items(hall)}
    rows = []
    for s in queue_summary(hall=hall)["services"]:
        sid = ids.get(s["code"])
        waited = last_hour.get(sid)
        rows.append(
            {
                "id": sid,
                "code": s["code"],
                "name": s["name_local"],
                "prefix": s["prefix"],
                "waiting": s["waiting"],
                "window_open": s["window_open"],
                "longest_wait_since": oldest.get(sid),
                "longest_wait_seconds": _seconds(now, oldest.get(sid)),
                "estimated_wait_seconds": s["estimated_wait_seconds"],
                "served_today": served.get(sid, 0),
                "arrivals_last_hour": arrivals.get(sid, 0),
                "mean_wait_last_hour_seconds": round(waited["mean"]) if waited else None,
            }
        )
    # the queues that need attention first: most people waiting, then the busiest of the day
    return sorted(rows, key=lambda r: (-r["waiting"], -r["served_today"], r["prefix"], r["code"]))


def _items(hall: Hall):
    from servicehall.catalog.models import ServiceItem

    return ServiceItem.objects.filter(hall=hall, active=True)


def _counter_rows(hall: Hall, now: datetime.datetime, today: datetime.date) -> list[dict]:
    from servicehall.queueing.choices import CounterState, TicketStatus
    from servicehall.queueing.models import CounterSession, Ticket

    sessions = {
        s.counter_id: s
        for s in CounterSession.objects.filter(counter__hall=hall, closed_at__isnull=True).select_related(
            "clerk"
        )
    }
    current = {}
    for t in (
        Ticket.objects.filter(hall=hall, status__in=[TicketStatus.CALLED, TicketStatus.SERVING])
        .select_related("service")
        .order_by("called_at")
    ):
        current[t.counter_id] = t  # the latest call wins, as in the console
    finished = dict(
        Ticket.objects.filter(hall=hall, day=today, counter__isnull=False)
        .values("counter_id")
        .annotate(t=Max("completed_at"), u=Max("no_show_at"))
        .values_list("counter_id", "t")
    )
    rows = []
    counters = Counter.objects.filter(hall=hall, active=True)
    for counter in sorted(counters, key=lambda c: (len(c.number), c.number)):  # 2 before 10
        session = sessions.get(counter.pk)
        ticket = current.get(counter.pk)
        state = session.state if session else CounterState.CLOSED
        since = (session.state_since or session.opened_at) if session else None
        busy = ticket is not None
        if session and state == CounterState.OPEN and not busy:  # idle since the last ticket or the open
            last = finished.get(counter.pk)
            since = max(since, last) if last else since
        ticket_since = (ticket.started_at or ticket.called_at) if ticket else None
        rows.append(
            {
                "id": counter.pk,
                "number": counter.number,
                "name": counter.name_local,
                "state": state,
                "activity": "closed"
                if not session
                else "paused"
                if state != CounterState.OPEN
                else "serving"
                if busy
                else "idle",
                "pause_reason": session.pause_reason if session else "",
                "since": since,
                "since_seconds": _seconds(now, since),
                "clerk": (session.clerk.display_name or session.clerk.get_username()) if session else "",
                "clerk_id": session.clerk_id if session else None,
                "ticket": ticket.number if ticket else "",
                "ticket_service": ticket.service.name_local if ticket else "",
                "ticket_since": ticket_since,
                "ticket_seconds": _seconds(now, ticket_since),
            }
        )
    return rows


def _appointments(hall: Hall, now: datetime.datetime, grace_minutes: int) -> dict:
    from servicehall.appointments.choices import AppointmentStatus
    from servicehall.appointments.models import Appointment
    from servicehall.queueing.choices import TicketStatus

    today = timezone.localtime(now, hall.tzinfo).date()
    soon = Appointment.objects.filter(
        hall=hall,
        day=today,
        status__in=[AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN],
        start__gte=now - datetime.timedelta(minutes=15),
        start__lt=now + datetime.timedelta(hours=1),
    ).aggregate(due=Count("id"), checked_in=Count("id", filter=Q(status=AppointmentStatus.CHECKED_IN)))
    late = list(
        Appointment.objects.filter(
            hall=hall,
            status=AppointmentStatus.CHECKED_IN,
            end__lt=now - datetime.timedelta(minutes=grace_minutes),
            ticket__status=TicketStatus.WAITING,
            day=today,
        )
        .select_related("ticket", "service")
        .order_by("end")[:50]
    )
    return {
        "due_next_hour": soon["due"],
        "checked_in_next_hour": soon["checked_in"],
        "late": [
            {
                "code": a.code,
                "ticket": a.ticket.number,
                "service": a.service.name_local,
                "service_code": a.service.code,
                "end": a.end,
                "late_seconds": _seconds(now, a.end),
            }
            for a in late
        ],
    }


def _ratings(hall: Hall, now: datetime.datetime) -> dict:
    from servicehall.quality.models import Rating

    start = timezone.localtime(now, hall.tzinfo).replace(hour=0, minute=0, second=0, microsecond=0)
    got = Rating.objects.filter(hall=hall, rated_at__gte=start, excluded=False).aggregate(
        n=Count("id"),
        good=Count("id", filter=Q(level__in=GOOD_LEVELS)),
        bad=Count("id", filter=Q(level__in=BAD_LEVELS)),
    )
    n = got["n"]
    return {
        "count": n,
        "good": got["good"],
        "bad": got["bad"],
        "good_pct": round(100 * got["good"] / n, 1) if n else None,
    }


def snapshot(*, hall: Hall, now: datetime.datetime | None = None, grace_minutes: int = 10) -> dict:
    """Everything the dashboard shows, as plain data (datetimes for the page, converted by the API)."""
    from servicehall.queueing.choices import TicketStatus
    from servicehall.queueing.models import Ticket

    now = now or timezone.now()
    today = timezone.localtime(now, hall.tzinfo).date()
    services = _service_rows(hall, now, today)
    counters = _counter_rows(hall, now, today)
    day = Ticket.objects.filter(hall=hall, day=today).aggregate(
        issued=Count("id"),
        served=Count("id", filter=Q(status=TicketStatus.COMPLETED)),
        no_shows=Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
        mean_wait=Avg("wait_seconds"),
    )
    totals = {
        "waiting": sum(s["waiting"] for s in services),
        "issued_today": day["issued"],
        "served_today": day["served"],
        "no_shows_today": day["no_shows"],
        "mean_wait_today_seconds": round(day["mean_wait"]) if day["mean_wait"] is not None else None,
        "longest_wait_seconds": max((s["longest_wait_seconds"] or 0 for s in services), default=0),
        **{
            f"counters_{state}": sum(1 for c in counters if c["activity"] == state)
            for state in ("serving", "idle", "paused", "closed")
        },
    }
    return {
        "hall": hall.code,
        "at": now,
        "totals": totals,
        "services": services,
        "counters": counters,
        "appointments": _appointments(hall, now, grace_minutes),
        "ratings": _ratings(hall, now),
    }
