"""Reads of the outbox outside the streams."""

from django.db.models import Max

from servicehall.live.models import Event


def last_event_id(*, hall) -> int:
    """The newest outbox id of a hall: where a screen drawn now should start its stream."""
    return Event.objects.filter(hall=hall).aggregate(m=Max("id"))["m"] or 0
