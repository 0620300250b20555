"""Periodic jobs of the queue, run by ``servicehall worker``."""

import datetime

from django.utils import timezone

from servicehall.core.jobs import job


@job("live.prune_events", every_seconds=3600)
def prune_events() -> str:
    """Screens replay at most a few minutes after a reconnect; keep two days of outbox for diagnosis."""
    from servicehall.live.models import Event

    deleted, _ = Event.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=2)).delete()
    return f"deleted {deleted}"
