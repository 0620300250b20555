"""Writing to the outbox and waking the streams.

``event_emit`` must run inside the transaction of the change it reports. It wakes streams only after
commit: in this process directly, in other processes through PostgreSQL ``NOTIFY`` (delivered by the
database at commit, never for a rolled-back transaction) or Redis pub/sub when ``SERVICEHALL_REDIS_URL``
is set. A lost wake-up costs at most the hub's poll interval, never an event.
"""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from servicehall.live import wake
from servicehall.live.models import Event

CHANNEL = "servicehall_events"


def event_emit(*, hall, kind: str, payload: dict) -> Event:
    """Append an event for ``hall``. Precondition: called inside ``transaction.atomic``."""
    event = Event.objects.create(hall=hall, kind=kind, payload=payload, created_at=timezone.now())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(event.pk)])
    transaction.on_commit(_wake_after_commit)
    return event


def _wake_after_commit() -> None:
    wake.wake_local()
    if settings.SERVICEHALL_REDIS_URL:
        wake.wake_redis()
