"""The rota against the need: today's gaps per half-day and service, and clerks signed in where the plan
does not put them (allowed, but flagged on the console and to the manager). Reads only."""

import datetime

from django.utils import timezone

from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Counter, Hall
from servicehall.staff import selectors
from servicehall.staff.choices import SERVING_LEVELS, HalfDay, RotaKind
from servicehall.staff.models import RotaEntry, Skill
from servicehall.staff.need import clerks_needed, half_of, half_periods


def local_now(hall: Hall) -> datetime.datetime:
    return timezone.now().astimezone(hall.tzinfo)


def _counter_services(hall: Hall) -> dict[int, set[int]]:
    from servicehall.queueing.selectors import counter_services

    return {c.pk: set(counter_services(counter=c)) for c in Counter.objects.filter(hall=hall, active=True)}


def day_coverage(*, hall: Hall, day: datetime.date) -> list[dict]:
    """Per half-day and service: qualified clerks planned and clerks needed (None: no data yet). A row
    for every service that is planned or needed; ``gap`` when fewer are planned than needed."""
    periods = half_periods(hall=hall, day=day)
    needed = clerks_needed(hall=hall, day=day)
    serves = _counter_services(hall)
    enforced = selectors.skills_enforced(hall=hall)
    qualified: dict[int, set[int]] = {}
    for user_id, item_id in Skill.objects.filter(hall=hall, level__in=SERVING_LEVELS).values_list(
        "user_id", "item_id"
    ):
        qualified.setdefault(user_id, set()).add(item_id)
    planned: dict[tuple[str, int], int] = {}
    for e in RotaEntry.objects.filter(hall=hall, date=day, kind=RotaKind.WORK):
        for service_id in serves.get(e.counter_id, ()):
            if not enforced or service_id in qualified.get(e.user_id, ()):
                planned[(e.half, service_id)] = planned.get((e.half, service_id), 0) + 1
    items = {i.pk: i for i in ServiceItem.objects.filter(hall=hall, active=True)}
    rows = []
    for half in HalfDay.values:
        if half not in periods:
            continue
        opens, closes = periods[half]
        for service_id, item in sorted(items.items(), key=lambda kv: kv[1].ticket_prefix + kv[1].code):
            have, need = planned.get((half, service_id), 0), needed.get((half, service_id))
            if not have and not need:
                continue
            rows.append(
                {
                    "half": half,
                    "period": f"{opens:%H:%M}–{closes:%H:%M}",
                    "service": item,
                    "planned": have,
                    "needed": need,
                    "gap": need is not None and have < need,
                }
            )
    return sorted(rows, key=lambda r: (r["half"], not r["gap"]))


def off_plan_sessions(*, hall: Hall) -> list[dict]:
    """Clerks signed in now at a window the rota does not give them this half-day (where a plan exists
    for today at all: a hall that plans nothing is not flagged)."""
    from servicehall.queueing.models import CounterSession

    now = local_now(hall)
    half = half_of(now.time())
    plan = RotaEntry.objects.filter(hall=hall, date=now.date(), half=half)
    if not plan.exists():
        return []
    placed = set(plan.filter(kind=RotaKind.WORK).values_list("user_id", "counter_id"))
    sessions = CounterSession.objects.filter(counter__hall=hall, closed_at__isnull=True).select_related(
        "counter", "clerk"
    )
    return [
        {
            "clerk": s.clerk,
            "counter": s.counter,
            "planned": plan.filter(user=s.clerk).select_related("counter").first(),
        }
        for s in sessions
        if (s.clerk_id, s.counter_id) not in placed
    ]


def session_flag(*, counter: Counter, user) -> dict | None:
    """For the console: None when the clerk is where the plan says (or the hall plans nothing today);
    else what the plan says instead (another window, leave, or nothing)."""
    now = local_now(counter.hall)
    plan = RotaEntry.objects.filter(hall=counter.hall, date=now.date(), half=half_of(now.time()))
    if not plan.exists():
        return None
    mine = plan.filter(user=user).select_related("counter").first()
    if mine is not None and mine.counter_id == counter.pk:
        return None
    return {"planned": mine}
