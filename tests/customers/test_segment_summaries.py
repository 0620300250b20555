"""Daily segment summaries (``customers.summaries``): the statistics read from the built days equal the
oracle's figures from the tickets, for periods inside, across and beyond what is built; a change after a
day was built (a merge, a corrected ID number, a new organisation agent, a ticket linked late, a rating
excluded on appeal, a new repeat window) never shows stale figures, and the next run builds the day
again. The worker job builds every hall."""

import datetime
import random

import pytest
from django.db.models import F, Sum

from servicehall.customers import summaries
from servicehall.customers.models import (
    CustomerSettings,
    Organisation,
    SegmentDay,
    SegmentStale,
    SegmentState,
)
from servicehall.customers.statistics import segment_statistics
from servicehall.quality.models import Rating
from servicehall.queueing.models import Ticket
from tests.customers.stats_oracle import reference_statistics
from tests.customers.test_statistics_sql import DAY0, SHANGHAI, _people, _tickets

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2031, 1, 20, 9, tzinfo=SHANGHAI)  # the random tickets are all before this
LAST = DAY0 + datetime.timedelta(days=11)
PERIODS = (
    (DAY0, LAST),
    (DAY0 + datetime.timedelta(days=2), DAY0 + datetime.timedelta(days=8)),
    (DAY0 + datetime.timedelta(days=5), datetime.date(2031, 1, 20)),  # beyond what is built: read raw
)


@pytest.fixture
def data(hall_a, items_a):
    rng = random.Random(18)
    people = _people(hall_a, rng, 40)
    tickets = _tickets(hall_a, list(items_a.values()), people, rng, 400)
    Ticket.objects.filter(status="waiting").update(status="no_show")  # the days are over
    Rating.objects.bulk_create(
        Rating(
            hall=hall_a,
            ticket=t,
            service_id=t.service_id,
            level=rng.randint(1, 5),
            channel="pad",
            served_at=t.issued_at,
            rated_at=t.issued_at,
        )
        for t in tickets
        if rng.random() < 0.5
    )
    CustomerSettings.objects.update_or_create(hall=hall_a, defaults={"repeat_window_days": 3})
    return people


def assert_same(hall):
    for date_from, date_to in PERIODS:
        expected = reference_statistics(hall=hall, date_from=date_from, date_to=date_to)
        assert segment_statistics(hall=hall, date_from=date_from, date_to=date_to) == expected, (
            date_from,
            date_to,
        )


def test_figures_from_the_built_days_equal_the_tickets(hall_a, data):
    done = summaries.refresh(hall_a, now=NOW)
    state = SegmentState.objects.get(hall=hall_a)
    assert state.built_through == datetime.date(2031, 1, 19) and done["rows"] > 0
    assert summaries.readable_through(hall_a, DAY0, LAST, 3) == LAST  # the summaries really answer
    built = SegmentDay.objects.filter(hall=hall_a).aggregate(n=Sum("visits"))["n"]
    assert built == Ticket.objects.filter(hall=hall_a).count()
    assert_same(hall_a)
    # A run a day later builds only what may have changed: the same figures.
    summaries.refresh(hall_a, now=NOW + datetime.timedelta(days=1))
    assert_same(hall_a)


def test_a_merge_after_the_build_is_read_right_then_built_again(hall_a, data, actors):
    from servicehall.customers.services import person_merge

    summaries.refresh(hall_a, now=NOW)
    keep, duplicate = data[0], data[1]
    person_merge(actor=actors["manager_a"], keep=keep, duplicate=duplicate, reason="同一人")
    stale = set(SegmentStale.objects.filter(hall=hall_a).values_list("day", flat=True))
    assert stale == set(Ticket.objects.filter(customer_id=keep.pk).values_list("day", flat=True))
    assert_same(hall_a)  # read raw from the first stale day on
    summaries.refresh(hall_a, now=NOW)
    assert not SegmentStale.objects.exists()
    assert_same(hall_a)


