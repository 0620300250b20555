"""The staff administration pages of a hall manager: the staff list and a new clerk, one clerk (details,
photo, roles, skills, deactivate, password, API tokens), the hall's staff settings, and the public photo
of the clerk at a window (亮证上岗). Thin: a form, one service; refusals beside the fields."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from servicehall.catalog.models import Department
from servicehall.core.actors import actor_from_request
from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, PermissionDenied
from servicehall.core.forms import form_errors
from servicehall.core.models import HallMembership
from servicehall.core.permissions import has_role
from servicehall.core.selectors import hall_get
from servicehall.staff import forms, selectors, services
from servicehall.staff.choices import SkillLevel


def manager_hall(request, hall_code: str):
    """The hall, if the signed-in user manages it (403 otherwise, 404 for an unknown hall)."""
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, Role.MANAGER):
        raise PermissionDenied()
    return hall


@login_required
def people(request, hall_code: str):
    """Everyone working in the hall, and the form for a new clerk (its temporary password shown once)."""
    hall = manager_hall(request, hall_code)
    departments = Department.objects.filter(hall=hall)
    form = forms.StaffCreateForm(request.POST or None, departments=departments)
    errors, created = {}, None
    if request.method == "POST":
        if form.is_valid():
            try:
                user, password = services.staff_create(
                    actor=actor_from_request(request), hall=hall, **form.cleaned_data
                )
                created = {"user": user, "password": password}
                form = forms.StaffCreateForm(departments=departments)
            except DomainError as exc:
                errors = exc.form_errors()
        else:
            errors = form_errors(form)
    context = {
        "hall": hall,
        "rows": selectors.staff_list(hall=hall),
        "form": form,
        "errors": errors,
        "created": created,
        "settings": selectors.settings_get(hall=hall),
    }
    return render(request, "staff/people.html", context, status=422 if errors else 200)


def _person_action(request, hall, user, action: str, departments) -> dict:
    """Run one POSTed action on a clerk; returns what the page shows once (new password, token)."""
    actor = actor_from_request(request)
    kw = {"actor": actor, "hall": hall, "user": user}
    if action == "profile":
        form = forms.StaffProfileForm(request.POST, departments=departments)
        if not form.is_valid():
            return {"errors": form_errors(form)}
        services.staff_update(**kw, **form.cleaned_data)
    elif action == "mobile":
        form = forms.MobileForm(request.POST)
        if not form.is_valid():
            return {"errors": form_errors(form)}
        services.staff_mobile_set(**kw, mobile=form.cleaned_data["mobile"])
    elif action == "photo":
        form = forms.PhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            return {"errors": form_errors(form)}
        services.staff_photo_set(**kw, data=form.cleaned_data["photo"].read(2 * 1024 * 1024 + 1))
    elif action == "photo_remove":
        services.staff_photo_set(**kw, data=None)
    elif action == "roles":
        services.staff_roles_set(**kw, roles=request.POST.getlist("roles"))
    elif action == "skills":
        rows = [
            {"service": code[6:], "level": level}
            for code, level in request.POST.items()
            if code.startswith("skill-") and level
        ]
        try:
            services.skills_replace(**kw, rows=rows, reason=request.POST.get("reason", "")[:200])
        except DomainError as exc:  # "3.level" names the row; the page shows it on the item's row
            errors = {
                rows[int(key.split(".")[0])]["service"] if key.split(".")[0].isdigit() else key: msgs
                for key, msgs in exc.form_errors().items()
            }
            posted = {row["service"]: row["level"] for row in rows}
            return {"errors": errors, "status": exc.status, "posted": posted}
    elif action in ("deactivate", "reactivate"):
        (services.staff_deactivate if action == "deactivate" else services.staff_reactivate)(**kw)
    elif action == "password":
        return {"password": services.staff_password_reset(**kw)}
    elif action == "token":
        form = forms.TokenForm(request.POST)
        if not form.is_valid():
            return {"errors": form_errors(form)}
        return {"token": services.staff_token_create(**kw, name=form.cleaned_data["name"])}
    elif action == "revoke":
        token_id = request.POST.get("token", "")
        services.staff_token_revoke(**kw, token_id=int(token_id) if token_id.isdigit() else None)
    return {"saved": action}


def _chosen(shown: dict, code: str, skill) -> str:
    """The level the select shows: what the manager posted when the save was refused (nothing typed is
    lost), else the saved one."""
    if "posted" in shown:
        return shown["posted"].get(code, "")
    return skill.level if skill else ""


@login_required
def person(request, hall_code: str, username: str):
    """One clerk: details, photo, roles, skills per service item, tokens, deactivate, password."""
    hall = manager_hall(request, hall_code)
    user = selectors.staff_user_get(hall=hall, username=username[:150])
    departments = Department.objects.filter(hall=hall)
    shown: dict = {}
    if request.method == "POST":
        try:
            shown = _person_action(request, hall, user, request.POST.get("action", ""), departments)
        except DomainError as exc:
            shown = {"errors": exc.form_errors(), "status": exc.status}
        user.refresh_from_db()
    profile = selectors.profile_get(hall=hall, user=user)
    levels = {s.item_id: s for s in selectors.skill_rows(hall=hall, user=user)}
    context = {
        "hall": hall,
        "person": user,
        "profile": profile,
        "profile_form": forms.StaffProfileForm(
            initial={
                "display_name": user.display_name,
                "staff_number": user.staff_number,
                "department": profile.department_id if profile else None,
            },
            departments=departments,
        ),
        "manageable": services.may_manage(actor_from_request(request), hall, user),
        "mobile_form": forms.MobileForm(
            request.POST if request.POST.get("action") == "mobile" and shown.get("errors") else None
        ),
        "roles": set(HallMembership.objects.filter(hall=hall, user=user).values_list("role", flat=True)),
        "role_choices": forms.ROLE_CHOICES,
        "items": [
            (i, levels.get(i.pk), _chosen(shown, i.code, levels.get(i.pk)))
            for i in selectors.items_for_hall(hall=hall)
        ],
        "levels": SkillLevel.choices,
        "tokens": user.api_tokens.filter(revoked_at__isnull=True),
        "settings": selectors.settings_get(hall=hall),
        **shown,
    }
    status = shown.get("status", 422) if shown.get("errors") else 200
    return render(request, "staff/person.html", context, status=status)


@login_required
def staff_settings(request, hall_code: str):
    hall = manager_hall(request, hall_code)
    conf = selectors.settings_get(hall=hall)
    fields = ["enforce_skills", "learning_rule", "show_clerk", "show_photo"]
    form = forms.StaffSettingsForm(request.POST or None, initial={f: getattr(conf, f) for f in fields})
    errors, saved = {}, False
    if request.method == "POST":
        if form.is_valid():
            try:
                conf = services.settings_update(
                    actor=actor_from_request(request), hall=hall, **form.cleaned_data
                )
                saved = True
            except DomainError as exc:
                errors = exc.form_errors()
        else:
            errors = form_errors(form)
    context = {
        "hall": hall,
        "form": form,
        "errors": errors,
        "saved": saved,
        "enforced": selectors.skills_enforced(hall=hall),
    }
    return render(request, "staff/settings.html", context, status=422 if errors else 200)


@require_GET
def photo(request, hall_code: str, key: str):
    """The photo of a clerk at a window, public where the hall shows photos (亮证上岗)."""
    hall = hall_get(code=hall_code)
    response = HttpResponse(selectors.photo_get(hall=hall, key=key[:32]), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def window_cards(request, hall_code: str):
    """The board's window cards: who serves at each open window (亮证上岗), as the hall allows; cached
    for a few seconds per hall since every board in the hall polls it."""
    hall = hall_get(code=hall_code)
    key = f"staff:cards:{hall.pk}"
    cards = cache.get(key)
    if cards is None:
        cards = selectors.window_cards(hall=hall)
        cache.set(key, cards, 5)
    return JsonResponse({"cards": cards})
