"""Wake-up signals for the streams of this process.

The hub (``live.hub``) sleeps until one of these fires or its poll interval passes. Signals carry no
data: the outbox is the only source of events, so a duplicate or lost signal is harmless.
"""

import asyncio
import logging
import threading

from django.conf import settings

log = logging.getLogger("servicehall.live")
_lock = threading.Lock()
_loops: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
_redis = None


def register(loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
    with _lock:
        _loops.append((loop, event))


def unregister(event: asyncio.Event) -> None:
    with _lock:
        _loops[:] = [(lp, ev) for lp, ev in _loops if ev is not event]


def wake_local() -> None:
    """Wake every hub of this process (called from any thread after a commit)."""
    with _lock:
        targets = list(_loops)
    for loop, event in targets:
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # loop closed
            unregister(event)


def wake_redis() -> None:
    global _redis
    try:
        if _redis is None:
            import redis

            _redis = redis.Redis.from_url(settings.SERVICEHALL_REDIS_URL)
        _redis.publish("servicehall_events", "1")
    except Exception as exc:  # a lost wake-up is covered by the hub's poll
        log.warning("redis wake-up failed: %r", exc)
