"""Every write of feedback: submitting an item (public, rate-limited), each step of the handling as one
service checked against ``choices.TRANSITIONS`` on a locked row, the citizen's rating of the handling,
and the deadline sweep (a reminder before, one escalation to the hall's managers when overdue).

Deadlines are counted in the hall's working days (``core.calendar.add_working_days``: weekends, public
holidays, 调休 make-up days and the hall's closures). Every step is audited; the audit row never copies the
citizen's mobile number.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core import calendar, crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Conflict, Invalid, NotFound
from servicehall.core.identity import is_valid_mobile, mask_phone, normalize_phone
from servicehall.core.models import Hall, HallMembership
from servicehall.core.notify import public_url, send_text
from servicehall.core.permissions import has_role, require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.services import hall_settings_update
from servicehall.core.transitions import transition
from servicehall.feedback import selectors, verification
from servicehall.feedback.choices import (
    OPEN_STATES,
    TRANSITIONS,
    FeedbackAction,
    FeedbackChannel,
    FeedbackStatus,
    FeedbackType,
    HandlingRating,
    Subject,
)
from servicehall.feedback.models import FeedbackItem, FeedbackSettings
from servicehall.live.services import event_emit

HANDLERS = (Role.MANAGER,)
STAFF = (Role.MANAGER, Role.CLERK)
A = FeedbackAction


def phone_digest(phone: str) -> str:
    return crypto.digest(normalize_phone(phone), purpose="phone")


def _audit(actor: Actor, action: str, item: FeedbackItem, **after) -> None:
    audit_record(
        actor=actor,
        action=f"feedback.{action}",
        hall=item.hall,
        obj=item,
        after={"status": item.status, **after},
    )


def _lock(item: FeedbackItem) -> FeedbackItem:
    return FeedbackItem.objects.select_for_update(of=("self",)).select_related("hall").get(pk=item.pk)


def _check_submission(hall: Hall, data: dict, *, anonymous_ok: bool = False) -> dict:
    errors: dict[str, list[str]] = {}
    if data["type"] not in FeedbackType.values:
        errors["type"] = [_("Choose a type from the list.")]
    if data["subject"] not in Subject.values:
        errors["subject"] = [_("Choose what it is about from the list.")]
    text = (data.get("text") or "").strip()
    if not 2 <= len(text) <= 2000:
        errors["text"] = [_("Write between 2 and 2,000 characters.")]
    phone = normalize_phone(data.get("phone") or "")
    if phone and not is_valid_mobile(phone):
        errors["phone"] = [_("Enter an 11-digit mainland mobile number.")]
    needs_phone = data["type"] in (FeedbackType.COMPLAINT, FeedbackType.CONSULTATION) and not anonymous_ok
    if not phone and needs_phone:
        errors["phone"] = [
            _("Leave a mobile number so that we can answer you (only suggestions can be anonymous).")
        ]
    if errors:
        raise Invalid(fields=errors)
    return {**data, "text": text, "phone": phone}


def _ticket(hall: Hall, ticket_id: str):
    if not ticket_id:
        return None
    from servicehall.queueing.models import Ticket

    ticket = (
        Ticket.objects.filter(hall=hall, public_id=ticket_id).select_related("counter", "service").first()
    )
    if ticket is None:
        raise Invalid(fields={"ticket": [_("No such ticket in this hall.")]})
    return ticket


@transaction.atomic
def feedback_submit(
    *,
    actor: Actor,
    hall: Hall,
    type: str,
    subject: str,
    text: str,
    phone: str = "",
    ticket: str = "",
    channel: str = FeedbackChannel.WEB,
    external_no: str = "",
) -> FeedbackItem:
    """A new item, its deadlines in working days, the tracking code texted to the mobile. Public
    (rate-limited per address and per mobile); staff may enter the console, rating and 12345 channels
    for the citizen. An item about a ticket is about its window and clerk, and linked to the person the
    ticket is linked to."""
    staff = has_role(actor.user, hall, Role.MANAGER, Role.CLERK, Role.EVALUATOR)
    kiosk = actor.device is not None and channel == FeedbackChannel.KIOSK
    if channel not in FeedbackChannel.values or not (staff or kiosk or channel == FeedbackChannel.WEB):
        raise Invalid(fields={"channel": [_("This channel cannot be used here.")]})
    staff_entry = staff and channel in (FeedbackChannel.RATING, FeedbackChannel.HOTLINE)
    data = {"type": type, "subject": subject, "text": text, "phone": phone}
    data = _check_submission(hall, data, anonymous_ok=staff_entry)
    rate_limit(actor=actor, scope="feedback", per_minute=5)
    if data["phone"]:
        rate_limit(actor=actor, scope="feedback-phone", per_minute=3, key=phone_digest(data["phone"]))
    now = timezone.now()
    conf = selectors.settings_get(hall=hall)
    item = FeedbackItem(
        hall=hall,
        type=data["type"],
        subject=data["subject"],
        text=data["text"],
        channel=channel,
        external_no=(external_no or "")[:40] if staff else "",
        received_at=now,
        ack_due_at=calendar.add_working_days(hall, now, conf.ack_working_days),
        answer_due_at=calendar.add_working_days(hall, now, conf.answer_days(data["type"])),
    )
    found = _ticket(hall, ticket)
    if found is not None:
        item.ticket = found
        item.subject_counter, item.subject_clerk_id = found.counter, found.clerk_id
        item.subject_service_id = found.service_id
        item.person_id = found.customer_id
    otp = ""
    if data["phone"]:
        item.phone_encrypted = crypto.encrypt(data["phone"])
        item.phone_hint = mask_phone(data["phone"])
        item.phone_digest = phone_digest(data["phone"])
        if staff and channel != FeedbackChannel.WEB:  # staff entered it for the citizen at the window
            # or from the 12345 line: they vouch for the number; staff on the public page do not
            item.phone_verified_at = now
        else:
            otp = verification.otp_issue(item)
    item.save()
    _audit(actor, "submit", item, type=item.type, channel=item.channel)
    event_emit(hall=hall, kind="feedback.received", payload={"code": item.code, "type": item.type})
    if otp:
        send_text(data["phone"], verification.code_text(item, otp))
    elif data["phone"]:
        link = public_url(reverse("feedback:track") + f"?code={item.code}")
        send_text(
            data["phone"],
            _("Your feedback %(code)s was received. Follow it: %(link)s") % {"code": item.code, "link": link},
        )
    return item


def _step(actor: Actor, item: FeedbackItem, action: str, *, roles=HANDLERS, **changes) -> FeedbackItem:
    """Lock, check the table, set the state's timestamp and the changed fields, save, audit."""
    require_role(actor, item.hall, *roles)
    item = _lock(item)
    item.status = transition(TRANSITIONS, item, action)
    stamp = {
        A.ACCEPT: "accepted_at",
        A.REJECT: "rejected_at",
        A.ASSIGN: "assigned_at",
        A.INVESTIGATE: "investigating_at",
        A.ANSWER: "answered_at",
        A.RATE: "closed_at",
        A.CLOSE: "closed_at",
        A.REOPEN: "investigating_at",
        A.MERGE: "merged_at",
        A.ARCHIVE: "archived_at",
    }[action]
    changes[stamp] = timezone.now()
    for key, value in changes.items():
        setattr(item, key, value)
    item.save(update_fields=["status", *changes])
    safe = {k: v for k, v in changes.items() if k not in ("reply",)}
    _audit(actor, action, item, **safe)
    return item


