"""The pages: each refuses other halls and lower roles, the exam page never carries an answer, forms
show errors beside the field and change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicehall.training import services
from servicehall.training.models import Course, Material, Question
from tests.training.conftest import right_answers

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


PAGES = {
    "manage": ("/staff/hall-a/training/", {"manager_a"}),
    "course": ("/staff/hall-a/training/courses/{course}/", {"manager_a"}),
    "levels": ("/staff/hall-a/training/levels/", {"manager_a"}),
    "mine": ("/staff/hall-a/training/me/", {"manager_a", "clerk_a"}),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("who", ["manager_a", "clerk_a", "evaluator_a", "manager_b", "clerk_b", "admin"])
def test_each_page_refuses_other_halls_and_lower_roles(page, who, staff, course):
    path, allowed = PAGES[page]
    response = client_for(staff[who]).get(path.format(course=course.pk))
    expected = 200 if who in allowed or who == "admin" else 403
    assert response.status_code == expected, (page, who, response.status_code)


def test_anonymous_is_sent_to_sign_in(course):
    response = Client().get("/staff/hall-a/training/me/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_exam_page_never_carries_an_answer_and_scores_the_submission(staff, clerk, course, clock):
    client = client_for(staff["clerk_a"])
    response = client.post(f"/staff/hall-a/training/courses/{course.pk}/exam/")
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and html.count('class="question"') == 5
    assert "correct" not in html and "✓" not in html and "checked" not in html
    from servicehall.training.models import ExamAttempt

    attempt = ExamAttempt.objects.get()
    form = {}
    for qid, picked in right_answers(attempt).items():
        form[f"q{qid}"] = [str(i) for i in picked]
    done = client.post(response["Location"], form)
    assert done.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert "Score 100 of 100" in result and "valid until 2031-03-06" in result


def test_a_manager_sees_the_answers_in_the_bank_but_another_halls_manager_cannot_open_the_course(
    staff, course
):
    html = client_for(staff["manager_a"]).get(f"/staff/hall-a/training/courses/{course.pk}/").content.decode()
    assert 'class="right"' in html
    assert (
        client_for(staff["manager_b"]).get(f"/staff/hall-b/training/courses/{course.pk}/").status_code == 404
    )


def test_a_bad_question_is_refused_beside_the_field_and_nothing_is_saved(staff, course):
    before = Question.objects.count()
    response = client_for(staff["manager_a"]).post(
        f"/staff/hall-a/training/courses/{course.pk}/",
        {"action": "question", "kind": "single", "text": "哪一个？", "options": "甲\n乙", "correct": "1,2"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "exactly one correct option" in html and "field-error" in html
    assert Question.objects.count() == before


def test_a_new_course_with_a_taken_code_is_refused_beside_the_code(staff, course):
    data = {
        "action": "course",
        "code": course.code,
        "category": "law",
        "name": "廉政",
        "hours": "2",
        "exam_questions": "0",
        "exam_minutes": "20",
        "pass_mark": "80",
        "certificate_months": "0",
    }
    response = client_for(staff["manager_a"]).post("/staff/hall-a/training/", data)
    assert (
        response.status_code == 200
        and "Another course of this hall has this code." in response.content.decode()
    )
    assert Course.objects.count() == 1


def test_materials_are_checked_by_content_and_served_only_to_the_halls_staff(
    staff, course, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    client = client_for(staff["manager_a"])
    fake = SimpleUploadedFile("slides.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        f"/staff/hall-a/training/courses/{course.pk}/", {"action": "material", "file": fake}
    )
    assert "is not a PDF or PNG file" in response.content.decode()
    pdf = SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(f"/staff/hall-a/training/courses/{course.pk}/", {"action": "material", "file": pdf})
    material = Material.objects.get()
    assert (tmp_path / "media" / "training" / material.stored_name).exists()  # the test's own var/
    path = f"/staff/hall-a/training/materials/{material.pk}/"
    assert client_for(staff["clerk_a"]).get(path).status_code == 200
    assert client_for(staff["clerk_b"]).get(path).status_code == 403
    assert (
        client_for(staff["manager_b"]).get(f"/staff/hall-b/training/materials/{material.pk}/").status_code
        == 404
    )


def test_my_progress_page_states_each_criterion(staff, manager, hall_a, clock):
    services.level_save(actor=manager, hall=hall_a, rank=0, name="见习", name_en="Trainee")
    junior = services.level_save(actor=manager, hall=hall_a, rank=1, name="初级", name_en="Junior")
    services.criteria_set(actor=manager, level=junior, thresholds={"training_hours": 40, "good_rate": 0.98})
    html = client_for(staff["clerk_a"]).get("/staff/hall-a/training/me/").content.decode()
    assert "Trainee" in html and "Junior" in html
    assert "0/40 ✗" in html
    assert "not enough data (at least 20 needed, 0 so far)" in html


def test_the_manager_promotes_an_eligible_clerk_from_the_levels_page(staff, manager, hall_a, clock):
    services.level_save(actor=manager, hall=hall_a, rank=0, name="见习")
    junior = services.level_save(actor=manager, hall=hall_a, rank=1, name="初级")
    services.criteria_set(actor=manager, level=junior, thresholds={"months_at_level": 0})
    client = client_for(staff["manager_a"])
    assert "Promote to" in client.get("/staff/hall-a/training/levels/").content.decode()
    response = client.post(
        "/staff/hall-a/training/levels/", {"action": "promote", "username": "clerk_a", "rank": "1"}
    )
    assert response.status_code == 302
    from servicehall.training.models import ClerkLevel

    assert ClerkLevel.objects.get(user=staff["clerk_a"]).level == junior


@pytest.mark.parametrize(
    "path",
    [
        "/staff/hall-a/training/courses/99999999999999999999999/",
        "/staff/hall-a/training/attempts/99999999999999999999999/",
        "/staff/hall-a/training/materials/99999999999999999999999/",
        "/staff/hall-a/training/courses/0/exam/",
    ],
)
def test_huge_or_unknown_ids_are_404_never_a_server_error(staff, course, path):
    client = client_for(staff["manager_a"])
    assert client.get(path).status_code in (302, 404)
    assert client.post(path, {"action": "course"}).status_code in (302, 404)


def test_hostile_form_input_is_refused_beside_the_field(staff, course):
    client = client_for(staff["manager_a"])
    path = f"/staff/hall-a/training/courses/{course.pk}/"
    for data in (
        {"action": "session", "starts_at": "9999-12-31T23:59", "hours": "2", "trainer": "x", "place": "y"},
        {"action": "session", "starts_at": "2030-03-07T09:00", "hours": "1e30", "trainer": "a\x00b"},
        {"action": "attendance", "session": "1" * 40, "user": "-1"},
        {"action": "question", "kind": "single", "text": "x", "options": "a\nb", "correct": "99"},
        {"action": "required", "services": "NO-SUCH, 不存在"},
    ):
        response = client.post(path, data)
        assert response.status_code in (200, 400), (data, response.status_code)
    assert course.sessions.count() == 0 and course.questions.count() == 5
