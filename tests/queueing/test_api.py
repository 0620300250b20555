"""The queue API contract (issue 3), through HTTP with real tokens: paths, status codes, response fields,
the error shape ``{error, message, fields}`` and that a refused request changes nothing."""

import datetime

import pytest

from servicehall.core import services as core_services
from servicehall.core.actors import Actor
from servicehall.core.services import hall_set_opening_hours
from servicehall.live.models import Event
from servicehall.queueing import services
from servicehall.queueing.models import CounterSession, Ticket
from tests.conftest import ApiClient
from tests.queueing.conftest import MORNING, window

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "items_a")]

CONTRACT_FIELDS = {
    "id",
    "number",
    "service",
    "status",
    "position",
    "people_ahead",
    "estimated_wait_seconds",
    "issued_at",
    "track_url",
}


@pytest.fixture
def kiosk(kiosk_token):
    return ApiClient(kiosk_token)


@pytest.fixture
def clerk(api_as):
    return api_as("clerk_a")


@pytest.fixture
def clerk2(clerk_a2):
    return ApiClient(core_services.token_create(actor=Actor(user=clerk_a2), user=clerk_a2, name="test"))


def take(api, hall, service="SB-001", **body):
    status, payload = api.call("POST", f"halls/{hall.code}/tickets", {"service": service, **body})
    assert status == 201, payload
    return payload


def counter_id(hall, number="1") -> int:
    return window(hall, number).pk


def assert_error(answer, status: int, code: str):
    got_status, payload = answer
    assert got_status == status, payload
    assert set(payload) == {"error", "message", "fields"}
    assert payload["error"] == code
    assert isinstance(payload["message"], str) and payload["message"].strip()
    return payload


