"""Queue pages: the display board, the counter console, the phone tracking page. Thin views; the live
parts are JavaScript over the API and the SSE stream (static/servicehall/queue/)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from servicehall.catalog.models import ServiceItem
from servicehall.core.choices import Role
from servicehall.core.errors import PermissionDenied
from servicehall.core.permissions import has_role
from servicehall.core.selectors import counter_list, hall_get
from servicehall.navigation.selectors import map_version
from servicehall.queueing import selectors
from servicehall.queueing.choices import Outcome, class_needs_proof


def board(request, hall_code: str):
    """The display board (叫号大屏): the latest call large, recent calls, waiting per line, windows."""
    hall = hall_get(code=hall_code)
    orientation = "portrait" if request.GET.get("orientation") == "portrait" else "landscape"
    return render(
        request,
        "queueing/board.html",
        {
            "hall": hall,
            "counters": counter_list(hall=hall),
            "orientation": orientation,
            "groups": selectors.prefix_groups(hall=hall),
            "state": selectors.board_state(hall=hall),
            # Priority classes by code, so a call of an appointment (预约) or a green-channel ticket shows
            # its tag.
            "classes": {
                c["code"]: c["name"]
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
                {"code": c.get("code"), "name": c.get("name"), "needs_proof": class_needs_proof(c)}
                for c in selectors.settings_get(hall=hall).priority_classes
            ],
        },
    )