def test_a_new_agent_and_a_corrected_id_number_change_the_built_days(hall_a, data, actors):
    from servicehall.customers.services import organisation_agent_add, person_update

    summaries.refresh(hall_a, now=NOW)
    org = Organisation.objects.create(hall=hall_a, name="新公司", uscc="91110000600037341L", created_at=NOW)
    organisation_agent_add(actor=actors["clerk_a"], organisation=org, person=data[5])
    person_update(actor=actors["clerk_a"], person=data[6], id_number="11010519491231002X")  # born 1949
    assert SegmentStale.objects.filter(hall=hall_a).exists()
    assert_same(hall_a)
    summaries.refresh(hall_a, now=NOW)
    assert_same(hall_a)


def test_a_ticket_linked_late_and_a_rating_excluded_mark_their_days(hall_a, data, time_machine):
    time_machine.move_to(NOW, tick=False)  # the random tickets' days are in the past, as in a hall
    summaries.refresh(hall_a, now=NOW)
    anonymous = Ticket.objects.filter(hall=hall_a, customer_id__isnull=True).order_by("day").first()
    Ticket.objects.filter(pk=anonymous.pk).update(customer_id=data[2].pk)
    summaries.mark_people(hall_a, [data[2].pk], since=anonymous.day)
    rating = Rating.objects.filter(hall=hall_a).order_by("-ticket__day").first()
    Rating.objects.filter(pk=rating.pk).update(excluded=True)
    summaries.mark_days(hall_a, [rating.ticket.day])
    assert_same(hall_a)
    summaries.refresh(hall_a, now=NOW)
    assert_same(hall_a)


def test_a_ticket_linked_today_marks_nothing(hall_a, data):
    summaries.refresh(hall_a, now=NOW)
    assert summaries.mark_people(hall_a, [data[3].pk], since=NOW.date()) == 0
    assert not SegmentStale.objects.exists()


def test_a_new_repeat_window_is_never_read_from_days_built_with_the_old(hall_a, data):
    summaries.refresh(hall_a, now=NOW)
    CustomerSettings.objects.filter(hall=hall_a).update(repeat_window_days=1)
    assert summaries.readable_through(hall_a, DAY0, LAST, 1) is None
    assert_same(hall_a)
    summaries.refresh(hall_a, now=NOW)
    assert SegmentState.objects.get(hall=hall_a).window_days == 1
    assert summaries.readable_through(hall_a, DAY0, LAST, 1) == LAST
    assert_same(hall_a)


def test_a_day_with_a_ticket_still_waiting_is_not_built(hall_a, data):
    Ticket.objects.filter(pk=Ticket.objects.filter(day=DAY0 + datetime.timedelta(days=4)).first().pk).update(
        status="waiting"
    )
    summaries.refresh(hall_a, now=NOW)
    assert SegmentState.objects.get(hall=hall_a).built_through == DAY0 + datetime.timedelta(days=3)
    assert_same(hall_a)


def test_the_worker_job_builds_every_hall(hall_a, data, time_machine):
    from servicehall.customers.tasks import segment_summaries

    time_machine.move_to(NOW, tick=False)
    assert segment_summaries().endswith("days")
    assert SegmentState.objects.get(hall=hall_a).built_through == datetime.date(2031, 1, 19)


def test_default_ratings_recorded_after_the_build_mark_their_days(hall_a, data):
    from servicehall.quality.models import QualitySettings
    from servicehall.quality.services import ratings_default

    Ticket.objects.filter(hall=hall_a, status="completed").update(completed_at=F("issued_at"))
    summaries.refresh(hall_a, now=NOW)
    QualitySettings.objects.update_or_create(hall=hall_a, defaults={"default_rule": "good"})
    assert ratings_default(now=NOW) > 0
    assert SegmentStale.objects.filter(hall=hall_a).exists()
    assert_same(hall_a)
    summaries.refresh(hall_a, now=NOW)
    assert_same(hall_a)
