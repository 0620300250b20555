"""Training pages. Managers: courses (sessions, attendance, materials, question bank, required items),
certificates expiring, hours against the target, levels with their criteria, eligible clerks and
promotion. Clerks (and managers for themselves): my training, taking an exam, my certificates, my
progress. Thin: a form, one service or selector, render; errors beside the fields; another hall's page is
refused (403) like every staff page."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from servicehall.core.actors import actor_from_request
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, NotFound, PermissionDenied
from servicehall.core.permissions import STAFF_ROLES, has_role
from servicehall.core.selectors import hall_get
from servicehall.staff import selectors as staff_selectors
from servicehall.staff import services as staff_services
from servicehall.training import forms, progress, selectors, services
from servicehall.training.choices import PERCENT, AttemptStatus, Criterion
from servicehall.training.models import Level, Material, TrainingSession
from servicehall.training.services.courses import material_open

LEARNERS = (Role.MANAGER, Role.CLERK)


def _hall(request, hall_code: str, *roles):
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, *roles):
        raise PermissionDenied()
    return hall


def _form(form_class, name: str, data=None, files=None, **kwargs):
    """A page's form with ids of its own (``course-name``), so two forms on one page never share one."""
    return form_class(data, files, auto_id=f"{name}-%s", **kwargs)


def _post(request, form_class, name: str, action, *, files=False):
    """Bind the form named ``name`` to the POST and run ``action(cleaned_data)``: (form, general errors,
    done). A service's field errors go beside the form's field; the others above the form."""
    form = _form(form_class, name, request.POST, request.FILES if files else None)
    if not form.is_valid():
        return form, [str(e) for e in form.non_field_errors()], False
    try:
        action(form.cleaned_data)
    except DomainError as exc:
        general = []
        for field, messages in exc.form_errors().items():
            for message in messages:
                if field in form.fields:
                    form.add_error(field, message)
                else:
                    general.append(message)
        return form, general, False
    return form, [], True


@login_required
def manage(request, hall_code: str):
    hall = _hall(request, hall_code, Role.MANAGER)
    actor = actor_from_request(request)
    conf = selectors.settings_get(hall=hall)
    course_form = _form(forms.CourseForm, "new", initial=forms.COURSE_DEFAULTS)
    settings_form = _form(
        forms.SettingsForm,
        "settings",
        initial={k: getattr(conf, k) for k in ("annual_hours_target", "warn_days", "expiry_effect")},
    )
    errors: list = []
    action = request.POST.get("action")
    if request.method == "POST" and action == "course":
        created = {}

        def create(d):
            created["course"] = services.course_save(actor=actor, hall=hall, **d)

        course_form, errors, done = _post(request, forms.CourseForm, "new", create)
        if done:
            return redirect("training:course", hall_code=hall.code, course_id=created["course"].pk)
    elif request.method == "POST" and action == "settings":
        settings_form, errors, done = _post(
            request,
            forms.SettingsForm,
            "settings",
            lambda d: services.training_settings_update(actor=actor, hall=hall, **d),
        )
        if done:
            return redirect("training:manage", hall_code=hall.code)
    year = selectors.today(hall).year
    context = {
        "hall": hall,
        "courses": selectors.course_list(hall=hall).prefetch_related("questions", "sessions"),
        "expiring": selectors.certificates_expiring(hall=hall),
        "hours": selectors.hours_by_clerk(hall=hall, year=year),
        "year": year,
        "conf": conf,
        "notices": selectors.notices_for(hall=hall, user=request.user),
        "course_form": course_form,
        "settings_form": settings_form,
        "errors": errors,
    }
    return render(request, "training/manage.html", context)


def _attendance(actor, course, data):
    session = TrainingSession.objects.filter(pk=data["session"], course=course).first()
    if session is None:
        raise NotFound()
    return services.attendance_set(
        actor=actor, session=session, user_id=data["user"], present=data["present"]
    )


COURSE_ACTIONS = {
    "course": (forms.CourseForm, lambda a, c, d: services.course_save(actor=a, hall=c.hall, course=c, **d)),
    "session": (forms.SessionForm, lambda a, c, d: services.session_create(actor=a, course=c, **d)),
    "question": (forms.QuestionForm, lambda a, c, d: services.question_save(actor=a, course=c, **d)),
    "required": (
        forms.RequiredForm,
        lambda a, c, d: services.required_course_set(actor=a, course=c, service_codes=d["services"]),
    ),
    "material": (
        forms.MaterialForm,
        lambda a, c, d: services.material_add(actor=a, course=c, upload=d["file"]),
    ),
    "attendance": (forms.AttendanceForm, _attendance),
}


