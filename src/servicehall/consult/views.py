"""The citizen's consultation pages: the assistant as a chat on the phone (``/ask/<hall>/``), asking a
person (the hand-over opens a thread), following a thread by code + mobile, and the kiosk's tile with the
on-screen keyboard. Thin: a form, one service or selector, render; errors beside the fields."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse

from servicehall.catalog import selectors as catalog_selectors
from servicehall.consult import assistant, selectors, services
from servicehall.consult.choices import ThreadStatus
from servicehall.consult.forms import AskForm, PersonForm, TrackForm
from servicehall.core.actors import Actor, actor_from_request, client_ip
from servicehall.core.choices import DeviceKind
from servicehall.core.devices import paired_device
from servicehall.core.errors import DomainError
from servicehall.core.forms import form_errors
from servicehall.core.localize import content_language
from servicehall.core.selectors import hall_get

CHAT_LENGTH = 8


def _chat_key(hall) -> str:
    return f"consult-chat-{hall.code}"


def _turn(reply, question: str) -> dict:
    """One question and answer as the chat keeps it (in the session: plain data)."""
    item = next((s["id"] for s in reply.sources if s["kind"] == "item"), "")
    if not item and reply.best and reply.best[0].doc.kind == "item":
        item = reply.best[0].doc.id  # the closest item, for the hand-over to name it
    return {"q": question, **reply.as_dict(), "item": item}


def ask(request, hall_code: str):
    """The assistant as a chat: the last questions and answers of this browser, a box to ask the next."""
    hall = hall_get(code=hall_code)
    chat = list(request.session.get(_chat_key(hall), []))
    form = AskForm(request.POST or None)
    errors: dict = {}
    if request.method == "POST" and form.is_valid():
        question = form.cleaned_data["question"]
        try:
            reply = assistant.assistant_answer(
                actor=actor_from_request(request), hall=hall, question=question, lang=content_language()
            )
        except DomainError as exc:
            errors = exc.form_errors()
        else:
            turn = _turn(reply, question)
            query = {"via": "assistant", "q": question, **({"item": turn["item"]} if turn["item"] else {})}
            turn["handover_url"] = reverse("consult:person", args=[hall.code]) + "?" + urlencode(query)
            request.session[_chat_key(hall)] = (chat + [turn])[-CHAT_LENGTH:]
            return redirect(reverse("consult:ask", args=[hall.code]) + "#last")
    errors = errors or form_errors(form)
    context = {"hall": hall, "chat": chat, "form": form, "errors": errors}
    return render(request, "consult/ask.html", context)


def person(request, hall_code: str):
    """Ask the hall's staff: the question (prefilled from the assistant), the mobile; shows the code."""
    hall = hall_get(code=hall_code)
    initial = {"question": request.GET.get("q", "")[:1000], "item": request.GET.get("item", "")[:64]}
    form = PersonForm(request.POST or None, initial=initial)
    errors: dict = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.thread_open(
                actor=actor_from_request(request),
                hall=hall,
                question=data["question"],
                phone=data["phone"],
                item_code=data["item"] or None,
                lang=content_language(),
                channel="assistant" if request.GET.get("via") == "assistant" else "web",
            )
        except DomainError as exc:
            errors = exc.form_errors()
        else:
            return render(request, "consult/person_done.html", {"hall": hall, "thread": thread})
    errors = errors or form_errors(form)
    item = catalog_selectors.item_active(hall=hall, code=initial["item"]) if initial["item"] else None
    return render(
        request, "consult/person.html", {"hall": hall, "form": form, "errors": errors, "item": item}
    )


def track(request):
    """Follow a thread by its code and mobile; ask more while it is open or answered; close it."""
    form = TrackForm(request.POST or None, initial={"code": request.GET.get("code", "")[:8]})
    view, errors = None, {}
    if request.method == "POST" and form.is_valid():
        data, actor = form.cleaned_data, actor_from_request(request)
        try:
            if data["action"] == "follow-up":
                services.thread_follow_up(
                    actor=actor, code=data["code"], phone=data["phone"], text=data["text"]
                )
            elif data["action"] == "close":
                services.thread_close(actor=actor, code=data["code"], phone=data["phone"])
            thread = selectors.thread_for_citizen(code=data["code"], phone=data["phone"])
            view = selectors.citizen_view(thread)
        except DomainError as exc:
            errors = exc.form_errors()
    errors = errors or form_errors(form)
    context = {"form": form, "view": view, "errors": errors, "closed": ThreadStatus.CLOSED}
    return render(request, "consult/track.html", context)


def kiosk_ask(request, hall_code: str):
    """The kiosk's assistant tile: pinyin keys and quick phrases, the answer in large print, and the
    hand-over with the phone keypad (the question field is ``ask``: a text keyboard with phrases, where
    the catalogue's ``q`` is pinyin only). A paired kiosk acts as its device (not rate-limited)."""
    hall = hall_get(code=hall_code)
    device = paired_device(request, hall=hall, kind=DeviceKind.KIOSK)
    actor = Actor(device=device, ip=client_ip(request)) if device else actor_from_request(request)
    question = (request.GET.get("ask") or "").strip()[:300]
    turn, errors, thread = None, {}, None
    try:
        if request.method == "POST":
            thread = services.thread_open(
                actor=actor,
                hall=hall,
                question=request.POST.get("question", ""),
                phone=request.POST.get("phone", ""),
                item_code=request.POST.get("item") or None,
                lang=content_language(),
                channel="kiosk",
            )
        elif question:
            reply = assistant.assistant_answer(
                actor=actor, hall=hall, question=question, lang=content_language()
            )
            turn = _turn(reply, question)
    except DomainError as exc:
        errors = exc.form_errors()
        question = question or request.POST.get("question", "")[:300]
    context = {"hall": hall, "question": question, "turn": turn, "errors": errors, "thread": thread}
    context["phrases"] = PHRASES_EN if content_language() == "en" else PHRASES
    return render(request, "consult/kiosk_ask.html", context)


# One-tap phrases on the kiosk keyboard (Chinese text comes from them; pinyin letters are typed).
PHRASES = [
    "要带什么材料",
    "多久能拿到",
    "多少钱",
    "在哪个窗口",
    "几点开门",
    "护照",
    "身份证",
    "公积金",
    "营业执照",
]
PHRASES_EN = ["what to bring", "how long", "how much", "which window", "opening hours", "passport", "ID card"]
