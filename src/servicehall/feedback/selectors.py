"""Reads of feedback: the hall's settings, the citizen's view by code + mobile (a wrong mobile reads as
"not found", never "wrong number"), the staff view (without the complainant for the person the item is
about), lists for staff ("my overdue items"), and the public statistics (no personal data)."""

import hmac

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core import crypto
from servicehall.core.choices import Role
from servicehall.core.errors import NotFound
from servicehall.core.identity import normalize_phone
from servicehall.core.models import Hall
from servicehall.core.permissions import has_role
from servicehall.feedback.choices import OPEN_STATES, FeedbackStatus, FeedbackType, HandlingRating
from servicehall.feedback.models import FeedbackItem, FeedbackSettings


def settings_get(*, hall: Hall) -> FeedbackSettings:
    return FeedbackSettings.objects.filter(hall=hall).first() or FeedbackSettings(hall=hall)


def item_get(*, public_id: str) -> FeedbackItem:
    item = FeedbackItem.objects.select_related("hall", "transferred_from").filter(public_id=public_id).first()
    if item is None:
        raise NotFound(_("No such feedback item."), code="feedback_not_found")
    return item


def item_for_citizen(*, code: str, phone: str) -> FeedbackItem:
    """The item with this code whose mobile is ``phone`` (compared by keyed digest, in constant time)."""
    item = FeedbackItem.objects.select_related("hall").filter(code=(code or "").strip().upper()[:8]).first()
    wanted = crypto.digest(normalize_phone(phone or ""), purpose="phone")
    if item is None or not item.phone_digest or not hmac.compare_digest(item.phone_digest, wanted):
        raise NotFound(_("No feedback with this code and mobile number."), code="feedback_not_found")
    return item


def citizen_view(item: FeedbackItem) -> dict:
    """What the citizen reads: status, deadlines, the reply, whether they may rate (no staff names)."""
    shown = item
    if item.status == FeedbackStatus.MERGED and item.merged_into_id:
        shown = FeedbackItem.objects.get(pk=item.merged_into_id)
    return {
        "code": item.code,
        "type": item.type,
        "type_label": item.get_type_display(),
        "status": shown.status,
        "status_label": shown.get_status_display(),
        "received_at": item.received_at,
        "due_at": item.answer_due_at,
        "reply": shown.reply if shown.answered_at else "",
        "reject_reason": item.reject_reason,
        "merged_into": shown.code if shown is not item else None,
        "can_rate": shown is item and item.status == FeedbackStatus.ANSWERED,
        "handling_rating": item.handling_rating,
        "phone_verified": item.phone_verified_at is not None,
    }


def item_for_staff(item: FeedbackItem, *, user) -> dict:
    """The full record for staff; the member of staff the item is about sees it without the
    complainant's identity (no mobile, no person, no ticket), as with bad ratings."""
    hide = item.subject_clerk_id is not None and getattr(user, "pk", None) == item.subject_clerk_id
    return {
        "id": item.public_id,
        "code": item.code,
        "type": item.type,
        "type_label": item.get_type_display(),
        "subject": item.subject,
        "subject_label": item.get_subject_display(),
        "status_label": item.get_status_display(),
        "text": item.text,
        "channel": item.channel,
        "external_no": item.external_no,
        "status": item.status,
        "received_at": item.received_at,
        "ack_due_at": item.ack_due_at,
        "due_at": item.answer_due_at,
        "overdue": item.status in OPEN_STATES and item.answer_due_at <= timezone.now(),
        "department": item.department,
        "assignee": item.assignee.get_username() if item.assignee_id else None,
        "reply": item.reply,
        "handling_rating": item.handling_rating,
        "phone": "" if hide else item.phone_hint,
        "phone_verified": bool(item.phone_hint) and item.phone_verified_at is not None,
        "person": None if hide else item.person_id,
        "ticket": None if hide or not item.ticket_id else item.ticket.number,
        "complainant_hidden": hide,
        "transferred_from": item.transferred_from.name_local if item.transferred_from_id else "",
        "transfer_reason": item.transfer_reason,
    }