class TestIssue:
    def test_a_kiosk_takes_a_number_and_gets_every_contract_field(self, kiosk, hall_a, clock):
        status, payload = kiosk.call("POST", f"halls/{hall_a.code}/tickets", {"service": "SB-001"})
        assert status == 201
        assert set(payload) >= CONTRACT_FIELDS
        assert (payload["number"], payload["service"], payload["status"]) == ("A001", "SB-001", "waiting")
        assert (payload["position"], payload["people_ahead"], payload["estimated_wait_seconds"]) == (1, 0, 0)
        assert payload["channel"] == "kiosk"
        assert datetime.datetime.fromisoformat(payload["issued_at"]) == clock.now
        assert payload["track_url"].startswith("http") and payload["id"] in payload["track_url"]
        assert Ticket.objects.get(public_id=payload["id"]).number == "A001"

    def test_the_next_ticket_sees_the_people_ahead_and_an_estimate(self, kiosk, hall_a):
        take(kiosk, hall_a)
        take(kiosk, hall_a)
        third = take(kiosk, hall_a)
        assert (third["number"], third["position"], third["people_ahead"]) == ("A003", 3, 2)
        # No service history yet: the hall's assumed 8 minutes per person, one counter.
        assert third["estimated_wait_seconds"] == 2 * 8 * 60

    def test_all_body_fields_are_accepted(self, kiosk, hall_a):
        ticket = take(kiosk, hall_a, channel="kiosk", priority="elderly", phone="138-1234-5678")
        assert (ticket["priority"], ticket["phone"]) == ("elderly", "138****5678")
        assert "13812345678" not in str(ticket)

    def test_a_web_ticket_needs_the_hall_to_allow_remote_tickets(self, api_as, staff, hall_a):
        citizen = api_as(None)
        assert_error(
            citizen.call("POST", f"halls/{hall_a.code}/tickets", {"service": "SB-001"}),
            401,
            "remote_tickets_disabled",
        )
        services.settings_update(actor=Actor(user=staff["manager_a"]), hall=hall_a, allow_remote_tickets=True)
        assert take(citizen, hall_a)["channel"] == "web"

    def test_a_clerk_issues_a_counter_ticket(self, clerk, hall_a):
        assert take(clerk, hall_a)["channel"] == "counter"

    def test_before_opening_the_answer_says_when_the_hall_opens(self, kiosk, staff, hall_a, clock):
        hall_set_opening_hours(
            actor=Actor(user=staff["manager_a"]),
            hall=hall_a,
            periods=[(MORNING.weekday(), datetime.time(8, 30), datetime.time(17, 0))],
        )
        clock.at(8, 0)
        payload = assert_error(
            kiosk.call("POST", f"halls/{hall_a.code}/tickets", {"service": "SB-001"}), 409, "not_open"
        )
        assert "08:30" in payload["message"]
        clock.at(18, 0)
        assert_error(kiosk.call("POST", f"halls/{hall_a.code}/tickets", {"service": "SB-001"}), 409, "closed")
        assert not Ticket.objects.exists()

    def test_a_sold_out_service_answers_409(self, kiosk, staff, hall_a):
        services.settings_update(actor=Actor(user=staff["manager_a"]), hall=hall_a, daily_caps={"SB-001": 1})
        take(kiosk, hall_a)
        assert_error(
            kiosk.call("POST", f"halls/{hall_a.code}/tickets", {"service": "SB-001"}), 409, "sold_out"
        )

    def test_an_unknown_hall_is_404(self, kiosk):
        assert_error(
            kiosk.call("POST", "halls/nowhere/tickets", {"service": "SB-001"}), 404, "hall_not_found"
        )


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"service": "NOPE-1"}, "service"),
            ({}, "service"),
            ({"service": "SB-001", "phone": "12345"}, "phone"),
            ({"service": "SB-001", "phone": "1" * 30}, "phone"),
            ({"service": "SB-001", "channel": "fax"}, "channel"),
            ({"service": "SB-001", "priority": "vip"}, "priority"),
        ],
    )
    def test_bad_input_answers_422_with_the_field_and_issues_nothing(self, kiosk, hall_a, body, field):
        payload = assert_error(kiosk.call("POST", f"halls/{hall_a.code}/tickets", body), 422, "invalid")
        assert field in payload["fields"] and payload["fields"][field][0]
        assert not Ticket.objects.exists()
        assert not Event.objects.exists()

    def test_a_bad_outcome_answers_422_and_changes_nothing(self, kiosk, clerk, hall_a):
        ticket = take(kiosk, hall_a)
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next")
        clerk.call("POST", f"tickets/{ticket['id']}/start")
        payload = assert_error(
            clerk.call("POST", f"tickets/{ticket['id']}/complete", {"outcome": "lost"}), 422, "invalid"
        )
        assert "outcome" in payload["fields"]
        assert Ticket.objects.get(public_id=ticket["id"]).status == "serving"

    def test_a_transfer_to_an_unknown_service_answers_422(self, kiosk, clerk, hall_a):
        ticket = take(kiosk, hall_a)
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next")
        payload = assert_error(
            clerk.call("POST", f"tickets/{ticket['id']}/transfer", {"service": "NOPE"}), 422, "invalid"
        )
        assert "service" in payload["fields"]

    def test_validation_messages_follow_the_callers_language(self, api_as, hall_a, kiosk_token):
        zh = ApiClient(kiosk_token, language="zh-hans").call("POST", f"halls/{hall_a.code}/tickets", {})
        en = ApiClient(kiosk_token, language="en").call("POST", f"halls/{hall_a.code}/tickets", {})
        assert zh[1]["message"] == "部分字段填写有误。"
        assert en[1]["message"] == "Some fields are not valid."


