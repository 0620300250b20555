"""Reads of the queue: settings with defaults, a counter's services, positions, estimates, the hall's
queue summary, tickets for the console and the board. Pages and the API share these."""

import collections
import datetime
import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from servicehall.catalog.models import ServiceItem
from servicehall.core import memo
from servicehall.core.errors import NotFound
from servicehall.core.models import Counter, Hall
from servicehall.live.selectors import last_event_id
from servicehall.queueing.choices import CounterState, TicketStatus
from servicehall.queueing.models import CounterService, CounterSession, QueueSettings, Ticket

ESTIMATE_SAMPLE = 30
ESTIMATE_CACHE_SECONDS = 20


def settings_get(*, hall: Hall) -> QueueSettings:
    """The hall's queue settings, or the defaults (unsaved) when the manager never changed them."""
    found = memo.remember("QueueSettings", hall.pk, lambda: QueueSettings.objects.filter(hall=hall).first())
    return found if found is not None else QueueSettings(hall=hall)


def last_closed_day(*, hall: Hall, yesterday: datetime.date) -> datetime.date:
    """Yesterday, or the day before the first day that still has a ticket in the queue (waiting, called,
    parked: the close-of-day sweep has not ended it yet): the last day whose tickets are final, which
    summaries (analytics' history, customers' segments) may build; later days are read raw."""
    from servicehall.queueing.choices import FINAL_STATUSES

    still_open = (
        Ticket.objects.filter(hall=hall, day__lte=yesterday)
        .exclude(status__in=FINAL_STATUSES)
        .order_by("day")
        .values_list("day", flat=True)
        .first()
    )
    return min(yesterday, still_open - datetime.timedelta(days=1)) if still_open else yesterday


def local_now(hall: Hall, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()).astimezone(hall.tzinfo)


def counter_services(*, counter: Counter) -> dict[int, tuple[int, float]]:
    """Service id → (tier, weight) for a counter: its own rows, else the catalogue's items for it."""
    rows = list(CounterService.objects.filter(counter=counter).values_list("service_id", "order", "weight"))
    if rows:
        return {sid: (order, float(weight)) for sid, order, weight in rows}
    ids = ServiceItem.objects.filter(counters=counter, active=True).values_list("id", flat=True)
    return {sid: (1, 1.0) for sid in ids}


def counter_service_rows(*, counter: Counter) -> list[dict]:
    """What a counter calls, as the API and the console show it (``source`` says where it comes from)."""
    own = list(CounterService.objects.filter(counter=counter).select_related("service"))
    if own:
        return [
            {
                "service": r.service.code,
                "name": r.service.name,
                "name_local": r.service.name_local,
                "order": r.order,
                "weight": float(r.weight),
                "source": "counter",
            }
            for r in own
        ]
    return [
        {
            "service": i.code,
            "name": i.name,
            "name_local": i.name_local,
            "order": 1,
            "weight": 1.0,
            "source": "catalogue",
        }
        for i in ServiceItem.objects.filter(counters=counter, active=True).order_by("ticket_prefix", "code")
    ]


def open_session(*, counter: Counter) -> CounterSession | None:
    return (
        CounterSession.objects.filter(counter=counter, closed_at__isnull=True).select_related("clerk").first()
    )


def session_of_clerk(*, user) -> CounterSession | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        CounterSession.objects.filter(clerk=user, closed_at__isnull=True)
        .select_related("counter", "counter__hall")
        .first()
    )


def ticket_get(*, public_id: str) -> Ticket:
    ticket = (
        Ticket.objects.select_related("hall", "service", "counter", "target_counter")
        .filter(public_id=public_id)
        .first()
    )
    if ticket is None:
        raise NotFound()
    return ticket


def people_ahead(*, ticket: Ticket) -> int:
    """Waiting tickets of the same service that will most likely be called first: for a normal ticket
    those queued earlier and every priority ticket; for a priority ticket the priority tickets queued
    earlier (as ``ticket_issue`` counts them)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    earlier = Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, id__lt=ticket.pk)
    if ticket.is_priority:
        earlier &= Q(is_priority=True)
    else:
        earlier |= Q(is_priority=True)
    return (
        Ticket.objects.filter(
            hall_id=ticket.hall_id, service_id=ticket.service_id, day=ticket.day, status=TicketStatus.WAITING
        )
        .filter(earlier)
        .exclude(pk=ticket.pk)
        .count()
    )


def _mean_service_seconds(service_id: int, default_seconds: int) -> float:
    """Mean of the last 30 service times (start → complete) of the service in the last 14 days, or the
    hall's default with fewer than 3; cached briefly."""
    key = f"q:svc:{service_id}"
    value = cache.get(key)
    if value is None:
        since = timezone.now() - datetime.timedelta(days=14)
        samples = list(
            Ticket.objects.filter(
                service_id=service_id, completed_at__gte=since, service_seconds__isnull=False
            )
            .order_by("-completed_at")
            .values_list("service_seconds", flat=True)[:ESTIMATE_SAMPLE]
        )
        value = statistics.fmean(samples) if len(samples) >= 3 else float(default_seconds)
        cache.set(key, value, ESTIMATE_CACHE_SECONDS)
    return value


