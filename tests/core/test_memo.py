"""The per-process memo (``core.memo``) must never let a caller act on a stale right: a revoked token, a
removed role, a deactivated device or changed settings take effect on the next request of this process.

These tests run with real commits (``transaction=True``): inside a test transaction the memo stores
nothing, so only committed reads exercise it."""

import pytest
from django.db import transaction

from servicehall.core import memo, services
from servicehall.core.actors import Actor
from servicehall.core.choices import DeviceKind
from servicehall.core.models import ApiToken, HallMembership
from servicehall.core.selectors import hall_get
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing import services as queue

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_revoked_token_is_refused_on_the_next_request(api_as, staff):
    client = api_as("manager_a")
    assert client.call("GET", "me")[0] == 200
    assert client.call("GET", "me")[0] == 200  # now answered from the memo
    token = ApiToken.objects.get(user=staff["manager_a"])
    services.token_revoke(actor=Actor(user=staff["manager_a"]), token=token)
    status, body = client.call("GET", "me")
    assert status == 401 and body["error"] == "invalid_token"


def test_a_removed_role_is_refused_on_the_next_request(api_as, staff, hall_a, admin_actor):
    client = api_as("manager_a")
    path = f"halls/{hall_a.code}/queue/settings"
    assert client.call("GET", path)[0] == 200
    assert client.call("GET", path)[0] == 200
    membership = HallMembership.objects.get(user=staff["manager_a"], hall=hall_a)
    services.membership_revoke(actor=admin_actor, membership=membership)
    assert client.call("GET", path)[0] == 403


def test_a_deactivated_device_is_refused_on_the_next_request(api_as, hall_a, admin_actor, staff):
    device, raw = services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="入口自助机"
    )
    kiosk = api_as(None)
    kiosk.token = raw
    issue = (f"halls/{hall_a.code}/tickets", {"service": "nope"})
    assert kiosk.call("POST", *issue)[0] == 422  # known device, unknown service
    assert services.authenticate_device(raw) is not None
    assert services.authenticate_device(raw) is not None
    device.active = False
    device.save()
    assert services.authenticate_device(raw) is None
    assert kiosk.call("POST", *issue)[0] == 401


def test_changed_settings_are_read_at_once_and_a_failed_change_leaves_no_trace(hall_a, admin_actor):
    assert queue_selectors.settings_get(hall=hall_a).recall_limit == 2
    queue.settings_update(actor=admin_actor, hall=hall_a, recall_limit=5)
    assert queue_selectors.settings_get(hall=hall_a).recall_limit == 5
    # A caller changing the instance it was given does not change what the next caller reads.
    mine = queue_selectors.settings_get(hall=hall_a)
    mine.recall_limit = 99
    assert queue_selectors.settings_get(hall=hall_a).recall_limit == 5


def test_nothing_read_inside_a_transaction_is_remembered(hall_a, admin_actor):
    memo.forget_all()
    with transaction.atomic():
        hall_get(code=hall_a.code)
        transaction.set_rollback(True)
    assert not memo._store
    hall_get(code=hall_a.code)
    assert ("hall", (hall_a.code, True)) in memo._store


def test_a_renamed_hall_is_read_at_once(hall_a, admin_actor):
    assert hall_get(code=hall_a.code).name == "甲区政务服务中心"
    services.hall_update(actor=admin_actor, hall=hall_a, name="甲区市民中心")
    assert hall_get(code=hall_a.code).name == "甲区市民中心"


@pytest.mark.parametrize("app", ["queue", "appointments", "quality"])
def test_a_settings_change_never_writes_back_another_process_s_old_values(hall_a, admin_actor, app):
    from servicehall.appointments import selectors as appt_selectors
    from servicehall.appointments import services as appt_services
    from servicehall.appointments.models import AppointmentSettings
    from servicehall.quality import selectors as quality_selectors
    from servicehall.quality import services as quality_services
    from servicehall.quality.models import QualitySettings
    from servicehall.queueing.models import QueueSettings

    model, read, update, first, second = {
        "queue": (
            QueueSettings,
            queue_selectors.settings_get,
            queue.settings_update,
            ("recall_limit", 4),
            ("allow_remote_tickets", True),
        ),
        "appointments": (
            AppointmentSettings,
            appt_selectors.settings_get,
            appt_services.settings_update,
            ("max_per_service_day", 3),
            ("check_in_before_minutes", 45),
        ),
        "quality": (
            QualitySettings,
            quality_selectors.settings_get,
            quality_services.settings_update,
            ("rating_window_days", 5),
            ("revisit_working_days", 2),
        ),
    }[app]
    update(actor=admin_actor, hall=hall_a, **dict([first]))
    read(hall=hall_a)  # this process now remembers the row
    # Another worker process changes a second setting (no signal reaches this process) ...
    model.objects.filter(hall=hall_a).update(**dict([second]))
    # ... then a manager here changes the first one again: the other process's change must survive.
    update(actor=admin_actor, hall=hall_a, **{first[0]: first[1] + 1})
    row = model.objects.get(hall=hall_a)
    assert getattr(row, second[0]) == second[1] and getattr(row, first[0]) == first[1] + 1


def test_the_memo_stays_bounded_whatever_keys_requests_bring(settings):
    settings.SERVICEHALL_MEMO_SECONDS = 60
    memo.forget_all()
    for n in range(memo.MAX_ENTRIES * 3):
        memo.remember("hall", (f"no-such-hall-{n}", True), lambda: None)
    assert len(memo._store) <= memo.MAX_ENTRIES
    assert ("hall", (f"no-such-hall-{memo.MAX_ENTRIES * 3 - 1}", True)) in memo._store  # the newest stay


def test_a_value_loaded_while_its_namespace_is_dropped_is_not_kept(hall_a):
    memo.forget_all()

    def load_while_someone_saves():
        memo.forget("hall")  # another thread's save lands while this load runs
        return "old row"

    assert memo.remember("hall", ("x", True), load_while_someone_saves) == "old row"
    assert ("hall", ("x", True)) not in memo._store


def test_a_save_drops_the_namespace_again_when_it_commits(hall_a, admin_actor):
    hall_get(code=hall_a.code)
    with transaction.atomic():
        services.hall_update(actor=admin_actor, hall=hall_a, name="甲区市民中心")
        # A reader outside the transaction still sees the old name and stores it ...
        memo._store[("hall", (hall_a.code, True))] = (float("inf"), hall_a)
    # ... and the commit drops it: the next read sees the new name.
    assert hall_get(code=hall_a.code).name == "甲区市民中心"
