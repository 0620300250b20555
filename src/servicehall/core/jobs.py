"""Periodic jobs run by ``servicehall worker``. A job is a function and an interval in seconds; a job
must be safe to run twice (several workers may run)."""

import datetime
from collections.abc import Callable, Iterator

from django.utils import timezone

JOBS: dict[str, tuple[float, Callable[[], str]]] = {}


def job(name: str, *, every_seconds: float):
    def register(fn):
        JOBS[name] = (every_seconds, fn)
        return fn

    return register


@job("core.prune_login_failures", every_seconds=3600)
def prune_login_failures() -> str:
    """Failed log-ins matter only for the lock-out window; keep a day for investigation, then delete."""
    from servicehall.core.models import LoginFailure

    deleted, _ = LoginFailure.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=1)).delete()
    return f"deleted {deleted}"


@job("core.notifications_retry", every_seconds=60)
def notifications_retry() -> str:
    """Texts whose last attempt failed and whose next try is due, one row claimed at a time (safe with
    several workers: a claimed row is locked, then scheduled ahead, before its backend is called)."""
    from servicehall.core import notify

    counts = notify.retry_due()
    return ", ".join(f"{k} {v}" for k, v in counts.items())


@job("core.notifications_prune", every_seconds=3600)
def notifications_prune() -> str:
    """Delivered and given-up texts older than 30 days (the phone is personal data), and the demo file
    backend's lines older than 7 days."""
    from servicehall.core import notify

    counts = notify.prune()
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def run_due_jobs(*, last_run: dict[str, float], now: float) -> Iterator[tuple[str, str]]:
    for name, (every, fn) in JOBS.items():
        if name in last_run and now - last_run[name] < every:
            continue
        last_run[name] = now
        try:
            yield name, fn()
        except Exception as exc:  # a failing job must not stop the others
            yield name, f"failed: {exc!r}"
