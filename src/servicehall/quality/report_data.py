"""What the service-quality report reads from the database: the scope (a hall, a period, optionally one
window, clerk or service item) and its tickets, the objective figures per unit in a fixed number of grouped
queries, the questionnaire answers of the period as one numpy matrix (read through the cursor: a year is
200,000 responses), the monthly trend, and what the methods appendix names. Reads only: the scoring is in
``scoring`` (no database), the assembly in ``report``, and the monthly files are written by
``services.reports``.
"""

import datetime
import json
from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Avg, Case, CharField, Count, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, Substr

from servicehall.appointments.choices import AppointmentStatus
from servicehall.appointments.models import Appointment
from servicehall.cases.selectors import on_time_by_unit
from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Counter, Hall
from servicehall.feedback.selectors import complaints_by_unit
from servicehall.quality import scoring, selectors
from servicehall.quality.choices import (
    BAD_LEVELS,
    CLEANING_RULE_LABELS,
    GOOD_LEVELS,
    RI_TABLE_LABELS,
    SystemStatus,
    label_of,
)
from servicehall.quality.models import (
    CleaningRun,
    IndicatorSystem,
    Judgement,
    Questionnaire,
    QuestionnaireResponse,
    Rating,
)
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import Ticket


@dataclass(frozen=True)
class Scope:
    """What the report covers: a hall and a period, optionally one counter, clerk or service item."""

    hall: Hall
    date_from: datetime.date
    date_to: datetime.date
    counter_id: int | None = None
    clerk_id: int | None = None
    service_id: int | None = None

    def previous(self) -> "Scope":
        days = (self.date_to - self.date_from).days + 1
        return Scope(
            self.hall,
            self.date_from - datetime.timedelta(days=days),
            self.date_from - datetime.timedelta(days=1),
            self.counter_id,
            self.clerk_id,
            self.service_id,
        )

    def span(self) -> tuple[datetime.datetime, datetime.datetime]:
        return selectors.day_span(hall=self.hall, date_from=self.date_from, date_to=self.date_to)

    def tickets(self):
        qs = Ticket.objects.filter(hall=self.hall, day__gte=self.date_from, day__lte=self.date_to)
        if self.counter_id:
            qs = qs.filter(counter_id=self.counter_id)
        if self.clerk_id:
            qs = qs.filter(clerk_id=self.clerk_id)
        if self.service_id:
            qs = qs.filter(service_id=self.service_id)
        return qs


UNIT_FIELDS = {"counter": "counter_id", "clerk": "clerk_id", "service": "service_id"}


# ---------------------------------------------------------------- objective figures


def objective_values(scope: Scope) -> dict[str, float | None]:
    """The operational figures the objective indicators are computed from (None: no data)."""
    return objective_by_unit(scope, None).get(None) or scoring.objective_row(np.empty(0), {}, {}, {}, {})


def objective_by_unit(scope: Scope, field: str | None) -> dict:
    """``objective_values`` for every window, clerk or service item at once (``field``: ``counter_id``,
    ``clerk_id`` or ``service_id``; None: the scope as one group, keyed None): a fixed number of grouped
    queries whatever the number of units, so a ranking costs what one report costs."""
    tickets = scope.tickets()

    def grouped(qs, key: str | None = None, **aggregates) -> dict:
        key = key or field
        if field is None:
            return {None: qs.aggregate(**aggregates)}
        return {row[key]: row for row in qs.values(key).annotate(**aggregates).order_by()}

    waits = _waits_by_unit(tickets, field)
    counts = grouped(
        tickets,
        issued=Count("id"),
        completed=Count("id", filter=Q(status=TicketStatus.COMPLETED)),
        no_show=Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
        abandoned=Count("id", filter=Q(status=TicketStatus.CANCELLED, called_at__isnull=True)),
    )
    # A rating belongs to its ticket's window, clerk and service (grouped through the ticket).
    ratings = grouped(
        Rating.objects.filter(ticket__in=tickets, excluded=False, is_default=False),
        f"ticket__{field}" if field else None,
        active=Count("id"),
        good=Count("id", filter=Q(level__in=GOOD_LEVELS)),
        bad=Count("id", filter=Q(level__in=BAD_LEVELS)),
    )
    standard = _within_standard(scope, tickets, grouped)
    appts = Appointment.objects.filter(
        hall=scope.hall,
        day__gte=scope.date_from,
        day__lte=scope.date_to,
        status=AppointmentStatus.CHECKED_IN,
    )
    if scope.service_id:
        appts = appts.filter(service_id=scope.service_id)
    punctual = (
        grouped(appts, n=Count("id"), late=Count("id", filter=Q(checked_in_late=True)))
        if field in (None, "service_id")
        else None
    )
    hall_wide = (
        None
        if punctual is not None
        else appts.aggregate(n=Count("id"), late=Count("id", filter=Q(checked_in_late=True)))
    )
    since, until = scope.span()
    complaints = complaints_by_unit(
        hall=scope.hall,
        since=since,
        until=until,
        field=field,
        counter_id=scope.counter_id,
        clerk_id=scope.clerk_id,
        service_id=scope.service_id,
    )
    cases = on_time_by_unit(
        hall=scope.hall,
        since=since,
        until=until,
        field=field,
        counter_id=scope.counter_id,
        clerk_id=scope.clerk_id,
        service_id=scope.service_id,
    )
    return {
        unit: scoring.objective_row(
            waits.get(unit, np.empty(0)),
            c,
            ratings.get(unit, {}),
            standard.get(unit, {}),
            hall_wide if punctual is None else punctual.get(unit, {}),
            complaints.get(unit, 0),
            cases.get(unit, (0, 0)),
        )
        for unit, c in counts.items()
    }


