"""Every write of online consultation: the FAQ (staff save, delete, import, promote a staff answer) and
consultation threads (a citizen asks, staff answer, the citizen follows up, either side closes), each
step checked against ``choices.TRANSITIONS`` on a locked row and audited. The audit never copies the
citizen's mobile number; the mobile is kept encrypted, found by a keyed digest (as in feedback).

Who may do what: hall managers and clerks answer and close threads; managers edit the FAQ and promote
answers to it. Citizens act on their thread with its code and their mobile, rate-limited.
"""

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.consult.assistant import LANGUAGES
from servicehall.consult.choices import TRANSITIONS, Author, ThreadAction, ThreadChannel
from servicehall.consult.models import Faq, Message, Thread
from servicehall.consult.selectors import phone_digest, thread_for_citizen
from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Invalid
from servicehall.core.identity import is_valid_mobile, mask_phone, normalize_phone
from servicehall.core.models import Hall
from servicehall.core.permissions import require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.services import validated
from servicehall.core.transitions import transition
from servicehall.live.services import event_emit

ANSWERERS = (Role.MANAGER, Role.CLERK)
EDITORS = (Role.MANAGER,)
A = ThreadAction
FAQ_TEXTS = ("question", "question_zh_hant", "question_en", "answer", "answer_zh_hant", "answer_en")


def _text(value, field: str, *, low: int, high: int, errors: dict) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not low <= len(text) <= high or "\x00" in text:
        errors[field] = [_("Write between %(low)s and %(high)s characters.") % {"low": low, "high": high}]
    return text


def _item(hall: Hall, code: str | None, errors: dict) -> ServiceItem | None:
    if not code:
        return None
    item = ServiceItem.objects.filter(hall=hall, code=str(code)[:64], active=True).first()
    if item is None:
        errors["item"] = [_("No such service item in this hall.")]
    return item


# --- FAQ ---------------------------------------------------------------------------------------------


@transaction.atomic
def faq_save(
    *, actor: Actor, hall: Hall, faq: Faq | None = None, item_code: str | None = None, **texts
) -> Faq:
    """Create or change an FAQ entry (managers). The simplified question and answer are required; the
    traditional and English ones are optional (converted / falling back when blank). Locks the row."""
    require_role(actor, hall, *EDITORS)
    errors: dict = {}
    item = _item(hall, item_code, errors)
    clean = {}
    for name in FAQ_TEXTS:
        required = name in ("question", "answer")
        high = 200 if name.startswith("question") else 2000
        clean[name] = _text(texts.get(name, ""), name, low=2 if required else 0, high=high, errors=errors)
    if errors:
        raise Invalid(fields=errors)
    if faq is None:
        faq = Faq(hall=hall, position=Faq.objects.filter(hall=hall, item=item).count())
        before = None
    else:
        faq = Faq.objects.select_for_update().get(pk=faq.pk, hall=hall)
        before = {name: getattr(faq, name) for name in FAQ_TEXTS}
    faq.item = item
    for name, value in clean.items():
        setattr(faq, name, value)
    validated(faq).save()
    audit_record(
        actor=actor,
        action="consult.faq.save",
        hall=hall,
        obj=faq,
        before=before,
        after={**clean, "item": item_code or ""},
    )
    return faq


@transaction.atomic
def faq_delete(*, actor: Actor, faq: Faq) -> None:
    require_role(actor, faq.hall, *EDITORS)
    audit_record(
        actor=actor, action="consult.faq.delete", hall=faq.hall, obj=faq, before={"question": faq.question}
    )
    faq.delete()