@login_required
def course(request, hall_code: str, course_id: int):
    hall = _hall(request, hall_code, Role.MANAGER)
    item = selectors.course_get(course_id=course_id, hall=hall)
    action = request.POST.get("action", "")
    errors: list = []
    bound = {}
    if request.method == "POST" and action in COURSE_ACTIONS:
        form_class, step = COURSE_ACTIONS[action]
        actor = actor_from_request(request)
        form, errors, done = _post(
            request, form_class, action, lambda d: step(actor, item, d), files=action == "material"
        )
        if done:
            return redirect("training:course", hall_code=hall.code, course_id=item.pk)
        bound[action] = form
    required_items = selectors.required_services(course=item)
    required = ", ".join(s.code for s in required_items)
    initial = {
        "course": {f: getattr(item, f) for f in forms.CourseForm.base_fields},
        "session": {"hours": item.hours},
        "required": {"services": required},
    }
    names = ("course", "session", "question", "required", "material")
    context = {
        f"{name}_form": bound.get(name)
        or _form(dict(COURSE_ACTIONS)[name][0], name, initial=initial.get(name))
        for name in names
    }
    context |= {
        "hall": hall,
        "course": item,
        "sessions": list(item.sessions.prefetch_related("attendance__user")),
        "clerks": selectors.hall_clerks(hall=hall),
        "questions": item.questions.all(),
        "materials": item.materials.all(),
        "required": required_items,
        "errors": errors,
    }
    return render(request, "training/course.html", context)


def _thresholds(data: dict) -> dict:
    out = {}
    for code in Criterion.values:
        value = data.get(code)
        if value is not None:
            out[code] = (value / 100).quantize(Decimal("0.0001")) if code in PERCENT else value
    return out


def _levels_post(request, hall, action: str):
    """The levels page's three forms: a level, a level's criteria, a promotion."""
    actor = actor_from_request(request)
    if action == "level":
        return _post(
            request, forms.LevelForm, "level", lambda d: services.level_save(actor=actor, hall=hall, **d)
        )
    if action == "criteria":

        def save(d):
            level = Level.objects.filter(hall=hall, pk=d["level"]).first()
            if level is None:
                raise NotFound()
            services.criteria_set(actor=actor, level=level, thresholds=_thresholds(d))

        return _post(request, forms.CriteriaForm, "criteria", save)
    return _post(
        request,
        forms.PromoteForm,
        "promote",
        lambda d: services.clerk_promote(actor=actor, hall=hall, username=d["username"], to_rank=d["rank"]),
    )


@login_required
def levels(request, hall_code: str):
    hall = _hall(request, hall_code, Role.MANAGER)
    action = request.POST.get("action", "")
    errors: list = []
    level_form = _form(forms.LevelForm, "level")
    if request.method == "POST" and action in ("level", "criteria", "promote"):
        form, errors, done = _levels_post(request, hall, action)
        if done:
            return redirect("training:levels", hall_code=hall.code)
        if action == "level":
            level_form = form
        else:
            errors = errors or [f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()]
    ladder = progress.levels_of(hall)
    clerks = selectors.hall_clerks(hall=hall)
    groups = progress.peer_groups(hall=hall, users=clerks)
    rows = [
        {
            "user": u,
            "progress": progress.progress_for(hall=hall, user=u, levels=ladder),
            "group": groups.get(u.pk),
        }
        for u in clerks
    ]
    context = {
        "hall": hall,
        "ladder": [{"level": lv, "criteria": _criteria_rows(lv)} for lv in ladder],
        "rows": sorted(rows, key=lambda r: (not r["progress"]["eligible"], r["user"].username)),
        "level_form": level_form,
        "errors": errors,
        "minimum": progress.MINIMUM,
    }
    return render(request, "training/levels.html", context)


def _criteria_rows(level: Level) -> list[dict]:
    current = {c.code: c.threshold for c in level.criteria.all()}
    rows = []
    for code, label in Criterion.choices:
        value = current.get(code)
        if value is not None and code in PERCENT:
            value = (value * 100).normalize()
        elif value is not None:
            value = value.normalize()
        rows.append(
            {
                "code": code,
                "label": label,
                "value": "" if value is None else f"{value:f}",
                "percent": code in PERCENT,
            }
        )
    return rows


