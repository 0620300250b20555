"""好差评 ratings and bad-rating rectification, through the services, on the frozen clock (Wednesday
2030-03-06 09:00, Asia/Shanghai)."""

import datetime
import json

import pytest

from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.quality import selectors, services
from servicehall.quality.choices import RatingChannel, RectificationStatus
from servicehall.quality.models import Rating, Rectification
from tests.conftest import sent_texts
from tests.quality.conftest import SHANGHAI


def test_the_pad_at_the_window_rates_the_service_once(clock, served, pad, actors):
    ticket = served()
    rating = services.rating_submit(
        actor=pad, ticket=ticket, level=5, tags=["服务热情"], channel=RatingChannel.PAD
    )
    assert (rating.level, rating.counter.number, rating.clerk.username) == (5, "1", "clerk_a")
    with pytest.raises(Conflict) as exc:
        services.rating_submit(actor=actors["citizen"], ticket=ticket, level=1, comment="x")
    assert exc.value.code == "already_rated"
    assert not Rectification.objects.exists()


def test_a_pad_rates_only_its_own_window(clock, served, admin_actor, hall_a):
    from servicehall.core import services as core_services
    from servicehall.core.actors import Actor
    from servicehall.core.choices import DeviceKind
    from tests.queueing.conftest import window

    other, _raw = core_services.device_create(
        actor=admin_actor,
        hall=hall_a,
        kind=DeviceKind.RATING_PAD,
        name="3号窗口评价器",
        counter=window(hall_a, "3"),
    )
    with pytest.raises(PermissionDenied):
        services.rating_submit(actor=Actor(device=other), ticket=served(), level=5, channel=RatingChannel.PAD)


def test_only_a_completed_service_within_the_window_is_rated(clock, q, served, actors):
    ticket = served()
    waiting = q.issue()
    with pytest.raises(Conflict) as exc:
        services.rating_submit(actor=actors["citizen"], ticket=waiting, level=5)
    assert exc.value.code == "not_served"
    clock.advance(days=7, minutes=1)
    with pytest.raises(Conflict) as exc:
        services.rating_submit(actor=actors["citizen"], ticket=ticket, level=5)
    assert exc.value.code == "window_closed"


def test_a_bad_rating_needs_a_reason_and_opens_a_case_with_working_day_deadlines(
    clock, served, actors, hall_a
):
    ticket = served(phone="13812345678")
    with pytest.raises(Invalid) as exc:
        services.rating_submit(actor=actors["citizen"], ticket=ticket, level=2)
    assert exc.value.code == "reason_required" and not Rating.objects.exists()
    with pytest.raises(Invalid):
        services.rating_submit(actor=actors["citizen"], ticket=ticket, level=2, tags=["不存在的原因"])
    # Friday evening: the revisit is due on the next working day, Monday.
    clock.set(datetime.datetime(2030, 3, 8, 17, 0, tzinfo=SHANGHAI))
    rating = services.rating_submit(actor=actors["citizen"], ticket=ticket, level=2, tags=["等候时间长"])
    case = rating.rectification
    assert case.status == RectificationStatus.OPEN and case.department == "测试局"
    assert case.assignee.username == "clerk_a"
    assert case.revisit_due == datetime.datetime(2030, 3, 11, 17, 0, tzinfo=SHANGHAI)
    assert case.rectify_due.date() == datetime.date(2030, 3, 29)  # 15 working days later
    # The rater is not recorded anywhere: the audit row says what, not who.
    entry = AuditEntry.objects.get(action="quality.rating")
    assert entry.actor is None and "13812345678" not in json.dumps(entry.after)


