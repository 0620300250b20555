"""The self-service kiosk surface: full-screen, touch-sized, large-print option. Composes the catalogue
(find a service, see its materials) and the queue (take a number, print the ticket).

A kiosk is paired once by opening ``/kiosk/<hall>/pair/?token=<device token>``: the token is kept in a
signed, HTTP-only cookie, and every ticket the kiosk issues is issued as that device. An unpaired browser
can take a number only where the hall allows remote tickets (then as a "web" ticket)."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.actors import Actor, client_ip
from servicehall.core.choices import DeviceKind
from servicehall.core.devices import device_for_token, paired_device, remember_pairing
from servicehall.core.errors import DomainError
from servicehall.core.identity import is_valid_mobile, normalize_phone
from servicehall.core.qr import qr_svg
from servicehall.core.selectors import hall_get
from servicehall.customers import touchpoints
from servicehall.kiosk import wayfinding
from servicehall.kiosk.wayfinding import nav_language
from servicehall.navigation.api import no_route_message
from servicehall.navigation.routing import UnknownRef
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing.choices import Channel, class_channels, class_name, class_needs_proof


def paired_kiosk(request, hall):
    """The kiosk this browser was paired as, if it belongs to ``hall`` (``core.devices``)."""
    return paired_device(request, hall=hall, kind=DeviceKind.KIOSK)


def home(request, hall_code: str):
    hall = hall_get(code=hall_code)
    query = (request.GET.get("q") or "").strip()[:60]
    category_id = request.GET.get("category")
    categories = list(catalog_selectors.category_list(hall=hall))
    items = None
    current = None
    if query or category_id:
        try:
            current = next((c for c in categories if c.pk == int(category_id)), None) if category_id else None
        except ValueError:
            current = None
        items = catalog_selectors.item_list(
            hall=hall, query=query, category_id=current.pk if current else None
        )
    return render(
        request,
        "kiosk/home.html",
        {
            "hall": hall,
            "categories": categories,
            "items": items,
            "query": query,
            "current": current,
            # said on the first screen, before a citizen chooses a service and is refused
            "notice": queue_selectors.issuing_notice(hall=hall),
            "has_map": wayfinding.has_map(hall),  # the "find a window" tile
        },
    )


def _item_page(request, hall, item_code: str, *, errors=None, form=None, status=200):
    service = catalog_selectors.item_get(hall=hall, code=item_code)
    conf = queue_selectors.settings_get(hall=hall)
    channel = Channel.KIOSK if paired_kiosk(request, hall) is not None else Channel.WEB
    summary = next(
        (s for s in queue_selectors.queue_summary(hall=hall)["services"] if s["code"] == service.code), None
    )
    return render(
        request,
        "kiosk/item.html",
        {
            "hall": hall,
            "item": service,
            # only what this screen may issue (a hall setting): a paired kiosk its classes, never the
            # appointment one; an unpaired browser (a phone ticket) the classes of the web channel
            "classes": [
                {**c, "name": class_name(c), "needs_proof": class_needs_proof(c)}
                for c in conf.priority_classes
                if channel in class_channels(c)
            ],
            "errors": errors or {},
            "form": form or {"priority": "normal", "phone": ""},
            "summary": summary,
            "can_issue": paired_kiosk(request, hall) is not None or conf.allow_remote_tickets,
        },
        status=status,
    )


def item(request, hall_code: str, item_code: str):
    return _item_page(request, hall_get(code=hall_code), item_code)


@require_POST
def take(request, hall_code: str, item_code: str):
    """Take a number for the item; on a refusal the item page shows why, beside the field. At a kiosk, an
    item that collects the ID number first offers the optional "identify" step (skipping it is one large
    button); a number typed or scanned there links the ticket to the person."""
    hall = hall_get(code=hall_code)
    device = paired_kiosk(request, hall)
    actor = Actor(device=device, ip=client_ip(request))
    form = {
        "priority": request.POST.get("priority") or "normal",
        "phone": (request.POST.get("phone") or "")[:20],
        "id_number": (request.POST.get("id_number") or "").strip()[:20],
    }
    step = request.POST.get("step") == "identify"
    if device is not None and not step and _offer_identify(hall, item_code, form["phone"]):
        return _identify_page(request, hall, item_code, form)
    if request.POST.get("skip") or not step:
        form["id_number"] = ""
    try:
        ticket = touchpoints.kiosk_ticket_issue(
            actor=actor,
            hall=hall,
            service_code=item_code,
            priority=form["priority"],
            phone=form["phone"],
            id_number=form["id_number"],
        )
    except DomainError as exc:
        errors = exc.form_errors()
        if "id_number" in errors:
            return _identify_page(request, hall, item_code, form, errors=errors, status=exc.status)
        return _item_page(request, hall, item_code, errors=errors, form=form, status=exc.status)
    if ticket.channel == Channel.WEB:  # an unpaired browser, a phone: follow it here, nothing to print
        return redirect("queueing:track", public_id=ticket.public_id)
    return redirect("kiosk:ticket", hall_code=hall.code, public_id=ticket.public_id)


def _offer_identify(hall, item_code: str, phone: str) -> bool:
    """The step is offered for an item that collects the ID number, once the item page's own fields look
    right and the hall is issuing (a mistyped mobile or a closed hall is said on the item page first)."""
    service = catalog_selectors.item_get(hall=hall, code=item_code)
    phone = normalize_phone(phone)
    if (phone and not is_valid_mobile(phone)) or queue_selectors.issuing_notice(hall=hall) is not None:
        return False
    return touchpoints.identification_offered(item=service)


def _identify_page(request, hall, item_code: str, form: dict, *, errors=None, status=200):
    service = catalog_selectors.item_get(hall=hall, code=item_code)
    context = {"hall": hall, "item": service, "form": form, "errors": errors or {}}
    return render(request, "kiosk/identify.html", context, status=status)


def ticket(request, hall_code: str, public_id: str):
    """The printed ticket: number, service, time, people ahead, estimated wait, QR code to follow it (a
    kiosk's ticket; a phone's goes to its tracking page)."""
    hall = hall_get(code=hall_code)
    found = queue_selectors.ticket_get(public_id=public_id)
    if found.hall_id != hall.pk:
        return redirect("kiosk:home", hall_code=hall.code)
    if found.channel == Channel.WEB:
        # A ticket taken from a phone is already on the phone: its page is the tracking page, not a slip
        # to print with "scan to follow on your phone".
        return redirect("queueing:track", public_id=found.public_id)
    ahead = queue_selectors.people_ahead(ticket=found)
    conf = queue_selectors.settings_get(hall=hall)
    wait = queue_selectors.estimate_wait_seconds(
        service_id=found.service_id,
        hall_id=hall.pk,
        ahead=ahead,
        default_minutes=conf.default_service_minutes,
        ticket=found,
    )
    url = request.build_absolute_uri(reverse("queueing:track", args=[found.public_id]))
    svg = qr_svg(url)
    return render(
        request,
        "kiosk/ticket.html",
        {
            "hall": hall,
            "ticket": found,
            "ahead": ahead,
            "wait_minutes": (wait + 59) // 60,
            "window_open": queue_selectors.window_open(
                hall_id=hall.pk, service_id=found.service_id, ticket=found
            ),
            "track_url": url,
            "qr_svg": svg,
            "issued_local": found.issued_at.astimezone(hall.tzinfo),
            "windows_place": _windows_place(hall, found.service),
        },
    )


def _windows_place(hall, service) -> str:
    """Where the service's windows are, for the slip ("2楼 9、10 号窗口"); empty without a published map
    or with none of its windows on it."""
    g = wayfinding.published_graph(hall)
    if g is None:
        return ""
    lang = nav_language()
    numbers = [c.number for c in service.counters.all() if c.active]
    sep = ", " if lang == "en" else "、"
    places = [
        _("%(floor)s window %(numbers)s") % {"floor": f["name"], "numbers": sep.join(f["numbers"])}
        for f in wayfinding.windows_by_floor(g, numbers, lang)
    ]
    return ("; " if lang == "en" else "；").join(places)


def pair(request, hall_code: str):
    """Pair this browser as one of the hall's kiosks (staff open this once when installing a kiosk)."""
    hall = hall_get(code=hall_code)
    raw = request.GET.get("token") or ""
    device = device_for_token(raw, hall=hall, kind=DeviceKind.KIOSK)
    if device is None:
        return render(
            request,
            "kiosk/pair.html",
            {"hall": hall, "error": _("This is not a kiosk token of this hall.")},
            status=403,
        )
    response = redirect("kiosk:home", hall_code=hall.code)
    return remember_pairing(request, response, device=device)