@login_required
def mine(request, hall_code: str):
    """The clerk's own training: notices, progress, hours, courses; and the work mobile their notices are
    texted to, which they may change themselves (POST)."""
    hall = _hall(request, hall_code, *LEARNERS)
    user = request.user
    mobile_errors = {}
    if request.method == "POST":
        try:
            staff_services.staff_mobile_set(
                actor=actor_from_request(request), hall=hall, user=user, mobile=request.POST.get("mobile", "")
            )
            return redirect(reverse("training:mine", args=[hall.code]) + "?saved=1#my-mobile")
        except DomainError as exc:
            mobile_errors = exc.form_errors()
    mobile_saved = request.GET.get("saved") == "1"
    year = selectors.today(hall).year
    conf = selectors.settings_get(hall=hall)
    hours = selectors.training_hours(hall=hall, user=user, year=year)
    context = {
        "hall": hall,
        "courses": selectors.my_courses(hall=hall, user=user),
        "certificates": selectors.certificates_of(hall=hall, user=user),
        "hours": hours,
        "target": conf.annual_hours_target,
        "hours_pct": min(100, int(100 * hours / conf.annual_hours_target))
        if conf.annual_hours_target
        else 100,
        "year": year,
        "progress": progress.progress_for(hall=hall, user=user),
        "notices": selectors.notices_for(hall=hall, user=user),
        "is_manager": has_role(user, hall, Role.MANAGER),
        "mobile_hint": staff_selectors.work_mobile_hint(hall=hall, user=user),
        "mobile_errors": mobile_errors,
        "mobile_typed": request.POST.get("mobile", "")[:20] if mobile_errors else "",
        "mobile_saved": mobile_saved,
    }
    return render(request, "training/mine.html", context, status=422 if mobile_errors else 200)


@login_required
def exam_start(request, hall_code: str, course_id: int):
    hall = _hall(request, hall_code, *LEARNERS)
    if request.method != "POST":
        return redirect("training:mine", hall_code=hall.code)
    item = selectors.course_get(course_id=course_id, hall=hall)
    attempt = services.exam_start(actor=actor_from_request(request), course=item)
    return redirect("training:attempt", hall_code=hall.code, attempt_id=attempt.pk)


@login_required
def attempt(request, hall_code: str, attempt_id: int):
    """The exam: questions (never their answers) and a countdown to the server's deadline; POST submits."""
    hall = _hall(request, hall_code, *LEARNERS)
    found = selectors.attempt_for_user(attempt_id=attempt_id, user=request.user)
    if found.hall_id != hall.pk:
        raise NotFound()
    errors: dict = {}
    if request.method == "POST" and found.status == AttemptStatus.IN_PROGRESS:
        answers = {
            k[1:]: [int(v) for v in request.POST.getlist(k) if v.isdigit() and len(v) < 3]
            for k in request.POST
            if k.startswith("q") and k[1:].isdigit()
        }
        try:
            services.exam_submit(actor=actor_from_request(request), attempt_id=found.pk, answers=answers)
            return redirect("training:attempt", hall_code=hall.code, attempt_id=found.pk)
        except DomainError as exc:
            errors = exc.form_errors()
        found.refresh_from_db()
    context = {"hall": hall, "attempt": found, "course": found.course, "errors": errors}
    if found.status == AttemptStatus.IN_PROGRESS:
        context["exam"] = selectors.attempt_out(found)
    else:
        context["result"] = selectors.result_out(found)
    return render(request, "training/attempt.html", context)


@login_required
def material(request, hall_code: str, material_id: int):
    """A course file, to the hall's staff only; the read is audited."""
    hall = _hall(request, hall_code, *STAFF_ROLES)
    found = (
        Material.objects.filter(pk=material_id, course__hall=hall).select_related("course").first()
        if material_id < 2**62
        else None
    )
    if found is None:
        raise NotFound()
    audit_record(
        actor=actor_from_request(request),
        action="training.material_read",
        hall=hall,
        obj=found,
        after={"file": found.stored_name},
    )
    response = FileResponse(
        material_open(found),
        content_type=found.content_type,
        as_attachment=found.content_type == "application/pdf",
        filename=found.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response
