"""Queue fixtures: a small catalogue in both halls, actors for every caller, a kiosk, a second clerk, and a
clock frozen on a fixed weekday morning in the hall's time zone (Asia/Shanghai), so the tests pass at any
hour, day or year. Everything is built through the real services."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth import get_user_model

from servicehall.catalog.services import item_save
from servicehall.core import services as core_services
from servicehall.core.actors import Actor
from servicehall.core.choices import DeviceKind, Role
from servicehall.core.models import AuditEntry, Counter
from servicehall.live.models import Event
from servicehall.queueing import services
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import Ticket

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Wednesday. Any fixed date works; the tests read the weekday from it rather than assuming one.
MORNING = datetime.datetime(2030, 3, 6, 9, 0, tzinfo=SHANGHAI)

ITEMS_A = [
    # code, name, prefix, windows that serve it
    ("SB-001", "社保参保登记", "A", ["1", "2"]),
    ("GJ-001", "公积金提取", "B", ["2"]),
    ("HJ-001", "户籍迁移", "C", ["3"]),
]


def item_data(code, name, prefix, counters):
    return {
        "code": code,
        "name": name,
        "department": "测试局",
        "category": "测试",
        "ticket_prefix": prefix,
        "counters": counters,
        "materials": [{"name": "居民身份证"}],
    }


class Clock:
    """Frozen time that the test moves on explicitly."""

    def __init__(self, traveller):
        self.traveller = traveller
        self.now = MORNING
        traveller.move_to(self.now, tick=False)

    def set(self, when: datetime.datetime) -> datetime.datetime:
        self.now = when
        self.traveller.move_to(when, tick=False)
        return when

    def at(self, hour: int, minute: int = 0, *, days: int = 0) -> datetime.datetime:
        """Local wall-clock time ``hour:minute`` on the morning's date plus ``days``."""
        day = MORNING.date() + datetime.timedelta(days=days)
        return self.set(datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI))

    def advance(self, **delta) -> datetime.datetime:
        return self.set(self.now + datetime.timedelta(**delta))


@pytest.fixture
def clock(time_machine):
    return Clock(time_machine)


@pytest.fixture
def items_a(admin_actor, hall_a):
    """Hall A's catalogue: SB-001 (prefix A, windows 1 and 2), GJ-001 (B, window 2), HJ-001 (C, window 3)."""
    return {
        code: item_save(actor=admin_actor, hall=hall_a, data=item_data(code, name, prefix, windows))
        for code, name, prefix, windows in ITEMS_A
    }


@pytest.fixture
def items_b(admin_actor, hall_b):
    return {
        "SB-001": item_save(
            actor=admin_actor, hall=hall_b, data=item_data("SB-001", "社保参保登记", "A", ["1"])
        )
    }


@pytest.fixture
def clerk_a2(admin_actor, hall_a):
    user = get_user_model().objects.create_user(username="clerk_a2", password="x-pass-12345")
    core_services.membership_grant(actor=admin_actor, user=user, hall=hall_a, role=Role.CLERK)
    return user


@pytest.fixture
def kiosk_a(admin_actor, hall_a):
    device, _raw = core_services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="自助机"
    )
    return device


@pytest.fixture
def actors(staff, clerk_a2, kiosk_a):
    """Actor per caller: the staff users, a second clerk of hall A, hall A's kiosk and an anonymous
    citizen."""
    found = {name: Actor(user=user, ip="10.0.0.2") for name, user in staff.items()}
    found["clerk_a2"] = Actor(user=clerk_a2, ip="10.0.0.3")
    found["kiosk"] = Actor(device=kiosk_a, ip="10.0.0.4")
    found["citizen"] = Actor(ip="10.0.0.5")
    return found


def window(hall, number: str) -> Counter:
    return Counter.objects.get(hall=hall, number=number)


@pytest.fixture
def q(actors, hall_a, items_a):
    """Short verbs for setting up a queue in hall A through the real services."""

    class Q:
        def issue(self, service="SB-001", *, by="kiosk", **kwargs):
            return services.ticket_issue(actor=actors[by], hall=hall_a, service_code=service, **kwargs)

        def open(self, number="1", *, by="clerk_a"):
            return services.counter_open(actor=actors[by], counter=window(hall_a, number))

        def call_next(self, number="1", *, by="clerk_a"):
            return services.ticket_call_next(actor=actors[by], counter=window(hall_a, number))

        def window(self, number):
            return window(hall_a, number)

    return Q()


# --- helpers of the service tests (tests/queueing/test_services_*.py) ------------------------------------


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("service", "counter", "target_counter").get(pk=ticket.pk)


def counts() -> tuple[int, int]:
    return Event.objects.count(), AuditEntry.objects.count()


def configure(actors, hall, **changes):
    return services.settings_update(actor=actors["manager_a"], hall=hall, **changes)


def finish(actors, ticket, by="clerk_a"):
    services.ticket_start(actor=actors[by], ticket=ticket)
    services.ticket_complete(actor=actors[by], ticket=ticket)


def bring_to(status, q, actors) -> Ticket:
    """A ticket of hall A in ``status``; anything at a counter is at window 1 with clerk_a."""
    clerk = actors["clerk_a"]
    ticket = q.issue()
    if status == TicketStatus.WAITING:
        return fresh(ticket)
    if status == TicketStatus.CANCELLED:
        return services.ticket_cancel(actor=clerk, ticket=ticket)
    q.open("1")
    ticket = q.call_next("1")
    if status == TicketStatus.NO_SHOW:
        for _ in range(2):
            services.ticket_recall(actor=clerk, ticket=ticket)
        return services.ticket_no_show(actor=clerk, ticket=ticket)
    if status == TicketStatus.CALLED:
        return fresh(ticket)
    services.ticket_start(actor=clerk, ticket=ticket)
    if status == TicketStatus.COMPLETED:
        return services.ticket_complete(actor=clerk, ticket=ticket)
    if status == TicketStatus.PARKED:
        return services.ticket_park(actor=clerk, ticket=ticket)
    return fresh(ticket)
