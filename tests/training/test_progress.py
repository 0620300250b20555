"""Promotion criteria from fixtures with known values, "not enough data", and the same-mix rule."""

import datetime

import pytest

from servicehall.catalog.services import item_save
from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict
from servicehall.quality.services import rating_submit
from servicehall.queueing import services as queue
from servicehall.training import progress, services
from servicehall.training.models import ClerkLevel
from tests.queueing.conftest import SHANGHAI, item_data, window
from tests.training.conftest import right_answers

pytestmark = pytest.mark.django_db


def serve(clock, actor, counter, code, minutes_each: list[int], *, rate: list[int] | None = None):
    """``actor`` serves one ticket of ``code`` per entry at ``counter``, each taking that many minutes;
    ``rate`` gives the citizens' ratings of the first services."""
    queue.counter_open(actor=actor, counter=counter)
    for i, minutes in enumerate(minutes_each):
        queue.ticket_issue(actor=actor, hall=counter.hall, service_code=code)
        ticket = queue.ticket_call_next(actor=actor, counter=counter)
        queue.ticket_start(actor=actor, ticket=ticket)
        clock.advance(minutes=minutes)
        queue.ticket_complete(actor=actor, ticket=ticket)
        if rate and i < len(rate):
            rating_submit(
                actor=Actor(ip=f"10.9.{i // 200}.{i % 200}"), ticket=ticket, level=rate[i], comment="等太久"
            )
    queue.counter_close(actor=actor, counter=counter)


@pytest.fixture
def ladder(manager, hall_a):
    trainee = services.level_save(actor=manager, hall=hall_a, rank=0, name="见习", name_en="Trainee")
    junior = services.level_save(actor=manager, hall=hall_a, rank=1, name="初级", name_en="Junior")
    services.criteria_set(
        actor=manager,
        level=junior,
        thresholds={
            "months_at_level": 3,
            "training_hours": 6,
            "attendance": 0.5,
            "exam_average": 80,
            "tickets_served": 30,
            "within_standard": 0.8,
            "good_rate": 0.9,
            "complaints_upheld": 0,
        },
    )
    return trainee, junior


def test_each_criterion_is_measured_from_the_data_with_not_enough_data_stated(
    ladder, manager, clerk, course, hall_a, items_a, staff, clock
):
    trainee, junior = ladder
    services.clerk_level_set(
        actor=manager, hall=hall_a, user=clerk.user, level=trainee, since=datetime.date(2029, 12, 6)
    )
    item_save(
        actor=manager,
        hall=hall_a,
        data={**item_data("SB-001", "社保参保登记", "A", ["1", "2"]), "standard_minutes": 10},
    )
    for day, present in ((-10, True), (-9, False)):
        session = services.session_create(
            actor=manager,
            course=course,
            starts_at=clock.now + datetime.timedelta(days=day),
            hours=4,
            trainer="王老师",
            place="三楼会议室",
        )
        services.attendance_set(actor=manager, session=session, user_id=clerk.user.pk, present=present)
    attempt = services.exam_start(actor=clerk, course=course)
    services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=right_answers(attempt))
    serve(clock, clerk, window(hall_a, "1"), "SB-001", [5] * 24 + [15] * 6, rate=[5] * 9 + [1])

    got = progress.progress_for(hall=hall_a, user=clerk.user)
    rows = {r["code"]: r for r in got["criteria"]}
    assert (got["level"], got["next_level"]) == ("见习", "初级")
    assert rows["months_at_level"]["value"] == 3 and rows["months_at_level"]["met"] is True
    assert rows["training_hours"]["value"] == 4 and rows["training_hours"]["met"] is False
    assert rows["training_hours"]["text"] == "4/6 ✗"
    assert rows["attendance"]["value"] == 0.5 and rows["attendance"]["met"] is True
    assert rows["exam_average"]["value"] == 100 and rows["exam_average"]["met"] is True
    assert rows["tickets_served"]["value"] == 30 and rows["tickets_served"]["met"] is True
    assert rows["within_standard"]["value"] == 0.8 and rows["within_standard"]["text"] == "80% ≥ 80% ✓"
    assert rows["good_rate"]["met"] is None  # 10 ratings, 20 needed
    assert "20" in rows["good_rate"]["text"] and "10" in rows["good_rate"]["text"]
    assert rows["complaints_upheld"]["value"] == 0 and rows["complaints_upheld"]["met"] is True
    assert got["eligible"] is False
    with pytest.raises(Conflict):
        services.clerk_promote(actor=manager, hall=hall_a, username="clerk_a", to_rank=1)


