"""Worker jobs of the cases app: the deadline sweep of every open hall."""

import logging

from servicehall.core.jobs import job

log = logging.getLogger(__name__)


@job("cases.deadlines", every_seconds=300)
def sweep_case_deadlines() -> str:
    """Each hall's due-soon reminders and overdue escalations (``services.cases_sweep_deadlines``); a
    failing hall does not stop the others."""
    from servicehall.cases.services import cases_sweep_deadlines
    from servicehall.core.models import Hall

    reminded = escalated = 0
    for hall in Hall.objects.filter(active=True):
        try:
            got = cases_sweep_deadlines(hall=hall)
        except Exception:  # one hall's bad data must not silence the others' deadlines
            log.exception("case deadline sweep of %s failed", hall.code)
            continue
        reminded, escalated = reminded + got["reminded"], escalated + got["escalated"]
    return f"reminded {reminded}, escalated {escalated}"
