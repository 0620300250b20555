"""The staff's consultation pages: the hall's threads, one thread (answer, close, promote an answer to
the FAQ), and the FAQ editor in three languages. Buttons are shown only to those allowed to press them:
clerks and managers answer and close; managers edit the FAQ and promote."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from servicehall.catalog import selectors as catalog_selectors
from servicehall.consult import selectors, services
from servicehall.consult.choices import TRANSITIONS, ThreadAction, ThreadStatus
from servicehall.consult.forms import AnswerForm, FaqForm
from servicehall.consult.models import Message
from servicehall.core.actors import actor_from_request
from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, NotFound, PermissionDenied
from servicehall.core.forms import form_errors
from servicehall.core.permissions import has_role
from servicehall.core.selectors import hall_get


def _staff_hall(request, hall_code: str):
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, *services.ANSWERERS):
        raise PermissionDenied()
    return hall


@login_required
def thread_list(request, hall_code: str):
    hall = _staff_hall(request, hall_code)
    status = request.GET.get("status", "")[:10]
    threads = selectors.threads_for_hall(hall=hall, status=status)[:200]
    context = {"hall": hall, "threads": threads, "status": status, "statuses": ThreadStatus.choices}
    context["can_edit"] = has_role(request.user, hall, *services.EDITORS)
    return render(request, "consult/staff_list.html", context)


def _thread_step(actor, thread, data: dict):
    action = data["action"]
    if action == "answer":
        return services.thread_answer(actor=actor, thread=thread, text=data["text"])
    if action == "close":
        return services.thread_close(actor=actor, thread=thread)
    if action == "promote":
        message = Message.objects.filter(thread=thread, pk=data["message"] or 0).first()
        if message is None:
            raise NotFound(code="message_not_found")
        services.faq_promote(
            actor=actor,
            message=message,
            question=data["question"],
            question_en=data["question_en"],
            answer_en=data["answer_en"],
        )
        return thread
    raise PermissionDenied()


@login_required
def thread_detail(request, hall_code: str, thread_id: str):
    hall = _staff_hall(request, hall_code)
    thread = selectors.thread_get(public_id=thread_id, hall=hall)
    form = AnswerForm(request.POST or None)
    errors: dict = {}
    if request.method == "POST" and form.is_valid():
        try:
            _thread_step(actor_from_request(request), thread, form.cleaned_data)
            return redirect("consult:staff-thread", hall_code=hall.code, thread_id=thread.public_id)
        except DomainError as exc:
            errors = exc.form_errors()
    actions = TRANSITIONS.actions_from(thread.status)
    context = {
        "hall": hall,
        "thread": selectors.staff_view(thread),
        "can_answer": ThreadAction.ANSWER in actions,
        "can_close": ThreadAction.CLOSE in actions,
        "can_promote": has_role(request.user, hall, *services.EDITORS),
        "errors": errors,
        "form": form,
    }
    return render(request, "consult/staff_thread.html", context)


def _faq_save(request, hall, faq, form):
    data = dict(form.cleaned_data)
    return services.faq_save(
        actor=actor_from_request(request), hall=hall, faq=faq, item_code=data.pop("item") or None, **data
    )


@login_required
def faq_list(request, hall_code: str):
    """Every FAQ entry of the hall, and (managers) a form to add one."""
    hall = _staff_hall(request, hall_code)
    can_edit = has_role(request.user, hall, Role.MANAGER)
    form = FaqForm(request.POST or None, initial={"item": request.GET.get("item", "")[:64]})
    errors: dict = {}
    if request.method == "POST" and form.is_valid():
        try:
            _faq_save(request, hall, None, form)
            return redirect("consult:staff-faq", hall_code=hall.code)
        except DomainError as exc:
            errors = exc.form_errors()
    errors = errors or form_errors(form)
    context = {
        "hall": hall,
        "faqs": selectors.faq_for_hall(hall=hall),
        "items": catalog_selectors.item_list(hall=hall),
        "form": form,
        "errors": errors,
        "can_edit": can_edit,
    }
    return render(request, "consult/staff_faq.html", context)


@login_required
def faq_edit(request, hall_code: str, faq_id: int):
    hall = _staff_hall(request, hall_code)
    faq = selectors.faq_get(hall=hall, faq_id=faq_id)
    initial = {
        "item": faq.item.code if faq.item_id else "",
        **{name: getattr(faq, name) for name in services.FAQ_TEXTS},
    }
    form = FaqForm(request.POST or None, initial=initial)
    errors: dict = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.faq_delete(actor=actor_from_request(request), faq=faq)
                return redirect("consult:staff-faq", hall_code=hall.code)
            if form.is_valid():
                _faq_save(request, hall, faq, form)
                return redirect("consult:staff-faq", hall_code=hall.code)
        except DomainError as exc:
            errors = exc.form_errors()
    errors = errors or form_errors(form)
    context = {
        "hall": hall,
        "faq": faq,
        "form": form,
        "errors": errors,
        "items": catalog_selectors.item_list(hall=hall),
        "can_edit": has_role(request.user, hall, Role.MANAGER),
    }
    return render(request, "consult/staff_faq_edit.html", context)
