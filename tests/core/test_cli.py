"""The ``servicehall`` command: configuration errors stop start-up clearly; tokens work against the API."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from servicehall.env import ConfigurationError, read_environment


def _env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEHALL_")}
    env.update(overrides)
    return env


def test_production_without_a_secret_key_stops_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "servicehall.cli", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(SERVICEHALL_ENV="production", SERVICEHALL_VAR_DIR=str(tmp_path)),
        check=False,
    )
    assert result.returncode == 2
    assert "SERVICEHALL_SECRET_KEY is required" in result.stderr


def test_a_database_url_of_an_unknown_kind_is_refused(monkeypatch):
    monkeypatch.setenv("SERVICEHALL_DATABASE_URL", "mysql://x")
    with pytest.raises(ConfigurationError, match="SERVICEHALL_DATABASE_URL"):
        read_environment()


def test_an_unknown_time_zone_is_refused(monkeypatch):
    monkeypatch.setenv("SERVICEHALL_TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ConfigurationError, match="time zone"):
        read_environment()


@pytest.mark.django_db
def test_token_create_prints_a_token_that_the_api_accepts(staff, hall_a, capsys):
    from tests.conftest import ApiClient

    call_command("token", "create", "manager_a")
    token = capsys.readouterr().out.strip()
    assert token.startswith("sht_")
    status, _ = ApiClient(token).call("GET", f"halls/{hall_a.code}/audit")
    assert status == 200


@pytest.mark.django_db
def test_the_demo_loads_once_and_reuses_its_data():
    from servicehall.catalog.models import ServiceItem
    from servicehall.core.models import Counter, Hall
    from servicehall.demo import load_demo

    first = load_demo()
    again = load_demo()
    assert first.created and not again.created
    assert Hall.objects.count() == 1
    assert Counter.objects.count() == 12
    assert ServiceItem.objects.count() >= 20
    assert ServiceItem.objects.values("department").distinct().count() >= 5


def test_links_in_texts_name_the_public_site_in_production(monkeypatch):
    monkeypatch.setenv("SERVICEHALL_ENV", "production")
    monkeypatch.setenv("SERVICEHALL_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("SERVICEHALL_ALLOWED_HOSTS", "zwfw.example.gov.cn,localhost")
    monkeypatch.setenv("SERVICEHALL_NOTIFY_BACKEND", "console")
    monkeypatch.delenv("SERVICEHALL_PUBLIC_URL", raising=False)
    monkeypatch.delenv("SERVICEHALL_CSRF_TRUSTED_ORIGINS", raising=False)
    assert read_environment().public_url == "https://zwfw.example.gov.cn"
    monkeypatch.setenv("SERVICEHALL_CSRF_TRUSTED_ORIGINS", "https://hall.example.gov.cn")
    assert read_environment().public_url == "https://hall.example.gov.cn"
    monkeypatch.delenv("SERVICEHALL_CSRF_TRUSTED_ORIGINS")
    monkeypatch.setenv("SERVICEHALL_ALLOWED_HOSTS", "*")
    with pytest.raises(ConfigurationError, match="SERVICEHALL_PUBLIC_URL"):
        read_environment()  # a text with a localhost link would reach nobody
    monkeypatch.setenv("SERVICEHALL_PUBLIC_URL", "zwfw.example.gov.cn")
    with pytest.raises(ConfigurationError, match="http"):
        read_environment()
