"""Every page answers hostile addresses without a server error (issue 13, "Keep it so"): for each URL
pattern of the site (walked from the resolver, so a new page is fuzzed the day it is added), query
parameters and path pieces carrying NUL, a lone surrogate (%ED%A0%80), huge and negative numbers, dates
at the ends of the calendar and very long strings; GET and an empty POST, anonymous and as the hall's
manager (signed in), on the demo hall. Anything below 500 is an answer (400, 404, 405, a redirect to the
sign-in page); 500 is a bug.

The demo hall is built once for the module inside a transaction rolled back at the end; each pattern is a
test in a savepoint of its own, so what one page changes (a ticket taken) does not leak into the next."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HUGE = str(10**30)
LONG = "x" * 3000
# Percent-encoded, as they travel in an address. A lone surrogate has no UTF-8 form: its would-be bytes.
HOSTILE = {
    "nul": "a%00b",
    "surrogate": "%ED%A0%80",
    "year-1": "0001-01-01",
    "year-9999": "9999-12-31",
    "datetime-9999": "9999-12-31T23%3A59%3A59Z",
    "huge": HUGE,
    "negative": "-1",
    "huge-negative": "-" + HUGE,
    "year-1900": "1900-01-01",
    "year-2099": "2099-12-31",
    "datetime-2099": "2099-12-31T23%3A59%3A59%2B14%3A00",
    "float-overflow": "1e309",
    "nan": "NaN",
    "long": LONG,
    "empty": "",
    "dotdot": "..%2F..%2Fetc",
    "html": quote("<script>alert(1)</script>"),
}
# What core.middleware.BadInputMiddleware refuses at the door (400) wherever it stands; mixed into one
# address with other values it would hide them, so the mixed addresses below leave these out.
AT_THE_DOOR = {"nul", "surrogate", "year-1", "year-9999", "datetime-9999"}
PASSING = [value for name, value in HOSTILE.items() if name not in AT_THE_DOOR]
# Every query parameter a page reads (grep request.GET and the filter forms), and a few it does not.
QUERY_KEYS = [
    "q", "category", "department", "t", "token", "move", "start", "service", "paper", "page",
    "orientation", "next", "new", "lookup", "last_event_id", "day", "date", "date_from", "date_to",
    "system", "unit", "counter", "clerk", "format", "fuzzy", "action", "actor", "object_type", "status",
    "limit", "offset", "lang",
]  # fmt: skip
# Not pages: the API (tests/core/test_api_fuzz.py), Django's admin and i18n views, and the event stream
# (it never ends; the API fuzz and tests/live cover its parameters).
SKIPPED_PREFIXES = ("api/", "admin/", "i18n/", "jsi18n/")


def _routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


ROUTES = sorted(set(_routes()))
PIECE = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture(scope="module")
def page_world(django_db_setup, django_db_blocker):
    """The demo hall, with a ticket taken and the real values of every path piece."""
    from django.db import transaction
    from django.test import override_settings

    from servicehall.appointments.models import Appointment
    from servicehall.catalog.models import ServiceItem
    from servicehall.core import memo
    from servicehall.demo.build import load_demo
    from servicehall.quality.models import IndicatorSystem, Questionnaire
    from servicehall.queueing.models import Ticket

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic():
        memo.forget_all()
        with fast:
            hall = load_demo().hall
        item = ServiceItem.objects.filter(hall=hall, appointment_supported=True).order_by("code").first()
        ticket = Ticket.objects.filter(hall=hall).order_by("-pk").first()
        appointment = Appointment.objects.filter(hall=hall).order_by("pk").first()
        values = {
            "hall_code": hall.code,
            "item_code": item.code,
            "questionnaire_id": Questionnaire.objects.filter(system__hall=hall).order_by("pk").first().pk,
            "system_id": IndicatorSystem.objects.filter(hall=hall).order_by("pk").first().pk,
            "public_id": getattr(ticket, "public_id", "none"),
        }
        world = {
            "values": {name: str(value) for name, value in values.items()},
            "appointment_id": str(getattr(appointment, "public_id", "none")),
            "manager": hall.memberships.get(user__username="manager").user,
        }
        yield world
        memo.forget_all()
        transaction.set_rollback(True)
    print(f"\npage fuzz: {sum(STATUSES.values())} requests, statuses {dict(sorted(STATUSES.items()))}")


def _path(route: str, values: dict[str, str], override: dict[str, str] | None = None) -> str:
    def piece(match):
        name = match.group(2)
        if override and name in override:
            return override[name]
        return quote(values.get(name, "x"), safe="")

    return "/" + PIECE.sub(piece, route)


def _addresses(route: str, world) -> list[str]:
    values = dict(world["values"])
    if route.startswith("book/"):
        values["public_id"] = world["appointment_id"]  # a booking's id, not a ticket's
    base = _path(route, values)
    addresses = [base]
    hostile = list(HOSTILE.values())
    # Every key at once with one hostile value; then every key with a different value of those the door
    # lets through (each key sees each, next to other hostile values). Each key alone with each value was
    # tried too: ten times the requests (13 minutes) and nothing the mixed addresses had not found.
    for value in hostile:
        addresses.append(base + "?" + "&".join(f"{key}={value}" for key in QUERY_KEYS))
    for shift in range(len(PASSING)):
        pairs = (f"{key}={PASSING[(i + shift) % len(PASSING)]}" for i, key in enumerate(QUERY_KEYS))
        addresses.append(base + "?" + "&".join(pairs))
    for name in PIECE.findall(route):
        for value in hostile:
            if value:  # an empty piece is a different address, not this page
                addresses.append(_path(route, values, {name[1]: value}))
    return addresses


# Answers by status over the module (printed at its end with ``-s``): a run of all 404s or 429s would
# fuzz nothing behind the door.
STATUSES: dict[int, int] = {}


def _server_errors(client: Client, addresses: list[str]) -> list[str]:
    found = []
    for address in addresses:
        for method in ("get", "post"):
            response = getattr(client, method)(address)
            STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                found.append(f"{method.upper()} {address[:300]} -> {response.status_code}")
    return found


# Pages known to fail elsewhere would be listed here as non-strict xfails; none left (the booking
# calendar's last week in 2099 was one: it now stops at the last week the working calendar covers).
KNOWN_ELSEWHERE: dict[str, str] = {}
PARAMS = [
    pytest.param(route, marks=pytest.mark.xfail(strict=False, reason=KNOWN_ELSEWHERE[route]))
    if route in KNOWN_ELSEWHERE
    else route
    for route in ROUTES
]


@pytest.mark.parametrize("route", PARAMS)
def test_no_page_answers_a_server_error_to_a_hostile_address(route, page_world):
    addresses = _addresses(route, page_world)
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)
    manager = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    manager.force_login(page_world["manager"])
    found = _server_errors(anonymous, addresses) + _server_errors(manager, addresses)
    assert not found, "\n".join(found)


def test_the_fuzz_reaches_every_kind_of_page():
    """The walk finds the pages the issue names (a resolver change that hid them would fuzz nothing)."""
    expected = {
        "",
        "login/",
        "catalog/<slug:hall_code>/",
        "catalog/<slug:hall_code>/items/<str:item_code>/",
        "kiosk/<slug:hall_code>/",
        "display/<slug:hall_code>/",
        "t/<str:public_id>/",
        "book/<slug:hall_code>/",
        "q/<int:questionnaire_id>/",
        "pad/<slug:hall_code>/",
    }
    assert expected <= set(ROUTES)
    assert datetime.date.max.year == 9999  # the extreme date sent is the last one Python can hold