class TestTracking:
    def test_anyone_follows_a_ticket_by_its_id(self, kiosk, api_as, hall_a):
        issued = take(kiosk, hall_a, phone="13812345678")
        status, payload = api_as(None).call("GET", f"tickets/{issued['id']}")
        assert status == 200
        assert set(payload) >= CONTRACT_FIELDS
        assert {k: payload[k] for k in CONTRACT_FIELDS} == {k: issued[k] for k in CONTRACT_FIELDS}
        assert payload["phone"] == "138****5678"

    def test_the_tracking_read_agrees_with_the_issue_answer_for_every_class(
        self, kiosk, api_as, hall_a, clock
    ):
        citizen = api_as(None)
        for priority in ("normal", "normal", "elderly", "normal", "disabled"):
            answer = take(kiosk, hall_a, priority=priority)
            tracked = citizen.call("GET", f"tickets/{answer['id']}")[1]
            assert (tracked["position"], tracked["people_ahead"]) == (
                answer["position"],
                answer["people_ahead"],
            ), answer["number"]
            clock.advance(minutes=1)

    def test_a_priority_ticket_is_not_counted_behind_normal_tickets(self, kiosk, api_as, hall_a, clock):
        take(kiosk, hall_a)
        take(kiosk, hall_a)
        clock.advance(minutes=1)
        elderly = take(kiosk, hall_a, priority="elderly")
        assert (elderly["position"], elderly["people_ahead"]) == (1, 0)
        tracked = api_as(None).call("GET", f"tickets/{elderly['id']}")[1]
        assert (tracked["position"], tracked["people_ahead"]) == (1, 0)

    def test_a_called_ticket_shows_its_window(self, kiosk, clerk, api_as, hall_a):
        issued = take(kiosk, hall_a)
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next")
        tracked = api_as(None).call("GET", f"tickets/{issued['id']}")[1]
        assert (tracked["status"], tracked["counter"], tracked["position"]) == ("called", "1", 0)
        assert tracked["called_at"]

    def test_the_transfer_note_is_for_staff_only(self, kiosk, clerk, api_as, hall_a):
        issued = take(kiosk, hall_a)
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next")
        status, moved = clerk.call(
            "POST",
            f"tickets/{issued['id']}/transfer",
            {"service": "GJ-001", "note": "缺户口簿复印件", "allow_no_window": True},
        )
        assert status == 200 and moved["note"] == "缺户口簿复印件"
        assert api_as(None).call("GET", f"tickets/{issued['id']}")[1]["note"] is None
        assert clerk.call("GET", f"tickets/{issued['id']}")[1]["note"] == "缺户口簿复印件"

    def test_an_unknown_ticket_is_404(self, api_as):
        assert_error(api_as(None).call("GET", "tickets/not-a-ticket"), 404, "not_found")


class TestCounters:
    def test_a_clerk_opens_calls_and_closes_a_counter(self, kiosk, clerk, hall_a, staff):
        cid = counter_id(hall_a)
        status, state = clerk.call("POST", f"counters/{cid}/open")
        assert status == 200
        assert (state["number"], state["state"], state["current"]) == ("1", "open", None)
        assert state["clerk"] == str(staff["clerk_a"])
        status, body = clerk.call("POST", f"counters/{cid}/call-next")
        assert status == 204 and not body
        issued = take(kiosk, hall_a)
        status, called = clerk.call("POST", f"counters/{cid}/call-next")
        assert status == 200
        assert (called["id"], called["status"], called["counter"]) == (issued["id"], "called", "1")
        assert set(called) >= CONTRACT_FIELDS
        assert clerk.call("GET", f"counters/{cid}/state")[1]["current"]["number"] == "A001"
        assert_error(clerk.call("POST", f"counters/{cid}/close"), 409, "counter_busy")
        clerk.call("POST", f"tickets/{issued['id']}/start")
        clerk.call("POST", f"tickets/{issued['id']}/complete", {"outcome": "done"})
        status, state = clerk.call("POST", f"counters/{cid}/close")
        assert (status, state["state"], state["clerk"]) == (200, "closed", None)

    def test_a_counter_in_use_answers_409(self, clerk, clerk2, hall_a):
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        assert_error(clerk2.call("POST", f"counters/{counter_id(hall_a)}/open"), 409, "counter_in_use")

    def test_a_paused_counter_does_not_call(self, kiosk, clerk, hall_a):
        cid = counter_id(hall_a)
        take(kiosk, hall_a)
        clerk.call("POST", f"counters/{cid}/open")
        status, state = clerk.call("POST", f"counters/{cid}/pause", {"reason": "午休"})
        assert (status, state["state"], state["pause_reason"]) == (200, "paused", "午休")
        assert_error(clerk.call("POST", f"counters/{cid}/call-next"), 409, "counter_paused")
        assert_error(clerk.call("POST", f"counters/{cid}/pause", {"reason": ""}), 422, "invalid")
        assert clerk.call("POST", f"counters/{cid}/unpause")[1]["state"] == "open"
        assert clerk.call("POST", f"counters/{cid}/call-next")[0] == 200

    def test_an_unknown_counter_is_404(self, clerk):
        assert_error(clerk.call("POST", "counters/999999/open"), 404, "counter_not_found")