def test_rectification_follows_its_steps(clock, served, actors, commit, settings, tmp_path):
    settings.VAR_DIR, settings.SERVICEHALL_NOTIFY_BACKEND = tmp_path, "file"
    ticket = served(phone="13812345678")
    case = services.rating_submit(
        actor=actors["citizen"], ticket=ticket, level=1, comment="等了一个小时"
    ).rectification
    with pytest.raises(Conflict) as exc:
        services.rectification_step(actor=actors["manager_a"], case=case, action="rectified", note="x")
    assert exc.value.code == "illegal_transition"
    with pytest.raises(Invalid):
        services.rectification_step(actor=actors["evaluator_a"], case=case, action="revisit", note="")
    with pytest.raises(PermissionDenied):
        services.rectification_step(actor=actors["clerk_a2"], case=case, action="revisit", note="打了电话")
    services.rectification_step(actor=actors["evaluator_a"], case=case, action="revisit", note="已电话回访")
    services.rectification_step(actor=actors["manager_a"], case=case, action="reasonable")
    with commit():
        case = services.rectification_step(
            actor=actors["clerk_a"], case=case, action="rectified", note="高峰时段增开窗口"
        )
    assert case.status == RectificationStatus.CLOSED and case.closed_at == clock.now
    assert [s["step"] for s in case.log] == ["open", "revisit", "reasonable", "rectified"]
    assert any("高峰时段增开窗口" in t["text"] and t["phone"] == "13812345678" for t in sent_texts())
    services.rectification_follow_up(actor=actors["citizen"], case=case, level=4)
    with pytest.raises(Conflict):
        services.rectification_follow_up(actor=actors["citizen"], case=case, level=5)


def test_an_upheld_appeal_excludes_the_rating(clock, served, actors):
    case = services.rating_submit(
        actor=actors["citizen"], ticket=served(), level=1, comment="乱评"
    ).rectification
    services.rectification_step(actor=actors["evaluator_a"], case=case, action="revisit", note="无法联系")
    services.rectification_step(actor=actors["evaluator_a"], case=case, action="appeal", note="恶意差评")
    with pytest.raises(PermissionDenied):
        services.rectification_step(actor=actors["evaluator_a"], case=case, action="uphold")
    services.rectification_step(actor=actors["manager_a"], case=case, action="uphold")
    case.rating.refresh_from_db()
    assert case.rating.excluded


def test_overdue_cases_alert_once(clock, served, actors):
    services.rating_submit(actor=actors["citizen"], ticket=served(), level=2, tags=["服务态度差"])
    assert services.rectifications_overdue() == 0
    clock.advance(days=2)
    assert services.rectifications_overdue() == 1
    assert services.rectifications_overdue() == 0


def test_default_good_rating_is_recorded_but_not_active(clock, served, actors, hall_a):
    services.settings_update(actor=actors["manager_a"], hall=hall_a, default_rule="good")
    rated, silent = served(), served()
    services.rating_submit(actor=actors["citizen"], ticket=rated, level=2, tags=["办理时间长"])
    clock.advance(days=8)
    assert services.ratings_default() == 1
    assert services.ratings_default() == 0
    day = datetime.date(2030, 3, 6)
    stats = selectors.rating_statistics(hall=hall_a, date_from=day, date_to=day)
    assert Rating.objects.get(ticket=silent).is_default
    assert (stats["served"], stats["ratings"], stats["active"], stats["default"]) == (2, 2, 1, 1)
    assert (stats["participation_rate"], stats["bad_rate"], stats["good_rate"]) == (0.5, 1.0, 0.0)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_rated_clerk_never_sees_who_rated_and_the_office_reads_the_number_on_record(
    clock, served, actors, staff, hall_a, api_as
):
    from django.test import Client

    ticket = served(phone="13812345678")
    rating = services.rating_submit(
        actor=actors["citizen"], ticket=ticket, level=1, tags=["服务态度差"], comment="窗口人员不耐烦"
    )
    case = rating.rectification
    assert case.assignee == staff["clerk_a"]
    # The clerk answering for the case sees what was said, not the ticket or the number.
    status, cases = api_as("clerk_a").call("GET", f"halls/{hall_a.code}/rectifications")
    assert status == 200 and cases[0]["comment"] == "窗口人员不耐烦"
    assert cases[0]["ticket"] is None and cases[0]["contact"] is None
    clerk = Client(HTTP_ACCEPT_LANGUAGE="en")
    clerk.force_login(staff["clerk_a"])
    page = clerk.get("/staff/hall-a/quality/").content.decode()
    assert "窗口人员不耐烦" in page and ticket.number not in page and "138****5678" not in page
    assert "Rater protected" in page
    with pytest.raises(PermissionDenied):
        services.rater_contact(actor=actors["clerk_a"], case=case)
    assert api_as("clerk_a").call("GET", f"rectifications/{case.pk}/contact")[0] == 403
    # The evaluator sees the ticket and the masked number; reading the full number is audited.
    status, cases = api_as("evaluator_a").call("GET", f"halls/{hall_a.code}/rectifications")
    assert cases[0]["ticket"] == ticket.number and cases[0]["contact"] == "138****5678"
    office = Client(HTTP_ACCEPT_LANGUAGE="en")
    office.force_login(staff["evaluator_a"])
    shown = office.post("/staff/hall-a/quality/", {"case": case.pk, "contact": "1"}).content.decode()
    assert "13812345678" in shown
    entry = AuditEntry.objects.get(action="quality.rater_contact")
    assert entry.actor == staff["evaluator_a"] and "13812345678" not in json.dumps(entry.after)