def mean_service_seconds(*, service_id: int, hall: Hall) -> float:
    """The mean service time the estimates use (last 30 in 14 days, else the hall's default); what the
    dashboard's staffing advice reads."""
    return _mean_service_seconds(service_id, settings_get(hall=hall).default_service_minutes * 60)


def _mean_service_seconds_many(service_ids, default_seconds: int) -> dict[int, float]:
    """``_mean_service_seconds`` for several services: one cache round trip, one query for the expired."""
    ids = set(service_ids)
    found = cache.get_many([f"q:svc:{sid}" for sid in ids]) if ids else {}
    means = {sid: found[f"q:svc:{sid}"] for sid in ids if f"q:svc:{sid}" in found}
    missing = ids - set(means)
    if len(missing) == 1:
        sid = missing.pop()
        means[sid] = _mean_service_seconds(sid, default_seconds)
    elif missing:
        since = timezone.now() - datetime.timedelta(days=14)
        rank = Window(RowNumber(), partition_by=[F("service_id")], order_by=F("completed_at").desc())
        samples: dict[int, list] = {sid: [] for sid in missing}
        for sid, seconds in (
            Ticket.objects.filter(
                service_id__in=missing, completed_at__gte=since, service_seconds__isnull=False
            )
            .annotate(rank=rank)
            .filter(rank__lte=ESTIMATE_SAMPLE)
            .values_list("service_id", "service_seconds")
        ):
            samples[sid].append(seconds)
        fresh = {
            sid: statistics.fmean(v) if len(v) >= 3 else float(default_seconds) for sid, v in samples.items()
        }
        cache.set_many({f"q:svc:{sid}": v for sid, v in fresh.items()}, ESTIMATE_CACHE_SECONDS)
        means.update(fresh)
    return means


def _open_windows(hall_id: int, *, fresh: bool = False) -> dict[int, frozenset]:
    """Counter id → the service ids it calls, for the hall's counters with an open, not paused session
    (their own service rows, else the catalogue's active items for them, as ``counter_services``).
    Cached briefly: every issue and every ticket page asks."""
    key = f"q:windows:{hall_id}"
    value = None if fresh else cache.get(key)
    if value is None:
        ids = list(
            CounterSession.objects.filter(
                counter__hall_id=hall_id, closed_at__isnull=True, state=CounterState.OPEN
            ).values_list("counter_id", flat=True)
        )
        calls: dict[int, set] = {c: set() for c in ids}
        for counter_id, service_id in CounterService.objects.filter(counter_id__in=ids).values_list(
            "counter_id", "service_id"
        ):
            calls[counter_id].add(service_id)
        rest = [c for c, s in calls.items() if not s]
        if rest:
            through = ServiceItem.counters.through
            for counter_id, service_id in through.objects.filter(
                counter_id__in=rest, serviceitem__active=True
            ).values_list("counter_id", "serviceitem_id"):
                calls[counter_id].add(service_id)
        value = {c: frozenset(s) for c, s in calls.items()}
        cache.set(key, value, ESTIMATE_CACHE_SECONDS)
    return value


