"""Periodic jobs of feedback, run by ``servicehall worker``."""

from servicehall.core.jobs import job


@job("feedback.deadlines", every_seconds=900)
def deadlines() -> str:
    """Reminders before the answer is due, one escalation when overdue (``feedback_sweep_deadlines``)."""
    from servicehall.core.models import Hall
    from servicehall.feedback.services import feedback_sweep_deadlines

    totals = {"reminded": 0, "escalated": 0}
    for hall in Hall.objects.filter(active=True):
        for key, value in feedback_sweep_deadlines(hall=hall).items():
            totals[key] += value
    return ", ".join(f"{k} {v}" for k, v in totals.items())
