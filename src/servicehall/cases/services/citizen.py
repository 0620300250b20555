"""The applicant's own steps, proved by case number + mobile (or ID number), rate-limited per address and
per case number: look the case up, upload what the one-time notice asked for (which resumes the case and
its clock), withdraw before a decision."""

from django.db import transaction
from django.utils.translation import gettext as _

from servicehall.cases import selectors
from servicehall.cases.models import Case
from servicehall.cases.services.common import lock
from servicehall.cases.services.steps import supply_locked, withdraw_locked
from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict
from servicehall.core.ratelimit import rate_limit


def case_lookup(*, actor: Actor, number: str, phone: str = "", id_number: str = "") -> Case:
    """The citizen's look-up: 10 a minute per address and 10 per case number, so guessing mobiles for a
    known number is as slow as guessing numbers."""
    rate_limit(actor=actor, scope="cases-track", per_minute=10)
    rate_limit(actor=actor, scope="cases-track-number", per_minute=10, key=str(number)[:20])
    return selectors.case_for_citizen(number=number, phone=phone, id_number=id_number)


@transaction.atomic
def case_supply_by_citizen(
    *, actor: Actor, number: str, phone: str, files: list, id_number: str = ""
) -> Case:
    """The applicant uploads the missing materials; when the case was waiting for them, it resumes (the
    deadline moves on by the working days it was stopped). Uploading is possible only while it waits."""
    from servicehall.cases.attachments import save_files  # attachments imports these services

    case = lock(case_lookup(actor=actor, number=number, phone=phone, id_number=id_number))
    if case.status not in selectors.WAITING_FOR_CITIZEN:
        raise Conflict(_("Nothing is needed from you for this case now."), code="nothing_needed")
    save_files(actor=actor, case=case, files=files, by_applicant=True)
    return supply_locked(actor, case)


@transaction.atomic
def case_withdraw_by_citizen(*, actor: Actor, number: str, phone: str, id_number: str = "") -> Case:
    """The applicant withdraws before a decision (afterwards: the table's 409 in words)."""
    case = lock(case_lookup(actor=actor, number=number, phone=phone, id_number=id_number))
    return withdraw_locked(actor, case)  # after a decision: the table's 409 in words