@transaction.atomic
def feedback_accept(*, actor: Actor, item: FeedbackItem) -> FeedbackItem:
    return _step(actor, item, A.ACCEPT)


@transaction.atomic
def feedback_reject(*, actor: Actor, item: FeedbackItem, reason: str) -> FeedbackItem:
    """Out of scope (不予受理), with the reason the citizen reads."""
    if len((reason or "").strip()) < 2:
        raise Invalid(fields={"reason": [_("Say why it is out of scope.")]})
    return _step(actor, item, A.REJECT, reject_reason=reason.strip()[:300])


@transaction.atomic
def feedback_assign(
    *, actor: Actor, item: FeedbackItem, assignee_id: int | None = None, department: str = ""
) -> FeedbackItem:
    """To a member of the hall's staff, or a department by name. The person a complaint is about is never
    assigned their own complaint."""
    if not assignee_id and not department.strip():
        raise Invalid(fields={"assignee": [_("Choose a person or name a department.")]})
    if assignee_id:
        if not HallMembership.objects.filter(hall=item.hall, user_id=assignee_id).exists():
            raise Invalid(fields={"assignee": [_("Choose a member of this hall's staff.")]})
        if assignee_id == item.subject_clerk_id:
            raise Invalid(fields={"assignee": [_("The person the item is about cannot handle it.")]})
    return _step(actor, item, A.ASSIGN, assignee_id=assignee_id, department=department.strip()[:100])


