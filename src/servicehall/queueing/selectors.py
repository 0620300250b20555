"""Reads of the queue: settings with defaults, a counter's services, positions, estimates, the hall's
queue summary, tickets for the console and the board. Pages and the API share these."""

import datetime
import statistics

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from servicehall.catalog.models import ServiceItem
from servicehall.core.errors import NotFound
from servicehall.core.models import Counter, Hall
from servicehall.queueing.choices import CounterState, TicketStatus
from servicehall.queueing.models import CounterService, CounterSession, QueueSettings, Ticket

ESTIMATE_SAMPLE = 30
ESTIMATE_CACHE_SECONDS = 20


def settings_get(*, hall: Hall) -> QueueSettings:
    """The hall's queue settings, or the defaults (unsaved) when the manager never changed them."""
    found = QueueSettings.objects.filter(hall=hall).first()
    return found if found is not None else QueueSettings(hall=hall)


def local_now(hall: Hall, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()).astimezone(hall.tzinfo)


def opening_periods(*, hall: Hall) -> list[tuple[int, datetime.time, datetime.time]]:
    """(weekday, opens, closes) of the hall, cached briefly: every public ticket issue asks."""
    key = f"q:hours:{hall.pk}"
    value = cache.get(key)
    if value is None:
        value = list(hall.opening_hours.values_list("weekday", "opens", "closes"))
        cache.set(key, value, 60)
    return value


def counter_services(*, counter: Counter) -> dict[int, tuple[int, float]]:
    """Service id → (tier, weight) for a counter: its own rows, else the catalogue's items for it."""
    rows = list(CounterService.objects.filter(counter=counter).values_list("service_id", "order", "weight"))
    if rows:
        return {sid: (order, float(weight)) for sid, order, weight in rows}
    ids = ServiceItem.objects.filter(counters=counter, active=True).values_list("id", flat=True)
    return {sid: (1, 1.0) for sid in ids}


def open_session(*, counter: Counter) -> CounterSession | None:
    return CounterSession.objects.filter(counter=counter, closed_at__isnull=True).select_related("clerk").first()


def session_of_clerk(*, user) -> CounterSession | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return CounterSession.objects.filter(clerk=user, closed_at__isnull=True).select_related(
        "counter", "counter__hall").first()


def ticket_get(*, public_id: str) -> Ticket:
    ticket = Ticket.objects.select_related("hall", "service", "counter", "target_counter").filter(
        public_id=public_id).first()
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
    return (Ticket.objects.filter(hall_id=ticket.hall_id, service_id=ticket.service_id, status=TicketStatus.WAITING)
            .filter(earlier).exclude(pk=ticket.pk).count())


def _mean_service_seconds(service_id: int, default_seconds: int) -> float:
    key = f"q:svc:{service_id}"
    value = cache.get(key)
    if value is None:
        since = timezone.now() - datetime.timedelta(days=14)
        samples = list(Ticket.objects.filter(service_id=service_id, completed_at__gte=since,
                                             service_seconds__isnull=False)
                       .order_by("-completed_at").values_list("service_seconds", flat=True)[:ESTIMATE_SAMPLE])
        value = statistics.fmean(samples) if len(samples) >= 3 else float(default_seconds)
        cache.set(key, value, ESTIMATE_CACHE_SECONDS)
    return value


def _open_counters_for(service_id: int, hall_id: int) -> int:
    key = f"q:open:{hall_id}:{service_id}"
    value = cache.get(key)
    if value is None:
        sessions = CounterSession.objects.filter(counter__hall_id=hall_id, closed_at__isnull=True,
                                                 state=CounterState.OPEN)
        explicit = Q(counter__queue_services__service_id=service_id)
        catalogue = Q(counter__queue_services__isnull=True, counter__service_items__id=service_id)
        value = sessions.filter(explicit | catalogue).values("counter_id").distinct().count()
        cache.set(key, value, ESTIMATE_CACHE_SECONDS)
    return value


def estimate_wait_seconds(*, service_id: int, hall_id: int, ahead: int, default_minutes: int) -> int:
    """Estimated wait: (people ahead + 1) × mean recent service time ÷ open counters serving the service.

    With no counter open the hall's single-counter rate is assumed (someone will open one). The method and
    its measured error are in docs/queue-policy.md (bench/estimate.py)."""
    mean = _mean_service_seconds(service_id, default_minutes * 60)
    servers = max(1, _open_counters_for(service_id, hall_id))
    return int(round(ahead * mean / servers))


