"""Fixed-window rate limits for public endpoints, counted in the shared cache (Redis in production)."""

import time

from django.conf import settings
from django.core.cache import cache

from servicehall.core.actors import Actor
from servicehall.core.errors import RateLimited


def rate_limit(*, actor: Actor, scope: str, per_minute: int | None = None, key: str | None = None) -> None:
    """Raise ``RateLimited`` when an anonymous client exceeds ``per_minute`` calls of ``scope``, counted by
    address, or by ``key`` when given (a mobile number's digest, whatever address it comes from).
    Staff and devices with a valid token are not limited: they act on citizens' behalf."""
    if actor.user_id is not None or actor.device is not None:
        return
    limit = per_minute or settings.SERVICEHALL_PUBLIC_RATE_PER_MINUTE
    window = int(time.time() // 60)
    key = f"rl:{scope}:{key or actor.ip or 'unknown'}:{window}"
    if cache.add(key, 1, timeout=120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=120)
            count = 1
    if count > limit:
        raise RateLimited()