@transaction.atomic
def feedback_investigate(*, actor: Actor, item: FeedbackItem) -> FeedbackItem:
    """The assignee (or a manager) starts the investigation."""
    roles = STAFF if item.assignee_id == actor.user_id else HANDLERS
    return _step(actor, item, A.INVESTIGATE, roles=roles)


@transaction.atomic
def feedback_answer(*, actor: Actor, item: FeedbackItem, reply: str) -> FeedbackItem:
    """The reply to the citizen (处置结果), texted to the mobile with the link to rate the handling."""
    if len((reply or "").strip()) < 2:
        raise Invalid(fields={"reply": [_("Write the reply to the citizen.")]})
    roles = STAFF if item.assignee_id and item.assignee_id == actor.user_id else HANDLERS
    item = _step(actor, item, A.ANSWER, roles=roles, reply=reply.strip()[:2000])
    if item.phone_encrypted and item.phone_verified_at:  # never text an unproved number again
        link = public_url(reverse("feedback:track") + f"?code={item.code}")
        send_text(
            crypto.decrypt(item.phone_encrypted),
            _("Your feedback %(code)s was answered: %(link)s") % {"code": item.code, "link": link},
        )
    return item


@transaction.atomic
def feedback_close(*, actor: Actor, item: FeedbackItem) -> FeedbackItem:
    return _step(actor, item, A.CLOSE)


@transaction.atomic
def feedback_reopen(*, actor: Actor, item: FeedbackItem) -> FeedbackItem:
    return _step(actor, item, A.REOPEN, reopen_count=item.reopen_count + 1)


@transaction.atomic
def feedback_archive(*, actor: Actor, item: FeedbackItem) -> FeedbackItem:
    return _step(actor, item, A.ARCHIVE)


@transaction.atomic
def feedback_merge(*, actor: Actor, item: FeedbackItem, into: FeedbackItem) -> FeedbackItem:
    """A duplicate (the same matter sent twice) merged into ``into``: the citizen's code shows the other."""
    if into.pk == item.pk or into.hall_id != item.hall_id or into.status == FeedbackStatus.MERGED:
        raise Invalid(fields={"into": [_("Choose another open item of the same hall.")]})
    return _step(actor, item, A.MERGE, merged_into=into)


@transaction.atomic
def feedback_transfer(*, actor: Actor, item: FeedbackItem, to_hall_code: str, reason: str) -> FeedbackItem:
    """Hand an open item to the hall responsible for it (a manager of the sending hall). It arrives there
    as received, unassigned, with the receiving hall's deadlines counted from now in its working days;
    the citizen's code and mobile keep working. Audited in both halls. Locks the item's row."""
    require_role(actor, item.hall, *HANDLERS)
    to_hall = Hall.objects.filter(code=(to_hall_code or "").strip()[:32], active=True).first()
    if to_hall is None or to_hall.pk == item.hall_id:
        raise Invalid(fields={"hall": [_("Choose another hall.")]})
    if len((reason or "").strip()) < 2:
        raise Invalid(fields={"reason": [_("Say why the other hall is responsible.")]})
    item = _lock(item)
    from_hall = item.hall
    item.status = transition(TRANSITIONS, item, A.TRANSFER)
    now = timezone.now()
    conf = selectors.settings_get(hall=to_hall)
    item.hall, item.transferred_from, item.transferred_at = to_hall, from_hall, now
    item.transfer_reason = reason.strip()[:300]
    item.ack_due_at = calendar.add_working_days(to_hall, now, conf.ack_working_days)
    item.answer_due_at = calendar.add_working_days(to_hall, now, conf.answer_days(item.type))
    item.assignee, item.department, item.reminded_at, item.escalated_at = None, "", None, None
    fields = ["hall", "transferred_from", "transferred_at", "transfer_reason", "ack_due_at"]
    fields += ["answer_due_at", "assignee", "department", "reminded_at", "escalated_at", "status"]
    item.save(update_fields=fields)
    after = {"from": from_hall.code, "to": to_hall.code, "reason": item.transfer_reason}
    for hall in (from_hall, to_hall):
        audit_record(actor=actor, action="feedback.transfer", hall=hall, obj=item, after=after)
    event_emit(hall=to_hall, kind="feedback.received", payload={"code": item.code, "type": item.type})
    return item