def test_an_eligible_clerk_is_promoted_one_level_and_the_promotion_is_audited(
    ladder, manager, hall_a, staff, clock
):
    from servicehall.core.models import AuditEntry

    trainee, junior = ladder
    services.criteria_set(actor=manager, level=junior, thresholds={"months_at_level": 0})
    assert progress.progress_for(hall=hall_a, user=staff["clerk_a"])["eligible"]
    row = services.clerk_promote(actor=manager, hall=hall_a, username="clerk_a", to_rank=1)
    assert row.level == junior and row.since == datetime.date(2030, 3, 6)
    assert AuditEntry.objects.filter(action="training.promote", object_id=str(row.pk)).exists()
    with pytest.raises(Conflict):  # a stale page promoting again
        services.clerk_promote(actor=manager, hall=hall_a, username="clerk_a", to_rank=1)
    assert ClerkLevel.objects.get(user=staff["clerk_a"]).level == junior


def test_service_time_is_judged_only_against_the_same_service_mix(manager, hall_a, items_a, actors, clock):
    """clerk_a serves 社保 (standard 10 min) in 5 minutes; clerk_a2 serves 户籍迁移 (no standard) in
    40 minutes. Against a hall-wide pace clerk_a2 would fail every service; against the same item both
    are within, and each is ranked only inside the group of their own item."""
    item_save(
        actor=manager,
        hall=hall_a,
        data={**item_data("SB-001", "社保参保登记", "A", ["1", "2"]), "standard_minutes": 10},
    )
    clerk, clerk2 = actors["clerk_a"], actors["clerk_a2"]
    serve(clock, clerk, window(hall_a, "1"), "SB-001", [5] * 30)
    clock.set(datetime.datetime(2030, 3, 7, 9, tzinfo=SHANGHAI))
    serve(clock, clerk2, window(hall_a, "3"), "HJ-001", [40] * 30)

    slow = progress.measure("within_standard", hall=hall_a, user=clerk2.user)
    assert slow.value == 1.0 and slow.sample == 30  # at the 户籍 median (40 min), not 社保's 10
    groups = progress.peer_groups(hall=hall_a)
    assert groups[clerk.user.pk] | {"share": None} == {
        "item": "社保参保登记",
        "rank": 1,
        "of": 1,
        "share": None,
        "sample": 30,
        "minimum": 30,
    }
    assert (groups[clerk2.user.pk]["item"], groups[clerk2.user.pk]["rank"], groups[clerk2.user.pk]["of"]) == (
        "户籍迁移",
        1,
        1,
    )


def test_a_clerk_under_the_minimum_sample_is_not_ranked(manager, hall_a, items_a, actors, clock):
    serve(clock, actors["clerk_a"], window(hall_a, "1"), "SB-001", [5] * 3)
    group = progress.peer_groups(hall=hall_a)[actors["clerk_a"].user.pk]
    assert group["rank"] is None and group["sample"] == 3 and group["minimum"] == 30


def test_complaints_upheld_count_only_answered_complaints_about_the_clerk(
    manager, hall_a, items_a, actors, clock
):
    """From the feedback app's selector: a complaint about a service the clerk gave counts once it has been
    answered; one rejected as out of scope, or still open, does not."""
    from servicehall.feedback import services as feedback
    from servicehall.queueing.models import Ticket

    serve(clock, actors["clerk_a"], window(hall_a, "1"), "SB-001", [5] * 3)
    tickets = list(Ticket.objects.filter(clerk=actors["clerk_a"].user).order_by("id"))
    items = [
        feedback.feedback_submit(
            actor=manager,
            hall=hall_a,
            type="complaint",
            subject="clerk",
            text="态度不好",
            ticket=t.public_id,
            channel="hotline",
        )
        for t in tickets
    ]
    feedback.feedback_answer(
        actor=manager, item=feedback.feedback_accept(actor=manager, item=items[0]), reply="已核实并整改"
    )
    feedback.feedback_reject(actor=manager, item=items[1], reason="不属于本中心")
    got = progress.measure("complaints_upheld", hall=hall_a, user=actors["clerk_a"].user)
    assert got.value == 1