class TestTicketActions:
    def test_a_ticket_goes_through_every_action_over_the_api(self, kiosk, clerk, clerk2, hall_a, clock):
        c1, c2 = counter_id(hall_a, "1"), counter_id(hall_a, "2")
        tid = take(kiosk, hall_a)["id"]
        clerk.call("POST", f"counters/{c1}/open")
        clerk2.call("POST", f"counters/{c2}/open")
        assert clerk.call("POST", f"tickets/{tid}/call", {"counter": c1})[1]["status"] == "called"
        assert clerk.call("POST", f"tickets/{tid}/recall")[1]["status"] == "called"
        assert clerk.call("POST", f"tickets/{tid}/start")[1]["status"] == "serving"
        assert clerk.call("POST", f"tickets/{tid}/park", {"note": "填表"})[1]["status"] == "parked"
        assert clerk.call("POST", f"tickets/{tid}/resume")[1]["status"] == "serving"
        moved = clerk.call("POST", f"tickets/{tid}/transfer", {"service": "GJ-001", "note": "转公积金"})[1]
        assert (moved["status"], moved["service"], moved["counter"]) == ("waiting", "GJ-001", None)
        assert clerk2.call("POST", f"counters/{c2}/call-next")[1]["id"] == tid
        clock.advance(minutes=4)
        assert clerk2.call("POST", f"tickets/{tid}/no-show")[1]["status"] == "no_show"
        assert clerk2.call("POST", f"tickets/{tid}/reactivate")[1]["status"] == "waiting"
        assert clerk2.call("POST", f"counters/{c2}/call-next")[1]["id"] == tid
        clerk2.call("POST", f"tickets/{tid}/start")
        status, done = clerk2.call("POST", f"tickets/{tid}/complete", {"outcome": "materials_missing"})
        assert (status, done["status"]) == (200, "completed")
        assert Ticket.objects.get(public_id=tid).outcome == "materials_missing"

    def test_complete_without_a_body_means_done(self, kiosk, clerk, hall_a):
        tid = take(kiosk, hall_a)["id"]
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next")
        clerk.call("POST", f"tickets/{tid}/start")
        # A request without any body, as curl -X POST or fetch() without a body sends it.
        response = clerk.client.generic(
            "POST", f"/api/v1/tickets/{tid}/complete", b"", headers={"Authorization": f"Bearer {clerk.token}"}
        )
        assert response.status_code == 200, response.content
        assert Ticket.objects.get(public_id=tid).outcome == "done"

    def test_a_citizen_cancels_their_waiting_ticket_with_the_tracking_id(self, kiosk, api_as, hall_a):
        tid = take(kiosk, hall_a)["id"]
        status, payload = api_as(None).call("POST", f"tickets/{tid}/cancel", {"reason": "不办了"})
        assert (status, payload["status"], payload["position"]) == (200, "cancelled", 0)

    def test_a_citizen_cannot_cancel_once_called(self, kiosk, clerk, api_as, hall_a):
        tid = take(kiosk, hall_a)["id"]
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next")
        assert_error(api_as(None).call("POST", f"tickets/{tid}/cancel", {}), 403, "forbidden")
        assert Ticket.objects.get(public_id=tid).status == "called"


