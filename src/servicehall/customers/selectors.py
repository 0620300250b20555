"""Reads of customer records: exact look-up by keyed digest (there is deliberately no search by text:
personal columns are encrypted, and no ``LIKE`` over them exists), the masked view every screen shows,
one history per person (tickets, bookings, ratings, what other apps add), and the console's hint.

The timeline reads the queue's, bookings' and ratings' rows directly (read-only; those apps own the
writes): tickets by ``customer_id``, bookings by the resident ID's digest (the same keyed digest), ratings
through the tickets."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from servicehall.core.errors import NotFound
from servicehall.core.models import Hall
from servicehall.customers.choices import CertificateType, PersonStatus
from servicehall.customers.models import CustomerSettings, Person

TIMELINE_SOURCES: dict[str, object] = {}  # name -> fn(person) -> list of entries (other apps register)


def settings_get(*, hall: Hall) -> CustomerSettings:
    return CustomerSettings.objects.filter(hall=hall).first() or CustomerSettings(hall=hall)


def person_match(*, hall: Hall, values, lock: bool = False) -> Person | None:
    """The active record that ``values`` (a cleaned ``services.PersonalValues``) names: by the
    certificate's digest when a number was typed, else the one record with that mobile's digest."""
    from servicehall.customers.services import certificate_digest, phone_digest

    qs = Person.objects.filter(hall=hall, status=PersonStatus.ACTIVE)
    if lock:
        qs = qs.select_for_update()
    if values.id_number:
        return qs.filter(id_digest=certificate_digest(values.id_type, values.id_number)).first()
    found = list(qs.filter(phone_digest=phone_digest(values.phone)).order_by("-last_seen_at")[:2])
    return found[0] if len(found) == 1 else None


def person_search(
    *, hall: Hall, id_number: str = "", phone: str = "", id_type: str = CertificateType.RESIDENT_ID
) -> QuerySet[Person]:
    """Active records whose certificate or mobile digest equals the typed value's (exact match only)."""
    from servicehall.customers.services import certificate_digest, phone_digest

    if not id_number and not phone:
        return Person.objects.none()
    cond = Q()
    if id_number:
        cond |= Q(id_digest=certificate_digest(id_type, id_number))
    if phone:
        cond |= Q(phone_digest=phone_digest(phone))
    return Person.objects.filter(cond, hall=hall, status=PersonStatus.ACTIVE).order_by("-last_seen_at")[:20]


def person_get(*, hall: Hall, pk: int, follow_merge: bool = True) -> Person:
    """The record (the one a merged duplicate now lives in, with ``follow_merge``)."""
    person = Person.objects.select_related("hall").filter(hall=hall, pk=pk).first()
    if person is None:
        raise NotFound(_("No such customer record in this hall."), code="customer_not_found")
    seen = {person.pk}
    while follow_merge and person.merged_into_id and person.merged_into_id not in seen:
        person = Person.objects.select_related("hall").get(pk=person.merged_into_id)
        seen.add(person.pk)
    return person


def person_by_id(*, pk: int) -> Person:
    person = Person.objects.select_related("hall").filter(pk=pk).first()
    if person is None:
        raise NotFound(_("No such customer record."), code="customer_not_found")
    return person


def person_masked(person: Person, *, year: int | None = None) -> dict:
    """What every staff screen and the API show of a person: masked hints and coarse fields only."""
    year = year or timezone.localdate().year
    return {
        "id": person.pk,
        "status": person.status,
        "status_label": person.get_status_display(),
        "id_type": person.id_type,
        "id_number": person.id_hint,
        "name": person.name_hint,
        "phone": person.phone_hint,
        "language": person.language,
        "accessibility": person.accessibility,
        "age_band": person.age_band(year),
        "sex": person.sex,
        "region": person.region_name,
        "last_seen_at": person.last_seen_at,
        "merged_into": person.merged_into_id,
    }


def _merged_ids(person: Person) -> list[int]:
    """The record and every duplicate merged into it (their links were moved, but an old link may be
    made by another app between a merge and its move)."""
    return [person.pk, *Person.objects.filter(merged_into=person).values_list("pk", flat=True)]


def person_tickets(person: Person) -> QuerySet:
    from servicehall.queueing.models import Ticket

    return (
        Ticket.objects.filter(hall_id=person.hall_id, customer_id__in=_merged_ids(person))
        .select_related("service", "counter")
        .order_by("-issued_at")
    )


def _ticket_entries(person: Person, hide_clerk: int | None = None) -> list[dict]:
    from servicehall.quality.models import Rating

    tickets = list(person_tickets(person)[:200])
    ratings = {r.ticket_id: r for r in Rating.objects.filter(ticket__in=[t.pk for t in tickets])}
    out = []
    for t in tickets:
        rating = ratings.get(t.pk)
        if rating is not None and hide_clerk is not None and hide_clerk in (rating.clerk_id, t.clerk_id):
            rating = None
        out.append(
            {
                "kind": "ticket",
                "at": t.issued_at,
                "number": t.number,
                "service": t.service.code,
                "service_name": t.service.name,
                "status": t.status,
                "status_label": t.get_status_display(),
                "outcome": t.outcome,
                "outcome_label": t.get_outcome_display() if t.outcome else "",
                "wait_seconds": t.wait_seconds,
                "service_seconds": t.service_seconds,
                "counter": t.counter.number if t.counter else None,
                "rating": rating.level if rating else None,
            }
        )
    return out


