"""A simulated service history for a hall, with weaknesses planted on purpose: the report must find them.

It writes tickets (with waiting and service times), 好差评 ratings and questionnaire responses directly in
bulk (it stands for months of history, not for today's operations, so it bypasses the services and their
audit rows). Every bad rating still opens its rectification case, through the service that opens them
(``rectifications_open_missing``, as of the rating): a history of bad ratings without cases made the
office's rectification rates read 100%. Reproducible: the same seed gives the same data.

Planted weaknesses (``PLANTED``):
- ``wait``: waits are long (mean about 40 minutes), so the objective queue indicators score low;
- ``environment``: the statements of 服务环境 (C2 in the article's system) are answered low;
- ``window``: one window draws most of the bad ratings, and its attitude statements (A…) are answered low.
"""

import datetime
import random

from django.db import transaction

from servicehall.catalog.models import ServiceItem
from servicehall.core.audit import SystemActor
from servicehall.core.choices import Role
from servicehall.core.models import Counter, HallMembership
from servicehall.quality.choices import RatingChannel
from servicehall.quality.models import QuestionnaireResponse, Rating
from servicehall.quality.services import rectifications_open_missing
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import Ticket

PLANTED = ("wait", "environment", "window")


@transaction.atomic
def simulate(
    *,
    hall,
    questionnaire,
    days: int,
    tickets_per_day: int,
    start: datetime.date,
    seed: int = 7,
    bad_window=None,
    response_share: float = 0.2,
    rating_share: float = 0.6,
) -> dict:
    rng = random.Random(seed)
    items = list(ServiceItem.objects.filter(hall=hall, active=True))
    counters = list(Counter.objects.filter(hall=hall, active=True))
    bad_window = bad_window or counters[-1]
    # Each window is staffed by one of the hall's clerks (in turn), so reports can be scoped by clerk.
    clerks = list(
        HallMembership.objects.filter(hall=hall, role=Role.CLERK)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    clerk_of = {c.pk: clerks[i % len(clerks)] if clerks else None for i, c in enumerate(counters)}
    tz = hall.tzinfo
    tickets: list[Ticket] = []
    for d in range(days):
        day = start + datetime.timedelta(days=d)
        for n in range(1, tickets_per_day + 1):
            item = rng.choice(items)
            issued = datetime.datetime.combine(day, datetime.time(9), tzinfo=tz) + datetime.timedelta(
                seconds=rng.randint(0, 7 * 3600)
            )
            wait = int(rng.gammavariate(4, 600))  # mean 40 minutes: the planted long waits
            service = int(rng.lognormvariate(6.0, 0.4))
            counter = rng.choice(counters)
            called = issued + datetime.timedelta(seconds=wait)
            tickets.append(
                Ticket(
                    hall=hall,
                    service=item,
                    day=day,
                    prefix=item.ticket_prefix,
                    seq=n,
                    number=f"{item.ticket_prefix}{n:03d}",
                    channel="kiosk",
                    status=TicketStatus.COMPLETED,
                    counter=counter,
                    clerk_id=clerk_of[counter.pk],
                    issued_at=issued,
                    queued_at=issued,
                    waiting_since=issued,
                    first_called_at=called,
                    called_at=called,
                    started_at=called + datetime.timedelta(seconds=60),
                    completed_at=called + datetime.timedelta(seconds=60 + service),
                    wait_seconds=wait,
                    walk_seconds=60,
                    service_seconds=service,
                )
            )
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    tickets = list(
        Ticket.objects.filter(
            hall=hall, day__gte=start, day__lt=start + datetime.timedelta(days=days)
        ).select_related("counter")
    )
    ratings, responses = [], []
    likert = [i for i in questionnaire.items if i["kind"] != "text"] if questionnaire else []
    for t in tickets:
        if rng.random() < rating_share:
            bad = rng.random() < (0.5 if t.counter_id == bad_window.pk else 0.03)
            level = rng.choice((1, 2)) if bad else rng.choice((4, 5, 5, 5))
            ratings.append(
                Rating(
                    hall=hall,
                    ticket=t,
                    service_id=t.service_id,
                    counter_id=t.counter_id,
                    clerk_id=t.clerk_id,
                    level=level,
                    tags=["等候时间长"] if bad else [],
                    channel=RatingChannel.PAD,
                    served_at=t.completed_at,
                    rated_at=t.completed_at + datetime.timedelta(minutes=1),
                )
            )
        if likert and rng.random() < response_share:
            person = rng.gauss(0, 0.5)  # some people answer higher than others: the items correlate
            answers = {}
            for item in likert:
                centre = 2.0 if item["indicator"] == "C2" else 4.1  # the planted weak environment
                if item["kind"] == "importance":
                    centre = 4.5 if item["indicator"].startswith("B") else 3.8  # efficiency matters most
                elif item["kind"] == "expectation":
                    centre = 4.6
                if t.counter_id == bad_window.pk and item["indicator"].startswith("A"):
                    centre = 2.5  # and the planted window: its attitude is what people complain about
                answers[item["key"]] = max(
                    1, min(questionnaire.scale, round(rng.gauss(centre + person, 0.6)))
                )
            started = t.completed_at + datetime.timedelta(minutes=2)
            responses.append(
                QuestionnaireResponse(
                    questionnaire=questionnaire,
                    hall=hall,
                    ticket=t,
                    channel=RatingChannel.PHONE,
                    answers=answers,
                    started_at=started,
                    submitted_at=started + datetime.timedelta(seconds=rng.randint(90, 400)),
                )
            )
    Rating.objects.bulk_create(ratings, batch_size=2000)
    QuestionnaireResponse.objects.bulk_create(responses, batch_size=2000)
    cases = rectifications_open_missing(hall=hall, actor=SystemActor(job="quality.simulate"))
    return {
        "tickets": len(tickets),
        "ratings": len(ratings),
        "cases": len(cases),
        "responses": len(responses),
        "bad_window": bad_window.number,
    }
