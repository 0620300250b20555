"""Fixed-window rate limits for public endpoints, counted in the shared cache (Redis in production)."""

import time

from django.conf import settings
from django.core.cache import cache

from servicehall.core.actors import Actor
from servicehall.core.errors import RateLimited


def rate_limit(
    *,
    actor: Actor,
    scope: str,
    per_minute: int | None = None,
    key: str | None = None,
    per_day: int | None = None,
    everyone: bool = False,
) -> None:
    """Raise ``RateLimited`` when an anonymous client exceeds ``per_minute`` calls of ``scope`` (or
    ``per_day``, counted in calendar days of the server), counted by address, or by ``key`` when given (a
    mobile number's digest, whatever address it comes from). Staff and devices with a valid token are not
    limited: they act on citizens' behalf; ``everyone`` counts them too (what protects a third party, such
    as texts to one mobile, must hold at a kiosk as well)."""
    if not everyone and (actor.user_id is not None or actor.device is not None):
        return
    limit = per_day or per_minute or settings.SERVICEHALL_PUBLIC_RATE_PER_MINUTE
    seconds = 86400 if per_day else 60
    window = int(time.time() // seconds)
    key = f"rl:{scope}:{'d:' if per_day else ''}{key or actor.ip or 'unknown'}:{window}"
    if cache.add(key, 1, timeout=2 * seconds):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=2 * seconds)
            count = 1
    if count > limit:
        raise RateLimited()