def find(request, hall_code: str):
    """找窗口: a service (searched like the home page) or a window number → the kiosk's route page. A hall
    without a published map has no such tile; its address says so instead of a blank page."""
    hall = hall_get(code=hall_code)
    g = wayfinding.published_graph(hall)
    query = (request.GET.get("q") or "").strip()[:60]
    return render(
        request, "kiosk/find.html", _find_context(hall, g, query), status=200 if g is not None else 404
    )


def _find_context(hall, g, query: str, no_place=None) -> dict:
    items = None
    if g is not None and query:
        on_map = set(wayfinding.placed_counters(g))
        items = [
            (item, [c.number for c in item.counters.all() if c.number in on_map])
            for item in catalog_selectors.item_list(hall=hall, query=query)
        ]
    return {
        "hall": hall,
        "has_map": g is not None,
        "counters": wayfinding.placed_counters(g) if g is not None else [],
        "query": query,
        "items": items,
        "no_place": no_place,  # a service whose windows are not on the map
    }


def route(request, hall_code: str):
    """The way from this kiosk to a window (``to=counter:9``) or to the nearest window of a service
    (``service=<code>``); ``step_free=1``; ``step=<n>`` the step shown first (its floor is the map's)."""
    hall = hall_get(code=hall_code)
    g = wayfinding.published_graph(hall)
    if g is None:
        return redirect("kiosk:find", hall_code=hall.code)
    lang = nav_language()
    device = paired_kiosk(request, hall)
    step_free = request.GET.get("step_free") in {"1", "true", "on"}
    to = (request.GET.get("to") or "")[:100]
    service = None
    if not to and request.GET.get("service"):
        service = catalog_selectors.item_get(hall=hall, code=request.GET["service"][:100])
        here = f"kiosk:{device.pk}" if wayfinding.kiosk_point(g, device) else "entrance"
        placed = set(wayfinding.placed_counters(g))
        numbers = [c.number for c in service.counters.all() if c.number in placed]
        if not numbers:  # said in words, not a 404: the citizen chose a real service
            return render(
                request, "kiosk/find.html", _find_context(hall, g, "", no_place=service), status=404
            )
        nearest = wayfinding.nearest_window(g, here, numbers, step_free=step_free, lang=lang)
        to = f"counter:{nearest or numbers[0]}"
    try:
        found = wayfinding.kiosk_route(
            g,
            device,
            to,
            step_free=step_free,
            lang=lang,
            problem_text=no_route_message,
            here_label=_("You are here"),
        )
    except UnknownRef:
        raise Http404(_("Unknown place.")) from None
    steps = found.answer.steps if found.answer else []
    current, shown = wayfinding.step_and_floor(found, request.GET.get("step"), request.GET.get("level"))
    query = {"to": to, **({"step_free": "1"} if step_free else {})}
    toggle = {"to": to, **({} if step_free else {"step_free": "1"})}
    return render(
        request,
        "kiosk/route.html",
        {
            "hall": hall,
            "found": found,
            "service": service,
            "window": to.split(":", 1)[1] if to.startswith("counter:") else "",
            "steps": steps,
            "current": current,
            "shown": shown,
            "step_free": step_free,
            "base": urlencode(query),
            "toggle": urlencode(toggle),
            "minutes": max(1, round(found.answer.duration_s / 60)) if found.answer else 0,
            "speech_lang": {"zh-hans": "zh-CN", "zh-hant": "zh-HK", "en": "en-US"}[lang],
        },
    )