def _waits_by_unit(tickets, field: str | None) -> dict:
    """Waiting times in minutes per unit, as numpy arrays, streamed (a year is a million of them)."""
    qs = tickets.filter(wait_seconds__isnull=False).order_by()
    if field is None:
        return {None: _float_rows(qs.values_list("wait_seconds"), 1)[:, 0] / 60}
    flat = _float_rows(qs.annotate(unit=Coalesce(field, -1)).values_list("unit", "wait_seconds"), 2)
    if not flat.size:
        return {}
    flat = flat[np.argsort(flat[:, 0], kind="stable")]
    units, starts = np.unique(flat[:, 0], return_index=True)
    return {
        None if u == -1 else int(u): part / 60
        for u, part in zip(units, np.split(flat[:, 1], starts[1:]), strict=True)
    }


def _float_rows(values_list, width: int) -> np.ndarray:
    """The rows of a ``values_list`` of numbers as one float matrix, read through the cursor 50,000 rows at
    a time: a year's waits are a million rows, and the ORM's row-by-row iterator spent seconds on them."""
    sql, params = values_list.query.sql_with_params()
    blocks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(50000):
            blocks.append(np.array(batch, dtype=float))
    return np.vstack(blocks) if blocks else np.empty((0, width))


def _within_standard(scope: Scope, tickets, grouped) -> dict:
    """Per unit: services done within their item's standard time (``ok``) of the services of items that
    have one (``n``), one query: each item's standard becomes a CASE on the ticket's service id."""
    standards = dict(
        ServiceItem.objects.filter(hall=scope.hall, standard_minutes__gt=0).values_list(
            "id", "standard_minutes"
        )
    )
    if scope.service_id:
        standards = {k: v for k, v in standards.items() if k == scope.service_id}
    if not standards:
        return {}
    limit = Case(
        *[When(service_id=sid, then=Value(minutes * 60)) for sid, minutes in standards.items()],
        output_field=IntegerField(),
    )
    return grouped(
        tickets.filter(
            status=TicketStatus.COMPLETED, service_id__in=list(standards), service_seconds__isnull=False
        ),
        n=Count("id"),
        ok=Count("id", filter=Q(service_seconds__lte=limit)),
    )


# ---------------------------------------------------------------- questionnaire answers


def period_answers(questionnaire: Questionnaire, scope: Scope) -> tuple[np.ndarray, list]:
    """The answers of the scope's responses the latest cleaning run kept, one column per rated item
    (``scoring.RATED_KINDS``, in the questionnaire's order), and each row's ``submitted_at``."""
    responses, flagged = _period_responses(questionnaire, scope)
    keys = [i["key"] for i in questionnaire.items if i["kind"] in scoring.RATED_KINDS]
    matrix, extras = _read_answers(responses, keys, questionnaire.scale, flagged)
    return matrix, [at for (at,) in extras]


def unit_answers(
    questionnaire: Questionnaire, scope: Scope, field: str
) -> tuple[list[dict], np.ndarray, list]:
    """For a ranking: the performance items, their answers about tickets of the period (as one unit's
    report reads them through its tickets) and each row's unit (the ticket's ``field``)."""
    responses, flagged = _period_responses(questionnaire, scope)
    items = [i for i in questionnaire.items if i["kind"] in scoring.PERFORMANCE_KINDS]
    linked = responses.filter(ticket__day__gte=scope.date_from, ticket__day__lte=scope.date_to)
    matrix, extras = _read_answers(
        linked, [i["key"] for i in items], questionnaire.scale, flagged, f"ticket__{field}"
    )
    return items, matrix, [unit for _at, unit in extras]


