"""Marked changes and their before/after (hall managers): mark the day a change was made and the services
it touched, then read each measure before and after, for those services and the others, with the effect,
its confidence interval, the p-value and the sample sizes. Thin: a form, a service, one selector."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from servicehall.analytics import forms, selectors, services
from servicehall.analytics.views import _manager_hall, _service_choices
from servicehall.core.actors import actor_from_request
from servicehall.core.errors import Invalid
from servicehall.queueing.selectors import local_now


@login_required
def changes_page(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    today = local_now(hall).date()
    form = forms.ChangeMarkForm(request.POST or None, services=_service_choices(hall))
    errors: dict = {}
    if request.method == "POST" and request.POST.get("action") == "delete":
        raw = request.POST.get("mark", "")
        services.change_mark_delete(
            actor=actor_from_request(request),
            hall=hall,
            mark_id=int(raw) if raw.isdigit() and len(raw) < 12 else -1,
        )
        return redirect(reverse("analytics:changes", args=[hall.code]))
    if request.method == "POST":
        if form.is_valid():
            try:
                mark = services.change_mark_create(
                    actor=actor_from_request(request),
                    hall=hall,
                    day=form.cleaned_data["day"],
                    title=form.cleaned_data["title"],
                    service_codes=form.cleaned_data["services"],
                    window_days=form.cleaned_data["window_days"],
                )
                return redirect(reverse("analytics:changes", args=[hall.code]) + f"?mark={mark.pk}")
            except Invalid as exc:
                errors = exc.form_errors()
        else:
            errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
    marks = selectors.change_marks(hall=hall)
    raw = request.GET.get("mark", "")
    chosen = next((m for m in marks if raw.isdigit() and str(m.pk) == raw), marks[0] if marks else None)
    context = {
        "hall": hall,
        "form": form,
        "errors": errors,
        "marks": marks,
        "mark": chosen,
        "rows": selectors.change_effects(hall=hall, mark=chosen, today=today) if chosen else [],
    }
    return render(request, "analytics/changes.html", context, status=422 if errors else 200)
