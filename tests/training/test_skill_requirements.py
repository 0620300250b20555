"""Training decides who may serve: a manager cannot make a clerk "qualified" (or "expert") in an item
whose required course the clerk has not passed; "learning" is always possible, and a passed exam opens
the way. The manager's page says so on the item's row, keeps what was chosen and changes nothing."""

import pytest
from django.test import Client

from servicehall.core.errors import Invalid
from servicehall.core.models import AuditEntry
from servicehall.staff.models import Skill
from servicehall.staff.services import skill_set, skills_replace
from servicehall.training import services
from tests.training.conftest import right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(manager, course, items_a):
    """SB-001 requires the social-insurance course; clerk_a has not passed it yet."""
    services.required_course_set(actor=manager, course=course, service_codes=["SB-001"])
    return course


def _levels(user) -> dict[str, str]:
    return dict(Skill.objects.filter(user=user).values_list("item__code", "level"))


def _pass(clerk, course) -> None:
    attempt = services.exam_start(actor=clerk, course=course)
    services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=right_answers(attempt))


def test_qualifying_needs_the_required_course(required, manager, clerk, staff, hall_a, items_a):
    user = staff["clerk_a"]
    for level in ("qualified", "expert"):
        with pytest.raises(Invalid) as refused:
            skill_set(actor=manager, hall=hall_a, user=user, item=items_a["SB-001"], level=level)
        assert "level" in refused.value.fields
    assert _levels(user) == {}
    assert not AuditEntry.objects.filter(action="staff.skill").exists()
    # learning needs no certificate; an item without a required course needs none either
    skill_set(actor=manager, hall=hall_a, user=user, item=items_a["SB-001"], level="learning")
    skill_set(actor=manager, hall=hall_a, user=user, item=items_a["GJ-001"], level="qualified")
    _pass(clerk, required)
    skill_set(actor=manager, hall=hall_a, user=user, item=items_a["SB-001"], level="qualified")
    assert _levels(user) == {"SB-001": "qualified", "GJ-001": "qualified"}


def test_replacing_refuses_the_whole_list_and_names_the_row(required, manager, staff, hall_a, items_a):
    user = staff["clerk_a"]
    skill_set(actor=manager, hall=hall_a, user=user, item=items_a["GJ-001"], level="learning")
    rows = [{"service": "GJ-001", "level": "qualified"}, {"service": "SB-001", "level": "qualified"}]
    with pytest.raises(Invalid) as refused:
        skills_replace(actor=manager, hall=hall_a, user=user, rows=rows)
    assert set(refused.value.fields) == {"1.level"}
    assert _levels(user) == {"GJ-001": "learning"}  # the valid row did not go through alone


def test_a_level_that_does_not_change_is_not_rechecked(manager, course, staff, hall_a, items_a):
    """A requirement added after the clerk was qualified does not block saving their other skills."""
    user = staff["clerk_a"]
    skill_set(actor=manager, hall=hall_a, user=user, item=items_a["SB-001"], level="qualified")
    services.required_course_set(actor=manager, course=course, service_codes=["SB-001"])
    rows = [{"service": "SB-001", "level": "qualified"}, {"service": "GJ-001", "level": "learning"}]
    skills_replace(actor=manager, hall=hall_a, user=user, rows=rows)
    assert _levels(user) == {"SB-001": "qualified", "GJ-001": "learning"}


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "Needs a valid certificate of: Social insurance knowledge"),
        ("zh-hans", "需持有以下课程的有效证书：社保业务知识"),
    ],
)
def test_the_page_shows_the_refusal_on_the_items_row(required, staff, language, says):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(staff["manager_a"])
    answer = client.post(
        "/staff/hall-a/people/clerk_a/",
        {"action": "skills", "skill-SB-001": "qualified", "skill-GJ-001": "expert"},
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    row = page.split('id="skill-SB-001"')[1].split("</tr>")[0]
    assert says in row and 'class="field-error"' in row
    assert 'value="qualified" selected' in " ".join(row.split())
    gj = " ".join(page.split('id="skill-GJ-001"')[1].split("</tr>")[0].split())
    assert 'value="expert" selected' in gj  # what the manager chose is still there
    assert _levels(staff["clerk_a"]) == {}
