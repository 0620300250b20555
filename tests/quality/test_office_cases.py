"""The quality office's rectification cases (issue 12, items 11 and 12): who takes which step (the page offers
exactly the steps the service allows; the rated clerk never judges or closes their own case), every bad
rating has its case (the simulated history, the repair command), the rates count from every bad rating,
and the archive of closed cases with its filters. On the frozen clock (Wednesday 2030-03-06 09:00,
Asia/Shanghai)."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client

from servicehall.core import services as core_services
from servicehall.core.choices import Role
from servicehall.core.errors import PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.quality import selectors, services
from servicehall.quality.choices import RectificationAction, RectificationStatus
from servicehall.quality.models import Rating, Rectification
from servicehall.quality.simulate import simulate
from tests.queueing.conftest import window

OFFICE = "/staff/hall-a/quality/"
ARCHIVE = "/staff/hall-a/quality/cases/"


@pytest.fixture
def bad_case(served, actors):
    """A bad rating of a service clerk_a gave at window 1 (a paper form the office enters): its case."""

    def make(comment: str = "等了很久"):
        return services.rating_submit(
            actor=actors["manager_a"], ticket=served(), level=1, comment=comment, channel="paper"
        ).rectification

    return make


@pytest.fixture
def browser(staff, clerk_a2):
    """A signed-in test client per user name."""

    def login(name: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(clerk_a2 if name == "clerk_a2" else staff[name])
        return client

    return login


def offered(html: str, case: Rectification) -> set[str]:
    """The step buttons the office page shows for a case."""
    row = re.search(rf'name="case" value="{case.pk}">.*?</form>', html, re.S)
    return set(re.findall(r'data-step="(\w+)"', row.group(0))) if row else set()


def step(actor, case, action, note="记录"):
    return services.rectification_step(actor=actor, case=case, action=action, note=note)


class TestWhoTakesWhichStep:
    def test_the_evaluator_is_offered_the_revisit_and_recording_it_works(self, clock, bad_case, browser):
        case = bad_case()
        page = browser("evaluator_a").get(OFFICE)
        assert page.status_code == 200 and offered(page.content.decode(), case) == {"revisit"}
        done = browser("evaluator_a").post(OFFICE, {"case": case.pk, "action": "revisit", "note": "已回访"})
        assert done.status_code == 200
        case.refresh_from_db()
        assert case.status == RectificationStatus.REVISITED and case.revisited_at == clock.now

    def test_the_evaluator_is_not_offered_the_clerk_s_rectification_and_pressing_it_is_refused(
        self, clock, bad_case, actors, browser
    ):
        case = bad_case()
        step(actors["evaluator_a"], case, "revisit")
        step(actors["evaluator_a"], case, "reasonable")
        html = browser("evaluator_a").get(OFFICE).content.decode()
        assert offered(html, case) == set() and "responsible clerk or a hall manager" in html
        refused = browser("evaluator_a").post(OFFICE, {"case": case.pk, "action": "rectified", "note": "x"})
        assert (
            refused.status_code == 403 and "responsible clerk or a hall manager" in refused.content.decode()
        )
        case.refresh_from_db()
        assert case.status == RectificationStatus.RECTIFYING
        # The rated clerk is offered the rectification of their own service, and records it.
        assert offered(browser("clerk_a").get(OFFICE).content.decode(), case) == {"rectified"}
        step(actors["clerk_a"], case, "rectified", "高峰时段增开窗口")
        case.refresh_from_db()
        assert (case.status, case.outcome) == (RectificationStatus.CLOSED, "rectified")

    def test_the_rated_clerk_can_neither_revisit_nor_verify_their_own_case(
        self, clock, bad_case, actors, browser
    ):
        case = bad_case()
        html = browser("clerk_a").get(OFFICE).content.decode()
        assert offered(html, case) == set()
        with pytest.raises(PermissionDenied) as exc:
            step(actors["clerk_a"], case, "revisit")
        assert exc.value.code == "step_not_yours"
        step(actors["evaluator_a"], case, "revisit")
        for action in ("reasonable", "unreasonable", "appeal"):
            with pytest.raises(PermissionDenied):
                step(actors["clerk_a"], case, action)
            refused = browser("clerk_a").post(OFFICE, {"case": case.pk, "action": action, "note": "不属实"})
            assert refused.status_code == 403
        case.refresh_from_db()
        assert case.status == RectificationStatus.REVISITED

    def test_a_rated_evaluator_or_manager_never_judges_or_closes_their_own_case(
        self, clock, bad_case, actors, admin_actor, staff, hall_a, browser
    ):
        # clerk_a is also an evaluator and a manager of the hall: still the one who was rated.
        for role in (Role.EVALUATOR, Role.MANAGER):
            core_services.membership_grant(actor=admin_actor, user=staff["clerk_a"], hall=hall_a, role=role)
        clerk = type(actors["clerk_a"])(user=type(staff["clerk_a"]).objects.get(pk=staff["clerk_a"].pk))
        case = bad_case()
        with pytest.raises(PermissionDenied) as exc:
            step(clerk, case, "revisit")
        assert "You were rated in this case" in str(exc.value.message) or "被评价" in str(exc.value.message)
        step(actors["evaluator_a"], case, "revisit")
        with pytest.raises(PermissionDenied):
            step(clerk, case, "unreasonable", "核实不属实")
        step(actors["evaluator_a"], case, "unreasonable", "已向群众解释")
        assert offered(browser("clerk_a").get(OFFICE).content.decode(), case) == set()
        with pytest.raises(PermissionDenied):
            step(clerk, case, "close")
        refused = browser("clerk_a").post(OFFICE, {"case": case.pk, "action": "close"})
        assert refused.status_code == 403
        assert offered(browser("manager_a").get(OFFICE).content.decode(), case) == {"close"}
        step(actors["manager_a"], case, "close")
        case.refresh_from_db()
        assert (case.status, case.outcome) == (RectificationStatus.CLOSED, "explained")

    def test_only_a_manager_other_than_the_rated_decides_an_appeal(self, clock, bad_case, actors, browser):
        case = bad_case()
        step(actors["evaluator_a"], case, "revisit")
        step(actors["evaluator_a"], case, "appeal", "恶意差评")
        assert offered(browser("evaluator_a").get(OFFICE).content.decode(), case) == set()
        assert offered(browser("manager_a").get(OFFICE).content.decode(), case) == {"uphold", "reject"}

    def test_the_page_offers_what_the_service_allows_for_every_role_and_state(
        self, clock, bad_case, actors, staff, clerk_a2
    ):
        case = bad_case()
        users = {**{k: staff[k] for k in ("manager_a", "evaluator_a", "clerk_a")}, "clerk_a2": clerk_a2}
        for status in RectificationStatus.values:
            Rectification.objects.filter(pk=case.pk).update(status=status)
            case.refresh_from_db()
            for name, user in users.items():
                for action in selectors.rectification_steps(user=user, case=case):
                    assert selectors.rectification_refusal(user=user, case=case, action=action) is None
        from servicehall.quality.choices import STEP_RULES

        assert set(STEP_RULES) == set(RectificationAction.values)


class TestEveryBadRatingHasItsCase:
    def test_every_bad_rating_of_a_simulated_history_opens_its_case(self, clock, hall_a, items_a, actors):
        made = simulate(
            hall=hall_a,
            questionnaire=None,
            days=3,
            tickets_per_day=40,
            start=datetime.date(2030, 2, 1),
            bad_window=window(hall_a, "3"),
        )
        bad = Rating.objects.filter(hall=hall_a, level__lte=2)
        assert bad.count() > 5 and made["cases"] == bad.count()
        assert Rectification.objects.filter(rating__in=bad).count() == bad.count()
        first = Rectification.objects.order_by("opened_at").first()
        assert first.opened_at == first.rating.rated_at  # as of the rating: its deadlines are the real ones

    def test_the_repair_command_opens_the_missing_cases_once_and_audits_them(
        self, clock, served, hall_a, capsys
    ):
        tickets = [served() for _ in range(3)]
        for ticket, level in zip(tickets, (1, 2, 5), strict=True):  # written around the service
            Rating.objects.create(
                hall=hall_a,
                ticket=ticket,
                service=ticket.service,
                counter=ticket.counter,
                clerk=ticket.clerk,
                level=level,
                channel="pad",
                served_at=ticket.completed_at,
                rated_at=ticket.completed_at,
            )
        assert not Rectification.objects.exists()
        call_command("quality_open_missing_cases")
        assert "opened 2" in capsys.readouterr().out
        assert Rectification.objects.count() == 2
        opened = AuditEntry.objects.filter(action="quality.rectification_open")
        assert opened.count() == 2
        assert {e.actor_label for e in opened} == {"system:quality.cases_open_missing"}
        call_command("quality_open_missing_cases", "--hall", "hall-a")
        assert "opened 0" in capsys.readouterr().out and Rectification.objects.count() == 2

    def test_the_rates_count_from_all_bad_ratings_a_missing_case_is_not_rectified(
        self, clock, served, bad_case, actors, hall_a
    ):
        case = bad_case()
        step(actors["evaluator_a"], case, "revisit")
        step(actors["evaluator_a"], case, "reasonable")
        step(actors["clerk_a"], case, "rectified", "已整改")
        orphan = served()
        Rating.objects.create(
            hall=hall_a,
            ticket=orphan,
            service=orphan.service,
            counter=orphan.counter,
            clerk=orphan.clerk,
            level=2,
            channel="pad",
            served_at=orphan.completed_at,
            rated_at=orphan.completed_at,
        )
        day = clock.now.date()
        stats = selectors.rating_statistics(hall=hall_a, date_from=day, date_to=day)
        assert (stats["bad"], stats["cases"], stats["without_case"]) == (2, 1, 1)
        assert stats["rectified_rate"] == 0.5 and stats["on_time_rate"] == 0.5


class TestArchive:
    @pytest.fixture
    def closed(self, clock, bad_case, actors):
        """Three closed cases: rectified on time, explained on time, rectified late (20 days on)."""
        cases = [bad_case(f"第{n}件") for n in range(3)]
        for case in cases:
            step(actors["evaluator_a"], case, "revisit")
        step(actors["evaluator_a"], cases[0], "reasonable")
        step(actors["clerk_a"], cases[0], "rectified")
        step(actors["evaluator_a"], cases[1], "unreasonable")
        step(actors["manager_a"], cases[1], "close")
        step(actors["evaluator_a"], cases[2], "reasonable")
        clock.advance(days=30)
        step(actors["clerk_a"], cases[2], "rectified", "逾期整改")
        return cases

    def test_closed_cases_stay_findable_with_filters(self, closed, browser, hall_a, staff):
        office = browser("evaluator_a")
        page = office.get(ARCHIVE)
        html = page.content.decode()
        assert page.status_code == 200 and all(f"第{n}件" in html for n in range(3))
        assert "逾期整改" in html and "3 cases" in html

        def shown(**query):
            got = office.get(ARCHIVE, query)
            assert got.status_code == 200
            return {n for n in range(3) if f"第{n}件" in got.content.decode()}

        assert shown(outcome="explained") == {1}
        assert shown(outcome="rectified") == {0, 2}
        assert shown(overdue="yes") == {2} and shown(overdue="no") == {0, 1}
        today = datetime.date(2030, 3, 6)
        assert shown(date_to=today.isoformat()) == {0, 1}
        assert shown(date_from=(today + datetime.timedelta(days=1)).isoformat()) == {2}
        assert shown(counter=window(hall_a, "1").pk) == {0, 1, 2}
        assert shown(counter=window(hall_a, "2").pk) == set()
        assert shown(clerk=staff["clerk_a"].pk) == {0, 1, 2}

    def test_a_filter_the_hall_does_not_offer_is_a_400_beside_its_field(self, closed, browser):
        office = browser("evaluator_a")
        for query in (
            {"counter": "999999"},
            {"outcome": "nope"},
            {"date_from": "2030-03-09", "date_to": "2030-03-01"},
        ):
            got = office.get(ARCHIVE, query)
            assert got.status_code == 400 and "field-error" in got.content.decode()
        assert office.get(ARCHIVE, {"page": "abc"}).status_code == 200

    def test_a_clerk_finds_their_own_closed_cases_only_and_strangers_none(self, closed, browser, staff):
        assert "第0件" in browser("clerk_a").get(ARCHIVE).content.decode()
        other = browser("clerk_a2").get(ARCHIVE).content.decode()
        assert "第0件" not in other and "No closed case matches." in other
        stranger = Client()
        stranger.force_login(staff["clerk_b"])
        assert stranger.get(ARCHIVE).status_code == 403

    def test_the_archive_pages_by_25(self, clock, bad_case, actors, browser):
        for n in range(27):
            case = bad_case(f"批量{n}")
            step(actors["evaluator_a"], case, "revisit")
            step(actors["evaluator_a"], case, "unreasonable")
            step(actors["manager_a"], case, "close")
        first = browser("manager_a").get(ARCHIVE).content.decode()
        assert "Page 1 of 2 (27 cases)" in first and "page=2" in first
        second = browser("manager_a").get(ARCHIVE, {"page": "2"}).content.decode()
        assert second.count("<tr class=") == 2