class _HallQueue:
    """What the estimate reads from the hall at one instant: the open windows and what they call (cached),
    the waiting tickets counted per (service, directed counter) by the database, and the tickets at
    windows. The counting is the database's: reading every waiting ticket into Python made each refresh
    of a busy hall's snapshot cost tens of milliseconds, and that was the issue request's p99."""

    def __init__(self, hall_id: int):
        self.hall_id = hall_id
        self.windows = _open_windows(hall_id)
        # Tickets of earlier days are closed at the next counter opening; never count them meanwhile.
        self.since = timezone.now() - datetime.timedelta(hours=24)
        self.groups_all: collections.Counter = collections.Counter()
        self.groups_priority: collections.Counter = collections.Counter()
        newest = None
        for service_id, target, prio, n, last in (
            self._waiting()
            .values_list("service_id", "target_counter_id", "is_priority")
            .annotate(n=Count("id"), last=Max("queued_at"))
            .order_by()
        ):
            self.groups_all[(service_id, target)] += n
            if prio:
                self.groups_priority[(service_id, target)] += n
            newest = last if newest is None else max(newest, last)
        self.newest = newest  # the latest queued_at of a waiting ticket
        self.at_window: dict[int, tuple[int, datetime.datetime]] = {
            counter_id: (service_id, called)
            for service_id, counter_id, called in Ticket.objects.filter(
                hall_id=hall_id,
                status__in=[TicketStatus.CALLED, TicketStatus.SERVING],
                issued_at__gte=self.since,
                counter_id__isnull=False,
                called_at__isnull=False,
            ).values_list("service_id", "counter_id", "called_at")
        }
        self._callers: dict[int, frozenset] = {}

    def _waiting(self):
        return Ticket.objects.filter(
            hall_id=self.hall_id, status=TicketStatus.WAITING, issued_at__gte=self.since
        )

    def ahead_groups(self, ticket: Ticket | None) -> collections.Counter:
        """(service, target) → how many waiting tickets are ahead of ``ticket`` (None: a new normal one):
        earlier ones and every priority one; for a priority ticket, earlier priority ones only."""
        if ticket is None:
            return self.groups_all
        if self.newest is None or ticket.queued_at > self.newest:
            return self.groups_priority if ticket.is_priority else self.groups_all
        earlier = Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, id__lt=ticket.pk)
        rows = (
            self._waiting()
            .exclude(pk=ticket.pk)
            .filter(
                (Q(is_priority=True) & earlier) if ticket.is_priority else (Q(is_priority=True) | earlier)
            )
        )
        return collections.Counter(
            {
                (sid, target): n
                for sid, target, n in rows.values_list("service_id", "target_counter_id")
                .annotate(n=Count("id"))
                .order_by()
            }
        )

    def callers(self, service_id: int, target: int | None = None) -> frozenset:
        """Open windows that may call a ticket of the service (only its target when it was directed)."""
        if target is not None:
            return frozenset([target]) if target in self.windows else frozenset()
        found = self._callers.get(service_id)
        if found is None:
            found = frozenset(c for c, s in self.windows.items() if service_id in s)
            self._callers[service_id] = found
        return found


_snapshots: dict[int, tuple[float, "_HallQueue"]] = {}


def _hall_queue(hall_id: int) -> "_HallQueue":
    """The hall's queue snapshot, reused for ``SERVICEHALL_ESTIMATE_SNAPSHOT_SECONDS`` within this
    process: reading every open ticket of a busy hall on each issue cost more than the issue itself
    (bench/README.md). An estimate may thus lag the queue by that long; tests set it to 0."""
    ttl = settings.SERVICEHALL_ESTIMATE_SNAPSHOT_SECONDS
    now = time.monotonic()
    found = _snapshots.get(hall_id)
    if ttl > 0 and found is not None and now - found[0] < ttl:
        return found[1]
    state = _HallQueue(hall_id)
    if ttl > 0:
        _snapshots[hall_id] = (now, state)
    return state


def _estimate(
    state: _HallQueue, *, service_id: int, ticket: Ticket | None, ahead: int, default_seconds: int
) -> int:
    """The pooled estimate (docs/queue-estimate.md) for ``ticket``, or for a new normal ticket of the
    service when ``ticket`` is None (then every waiting ticket is ahead)."""
    mine = state.callers(service_id, ticket.target_counter_id if ticket is not None else None)
    if not mine:
        # No window of ours is open: assume one will open and serve the people ahead of the same service.
        return int(round(ahead * _mean_service_seconds(service_id, default_seconds)))
    shares: list[tuple[int, float]] = []
    for (sid, target), count in state.ahead_groups(ticket).items():
        theirs = state.callers(sid, target)
        shared = len(theirs & mine)
        if shared:
            shares.append((sid, count * shared / len(theirs)))
    busy = [state.at_window[c] for c in mine if c in state.at_window]
    if not shares and len(busy) < len(mine):
        return 0  # nobody ahead and a window of ours is free: called at once
    means = _mean_service_seconds_many({s for s, _ in shares} | {s for s, _ in busy}, default_seconds)
    work = sum(share * means[sid] for sid, share in shares)
    now = timezone.now()
    for sid, called in busy:
        m = means[sid]
        work += max(m - (now - called).total_seconds(), 0.15 * m)
    return int(round(work / len(mine)))


