"""The one transition table: every state reachable, the online and window paths, illegal steps refused
with a 409 in words, roles (only managers decide), audited steps, the texts the citizen cares about."""

import pytest

from servicehall.cases import services
from servicehall.cases.choices import TRANSITIONS, CaseStatus
from servicehall.cases.models import Case
from servicehall.core.errors import Conflict, PermissionDenied
from servicehall.core.models import AuditEntry
from tests.cases.conftest import PHONE
from tests.conftest import sent_texts

pytestmark = pytest.mark.django_db


def test_the_online_path_runs_from_submission_to_closed_with_a_timestamp_per_state(online, actors):
    clerk, manager = actors["clerk_a"], actors["manager_a"]
    case = services.case_prereview(actor=clerk, case=online)
    case = services.case_accept(actor=clerk, case=case)
    case = services.case_review(actor=clerk, case=case)
    case = services.case_approve(actor=manager, case=case)
    case = services.case_ready(actor=clerk, case=case)
    case = services.case_deliver(actor=clerk, case=case, method="window")
    case = services.case_close(actor=clerk, case=case)
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.CLOSED
    for field in (
        "submitted_at",
        "prereviewed_at",
        "accepted_at",
        "review_started_at",
        "approved_at",
        "ready_at",
        "delivered_at",
        "closed_at",
    ):
        assert getattr(case, field) is not None, field
    actions = list(
        AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="cases.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "cases.submit",
        "cases.prereview",
        "cases.accept",
        "cases.review",
        "cases.approve",
        "cases.ready",
        "cases.deliver",
        "cases.close",
    ]


def test_the_citizen_is_texted_at_acceptance_materials_approval_and_ready(online, actors):
    clerk, manager = actors["clerk_a"], actors["manager_a"]
    case = services.case_accept(actor=clerk, case=online)
    case = services.case_request_materials(actor=clerk, case=case, missing=["公司章程"])
    case = services.case_supply(actor=clerk, case=case)
    case = services.case_approve(actor=manager, case=case)
    services.case_ready(actor=clerk, case=case)
    texts = [t["text"] for t in sent_texts() if t["phone"] == PHONE]
    assert len(texts) == 5  # received, accepted, materials (with the list), approved, ready
    assert "公司章程" in texts[2] and online.number in texts[2]
    assert "2" in texts[4]  # the licence's window


@pytest.mark.parametrize(
    "setup, action",
    [
        ([], "approve"),  # not accepted yet
        ([], "deliver"),
        (["accept"], "accept"),
        (["accept", "approve"], "withdraw"),  # decided: too late to withdraw
        (["accept", "approve"], "request-materials"),
        (["withdraw"], "accept"),
    ],
)
def test_an_illegal_step_is_refused_with_a_409_naming_the_case(online, actors, setup, action):
    steps = {
        "accept": lambda c: services.case_accept(actor=actors["clerk_a"], case=c),
        "approve": lambda c: services.case_approve(actor=actors["manager_a"], case=c),
        "withdraw": lambda c: services.case_withdraw(actor=actors["clerk_a"], case=c),
        "deliver": lambda c: services.case_deliver(actor=actors["clerk_a"], case=c, method="window"),
        "request-materials": lambda c: services.case_request_materials(
            actor=actors["clerk_a"], case=c, missing=["x"]
        ),
    }
    case = online
    for step in setup:
        case = steps[step](case)
    before = Case.objects.get(pk=case.pk).status
    with pytest.raises(Conflict) as refused:
        steps[action](case)
    assert refused.value.status == 409 and online.number in refused.value.message
    assert Case.objects.get(pk=case.pk).status == before


def test_only_managers_decide_and_other_halls_staff_do_nothing(online, actors):
    case = services.case_accept(actor=actors["clerk_a"], case=online)
    with pytest.raises(PermissionDenied):
        services.case_approve(actor=actors["clerk_a"], case=case)
    with pytest.raises(PermissionDenied):
        services.case_accept(actor=actors["manager_b"], case=online)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def test_a_rejection_needs_its_legal_reason(online, actors):
    from servicehall.core.errors import Invalid

    with pytest.raises(Invalid) as bad:
        services.case_reject(actor=actors["manager_a"], case=online, reason=" ")
    assert "reason" in bad.value.fields
    case = services.case_reject(actor=actors["manager_a"], case=online, reason="依据《行政许可法》第三十八条")
    assert case.status == CaseStatus.REJECTED and case.rejected_at is not None


def test_delivery_by_post_needs_a_tracking_number_and_electronic_needs_the_certificate(online, actors):
    from servicehall.core.errors import Invalid

    case = services.case_accept(actor=actors["clerk_a"], case=online)
    case = services.case_approve(actor=actors["manager_a"], case=case)
    with pytest.raises(Invalid) as post:
        services.case_deliver(actor=actors["clerk_a"], case=case, method="post")
    assert "tracking_number" in post.value.fields
    with pytest.raises(Invalid) as electronic:
        services.case_deliver(actor=actors["clerk_a"], case=case, method="electronic")
    assert "method" in electronic.value.fields
    case = services.case_deliver(actor=actors["clerk_a"], case=case, method="post", tracking_number="SF1")
    assert case.status == CaseStatus.DELIVERED and case.tracking_number == "SF1"


def test_correction_before_acceptance_goes_back_to_pre_review_without_touching_the_clock(online, actors):
    case = services.case_request_materials(actor=actors["clerk_a"], case=online, missing=["公司章程"])
    assert case.status == CaseStatus.CORRECTION
    case = services.case_supply(actor=actors["clerk_a"], case=case)
    assert case.status == CaseStatus.SUBMITTED and case.paused_working_days == 0


def test_every_state_is_reachable_and_withdrawal_is_possible_before_any_decision():
    targets = set(TRANSITIONS.edges.values())
    assert targets | {CaseStatus.SUBMITTED} == set(CaseStatus.values)
    assert set(TRANSITIONS.states_allowing("withdraw")) == {
        "submitted",
        "prereviewed",
        "correction",
        "accepted",
        "under_review",
        "materials_requested",
    }
