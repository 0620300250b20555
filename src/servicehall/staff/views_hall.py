"""The hall's own set-up pages for its manager: windows (add, rename, floor, in use) and the services
each calls with tier and weight, service items' hall settings (prefix, daily cap, standard minutes),
devices (pair, rename, move, switch off) and opening hours. Every change goes through the owning app's
service (core, queueing, catalog), which checks the role and writes the audit row."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.core import services as core_services
from servicehall.core.actors import actor_from_request
from servicehall.core.choices import WEEKDAYS
from servicehall.core.errors import DomainError, Invalid, NotFound
from servicehall.core.forms import form_errors
from servicehall.core.models import Counter, Device, Floor
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing import services as queue_services
from servicehall.staff import forms, services
from servicehall.staff.views import manager_hall


def _floor(hall, pk):
    return Floor.objects.filter(hall=hall, pk=pk).first() if pk else None


def _counter_save(request, hall, floors) -> dict:
    form = forms.CounterForm(request.POST, floors=floors)
    if not form.is_valid():
        return {"errors": form_errors(form), "failed": request.POST.get("counter", "new")}
    data = {**form.cleaned_data, "floor": _floor(hall, form.cleaned_data["floor"])}
    actor = actor_from_request(request)
    pk = request.POST.get("counter", "")
    if pk.isdigit():
        counter = Counter.objects.filter(hall=hall, pk=int(pk)).first()
        if counter is None:
            raise NotFound()
        core_services.counter_update(actor=actor, counter=counter, **data)
    else:
        core_services.counter_create(actor=actor, hall=hall, **data)
    return {"saved": pk or "new"}


@login_required
def counters(request, hall_code: str):
    hall = manager_hall(request, hall_code)
    floors = Floor.objects.filter(hall=hall)
    shown: dict = {}
    if request.method == "POST":
        try:
            shown = _counter_save(request, hall, floors)
        except DomainError as exc:
            shown = {"errors": exc.form_errors(), "failed": request.POST.get("counter", "new")}
    rows = [
        (
            c,
            forms.CounterForm(
                initial={
                    **{f: getattr(c, f) for f in ("number", "name", "name_en", "kind", "active")},
                    "floor": c.floor_id,
                },
                floors=floors,
                prefix=f"c{c.pk}",
            ),
        )
        for c in Counter.objects.filter(hall=hall).select_related("floor").order_by("floor__level", "id")
    ]
    context = {
        "hall": hall,
        "rows": rows,
        "new_form": forms.CounterForm(initial={"active": True}, floors=floors),
        **shown,
    }
    return render(request, "staff/counters.html", context, status=422 if shown.get("errors") else 200)


def _service_rows(post, items) -> list[dict]:
    rows = []
    for item in items:
        if not post.get(f"on-{item.code}"):
            continue
        try:
            order = int(post.get(f"order-{item.code}", "1"))
            weight = Decimal(post.get(f"weight-{item.code}", "1"))
        except (ValueError, InvalidOperation) as exc:
            raise Invalid(fields={item.code: [_("Give a whole tier and a weight such as 1.5.")]}) from exc
        if not (1 <= order <= 9 and Decimal("0.1") <= weight <= Decimal("10")):
            raise Invalid(fields={item.code: [_("Tier 1 to 9, weight 0.1 to 10.")]})
        rows.append({"service": item.code, "order": order, "weight": weight})
    return rows


@login_required
def counter_services(request, hall_code: str, counter_id: int):
    """Which services one window calls, each with its tier (lower is called first) and weight."""
    hall = manager_hall(request, hall_code)
    counter = Counter.objects.filter(hall=hall, pk=counter_id).first()
    if counter is None:
        raise NotFound()
    items = list(ServiceItem.objects.filter(hall=hall, active=True).order_by("ticket_prefix", "code"))
    errors, saved = {}, False
    if request.method == "POST":
        try:
            rows = _service_rows(request.POST, items)
            queue_services.counter_services_set(actor=actor_from_request(request), counter=counter, rows=rows)
            saved = True
        except DomainError as exc:
            errors = exc.form_errors()
    current = {r["service"]: r for r in queue_selectors.counter_service_rows(counter=counter)}
    context = {
        "hall": hall,
        "counter": counter,
        "rows": [(i, current.get(i.code)) for i in items],
        "errors": errors,
        "saved": saved,
    }
    return render(request, "staff/counter_services.html", context, status=422 if errors else 200)


@login_required
def items(request, hall_code: str):
    """Each service item's hall settings: ticket prefix, daily ticket cap, standard minutes."""
    hall = manager_hall(request, hall_code)
    shown: dict = {}
    if request.method == "POST":
        code = request.POST.get("item", "")[:64]
        item = ServiceItem.objects.filter(hall=hall, code=code).first()
        form = forms.ItemSettingsForm(request.POST)
        if item is None:
            raise NotFound()
        try:
            if not form.is_valid():
                raise Invalid(fields=form_errors(form))
            services.item_settings_set(
                actor=actor_from_request(request), hall=hall, item=item, **form.cleaned_data
            )
            shown = {"saved": code}
        except DomainError as exc:
            shown = {"errors": exc.form_errors(), "failed": code}
    caps = queue_selectors.settings_get(hall=hall).daily_caps or {}
    rows = [
        (i, caps.get(i.code)) for i in ServiceItem.objects.filter(hall=hall).order_by("ticket_prefix", "code")
    ]
    return render(
        request,
        "staff/items.html",
        {"hall": hall, "rows": rows, **shown},
        status=422 if shown.get("errors") else 200,
    )


