"""Demo customer records: the hall's division code, a few hundred people (made-up resident IDs with
correct check characters, from the district, the rest of 杭州, the rest of 浙江 and other provinces, of
every age) identified on about six in ten of the simulated tickets, some coming back for the same
matter, and two companies with agents, so the statistics page has something to show."""

import datetime
import random
from collections import defaultdict

from servicehall.core.actors import Actor
from servicehall.core.identity import resident_id_check_char
from servicehall.core.models import Hall

DIVISION = "330106"  # the demo hall stands for a district of 杭州
REGIONS = ["330106"] * 6 + ["330102", "330105", "330110"] * 2 + ["330302", "330602"] + ["320102", "420106"]


def demo_customers(actor: Actor, hall: Hall, *, people: int = 300, seed: int = 15) -> None:
    from servicehall.customers import services as customers
    from servicehall.customers.models import Person
    from servicehall.queueing.models import Ticket

    rng = random.Random(seed)
    customers.settings_update(actor=actor, hall=hall, division_code=DIVISION)
    persons = []
    for i in range(people):
        birth = f"{rng.randint(1940, 2006)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        first17 = f"{rng.choice(REGIONS)}{birth}{i % 1000:03d}"
        person, _created = customers.person_identify(
            actor=actor, hall=hall, id_number=first17 + resident_id_check_char(first17)
        )
        persons.append(person)
    for n, (name, uscc) in enumerate((("青山示范科技有限公司", "91110000600037341L"),)):
        org = customers.organisation_save(actor=actor, hall=hall, name=name, uscc=uscc)
        for person in persons[n * 10 : n * 10 + 10]:
            customers.organisation_agent_add(actor=actor, organisation=org, person=person)
    # Link six in ten simulated tickets; a tenth of the people come back for the same matter.
    # A person first seen before the period counts as returning: the record's creation is backdated
    # to its first ticket, or to a year ago for a quarter of them.
    by_person: dict[Person, list] = defaultdict(list)
    for pk, issued in Ticket.objects.filter(hall=hall).order_by("issued_at").values_list("pk", "issued_at"):
        if rng.random() < 0.6:
            by_person[rng.choice(persons[: people // 10] if rng.random() < 0.3 else persons)].append(
                (pk, issued)
            )
    for person, tickets in by_person.items():
        Ticket.objects.filter(pk__in=[pk for pk, _at in tickets]).update(customer_id=person.pk)
        first = tickets[0][1] - datetime.timedelta(days=365 if rng.random() < 0.25 else 0)
        Person.objects.filter(pk=person.pk).update(created_at=first, last_seen_at=tickets[-1][1])
