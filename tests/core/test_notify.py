"""Texts to citizens go through an outbox (``core.notify``): the demo file keeps no full phone and only its
owner reads it; a failing gateway is retried with back-off by the worker, given up (audited) after the last
attempt, and never asked twice for one text; a waitlist offer survives a gateway that is down. The clock
is frozen with time-machine and moved explicitly."""

import datetime
import json
import logging
import os
import stat

import pytest

from servicehall.appointments import services as appointments
from servicehall.core import notify
from servicehall.core.choices import NotificationStatus
from servicehall.core.jobs import JOBS
from servicehall.core.models import AuditEntry, Notification
from tests.appointments.conftest import (  # noqa: F401 (fixtures)
    SHANGHAI,
    actors,
    book,
    clerk_a2,
    clock,
    items_a,
    kiosk_a,
    plan,
)
from tests.conftest import sent_texts

PHONE = "13812341234"
START = datetime.datetime(2030, 3, 6, 9, 0, tzinfo=SHANGHAI)

pytestmark = pytest.mark.django_db


class Gateway:
    """An SMS gateway that fails its next ``fail`` sends (quoting the number, as real ones do)."""

    fail = 0
    calls: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        Gateway.calls.append((phone, text))
        if Gateway.fail:
            Gateway.fail -= 1
            raise ConnectionError(f"gateway refused {phone}: try later")


@pytest.fixture
def gateway(settings):
    settings.SERVICEHALL_NOTIFY_BACKEND = "tests.core.test_notify.Gateway"
    Gateway.calls, Gateway.fail = [], 0
    return Gateway


@pytest.fixture
def now(time_machine):
    """Frozen time; ``now(minutes=...)`` moves it to that long after the start."""

    def move(**delta) -> datetime.datetime:
        time_machine.move_to(START + datetime.timedelta(**delta), tick=False)
        return START + datetime.timedelta(**delta)

    move()
    return move


def worker_run() -> str:
    """One run of the worker's retry job, as ``servicehall worker`` calls it."""
    _every, fn = JOBS["core.notifications_retry"]
    return fn()


def test_the_file_backend_keeps_no_full_phone_is_owner_only_and_keeps_seven_days(settings, tmp_path, now):
    settings.VAR_DIR, settings.SERVICEHALL_NOTIFY_BACKEND = tmp_path, "file"
    path = tmp_path / "notifications.jsonl"
    path.write_text(json.dumps({"at": START.isoformat(), "phone": PHONE, "text": "old"}) + "\n")
    path.chmod(0o644)  # a file left by an earlier version
    now(days=8)
    notify.send_text(PHONE, "A003 请到 1 号窗口")
    content = path.read_text(encoding="utf-8")
    assert PHONE not in content and "138****1234" in content and "A003" in content
    assert "old" not in content  # older than 7 days: dropped on the first write that sees it
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sent_texts() == [{"phone": PHONE, "text": "A003 请到 1 号窗口", "status": "sent"}]
    now(days=16)
    assert notify.prune()["file_lines"] == 1 and path.read_text(encoding="utf-8") == ""


def test_a_gateway_that_fails_twice_delivers_on_the_third_worker_run(gateway, now):
    gateway.fail = 2
    notify.send_text(PHONE, "A003 请到 1 号窗口")  # first attempt, at once: fails
    note = Notification.objects.get()
    assert (note.status, note.attempts) == (NotificationStatus.PENDING, 1)
    assert PHONE not in note.last_error and "138****1234" in note.last_error
    now(seconds=30)
    assert worker_run() == "sent 0, retry 0, failed 0"  # not due yet (1 minute back-off)
    now(minutes=1)
    assert worker_run() == "sent 0, retry 1, failed 0"  # second attempt fails: next in 5 minutes
    now(minutes=5)
    assert worker_run() == "sent 0, retry 0, failed 0"
    now(minutes=6)
    assert worker_run() == "sent 1, retry 0, failed 0"  # third worker run, third attempt
    note.refresh_from_db()
    assert (note.status, note.attempts, note.sent_at) == (
        NotificationStatus.SENT,
        3,
        START + datetime.timedelta(minutes=6),
    )
    assert gateway.calls == [(PHONE, "A003 请到 1 号窗口")] * 3
    assert sent_texts() == [{"phone": PHONE, "text": "A003 请到 1 号窗口", "status": "sent"}]
    now(minutes=200)
    assert worker_run() == "sent 0, retry 0, failed 0" and len(gateway.calls) == 3


