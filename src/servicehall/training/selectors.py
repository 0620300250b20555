"""Reads of training: courses, the exam as the clerk sees it (never with the answers), certificates,
required courses per service item (``requirements_met``, what granting a skill checks), training hours
against the hall's target, notices. Pages and the API share them."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.choices import Role
from servicehall.core.errors import NotFound
from servicehall.core.localize import pick
from servicehall.core.models import Hall, HallMembership
from servicehall.training.choices import AttemptStatus, CertificateStatus
from servicehall.training.models import (
    Attendance,
    Certificate,
    Course,
    ExamAttempt,
    Question,
    RequiredCourse,
    TrainingNotice,
    TrainingSettings,
)


def settings_get(*, hall: Hall) -> TrainingSettings:
    return TrainingSettings.objects.filter(hall=hall).first() or TrainingSettings(hall=hall)


def today(hall: Hall) -> datetime.date:
    return timezone.localdate(timezone.now(), hall.tzinfo)


def course_list(*, hall: Hall, active_only: bool = False):
    qs = Course.objects.filter(hall=hall)
    return qs.filter(active=True) if active_only else qs


def course_get(*, course_id: int, hall: Hall | None = None) -> Course:
    """A course by id (within ``hall`` when given: another hall's course is unknown there)."""
    qs = Course.objects.select_related("hall")
    course = (
        qs.filter(pk=course_id, **({"hall": hall} if hall else {})).first() if 0 < course_id < 2**62 else None
    )
    if course is None:
        raise NotFound(_("No such course."), code="course_not_found")
    return course


def hall_clerks(*, hall: Hall) -> list:
    """The hall's clerks (the people training and levels are about), by username."""
    ids = HallMembership.objects.filter(hall=hall, role=Role.CLERK).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username"))


def hall_staff_get(*, hall: Hall, username: str):
    """A member of the hall's staff by username; anyone else is unknown here (404)."""
    user = get_user_model().objects.filter(username=username[:150]).first()
    if user is None or not HallMembership.objects.filter(hall=hall, user=user).exists():
        raise NotFound(_("No such member of staff in this hall."), code="staff_not_found")
    return user


# ---------------------------------------------------------------- the exam as the clerk sees it


def _option_text(option: dict) -> str:
    return pick(option.get("text", ""), en=option.get("text_en", ""), zh_hant=option.get("text_zh_hant", ""))


def exam_questions(attempt: ExamAttempt) -> list[dict]:
    """The attempt's questions in the drawn order: id, kind, text and option texts. Deliberately no
    ``correct`` and nothing derived from it: this is all that reaches the browser or the API."""
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    out = []
    for qid in attempt.question_ids:
        q = by_id.get(qid)
        if q is None:
            continue
        out.append(
            {
                "id": q.pk,
                "kind": q.kind,
                "text": q.text_local,
                "options": [{"index": i, "text": _option_text(o)} for i, o in enumerate(q.options)],
            }
        )
    return out


def attempt_out(attempt: ExamAttempt) -> dict:
    seconds = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return {
        "id": attempt.pk,
        "course": attempt.course_id,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "seconds_left": seconds if attempt.status == AttemptStatus.IN_PROGRESS else 0,
        "pass_mark": attempt.course.pass_mark,
        "questions": exam_questions(attempt),
    }


def result_out(attempt: ExamAttempt) -> dict:
    cert = Certificate.objects.filter(attempt=attempt).first()
    return {
        "id": attempt.pk,
        "status": attempt.status,
        "score": attempt.score,
        "pass_mark": attempt.course.pass_mark,
        "passed": attempt.passed,
        "certificate": {"id": cert.pk, "expires_on": cert.expires_on} if cert else None,
    }


def attempt_for_user(*, attempt_id: int, user) -> ExamAttempt:
    attempt = (
        ExamAttempt.objects.select_related("course", "hall").filter(pk=attempt_id, user_id=user.pk).first()
        if 0 < attempt_id < 2**62
        else None
    )
    if attempt is None:
        raise NotFound(_("No such exam attempt."), code="attempt_not_found")
    return attempt


# ---------------------------------------------------------------- certificates and requirements


def _valid(day: datetime.date) -> Q:
    return Q(status=CertificateStatus.VALID) & (Q(expires_on__isnull=True) | Q(expires_on__gt=day))


def requirements_met(*, hall: Hall, user, item) -> tuple[bool, list[Course]]:
    """Whether ``user`` holds a valid certificate of every course required for the service ``item``, and
    the courses still missing. What granting a skill checks (the staff app calls it)."""
    required = list(Course.objects.filter(hall=hall, required_for__service=item).distinct())
    held = set(
        Certificate.objects.filter(_valid(today(hall)), user=user, course__in=required).values_list(
            "course_id", flat=True
        )
    )
    missing = [c for c in required if c.pk not in held]
    return not missing, missing


def required_services(*, course: Course) -> list:
    return [r.service for r in RequiredCourse.objects.filter(course=course).select_related("service")]


def certificates_of(*, hall: Hall, user) -> list[Certificate]:
    return list(
        Certificate.objects.filter(hall=hall, user=user).select_related("course").order_by("-issued_on")
    )


def certificates_expiring(*, hall: Hall, days: int | None = None) -> list[Certificate]:
    """Valid certificates expiring within ``days`` (the hall's warning lead by default), soonest first."""
    day = today(hall)
    lead = days if days is not None else settings_get(hall=hall).warn_days
    return list(
        Certificate.objects.filter(
            hall=hall,
            status=CertificateStatus.VALID,
            expires_on__isnull=False,
            expires_on__lte=day + datetime.timedelta(days=lead),
        )
        .select_related("course", "user")
        .order_by("expires_on")
    )


def valid_course_ids(*, hall: Hall, user) -> set[int]:
    return set(
        Certificate.objects.filter(_valid(today(hall)), hall=hall, user=user).values_list(
            "course_id", flat=True
        )
    )


def notices_for(*, hall: Hall, user, limit: int = 20) -> list[TrainingNotice]:
    return list(
        TrainingNotice.objects.filter(hall=hall, user=user)
        .select_related("certificate__course", "certificate__user")
        .order_by("-created_at")[:limit]
    )


# ---------------------------------------------------------------- hours


def _year_span(hall: Hall, year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = hall.tzinfo
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def training_hours(*, hall: Hall, user, year: int) -> Decimal:
    """Hours of the sessions the clerk attended (marked present) in the calendar year."""
    since, until = _year_span(hall, year)
    total = Attendance.objects.filter(
        session__course__hall=hall,
        user=user,
        present=True,
        session__starts_at__gte=since,
        session__starts_at__lt=until,
    ).aggregate(h=Sum("session__hours"))["h"]
    return total or Decimal(0)


def hours_by_clerk(*, hall: Hall, year: int) -> list[dict]:
    """Each clerk's hours this year against the hall's target."""
    since, until = _year_span(hall, year)
    target = settings_get(hall=hall).annual_hours_target
    sums = dict(
        Attendance.objects.filter(
            session__course__hall=hall,
            present=True,
            session__starts_at__gte=since,
            session__starts_at__lt=until,
        )
        .values_list("user_id")
        .annotate(h=Sum("session__hours"))
        .values_list("user_id", "h")
    )
    rows = []
    for user in hall_clerks(hall=hall):
        hours = sums.get(user.pk) or Decimal(0)
        rows.append({"user": user, "hours": hours, "target": target, "met": hours >= target})
    return rows


def my_courses(*, hall: Hall, user) -> list[dict]:
    """The hall's active courses as one clerk sees them: passed or not, the latest attempt."""
    held = valid_course_ids(hall=hall, user=user)
    latest = {}
    for a in ExamAttempt.objects.filter(hall=hall, user=user).order_by("started_at"):
        latest[a.course_id] = a
    return [
        {"course": c, "passed": c.pk in held, "attempt": latest.get(c.pk)}
        for c in course_list(hall=hall, active_only=True)
    ]
