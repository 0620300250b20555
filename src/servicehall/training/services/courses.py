"""Writes of the course catalogue (manager only): courses, sessions, attendance, materials, the question
bank, required courses per service item, the hall's training settings. Each is one transaction with an
audit row; bad input is a 422 beside the field and changes nothing."""

import hashlib
import os
import secrets
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.core.actors import Actor
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.media import media_open, media_save
from servicehall.core.models import Hall, HallMembership
from servicehall.core.permissions import require_role
from servicehall.core.services import hall_settings_update, validated
from servicehall.training.choices import QuestionKind
from servicehall.training.models import (
    Attendance,
    Course,
    Material,
    Question,
    RequiredCourse,
    TrainingSession,
    TrainingSettings,
)
from servicehall.training.services.common import MANAGERS, audit

COURSE_FIELDS = (
    "code",
    "category",
    "name",
    "name_en",
    "name_zh_hant",
    "hours",
    "exam_questions",
    "exam_minutes",
    "pass_mark",
    "certificate_months",
    "active",
)
MAX_MATERIAL_BYTES = 10 * 1024 * 1024
MATERIAL_KINDS = {b"%PDF-": ("application/pdf", "pdf"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}


@transaction.atomic
def course_save(*, actor: Actor, hall: Hall, course: Course | None = None, **data) -> Course:
    """Create a course, or change one of this hall's (locked)."""
    require_role(actor, hall, *MANAGERS)
    unknown = [k for k in data if k not in COURSE_FIELDS]
    if unknown:
        raise Invalid(fields={k: [_("This field cannot be changed.")] for k in unknown})
    if course is None:
        course = Course(hall=hall)
    else:
        course = Course.objects.select_for_update().get(pk=course.pk, hall=hall)
    for key, value in data.items():
        setattr(course, key, value)
    if Course.objects.filter(hall=hall, code=course.code).exclude(pk=course.pk).exists():
        raise Invalid(fields={"code": [_("Another course of this hall has this code.")]})
    validated(course)
    course.save()
    audit(actor, "training.course_save", course, hall, **{k: str(getattr(course, k)) for k in data})
    return course


@transaction.atomic
def session_create(
    *, actor: Actor, course: Course, starts_at, hours, trainer: str, place: str = "", online: bool = False
) -> TrainingSession:
    """A sitting of the course; an online one needs no place, one in the hall does."""
    require_role(actor, course.hall, *MANAGERS)
    if not online and not (place or "").strip():
        raise Invalid(fields={"place": [_("Give the place, or mark the session as online.")]})
    session = TrainingSession(
        course=course,
        starts_at=starts_at,
        hours=hours,
        trainer=(trainer or "").strip(),
        place=(place or "").strip(),
        online=bool(online),
    )
    validated(session)
    session.save()
    audit(actor, "training.session_create", session, course.hall, trainer=session.trainer, hours=str(hours))
    return session


def _hall_user(hall: Hall, user_id) -> object:
    """A member of the hall's staff, or a 422 on ``user`` (another hall's clerk is unknown here)."""
    ids = HallMembership.objects.filter(hall=hall).values_list("user_id", flat=True)
    user = get_user_model().objects.filter(pk=user_id, pk__in=ids).first() if str(user_id).isdigit() else None
    if user is None:
        raise Invalid(fields={"user": [_("No such member of staff in this hall.")]})
    return user


@transaction.atomic
def attendance_set(*, actor: Actor, session: TrainingSession, user_id: int, present: bool) -> Attendance:
    """Enrol a clerk in a session and record whether they came (re-recording changes the mark)."""
    hall = session.course.hall
    require_role(actor, hall, *MANAGERS)
    user = _hall_user(hall, user_id)
    row, _created = Attendance.objects.select_for_update().get_or_create(session=session, user=user)
    row.present = bool(present)
    row.save(update_fields=["present"])
    audit(actor, "training.attendance_set", row, hall, user=user.username, present=row.present)
    return row


def _options(options) -> list[dict]:
    if not isinstance(options, list) or not 2 <= len(options) <= 8:
        raise Invalid(fields={"options": [_("Give between 2 and 8 options.")]})
    clean = []
    for option in options:
        if isinstance(option, str):
            option = {"text": option}
        if not isinstance(option, dict) or not str(option.get("text") or "").strip():
            raise Invalid(fields={"options": [_("Every option needs a text.")]})
        clean.append({k: str(option.get(k) or "").strip()[:200] for k in ("text", "text_en", "text_zh_hant")})
    return clean


def _correct(kind: str, correct, n: int) -> list[int]:
    if not isinstance(correct, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in correct
    ):
        raise Invalid(fields={"correct": [_("Mark the correct options.")]})
    picked = sorted(set(correct))
    if not picked or any(i < 0 or i >= n for i in picked):
        raise Invalid(fields={"correct": [_("Mark at least one of the options as correct.")]})
    if kind != QuestionKind.MULTIPLE and len(picked) != 1:
        raise Invalid(fields={"correct": [_("This kind of question has exactly one correct option.")]})
    return picked


@transaction.atomic
def question_save(
    *,
    actor: Actor,
    course: Course,
    kind: str,
    text: str,
    options,
    correct,
    text_en: str = "",
    text_zh_hant: str = "",
    question: Question | None = None,
) -> Question:
    """Add a question to the bank (or change one). True/false questions get their two options."""
    require_role(actor, course.hall, *MANAGERS)
    if kind not in QuestionKind.values:
        raise Invalid(fields={"kind": [_("Choose a kind from the list.")]})
    if kind == QuestionKind.TRUE_FALSE:
        options = [{"text": "正确", "text_en": "True"}, {"text": "错误", "text_en": "False"}]
    options = _options(options)
    picked = _correct(kind, correct, len(options))
    q = question or Question(course=course)
    if q.course_id != course.pk:
        raise NotFound()
    q.kind, q.text, q.text_en, q.text_zh_hant = (
        kind,
        (text or "").strip(),
        text_en.strip(),
        text_zh_hant.strip(),
    )
    q.options, q.correct = options, picked
    validated(q)
    q.save()
    audit(actor, "training.question_save", q, course.hall, course=course.code, kind=kind)
    return q


def _check_material(upload) -> tuple[str, bytes, str, str]:
    name = os.path.basename(upload.name or "file")[:120]
    if upload.size > MAX_MATERIAL_BYTES:
        raise Invalid(fields={"file": [_("%(name)s is larger than 10 MB.") % {"name": name}]})
    data = upload.read(MAX_MATERIAL_BYTES + 1)
    for magic, (content_type, ext) in MATERIAL_KINDS.items():
        if data.startswith(magic) and len(data) <= MAX_MATERIAL_BYTES:
            return name, data, content_type, ext
    raise Invalid(fields={"file": [_("%(name)s is not a PDF or PNG file.") % {"name": name}]})


MATERIAL_AREA = "training"


def material_open(material: Material):
    """The stored file of a course material, open for reading (the caller checked who may read it)."""
    return media_open(MATERIAL_AREA, material.stored_name)


@transaction.atomic
def material_add(*, actor: Actor, course: Course, upload) -> Material:
    """Store a checked file (by its first bytes, not its name) in the upload store with a random name."""
    require_role(actor, course.hall, *MANAGERS)
    name, data, content_type, ext = _check_material(upload)
    stored = f"{secrets.token_hex(16)}.{ext}"
    media_save(MATERIAL_AREA, stored, data)
    material = Material.objects.create(
        course=course,
        stored_name=stored,
        original_name=name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=timezone.now(),
    )
    audit(actor, "training.material_add", material, course.hall, course=course.code, size=len(data))
    return material


@transaction.atomic
def required_course_set(*, actor: Actor, course: Course, service_codes: list[str]) -> list[str]:
    """Replace the service items that need this course; an unknown code is a 422, nothing changed."""
    hall = course.hall
    require_role(actor, hall, *MANAGERS)
    codes = sorted({str(c).strip() for c in service_codes if str(c).strip()})
    items = {i.code: i for i in ServiceItem.objects.filter(hall=hall, code__in=codes)}
    unknown = [c for c in codes if c not in items]
    if unknown:
        raise Invalid(
            fields={"services": [_("Unknown service item: %(codes)s") % {"codes": ", ".join(unknown)}]}
        )
    RequiredCourse.objects.filter(course=course).exclude(service__code__in=codes).delete()
    for code in codes:
        RequiredCourse.objects.get_or_create(hall=hall, course=course, service=items[code])
    audit(actor, "training.required_set", course, hall, services=codes)
    return codes


def training_settings_update(*, actor: Actor, hall: Hall, **changes) -> TrainingSettings:
    return hall_settings_update(
        model=TrainingSettings, actor=actor, hall=hall, action="training.settings", changes=changes
    )


def decimal_or_invalid(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise Invalid(fields={field: [_("Enter a number.")]}) from exc
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100000):
        raise Invalid(fields={field: [_("Enter a number between 0 and 100000.")]})
    return number
