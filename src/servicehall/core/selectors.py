"""Reads of the core app that are more than a ``get``; pages and the API share them."""

import datetime

from django.core.cache import cache
from django.db.models import QuerySet

from servicehall.core import memo
from servicehall.core.errors import NotFound
from servicehall.core.models import AuditEntry, Counter, Hall


def hall_get(*, code: str, active_only: bool = True) -> Hall:
    """The hall with this code (remembered per process for a few seconds: every request asks)."""

    def load():
        qs = Hall.objects.all()
        if active_only:
            qs = qs.filter(active=True)
        return qs.filter(code=code).first()

    hall = memo.remember("hall", (code, active_only), load)
    if hall is None:
        raise NotFound(code="hall_not_found")
    return hall


def hall_list() -> QuerySet[Hall]:
    return Hall.objects.filter(active=True).order_by("code")


def counter_list(*, hall: Hall, active_only: bool = True) -> QuerySet[Counter]:
    qs = Counter.objects.filter(hall=hall).select_related("floor").prefetch_related("service_items")
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("floor__level", "id")


def counter_get(*, counter_id: int) -> Counter:
    counter = Counter.objects.select_related("hall", "floor").filter(pk=counter_id).first()
    if counter is None:
        raise NotFound(code="counter_not_found")
    return counter


def audit_list(
    *, halls, action: str = "", actor: str = "", object_type: str = "", date_from=None, date_to=None
) -> QuerySet[AuditEntry]:
    """Audit entries of the given halls, newest first, filtered as the manager asked."""
    qs = AuditEntry.objects.filter(hall__in=halls).select_related("hall", "actor")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if date_from:
        qs = qs.filter(at__gte=date_from)
    if date_to:
        qs = qs.filter(at__lt=date_to)
    return qs.order_by("-at", "-id")


def opening_hours_cache_key(hall_id: int) -> str:
    return f"hall:{hall_id}:hours"


def opening_periods(*, hall: Hall) -> list[tuple[int, datetime.time, datetime.time]]:
    """(weekday, opens, closes) of the hall. Cached in the shared cache because every public ticket
    issue asks; ``hall_set_opening_hours`` deletes the entry when the hours change."""
    key = opening_hours_cache_key(hall.pk)
    value = cache.get(key)
    if value is None:
        value = list(hall.opening_hours.values_list("weekday", "opens", "closes"))
        cache.set(key, value, 3600)
    return value
