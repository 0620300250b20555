"""Feedback's links to customer records (registered with ``customers.links`` and the timeline): items
follow a merge of duplicates, an open complaint keeps its complainant's record from erasure until it is
closed (GB/T 36113: the handling is archived with the complaint), and the person's history lists their
items."""

from django.utils.translation import gettext as _

from servicehall.core.audit import audit_record
from servicehall.customers import links, selectors
from servicehall.feedback.choices import OPEN_STATES, FeedbackStatus, FeedbackType
from servicehall.feedback.models import FeedbackItem


def move(actor, hall, from_ids: list[int], to_id: int) -> int:
    ids = list(FeedbackItem.objects.filter(hall=hall, person_id__in=from_ids).values_list("pk", flat=True))
    if ids:
        FeedbackItem.objects.filter(pk__in=ids).update(person_id=to_id)
        audit_record(
            actor=actor,
            action="feedback.person_moved",
            hall=hall,
            object_type="feedback.feedbackitem",
            object_repr=f"{len(ids)} items",
            after={"person": to_id, "items": ids},
        )
    return len(ids)


def erase_block(person) -> str:
    open_complaints = FeedbackItem.objects.filter(
        person=person, type=FeedbackType.COMPLAINT, status__in=[*OPEN_STATES, FeedbackStatus.ANSWERED]
    ).count()
    if not open_complaints:
        return ""
    return _(
        "%(n)s complaint(s) from this person are still being handled; "
        "the record is kept until they are closed."
    ) % {"n": open_complaints}


def erase(actor, person) -> int:
    """The mobile left with the person's items is blanked (the items stay, anonymous, for statistics)."""
    items = FeedbackItem.objects.filter(person=person).exclude(phone_encrypted="", phone_digest="")
    return items.update(phone_encrypted="", phone_hint="", phone_digest="")


def timeline(person) -> list[dict]:
    return [
        {
            "kind": "feedback",
            "at": item.received_at,
            "code": item.code,
            "service_name": item.get_type_display(),
            "label": item.get_status_display(),
            "status": item.status,
        }
        for item in FeedbackItem.objects.filter(person=person).order_by("-received_at")[:100]
    ]


links.register(links.LinkKind(name="feedback", move=move, erase_block=erase_block, erase=erase))
selectors.TIMELINE_SOURCES["feedback"] = timeline
