"""The quality office's pages (staff): 好差评 figures and the rectification cases, and the questionnaire
editor (an indicator system and its AHP weighting are ``views.system``)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicehall.core.actors import actor_from_request
from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, NotFound, PermissionDenied
from servicehall.core.permissions import has_role, require_role
from servicehall.core.selectors import hall_get
from servicehall.quality import selectors, services
from servicehall.quality.choices import (
    ITEM_KIND_LABELS,
    TRANSITIONS,
    RectificationOutcome,
    RectificationStatus,
    SystemStatus,
)
from servicehall.quality.forms import ArchiveFilterForm
from servicehall.quality.presets import TEMPLATE_LABELS


def staff_actor(request, hall, *roles):
    """The request's actor, refused (403) unless it holds one of ``roles`` in ``hall``."""
    actor = actor_from_request(request)
    require_role(actor, hall, *roles)
    return actor


@login_required
def office(request, hall_code: str):
    """The quality office: 好差评 figures of the last 30 days, the open rectification cases with the steps
    the viewer may take (``selectors.rectification_steps``: the same rule the service enforces, so no
    button is refused), the indicator systems."""
    hall = hall_get(code=hall_code)
    actor = staff_actor(request, hall, Role.MANAGER, Role.CLERK, Role.EVALUATOR)
    errors, notice, status = {}, "", 200
    if request.method == "POST":
        try:
            notice = _office_post(request, actor, hall)
        except DomainError as exc:
            # A step that is not the viewer's is a 403 with its reason; other refusals stay the form's 422.
            errors, status = exc.form_errors(), 403 if isinstance(exc, PermissionDenied) else 422
    now = timezone.now()
    today = now.astimezone(hall.tzinfo).date()
    cases = selectors.rectifications_visible(user=request.user, hall=hall).exclude(
        status=RectificationStatus.CLOSED
    )
    rows = [_case_row(request.user, c, now) for c in cases[:200]]
    return render(
        request,
        "quality/office.html",
        {
            "rater_visible": selectors.may_see_rater(user=request.user, hall=hall),
            "hall": hall,
            "stats": selectors.rating_statistics(
                hall=hall, date_from=today - datetime.timedelta(days=30), date_to=today
            ),
            "cases": rows,
            "systems": selectors.system_list(hall=hall),
            "questionnaires": [
                (q, q.localized_title(get_language())) for q in selectors.questionnaire_list(hall=hall)
            ],
            "errors": errors,
            "notice": notice,
            "can_edit": has_role(request.user, hall, Role.MANAGER, Role.EVALUATOR),
            "templates": [(key, label) for key, label in TEMPLATE_LABELS.items()],
        },
        status=status,
    )


def _case_row(user, case, now) -> dict:
    """An open case as the office lists it: the steps ``user`` may take (the buttons), or whose step it
    is when none is theirs."""
    steps = selectors.rectification_steps(user=user, case=case)
    waiting = ""
    if not steps:
        nxt = TRANSITIONS.actions_from(case.status)
        waiting = selectors.rectification_refusal(user=user, case=case, action=nxt[0]) if nxt else ""
    return {
        "case": case,
        "steps": [(a, selectors.rectification_step_label(a)) for a in steps],
        "waiting": waiting,
        "overdue": case.is_overdue(now),
    }


@login_required
def archive(request, hall_code: str):
    """The closed cases the viewer may see (all of them for the 好差评 office, their own for a clerk),
    filtered by period, window, clerk, outcome and lateness, 25 a page. A filter value the hall does not
    offer is a 400 with the reason beside the field."""
    hall = hall_get(code=hall_code)
    staff_actor(request, hall, Role.MANAGER, Role.CLERK, Role.EVALUATOR)
    choices = selectors.archive_choices(hall=hall)
    form = ArchiveFilterForm(
        request.GET,
        counters=choices["counters"],
        clerks=choices["clerks"],
        outcomes=RectificationOutcome.choices,
    )
    valid = form.is_valid()
    cases = selectors.rectification_archive(user=request.user, hall=hall, **(form.filters() if valid else {}))
    page = Paginator(cases, selectors.ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quality/archive.html",
        {
            "hall": hall,
            "page": page,
            "form": form,
            "choices": choices,
            "outcomes": RectificationOutcome.choices,
            "query": query.urlencode(),
            "errors": {} if valid else form.errors,
        },
        status=200 if valid else 400,
    )