def estimate_wait_seconds(
    *, service_id: int, hall_id: int, ahead: int, default_minutes: int, ticket: Ticket | None = None
) -> int:
    """Estimated wait until the ticket is called, in seconds: the "pooled" method of docs/queue-estimate.md.

    W = the open, not paused windows that call the service (k of them). Work ahead = for each waiting
    ticket ahead of ``ticket`` (earlier ones and every priority one; for a priority ticket only earlier
    priority ones; across all services) that a window of W may call, its service's mean time
    (``_mean_service_seconds``) × the share of its open windows that are in W; plus, per window of W with
    a citizen at it, max(mean − time since the call, 0.15 × mean). Estimate = that ÷ k, or 0 when nothing
    is ahead and a window of W is free. Without ``ticket``, the wait of a new normal ticket (everybody
    waiting is ahead). With no window of W open: ``ahead`` (people ahead of the same service) × its mean,
    as if one window will open. Measured by bench/estimate.py."""
    if ticket is not None and ticket.status != TicketStatus.WAITING:
        return 0
    return _estimate(
        _hall_queue(hall_id),
        service_id=service_id,
        ticket=ticket,
        ahead=ahead,
        default_seconds=default_minutes * 60,
    )


def open_window_services(*, hall_id: int) -> dict[int, frozenset]:
    """Counter id → the service ids it calls, for the windows open now (not closed, not paused), read
    afresh: a transfer decides on it."""
    return _open_windows(hall_id, fresh=True)


def window_open(*, hall_id: int, service_id: int, ticket: Ticket | None = None) -> bool:
    """Whether an open, not paused window may call the service's ticket now (only its target when it was
    directed there). Without one, no estimate is honest: pages say so instead of "about 0 minutes"."""
    target = ticket.target_counter_id if ticket is not None else None
    return bool(_hall_queue(hall_id).callers(service_id, target))


def queue_summary(*, hall: Hall) -> dict:
    """Waiting counts and estimates per service, counter states, for the board, kiosk and API."""
    conf = settings_get(hall=hall)
    state = _hall_queue(hall.pk)
    # Counts are exact (the board and the API show them); only the estimates may use the snapshot.
    counts = dict(
        Ticket.objects.filter(hall=hall, day=local_now(hall).date(), status=TicketStatus.WAITING)
        .values("service_id")
        .annotate(n=Count("id"))
        .values_list("service_id", "n")
    )
    services = []
    for item in ServiceItem.objects.filter(hall=hall, active=True).order_by("ticket_prefix", "code"):
        waiting = counts.get(item.pk, 0)
        services.append(
            {
                "code": item.code,
                "name": item.name,
                "name_local": item.name_local,
                "prefix": item.ticket_prefix,
                "waiting": waiting,
                "window_open": bool(state.callers(item.pk)),
                "estimated_wait_seconds": _estimate(
                    state,
                    service_id=item.pk,
                    ticket=None,
                    ahead=waiting,
                    default_seconds=conf.default_service_minutes * 60,
                ),
            }
        )
    sessions = {
        s.counter_id: s for s in CounterSession.objects.filter(counter__hall=hall, closed_at__isnull=True)
    }
    counters = []
    for counter in Counter.objects.filter(hall=hall, active=True).select_related("floor"):
        session = sessions.get(counter.pk)
        counters.append(
            {
                "id": counter.pk,
                "number": counter.number,
                "name": counter.name,
                "name_local": counter.name_local,
                "state": session.state if session else CounterState.CLOSED,
                "pause_reason": session.pause_reason if session else "",
            }
        )
    return {"hall": hall.code, "services": services, "counters": counters}


def recent_calls(*, hall: Hall, limit: int = 8) -> list[Ticket]:
    """Today's latest calls for the board (called, serving or finished after a call)."""
    today = local_now(hall).date()
    return list(
        # a ticket transferred since its call waits again and has no window to show (a blank "window")
        Ticket.objects.filter(hall=hall, day=today, called_at__isnull=False, counter__isnull=False)
        .select_related("counter", "service")
        .order_by("-called_at", "-id")[:limit]
    )


def counter_current(*, counter: Counter) -> Ticket | None:
    """The ticket in front of the counter: called, being served or parked there."""
    return (
        Ticket.objects.filter(counter=counter, status__in=[TicketStatus.CALLED, TicketStatus.SERVING])
        .select_related("service")
        .order_by("-called_at")
        .first()
    )


def counter_parked(*, counter: Counter) -> list[Ticket]:
    return list(
        Ticket.objects.filter(counter=counter, status=TicketStatus.PARKED)
        .select_related("service")
        .order_by("parked_at")
    )