def queue_summary(*, hall: Hall) -> dict:
    """Waiting counts and estimates per service, counter states, for the board, kiosk and API."""
    conf = settings_get(hall=hall)
    counts = dict(Ticket.objects.filter(hall=hall, status=TicketStatus.WAITING).values("service_id")
                  .annotate(n=Count("id")).values_list("service_id", "n"))
    services = []
    for item in ServiceItem.objects.filter(hall=hall, active=True).order_by("ticket_prefix", "code"):
        waiting = counts.get(item.pk, 0)
        services.append({
            "code": item.code, "name": item.name, "prefix": item.ticket_prefix, "waiting": waiting,
            "estimated_wait_seconds": estimate_wait_seconds(service_id=item.pk, hall_id=hall.pk, ahead=waiting,
                                                            default_minutes=conf.default_service_minutes),
        })
    sessions = {s.counter_id: s for s in CounterSession.objects.filter(counter__hall=hall, closed_at__isnull=True)}
    counters = []
    for counter in Counter.objects.filter(hall=hall, active=True).select_related("floor"):
        session = sessions.get(counter.pk)
        counters.append({
            "id": counter.pk, "number": counter.number, "name": counter.name,
            "state": session.state if session else CounterState.CLOSED,
            "pause_reason": session.pause_reason if session else "",
        })
    return {"hall": hall.code, "services": services, "counters": counters}


def recent_calls(*, hall: Hall, limit: int = 8) -> list[Ticket]:
    """Today's latest calls for the board (called, serving or finished after a call)."""
    today = local_now(hall).date()
    return list(Ticket.objects.filter(hall=hall, day=today, called_at__isnull=False)
                .select_related("counter", "service").order_by("-called_at", "-id")[:limit])


def counter_current(*, counter: Counter) -> Ticket | None:
    """The ticket in front of the counter: called, being served or parked there."""
    return (Ticket.objects.filter(counter=counter, status__in=[TicketStatus.CALLED, TicketStatus.SERVING])
            .select_related("service").order_by("-called_at").first())


def counter_parked(*, counter: Counter) -> list[Ticket]:
    return list(Ticket.objects.filter(counter=counter, status=TicketStatus.PARKED).select_related("service")
                .order_by("parked_at"))


def counter_waiting(*, counter: Counter) -> list[dict]:
    """Waiting counts per service this counter calls, plus tickets directed to it."""
    services = counter_services(counter=counter)
    counts = dict(Ticket.objects.filter(hall_id=counter.hall_id, status=TicketStatus.WAITING,
                                        service_id__in=list(services), target_counter__isnull=True)
                  .values("service_id").annotate(n=Count("id")).values_list("service_id", "n"))
    rows = [{"code": i.code, "name": i.name, "prefix": i.ticket_prefix, "waiting": counts.get(i.pk, 0),
             "tier": services[i.pk][0]}
            for i in ServiceItem.objects.filter(pk__in=list(services)).order_by("ticket_prefix", "code")]
    directed = Ticket.objects.filter(target_counter=counter, status=TicketStatus.WAITING).count()
    return rows + ([{"code": "", "name": "transferred here", "prefix": "→", "waiting": directed, "tier": 0}]
                   if directed else [])


def clerk_counts_today(*, user, hall: Hall) -> dict:
    today = local_now(hall).date()
    qs = Ticket.objects.filter(hall=hall, day=today, clerk=user)
    return {
        "completed": qs.filter(status=TicketStatus.COMPLETED).count(),
        "no_show": qs.filter(status=TicketStatus.NO_SHOW).count(),
        "serving": qs.filter(status__in=[TicketStatus.CALLED, TicketStatus.SERVING]).count(),
    }


def waiting_list(*, hall: Hall, service_ids=None) -> list[Ticket]:
    qs = Ticket.objects.filter(hall=hall, status=TicketStatus.WAITING).select_related("service")
    if service_ids is not None:
        qs = qs.filter(service_id__in=list(service_ids))
    return list(qs.order_by("queued_at", "id")[:200])


def no_shows_recent(*, hall: Hall, within_minutes: int) -> list[Ticket]:
    since = timezone.now() - datetime.timedelta(minutes=within_minutes)
    return list(Ticket.objects.filter(hall=hall, status=TicketStatus.NO_SHOW, no_show_at__gte=since)
                .select_related("service").order_by("-no_show_at")[:50])