def _appointment_entries(person: Person) -> list[dict]:
    """Bookings linked to the record (``customer_id``, real-name bookings since issue 15) or made with its
    resident ID (the same keyed digest, for bookings from before the link)."""
    from servicehall.appointments.models import Appointment

    cond = Q(customer_id__in=_merged_ids(person))
    if person.id_type == CertificateType.RESIDENT_ID and person.id_digest:
        cond |= Q(id_digest=person.id_digest)
    rows = (
        Appointment.objects.filter(cond, hall_id=person.hall_id)
        .select_related("service")
        .order_by("-start")[:200]
    )
    return [
        {
            "kind": "appointment",
            "at": a.start,
            "code": a.code,
            "service": a.service.code,
            "service_name": a.service.name,
            "status": a.status,
            "status_label": a.get_status_display(),
            "no_show": a.status == "no_show",
        }
        for a in rows
    ]


def _rating_entries(person: Person, hide_clerk: int | None = None) -> list[dict]:
    """Ratings given and questionnaires answered, derived through the person's tickets (the rating rows
    hold no personal data and get none copied: the link is the ticket's). The member of staff rated
    (``hide_clerk``) does not see those ratings here, as nowhere else (who rated stays unknown to them)."""
    from servicehall.quality.models import QuestionnaireResponse, Rating

    ids = _merged_ids(person)
    ratings = Rating.objects.filter(ticket__customer_id__in=ids, ticket__hall_id=person.hall_id)
    if hide_clerk is not None:
        ratings = ratings.exclude(clerk_id=hide_clerk).exclude(ticket__clerk_id=hide_clerk)
    ratings = ratings.select_related("service").order_by("-rated_at")[:200]
    out = [
        {
            "kind": "rating",
            "at": r.rated_at,
            "service": r.service.code,
            "service_name": r.service.name,
            "level": r.level,
            "level_label": r.get_level_display(),
            "channel": r.channel,
            "excluded": r.excluded,
        }
        for r in ratings
    ]
    answers = (
        QuestionnaireResponse.objects.filter(ticket__customer_id__in=ids, hall_id=person.hall_id)
        .select_related("questionnaire")
        .order_by("-submitted_at")[:50]
    )
    out += [
        {
            "kind": "questionnaire",
            "at": a.submitted_at,
            "service_name": a.questionnaire.localized_title(get_language() or ""),
            "questionnaire": a.questionnaire_id,
            "answers": len(a.answers or {}),
        }
        for a in answers
    ]
    return out


def ratings_given(timeline: list[dict]) -> dict:
    """The "ratings given" summary of a timeline: how many, their mean and how many were 1-2."""
    levels = [e["level"] for e in timeline if e["kind"] == "rating" and not e["excluded"]]
    return {
        "count": len(levels),
        "mean": round(sum(levels) / len(levels), 1) if levels else None,
        "bad": sum(1 for v in levels if v <= 2),
        "questionnaires": sum(1 for e in timeline if e["kind"] == "questionnaire"),
    }


def person_timeline(*, person: Person, viewer_id: int | None = None) -> list[dict]:
    """One history per person, newest first: tickets (wait, outcome, rating), bookings (no-shows), ratings
    given and questionnaires answered, and the entries other apps registered (feedback). ``viewer_id``:
    the member of staff looking, who never sees the ratings of services they gave."""
    entries = (
        _ticket_entries(person, viewer_id) + _appointment_entries(person) + _rating_entries(person, viewer_id)
    )
    for source in TIMELINE_SOURCES.values():
        entries += source(person)
    return sorted(entries, key=lambda e: e["at"], reverse=True)


def ticket_hint(*, person: Person, ticket) -> dict:
    """The console's line about the person at the window: how many earlier visits, the last one's day,
    whether it was for the same matter and how it ended: "来过 3 次，上次 11-28 同一事项 (材料不全)"."""
    earlier = [t for t in person_tickets(person).exclude(pk=ticket.pk) if t.issued_at < ticket.issued_at]
    if not earlier:
        return {"visits": 0, "text": _("First visit")}
    last = earlier[0]
    same = last.service_id == ticket.service_id
    local = timezone.localtime(last.issued_at, person.hall.tzinfo)
    parts = {"n": len(earlier), "day": local.strftime("%m-%d")}
    if same:
        text = ngettext(
            "Came %(n)s time, last on %(day)s, same matter",
            "Came %(n)s times, last on %(day)s, same matter",
            len(earlier),
        )
    else:
        text = ngettext("Came %(n)s time, last on %(day)s", "Came %(n)s times, last on %(day)s", len(earlier))
    text = text % parts
    if last.outcome:
        text += f" ({last.get_outcome_display()})"
    window = settings_get(hall=person.hall).repeat_window_days
    repeat = same and (ticket.issued_at - last.issued_at) <= datetime.timedelta(days=window)
    return {
        "visits": len(earlier),
        "last_day": local.date().isoformat(),
        "same_matter": same,
        "last_outcome": last.outcome,
        "repeat_within_window": repeat,
        "text": text,
    }


def item_collected_fields(*, item) -> list[str]:
    """The personal fields identification may ask for on ``item`` (every field while the hall has set
    none for it, see ``ItemCollection``)."""
    from servicehall.customers.choices import PersonalField
    from servicehall.customers.models import ItemCollection

    row = ItemCollection.objects.filter(item=item).first()
    return list(PersonalField.values) if row is None else [f for f in PersonalField.values if f in row.fields]


def items_collected_fields(*, hall: Hall) -> dict[int, list[str]]:
    """``item_collected_fields`` of every item of the hall that has a row (the others collect all)."""
    from servicehall.customers.models import ItemCollection

    return dict(ItemCollection.objects.filter(hall=hall).values_list("item_id", "fields"))
