"""Feedback at the kiosk (issue 15): leave a complaint, suggestion, message, praise or question with large
keys and the on-screen keyboard (no Chinese input on a kiosk: quick phrases plus letters and digits, see
``docs/kiosk.md``), and follow an item by its code and mobile. A paired kiosk submits on the kiosk
channel as its device; an unpaired screen is the public web page's channel. Thin, like ``views``."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from servicehall.core.actors import Actor, client_ip
from servicehall.core.choices import DeviceKind
from servicehall.core.devices import paired_device
from servicehall.core.errors import DomainError
from servicehall.core.selectors import hall_get
from servicehall.feedback import selectors, services
from servicehall.feedback.choices import FeedbackChannel, FeedbackType, Subject

PHRASES = (
    _("I waited too long"),
    _("The staff were patient and helpful"),
    _("The list of materials was unclear"),
    _("Please add more windows at busy times"),
    _("The kiosk was hard to use"),
    _("The hall was clean and quiet"),
)
FIELDS = ("type", "subject", "text", "phone")


def _actor(request, hall) -> tuple[Actor, str]:
    device = paired_device(request, hall=hall, kind=DeviceKind.KIOSK)
    channel = FeedbackChannel.KIOSK if device is not None else FeedbackChannel.WEB
    return Actor(device=device, ip=client_ip(request)), channel


def kiosk_leave(request, hall_code: str):
    """The form (type and subject as large choices, the text, an optional mobile), then the code to keep."""
    hall = hall_get(code=hall_code)
    form = {k: (request.POST.get(k) or "").strip()[: 2000 if k == "text" else 20] for k in FIELDS}
    form["type"] = form["type"] or FeedbackType.SUGGESTION
    form["subject"] = form["subject"] or Subject.HALL
    errors: dict = {}
    if request.method == "POST":
        actor, channel = _actor(request, hall)
        try:
            item = services.feedback_submit(actor=actor, hall=hall, channel=channel, **form)
        except DomainError as exc:
            errors = exc.form_errors()
        else:
            return render(request, "feedback/kiosk_leave.html", {"hall": hall, "item": item})
    groups = [
        {"name": name, "legend": legend, "choices": choices, "value": form[name], "err": errors.get(name)}
        for name, legend, choices in (
            ("type", _("Type of feedback"), FeedbackType.choices),
            ("subject", _("What is it about?"), Subject.choices),
        )
    ]
    context = {"hall": hall, "form": form, "errors": errors, "groups": groups, "phrases": PHRASES}
    return render(request, "feedback/kiosk_leave.html", context, status=422 if errors else 200)


def kiosk_track(request, hall_code: str):
    """Follow an item by its code and mobile: status, deadline and the answer, in large print."""
    hall = hall_get(code=hall_code)
    form = {k: (request.POST.get(k) or "").strip()[:20] for k in ("code", "phone")}
    view, errors = None, {}
    if request.method == "POST":
        try:
            view = selectors.citizen_view(selectors.item_for_citizen(code=form["code"], phone=form["phone"]))
        except DomainError as exc:
            errors = exc.form_errors()
            if "general" in errors:  # "no item with this code and mobile": said beside the code
                errors = {"code": errors["general"]}
    context = {"hall": hall, "form": form, "errors": errors, "view": view}
    return render(request, "feedback/kiosk_track.html", context, status=404 if errors else 200)
