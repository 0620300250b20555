"""Queue pages: the display board, the counter console, the phone tracking page. Thin views; the live
parts are JavaScript over the API and the SSE stream (static/servicehall/queue/)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from servicehall.catalog.models import ServiceItem
from servicehall.catalog.selectors import item_get
from servicehall.core.actors import actor_from_request
from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, PermissionDenied
from servicehall.core.permissions import has_role
from servicehall.core.selectors import counter_list, hall_get
from servicehall.navigation.selectors import board_floors, map_version
from servicehall.queueing import selectors, services
from servicehall.queueing.choices import NORMAL, Channel, Outcome, class_name, class_needs_proof
from servicehall.queueing.forms import PhoneTakeForm


def board(request, hall_code: str):
    """The display board (叫号大屏): the latest call large, recent calls, waiting per line, windows."""
    hall = hall_get(code=hall_code)
    orientation = "portrait" if request.GET.get("orientation") == "portrait" else "landscape"
    # ``?map=1``: a small plan of the floor of the window just called (off by default; set per screen, in
    # the address the board is opened with, like its orientation)
    lang = (get_language() or "zh-hans").lower()
    floors = (
        board_floors(hall=hall, lang=lang if lang in {"zh-hant", "en"} else "zh-hans")
        if request.GET.get("map") == "1"
        else []
    )
    return render(
        request,
        "queueing/board.html",
        {
            "hall": hall,
            "counters": counter_list(hall=hall),
            "orientation": orientation,
            "floors": floors,
            "groups": selectors.prefix_groups(hall=hall),
            "state": selectors.board_state(hall=hall),
            # Priority classes by code, so a call of an appointment (预约) or a green-channel ticket shows
            # its tag.
            "classes": {
                c["code"]: class_name(c)
                for c in selectors.settings_get(hall=hall).priority_classes
                if c.get("priority")
            },
        },
    )


def board_state_json(request, hall_code: str):
    """What a board (re)draws from after a reconnect: recent calls, counts, window states."""
    return JsonResponse(selectors.board_state(hall=hall_get(code=hall_code)))


def track(request, public_id: str):
    """The citizen's phone page for one ticket (virtual queue)."""
    ticket = selectors.ticket_get(public_id=public_id)
    has_map = map_version(hall=ticket.hall) is not None  # offers "show me the way" to the window
    return render(request, "queueing/track.html", {"ticket": ticket, "hall": ticket.hall, "has_map": has_map})


def _wait_text(summary: dict) -> str:
    """The estimate for a number taken now, short enough for half a phone's width; no estimate while no
    open window serves the service (the page says that in a sentence instead)."""
    if not summary["window_open"]:
        return "–"
    if not summary["waiting"]:
        return _("You are next")
    minutes = (summary["estimated_wait_seconds"] + 59) // 60
    return ngettext("about %(m)s min", "about %(m)s min", minutes) % {"m": minutes}


def _take_page(request, hall, item, *, form=None, errors=None, status=200):
    conf = selectors.settings_get(hall=hall)
    summary = next(
        (s for s in selectors.queue_summary(hall=hall)["services"] if s["code"] == item.code),
        {"waiting": 0, "window_open": False, "estimated_wait_seconds": 0},
    )
    return render(
        request,
        "queueing/take.html",
        {
            "hall": hall,
            "item": item,
            "notice": selectors.remote_notice(hall=hall, conf=conf),
            "classes": [
                {**c, "name": class_name(c)}
                for c in selectors.phone_classes(
                    conf=conf, staff=has_role(request.user, hall, Role.MANAGER, Role.CLERK)
                )
            ],
            "summary": summary,
            "wait_text": _wait_text(summary),
            "no_window_text": ""
            if summary["window_open"]
            else _(
                "No window is serving this right now. Please listen for your number or ask at the "
                "information desk."
            ),
            "form": form or {"priority": NORMAL, "phone": ""},
            "errors": errors or {},
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def take(request, hall_code: str, item_code: str):
    """Take a number from a phone (virtual queue, where the hall allows remote tickets): a web ticket of
    a class the web channel may issue; on success the ticket's tracking page, on a refusal this page
    with the reason beside the field. The issuing service checks the hall's setting, the calendar, the
    class and the rate limit."""
    hall = hall_get(code=hall_code)
    item = item_get(hall=hall, code=item_code)
    if request.method != "POST":
        return _take_page(request, hall, item)
    form = PhoneTakeForm(request.POST)
    # what the page shows again after a refusal: the citizen's own input, cut to the fields' sizes
    shown = {
        "priority": (request.POST.get("priority") or NORMAL)[:30],
        "phone": (request.POST.get("phone") or "")[:20],
    }
    if not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        return _take_page(request, hall, item, form=shown, errors=errors, status=422)
    try:
        ticket = services.ticket_issue(
            actor=actor_from_request(request),
            hall=hall,
            service_code=item.code,
            channel=Channel.WEB,
            priority=form.cleaned_data["priority"] or NORMAL,
            phone=form.cleaned_data["phone"],
        )
    except DomainError as exc:
        errors = exc.form_errors()
        errors.setdefault("general", []).extend(errors.pop("service", []))  # the service is not a field here
        return _take_page(request, hall, item, form=shown, errors=errors, status=exc.status)
    return redirect("queueing:track", public_id=ticket.public_id)


@login_required
def console(request, hall_code: str):
    """The counter console (窗口工作台): one screen, keyboard shortcuts, the API does the work."""
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, Role.MANAGER, Role.CLERK):
        raise PermissionDenied()
    session = selectors.session_of_clerk(user=request.user)
    if session is not None and session.counter.hall_id != hall.pk:
        session = None
    counters = [c for c in counter_list(hall=hall) if c.active]
    services = ServiceItem.objects.filter(hall=hall, active=True).order_by("ticket_prefix", "code")
    return render(
        request,
        "queueing/console.html",
        {
            "hall": hall,
            "session": session,
            "counters": counters,
            "services": services,
            "outcomes": Outcome.choices,
            "classes": [
                {"code": c.get("code"), "name": class_name(c), "needs_proof": class_needs_proof(c)}
                for c in selectors.settings_get(hall=hall).priority_classes
            ],
        },
    )