@transaction.atomic
def faq_import(*, actor: Actor, hall: Hall, text: str) -> int:
    """Load FAQ entries from the exchange form (``{"faqs": [{item, question, question_en, answer,
    answer_en, …}]}``), all or nothing. Returns how many."""
    require_role(actor, hall, *EDITORS)
    try:
        rows = json.loads(text)["faqs"]
        assert isinstance(rows, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise Invalid(fields={"file": [_("Give a JSON object with a list “faqs”.")]}) from None
    for row in rows:
        texts = {k: row.get(k, "") for k in FAQ_TEXTS}
        faq_save(actor=actor, hall=hall, item_code=row.get("item"), **texts)
    return len(rows)


@transaction.atomic
def faq_promote(
    *, actor: Actor, message: Message, question: str, question_en: str = "", answer_en: str = ""
) -> Faq:
    """A staff answer becomes an FAQ entry of the thread's item (or of the hall when it has none), with
    the question rewritten for everyone by the manager. Locks the message; a message is promoted once."""
    thread = message.thread
    require_role(actor, thread.hall, *EDITORS)
    message = Message.objects.select_for_update().select_related("thread").get(pk=message.pk)
    if message.author != Author.STAFF or message.promoted_to_id:
        raise Invalid(fields={"message": [_("Only a staff answer not yet in the FAQ can be promoted.")]})
    faq = faq_save(
        actor=actor,
        hall=thread.hall,
        item_code=thread.item.code if thread.item_id else None,
        question=question,
        question_en=question_en,
        answer=message.text,
        answer_en=answer_en,
    )
    message.promoted_to = faq
    message.save(update_fields=["promoted_to"])
    audit_record(
        actor=actor, action="consult.faq.promote", hall=thread.hall, obj=thread, after={"faq": faq.pk}
    )
    return faq


# --- Threads -----------------------------------------------------------------------------------------


def _audit(actor: Actor, action: str, thread: Thread, **after) -> None:
    audit_record(
        actor=actor,
        action=action,
        hall=thread.hall,
        obj=thread,
        after={"status": thread.status, **after},
    )


def _lock(thread: Thread) -> Thread:
    return Thread.objects.select_for_update(of=("self",)).select_related("hall", "item").get(pk=thread.pk)


@transaction.atomic
def thread_open(
    *,
    actor: Actor,
    hall: Hall,
    question,
    phone,
    item_code: str | None = None,
    lang: str = "zh-hans",
    channel: str = ThreadChannel.WEB,
) -> Thread:
    """A citizen's question to the hall's staff (public, rate-limited per address and per mobile): the
    thread is followed by its code and the mobile. No account, no text message: the page shows the code."""
    errors: dict = {}
    text = _text(question, "question", low=2, high=1000, errors=errors)
    number = normalize_phone(phone if isinstance(phone, str) else "")
    if not is_valid_mobile(number):
        errors["phone"] = [_("Enter an 11-digit mainland mobile number.")]
    item = _item(hall, item_code, errors)
    if lang not in LANGUAGES:
        errors["lang"] = [_("Choose zh-hans, zh-hant or en.")]
    if channel not in ThreadChannel.values:
        errors["channel"] = [_("This channel cannot be used here.")]
    if errors:
        raise Invalid(fields=errors)
    rate_limit(actor=actor, scope="consult", per_minute=5)
    rate_limit(actor=actor, scope="consult-phone", per_minute=3, key=phone_digest(number))
    now = timezone.now()
    thread = Thread(
        hall=hall,
        item=item,
        channel=channel,
        language=lang,
        phone_encrypted=crypto.encrypt(number),
        phone_hint=mask_phone(number),
        phone_digest=phone_digest(number),
        opened_at=now,
    )
    thread.save()
    Message.objects.create(thread=thread, author=Author.CITIZEN, text=text, created_at=now)
    _audit(actor, "consult.open", thread, channel=channel, item=item.code if item else "")
    event_emit(hall=hall, kind="consult.opened", payload={"code": thread.code})
    return thread


@transaction.atomic
def thread_answer(*, actor: Actor, thread: Thread, text) -> Thread:
    """A staff answer (managers and clerks of the thread's hall). Locks the thread."""
    require_role(actor, thread.hall, *ANSWERERS)
    errors: dict = {}
    body = _text(text, "text", low=2, high=2000, errors=errors)
    if errors:
        raise Invalid(fields=errors)
    thread = _lock(thread)
    thread.status = transition(TRANSITIONS, thread, A.ANSWER)
    thread.answered_at = timezone.now()
    thread.save(update_fields=["status", "answered_at"])
    Message.objects.create(
        thread=thread, author=Author.STAFF, author_user=actor.user, text=body, created_at=thread.answered_at
    )
    _audit(actor, "consult.answer", thread)
    return thread


@transaction.atomic
def thread_follow_up(*, actor: Actor, code: str, phone: str, text) -> Thread:
    """The citizen asks more on their thread (code + mobile): it waits for staff again."""
    rate_limit(actor=actor, scope="consult-track", per_minute=20)
    errors: dict = {}
    body = _text(text, "text", low=2, high=1000, errors=errors)
    if errors:
        raise Invalid(fields=errors)
    thread = _lock(thread_for_citizen(code=code, phone=phone))
    thread.status = transition(TRANSITIONS, thread, A.FOLLOW_UP)
    thread.followed_up_at = timezone.now()
    thread.save(update_fields=["status", "followed_up_at"])
    Message.objects.create(thread=thread, author=Author.CITIZEN, text=body, created_at=thread.followed_up_at)
    _audit(actor, "consult.follow_up", thread)
    return thread


@transaction.atomic
def thread_close(*, actor: Actor, thread: Thread | None = None, code: str = "", phone: str = "") -> Thread:
    """Close a thread: staff of its hall (``thread``), or the citizen with the code and mobile."""
    if thread is not None:
        require_role(actor, thread.hall, *ANSWERERS)
    else:
        rate_limit(actor=actor, scope="consult-track", per_minute=20)
        thread = thread_for_citizen(code=code, phone=phone)
    thread = _lock(thread)
    thread.status = transition(TRANSITIONS, thread, A.CLOSE)
    thread.closed_at = timezone.now()
    thread.save(update_fields=["status", "closed_at"])
    _audit(actor, "consult.close", thread)
    return thread
