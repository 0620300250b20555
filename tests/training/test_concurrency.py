"""Real concurrent clients (threads with their own connections; run on PostgreSQL with
SERVICEHALL_DATABASE_URL): a double click starts one attempt, and two submissions of one attempt score it
once and issue one certificate."""

import threading

import pytest
from django.db import connection

from servicehall.core.errors import Conflict
from servicehall.training import services
from servicehall.training.models import Certificate, ExamAttempt
from tests.training.conftest import right_answers

pytestmark = pytest.mark.django_db(transaction=True)


def _together(fn, n: int = 2) -> list:
    """Run ``fn`` in ``n`` threads released at the same instant; each result or raised error."""
    barrier, results = threading.Barrier(n), []

    def run():
        try:
            barrier.wait(10)
            results.append(fn())
        except Exception as exc:  # collected: the test asserts which errors happened
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_a_double_click_starts_one_attempt(clerk, course, clock):
    results = _together(lambda: services.exam_start(actor=clerk, course=course).pk)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
    assert ExamAttempt.objects.count() == 1


def test_two_submissions_at_once_score_once_and_issue_one_certificate(clerk, course, clock):
    attempt = services.exam_start(actor=clerk, course=course)
    answers = right_answers(attempt)
    results = _together(
        lambda: services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=answers).score
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "int"], results
    assert [r for r in results if not isinstance(r, Conflict)] == [100]
    assert Certificate.objects.count() == 1
