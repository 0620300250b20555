"""Each step of a case after it began, one service per action, checked against ``choices.TRANSITIONS`` on
the locked row (``select_for_update`` on the case), with the state's timestamp, an audit row and the text
the citizen cares about (accepted, more materials needed with the list, approved, ready to collect).

The deadline clock: acceptance starts it again from the acceptance moment; a request for materials during
review stops it, and the citizen's supply moves both deadlines on by the working days it was stopped.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from servicehall.cases.choices import STAMPS, TRANSITIONS, CaseAction, CaseStatus, DeliveryMethod
from servicehall.cases.models import Case, CaseVisit
from servicehall.cases.services import common
from servicehall.cases.services.submit import accepted_text, checklist
from servicehall.core import calendar
from servicehall.core.actors import Actor
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.models import Counter
from servicehall.core.permissions import require_role
from servicehall.core.transitions import transition
from servicehall.live.services import event_emit

A, S = CaseAction, CaseStatus


def _step(actor: Actor, case: Case, action: str, *, roles=common.STAFF, **changes) -> Case:
    """Lock, check the table, stamp the new state, save the changed fields, audit, emit."""
    require_role(actor, case.hall, *roles)
    case = common.lock(case)
    return _apply(actor, case, action, **changes)


def _apply(actor: Actor, case: Case, action: str, **changes) -> Case:
    """The transition on a case the caller has locked."""
    case.status = transition(TRANSITIONS, case, action)
    stamp = "materials_supplied_at" if action == A.SUPPLY else STAMPS[case.status]
    changes[stamp] = common.now()
    for key, value in changes.items():
        setattr(case, key, value)
    case.save(update_fields=["status", *changes])
    safe = {k: v for k, v in changes.items() if k not in ("materials",)}
    common.audit(actor, action.replace("-", "_"), case, **safe)
    event_emit(hall=case.hall, kind=f"cases.{case.status}", payload={"number": case.number})
    return case


@transaction.atomic
def case_prereview(*, actor: Actor, case: Case) -> Case:
    return _step(actor, case, A.PREREVIEW)


@transaction.atomic
def case_accept(*, actor: Actor, case: Case, materials: dict | None = None, counter_id=None) -> Case:
    """受理: the materials checklist ticked, both deadlines counted from now."""
    require_role(actor, case.hall, *common.STAFF)
    case = common.lock(case)
    now = common.now()
    common.set_deadlines(case, now)
    changes = {"accepted_by": actor.user, "due_at": case.due_at, "legal_due_at": case.legal_due_at}
    if materials is not None:
        changes["materials"] = checklist(case.service, materials)
    if counter_id:
        changes["counter"] = Counter.objects.filter(hall=case.hall, pk=counter_id).first()
    case = _apply(actor, case, A.ACCEPT, **changes)
    common.text_citizen(case, accepted_text(case))
    return case


@transaction.atomic
def case_review(*, actor: Actor, case: Case) -> Case:
    return _step(actor, case, A.REVIEW)


@transaction.atomic
def case_request_materials(*, actor: Actor, case: Case, missing, note: str = "") -> Case:
    """补正: the one-time notice of exactly what is missing (一次性告知), texted with its list. During
    review the deadline clock stops until the citizen supplies them."""
    items = common.clean_missing(missing)
    note = (note or "").replace("\x00", "").strip()[:500]
    case = _step(actor, case, A.REQUEST_MATERIALS, notice=items, notice_note=note, materials_supplied_at=None)
    common.text_citizen(
        case,
        _("Case %(number)s: please supply %(list)s. Upload them or bring them: %(link)s")
        % {"number": case.number, "list": "; ".join(items), "link": common.track_url(case)},
    )
    return case


def supply_locked(actor: Actor, case: Case) -> Case:
    """The citizen supplied what the notice asked for (the case is locked by the caller): during review
    the deadlines move on by the working days the clock was stopped."""
    changes = {}
    if case.status == S.MATERIALS_REQUESTED and case.materials_requested_at:
        paused = common.working_days_between(case.hall, case.materials_requested_at, common.now())
        changes["paused_working_days"] = case.paused_working_days + paused
        if paused:
            changes["due_at"] = calendar.add_working_days(case.hall, case.due_at, paused)
            changes["legal_due_at"] = calendar.add_working_days(case.hall, case.legal_due_at, paused)
            changes["reminded_at"] = changes["escalated_at"] = None  # a new deadline, reminded again
    return _apply(actor, case, A.SUPPLY, **changes)


@transaction.atomic
def case_supply(*, actor: Actor, case: Case) -> Case:
    """Staff record that the materials were brought to the window."""
    require_role(actor, case.hall, *common.STAFF)
    return supply_locked(actor, common.lock(case))


@transaction.atomic
def case_approve(*, actor: Actor, case: Case) -> Case:
    case = _step(actor, case, A.APPROVE, roles=common.DECIDERS)
    common.text_citizen(
        case,
        _("Case %(number)s was approved. %(link)s") % {"number": case.number, "link": common.track_url(case)},
    )
    return case


@transaction.atomic
def case_reject(*, actor: Actor, case: Case, reason: str) -> Case:
    """不予许可 / 不予受理 with its legal reason (required: the citizen is told why and on what basis)."""
    reason = (reason or "").replace("\x00", "").strip()
    if not 4 <= len(reason) <= 500:
        raise Invalid(fields={"reason": [_("Give the legal reason (4 to 500 characters).")]})
    case = _step(actor, case, A.REJECT, roles=common.DECIDERS, reject_reason=reason)
    common.text_citizen(
        case,
        _("Case %(number)s was not approved: %(reason)s") % {"number": case.number, "reason": reason},
    )
    return case


@transaction.atomic
def case_ready(*, actor: Actor, case: Case, counter_id=None) -> Case:
    """The result (licence, certificate) is ready to collect at a window (the item's first by default)."""
    counter = None
    if counter_id:
        counter = Counter.objects.filter(hall=case.hall, pk=counter_id).first()
        if counter is None:
            raise Invalid(fields={"counter": [_("No such window in this hall.")]})
    counter = counter or case.service.counters.order_by("number").first()
    case = _step(actor, case, A.READY, collect_counter=counter)
    where = _("window %(n)s") % {"n": counter.number} if counter else _("the hall")
    common.text_citizen(
        case,
        _("Case %(number)s: your result is ready to collect at %(where)s. Bring your ID and this number.")
        % {"number": case.number, "where": where},
    )
    return case


@transaction.atomic
def case_deliver(*, actor: Actor, case: Case, method: str, tracking_number: str = "") -> Case:
    """Delivered: picked up at the window, posted (tracking number required), or an electronic
    certificate (a certificate file must be attached first)."""
    tracking_number = (tracking_number or "").replace("\x00", "").strip()[:40]
    if method not in DeliveryMethod.values:
        raise Invalid(fields={"method": [_("Choose how the result was delivered.")]})
    if method == DeliveryMethod.POST and not tracking_number:
        raise Invalid(fields={"tracking_number": [_("Enter the postal tracking number.")]})
    if method == DeliveryMethod.ELECTRONIC and not case.attachments.filter(certificate=True).exists():
        raise Invalid(fields={"method": [_("Attach the electronic certificate first.")]})
    return _step(actor, case, A.DELIVER, delivery_method=method, tracking_number=tracking_number)


@transaction.atomic
def case_close(*, actor: Actor, case: Case) -> Case:
    return _step(actor, case, A.CLOSE)


@transaction.atomic
def case_withdraw(*, actor: Actor, case: Case) -> Case:
    """Withdrawn at the applicant's request before a decision (staff record it, or the citizen online)."""
    return _step(actor, case, A.WITHDRAW)


def withdraw_locked(actor: Actor, case: Case) -> Case:
    return _apply(actor, case, A.WITHDRAW)


@transaction.atomic
def case_link_ticket(*, actor: Actor, ticket, number: str) -> CaseVisit:
    """A later trip: the ticket being served is linked to an existing case of the hall by its number."""
    require_role(actor, ticket.hall, *common.STAFF)
    case = (
        Case.objects.select_for_update(of=("self",))
        .filter(hall=ticket.hall, number=(number or "").strip()[:20])
        .first()
    )
    if case is None:
        raise NotFound(_("No case with this number in this hall."), code="case_not_found")
    if CaseVisit.objects.filter(ticket_id=ticket.pk).exists():
        raise Invalid(fields={"number": [_("This ticket already served a case.")]})
    visit = CaseVisit.objects.create(case=case, ticket=ticket, at=common.now())
    common.audit(actor, "visit", case, ticket=ticket.number)
    return visit
