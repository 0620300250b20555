import datetime

import pytest

from servicehall.core.models import AuditEntry
from servicehall.training import selectors, services
from servicehall.training.models import Certificate, QualificationDrop, TrainingNotice
from tests.queueing.conftest import SHANGHAI
from tests.training.conftest import right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(clerk, manager, course, items_a, clock):
    """clerk_a passed the course on 2030-03-06 (expires 2031-03-06); SB-001 requires it."""
    services.required_course_set(actor=manager, course=course, service_codes=["SB-001"])
    attempt = services.exam_start(actor=clerk, course=course)
    services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=right_answers(attempt))
    return Certificate.objects.get(user=clerk.user)


def _at(clock, day: datetime.date, hour: int = 1):
    return clock.set(datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI))


def test_requirements_are_met_only_with_a_valid_certificate(certified, staff, hall_a, items_a, clock):
    ok, missing = selectors.requirements_met(hall=hall_a, user=staff["clerk_a"], item=items_a["SB-001"])
    assert ok and missing == []
    ok, missing = selectors.requirements_met(hall=hall_a, user=staff["manager_a"], item=items_a["SB-001"])
    assert not ok and [c.code for c in missing] == ["sb-knowledge"]
    # an item that needs no course is met by anyone
    assert selectors.requirements_met(hall=hall_a, user=staff["manager_a"], item=items_a["GJ-001"]) == (
        True,
        [],
    )


def test_the_clerk_and_the_manager_are_warned_once_thirty_days_before(certified, staff, hall_a, clock):
    _at(clock, datetime.date(2031, 2, 3))  # 31 days before: nothing yet
    assert services.certificates_sweep(hall=hall_a)["warned"] == 0
    _at(clock, datetime.date(2031, 2, 4))
    assert services.certificates_sweep(hall=hall_a)["warned"] == 1
    assert services.certificates_sweep(hall=hall_a)["warned"] == 0
    warned = set(TrainingNotice.objects.filter(kind="expiring").values_list("user__username", flat=True))
    assert warned == {"clerk_a", "manager_a"}
    assert AuditEntry.objects.filter(action="training.certificates_warn").count() == 1


def test_the_warning_is_texted_once_to_those_with_a_work_mobile(
    certified, clerk, manager, staff, hall_a, clock, django_capture_on_commit_callbacks
):
    from servicehall.core import crypto
    from servicehall.core.models import Notification
    from servicehall.staff.services import staff_mobile_set

    staff_mobile_set(actor=manager, hall=hall_a, user=staff["clerk_a"], mobile="13800001111")
    staff_mobile_set(actor=manager, hall=hall_a, user=staff["manager_a"], mobile="13900002222")
    _at(clock, datetime.date(2031, 2, 4))
    for _ in range(2):  # the second sweep finds nothing new: nobody is texted twice
        with django_capture_on_commit_callbacks(execute=True):
            services.certificates_sweep(hall=hall_a)
    sent = {crypto.decrypt(n.phone_encrypted): n.text for n in Notification.objects.all()}
    assert set(sent) == {"13800001111", "13900002222"}
    assert all("2031-03-06" in text and hall_a.name in text for text in sent.values())
    _at(clock, datetime.date(2031, 3, 6))
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_sweep(hall=hall_a)
    assert Notification.objects.count() == 4  # the expiry, once each


def test_an_expired_certificate_drops_the_qualification_on_its_day(
    certified, manager, staff, hall_a, items_a, clock
):
    from servicehall.staff.models import Skill
    from servicehall.staff.services import skill_set

    for code in ("SB-001", "GJ-001"):
        skill_set(actor=manager, hall=hall_a, user=staff["clerk_a"], item=items_a[code], level="qualified")
    _at(clock, datetime.date(2031, 3, 5), hour=23)
    assert services.certificates_sweep(hall=hall_a)["expired"] == 0
    assert selectors.requirements_met(hall=hall_a, user=staff["clerk_a"], item=items_a["SB-001"])[0]
    _at(clock, datetime.date(2031, 3, 6), hour=0)
    result = services.certificates_sweep(hall=hall_a)
    assert result == {"warned": 0, "expired": 1, "dropped": 1}
    certified.refresh_from_db()
    assert certified.status == "expired"
    drop = QualificationDrop.objects.get()
    assert (drop.user, drop.service.code, drop.dropped_on) == (
        staff["clerk_a"],
        "SB-001",
        datetime.date(2031, 3, 6),
    )
    assert not selectors.requirements_met(hall=hall_a, user=staff["clerk_a"], item=items_a["SB-001"])[0]
    levels = dict(Skill.objects.filter(user=staff["clerk_a"]).values_list("item__code", "level"))
    assert levels == {"SB-001": "learning", "GJ-001": "qualified"}  # GJ-001 needs no course
    rows = AuditEntry.objects.filter(action="training.certificates_expire")
    assert rows.count() == 1 and rows.get().actor_label == "system:training.certificates"
    assert services.certificates_sweep(hall=hall_a) == {"warned": 0, "expired": 0, "dropped": 0}


def test_a_hall_that_only_warns_keeps_the_qualification(certified, manager, hall_a, clock):
    services.training_settings_update(actor=manager, hall=hall_a, expiry_effect="none")
    _at(clock, datetime.date(2031, 3, 6))
    assert services.certificates_sweep(hall=hall_a) == {"warned": 0, "expired": 1, "dropped": 0}
    assert not QualificationDrop.objects.exists()


def test_a_retest_replaces_the_certificate(certified, clerk, course, clock):
    clock.advance(days=300)
    attempt = services.exam_start(actor=clerk, course=course)
    services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=right_answers(attempt))
    statuses = sorted(Certificate.objects.values_list("status", flat=True))
    assert statuses == ["superseded", "valid"]
