"""The live hall dashboard (hall managers), the list of alerts with what was done about each, and the
alert thresholds. The dashboard page is drawn by the server; its script listens to the hall's event
stream and asks for the body again (``?part=body``) after an event: no polling, one renderer."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from servicehall.analytics import forms, selectors, services
from servicehall.analytics.choices import AlertKind
from servicehall.analytics.views import _manager_hall
from servicehall.core.actors import actor_from_request
from servicehall.core.errors import DomainError, Invalid
from servicehall.core.forms import form_errors
from servicehall.live.selectors import last_event_id


@login_required
def dashboard_page(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    data = selectors.dashboard_data(hall=hall)
    context = {"hall": hall, "d": data, "now_epoch": int(data["at"].timestamp())}
    if request.GET.get("part") == "body":
        return render(request, "analytics/_dashboard_body.html", context)
    context["last_event_id"] = last_event_id(hall=hall)
    return render(request, "analytics/dashboard.html", context)


@login_required
def alerts_page(request, hall_code: str):
    """Every alert of the last month, newest first, each with what was done (a manager writes it)."""
    hall = _manager_hall(request, hall_code)
    errors, noted = {}, None
    if request.method == "POST":
        raw = request.POST.get("alert", "")
        try:
            alert = services.alert_note(
                actor=actor_from_request(request),
                hall=hall,
                alert_id=int(raw) if raw.isdigit() and len(raw) < 12 else -1,
                note=request.POST.get("note", ""),
            )
            return redirect(
                reverse("analytics:alerts", args=[hall.code]) + f"?noted={alert.pk}#alert-{alert.pk}"
            )
        except Invalid as exc:  # an unknown alert (404) or another hall's (403) is not a form error
            errors, noted = exc.form_errors(), raw
    now = timezone.now()
    rows = [
        {
            **row,
            "minutes": int(
                ((row["alert"].resolved_at or now) - row["alert"].opened_at).total_seconds() // 60
            ),
        }
        for row in selectors.alert_rows(hall=hall, rows=selectors.alerts_recent(hall=hall))
    ]
    context = {
        "hall": hall,
        "rows": rows,
        "errors": errors,
        "failed": noted,
        "noted": request.GET.get("noted", ""),
        "kinds": AlertKind,
    }
    return render(request, "analytics/alerts.html", context, status=422 if errors else 200)


def _rule_values(rule, typed: dict | None) -> tuple[str, str]:
    """What the two inputs of a service show: what was typed when the save was refused, else the saved
    thresholds, else nothing (the hall's)."""
    if typed is not None:
        return typed["wait_minutes"], typed["waiting_count"]
    if rule is None:
        return "", ""
    return tuple("" if v is None else str(v) for v in (rule.wait_minutes, rule.waiting_count))


@login_required
def alert_settings_page(request, hall_code: str):
    """The hall's thresholds, each service's own, and the mobiles on duty; errors beside each field."""
    hall = _manager_hall(request, hall_code)
    conf = selectors.alert_settings_get(hall=hall)
    rules = {r.service_id: r for r in selectors.alert_rules(hall=hall)}
    form = forms.AlertSettingsForm(request.POST or None, instance=conf if conf.pk else None)
    errors, saved = {}, False
    posted_rules: dict = {}
    if request.method == "POST":
        actor = actor_from_request(request)
        part = request.POST.get("part", "")
        try:
            if part == "thresholds":
                if form.is_valid():
                    services.alert_settings_update(actor=actor, hall=hall, **form.cleaned_data)
                    saved = True
                else:
                    errors = form_errors(form)
            elif part == "services":
                rows, posted_rules = forms.service_rule_rows(
                    request.POST, selectors.alert_services(hall=hall)
                )
                services.alert_rules_set(actor=actor, hall=hall, rows=rows)
                saved = True
            elif part == "managers":
                text_managers = request.POST.get("text_managers") == "on"
                services.alert_settings_update(actor=actor, hall=hall, text_managers=text_managers)
                saved = True
            elif part == "phones":
                services.alert_phones_set(actor=actor, hall=hall, phones=request.POST.get("duty_phones", ""))
                saved = True
        except DomainError as exc:
            errors = exc.form_errors()
        if saved:
            return redirect(reverse("analytics:alert-settings", args=[hall.code]) + "?saved=1")
    conf = selectors.alert_settings_get(hall=hall)
    context = {
        "hall": hall,
        "conf": conf,
        "form": form if errors else forms.AlertSettingsForm(instance=conf if conf.pk else None),
        "services": [
            (item, *_rule_values(rules.get(item.pk), posted_rules.get(item.code)))
            for item in selectors.alert_services(hall=hall)
        ],
        "errors": errors,
        "saved": request.GET.get("saved") == "1",
        "managers": selectors.hall_managers_mobiles(hall=hall),
        "phones_typed": request.POST.get("duty_phones", "")[:300] if "duty_phones" in errors else "",
    }
    return render(request, "analytics/alert_settings.html", context, status=422 if errors else 200)
