"""The one reader of the environment (``servicehall.env``): defaults as they always were, and a malformed
value stops start-up with a message that names the variable, says what is wrong and what to set."""

import os
import subprocess
import sys

import pytest

from servicehall.env import ConfigurationError, read_environment

TUNING = [
    "SERVICEHALL_TEST_SQLITE_NAME",
    "SERVICEHALL_DB_POOL",
    "SERVICEHALL_CONN_MAX_AGE",
    "SERVICEHALL_CONN_HEALTH_CHECKS",
    "SERVICEHALL_PUBLIC_RATE_PER_MINUTE",
    "SERVICEHALL_ESTIMATE_SNAPSHOT_SECONDS",
    "SERVICEHALL_NOTIFY_BACKEND",
    "SERVICEHALL_MEMO_SECONDS",
    "SERVICEHALL_TRUSTED_PROXY_COUNT",
    "SERVICEHALL_PDF_FONT",
    "SERVICEHALL_S3_BUCKET",
    "SERVICEHALL_S3_ACCESS_KEY",
    "SERVICEHALL_S3_SECRET_KEY",
    "SERVICEHALL_S3_ENDPOINT",
]


@pytest.fixture
def bare(monkeypatch):
    for name in TUNING:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_unset_variables_keep_the_defaults_the_project_always_had(bare):
    env = read_environment()
    assert env.test_sqlite_name == ""
    assert env.db_pool is False
    assert env.conn_max_age == 0
    assert env.conn_health_checks is True
    assert env.public_rate_per_minute == 120
    assert env.estimate_snapshot_seconds == 1.0
    assert env.notify_backend == "file"
    assert env.memo_seconds == 5.0
    assert env.trusted_proxy_count == 0
    assert env.pdf_font == ""


def test_well_formed_values_are_read(bare):
    bare.setenv("SERVICEHALL_DB_POOL", "True")
    bare.setenv("SERVICEHALL_CONN_MAX_AGE", " 600 ")
    bare.setenv("SERVICEHALL_CONN_HEALTH_CHECKS", "no")
    bare.setenv("SERVICEHALL_PUBLIC_RATE_PER_MINUTE", "30")
    bare.setenv("SERVICEHALL_ESTIMATE_SNAPSHOT_SECONDS", "0.5")
    bare.setenv("SERVICEHALL_NOTIFY_BACKEND", "acme.sms.Gateway")
    bare.setenv("SERVICEHALL_MEMO_SECONDS", "0")
    bare.setenv("SERVICEHALL_TRUSTED_PROXY_COUNT", "1")
    env = read_environment()
    assert (env.db_pool, env.conn_max_age, env.conn_health_checks) == (True, 600, False)
    assert (env.public_rate_per_minute, env.estimate_snapshot_seconds, env.memo_seconds) == (30, 0.5, 0.0)
    assert (env.notify_backend, env.trusted_proxy_count) == ("acme.sms.Gateway", 1)


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("SERVICEHALL_CONN_MAX_AGE", "10m", "must be a whole number of seconds, not '10m'"),
        ("SERVICEHALL_CONN_MAX_AGE", "-1", "must be at least 0, not '-1'"),
        ("SERVICEHALL_PUBLIC_RATE_PER_MINUTE", "lots", "must be a whole number of requests, not 'lots'"),
        ("SERVICEHALL_PUBLIC_RATE_PER_MINUTE", "0", "must be at least 1, not '0'"),
        ("SERVICEHALL_ESTIMATE_SNAPSHOT_SECONDS", "1s", "must be a number of seconds, not '1s'"),
        ("SERVICEHALL_ESTIMATE_SNAPSHOT_SECONDS", "nan", "must be a number of seconds, not 'nan'"),
        ("SERVICEHALL_MEMO_SECONDS", "five", "must be a number of seconds, not 'five'"),
        ("SERVICEHALL_MEMO_SECONDS", "-5", "must be at least 0, not '-5'"),
        ("SERVICEHALL_TRUSTED_PROXY_COUNT", "1.5", "must be a whole number of proxies, not '1.5'"),
        ("SERVICEHALL_DB_POOL", "maybe", "must be a yes/no switch, not 'maybe'"),
        ("SERVICEHALL_CONN_HEALTH_CHECKS", "sometimes", "must be a yes/no switch, not 'sometimes'"),
        ("SERVICEHALL_NOTIFY_BACKEND", "sms gateway", "must be console, file or the dotted path"),
    ],
)
def test_a_malformed_value_names_the_variable_the_problem_and_what_to_set(bare, name, value, problem):
    bare.setenv(name, value)
    with pytest.raises(ConfigurationError) as caught:
        read_environment()
    message = str(caught.value)
    assert message.startswith(name)
    assert problem in message
    assert "Set it to" in message


def _clean_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEHALL_")}
    env.update(overrides)
    return env


def test_the_command_stops_with_the_message_and_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "servicehall.cli", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_clean_env(SERVICEHALL_VAR_DIR=str(tmp_path), SERVICEHALL_TRUSTED_PROXY_COUNT="one"),
        check=False,
    )
    assert result.returncode == 2
    assert "configuration error: SERVICEHALL_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_serve_defaults_are_read_through_the_same_reader(bare):
    from servicehall.core.management.commands.serve import Command

    bare.setenv("SERVICEHALL_PORT", "80a")
    with pytest.raises(ConfigurationError, match=r"^SERVICEHALL_PORT must be a port number, not '80a'"):
        Command().create_parser("servicehall", "serve")


def test_no_module_but_env_reads_the_environment():
    """``os.environ``/``os.getenv`` only in env.py. Allowed elsewhere: ``os.environ.setdefault`` of
    DJANGO_SETTINGS_MODULE, serve passing its environment on to its children, and the data key in
    core/crypto.py (its validation and rotation are a separate piece of work)."""
    import ast
    from pathlib import Path

    import servicehall

    root = Path(servicehall.__file__).parent
    allowed = {"env.py", "core/crypto.py", "core/management/commands/serve.py"}
    readers = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        setting = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "setdefault"
        }
        readers += [
            f"{rel}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr in {"environ", "getenv"}
            and id(node) not in setting
        ]
    assert readers == [], f"read the environment through servicehall.env instead: {readers}"


def test_an_s3_bucket_is_read_with_its_keys_and_refused_without_them(bare):
    assert read_environment().s3 is None  # files under var/media
    bare.setenv("SERVICEHALL_S3_BUCKET", "hall-files")
    with pytest.raises(ConfigurationError, match="SERVICEHALL_S3_ACCESS_KEY"):
        read_environment()
    bare.setenv("SERVICEHALL_S3_ACCESS_KEY", "key")
    bare.setenv("SERVICEHALL_S3_SECRET_KEY", "secret")
    bare.setenv("SERVICEHALL_S3_ENDPOINT", "http://minio.hall.internal:9000")
    s3 = read_environment().s3
    assert (s3["bucket_name"], s3["endpoint_url"], s3["location"]) == (
        "hall-files",
        "http://minio.hall.internal:9000",
        "servicehall",
    )