def test_after_the_last_attempt_the_text_is_failed_audited_and_logged_masked(gateway, now, caplog):
    gateway.fail = 99
    notify.send_text(PHONE, "您预约的号源已释放")
    minutes = 0
    for wait in (1, 5, 15, 60):  # attempts 2 to 5
        minutes += wait
        now(minutes=minutes)
        with caplog.at_level(logging.WARNING, logger="servicehall.notify"):
            outcome = worker_run()
    assert outcome == "sent 0, retry 0, failed 1"
    note = Notification.objects.get()
    assert (note.status, note.attempts, note.next_attempt_at) == (NotificationStatus.FAILED, 5, None)
    assert note.failed_at == START + datetime.timedelta(minutes=81)
    entry = AuditEntry.objects.get(action="core.notification_give_up")
    assert entry.actor_label == "system:core.notifications_retry" and entry.object_id == str(note.pk)
    assert PHONE not in json.dumps(entry.after) and entry.after["attempts"] == 5
    given_up = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(given_up) == 1 and "138****1234" in given_up[0].getMessage()
    assert all(PHONE not in r.getMessage() for r in caplog.records)
    now(days=1)
    assert worker_run() == "sent 0, retry 0, failed 0" and len(gateway.calls) == 5


def test_two_workers_never_send_one_row_twice(gateway, now):
    gateway.fail = 1
    notify.send_text(PHONE, "A003 请到 1 号窗口")
    now(minutes=1)
    # Worker A has claimed the row and is calling the gateway; worker B runs meanwhile.
    claimed = notify._claim_due(notify.timezone.now())
    assert claimed is not None and worker_run() == "sent 0, retry 0, failed 0"
    assert notify._deliver(claimed, PHONE) == "sent"
    # Two workers running one after the other at the same moment: the second finds nothing to do.
    assert worker_run() == worker_run() == "sent 0, retry 0, failed 0"
    assert len(gateway.calls) == 2 and Notification.objects.get().status == NotificationStatus.SENT


def test_delivered_texts_are_deleted_after_thirty_days(gateway, now):
    notify.send_text(PHONE, "A003 请到 1 号窗口")
    gateway.fail = 99
    notify.send_text("13900000000", "still trying")
    now(days=30)
    assert notify.prune()["deleted"] == 0
    now(days=30, seconds=1)
    assert notify.prune()["deleted"] == 1
    assert [n.text for n in Notification.objects.all()] == ["still trying"]


def test_the_waitlist_offer_survives_a_failing_gateway(
    clock,  # noqa: F811
    book,  # noqa: F811
    actors,  # noqa: F811
    hall_a,
    gateway,
    django_capture_on_commit_callbacks,
):
    start = datetime.datetime(2030, 3, 7, 10, 0, tzinfo=SHANGHAI)
    first = book(start)
    book(start)
    appointments.waitlist_join(
        actor=actors["clerk_a"],
        hall=hall_a,
        service_code="SB-001",
        start=start,
        name="王五",
        phone="13700000001",
    )
    gateway.fail = 1  # the gateway is down when the freed seat is offered
    with django_capture_on_commit_callbacks(execute=True):
        # staff cancel (no text to the first booker), so the offer is the one text the gateway refuses
        appointments.appointment_cancel(actor=actors["clerk_a"], appt=first)
    offer = [t for t in sent_texts(status=None) if t["phone"] == "13700000001"]
    assert len(offer) == 1 and offer[0]["status"] == "pending" and "/book/hall-a/a/" in offer[0]["text"]
    clock.advance(minutes=1)
    assert worker_run() == "sent 1, retry 0, failed 0"
    assert any(t["phone"] == "13700000001" and "/book/hall-a/a/" in t["text"] for t in sent_texts())