class TestConflicts:
    def test_an_illegal_transition_answers_409_with_a_readable_message_and_changes_nothing(
        self, kiosk, clerk, hall_a
    ):
        tid = take(kiosk, hall_a)["id"]
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        before = (Ticket.objects.filter(public_id=tid).values().get(), Event.objects.count())
        payload = assert_error(clerk.call("POST", f"tickets/{tid}/start"), 409, "illegal_transition")
        assert "A001" in payload["message"] and payload["fields"] == {}
        assert (Ticket.objects.filter(public_id=tid).values().get(), Event.objects.count()) == before

    @pytest.mark.parametrize(
        "action", ["complete", "recall", "no-show", "park", "resume", "start", "reactivate"]
    )
    def test_a_finished_ticket_accepts_no_further_action(self, kiosk, clerk, hall_a, action):
        tid = take(kiosk, hall_a)["id"]
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next")
        clerk.call("POST", f"tickets/{tid}/start")
        assert clerk.call("POST", f"tickets/{tid}/complete", {})[0] == 200
        assert_error(clerk.call("POST", f"tickets/{tid}/{action}", {}), 409, "illegal_transition")

    def test_a_busy_counter_cannot_call_again(self, kiosk, clerk, hall_a):
        take(kiosk, hall_a)
        take(kiosk, hall_a)
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next")
        assert_error(clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next"), 409, "counter_busy")

    @pytest.mark.parametrize("language", ["zh-hans", "en"])
    def test_conflicts_answer_in_the_callers_language(self, kiosk, api_as, hall_a, language):
        clerk = api_as("clerk_a", language=language)
        tid = take(kiosk, hall_a)["id"]
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        payload = assert_error(clerk.call("POST", f"tickets/{tid}/recall"), 409, "illegal_transition")
        assert "A001" in payload["message"]


class TestOtherHalls:
    def test_a_clerk_of_hall_b_can_do_nothing_at_hall_a(self, kiosk, clerk, api_as, hall_a):
        tid = take(kiosk, hall_a)["id"]
        outsider = api_as("clerk_b")
        cid = counter_id(hall_a)
        assert_error(outsider.call("POST", f"counters/{cid}/open"), 403, "forbidden")
        assert_error(
            outsider.call(
                "POST", f"halls/{hall_a.code}/tickets", {"service": "SB-001", "channel": "counter"}
            ),
            403,
            "forbidden",
        )
        clerk.call("POST", f"counters/{cid}/open")
        assert_error(outsider.call("POST", f"counters/{cid}/call-next"), 403, "forbidden")
        assert_error(outsider.call("POST", f"counters/{cid}/close"), 403, "forbidden")
        clerk.call("POST", f"counters/{cid}/call-next")
        for action in ("recall", "start", "no-show", "park", "transfer", "cancel"):
            status, _payload = outsider.call("POST", f"tickets/{tid}/{action}", {"service": "GJ-001"})
            assert status == 403, action
        assert outsider.call("GET", f"counters/{cid}/state")[0] == 403
        ticket = Ticket.objects.get(public_id=tid)
        assert (ticket.status, ticket.recall_count) == ("called", 0)
        assert CounterSession.objects.get(closed_at__isnull=True).clerk.username == "clerk_a"

    def test_a_manager_of_hall_b_cannot_change_hall_a(self, kiosk, clerk, api_as, hall_a):
        tid = take(kiosk, hall_a)["id"]
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/call-next")
        manager_b = api_as("manager_b")
        assert manager_b.call("POST", f"tickets/{tid}/start")[0] == 403
        assert manager_b.call("POST", f"counters/{counter_id(hall_a)}/close")[0] == 403
        assert Ticket.objects.get(public_id=tid).status == "called"


class TestQueueSummary:
    def test_the_queue_shows_waiting_counts_estimates_and_counter_states(self, kiosk, clerk, api_as, hall_a):
        take(kiosk, hall_a)
        take(kiosk, hall_a)
        take(kiosk, hall_a, "GJ-001")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/open")
        clerk.call("POST", f"counters/{counter_id(hall_a)}/pause", {"reason": "系统维护"})
        status, summary = api_as(None).call("GET", f"halls/{hall_a.code}/queue")
        assert status == 200
        assert summary["hall"] == hall_a.code
        by_code = {s["code"]: s for s in summary["services"]}
        assert (by_code["SB-001"]["waiting"], by_code["GJ-001"]["waiting"], by_code["HJ-001"]["waiting"]) == (
            2,
            1,
            0,
        )
        assert by_code["SB-001"]["estimated_wait_seconds"] > by_code["GJ-001"]["estimated_wait_seconds"] > 0
        states = {c["number"]: (c["state"], c["pause_reason"]) for c in summary["counters"]}
        assert states == {"1": ("paused", "系统维护"), "2": ("closed", ""), "3": ("closed", "")}

    def test_the_queue_of_an_unknown_hall_is_404(self, api_as):
        assert api_as(None).call("GET", "halls/nowhere/queue")[0] == 404


class TestSettingsAndCounterServices:
    def test_a_manager_changes_the_interleave_and_the_next_calls_follow_it(self, api_as, hall_a):
        manager = api_as("manager_a")
        status, conf = manager.call(
            "PATCH",
            f"halls/{hall_a.code}/queue/settings",
            {"priority_per_normal": 1, "allow_remote_tickets": True},
        )
        assert status == 200 and conf["priority_per_normal"] == 1 and conf["allow_remote_tickets"] is True
        assert manager.call("GET", f"halls/{hall_a.code}/queue/settings")[1]["priority_per_normal"] == 1
        from servicehall.core.models import AuditEntry

        assert AuditEntry.objects.filter(action="queue.settings").count() == 1

    def test_bad_settings_are_refused_field_by_field_and_change_nothing(self, api_as, hall_a):
        manager = api_as("manager_a")
        payload = assert_error(
            manager.call(
                "PATCH",
                f"halls/{hall_a.code}/queue/settings",
                {"priority_per_normal": 0, "daily_caps": {"SB-001": 5}},
            ),
            422,
            "invalid",
        )
        assert "priority_per_normal" in payload["fields"]
        assert manager.call("GET", f"halls/{hall_a.code}/queue/settings")[1]["daily_caps"] == {}
        payload = assert_error(
            manager.call(
                "PATCH",
                f"halls/{hall_a.code}/queue/settings",
                {"priority_classes": [{"code": "elderly", "name": "老人", "priority": True}]},
            ),
            422,
            "invalid",
        )
        assert "priority_classes" in payload["fields"]

    def test_a_clerk_may_not_change_settings(self, clerk, hall_a):
        assert_error(
            clerk.call("PATCH", f"halls/{hall_a.code}/queue/settings", {"recall_limit": 9}), 403, "forbidden"
        )

    def test_counter_tiers_decide_which_service_is_called_first(self, api_as, clerk, kiosk, hall_a, clock):
        manager = api_as("manager_a")
        cid = counter_id(hall_a, "2")  # window 2 serves SB-001 (A) and GJ-001 (B) from the catalogue
        status, rows = manager.call("GET", f"counters/{cid}/services")
        assert status == 200 and {r["source"] for r in rows} == {"catalogue"}
        status, rows = manager.call(
            "PUT",
            f"counters/{cid}/services",
            [{"service": "GJ-001", "order": 1}, {"service": "SB-001", "order": 2}],
        )
        assert status == 200 and [(r["service"], r["order"]) for r in rows] == [("GJ-001", 1), ("SB-001", 2)]
        older = take(kiosk, hall_a, "SB-001")
        clock.advance(minutes=1)
        newer = take(kiosk, hall_a, "GJ-001")
        clerk.call("POST", f"counters/{cid}/open")
        status, called = clerk.call("POST", f"counters/{cid}/call-next")
        assert called["number"] == newer["number"] != older["number"]

    def test_counter_services_name_only_this_halls_services(self, api_as, hall_a):
        payload = assert_error(
            api_as("manager_a").call("PUT", f"counters/{counter_id(hall_a)}/services", [{"service": "NOPE"}]),
            422,
            "invalid",
        )
        assert "0.service" in payload["fields"]
        assert_error(
            api_as("manager_b").call(
                "PUT", f"counters/{counter_id(hall_a)}/services", [{"service": "SB-001"}]
            ),
            403,
            "forbidden",
        )
