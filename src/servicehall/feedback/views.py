"""Feedback pages: the citizen's (leave an item on a phone, follow it by code + mobile, rate the
handling) and the staff's (the hall's items, one item with the steps the table allows). Thin: a form,
one service or selector, render; errors beside the fields."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render

from servicehall.core.actors import actor_from_request
from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, PermissionDenied
from servicehall.core.forms import form_errors
from servicehall.core.models import Hall, HallMembership
from servicehall.core.permissions import has_role
from servicehall.core.selectors import hall_get
from servicehall.feedback import attachments, selectors, services, verification
from servicehall.feedback.api import STAFF_ACTIONS
from servicehall.feedback.choices import TRANSITIONS, FeedbackAction
from servicehall.feedback.forms import StepForm, SubmitForm, TrackForm

STAFF = (Role.MANAGER, Role.CLERK)


def leave(request, hall_code: str):
    """Leave a complaint, suggestion, message, praise or question: no account needed."""
    hall = hall_get(code=hall_code)
    form = SubmitForm(request.POST or None)
    errors: dict = {}
    if request.method == "POST" and form.is_valid():
        try:
            item = attachments.feedback_submit_with_files(
                actor=actor_from_request(request),
                hall=hall,
                files=request.FILES.getlist("attachments"),
                **form.cleaned_data,
            )
        except DomainError as exc:
            errors = exc.form_errors()
        else:
            return render(request, "feedback/received.html", {"hall": hall, "item": item})
    errors = errors or form_errors(form)
    return render(request, "feedback/leave.html", {"hall": hall, "form": form, "errors": errors})


def track(request):
    """Follow an item by its code and the mobile it was left with; prove the mobile with the texted code
    (or ask for a new one); rate the handling once answered. A wrong or expired code keeps the item on
    the page with the error beside the code field."""
    form = TrackForm(request.POST or None, initial={"code": request.GET.get("code", "")[:8]})
    view, errors = None, {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            view = selectors.citizen_view(_track_step(actor_from_request(request), data))
        except DomainError as exc:
            errors = exc.form_errors()
            if data["otp"] or data["resend"]:
                try:
                    view = selectors.citizen_view(
                        selectors.item_for_citizen(code=data["code"], phone=data["phone"])
                    )
                except DomainError:
                    view = None
    errors = errors or form_errors(form)
    return render(request, "feedback/track.html", {"form": form, "view": view, "errors": errors})


def _track_step(actor, data: dict):
    """The citizen's step on the track page: verify the mobile, ask for a new code, rate, or just look."""
    code, phone = data["code"], data["phone"]
    if data["otp"]:
        return verification.feedback_verify_phone(actor=actor, code=code, phone=phone, otp=data["otp"])
    if data["resend"]:
        return verification.feedback_resend_code(actor=actor, code=code, phone=phone)
    if data["rating"]:
        return services.feedback_rate(actor=actor, code=code, phone=phone, rating=data["rating"])
    return selectors.item_for_citizen(code=code, phone=phone)


def _staff_hall(request, hall_code: str):
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, *STAFF):
        raise PermissionDenied()
    return hall


@login_required
def staff_list(request, hall_code: str):
    hall = _staff_hall(request, hall_code)
    overdue = request.GET.get("overdue") == "1"
    items = selectors.items_for_hall(hall=hall, overdue_for=request.user if overdue else None)[:200]
    rows = [selectors.item_for_staff(i, user=request.user) for i in items]
    return render(request, "feedback/staff_list.html", {"hall": hall, "rows": rows, "overdue": overdue})


@login_required
def staff_item(request, hall_code: str, item_id: str):
    hall = _staff_hall(request, hall_code)
    item = selectors.item_get(public_id=item_id)
    if item.hall_id != hall.pk:
        raise PermissionDenied()
    errors: dict = {}
    form = StepForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "attach":
        try:
            files = request.FILES.getlist("attachments")
            attachments.attachments_add(actor=actor_from_request(request), item=item, files=files)
            return redirect("feedback:staff-item", hall_code=hall.code, item_id=item.public_id)
        except DomainError as exc:
            errors = exc.form_errors()
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        step = STAFF_ACTIONS.get(data["action"])
        try:
            if step is None:
                raise PermissionDenied()
            item = step(actor_from_request(request), item, _Data(data))
            if item.hall_id != hall.pk:  # transferred: it is the other hall's now
                return redirect("feedback:staff-list", hall_code=hall.code)
            return redirect("feedback:staff-item", hall_code=hall.code, item_id=item.public_id)
        except DomainError as exc:
            errors = exc.form_errors()
    other_halls = list(Hall.objects.filter(active=True).exclude(pk=hall.pk).order_by("code"))
    actions = [a for a in TRANSITIONS.actions_from(item.status) if a in STAFF_ACTIONS]
    actions = [a for a in actions if a != FeedbackAction.TRANSFER or other_halls]
    context = {
        "hall": hall,
        "item": selectors.item_for_staff(item, user=request.user),
        "actions": [(a, FeedbackAction(a).label) for a in actions],
        "attachments": attachments.attachments_for(item, user=request.user),
        "other_halls": other_halls,
        "staff": HallMembership.objects.filter(hall=hall).select_related("user").order_by("user__username"),
        "errors": errors,
    }
    return render(request, "feedback/staff_item.html", context)


@login_required
def staff_attachment(request, hall_code: str, item_id: str, attachment_id: int):
    """One attachment, to staff who may see the complainant; audited. Images inline, PDFs downloaded."""
    item = selectors.item_get(public_id=item_id)
    if item.hall.code != hall_code:
        raise PermissionDenied()
    handle, attachment = attachments.attachment_open(
        actor=actor_from_request(request), item=item, attachment_id=attachment_id
    )
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


class _Data:
    """The step form's cleaned data with the attribute names the API's actions read."""

    def __init__(self, data: dict):
        self.reason = data.get("reason") or ""
        self.reply = data.get("reply") or ""
        self.department = data.get("department") or ""
        self.assignee = data.get("assignee")
        self.hall = data.get("hall") or ""
