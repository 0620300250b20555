"""Periodic jobs of the queue, run by ``servicehall worker``. A job that changes the state of a hall's
rows does it through a service that writes the audit row (actor ``system:<job>``); pruning the event
outbox deletes delivery copies, not state, and leaves no audit row."""

import datetime

from django.utils import timezone

from servicehall.core.jobs import job


@job("live.prune_events", every_seconds=3600)
def prune_events() -> str:
    """Screens replay at most a few minutes after a reconnect; keep two days of outbox for diagnosis."""
    from servicehall.live.models import Event

    deleted, _ = Event.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=2)).delete()
    return f"deleted {deleted}"


@job("queueing.close_previous_days", every_seconds=600)
def close_previous_days() -> str:
    """After each hall's local midnight, end the previous day's queue (see tickets_close_previous_days: one
    audit row per hall that had anything to close, listing the ticket and session ids)."""
    from servicehall.core.models import Hall
    from servicehall.queueing.services import tickets_close_previous_days

    closed = sum(tickets_close_previous_days(hall=hall) for hall in Hall.objects.filter(active=True))
    return f"closed {closed}"
