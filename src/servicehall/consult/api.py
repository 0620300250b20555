"""The consultation API: the assistant (a contract: ``POST /halls/{hall}/assistant`` ``{question, lang}``
→ ``{answer, sources: [{kind, id, title}], confident}``), the public FAQ, a citizen's thread (open,
read, follow up, close with code + mobile), and the staff's side (threads, answers, the FAQ)."""

from django.urls import reverse
from django.utils import translation
from ninja import Field, Router, Schema, Status

from servicehall.consult import assistant, selectors, services
from servicehall.consult.choices import ThreadChannel
from servicehall.consult.models import Message
from servicehall.core.choices import Role
from servicehall.core.errors import NotFound
from servicehall.core.notify import public_url
from servicehall.core.permissions import require_role
from servicehall.core.selectors import hall_get

router = Router(tags=["consultation"])
STAFF = (Role.MANAGER, Role.CLERK)


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict = {}


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class AskIn(Schema):
    question: str = Field(description="The citizen's question, 1-300 characters")
    lang: str = Field(description="zh-hans, zh-hant or en: the language of the answer")


class SourceOut(Schema):
    kind: str = Field(description="item, faq or hours")
    id: str = Field(description="The item's code, the FAQ entry's id, the hall's code")
    title: str


class AnswerOut(Schema):
    answer: str
    sources: list[SourceOut]
    confident: bool


@router.post(
    "/halls/{hall_code}/assistant",
    response={200: AnswerOut, **ERRORS},
    summary="Ask the assistant",
)
def assistant_ask(request, hall_code: str, data: AskIn):
    """Answers from the hall's own catalogue, FAQ and opening hours; ``confident`` is false when they do
    not answer the question (the answer then says so and offers a person: open a consultation)."""
    hall = hall_get(code=hall_code)
    reply = assistant.assistant_answer(actor=request.auth, hall=hall, question=data.question, lang=data.lang)
    return reply.as_dict()


class ThreadIn(Schema):
    question: str = Field(max_length=1000)
    phone: str = Field(max_length=20)
    item: str | None = Field(None, max_length=64, description="The service item's code")
    lang: str = Field("zh-hans", max_length=8)
    channel: ThreadChannel = ThreadChannel.WEB


class ThreadCreatedOut(Schema):
    code: str
    status: str
    track_url: str


def track_url(thread) -> str:
    return public_url(reverse("consult:track") + f"?code={thread.code}")


@router.post(
    "/halls/{hall_code}/consultations",
    response={201: ThreadCreatedOut, **ERRORS},
    summary="Ask the hall's staff",
)
def thread_create(request, hall_code: str, data: ThreadIn):
    thread = services.thread_open(
        actor=request.auth,
        hall=hall_get(code=hall_code),
        question=data.question,
        phone=data.phone,
        item_code=data.item,
        lang=data.lang,
        channel=data.channel,
    )
    return Status(201, {"code": thread.code, "status": thread.status, "track_url": track_url(thread)})


class CitizenIn(Schema):
    phone: str = Field(max_length=20)
    text: str = Field("", max_length=1000)


@router.get("/consultations/{code}", response={200: dict, **ERRORS}, summary="Follow a consultation")
def thread_read(request, code: str, phone: str = ""):
    return selectors.citizen_view(selectors.thread_for_citizen(code=code[:8], phone=phone[:20]))


@router.post("/consultations/{code}/{action}", response={200: dict, **ERRORS}, summary="Ask more or close")
def thread_citizen_action(request, code: str, action: str, data: CitizenIn):
    """``follow-up`` (with ``text``) or ``close``, by the citizen with the code and mobile."""
    if action == "follow-up":
        thread = services.thread_follow_up(
            actor=request.auth, code=code[:8], phone=data.phone, text=data.text
        )
    elif action == "close":
        thread = services.thread_close(actor=request.auth, code=code[:8], phone=data.phone)
    else:
        raise NotFound(code="unknown_action")
    return selectors.citizen_view(selectors.thread_get(public_id=thread.public_id))