def test_a_newer_completion_at_the_window_closes_the_older_form_on_the_pad(clock, served, pad):
    first = served()
    clock.advance(seconds=40)
    second = served()
    assert selectors.pad_ticket(counter=second.counter, now=clock.now) == second
    with pytest.raises(Conflict) as exc:
        services.rating_submit(actor=pad, ticket=first, level=5, channel=RatingChannel.PAD)
    assert exc.value.code == "pad_stale" and first.number in str(exc.value.message)
    assert not Rating.objects.exists()  # the citizen at the pad rated nobody else's service
    rating = services.rating_submit(actor=pad, ticket=second, level=4, channel=RatingChannel.PAD)
    assert rating.ticket_id == second.pk


def test_an_unanswered_pad_form_times_out_but_the_phone_still_rates(clock, served, pad, actors):
    ticket = served()
    clock.advance(seconds=119)
    assert selectors.pad_ticket(counter=ticket.counter, now=clock.now) == ticket
    clock.advance(seconds=10)  # 129 s: past the default 120 s and the 5 s for the network
    assert selectors.pad_ticket(counter=ticket.counter, now=clock.now) is None
    with pytest.raises(Conflict) as exc:
        services.rating_submit(actor=pad, ticket=ticket, level=5, channel=RatingChannel.PAD)
    assert exc.value.code == "pad_timeout" and not Rating.objects.exists()
    assert services.rating_submit(actor=actors["citizen"], ticket=ticket, level=5).channel == "phone"


def test_the_hall_sets_the_pad_timeout_within_bounds(clock, served, pad, actors, hall_a):
    services.settings_update(actor=actors["manager_a"], hall=hall_a, pad_timeout_seconds=60)
    ticket = served()
    clock.advance(seconds=70)
    with pytest.raises(Conflict) as exc:
        services.rating_submit(actor=pad, ticket=ticket, level=5, channel=RatingChannel.PAD)
    assert exc.value.code == "pad_timeout"
    for wrong in (10, 3600):
        with pytest.raises(Invalid) as bad:
            services.settings_update(actor=actors["manager_a"], hall=hall_a, pad_timeout_seconds=wrong)
        assert "pad_timeout_seconds" in bad.value.fields
    with pytest.raises(PermissionDenied):
        services.settings_update(actor=actors["clerk_a"], hall=hall_a, pad_timeout_seconds=90)


def test_the_pad_never_falls_back_to_an_older_service_when_the_latest_was_rated(clock, served, pad, actors):
    first = served()
    clock.advance(seconds=30)
    second = served()
    services.rating_submit(actor=actors["citizen"], ticket=second, level=5)  # on the phone
    assert selectors.pad_ticket(counter=second.counter, now=clock.now) is None  # idle, not ``first``
    with pytest.raises(Conflict) as exc:
        services.rating_submit(actor=pad, ticket=first, level=1, comment="x", channel=RatingChannel.PAD)
    assert exc.value.code == "pad_stale" and Rating.objects.count() == 1
