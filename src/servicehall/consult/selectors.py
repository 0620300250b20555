"""Reads of online consultation: the citizen's thread by code + mobile (a wrong mobile reads as "not
found", never "wrong number"), the views of a thread for the citizen and for staff, the hall's threads,
and the FAQ of an item or a hall in the reader's language."""

import hmac

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from servicehall.consult.choices import ThreadStatus
from servicehall.consult.models import Faq, Message, Thread
from servicehall.core import crypto
from servicehall.core.errors import NotFound
from servicehall.core.identity import normalize_phone
from servicehall.core.models import Hall


def phone_digest(phone: str) -> str:
    return crypto.digest(normalize_phone(phone), purpose="phone")


def _threads() -> QuerySet[Thread]:
    return Thread.objects.select_related("hall", "item").prefetch_related(
        Prefetch("messages", queryset=Message.objects.select_related("author_user", "promoted_to"))
    )


def thread_get(*, public_id: str, hall: Hall | None = None) -> Thread:
    """A thread by id, in ``hall`` when given (another hall's thread reads as not found)."""
    qs = _threads().filter(public_id=str(public_id)[:32])
    if hall is not None:
        qs = qs.filter(hall=hall)
    thread = qs.first()
    if thread is None:
        raise NotFound(_("No such consultation."), code="consultation_not_found")
    return thread


def thread_for_citizen(*, code: str, phone: str) -> Thread:
    """The thread with this code whose mobile is ``phone`` (compared by keyed digest, in constant time)."""
    code = (code or "").strip().upper()[:8] if isinstance(code, str) else ""
    thread = _threads().filter(code=code).first()
    wanted = phone_digest(phone if isinstance(phone, str) else "")
    if thread is None or not hmac.compare_digest(thread.phone_digest, wanted):
        raise NotFound(_("No consultation with this code and mobile number."), code="consultation_not_found")
    return thread


def _messages(thread: Thread, *, staff: bool) -> list[dict]:
    rows = []
    for m in thread.messages.all():
        row = {"author": m.author, "author_label": m.get_author_display(), "text": m.text, "at": m.created_at}
        if staff:
            row.update(
                id=m.pk,
                by=(m.author_user.get_full_name() or m.author_user.username) if m.author_user else "",
                promoted_to=m.promoted_to_id,
            )
        rows.append(row)
    return rows


def citizen_view(thread: Thread) -> dict:
    """What the citizen reads: status, item, the messages (no staff names)."""
    return {
        "code": thread.code,
        "status": thread.status,
        "status_label": thread.get_status_display(),
        "item": thread.item.code if thread.item_id else None,
        "item_name": thread.item.name_local if thread.item_id else "",
        "opened_at": thread.opened_at,
        "messages": _messages(thread, staff=False),
    }


def staff_view(thread: Thread) -> dict:
    """The thread for staff: the masked mobile, the messages with their authors and promotions."""
    return {
        **citizen_view(thread),
        "id": thread.public_id,
        "channel": thread.channel,
        "channel_label": thread.get_channel_display(),
        "language": thread.language,
        "phone": thread.phone_hint,
        "answered_at": thread.answered_at,
        "closed_at": thread.closed_at,
        "messages": _messages(thread, staff=True),
    }


def threads_for_hall(*, hall: Hall, status: str = "") -> QuerySet[Thread]:
    """The hall's threads, waiting ones first, newest first within; ``status`` filters."""
    qs = _threads().filter(hall=hall).annotate(n_messages=Count("messages"))
    if status in ThreadStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-opened_at")


def faq_for_item(*, item) -> list[Faq]:
    return list(Faq.objects.filter(item=item, active=True).order_by("position", "id"))


def faq_for_hall(*, hall: Hall) -> list[Faq]:
    """Every FAQ entry of the hall (the staff page), the hall's own rules first, then by item."""
    return list(Faq.objects.filter(hall=hall).select_related("item").order_by("item__code", "position", "id"))


def faq_get(*, hall: Hall, faq_id) -> Faq:
    try:
        pk = int(faq_id)
    except (TypeError, ValueError, OverflowError):
        pk = 0
    faq = (
        Faq.objects.select_related("item", "hall").filter(hall=hall, pk=pk).first()
        if 0 < pk < 2**62
        else None
    )
    if faq is None:
        raise NotFound(_("No such FAQ entry."), code="faq_not_found")
    return faq


def faq_public(faq: Faq) -> dict:
    return {
        "id": faq.pk,
        "item": faq.item.code if faq.item_id else None,
        "question": faq.question_local,
        "answer": faq.answer_local,
    }