@router.get("/halls/{hall_code}/consultations", response={200: list[dict], **ERRORS}, summary="The threads")
def thread_list(request, hall_code: str, status: str = ""):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *STAFF)
    return [selectors.staff_view(t) for t in selectors.threads_for_hall(hall=hall, status=status[:10])[:200]]


class AnswerIn(Schema):
    text: str = Field("", max_length=2000)


@router.post(
    "/halls/{hall_code}/consultations/{thread_id}/{action}",
    response={200: dict, **ERRORS},
    summary="Answer or close a thread",
)
def thread_staff_action(request, hall_code: str, thread_id: str, action: str, data: AnswerIn):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *STAFF)
    thread = selectors.thread_get(public_id=thread_id, hall=hall)
    if action == "answer":
        thread = services.thread_answer(actor=request.auth, thread=thread, text=data.text)
    elif action == "close":
        thread = services.thread_close(actor=request.auth, thread=thread)
    else:
        raise NotFound(code="unknown_action")
    return selectors.staff_view(selectors.thread_get(public_id=thread.public_id))


class PromoteIn(Schema):
    question: str = Field(max_length=200)
    question_en: str = Field("", max_length=300)
    answer_en: str = Field("", max_length=3000)


@router.post(
    "/halls/{hall_code}/consultations/{thread_id}/messages/{message_id}/promote",
    response={201: dict, **ERRORS},
    summary="Promote a staff answer to the FAQ",
)
def message_promote(request, hall_code: str, thread_id: str, message_id: int, data: PromoteIn):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *services.EDITORS)
    thread = selectors.thread_get(public_id=thread_id, hall=hall)
    message = Message.objects.filter(thread=thread, pk=message_id if 0 < message_id < 2**62 else 0).first()
    if message is None:
        raise NotFound(code="message_not_found")
    faq = services.faq_promote(actor=request.auth, message=message, **data.dict())
    return Status(201, selectors.faq_public(faq))


class FaqIn(Schema):
    item: str | None = Field(None, max_length=64, description="The service item's code; none: the hall's")
    question: str = Field(max_length=200)
    question_zh_hant: str = Field("", max_length=200)
    question_en: str = Field("", max_length=300)
    answer: str = Field(max_length=2000)
    answer_zh_hant: str = Field("", max_length=2000)
    answer_en: str = Field("", max_length=3000)


@router.get("/halls/{hall_code}/faq", response={200: list[dict], **ERRORS}, summary="The FAQ", auth=None)
def faq_list(request, hall_code: str, item: str = "", lang: str = ""):
    hall = hall_get(code=hall_code)
    rows = [
        f
        for f in selectors.faq_for_hall(hall=hall)
        if f.active and (not item or (f.item and f.item.code == item))
    ]
    with translation.override(lang if lang in assistant.LANGUAGES else translation.get_language()):
        return [selectors.faq_public(f) for f in rows]


@router.post("/halls/{hall_code}/faq", response={201: dict, **ERRORS}, summary="Add an FAQ entry")
def faq_create(request, hall_code: str, data: FaqIn):
    hall = hall_get(code=hall_code)
    values = data.dict()
    faq = services.faq_save(actor=request.auth, hall=hall, item_code=values.pop("item"), **values)
    return Status(201, selectors.faq_public(faq))


@router.put("/halls/{hall_code}/faq/{faq_id}", response={200: dict, **ERRORS}, summary="Change an FAQ entry")
def faq_update(request, hall_code: str, faq_id: str, data: FaqIn):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *services.EDITORS)
    faq = selectors.faq_get(hall=hall, faq_id=faq_id)
    values = data.dict()
    faq = services.faq_save(actor=request.auth, hall=hall, faq=faq, item_code=values.pop("item"), **values)
    return selectors.faq_public(faq)


@router.delete(
    "/halls/{hall_code}/faq/{faq_id}", response={204: None, **ERRORS}, summary="Delete an FAQ entry"
)
def faq_remove(request, hall_code: str, faq_id: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *services.EDITORS)
    services.faq_delete(actor=request.auth, faq=selectors.faq_get(hall=hall, faq_id=faq_id))
    return Status(204, None)
