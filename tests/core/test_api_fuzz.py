"""Schemathesis over the whole OpenAPI (issue 13, "Keep it so"): every operation, anonymous and with a hall
manager's bearer token, against the in-process Django app, never answers a server error.

The data is the demo hall (catalogue, plans, bookings, published indicator system and questionnaire, a
month of simulated tickets and ratings), built once for the module inside a transaction rolled back when
the module is done (as tests/core/test_admin.py does). Each operation runs in its own test, in a savepoint
within it that is rolled back, so what one operation changes (a counter closed, a ticket called) cannot
break the next, and nothing reaches another module.

Schemathesis draws path pieces at random, so almost every generated call would stop at "no such hall".
Each case is therefore sent twice: as generated, and with its path pieces swapped for real ones (the demo
hall's code, one of its counters, tickets, services, appointments ...), which takes the query and the body
deep into the handler.

Checked: "not a server error" (status < 500) only. The response-schema check was tried and left out: the
error answers (``{"error", "message", "fields"}``, 401/403/404/409/422) are not declared per operation, so
it reports every refusal as a schema violation and drowns the signal.

Bounded for CI: a few examples per operation and mode, no deadline, no shrinking (the first failing input
is reported as drawn). Marked slow (`make test-fast` leaves it out).
"""

import datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MAX_EXAMPLES = 6
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The demo hall committed once, a manager's token, and real values for each path piece."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, transaction
    from django.test import override_settings

    from servicehall.appointments.models import Appointment
    from servicehall.catalog.models import ServiceItem
    from servicehall.core import memo, services
    from servicehall.core.actors import Actor
    from servicehall.demo.build import load_demo
    from servicehall.quality.models import IndicatorSystem, Questionnaire, Rectification
    from servicehall.queueing.models import Ticket

    # The per-test ``_fast_passwords`` has not run yet at module scope: hash the demo accounts fast too.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    # Schemathesis calls the WSGI handler itself, not through Django's test client, so nothing keeps the
    # handler's end-of-request hook from closing the connection (and with it the module's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock(), transaction.atomic():
        memo.forget_all()
        with fast:
            hall = load_demo().hall
        manager = hall.memberships.get(user__username="manager").user
        token = services.token_create(actor=Actor(user=manager), user=manager, name="fuzz")
        ticket = Ticket.objects.filter(hall=hall).order_by("-pk").first()
        system = IndicatorSystem.objects.filter(hall=hall).order_by("pk").first()
        values = {
            "hall_code": hall.code,
            "counter_id": hall.counters.order_by("pk").first().pk,
            "item_code": ServiceItem.objects.filter(hall=hall, appointment_supported=True)
            .order_by("code")
            .first()
            .code,
            "ticket_id": ticket.pk if ticket else None,
            "appointment_id": getattr(Appointment.objects.order_by("pk").first(), "pk", None),
            "case_id": getattr(Rectification.objects.order_by("pk").first(), "pk", None),
            "system_id": system.pk if system else None,
            "questionnaire_id": getattr(Questionnaire.objects.order_by("pk").first(), "pk", None),
            "code": getattr(system.indicators.order_by("pk").first(), "code", None) if system else None,
            "date": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
        }
        values = {name: str(value) for name, value in values.items() if value is not None}
        yield {"token": token, "path": values}
        memo.forget_all()
        transaction.set_rollback(True)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    for run, tally in TALLY.items():
        print(
            f"\nschemathesis {run}: {len(tally['operations'])} operations, {tally['requests']} requests, "
            f"statuses {dict(sorted(tally['statuses'].items()))}"
        )


def _load_schema():
    """The schema as the app serves it (read at collection: serving it touches no table)."""
    from servicehall.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _load_schema()

# Every operation, for both callers (the aware ``cutoff_time`` of a plan, once a 500, is a 422 now).
checked = schema


def _real_path(case, values):
    """The case with each path piece that names something swapped for a real one (None if none does)."""
    if not case.path_parameters:
        return None
    swapped = {name: values.get(name, value) for name, value in case.path_parameters.items()}
    if swapped == case.path_parameters:
        return None
    return swapped


# What the module sent, by run: operations, requests, status counts (printed at the end with ``-s``).
TALLY: dict[str, dict] = {}


def _exercise(case, fuzz_world, headers):
    run = "manager" if headers else "anonymous"
    tally = TALLY.setdefault(run, {"operations": set(), "requests": 0, "statuses": {}})
    seen = []
    response = case.call(headers=headers)
    seen.append((case.path_parameters, response))
    real = _real_path(case, fuzz_world["path"])
    if real is not None:
        case.path_parameters = real
        response = case.call(headers=headers)
        seen.append((real, response))
    tally["operations"].add(case.operation.label)
    for _path, answer in seen:
        tally["requests"] += 1
        tally["statuses"][answer.status_code] = tally["statuses"].get(answer.status_code, 0) + 1
    for path_parameters, answer in seen:
        assert answer.status_code < 500, (
            f"{case.method} {case.path} path={path_parameters} query={case.query} "
            f"body={case.body!r} -> {answer.status_code}: {answer.text[:2000]}"
        )


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_operation_answers_a_server_error_to_an_anonymous_caller(case, fuzz_world):
    _exercise(case, fuzz_world, headers={})


@checked.parametrize()
@FUZZ_SETTINGS
def test_no_operation_answers_a_server_error_to_a_hall_manager(case, fuzz_world):
    _exercise(case, fuzz_world, headers={"Authorization": f"Bearer {fuzz_world['token']}"})
