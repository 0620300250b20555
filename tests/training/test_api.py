"""The API contract: progress, starting an exam (no answers), submitting (score and pass); 409 for a second
submission or after the deadline, 422 for bad input, 404 for the unknown, 403 for another hall."""

import json

import pytest

from servicehall.training import services
from servicehall.training.models import ExamAttempt
from tests.training.conftest import right_answers

pytestmark = pytest.mark.django_db


def test_the_exam_never_sends_an_answer_and_scores_correctly(api_as, course, clock):
    api = api_as("clerk_a", language="en")
    status, body = api.call("POST", f"courses/{course.pk}/exam")
    assert status == 200, body
    raw = json.dumps(body)
    assert "correct" not in raw and "answer" not in raw
    assert len(body["questions"]) == 5 and body["seconds_left"] == 20 * 60
    for q in body["questions"]:
        assert set(q) == {"id", "kind", "text", "options"}
    attempt = ExamAttempt.objects.get(pk=body["id"])
    answers = right_answers(attempt)
    first = str(body["questions"][0]["id"])
    answers[first] = [1] if answers[first] == [0] else [0]
    status, result = api.call("POST", f"exam-attempts/{attempt.pk}/submit", {"answers": answers})
    assert status == 200, result
    assert (result["score"], result["passed"], result["pass_mark"]) == (80, True, 80)
    assert result["certificate"]["expires_on"] == "2031-03-06"
    status, again = api.call("POST", f"exam-attempts/{attempt.pk}/submit", {"answers": answers})
    assert status == 409 and again["error"] == "illegal_transition"


def test_a_submission_after_the_deadline_is_a_409_and_changes_nothing(api_as, course, clock):
    api = api_as("clerk_a", language="en")
    _status, body = api.call("POST", f"courses/{course.pk}/exam")
    clock.advance(minutes=20, seconds=6)
    status, error = api.call("POST", f"exam-attempts/{body['id']}/submit", {"answers": {}})
    assert status == 409 and error["error"] == "deadline"
    assert ExamAttempt.objects.get(pk=body["id"]).status == "in_progress"


@pytest.mark.parametrize(
    "payload",
    [
        {"answers": {"1": "x"}},
        {"answers": [1, 2]},
        {"answers": {"999999999": [0]}},
        {"answers": {"1": [10**30]}},
        {"answers": {"1": {"a": {"b": [1]}}}},
        {},
        {"answers": {"\u0000": [0]}},
    ],
)
def test_bad_answers_are_422_and_change_nothing(api_as, course, clock, payload):
    api = api_as("clerk_a", language="en")
    _status, body = api.call("POST", f"courses/{course.pk}/exam")
    status, error = api.call("POST", f"exam-attempts/{body['id']}/submit", payload)
    assert status in (400, 422), (status, error)
    assert ExamAttempt.objects.get(pk=body["id"]).status == "in_progress"


def test_unknown_and_other_peoples_things_are_404_and_other_halls_403(api_as, course, clock):
    assert api_as("clerk_a").call("POST", "courses/999999/exam")[0] == 404
    assert api_as("clerk_a").call("POST", f"courses/{2**70}/exam")[0] in (404, 422)
    assert api_as("clerk_b").call("POST", f"courses/{course.pk}/exam")[0] == 403
    assert api_as("evaluator_a").call("POST", f"courses/{course.pk}/exam")[0] == 403
    _status, body = api_as("clerk_a").call("POST", f"courses/{course.pk}/exam")
    assert api_as("manager_a").call("POST", f"exam-attempts/{body['id']}/submit", {"answers": {}})[0] == 404
    assert api_as("clerk_a").call("POST", "exam-attempts/987654/submit", {"answers": {}})[0] == 404
    assert api_as(None).call("POST", f"courses/{course.pk}/exam")[0] == 401


def test_a_course_without_an_exam_is_a_409(api_as, manager, hall_a, clock):
    course = services.course_save(
        actor=manager, hall=hall_a, code="law", category="law", name="廉政教育", hours=2
    )
    status, error = api_as("clerk_a").call("POST", f"courses/{course.pk}/exam")
    assert status == 409 and error["error"] == "no_exam"


def test_progress_follows_the_contract_and_is_the_clerks_own_or_the_managers(api_as, manager, hall_a, clock):
    services.level_save(actor=manager, hall=hall_a, rank=0, name="见习", name_en="Trainee")
    junior = services.level_save(actor=manager, hall=hall_a, rank=1, name="初级", name_en="Junior")
    services.criteria_set(actor=manager, level=junior, thresholds={"training_hours": 40, "good_rate": 0.98})
    status, body = api_as("clerk_a", language="en").call("GET", "halls/hall-a/staff/clerk_a/progress")
    assert status == 200
    assert body == {
        "level": "Trainee",
        "next_level": "Junior",
        "criteria": [
            {
                "code": "training_hours",
                "label": "Training hours this year",
                "value": 0.0,
                "threshold": 40.0,
                "met": False,
            },
            {"code": "good_rate", "label": "Good-rating rate", "value": None, "threshold": 0.98, "met": None},
        ],
    }
    assert api_as("manager_a").call("GET", "halls/hall-a/staff/clerk_a/progress")[0] == 200
    assert api_as("evaluator_a").call("GET", "halls/hall-a/staff/clerk_a/progress")[0] == 403
    assert api_as("clerk_a").call("GET", "halls/hall-a/staff/manager_a/progress")[0] == 403
    assert api_as("manager_b").call("GET", "halls/hall-a/staff/clerk_a/progress")[0] == 403
    assert api_as("manager_a").call("GET", "halls/hall-a/staff/nobody/progress")[0] == 404
    assert api_as("manager_a").call("GET", "halls/hall-a/staff/clerk_b/progress")[0] == 404
