"""Feedback services: the one transition table drives every step (illegal ones refused with a 409),
deadlines in working days across a holiday and a 调休 weekend, the deadline sweep escalates once, the
citizen's rating reopens once, and the person a complaint is about never sees the complainant."""

import datetime
import itertools
import zoneinfo

import pytest

from servicehall.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.customers import services as customers
from servicehall.feedback import selectors, services
from servicehall.feedback.choices import TRANSITIONS, FeedbackAction, FeedbackStatus
from servicehall.feedback.models import FeedbackItem
from tests.customers.conftest import make_id
from tests.feedback.conftest import PHONE

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
S, A = FeedbackStatus, FeedbackAction


def _do(actors, item, action):
    manager = actors["manager_a"]
    calls = {
        A.ACCEPT: lambda: services.feedback_accept(actor=manager, item=item),
        A.REJECT: lambda: services.feedback_reject(actor=manager, item=item, reason="不属于本中心职责"),
        A.ASSIGN: lambda: services.feedback_assign(actor=manager, item=item, department="综合科"),
        A.INVESTIGATE: lambda: services.feedback_investigate(actor=manager, item=item),
        A.ANSWER: lambda: services.feedback_answer(
            actor=manager, item=item, reply="已核实并整改，感谢监督。"
        ),
        A.RATE: lambda: services.feedback_rate(
            actor=actors["citizen"], code=item.code, phone=PHONE, rating="satisfied"
        ),
        A.REOPEN: lambda: services.feedback_reopen(actor=manager, item=item),
        A.CLOSE: lambda: services.feedback_close(actor=manager, item=item),
        A.ARCHIVE: lambda: services.feedback_archive(actor=manager, item=item),
        A.MERGE: lambda: services.feedback_merge(actor=manager, item=item, into=_other(actors, item)),
        A.TRANSFER: lambda: services.feedback_transfer(
            actor=manager, item=item, to_hall_code="hall-b", reason="属乙区中心办理事项"
        ),
    }
    return calls[action]()


def _other(actors, item):
    return services.feedback_submit(
        actor=actors["manager_a"], hall=item.hall, type="suggestion", subject="hall", text="另一条建议内容"
    )


@pytest.mark.parametrize(("state", "action"), list(itertools.product(S.values, A.values)))
def test_every_step_follows_the_one_table(actors, complaint, state, action):
    FeedbackItem.objects.filter(pk=complaint.pk).update(status=state)  # the state under test, set directly
    item = FeedbackItem.objects.get(pk=complaint.pk)
    expected = TRANSITIONS.get((state, action))
    if expected is None:
        with pytest.raises(Conflict) as err:
            _do(actors, item, action)
        assert err.value.status == 409
        assert FeedbackItem.objects.get(pk=item.pk).status == state
    else:
        _do(actors, item, action)
        assert FeedbackItem.objects.get(pk=item.pk).status == expected
        assert AuditEntry.objects.filter(action=f"feedback.{action}", object_id=str(item.pk)).exists()


def test_deadlines_count_working_days_across_national_day_and_its_make_up_sunday(
    actors, hall_a, time_machine
):
    # Friday 26 September 2025: Saturday off, Sunday 28th a 调休 working day, 1-8 October the holiday.
    time_machine.move_to(datetime.datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI), tick=False)
    item = services.feedback_submit(
        actor=actors["citizen"],
        hall=hall_a,
        type="complaint",
        subject="hall",
        text="窗口人员态度不好",
        phone=PHONE,
    )
    assert item.ack_due_at.astimezone(SHANGHAI) == datetime.datetime(2025, 9, 28, 10, 0, tzinfo=SHANGHAI)
    # 28 and 29 and 30 September, then 9 and 10 October: five working days.
    assert item.answer_due_at.astimezone(SHANGHAI) == datetime.datetime(2025, 10, 10, 10, 0, tzinfo=SHANGHAI)


