"""Personal data at rest: a malformed data key stops start-up with what to set, a wrong key is an error
(never blank phones), and the key can be rotated: the new key encrypts, old keys still decrypt, and a
command re-encrypts everything, after which the old key can go and look-ups still find the same rows."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from servicehall.core import crypto
from servicehall.env import ConfigurationError, read_environment
from servicehall.queueing.models import Ticket
from tests.queueing.conftest import actors, clerk_a2, clock, items_a, kiosk_a, q  # noqa: F401

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def keys(settings):
    """Set the data keys as a restarted server would see them."""

    def use(*data_keys, digest=""):
        settings.SERVICEHALL_DATA_KEYS = tuple(data_keys)
        settings.SERVICEHALL_DIGEST_KEY = digest or (data_keys[-1] if data_keys else "")
        crypto._fernet.cache_clear()
        crypto._digest_key.cache_clear()

    yield use
    crypto._fernet.cache_clear()
    crypto._digest_key.cache_clear()


@pytest.mark.parametrize("value", ["not-a-key", OLD[:-2], f"{NEW},short"])
def test_a_malformed_data_key_stops_start_up_saying_what_to_set(monkeypatch, value):
    monkeypatch.setenv("SERVICEHALL_DATA_KEY", value)
    with pytest.raises(ConfigurationError, match="SERVICEHALL_DATA_KEY.*Fernet.generate_key"):
        read_environment()


def test_keys_are_read_newest_first_and_the_digest_key_stays_the_oldest(monkeypatch):
    monkeypatch.setenv("SERVICEHALL_DATA_KEY", f"{NEW}, {OLD}")
    env = read_environment()
    assert env.data_keys == (NEW, OLD) and env.digest_key == OLD


def test_production_must_name_how_texts_reach_citizens(monkeypatch):
    monkeypatch.setenv("SERVICEHALL_ENV", "production")
    monkeypatch.setenv("SERVICEHALL_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("SERVICEHALL_ALLOWED_HOSTS", "zwfw.example.gov.cn")
    monkeypatch.delenv("SERVICEHALL_NOTIFY_BACKEND", raising=False)
    with pytest.raises(ConfigurationError, match="SERVICEHALL_NOTIFY_BACKEND"):
        read_environment()
    monkeypatch.setenv("SERVICEHALL_NOTIFY_BACKEND", "mycompany.sms.GatewayBackend")
    assert read_environment().notify_backend == "mycompany.sms.GatewayBackend"


def test_a_wrong_key_is_an_error_that_says_what_to_set_not_a_blank_phone(keys):
    keys(OLD)
    token = crypto.encrypt("13800001111")
    keys(NEW)
    with pytest.raises(crypto.WrongDataKey, match="SERVICEHALL_DATA_KEY"):
        crypto.decrypt(token)


@pytest.mark.django_db
def test_rotation_re_encrypts_every_stored_value_and_the_old_key_can_then_go(keys, request):
    queue = request.getfixturevalue("q")
    keys(OLD)
    ticket = queue.issue(phone="13800001111")
    before = Ticket.objects.get(pk=ticket.pk)
    digest_before = crypto.digest("13800001111", purpose="phone")
    keys(NEW, OLD)
    assert crypto.decrypt(before.phone_encrypted) == "13800001111"  # old data still reads
    call_command("rotate_data_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    keys(NEW, digest=OLD)  # the old data key is gone; the digest key stays
    after = Ticket.objects.get(pk=ticket.pk)
    assert after.phone_encrypted != before.phone_encrypted
    assert crypto.decrypt(after.phone_encrypted) == "13800001111"
    assert crypto.digest("13800001111", purpose="phone") == digest_before
    from servicehall.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="core.data_key_rotate", object_type="queueing.ticket").exists()
