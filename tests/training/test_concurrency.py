"""Real concurrent clients (threads with their own connections; run on PostgreSQL with
SERVICEHALL_DATABASE_URL): a double click starts one attempt, and two submissions of one attempt score it
once and issue one certificate."""

import pytest

from servicehall.core.errors import Conflict
from servicehall.training import services
from servicehall.training.models import Certificate, ExamAttempt
from tests.concurrency import race
from tests.training.conftest import right_answers

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_double_click_starts_one_attempt(clerk, course, clock):
    results = race(lambda: services.exam_start(actor=clerk, course=course).pk, 2)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
    assert ExamAttempt.objects.count() == 1


def test_two_submissions_at_once_score_once_and_issue_one_certificate(clerk, course, clock):
    attempt = services.exam_start(actor=clerk, course=course)
    answers = right_answers(attempt)
    results = race(lambda: services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=answers).score, 2)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "int"], results
    assert [r for r in results if not isinstance(r, Conflict)] == [100]
    assert Certificate.objects.count() == 1