def test_overdue_items_are_escalated_once_and_reminded_before(actors, hall_a, complaint, clock):
    assert services.feedback_sweep_deadlines(hall=hall_a, now=clock.now) == {"reminded": 0, "escalated": 0}
    before_due = complaint.answer_due_at - datetime.timedelta(hours=2)
    assert services.feedback_sweep_deadlines(hall=hall_a, now=before_due) == {"reminded": 1, "escalated": 0}
    late = complaint.answer_due_at + datetime.timedelta(hours=1)
    assert services.feedback_sweep_deadlines(hall=hall_a, now=late) == {"reminded": 0, "escalated": 1}
    assert services.feedback_sweep_deadlines(hall=hall_a, now=late) == {"reminded": 0, "escalated": 0}
    row = AuditEntry.objects.get(action="feedback.escalate")
    assert row.actor_label == "system:feedback.deadlines" and row.after == {"items": [complaint.code]}


def test_unsatisfied_reopens_once_then_closes(actors, complaint):
    manager = actors["manager_a"]
    services.feedback_accept(actor=manager, item=complaint)
    services.feedback_answer(actor=manager, item=complaint, reply="已安排专人处理，请谅解。")
    item = services.feedback_rate(
        actor=actors["citizen"], code=complaint.code, phone=PHONE, rating="unsatisfied"
    )
    assert item.status == S.INVESTIGATING and item.reopen_count == 1
    services.feedback_answer(actor=manager, item=item, reply="再次核查后已整改。")
    item = services.feedback_rate(
        actor=actors["citizen"], code=complaint.code, phone=PHONE, rating="unsatisfied"
    )
    assert item.status == S.CLOSED and item.handling_rating == "unsatisfied"


def test_the_citizen_needs_the_right_mobile(complaint):
    with pytest.raises(NotFound):
        selectors.item_for_citizen(code=complaint.code, phone="13900000000")
    assert selectors.item_for_citizen(code=complaint.code.lower(), phone=PHONE).pk == complaint.pk


def test_a_complaint_needs_a_mobile_but_a_suggestion_may_be_anonymous(actors, hall_a, clock):
    with pytest.raises(Invalid) as err:
        services.feedback_submit(
            actor=actors["citizen"], hall=hall_a, type="complaint", subject="hall", text="无号码投诉"
        )
    assert "phone" in err.value.fields
    item = services.feedback_submit(
        actor=actors["citizen"], hall=hall_a, type="suggestion", subject="environment", text="建议增加座椅"
    )
    assert item.phone_digest == "" and item.status == S.RECEIVED


def test_the_clerk_complained_about_never_sees_the_complainant(actors, hall_a, q, staff, person):
    q.issue()
    q.open("1")
    ticket = q.call_next("1")
    customers.ticket_citizen_identify(actor=actors["clerk_a"], ticket=ticket, id_number=make_id())
    item = services.feedback_submit(
        actor=actors["citizen"],
        hall=hall_a,
        type="complaint",
        subject="clerk",
        text="该窗口工作人员态度差",
        phone=PHONE,
        ticket=ticket.public_id,
    )
    assert item.subject_clerk_id == staff["clerk_a"].pk and item.person_id == person.pk
    seen_by_clerk = selectors.item_for_staff(item, user=staff["clerk_a"])
    assert (
        seen_by_clerk["phone"] == "" and seen_by_clerk["person"] is None and seen_by_clerk["ticket"] is None
    )
    seen_by_manager = selectors.item_for_staff(item, user=staff["manager_a"])
    assert seen_by_manager["phone"] == "139****5678" and seen_by_manager["person"] == person.pk
    services.feedback_accept(actor=actors["manager_a"], item=item)
    with pytest.raises(Invalid):  # never handed their own complaint
        services.feedback_assign(actor=actors["manager_a"], item=item, assignee_id=staff["clerk_a"].pk)