def _period_responses(questionnaire: Questionnaire, scope: Scope):
    """The scope's responses to the questionnaire, and the ids the latest cleaning run flagged."""
    since, until = scope.span()
    responses = QuestionnaireResponse.objects.filter(
        questionnaire=questionnaire, submitted_at__gte=since, submitted_at__lt=until
    )
    if scope.counter_id or scope.clerk_id or scope.service_id:
        responses = responses.filter(ticket__in=scope.tickets())
    run = latest_cleaning_run(questionnaire)
    return responses, ({int(k) for k in run.flags} if run else set())


def latest_cleaning_run(questionnaire: Questionnaire | None) -> CleaningRun | None:
    if questionnaire is None:
        return None
    return CleaningRun.objects.filter(questionnaire=questionnaire).order_by("-created_at").first()


def _read_answers(
    responses, keys: list[str], scale: int, flagged: set, *extra: str
) -> tuple[np.ndarray, list]:
    """The answers to ``keys`` of the responses the cleaning kept, as one float matrix (NaN: missing, or
    outside 1..scale, as a paper form typed wrong), converted 10,000 rows at a time; and per row its
    ``submitted_at`` and the ``extra`` fields."""
    nan = float("nan")
    blocks: list[np.ndarray] = []
    batch: list[list] = []
    extras: list[tuple] = []
    for pk, answers, at, *more in _raw_answers(responses, *extra):
        if pk in flagged:
            continue
        batch.append([answers.get(key, nan) for key in keys])
        extras.append((at, *more))
        if len(batch) == 10000:
            blocks.append(_answer_block(batch))
            batch = []
    if batch:
        blocks.append(_answer_block(batch))
    matrix = np.vstack(blocks) if blocks else np.empty((0, len(keys)))
    with np.errstate(invalid="ignore"):
        matrix[(matrix < 1) | (matrix > scale)] = np.nan
    return matrix, extras


def _answer_block(batch: list[list]) -> np.ndarray:
    """Rows of answers as floats in one conversion; only a batch holding something that is not a number
    (a null, a word typed from paper) is converted value by value, that value becoming NaN."""
    try:
        return np.array(batch, dtype=float)
    except (TypeError, ValueError):

        def number(v):  # as numpy reads a value in the fast path; what it cannot read is missing
            try:
                return float(v) if not isinstance(v, bool) else float("nan")
            except (TypeError, ValueError):
                return float("nan")

        return np.array([[number(v) for v in row] for row in batch], dtype=float)


def _raw_answers(responses, *extra: str):
    """(id, answers, submitted_at, *extra fields) of the responses through the database cursor, without the
    ORM's per-row converters (a year of answers is 200,000 rows): the answers come as JSON text (also from
    PostgreSQL's jsonb) and each block of 10,000 is decoded by one ``json.loads``, a third of the cost of
    one call per row."""
    rows = responses.annotate(answers_text=Cast("answers", TextField())).values_list(
        "id", "answers_text", "submitted_at", *extra
    )
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(10000):
            decoded = json.loads("[" + ",".join(row[1] or "{}" for row in batch) + "]")
            for (pk, _text, at, *more), answers in zip(batch, decoded, strict=True):
                if isinstance(at, str):  # SQLite without its converters: the stored UTC text
                    at = datetime.datetime.fromisoformat(at[:19])
                if at.tzinfo is None:  # SQLite stores UTC without an offset
                    at = at.replace(tzinfo=datetime.UTC)
                yield pk, answers, at, *more


def published_questionnaire(system: IndicatorSystem, scope: Scope | None = None) -> Questionnaire | None:
    """The published questionnaire of this system that was answered most in the scope's period (a period
    answered under an older version keeps its answers after a new one is published); without answers,
    the newest published one. A draft has no answers yet."""
    published = Questionnaire.objects.filter(system=system, status=SystemStatus.PUBLISHED)
    if scope is not None:
        since, until = scope.span()
        inside = Q(responses__submitted_at__gte=since, responses__submitted_at__lt=until)
        answered = (
            published.annotate(n=Count("responses", filter=inside))
            .filter(n__gt=0)
            .order_by("-n", "-published_at", "-pk")
            .first()
        )
        if answered is not None:
            return answered
    return published.order_by("-published_at", "-pk").first()


