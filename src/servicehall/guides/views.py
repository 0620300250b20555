"""The managers' guide pages: guides per item, a draft's editor with publish, the version history with a
line-by-line comparison, the procedures editor, the usage log (filters, CSV). Thin: a form, one service
or selector, render; errors beside the fields."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from servicehall.catalog.selectors import item_get
from servicehall.core.actors import actor_from_request
from servicehall.core.choices import Role
from servicehall.core.csvcells import safe_row
from servicehall.core.errors import DomainError, PermissionDenied
from servicehall.core.models import Counter
from servicehall.core.permissions import has_role
from servicehall.core.selectors import hall_get
from servicehall.guides import selectors, services
from servicehall.guides.forms import GuideForm, ProcedureForm, UseFilterForm
from servicehall.guides.models import Procedure


def _manager_hall(request, hall_code: str):
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, Role.MANAGER):
        raise PermissionDenied()
    return hall


def _errors(form, exc: DomainError | None = None) -> dict:
    """The errors to show; a service's are put on the form's fields so each shows beside its field."""
    if exc is not None:
        for key, messages in exc.form_errors().items():
            form.add_error(key if key in form.fields else None, messages)
    return {k: list(v) for k, v in form.errors.items()}


@login_required
def guide_list(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    rows = selectors.items_with_guides(hall=hall)
    return render(request, "guides/list.html", {"hall": hall, "rows": rows})


def _guide_initial(guide) -> dict:
    initial = {f: "\n".join(getattr(guide, f)) for f in services.LIST_FIELDS}
    initial.update({f: getattr(guide, f) for f in (*services.TEXT_FIELDS, "note")})
    for c in guide.checks.all():
        initial[f"check_{c.pk}"], initial[f"check_en_{c.pk}"] = c.points, c.points_en
    return initial


@login_required
def guide_edit(request, hall_code: str, code: str):
    """The item's draft (start one, save it, publish it) beside the published version and the history."""
    hall = _manager_hall(request, hall_code)
    item = item_get(hall=hall, code=code[:64])
    actor = actor_from_request(request)
    errors: dict = {}
    if request.method == "POST" and request.POST.get("action") == "start":
        services.guide_draft_start(actor=actor, item=item)
        return redirect("guides:edit", hall_code=hall.code, code=item.code)
    draft = selectors.guide_draft(item=item)
    form = None
    if draft is not None:
        form = GuideForm(request.POST or None, checks=draft.checks.all(), initial=_guide_initial(draft))
    if request.method == "POST" and form is not None:
        errors = _save_draft(request, actor, draft, form)
        if not errors:
            return redirect("guides:edit", hall_code=hall.code, code=item.code)
    published = selectors.guide_published(item=item)
    context = {
        "hall": hall,
        "item": item,
        "draft": draft,
        "form": form,
        "errors": errors,
        "published": selectors.guide_view(published, item=item) if published else None,
        "versions": selectors.guide_versions(item=item),
        "collection": selectors.collection_rule(item=item, guide=draft or published),
    }
    return render(request, "guides/edit.html", context, status=422 if errors else 200)


def _save_draft(request, actor, draft, form) -> dict:
    """Save (and, when asked, publish) the draft; the errors to show beside the fields, or {}."""
    if not form.is_valid():
        return _errors(form)
    try:
        draft = services.guide_draft_save(actor=actor, guide=draft, data=form.service_data())
        if request.POST.get("action") == "publish":
            services.guide_publish(actor=actor, guide=draft)
    except DomainError as exc:
        return _errors(form, exc)
    return {}


@login_required
def guide_version(request, hall_code: str, code: str, version: int):
    """One version as clerks read it, and what changed against the version before it."""
    hall = _manager_hall(request, hall_code)
    item = item_get(hall=hall, code=code[:64], include_inactive=True)
    guide = selectors.guide_version(item=item, version=version)
    older = selectors.guide_version(item=item, version=version - 1) if version > 1 else None
    context = {
        "hall": hall,
        "item": item,
        "guide": guide,
        "view": selectors.guide_view(guide, item=item),
        "older": older,
        "diff": selectors.guide_diff(older=older, newer=guide),
    }
    return render(request, "guides/version.html", context)


@login_required
def procedure_list(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    rows = selectors.procedures_for(hall=hall, active_only=False)
    return render(request, "guides/procedures.html", {"hall": hall, "procedures": rows})


@login_required
def procedure_edit(request, hall_code: str, pk: int | None = None):
    hall = _manager_hall(request, hall_code)
    procedure = selectors.procedure_get(hall=hall, pk=pk) if pk is not None else None
    initial = {"position": 0, "active": True}
    if procedure is not None:
        initial = {
            f: getattr(procedure, f) for f in ("code", *services.PROCEDURE_TEXTS, "position", "active")
        }
        initial.update(steps="\n".join(procedure.steps), steps_en="\n".join(procedure.steps_en))
    form = ProcedureForm(request.POST or None, initial=initial)
    errors: dict = {}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.procedure_save(
                    actor=actor_from_request(request), hall=hall, procedure=procedure, data=form.cleaned_data
                )
                return redirect("guides:procedures", hall_code=hall.code)
            except DomainError as exc:
                errors = _errors(form, exc)
        else:
            errors = _errors(form)
    context = {"hall": hall, "procedure": procedure, "form": form, "errors": errors}
    return render(request, "guides/procedure_edit.html", context, status=422 if errors else 200)


@login_required
def use_log(request, hall_code: str):
    """The usage log with filters; ``?format=csv`` downloads what the filters select."""
    hall = _manager_hall(request, hall_code)
    procedures = list(Procedure.objects.filter(hall=hall))
    counters = list(Counter.objects.filter(hall=hall).order_by("number"))
    form = UseFilterForm(request.GET or None, procedures=procedures, counters=counters)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "since": data["since"],
            "until": data["until"],
            "procedure_id": data["procedure"],
            "counter_id": data["counter"],
        }
    uses = selectors.procedure_uses(hall=hall, **filters)
    if request.GET.get("format") == "csv" and not form.errors:
        return _csv(hall, uses)
    context = {
        "hall": hall,
        "form": form,
        "uses": uses[:500],
        "errors": _errors(form) if form.is_bound else {},
    }
    return render(request, "guides/uses.html", context)


def _csv(hall, uses) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="procedure-uses-{hall.code}.csv"'
    response.write("\ufeff")  # Excel and WPS read UTF-8 only with the mark
    writer = csv.writer(response)
    writer.writerow(selectors.CSV_HEADER)
    for use in uses.iterator():
        writer.writerow(safe_row(selectors.procedure_use_row(use)))
    return response