def test_an_open_complaint_keeps_the_record_from_erasure_and_follows_a_merge(actors, hall_a, q, person):
    ticket = q.issue()
    customers.ticket_citizen_identify(actor=actors["clerk_a"], ticket=ticket, id_number=make_id())
    item = services.feedback_submit(
        actor=actors["citizen"],
        hall=hall_a,
        type="complaint",
        subject="hall",
        text="排队时间太长了",
        phone=PHONE,
        ticket=ticket.public_id,
    )
    with pytest.raises(Conflict) as err:
        customers.person_erase(actor=actors["manager_a"], person=person, reason="本人申请删除")
    assert "正在办理" in str(err.value.fields["reasons"])  # the reason, in the hall's language
    keep, _c = customers.person_identify(actor=actors["clerk_a"], hall=hall_a, phone="13700001111")
    customers.person_merge(actor=actors["manager_a"], keep=keep, duplicate=person, reason="同一人")
    assert FeedbackItem.objects.get(pk=item.pk).person_id == keep.pk
    # Once the complaint is closed, erasure goes through and the mobile left with it is blanked too.
    services.feedback_accept(actor=actors["manager_a"], item=item)
    services.feedback_answer(actor=actors["manager_a"], item=item, reply="已处理")
    services.feedback_close(actor=actors["manager_a"], item=item)
    customers.person_erase(actor=actors["manager_a"], person=keep, reason="本人申请删除")
    row = FeedbackItem.objects.get(pk=item.pk)
    assert (row.phone_encrypted, row.phone_hint, row.phone_digest, row.person_id) == ("", "", "", keep.pk)


def test_only_managers_handle_items(actors, complaint):
    with pytest.raises(PermissionDenied):
        services.feedback_accept(actor=actors["clerk_a"], item=complaint)


def test_the_quality_report_counts_real_complaints_not_bad_ratings(actors, hall_a, q, clock):
    from servicehall.quality.choices import Metric
    from servicehall.quality.report_data import Scope, objective_by_unit, objective_values
    from servicehall.queueing import services as queue

    q.open("1")
    served = []
    for _ in range(2):
        q.issue()
        ticket = q.call_next("1")
        queue.ticket_start(actor=actors["clerk_a"], ticket=ticket)
        served.append(queue.ticket_complete(actor=actors["clerk_a"], ticket=ticket))
    for kind in ("complaint", "suggestion"):
        services.feedback_submit(
            actor=actors["citizen"],
            hall=hall_a,
            type=kind,
            subject="clerk",
            text="窗口服务问题",
            phone=PHONE,
            ticket=served[0].public_id,
        )
    scope = Scope(hall_a, clock.now.date(), clock.now.date())
    assert objective_values(scope)[Metric.COMPLAINTS_PER_1000] == 500.0  # 1 complaint in 2 services
    by_window = objective_by_unit(scope, "counter_id")
    assert by_window[q.window("1").pk][Metric.COMPLAINTS_PER_1000] == 500.0


def test_an_item_assigned_to_a_clerk_is_investigated_and_answered_by_them(actors, staff, clerk_a2, complaint):
    services.feedback_accept(actor=actors["manager_a"], item=complaint)
    item = services.feedback_assign(actor=actors["manager_a"], item=complaint, assignee_id=clerk_a2.pk)
    assert item.assignee_id == clerk_a2.pk and item.assigned_at is not None
    with pytest.raises(PermissionDenied):
        services.feedback_investigate(actor=actors["clerk_a"], item=item)  # not theirs
    item = services.feedback_investigate(actor=actors["clerk_a2"], item=item)
    item = services.feedback_answer(actor=actors["clerk_a2"], item=item, reply="已调取监控核实。")
    assert item.status == S.ANSWERED and item.answered_at is not None
    with pytest.raises(Invalid):
        services.feedback_assign(actor=actors["manager_a"], item=item, assignee_id=staff["clerk_b"].pk)
