"""Shared fixtures: two halls with staff in every role, built through the real services, an API client
that speaks JSON with a bearer token, and the real server in a subprocess (``server``, ``streams``) for
the storm, concurrency and reliability tests."""

import json
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from servicehall.core import services
from servicehall.core.actors import Actor
from servicehall.core.choices import CounterKind, DeviceKind, Role


def sent_texts(status: str | None = "sent") -> list[dict]:
    """The texts of the notification outbox (``core.notify``), oldest first, as ``{"phone", "text",
    "status"}`` with the phone decrypted: by default those delivered, ``status=None`` for every row."""
    from servicehall.core import crypto
    from servicehall.core.models import Notification

    rows = Notification.objects.order_by("created_at", "id")
    if status is not None:
        rows = rows.filter(status=status)
    return [{"phone": crypto.decrypt(n.phone_encrypted), "text": n.text, "status": n.status} for n in rows]


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    """Every test writes its files (texts of the file notification backend, uploads, reports) under its
    own directory, never the project's ``var/`` that the demo uses."""
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(username="root", password="x-root-pass-123")


@pytest.fixture
def admin_actor(admin_user):
    return Actor(user=admin_user, ip="10.0.0.1")


def _make_hall(actor, code, name):
    hall = services.hall_create(actor=actor, code=code, name=name, address="人民路 1 号")
    floor = services.floor_create(actor=actor, hall=hall, level=1, name="一楼")
    for number in ("1", "2", "3"):
        services.counter_create(
            actor=actor,
            hall=hall,
            number=number,
            name=f"{number}号窗口",
            floor=floor,
            kind=CounterKind.COMPREHENSIVE,
        )
    return hall


@pytest.fixture
def hall_a(admin_actor):
    return _make_hall(admin_actor, "hall-a", "甲区政务服务中心")


@pytest.fixture
def hall_b(admin_actor):
    return _make_hall(admin_actor, "hall-b", "乙区政务服务中心")


def _member(admin_actor, hall, username, role):
    user = get_user_model().objects.create_user(username=username, password="x-pass-12345")
    services.membership_grant(actor=admin_actor, user=user, hall=hall, role=role)
    return user


@pytest.fixture
def staff(admin_actor, admin_user, hall_a, hall_b):
    """One user per role in hall A, a manager of hall B, and the system administrator."""
    return {
        "manager_a": _member(admin_actor, hall_a, "manager_a", Role.MANAGER),
        "clerk_a": _member(admin_actor, hall_a, "clerk_a", Role.CLERK),
        "evaluator_a": _member(admin_actor, hall_a, "evaluator_a", Role.EVALUATOR),
        "manager_b": _member(admin_actor, hall_b, "manager_b", Role.MANAGER),
        "clerk_b": _member(admin_actor, hall_b, "clerk_b", Role.CLERK),
        "admin": admin_user,
    }


class ApiClient:
    """Calls /api/v1 with an optional bearer token; returns (status, parsed JSON or text)."""

    def __init__(self, token: str | None = None, language: str = "zh-hans"):
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language)
        self.token = token

    def call(
        self, method: str, path: str, body=None, content_type="application/json", raw: str | None = None
    ):
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = path if path.startswith("/") else f"/api/v1/{path}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": content_type} if data is not None else {}
        response = (
            getattr(self.client, method.lower())(url, data=data, headers=headers, **kwargs)
            if data is not None
            else getattr(self.client, method.lower())(url, headers=headers)
        )
        ctype = response.get("Content-Type", "")
        payload = json.loads(response.content) if "json" in ctype and response.content else response.content
        return response.status_code, payload


@pytest.fixture
def api_as(staff):
    """``api_as("manager_a")`` → an ApiClient with a fresh token of that user; ``api_as(None)`` anonymous."""

    def make(name: str | None, language: str = "zh-hans") -> ApiClient:
        if name is None:
            return ApiClient(language=language)
        user = staff[name]
        token = services.token_create(actor=Actor(user=user), user=user, name="test")
        return ApiClient(token, language=language)

    return make


@pytest.fixture
def kiosk_token(admin_actor, hall_a):
    _device, raw = services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="入口自助机"
    )
    return raw


@pytest.fixture(autouse=True, scope="session")
def _static_files_indexed_once():
    """Every test client builds the middleware afresh, and WhiteNoise's middleware indexes every static file
    through the finders each time (a fifth of the run). The files do not change during a run, so the index
    is built once per settings that shape it and handed to each new middleware (tests only)."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    index_files = WhiteNoiseMiddleware.add_files_from_finders
    indexes: dict[tuple, dict] = {}

    def add_files_from_finders(self):
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
            self.add_headers_function,
            tuple(map(str, settings.STATICFILES_DIRS)),
            tuple(settings.INSTALLED_APPS),
        )
        if key not in indexes:
            before = dict(self.files)
            index_files(self)
            indexes[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(indexes[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 is slow on purpose; tests create many accounts, so they hash with MD5 (tests only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _exact_estimates(settings):
    """Production reuses a hall's queue snapshot for a second; tests check the method on exact state."""
    settings.SERVICEHALL_ESTIMATE_SNAPSHOT_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache, and rows in the per-process memo; each test starts with none
    (a flushed database reuses codes such as the hall's)."""
    from django.core.cache import cache

    from servicehall.core import memo

    cache.clear()
    memo.forget_all()
    yield
    cache.clear()
    memo.forget_all()


# --- the real server in a subprocess (tests/serverproc.py) ----------------------------------------------


@pytest.fixture
def server_data():
    """What must be committed before ``server`` starts. A module that uses ``server`` overrides it with its
    own data fixture (``def server_data(load_hall): return load_hall``)."""
    return None


@pytest.fixture
def server_connections() -> int:
    """How many database connections the module's load needs at once (a module overrides it); on
    PostgreSQL ``server`` waits until the database has that many free."""
    return 0


@pytest.fixture
def enough_connections(transactional_db, server_connections):
    """On PostgreSQL the server holds a connection per request in flight: wait (a while) until the database
    has room for this test, and say so plainly if it never does, rather than fail on a 500 later."""
    from tests.serverproc import free_database_connections

    deadline = time.monotonic() + 60
    while (free := free_database_connections()) is not None and free < server_connections:
        if time.monotonic() > deadline:
            pytest.fail(
                f"PostgreSQL accepts only {free} more connections; this test needs {server_connections}: "
                "stop other clients or raise max_connections"
            )
        time.sleep(1)


@pytest.fixture
def server(transactional_db, server_data, enough_connections, tmp_path):
    """``servicehall serve`` in a subprocess on the test database, started once ``server_data`` is
    committed. Depends on ``transactional_db``, so it is stopped before pytest-django empties the tables."""
    from tests.serverproc import running_server

    with running_server(var_dir=tmp_path / "server") as proc:
        yield proc


@pytest.fixture
def streams(server):
    """Starts event streams against ``server`` and stops them before the server stops (an open stream
    delays its shutdown)."""
    from tests.serverproc import EventStream

    started: list[EventStream] = []

    def start(stream: EventStream) -> EventStream:
        started.append(stream.start())
        return stream

    yield start
    for stream in started:
        stream.stop()