def items_for_hall(*, hall: Hall, status: str = "", overdue_for=None) -> QuerySet[FeedbackItem]:
    qs = FeedbackItem.objects.filter(hall=hall).select_related(
        "hall", "assignee", "ticket", "transferred_from"
    )
    if status:
        qs = qs.filter(status=status)
    if overdue_for is not None:
        mine = Q(assignee=overdue_for)
        if has_role(overdue_for, hall, Role.MANAGER):  # what nobody has been given is the managers'
            mine |= Q(assignee__isnull=True)
        qs = qs.filter(mine, status__in=OPEN_STATES, answer_due_at__lte=timezone.now())
    return qs.order_by("answer_due_at")


def overdue_count(*, hall: Hall, user) -> int:
    """How many open items past their answer deadline are ``user``'s: assigned to them, or, for a
    manager, not yet assigned to anyone."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return items_for_hall(hall=hall, overdue_for=user).count()


def public_statistics(*, hall: Hall, since, until) -> dict:
    """Per hall and period: items received, answered on time, satisfaction with the handling, top
    subjects. Counts only: nothing personal."""
    qs = FeedbackItem.objects.filter(hall=hall, received_at__gte=since, received_at__lt=until)
    answered = qs.filter(answered_at__isnull=False)
    on_time = answered.filter(answered_at__lte=F("answer_due_at")).count()
    rated = qs.exclude(handling_rating="")
    good = rated.filter(handling_rating__in=[HandlingRating.SATISFIED, HandlingRating.BASIC]).count()
    by_type = dict(qs.values_list("type").annotate(n=Count("id")).values_list("type", "n"))
    top = list(qs.values("subject").annotate(n=Count("id")).order_by("-n")[:5])
    return {
        "received": qs.count(),
        "by_type": {t: by_type.get(t, 0) for t in FeedbackType.values},
        "answered": answered.count(),
        "answered_on_time_pct": round(100 * on_time / answered.count(), 1) if answered.count() else None,
        "rated": rated.count(),
        "satisfied_pct": round(100 * good / rated.count(), 1) if rated.count() else None,
        "top_subjects": top,
    }


def complaints_count(*, hall: Hall, since, until) -> int:
    """Real complaints received in the period: what the quality report's "complaints per 1,000 services"
    should count (bad ratings keep their own indicator)."""
    return (
        FeedbackItem.objects.filter(
            hall=hall, type=FeedbackType.COMPLAINT, received_at__gte=since, received_at__lt=until
        )
        .exclude(status=FeedbackStatus.MERGED)
        .count()
    )


COMPLAINT_UNITS = {
    "counter_id": "subject_counter_id",
    "clerk_id": "subject_clerk_id",
    "service_id": "subject_service_id",
}


def complaints_by_unit(*, hall: Hall, since, until, field: str | None = None, **scope) -> dict:
    """Complaints received in ``[since, until)`` per window, clerk or service item (``field``:
    ``counter_id``, ``clerk_id``, ``service_id``; None: all, keyed None), restricted by ``scope``
    (``counter_id=…`` and the like): what the quality report's "complaints per 1,000 services" counts."""
    qs = FeedbackItem.objects.filter(
        hall=hall, type=FeedbackType.COMPLAINT, received_at__gte=since, received_at__lt=until
    ).exclude(status=FeedbackStatus.MERGED)
    qs = qs.filter(**{COMPLAINT_UNITS[k]: v for k, v in scope.items() if v})
    if field is None:
        return {None: qs.count()}
    key = COMPLAINT_UNITS[field]
    return dict(qs.values_list(key).annotate(n=Count("id")).values_list(key, "n").order_by())


def complaints_upheld(*, hall: Hall, clerk_id: int, since, until) -> int:
    """Complaints about one member of staff received in ``[since, until)`` that were handled to an answer
    (answered, closed or archived after an answer), never rejected as out of scope: what the training
    app's promotion criteria count against a clerk."""
    return FeedbackItem.objects.filter(
        hall=hall,
        type=FeedbackType.COMPLAINT,
        subject_clerk_id=clerk_id,
        received_at__gte=since,
        received_at__lt=until,
        answered_at__isnull=False,
        rejected_at__isnull=True,
    ).count()
