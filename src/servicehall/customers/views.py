"""Staff pages of customer records: the exact look-up and one person's history, masked (a full read is
the audited API call ``POST /api/v1/customers/{id}/reveal``). Thin: a form, one service or selector."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import actor_from_request
from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, PermissionDenied
from servicehall.core.permissions import has_role
from servicehall.core.selectors import hall_get
from servicehall.customers import report, selectors, services
from servicehall.customers.forms import LookupForm, PeriodForm
from servicehall.customers.statistics import segment_statistics

STAFF = (Role.MANAGER, Role.CLERK)


def _staff_hall(request, hall_code: str):
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, *STAFF):
        raise PermissionDenied()
    return hall


@login_required
def lookup(request, hall_code: str):
    """Find a person by exact certificate number or mobile; each search is audited. A POST, so the
    number never sits in a URL (address bar, history, logs), and the form comes back empty."""
    hall = _staff_hall(request, hall_code)
    form = LookupForm(request.POST if request.method == "POST" else None)
    found, errors = None, {}
    if form.is_bound and form.is_valid():
        try:
            found = services.person_search(actor=actor_from_request(request), hall=hall, **form.cleaned_data)
        except DomainError as exc:
            errors = exc.form_errors()
        form = LookupForm()
    rows = [selectors.person_masked(p) for p in found or []]
    context = {"hall": hall, "form": form, "rows": rows, "searched": found is not None, "errors": errors}
    return render(request, "customers/lookup.html", context)


@login_required
def person_page(request, hall_code: str, person_id: int):
    """One history per person (masked): visits with waits and outcomes, bookings and no-shows, ratings,
    feedback. A POST with a reason is the audited full read: the clear values are shown once, in the
    answer to that POST, never in a URL or on the next visit."""
    hall = _staff_hall(request, hall_code)
    person = selectors.person_get(hall=hall, pk=person_id)
    revealed, errors = None, {}
    if request.method == "POST":
        try:
            revealed = services.person_reveal(
                actor=actor_from_request(request), person=person, reason=request.POST.get("reason", "")[:200]
            )
        except DomainError as exc:
            errors = exc.form_errors()
    timeline = selectors.person_timeline(person=person, viewer_id=request.user.pk)
    return render(
        request,
        "customers/person.html",
        {
            "hall": hall,
            "person": selectors.person_masked(person),
            "timeline": timeline,
            "ratings_given": selectors.ratings_given(timeline),
            "consents": person.consents.all(),
            "is_manager": has_role(request.user, hall, Role.MANAGER),
            "revealed": revealed,
            "errors": errors,
        },
    )


@login_required
def statistics_page(request, hall_code: str):
    """Who the hall serves worst: the period's figures by age band, home area and individual or
    organisation side by side, with charts; ``?format=csv`` downloads the segment table. Managers and
    quality evaluators (no personal data on it)."""
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, Role.MANAGER, Role.EVALUATOR):
        raise PermissionDenied()
    today = timezone.localdate(timezone=hall.tzinfo)
    initial = {"date_from": today - datetime.timedelta(days=29), "date_to": today}
    form = PeriodForm(request.GET if "date_from" in request.GET else initial)
    stats = None
    if form.is_valid():
        stats = segment_statistics(hall=hall, **form.cleaned_data)
        if request.GET.get("format") == "csv":
            response = HttpResponse(report.statistics_csv(stats), content_type="text/csv; charset=utf-8")
            name = f"customers-{hall.code}-{stats['date_from']}-{stats['date_to']}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    context = {"hall": hall, "form": form, "stats": stats, "title": _("Customer statistics")}
    if stats:
        context |= report.page_context(stats)
    return render(request, "customers/statistics.html", context, status=200 if form.is_valid() else 422)


@login_required
def collection_page(request, hall_code: str):
    """Minimum collection (PIPL art. 6): each service item with the personal fields identification may
    ask for; a manager ticks them and saves one item at a time (``services.item_collection_set``,
    audited). Clerks see the list read-only."""
    from servicehall.catalog.selectors import item_list
    from servicehall.customers.choices import PersonalField

    hall = _staff_hall(request, hall_code)
    is_manager = has_role(request.user, hall, Role.MANAGER)
    errors, saved = {}, ""
    if request.method == "POST" and not is_manager:
        raise PermissionDenied()
    if request.method == "POST":
        item = next((i for i in item_list(hall=hall) if i.code == request.POST.get("item", "")), None)
        if item is None:
            errors = {"item": [_("Choose a service item from the list.")]}
        else:
            try:
                services.item_collection_set(
                    actor=actor_from_request(request), item=item, fields=request.POST.getlist("fields")
                )
                saved = item.code
            except DomainError as exc:
                errors = exc.form_errors()
    collected = selectors.items_collected_fields(hall=hall)
    rows = [{"item": i, "fields": collected.get(i.pk, PersonalField.values)} for i in item_list(hall=hall)]
    context = {
        "hall": hall,
        "rows": rows,
        "choices": PersonalField.choices,
        "is_manager": is_manager,
        "errors": errors,
        "saved": saved,
    }
    return render(request, "customers/collection.html", context, status=422 if errors else 200)
