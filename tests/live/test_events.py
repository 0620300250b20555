"""The event outbox as a screen sees it through GET /api/v1/halls/{hall}/events. The Django test client
is WSGI, where the endpoint answers what is new and closes (EventSource asks again after ``retry``); the
streaming ASGI path is covered by the browser and reliability tests against a real server."""

import json
import re

import pytest
from django.db import transaction
from django.test import Client

from servicehall.live.models import Event
from servicehall.live.services import event_emit

pytestmark = pytest.mark.django_db


def frames(body: bytes) -> list[dict]:
    return [json.loads(m) for m in re.findall(r"^data: (\{.+\})$", body.decode(), flags=re.M) if m != "{}"]


def test_a_first_connect_learns_where_the_stream_stands_and_a_reconnect_gets_what_it_missed(hall_a):
    client = Client()
    event_emit(hall=hall_a, kind="test.before", payload={"n": 0})
    first = client.get(f"/api/v1/halls/{hall_a.code}/events")
    assert first.status_code == 200 and first["Content-Type"].startswith("text/event-stream")
    last_id = int(re.search(r"^id: (\d+)$", first.content.decode(), flags=re.M).group(1))
    assert last_id == Event.objects.get().pk
    event_emit(hall=hall_a, kind="test.after", payload={"n": 1})
    again = client.get(f"/api/v1/halls/{hall_a.code}/events", headers={"Last-Event-ID": str(last_id)})
    kinds = [f["kind"] for f in frames(again.content) if f["id"] > last_id]
    assert kinds == ["test.after"]


def test_a_rolled_back_change_never_reaches_a_screen(hall_a):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        event_emit(hall=hall_a, kind="test.rolled_back", payload={})
        raise Boom
    event_emit(hall=hall_a, kind="test.committed", payload={})
    response = Client().get(f"/api/v1/halls/{hall_a.code}/events?last_event_id=0")
    assert [f["kind"] for f in frames(response.content)] == ["test.committed"]


def test_events_of_another_hall_are_not_sent(hall_a, hall_b):
    event_emit(hall=hall_b, kind="test.other_hall", payload={})
    response = Client().get(f"/api/v1/halls/{hall_a.code}/events?last_event_id=0")
    assert frames(response.content) == []


def test_an_unknown_hall_is_a_json_404():
    response = Client().get("/api/v1/halls/nowhere/events")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