# ---------------------------------------------------------------- trend, units, methods


def monthly_trend(scope: Scope) -> list[dict]:
    """Per calendar month of the period: services, mean wait (minutes) and the good-rating rate, in two
    queries (one scan of the tickets, one of the ratings)."""
    months = scoring.months(scope.date_from, scope.date_to)
    # Tickets: grouped on the date's text "YYYY-MM" (native in both databases; TruncMonth would call Python
    # per row on SQLite). Ratings: a filtered count per month on their own timestamp (no join to tickets).
    by_month = {
        row["m"]: row
        for row in scope.tickets()
        .annotate(m=Substr(Cast("day", CharField()), 1, 7))
        .values("m")
        .annotate(s=Count("id", filter=Q(status=TicketStatus.COMPLETED)), w=Avg("wait_seconds"))
    }
    t = {}
    for n, (label, _a, _b) in enumerate(months):
        row = by_month.get(label) or {}
        t[f"s{n}"], t[f"w{n}"] = row.get("s"), row.get("w")
    tz = scope.hall.tzinfo
    ratings = Rating.objects.filter(hall=scope.hall, excluded=False, is_default=False)
    for field, value in (
        ("counter_id", scope.counter_id),
        ("clerk_id", scope.clerk_id),
        ("service_id", scope.service_id),
    ):
        if value:
            ratings = ratings.filter(**{field: value})
    ragg = {}
    for n, (_label, a, b) in enumerate(months):
        inside = Q(
            served_at__gte=datetime.datetime.combine(a, datetime.time(), tzinfo=tz),
            served_at__lt=datetime.datetime.combine(b, datetime.time(), tzinfo=tz),
        )
        ragg[f"a{n}"] = Count("id", filter=inside)
        ragg[f"g{n}"] = Count("id", filter=inside & Q(level__in=GOOD_LEVELS))
    r = ratings.aggregate(**ragg) if ragg else {}
    out = []
    for n, (label, _a, _b) in enumerate(months):
        if not t.get(f"s{n}") and t.get(f"w{n}") is None:
            continue
        wait = t.get(f"w{n}")
        out.append(
            {
                "month": label,
                "services": t.get(f"s{n}") or 0,
                "wait_minutes": round(wait / 60, 1) if wait else None,
                "good_rate": scoring.pct(r.get(f"g{n}") or 0, r.get(f"a{n}") or 0),
            }
        )
    return out


def clerks_served(scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of the staff who served tickets in the period: the clerks a report can rank or scope."""
    ids = (
        scope.tickets()
        .filter(clerk_id__isnull=False)
        .values_list("clerk_id", flat=True)
        .distinct()
        .order_by()
    )
    return [
        (u.pk, u.display_name or u.get_username())
        for u in get_user_model().objects.filter(pk__in=list(ids)).order_by("username")
    ]


def ranked_units(scope: Scope, by: str) -> list[tuple[int, str]]:
    """(id, label) of the units a ranking compares: the hall's active windows or service items, or the
    clerks who served in the period."""
    if by == "counter":
        return [(c.pk, f"{c.number} {c.name}") for c in Counter.objects.filter(hall=scope.hall, active=True)]
    if by == "service":
        return [(i.pk, i.name) for i in ServiceItem.objects.filter(hall=scope.hall, active=True)]
    if by == "clerk":
        return clerks_served(scope)
    raise ValueError("rank by counter, clerk or service")


def methods(system: IndicatorSystem, questionnaire: Questionnaire | None) -> dict:
    """The methods appendix: the AHP judgements behind the weights and the latest cleaning run."""
    judgements = [
        {
            "parent": j.parent.code if j.parent else None,
            "expert": j.expert.display_name or j.expert.get_username(),
            "cr": round(j.cr, 4),
            "ri_table": j.ri_table,
        }
        for j in Judgement.objects.filter(system=system).select_related("parent", "expert")
    ]
    run = latest_cleaning_run(questionnaire)
    return {
        "judgements": judgements,
        "ri_table": system.ri_table,
        "ri_table_name": label_of(RI_TABLE_LABELS, system.ri_table),
        "cleaning": {
            "total": run.total,
            "valid": run.valid,
            "valid_rate": run.valid_rate,
            "counts": run.counts,
            "rules": run.rules,
            # Each rule's label with the responses it removed, for pages and the PDF.
            "removed": [(label_of(CLEANING_RULE_LABELS, k), v) for k, v in run.counts.items()],
            "at": run.created_at,
        }
        if run
        else None,
        "operator": "weighted_average",
        "system_version": system.version,
    }
