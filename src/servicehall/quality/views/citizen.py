"""The citizen's pages of the quality module: the rating pad at the window (好差评评价器), the rating page
on the phone, rating at a kiosk, and the questionnaire. The pad is paired once like a kiosk; no page
steers the rating: five buttons of one size and one colour, none chosen in advance."""

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicehall.core.actors import Actor, actor_from_request, client_ip
from servicehall.core.choices import DeviceKind, Role
from servicehall.core.devices import device_for_token, paired_device, remember_pairing
from servicehall.core.errors import DomainError
from servicehall.core.localize import pick
from servicehall.core.permissions import require_role
from servicehall.core.selectors import hall_get
from servicehall.quality import selectors, services
from servicehall.quality.choices import BAD_LEVELS, KIOSK_COMMENT_PHRASES, RatingChannel, RatingLevel
from servicehall.quality.forms import RatingForm
from servicehall.queueing import selectors as queue_selectors


def _pad(request, hall):
    return paired_device(request, hall=hall, kind=DeviceKind.RATING_PAD)


def _levels(hall) -> list[dict]:
    tags = selectors.settings_get(hall=hall).reason_tags
    return [
        {"value": v, "label": label, "tags": tags.get(str(v), []), "bad": v in BAD_LEVELS}
        for v, label in RatingLevel.choices
    ]


def pad_pair(request, hall_code: str):
    hall = hall_get(code=hall_code)
    raw = request.GET.get("token") or ""
    device = device_for_token(raw, hall=hall, kind=DeviceKind.RATING_PAD)
    if device is None:
        return render(
            request,
            "quality/pad.html",
            {"hall": hall, "unpaired": True, "error": _("This is not a rating-pad token of this hall.")},
            status=403,
        )
    response = redirect("quality:pad", hall_code=hall.code)
    return remember_pairing(request, response, device=device)


def pad(request, hall_code: str, *, errors=None, form=None, status=200, thanks=False):
    """The pad at a window: idle until a service there is completed, then the five levels for the
    window's latest completed service, until the hall's pad timeout (then idle again)."""
    hall = hall_get(code=hall_code)
    device = _pad(request, hall)
    if device is None:
        return render(request, "quality/pad.html", {"hall": hall, "unpaired": True}, status=403)
    # The stream's starting point is read before the screen: an event after it is never missed, at
    # worst one already drawn reloads the page once more.
    last_event_id = queue_selectors.board_state(hall=hall)["last_event_id"]
    screen = selectors.pad_screen(counter=device.counter, now=timezone.now())
    ticket = None if thanks else screen["ticket"]
    if form and (ticket is None or form.get("ticket") != ticket.public_id):
        # The form to correct was for a service no longer shown: start the shown one afresh.
        form, errors = None, {"general": [_("This service can no longer be rated here.")]}
    return render(
        request,
        "quality/pad.html",
        {
            "hall": hall,
            "device": device,
            "counter": device.counter,
            "ticket": ticket,
            "screen": screen,
            "levels": _levels(hall),
            "errors": errors or {},
            "form": form or {},
            "thanks": thanks,
            "last_event_id": last_event_id,
        },
        status=status,
    )


def pad_state(request, hall_code: str):
    """What the pad should show now, for its poll and its reconnects: the screen's key (it reloads when
    the key differs from the one it drew) and the seconds its form stays. Nothing personal."""
    hall = hall_get(code=hall_code)
    device = _pad(request, hall)
    if device is None:
        return JsonResponse(
            {"error": "not_paired", "message": _("This screen is not registered as a rating pad.")},
            status=403,
        )
    screen = selectors.pad_screen(counter=device.counter, now=timezone.now())
    return JsonResponse({"key": screen["key"], "seconds_left": screen["seconds_left"]})


@require_POST
def pad_rate(request, hall_code: str):
    """A rating from the pad, for the service its form showed (the form posts that ticket's id). The
    service refuses one that is no longer the window's latest, has timed out or was rated: the pad
    then says so and shows what is current, with nothing carried over from the old form."""
    hall = hall_get(code=hall_code)
    device = _pad(request, hall)
    if device is None:
        return redirect("quality:pad", hall_code=hall.code)
    form = RatingForm(request.POST).values()
    ticket = selectors.pad_form_ticket(hall=hall, public_id=request.POST.get("ticket"))
    if ticket is None:
        return pad(
            request,
            hall.code,
            errors={"general": [_("This service can no longer be rated here.")]},
            status=409,
        )
    try:
        services.rating_submit(
            actor=Actor(device=device, ip=client_ip(request)),
            ticket=ticket,
            channel=RatingChannel.PAD,
            **form,
        )
    except DomainError as exc:
        # Only a form to correct (422) comes back filled in, and only on the same service's form.
        kept = form | {"ticket": ticket.public_id} if exc.status == 422 else None
        return pad(request, hall.code, errors=exc.form_errors(), form=kept, status=exc.status)
    return pad(request, hall.code, thanks=True)


