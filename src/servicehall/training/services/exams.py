"""Exams: a clerk starts an attempt (N questions drawn from the course's bank, a deadline kept by the
server), submits once, and the server scores it; a pass issues the certificate. The correct answers never
leave the server: what the clerk receives is ``selectors.exam_questions``. A submission after the deadline
(plus a few seconds for the network) is refused with 409 and changes nothing; the worker closes attempts
left open past their deadline (``attempts_close_overdue``)."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.errors import Conflict, Invalid, NotFound
from servicehall.core.models import Hall
from servicehall.core.permissions import require_role
from servicehall.core.transitions import transition
from servicehall.training.choices import ATTEMPT_TRANSITIONS, AttemptAction, AttemptStatus, QuestionKind
from servicehall.training.models import Course, ExamAttempt, Question
from servicehall.training.services.certificates import certificate_issue
from servicehall.training.services.common import LEARNERS, audit

GRACE = datetime.timedelta(seconds=5)
_random = secrets.SystemRandom()


@transaction.atomic
def exam_start(*, actor: Actor, course: Course) -> ExamAttempt:
    """Start (or resume, while its time runs) the caller's attempt at the course's exam. Locks the
    course row, so a double click starts one attempt, not two."""
    require_role(actor, course.hall, *LEARNERS)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not course.active or not course.has_exam:
        raise Conflict(_("This course has no exam."), code="no_exam")
    now = timezone.now()
    running = ExamAttempt.objects.filter(
        user=actor.user, course=course, status=AttemptStatus.IN_PROGRESS, deadline__gt=now
    ).first()
    if running is not None:
        return running
    bank = list(Question.objects.filter(course=course, active=True).values_list("id", flat=True))
    if len(bank) < course.exam_questions:
        raise Conflict(_("The question bank of this course is not complete yet."), code="bank_incomplete")
    attempt = ExamAttempt.objects.create(
        hall=course.hall,
        course=course,
        user=actor.user,
        question_ids=_random.sample(bank, course.exam_questions),
        started_at=now,
        deadline=now + datetime.timedelta(minutes=course.exam_minutes),
    )
    audit(actor, "training.exam_start", attempt, course.hall, course=course.code, deadline=attempt.deadline)
    return attempt


def _parse_answers(attempt: ExamAttempt, questions: dict[int, Question], answers) -> dict[int, list[int]]:
    """``{question id: [option indexes]}`` (a single index is accepted); anything else is a 422."""
    if not isinstance(answers, dict) or len(answers) > len(questions):
        raise Invalid(fields={"answers": [_("Answer with the questions of this attempt.")]})
    parsed: dict[int, list[int]] = {}
    for key, value in answers.items():
        qid = int(key) if str(key).isdigit() and len(str(key)) < 12 else None
        if qid not in questions:
            raise Invalid(
                fields={"answers": [_("Question %(id)s is not part of this attempt.") % {"id": key}]}
            )
        picked = [value] if isinstance(value, int) else value
        if not isinstance(picked, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(questions[qid].options)
            for i in picked
        ):
            raise Invalid(fields={f"answers.{qid}": [_("Choose among the question's options.")]})
        picked = sorted(set(picked))
        if questions[qid].kind != QuestionKind.MULTIPLE and len(picked) > 1:
            raise Invalid(fields={f"answers.{qid}": [_("Choose one option.")]})
        parsed[qid] = picked
    return parsed


@transaction.atomic
def exam_submit(*, actor: Actor, attempt_id: int, answers) -> ExamAttempt:
    """Score the caller's own attempt (locked): a question counts when exactly the correct options are
    chosen; the score is out of 100 and the pass mark is the course's. Someone else's attempt is unknown
    (404); a second submission or one after the deadline is a 409."""
    attempt = (
        ExamAttempt.objects.select_for_update(of=("self",))
        .select_related("course", "hall")
        .filter(pk=attempt_id, user_id=actor.user_id)
        .first()
        if actor.user_id and 0 < attempt_id < 2**62
        else None
    )
    if attempt is None:
        raise NotFound(_("No such exam attempt."), code="attempt_not_found")
    require_role(actor, attempt.hall, *LEARNERS)
    new_status = transition(ATTEMPT_TRANSITIONS, attempt, AttemptAction.SUBMIT)
    now = timezone.now()
    if now > attempt.deadline + GRACE:
        raise Conflict(_("The time for this exam is up; the answers were not accepted."), code="deadline")
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    parsed = _parse_answers(attempt, questions, answers)
    right = sum(1 for qid, q in questions.items() if parsed.get(qid) == sorted(q.correct))
    attempt.score = round(100 * right / max(len(attempt.question_ids), 1))
    attempt.passed = attempt.score >= attempt.course.pass_mark
    attempt.answers = {str(k): v for k, v in parsed.items()}
    attempt.status, attempt.submitted_at = new_status, now
    attempt.save(update_fields=["score", "passed", "answers", "status", "submitted_at"])
    audit(actor, "training.exam_submit", attempt, attempt.hall, score=attempt.score, passed=attempt.passed)
    if attempt.passed:
        certificate_issue(actor=actor, attempt=attempt)
    return attempt


def attempts_close_overdue(*, hall: Hall, now: datetime.datetime | None = None) -> int:
    """Close attempts left open past their deadline (score 0, not passed); one audit row per batch."""
    now = now or timezone.now()
    states = ATTEMPT_TRANSITIONS.states_allowing(AttemptAction.EXPIRE)
    with transaction.atomic():
        ids = list(
            ExamAttempt.objects.select_for_update()
            .filter(hall=hall, status__in=states, deadline__lt=now - GRACE)
            .values_list("id", flat=True)
        )
        if not ids:
            return 0
        ExamAttempt.objects.filter(pk__in=ids).update(
            status=AttemptStatus.EXPIRED, expired_at=now, score=0, passed=False
        )
        audit_record(
            actor=SystemActor(job="training.exams"),
            action="training.attempts_close",
            hall=hall,
            object_type="training.examattempt",
            object_repr=f"{len(ids)} attempts",
            after={"attempts": ids},
        )
    return len(ids)
