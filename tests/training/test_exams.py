import datetime

import pytest

from servicehall.core.errors import Conflict, Invalid, NotFound
from servicehall.core.models import AuditEntry
from servicehall.training import selectors, services
from servicehall.training.models import Certificate
from tests.training.conftest import right_answers

pytestmark = pytest.mark.django_db


def test_an_exam_draws_the_courses_questions_and_scores_exactly_the_right_ones(clerk, course, clock):
    attempt = services.exam_start(actor=clerk, course=course)
    assert len(attempt.question_ids) == 5
    answers = right_answers(attempt)
    wrong = next(iter(answers))
    answers[wrong] = [1] if answers[wrong] == [0] else [0]
    done = services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=answers)
    assert done.score == 80 and done.passed
    cert = Certificate.objects.get(attempt=done)
    assert cert.expires_on == datetime.date(2031, 3, 6)


def test_a_multiple_choice_question_counts_only_with_every_right_option(clerk, course, clock):
    attempt = services.exam_start(actor=clerk, course=course)
    answers = right_answers(attempt)
    multi = next(k for k, v in answers.items() if len(v) == 2)
    answers[multi] = answers[multi][:1]
    done = services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=answers)
    assert done.score == 80


def test_below_the_pass_mark_issues_no_certificate(clerk, course, clock):
    attempt = services.exam_start(actor=clerk, course=course)
    done = services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers={})
    assert done.score == 0 and not done.passed
    assert not Certificate.objects.exists()


def test_the_questions_the_clerk_receives_carry_no_answer(clerk, course, clock):
    attempt = services.exam_start(actor=clerk, course=course)
    out = selectors.attempt_out(attempt)
    for q in out["questions"]:
        assert set(q) == {"id", "kind", "text", "options"}
        assert all(set(o) == {"index", "text"} for o in q["options"])


def test_a_second_submission_and_one_after_the_deadline_are_refused_and_change_nothing(clerk, course, clock):
    attempt = services.exam_start(actor=clerk, course=course)
    services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=right_answers(attempt))
    with pytest.raises(Conflict):
        services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers={})
    late = services.exam_start(actor=clerk, course=course)
    clock.advance(minutes=21)
    with pytest.raises(Conflict):
        services.exam_submit(actor=clerk, attempt_id=late.pk, answers=right_answers(late))
    late.refresh_from_db()
    assert late.status == "in_progress" and late.score is None


def test_starting_twice_resumes_the_running_attempt(clerk, course, clock):
    first = services.exam_start(actor=clerk, course=course)
    assert services.exam_start(actor=clerk, course=course).pk == first.pk


def test_bad_answers_are_refused_beside_the_field(clerk, course, clock):
    attempt = services.exam_start(actor=clerk, course=course)
    for answers in (
        {"999999": [0]},
        {str(attempt.question_ids[0]): [7]},
        ["x"],
        {str(attempt.question_ids[0]): "a"},
    ):
        with pytest.raises(Invalid):
            services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=answers)
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"


def test_someone_elses_attempt_is_unknown(clerk, manager, course, clock):
    attempt = services.exam_start(actor=clerk, course=course)
    with pytest.raises(NotFound):
        services.exam_submit(actor=manager, attempt_id=attempt.pk, answers={})


def test_overdue_attempts_are_closed_by_the_worker_in_one_audited_batch(clerk, course, clock, hall_a):
    services.exam_start(actor=clerk, course=course)
    clock.advance(minutes=30)
    assert services.attempts_close_overdue(hall=hall_a) == 1
    assert services.attempts_close_overdue(hall=hall_a) == 0
    assert AuditEntry.objects.filter(action="training.attempts_close").count() == 1
