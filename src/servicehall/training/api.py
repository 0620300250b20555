"""The training API (a contract): a clerk's progress to the next level, the hall's courses, starting an
exam attempt (questions without answers) and submitting it (score and pass). 409 for an illegal step
(a second submission, after the deadline), 422 for bad input, 404 for what is unknown, 403 for another
hall or a lower role."""

import datetime

from ninja import Field, Router, Schema

from servicehall.core.choices import Role
from servicehall.core.errors import PermissionDenied
from servicehall.core.permissions import has_role, require_role
from servicehall.core.selectors import hall_get
from servicehall.training import progress, selectors, services

router = Router(tags=["training"])
LEARNERS = (Role.MANAGER, Role.CLERK)


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict = {}


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CriterionOut(Schema):
    code: str
    label: str
    value: float | None
    threshold: float
    met: bool | None


class ProgressOut(Schema):
    level: str | None
    next_level: str | None
    criteria: list[CriterionOut]


class OptionOut(Schema):
    index: int
    text: str


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    options: list[OptionOut]


class AttemptOut(Schema):
    id: int
    course: int
    status: str
    started_at: datetime.datetime
    deadline: datetime.datetime
    seconds_left: int
    pass_mark: int
    questions: list[QuestionOut]


class CertificateOut(Schema):
    id: int
    expires_on: datetime.date | None


class ResultOut(Schema):
    id: int
    status: str
    score: int | None
    pass_mark: int
    passed: bool
    certificate: CertificateOut | None


class SubmitIn(Schema):
    answers: dict[str, list[int] | int] = Field(
        ..., description="{question id: [option index, …]}; unanswered questions count as wrong"
    )


class CourseOut(Schema):
    id: int
    code: str
    category: str
    name: str
    hours: float
    has_exam: bool
    exam_questions: int
    exam_minutes: int
    pass_mark: int
    certificate_months: int


@router.get(
    "/halls/{hall_code}/staff/{username}/progress",
    response={200: ProgressOut, **ERRORS},
    summary="A clerk's progress to the next level",
)
def staff_progress(request, hall_code: str, username: str):
    """The clerk themself or a manager of the hall; each criterion measured (``met`` null: not enough
    data). Shares (good-rating rate, within standard time, attendance) are 0..1."""
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *LEARNERS)
    user = selectors.hall_staff_get(hall=hall, username=username)
    if user.pk != request.auth.user_id and not has_role(request.auth.user, hall, Role.MANAGER):
        raise PermissionDenied()
    return progress.api_progress(progress.progress_for(hall=hall, user=user))


@router.get("/halls/{hall_code}/courses", response={200: list[CourseOut], **ERRORS}, summary="The courses")
def course_list(request, hall_code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, *LEARNERS)
    return [
        {
            "id": c.pk,
            "code": c.code,
            "category": c.category,
            "name": c.name_local,
            "hours": float(c.hours),
            "has_exam": c.has_exam,
            "exam_questions": c.exam_questions,
            "exam_minutes": c.exam_minutes,
            "pass_mark": c.pass_mark,
            "certificate_months": c.certificate_months,
        }
        for c in selectors.course_list(hall=hall, active_only=True)
    ]


@router.post("/courses/{course_id}/exam", response={200: AttemptOut, **ERRORS}, summary="Start an exam")
def exam_start(request, course_id: int):
    """The caller's attempt (a running one is resumed): the drawn questions without their answers and
    the server's deadline."""
    course = selectors.course_get(course_id=course_id)
    attempt = services.exam_start(actor=request.auth, course=course)
    return selectors.attempt_out(attempt)


@router.post(
    "/exam-attempts/{attempt_id}/submit", response={200: ResultOut, **ERRORS}, summary="Submit an exam"
)
def exam_submit(request, attempt_id: int, data: SubmitIn):
    attempt = services.exam_submit(actor=request.auth, attempt_id=attempt_id, answers=data.answers)
    return selectors.result_out(attempt)