@transaction.atomic
def feedback_rate(*, actor: Actor, code: str, phone: str, rating: str) -> FeedbackItem:
    """The citizen rates the handling (code + mobile). 满意 / 基本满意 close the item; 不满意 reopens it
    once for another investigation, and closes it the second time."""
    rate_limit(actor=actor, scope="feedback-track", per_minute=20)
    if rating not in HandlingRating.values:
        raise Invalid(fields={"rating": [_("Choose a rating from the list.")]})
    item = selectors.item_for_citizen(code=code, phone=phone)
    item = _lock(item)
    if rating == HandlingRating.UNSATISFIED and item.reopen_count < 1:
        item.status = transition(TRANSITIONS, item, A.REOPEN)
        item.reopen_count, item.investigating_at = item.reopen_count + 1, timezone.now()
    else:
        item.status = transition(TRANSITIONS, item, A.RATE)
        item.closed_at = timezone.now()
    item.handling_rating, item.rated_at = rating, timezone.now()
    item.save(
        update_fields=[
            "status",
            "handling_rating",
            "rated_at",
            "reopen_count",
            "investigating_at",
            "closed_at",
        ]
    )
    _audit(actor, "rate", item, rating=rating)
    return item


def feedback_from_rating(*, actor: Actor, rating_public_id: str) -> FeedbackItem:
    """Turn a bad rating's comment into a complaint (channel ``rating``), about the rated ticket's window,
    clerk and service: managers and quality evaluators of the hall. The rater stays anonymous (no mobile:
    the complaint is handled, not followed by the citizen). A rating becomes one complaint at most."""
    from servicehall.quality.choices import BAD_LEVELS
    from servicehall.quality.models import Rating

    rating = Rating.objects.select_related("hall", "ticket").filter(public_id=rating_public_id).first()
    if rating is None:
        raise NotFound(_("No such rating."), code="rating_not_found")
    require_role(actor, rating.hall, Role.MANAGER, Role.EVALUATOR)
    if rating.level not in BAD_LEVELS or not rating.comment.strip():
        raise Conflict(_("Only a bad rating with a comment can become a complaint."), code="not_a_complaint")
    if FeedbackItem.objects.filter(ticket=rating.ticket, channel=FeedbackChannel.RATING).exists():
        raise Conflict(_("This rating is already a complaint."), code="already_a_complaint")
    subject = Subject.CLERK if rating.clerk_id else Subject.WINDOW
    return feedback_submit(
        actor=actor,
        hall=rating.hall,
        type=FeedbackType.COMPLAINT,
        subject=subject,
        text=rating.comment,
        ticket=rating.ticket.public_id,
        channel=FeedbackChannel.RATING,
    )


def settings_update(*, actor: Actor, hall: Hall, **changes) -> FeedbackSettings:
    def check(conf):
        days = conf.answer_working_days
        if not isinstance(days, dict) or any(
            k not in FeedbackType.values or not 1 <= int(v) <= 60 for k, v in days.items()
        ):
            raise Invalid(fields={"answer_working_days": [_("Give 1 to 60 working days per type.")]})

    return hall_settings_update(
        model=FeedbackSettings,
        actor=actor,
        hall=hall,
        action="feedback.settings.update",
        changes=changes,
        check=check,
    )


def feedback_sweep_deadlines(*, hall: Hall, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remind the handler the working day(s) before an answer is due, and escalate an overdue item once
    to the hall's managers (``escalated_at`` is set, so a second sweep does nothing). One audit row per
    kind and sweep, listing the items (actor ``system:feedback.deadlines``)."""
    actor = SystemActor(job="feedback.deadlines")
    now = now or timezone.now()
    conf = selectors.settings_get(hall=hall)
    lead = calendar.add_working_days(hall, now, conf.remind_working_days)
    open_items = FeedbackItem.objects.filter(hall=hall, status__in=OPEN_STATES)
    with transaction.atomic():
        due_soon = list(
            open_items.filter(
                reminded_at__isnull=True, answer_due_at__gt=now, answer_due_at__lte=lead
            ).select_for_update()
        )
        overdue = list(
            open_items.filter(escalated_at__isnull=True, answer_due_at__lte=now).select_for_update()
        )
        FeedbackItem.objects.filter(pk__in=[i.pk for i in due_soon]).update(reminded_at=now)
        FeedbackItem.objects.filter(pk__in=[i.pk for i in overdue]).update(escalated_at=now)
        for kind, items in (("remind", due_soon), ("escalate", overdue)):
            if items:
                audit_record(
                    actor=actor,
                    action=f"feedback.{kind}",
                    hall=hall,
                    object_type="feedback.feedbackitem",
                    object_repr=f"{len(items)} items",
                    after={"items": [i.code for i in items]},
                )
                event_emit(hall=hall, kind=f"feedback.{kind}", payload={"codes": [i.code for i in items]})
    return {"reminded": len(due_soon), "escalated": len(overdue)}