def _device_action(request, hall, counters) -> dict:
    actor = actor_from_request(request)
    pk = request.POST.get("device", "")
    if not pk.isdigit():
        form = forms.DeviceForm(request.POST, counters=counters)
        if not form.is_valid():
            return {"errors": form_errors(form), "failed": "new"}
        counter = (
            counters.filter(pk=form.cleaned_data["counter"]).first() if form.cleaned_data["counter"] else None
        )
        device, raw = core_services.device_create(
            actor=actor,
            hall=hall,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            counter=counter,
        )
        return {"paired": {"device": device, "token": raw, "url": _pair_url(request, hall, device, raw)}}
    device = Device.objects.filter(hall=hall, pk=int(pk)).first()
    if device is None:
        raise NotFound()
    if request.POST.get("action") == "revoke":
        core_services.device_update(actor=actor, device=device, active=False)
    else:
        name = request.POST.get("name", "").strip()[:60]
        if not name:
            raise Invalid(fields={"name": [_("Give the device a name.")]})
        counter_id = request.POST.get("counter", "")
        counter = counters.filter(pk=int(counter_id)).first() if counter_id.isdigit() else None
        core_services.device_update(actor=actor, device=device, name=name, counter=counter)
    return {"saved": pk}


def _pair_url(request, hall, device, raw: str) -> str:
    names = {"kiosk": "kiosk:pair", "rating_pad": "quality:pad_pair"}
    if device.kind not in names:
        return ""
    try:
        return request.build_absolute_uri(reverse(names[device.kind], args=[hall.code])) + f"?token={raw}"
    except NoReverseMatch:  # a surface without a pairing page: the token alone
        return ""


@login_required
def devices(request, hall_code: str):
    """Kiosks, boards and rating pads: pair a new one (its token shown once), rename, move, switch off."""
    hall = manager_hall(request, hall_code)
    counters = Counter.objects.filter(hall=hall).order_by("floor__level", "id")
    shown: dict = {}
    if request.method == "POST":
        try:
            shown = _device_action(request, hall, counters)
        except DomainError as exc:
            shown = {"errors": exc.form_errors(), "failed": request.POST.get("device", "new")}
    context = {
        "hall": hall,
        "devices": Device.objects.filter(hall=hall).select_related("counter"),
        "counters": counters,
        "form": forms.DeviceForm(counters=counters),
        **shown,
    }
    return render(request, "staff/devices.html", context, status=422 if shown.get("errors") else 200)


def _periods(post) -> list:
    periods, errors = [], {}
    for weekday, _label in WEEKDAYS:
        for part in (1, 2):
            opens, closes = post.get(f"o-{weekday}-{part}", ""), post.get(f"c-{weekday}-{part}", "")
            if not opens and not closes:
                continue
            try:
                period = (weekday, datetime.time.fromisoformat(opens), datetime.time.fromisoformat(closes))
            except ValueError:
                errors[f"d{weekday}"] = [_("Give both times as HH:MM.")]
                continue
            if period[2] <= period[1]:
                errors[f"d{weekday}"] = [_("Closing time must be after opening time.")]
            periods.append(period)
    if errors:
        raise Invalid(fields=errors)
    return periods


@login_required
def hours(request, hall_code: str):
    """The week's opening hours, up to two periods a day (morning and afternoon)."""
    hall = manager_hall(request, hall_code)
    errors, saved = {}, False
    if request.method == "POST":
        try:
            core_services.hall_set_opening_hours(
                actor=actor_from_request(request), hall=hall, periods=_periods(request.POST)
            )
            saved = True
        except DomainError as exc:
            errors = exc.form_errors()
    current: dict = {}
    for h in hall.opening_hours.order_by("weekday", "opens"):
        current.setdefault(h.weekday, []).append(h)
    days = [(w, label, (current.get(w, []) + [None, None])[:2], errors.get(f"d{w}")) for w, label in WEEKDAYS]
    return render(
        request,
        "staff/hours.html",
        {"hall": hall, "days": days, "errors": errors, "saved": saved},
        status=422 if errors else 200,
    )
