"""Periodic jobs of training, run by ``servicehall worker``."""

from servicehall.core.jobs import job


@job("training.certificates", every_seconds=3600)
def certificates() -> str:
    """Expiry warnings (once, ``warn_days`` ahead) and expiries on the day, with the qualifications they
    drop (``certificates_sweep``); hourly, so a certificate lapses within an hour of the hall's midnight."""
    from servicehall.core.models import Hall
    from servicehall.training.services import certificates_sweep

    totals = {"warned": 0, "expired": 0, "dropped": 0}
    for hall in Hall.objects.filter(active=True):
        for key, value in certificates_sweep(hall=hall).items():
            totals[key] += value
    return ", ".join(f"{k} {v}" for k, v in totals.items())


@job("training.exams", every_seconds=300)
def exams() -> str:
    """Close exam attempts left open past their deadline (``attempts_close_overdue``)."""
    from servicehall.core.models import Hall
    from servicehall.training.services import attempts_close_overdue

    closed = sum(attempts_close_overdue(hall=hall) for hall in Hall.objects.filter(active=True))
    return f"closed {closed}"
