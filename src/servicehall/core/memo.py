"""A per-process memo, for a few seconds, of rows that every request reads and that change rarely: an API
token's user, a device, a hall by its code, a hall's settings, a service item with its plan, a user's roles.

Why: on the 2-core machines we run on, one ORM query costs 0.3-0.45 ms of CPU in Django before the database
does anything, and the issue and booking requests used to spend 5-6 such queries on these reads (see
``bench/README.md``). Under a booking storm that CPU is the latency.

Rules that keep it correct:

- An entry lives ``SERVICEHALL_MEMO_SECONDS`` (default 5 s). Every change saved in this process (any
  ``post_save``/``post_delete`` of the models a namespace depends on, admin and services alike) drops the
  whole namespace at once, so a process always sees its own writes; another worker process sees them
  within the lifetime. A revoked token or a deactivated device therefore stops working everywhere within
  five seconds.
- Nothing read inside a transaction is stored: the row may be rolled back.
- Callers get a shallow copy of a stored model instance, so a caller that changes attributes (a settings
  form that fails validation half-way) cannot change what the next request reads.
"""

import copy
import threading
import time

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save

_lock = threading.Lock()
_store: dict[tuple, tuple[float, object]] = {}
_MISSING = object()


def _lifetime() -> float:
    return float(getattr(settings, "SERVICEHALL_MEMO_SECONDS", 5))


def remember(namespace: str, key, load):
    """Return the stored value of ``(namespace, key)``, or call ``load()`` and store what it returns
    (``None`` included: an unknown token is asked again only after the lifetime)."""
    lifetime = _lifetime()
    full_key = (namespace, key)
    now = time.monotonic()
    found = _store.get(full_key, _MISSING)
    if found is not _MISSING and found[0] > now:
        return _copied(found[1])
    value = load()
    if lifetime > 0 and not connection.in_atomic_block:
        with _lock:
            _store[full_key] = (now + lifetime, value)
    return _copied(value)


def _copied(value):
    if hasattr(value, "_state"):
        return copy.copy(value)
    return value


def forget(namespace: str) -> None:
    with _lock:
        for key in [k for k in _store if k[0] == namespace]:
            del _store[key]


def forget_all() -> None:
    with _lock:
        _store.clear()


def depends_on(namespace: str, *models) -> None:
    """Drop ``namespace`` whenever a row of one of ``models`` is saved or deleted in this process."""

    def _drop(sender, **kwargs):
        forget(namespace)

    for model in models:
        post_save.connect(_drop, sender=model, weak=False, dispatch_uid=f"memo:{namespace}:{model._meta.label}:s")
        post_delete.connect(_drop, sender=model, weak=False, dispatch_uid=f"memo:{namespace}:{model._meta.label}:d")