def _posted_number(value: str | None) -> int:
    """A whole number posted by a form (an id, a scale), or 0 (no such thing: the caller's 404 or 422) for
    anything else: "abc", "1.5", "²" (``isdigit`` but no number for ``int``), thousands of digits."""
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else 0


def _office_post(request, actor, hall) -> str:
    if request.POST.get("generate"):
        system = selectors.system_get(hall=hall, system_id=_posted_number(request.POST.get("system")))
        q = services.questionnaire_generate(
            actor=actor,
            system=system,
            scale=_posted_number(request.POST.get("scale")),
            servqual=bool(request.POST.get("servqual")),
            importance=bool(request.POST.get("importance")),
        )
        return _("Draft questionnaire “%(title)s” version %(v)s created.") % {
            "title": q.title,
            "v": q.version,
        }
    if request.POST.get("template"):
        system = services.system_from_template(actor=actor, hall=hall, template=request.POST["template"])
        return _("Draft “%(name)s” version %(v)s created.") % {"name": system.name, "v": system.version}
    try:
        case = selectors.rectification_get(hall=hall, case_id=_posted_number(request.POST.get("case")))
    except NotFound as exc:
        raise NotFound(_("No such rectification case in this hall; reload the page.")) from exc
    if request.POST.get("contact"):
        phone = services.rater_contact(actor=actor, case=case)
        return (
            _("Case %(id)s: the rater's mobile number is %(phone)s (this reading is recorded).")
            % {"id": case.pk, "phone": phone}
            if phone
            else _("Case %(id)s: the rater left no mobile number.") % {"id": case.pk}
        )
    services.rectification_step(
        actor=actor, case=case, action=request.POST.get("action", ""), note=request.POST.get("note", "")
    )
    return _("Case %(id)s updated.") % {"id": case.pk}


@login_required
def questionnaire_edit(request, hall_code: str, questionnaire_id: int):
    """Edit a draft questionnaire in Chinese and English (titles, each item's text, which items stay),
    publish it, or start a new version of a published one."""
    hall = hall_get(code=hall_code)
    actor = staff_actor(request, hall, Role.MANAGER, Role.EVALUATOR)
    q = selectors.questionnaire_get(hall=hall, questionnaire_id=questionnaire_id)
    errors, notice, posted = {}, "", {}
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "publish":
                q = services.questionnaire_publish(actor=actor, questionnaire=q)
                notice = _("Published: the phone pages now offer this questionnaire, and it is frozen.")
            elif action == "version":
                copy = services.questionnaire_new_version(actor=actor, questionnaire=q)
                return redirect("quality:questionnaire_edit", hall_code=hall.code, questionnaire_id=copy.pk)
            else:
                posted = {
                    i["key"]: {
                        "text": request.POST.get(f"text:{i['key']}", ""),
                        "text_en": request.POST.get(f"en:{i['key']}", ""),
                    }
                    for i in q.items
                }
                q = services.questionnaire_update(
                    actor=actor,
                    questionnaire=q,
                    title=request.POST.get("title", ""),
                    title_en=request.POST.get("title_en", ""),
                    texts=posted,
                    remove=list(request.POST.getlist("remove")),
                )
                notice, posted = _("Saved."), {}
        except DomainError as exc:
            errors = exc.form_errors()
    rows = [
        {
            "item": i,
            "kind": ITEM_KIND_LABELS.get(i["kind"], i["kind"]),
            "text": posted.get(i["key"], {}).get("text", i["text"]),
            "text_en": posted.get(i["key"], {}).get("text_en", i.get("text_en", "")),
            "errors": errors.get(f"{i['key']}.text", []) + errors.get(i["key"], []),
        }
        for i in q.items
    ]
    return render(
        request,
        "quality/questionnaire_edit.html",
        {
            "hall": hall,
            "q": q,
            "rows": rows,
            "errors": errors,
            "notice": notice,
            "draft": q.status == SystemStatus.DRAFT,
            "title": request.POST.get("title", q.title) if errors else q.title,
            "title_en": request.POST.get("title_en", q.title_en) if errors else q.title_en,
            "heading": q.localized_title(get_language()),
            "responses": selectors.response_count(questionnaire=q),
        },
        status=422 if errors else 200,
    )
