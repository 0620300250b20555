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
- A save drops the namespace twice: at once, and again when its transaction commits. A value loaded while
  a namespace was being dropped is not stored (each namespace has a version, bumped by every drop), so a
  request running beside an uncommitted change cannot put the old row back for a lifetime.
- Callers get a shallow copy of a stored model instance, so a caller that sets attributes (a settings
  form that fails validation half-way) cannot change what the next request reads. Nested values (a dict
  of roles, a JSON field's list) are shared: read them, never change them in place. Writes never start
  from a remembered row (``core.services.hall_settings_update`` reads its row locked).
- The store holds at most ``MAX_ENTRIES``: keys come from requests (hall codes, token digests, service
  codes, date ranges), so expired entries are swept and, when still full, the oldest go.
"""

import copy
import threading
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

MAX_ENTRIES = 4096

_lock = threading.Lock()
_store: dict[tuple, tuple[float, object]] = {}
_versions: dict[str, int] = {}
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
    version = _versions.get(namespace, 0)
    value = load()
    if lifetime > 0 and not connection.in_atomic_block:
        with _lock:
            if _versions.get(namespace, 0) == version:  # not dropped while we were loading
                if len(_store) >= MAX_ENTRIES:
                    _make_room(now)
                _store[full_key] = (now + lifetime, value)
    return _copied(value)


def _make_room(now: float) -> None:
    """Sweep the expired entries; if the store is still full, drop the oldest tenth. Holds ``_lock``."""
    for key in [k for k, (until, _v) in _store.items() if until <= now]:
        del _store[key]
    if len(_store) >= MAX_ENTRIES:
        for key in list(_store)[: MAX_ENTRIES // 10]:
            del _store[key]


def _copied(value):
    if hasattr(value, "_state"):
        return copy.copy(value)
    return value


def forget(namespace: str) -> None:
    with _lock:
        _versions[namespace] = _versions.get(namespace, 0) + 1
        for key in [k for k in _store if k[0] == namespace]:
            del _store[key]


def forget_all() -> None:
    with _lock:
        for namespace in {k[0] for k in _store} | set(_versions):
            _versions[namespace] = _versions.get(namespace, 0) + 1
        _store.clear()


def depends_on(namespace: str, *models) -> None:
    """Drop ``namespace`` whenever a row of one of ``models`` is saved or deleted in this process."""

    def _drop(sender, using=None, **kwargs):
        forget(namespace)
        # Again once the change is visible to others: a reader between this save and its commit may have
        # loaded (and stored) the old row.
        transaction.on_commit(lambda: forget(namespace), using=using)

    for model in models:
        post_save.connect(
            _drop, sender=model, weak=False, dispatch_uid=f"memo:{namespace}:{model._meta.label}:s"
        )
        post_delete.connect(
            _drop, sender=model, weak=False, dispatch_uid=f"memo:{namespace}:{model._meta.label}:d"
        )