def counter_waiting(*, counter: Counter) -> list[dict]:
    """Waiting counts per service this counter calls, plus tickets directed to it."""
    services = counter_services(counter=counter)
    counts = dict(
        Ticket.objects.filter(
            hall_id=counter.hall_id,
            status=TicketStatus.WAITING,
            service_id__in=list(services),
            target_counter__isnull=True,
        )
        .values("service_id")
        .annotate(n=Count("id"))
        .values_list("service_id", "n")
    )
    rows = [
        {
            "code": i.code,
            "name": i.name,
            "name_local": i.name_local,
            "prefix": i.ticket_prefix,
            "waiting": counts.get(i.pk, 0),
            "tier": services[i.pk][0],
        }
        for i in ServiceItem.objects.filter(pk__in=list(services)).order_by("ticket_prefix", "code")
    ]
    directed = Ticket.objects.filter(target_counter=counter, status=TicketStatus.WAITING).count()
    return rows + (
        [{"code": "", "name": "transferred here", "prefix": "→", "waiting": directed, "tier": 0}]
        if directed
        else []
    )


def clerk_counts_today(*, user, hall: Hall) -> dict:
    today = local_now(hall).date()
    qs = Ticket.objects.filter(hall=hall, day=today, clerk=user)
    return {
        "completed": qs.filter(status=TicketStatus.COMPLETED).count(),
        "no_show": qs.filter(status=TicketStatus.NO_SHOW).count(),
        "serving": qs.filter(status__in=[TicketStatus.CALLED, TicketStatus.SERVING]).count(),
    }


def waiting_list(*, hall: Hall, service_ids=None, limit: int = 200) -> list[Ticket]:
    """Today's waiting tickets in arrival order (of the given services), for the console's queue list."""
    qs = Ticket.objects.filter(
        hall=hall, day=local_now(hall).date(), status=TicketStatus.WAITING
    ).select_related("service")
    if service_ids is not None:
        qs = qs.filter(service_id__in=list(service_ids))
    return list(qs.order_by("queued_at", "id")[:limit])


def no_shows_recent(*, hall: Hall, within_minutes: int, service_ids=None, limit: int = 50) -> list[Ticket]:
    """No-shows that may still be reactivated (newest first), for the console."""
    since = timezone.now() - datetime.timedelta(minutes=within_minutes)
    qs = Ticket.objects.filter(hall=hall, status=TicketStatus.NO_SHOW, no_show_at__gte=since)
    if service_ids is not None:
        qs = qs.filter(service_id__in=list(service_ids))
    return list(qs.select_related("service").order_by("-no_show_at")[:limit])


def prefix_groups(*, hall: Hall) -> list[dict]:
    """Lines of the hall as citizens see them: one per ticket prefix, named by its categories."""
    groups: dict[str, dict] = {}
    for item in (
        ServiceItem.objects.filter(hall=hall, active=True)
        .select_related("category")
        .order_by("ticket_prefix", "category__position", "code")
    ):
        group = groups.setdefault(
            item.ticket_prefix, {"prefix": item.ticket_prefix, "labels": [], "services": [], "names": {}}
        )
        label = item.category.name_local  # drawn on the board, in the board's language
        if label not in group["labels"]:
            group["labels"].append(label)
        group["services"].append(item.code)
        group["names"][item.code] = item.name_local
    return list(groups.values())


def _call_row(ticket) -> dict:
    return {
        "number": ticket.number,
        "counter": ticket.counter.number if ticket.counter else "",
        "class": ticket.priority if ticket.is_priority else "",
        "status": ticket.status,
        "at": ticket.called_at.isoformat() if ticket.called_at else None,
    }


def board_state(*, hall: Hall) -> dict:
    """What a board draws from, and redraws from after a reconnect: recent calls, counts, window states."""
    summary = queue_summary(hall=hall)
    served = frozenset().union(*open_window_services(hall_id=hall.pk).values())
    return {
        "last_event_id": last_event_id(hall=hall),
        "recent": [_call_row(t) for t in recent_calls(hall=hall, limit=8)],
        "waiting": {s["code"]: s["waiting"] for s in summary["services"]},
        "counters": {c["number"]: c["state"] for c in summary["counters"]},
        # Services no open, unpaused window calls now: the board says so on their line, so nobody waits
        # for a window that is not there (the phone page and the slip say the same per ticket).
        "no_window": list(
            ServiceItem.objects.filter(hall=hall, active=True)
            .exclude(pk__in=served)
            .order_by("ticket_prefix", "code")
            .values_list("code", flat=True)
        ),
    }


# The issuing notices live in ``notices`` (imported last: they read ``local_now`` and ``settings_get``).
from servicehall.queueing.notices import issuing_notice, phone_classes, remote_notice  # noqa: E402, F401
