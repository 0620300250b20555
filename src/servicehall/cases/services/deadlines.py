"""The deadline sweep of cases: a reminder when a case's promised moment is within two working days, and
one escalation to the hall when it has passed, each once per deadline (``reminded_at``,
``escalated_at``; a 补正 that moves the deadline on clears them). Cases waiting for the citizen's
materials are left alone: their clock is stopped. What the hall sees: the staff home's counts, the
due-soon and overdue lists, the hall's event stream; what is kept: one audit row per kind and sweep."""

import datetime

from django.db import transaction
from django.utils import timezone

from servicehall.cases.choices import ACTIVE
from servicehall.cases.models import Case
from servicehall.core import calendar
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.models import Hall
from servicehall.live.services import event_emit

JOB = "cases.deadlines"
LEAD_WORKING_DAYS = 2  # the same horizon as the "due soon" list


def cases_sweep_deadlines(*, hall: Hall, now: datetime.datetime | None = None) -> dict[str, int]:
    """Mark and announce the cases newly due soon and newly overdue in ``hall``. Safe to run twice and
    from two workers (the rows are locked; a marked case is not picked again)."""
    now = now or timezone.now()
    actor = SystemActor(job=JOB)
    horizon = calendar.add_working_days(hall, now, LEAD_WORKING_DAYS)
    active = Case.objects.filter(hall=hall, status__in=ACTIVE)
    with transaction.atomic():
        soon = list(
            active.filter(reminded_at__isnull=True, due_at__gt=now, due_at__lte=horizon)
            .select_for_update()
            .order_by("due_at")
        )
        overdue = list(
            active.filter(escalated_at__isnull=True, due_at__lte=now).select_for_update().order_by("due_at")
        )
        Case.objects.filter(pk__in=[c.pk for c in soon]).update(reminded_at=now)
        # an overdue case needs no reminder afterwards: it was never "due soon" to anyone after this
        Case.objects.filter(pk__in=[c.pk for c in overdue]).update(escalated_at=now, reminded_at=now)
        for kind, cases in (("remind", soon), ("escalate", overdue)):
            if not cases:
                continue
            numbers = [c.number for c in cases]
            audit_record(
                actor=actor,
                action=f"cases.{kind}",
                hall=hall,
                object_type="cases.case",
                object_repr=f"{len(cases)} cases",
                after={"cases": numbers, "due": [c.due_at.isoformat() for c in cases]},
            )
            event_emit(hall=hall, kind=f"cases.{kind}", payload={"numbers": numbers})
    return {"reminded": len(soon), "escalated": len(overdue)}