def phone_rate(request, public_id: str):
    """The citizen rates on the phone, from the link of the tracking page or the text message."""
    ticket = queue_selectors.ticket_get(public_id=public_id)
    hall = ticket.hall
    errors, form, done = {}, {}, None
    if request.method == "POST":
        form = RatingForm(request.POST).values()
        try:
            done = services.rating_submit(
                actor=Actor(ip=client_ip(request)), ticket=ticket, channel=RatingChannel.PHONE, **form
            )
        except DomainError as exc:
            errors = exc.form_errors()
    existing = getattr(ticket, "rating", None) if done is None else done
    return render(
        request,
        "quality/rate.html",
        {
            "hall": hall,
            "ticket": ticket,
            "levels": _levels(hall),
            "errors": errors,
            "form": form,
            "rated": existing,
            "track_url": reverse("queueing:track", args=[ticket.public_id]),
            "questionnaire": selectors.questionnaire_current(hall=hall),
        },
        status=422 if errors and "general" not in errors else 409 if errors else 200,
    )


def kiosk_rate(request, hall_code: str):
    """Rate a service at a kiosk after it: scan the ticket's QR code or type its number, then the five
    levels (the same form as the pad, nothing pre-chosen). Only a paired kiosk of the hall rates here."""
    hall = hall_get(code=hall_code)
    device = paired_device(request, hall=hall, kind=DeviceKind.KIOSK)
    errors, form, ticket, thanks = {}, {}, None, False
    lookup = (request.POST.get("lookup") or request.GET.get("lookup") or "").strip()[:200]
    if request.method == "POST" and device is not None:
        ticket = selectors.kiosk_ticket(
            hall=hall, text=request.POST.get("ticket") or lookup, now=timezone.now()
        )
        if ticket is None:
            errors["lookup"] = [
                _(
                    "No service with this number and rating code was completed here in the last half "
                    "hour. Check both on your ticket, or scan its QR code."
                )
            ]
        elif request.POST.get("step") == "rate":
            form = RatingForm(request.POST).values()
            try:
                services.rating_submit(
                    actor=Actor(device=device, ip=client_ip(request)),
                    ticket=ticket,
                    channel=RatingChannel.KIOSK,
                    **form,
                )
                thanks, ticket = True, None
            except DomainError as exc:
                errors = exc.form_errors()
        elif getattr(ticket, "rating", None) is not None:
            errors["lookup"], ticket = [_("This service has already been rated. Thank you!")], None
    status = 200 if not errors else 409 if "general" in errors else 422
    return render(
        request,
        "quality/kiosk_rate.html",
        {
            "hall": hall,
            "paired": device is not None,
            "ticket": ticket,
            "lookup": lookup,
            "levels": _levels(hall),
            "errors": errors,
            "form": form,
            "thanks": thanks,
            "comment_phrases": KIOSK_COMMENT_PHRASES,
        },
        status=status if device is not None else 403,
    )


def questionnaire(request, questionnaire_id: int):
    """The citizen's questionnaire on the phone (from the rating page, the ticket's QR or a text). The
    page carries a signed start token: the start time, so the cleaning can tell a two-second
    click-through, and a one-use number, so one page served stores one response."""
    q = selectors.questionnaire_published_get(questionnaire_id=questionnaire_id)
    ticket = selectors.questionnaire_ticket(
        hall=q.hall, public_id=request.GET.get("t") or request.POST.get("t")
    )
    # Staff of the hall's quality office type in paper forms here (``?paper=1``): stored as entered, as
    # channel "paper", under their name; the cleaning flags what is wrong.
    paper = bool(request.GET.get("paper") or request.POST.get("paper")) and request.user.is_authenticated
    if paper:
        require_role(actor_from_request(request), q.hall, Role.MANAGER, Role.EVALUATOR)
    errors, done, answers, status, sent = {}, None, {}, 200, False
    started = None
    if request.method == "POST":
        answers = {i["key"]: request.POST.get(i["key"], "") for i in q.items}
        started = request.POST.get("started", "")
        try:
            done = services.response_submit(
                actor=Actor(user=request.user if paper else None, ip=client_ip(request)),
                questionnaire=q,
                answers=answers,
                channel=RatingChannel.PAPER if paper else RatingChannel.PHONE,
                ticket=ticket,
                start_token=None if paper else started,
            )
        except DomainError as exc:
            errors, status, sent = exc.form_errors(), exc.status, exc.code == "already_sent"
    if done or sent or services.start_token_read(started, questionnaire=q) is None:
        started = services.questionnaire_start_token(questionnaire=q)  # else the page keeps its start
    return render(
        request,
        "quality/questionnaire.html",
        {
            "hall": q.hall,
            "q": q,
            "title": q.localized_title(get_language()),
            "groups": _groups(q, answers, errors),
            "points": list(range(1, q.scale + 1)),
            "answers": answers,
            "errors": errors,
            "done": done,
            "sent": sent,
            "ticket": ticket,
            "paper": paper,
            "started": started,
        },
        status=status,
    )


def _groups(q, answers: dict, errors: dict) -> list[dict]:
    """The questionnaire's items grouped by indicator, in the page's language, with what was answered."""
    groups: list[dict] = []
    for item in q.items:
        if not groups or groups[-1]["indicator"] != item["indicator"]:
            groups.append({"indicator": item["indicator"], "items": []})
        shown = pick(item["text"], en=item.get("text_en") or "")  # 繁體: converted (core.localize)
        groups[-1]["items"].append(
            item
            | {
                "text": shown,
                "value": str(answers.get(item["key"], "")),
                "errors": errors.get(item["key"], []),
            }
        )
    return groups
