"""The service-quality report's numbers (服务质量报告): every measured indicator scored 0-100, dimension
scores, the composite index and its change against the previous period of the same length, the weakest
indicators with their evidence, reliability and validity of the questionnaire, the 好差评 figures and a
methods appendix. A read: it computes, it writes nothing (pages, the PDF, the CSV and the monthly job
all call ``report_build``).

Scoring:
- an objective indicator maps its value linearly from ``worst`` (0) to ``best`` (100), clamped;
- a subjective indicator is the mean of its questionnaire items over the valid responses of the latest
  cleaning run (all responses when none was run), mapped from 1..scale to 0-100;
- the composite index is the weighted mean of the scored indicators by their global weights, re-normalised
  over the indicators that have data (the report lists those without).
"""

import bisect
import datetime
from dataclasses import dataclass

import numpy as np
from django.db.models import Avg, Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from servicehall.core.models import Hall
from servicehall.quality import descriptive, reliability, selectors
from servicehall.quality.choices import BAD_LEVELS, GOOD_LEVELS, IndicatorKind, Metric
from servicehall.quality.models import (
    CleaningRun,
    IndicatorSystem,
    Questionnaire,
    QuestionnaireResponse,
    Rating,
)


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
        from servicehall.queueing.models import Ticket

        qs = Ticket.objects.filter(hall=self.hall, day__gte=self.date_from, day__lte=self.date_to)
        if self.counter_id:
            qs = qs.filter(counter_id=self.counter_id)
        if self.clerk_id:
            qs = qs.filter(clerk_id=self.clerk_id)
        if self.service_id:
            qs = qs.filter(service_id=self.service_id)
        return qs


UNIT_FIELDS = {"counter": "counter_id", "clerk": "clerk_id", "service": "service_id"}


def objective_values(scope: Scope) -> dict[str, float | None]:
    """The operational figures the objective indicators are computed from (None: no data)."""
    return objective_by_unit(scope, None).get(None) or _objective_row(np.empty(0), {}, {}, {}, {})


def objective_by_unit(scope: Scope, field: str | None) -> dict:
    """``objective_values`` for every window, clerk or service item at once (``field``: ``counter_id``,
    ``clerk_id`` or ``service_id``; None: the scope as one group, keyed None): a fixed number of grouped
    queries whatever the number of units, so a ranking costs what one report costs."""
    from servicehall.appointments.models import Appointment
    from servicehall.queueing.choices import TicketStatus

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
        hall=scope.hall, day__gte=scope.date_from, day__lte=scope.date_to, status="checked_in"
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
    return {
        unit: _objective_row(
            waits.get(unit, np.empty(0)),
            c,
            ratings.get(unit, {}),
            standard.get(unit, {}),
            hall_wide if punctual is None else punctual.get(unit, {}),
        )
        for unit, c in counts.items()
    }


def _waits_by_unit(tickets, field: str | None) -> dict:
    """Waiting times in minutes per unit, as numpy arrays, streamed (a year is a million of them)."""
    qs = tickets.filter(wait_seconds__isnull=False).order_by()
    if field is None:
        return {None: _float_rows(qs.values_list("wait_seconds"), 1)[:, 0] / 60}
    from django.db.models.functions import Coalesce

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
    from django.db import connection

    sql, params = values_list.query.sql_with_params()
    blocks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(50000):
            blocks.append(np.array(batch, dtype=float))
    return np.vstack(blocks) if blocks else np.empty((0, width))


def _objective_row(waits: np.ndarray, c: dict, ratings: dict, standard: dict, appts: dict) -> dict:
    completed = c.get("completed") or 0
    return {
        Metric.WAIT_MEAN: round(float(waits.mean()), 2) if waits.size else None,
        Metric.WAIT_P90: round(float(np.percentile(waits, 90)), 2) if waits.size else None,
        Metric.SERVICE_VS_STANDARD: _pct(standard.get("ok") or 0, standard.get("n") or 0),
        Metric.NO_SHOW_RATE: _pct(c.get("no_show") or 0, completed + (c.get("no_show") or 0)),
        Metric.ABANDON_RATE: _pct(c.get("abandoned") or 0, c.get("issued") or 0),
        Metric.APPOINTMENT_PUNCTUALITY: _pct(
            (appts.get("n") or 0) - (appts.get("late") or 0), appts.get("n") or 0
        ),
        Metric.GOOD_RATING_RATE: _pct(ratings.get("good") or 0, ratings.get("active") or 0),
        Metric.COMPLAINTS_PER_1000: round(1000 * (ratings.get("bad") or 0) / completed, 2)
        if completed
        else None,
        Metric.ON_TIME_CASES: None,
        "services": completed,
    }


def _within_standard(scope: Scope, tickets, grouped) -> dict:
    """Per unit: services done within their item's standard time (``ok``) of the services of items that
    have one (``n``), one query: each item's standard becomes a CASE on the ticket's service id."""
    from servicehall.catalog.models import ServiceItem
    from servicehall.queueing.choices import TicketStatus

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


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def score_linear(value: float | None, best: float | None, worst: float | None) -> float | None:
    """0 at ``worst``, 100 at ``best``, linear between, clamped (works for either direction)."""
    if value is None or best is None or worst is None or best == worst:
        return None
    return round(max(0.0, min(100.0, 100 * (value - worst) / (best - worst))), 1)


def subjective_scores(questionnaire: Questionnaire | None, scope: Scope) -> tuple[dict, dict]:
    """Per indicator code: the 0-100 score from the valid responses of the period, with n and the mean; and
    the answers as one matrix (rows respondents, columns the Likert items; NaN where missing or out of
    range) for reliability. Streams the responses: a year of 200,000 stays a few tens of megabytes."""
    if questionnaire is None:
        return {}, {}
    tz = scope.hall.tzinfo
    responses, flagged = _period_responses(questionnaire, scope)
    # Every rated item is read; the scores use the performance items (Likert statements, SERVQUAL
    # perceptions), importance and expectation items feed the IPA and the SERVQUAL gaps.
    rated = [
        i for i in questionnaire.items if i["kind"] in ("likert", "perception", "expectation", "importance")
    ]
    all_keys = [i["key"] for i in rated]
    perf_cols = [c for c, i in enumerate(rated) if i["kind"] in ("likert", "perception")]
    items = [rated[c] for c in perf_cols]
    keys = [i["key"] for i in items]
    scale = questionnaire.scale
    months = _months(scope)
    starts = [datetime.datetime.combine(a, datetime.time(), tzinfo=tz) for _label, a, _b in months]
    everything, extras = _read_answers(responses, all_keys, scale, flagged)
    month_of = [max(bisect.bisect_right(starts, at) - 1, 0) for (at,) in extras]
    matrix = everything[:, perf_cols]
    # Per month: the mean of every rated answer, on 0-100 (the trend of what citizens said).
    by_month = {}
    if month_of:
        index = np.asarray(month_of)
        for n, (label, _a, _b) in enumerate(months):
            chosen = matrix[index == n]
            if chosen.size and np.count_nonzero(~np.isnan(chosen)):
                by_month[label] = _to_score(float(np.nanmean(chosen)), scale)
    scores = {}
    for code, cols in _columns_by_indicator(items).items():
        values = matrix[:, cols].ravel()
        values = values[~np.isnan(values)]
        if values.size:
            d = descriptive.describe(values, levels=range(1, scale + 1))
            scores[code] = {
                "score": _to_score(d.mean, scale),
                "n": d.n,
                "mean": round(d.mean, 3),
                "sd": d.sd,
                "ci_low": d.ci_low,
                "ci_high": d.ci_high,
                "distribution": d.distribution,
            }
    importance = {}
    for c, item in enumerate(rated):
        if item["kind"] == "importance" and np.count_nonzero(~np.isnan(everything[:, c])):
            importance[item["indicator"]] = float(np.nanmean(everything[:, c]))
    column = {key: c for c, key in enumerate(all_keys)}
    pairs = [
        (column[k[:-2] + ".p"], column[k]) for k in all_keys if k.endswith(".e") and k[:-2] + ".p" in column
    ]
    servqual = (
        {
            "keys": [all_keys[p][:-2] for p, _e in pairs],
            "perception": everything[:, [p for p, _e in pairs]],
            "expectation": everything[:, [e for _p, e in pairs]],
        }
        if pairs
        else None
    )
    return scores, {
        "keys": keys,
        "matrix": matrix,
        "by_month": by_month,
        "importance": importance,
        "servqual": servqual,
    }


def _period_responses(questionnaire: Questionnaire, scope: Scope):
    """The scope's responses to the questionnaire, and the ids the latest cleaning run flagged."""
    since, until = scope.span()
    responses = QuestionnaireResponse.objects.filter(
        questionnaire=questionnaire, submitted_at__gte=since, submitted_at__lt=until
    )
    if scope.counter_id or scope.clerk_id or scope.service_id:
        responses = responses.filter(ticket__in=scope.tickets())
    run = CleaningRun.objects.filter(questionnaire=questionnaire).order_by("-created_at").first()
    return responses, ({int(k) for k in run.flags} if run else set())


def _subjective_by_unit(questionnaire: Questionnaire | None, scope: Scope, field: str) -> dict:
    """Per unit (the ticket's window, clerk or service item): each subjective indicator's 0-100 score, as
    ``subjective_scores`` computes it for one scope, from one pass over the period's answers."""
    if questionnaire is None:
        return {}
    responses, flagged = _period_responses(questionnaire, scope)
    items = [i for i in questionnaire.items if i["kind"] in ("likert", "perception")]
    scale = questionnaire.scale
    # As for one unit's report: answers about tickets of the period (a unit's report reads them through its
    # tickets).
    linked = responses.filter(ticket__day__gte=scope.date_from, ticket__day__lte=scope.date_to)
    matrix, extras = _read_answers(linked, [i["key"] for i in items], scale, flagged, f"ticket__{field}")
    if not extras:
        return {}
    unit_of = np.asarray([-1 if unit is None else unit for _at, unit in extras])
    columns = _columns_by_indicator(items)
    out: dict = {}
    for unit in np.unique(unit_of):
        rows = matrix[unit_of == unit]
        scores = {}
        for code, cols in columns.items():
            values = rows[:, cols]
            if np.count_nonzero(~np.isnan(values)):
                mean = float(np.nanmean(values))
                scores[code] = {"score": _to_score(mean, scale), "mean": round(mean, 3)}
        out[None if unit == -1 else int(unit)] = scores
    return out


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


def _columns_by_indicator(items: list[dict]) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for c, item in enumerate(items):
        columns.setdefault(item["indicator"], []).append(c)
    return columns


def _to_score(mean: float, scale: int) -> float:
    """A mean answer on 1..scale as 0-100."""
    return round(100 * (mean - 1) / (scale - 1), 1)


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
    import json

    from django.db import connection
    from django.db.models import TextField
    from django.db.models.functions import Cast

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


def fuzzy_evaluation(
    system: IndicatorSystem,
    questionnaire: Questionnaire | None,
    answers: dict,
    *,
    operator: str = "weighted_average",
) -> dict | None:
    """Two-level fuzzy comprehensive evaluation (模糊综合评价) of the questionnaire answers: per dimension,
    R = the share of answers at each grade (best first) per subjective indicator, W = their local weights
    re-normalised, B = W ∘ R; then the dimensions' B as R with the dimension weights. The operator is
    recorded; scores read B against grade points 100 … 100/scale."""
    from servicehall.quality import fuzzy

    if questionnaire is None or not answers or not answers["keys"] or answers["matrix"].shape[0] == 0:
        return None
    matrix, scale = answers["matrix"], questionnaire.scale
    column = {k: c for c, k in enumerate(answers["keys"])}
    indicator_of = {i["key"]: i["indicator"] for i in questionnaire.items}
    points = [100 * (scale - g) / scale for g in range(scale)]
    dims = []
    for dimension in selectors.tree(system=system):
        rows, weights = [], []
        for leaf in _leaves(dimension):
            cols = [column[k] for k in answers["keys"] if indicator_of[k] == leaf["code"]]
            values = matrix[:, cols].ravel() if cols else np.array([])
            values = values[~np.isnan(values)]
            if values.size == 0:
                continue
            rows.append(
                [float(np.count_nonzero(values == grade)) / values.size for grade in range(scale, 0, -1)]
            )
            weights.append(leaf["weight"])
        if not rows or sum(weights) <= 0:
            continue
        w = [x / sum(weights) for x in weights]
        b = fuzzy.fuzzy_evaluate(w, rows, operator=operator)
        dims.append(
            {
                "code": dimension["code"],
                "name": dimension["name"],
                "weight": dimension["weight"],
                "b": [round(x, 4) for x in b],
                "score": round(fuzzy.score(b, points), 1),
            }
        )
    if not dims:
        return None
    total = sum(d["weight"] for d in dims)
    overall = fuzzy.fuzzy_evaluate(
        [d["weight"] / total for d in dims], [d["b"] for d in dims], operator=operator
    )
    return {
        "operator": operator,
        "grades": points,
        "dimensions": dims,
        "b": [round(x, 4) for x in overall],
        "score": round(fuzzy.score(overall, points), 1),
    }


def _months(scope: Scope) -> list[tuple[str, datetime.date, datetime.date]]:
    """The calendar months of the period as (label, first day, day after the last), clipped to the period."""
    out, first = [], scope.date_from
    while first <= scope.date_to:
        nxt = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        out.append((f"{first:%Y-%m}", first, min(nxt, scope.date_to + datetime.timedelta(days=1))))
        first = nxt
    return out


def monthly_trend(scope: Scope) -> list[dict]:
    """Per calendar month of the period: services, mean wait (minutes) and the good-rating rate, in two
    queries (one scan of the tickets, one of the ratings)."""
    from django.db.models import CharField
    from django.db.models.functions import Cast, Substr

    from servicehall.queueing.choices import TicketStatus

    months = _months(scope)
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
                "good_rate": _pct(r.get(f"g{n}") or 0, r.get(f"a{n}") or 0),
            }
        )
    return out


def report_build(
    *,
    system: IndicatorSystem,
    scope: Scope,
    questionnaire: Questionnaire | None = None,
    with_previous: bool = True,
    fuzzy_operator: str | None = None,
) -> dict:
    questionnaire = questionnaire or _published_questionnaire(system, scope)
    values = objective_values(scope)
    subjective, answers = subjective_scores(questionnaire, scope)
    tree = selectors.tree(system=system)
    rows, missing, index, dimensions = _scored(tree, values, subjective)
    # The weakest: what costs the index most (weight x shortfall from 100).
    weakest = sorted(
        (r for r in rows if r["score"] < 100), key=lambda r: r["weight"] * (100 - r["score"]), reverse=True
    )[:5]
    previous = None
    if with_previous:
        previous = report_build(system=system, scope=scope.previous(), with_previous=False)["index"]
    return {
        "scope": scope,
        "system": system,
        "questionnaire": questionnaire,
        "index": index,
        "previous_index": previous,
        "change": round(index - previous, 1) if index is not None and previous is not None else None,
        "dimensions": dimensions,
        "indicators": rows,
        "missing": missing,
        "weakest": weakest,
        "objective": values,
        "reliability": _reliability(system, questionnaire, answers),
        "ratings": selectors.rating_statistics(
            hall=scope.hall, date_from=scope.date_from, date_to=scope.date_to
        ),
        "methods": _methods(system, questionnaire) | {"operator": fuzzy_operator or "weighted_average"},
        "fuzzy": fuzzy_evaluation(system, questionnaire, answers, operator=fuzzy_operator)
        if fuzzy_operator
        else None,
        "ipa": _ipa(rows, answers),
        "servqual": _servqual(system, questionnaire, answers),
        "trend": [
            m | {"satisfaction": answers.get("by_month", {}).get(m["month"]) if answers else None}
            for m in monthly_trend(scope)
        ]
        if with_previous
        else [],
    }


def _scored(tree: list[dict], values: dict, subjective: dict) -> tuple[list, list, float | None, list]:
    """Every indicator scored 0-100 with its evidence (``rows``; ``missing``: no data), the composite index
    (the weighted mean over the indicators with data) and the dimensions' scores."""
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")

    def name(node: dict) -> str:  # the indicator's English name on an English page, where it has one
        return node.get("name_en") if english and node.get("name_en") else node["name"]

    rows, missing = [], []
    for dimension in tree:
        for leaf in _leaves(dimension):
            if leaf["kind"] == IndicatorKind.OBJECTIVE:
                value = values.get(leaf["metric"])
                score = score_linear(value, leaf["best"], leaf["worst"])
                evidence = {
                    "value": value,
                    "metric": leaf["metric"],
                    "metric_name": str(Metric(leaf["metric"]).label),
                    "best": leaf["best"],
                    "worst": leaf["worst"],
                }
            else:
                found = subjective.get(leaf["code"])
                score = found["score"] if found else None
                evidence = found or {}
            row = {
                "dimension": dimension["code"],
                "dimension_name": name(dimension),
                "code": leaf["code"],
                "name": name(leaf),
                "kind": leaf["kind"],
                "weight": leaf["global_weight"],
                "score": score,
                "evidence": evidence,
            }
            (rows if score is not None else missing).append(row)
    weight = sum(r["weight"] for r in rows)
    index = round(sum(r["weight"] * r["score"] for r in rows) / weight, 1) if weight else None
    dimensions = []
    for dimension in tree:
        mine = [r for r in rows if r["dimension"] == dimension["code"]]
        w = sum(r["weight"] for r in mine)
        dimensions.append(
            {
                "code": dimension["code"],
                "name": name(dimension),
                "weight": dimension["weight"],
                "score": round(sum(r["weight"] * r["score"] for r in mine) / w, 1) if w else None,
            }
        )
    return rows, missing, index, dimensions


def _ipa(rows: list[dict], answers: dict) -> dict | None:
    """Importance–performance quadrants of the subjective indicators that have both a stated importance
    (the questionnaire's importance items) and a score: what to fix first."""
    importance = (answers or {}).get("importance") or {}
    scored = [r for r in rows if r["kind"] == IndicatorKind.SUBJECTIVE and r["code"] in importance]
    if len(scored) < 2:
        return None
    result = descriptive.importance_performance(
        [importance[r["code"]] for r in scored], [r["evidence"]["mean"] for r in scored]
    )
    return {
        "importance_mean": result.importance_mean,
        "performance_mean": result.performance_mean,
        "points": [
            {
                "code": r["code"],
                "name": r["name"],
                "importance": round(importance[r["code"]], 3),
                "performance": r["evidence"]["mean"],
                "quadrant": q,
            }
            for r, q in zip(scored, result.quadrants, strict=True)
        ],
    }


def _servqual(system, questionnaire, answers: dict) -> dict | None:
    """SERVQUAL gaps (perception − expectation) per item and per dimension, when the questionnaire asked
    both; None otherwise, or when no respondent answered both sides of every item."""
    pairs = (answers or {}).get("servqual")
    if not pairs or not pairs["keys"]:
        return None
    indicator = {i["key"][:-2]: i["indicator"] for i in questionnaire.items if i["kind"] == "perception"}
    text = {i["key"][:-2]: i["text"] for i in questionnaire.items if i["kind"] == "perception"}
    leaf_dim = {leaf["code"]: d for d in selectors.tree(system=system) for leaf in _leaves(d)}
    dims: dict[str, list[int]] = {}
    for n, key in enumerate(pairs["keys"]):
        dim = leaf_dim.get(indicator.get(key))
        dims.setdefault(f"{dim['code']} {dim['name']}" if dim else "?", []).append(n)
    try:
        gaps = descriptive.servqual_gaps(pairs["perception"], pairs["expectation"], dimensions=dims)
    except ValueError:
        return None
    return {
        "overall": round(gaps.overall, 3),
        "dimensions": [{"name": k, "gap": round(v, 3)} for k, v in gaps.dimension_gaps.items()],
        "items": [
            {
                "key": k,
                "text": text.get(k, k),
                "perception": round(p, 3),
                "expectation": round(e, 3),
                "gap": round(g, 3),
                "n": n,
            }
            for k, p, e, g, n in zip(
                pairs["keys"], gaps.perception, gaps.expectation, gaps.item_gaps, gaps.n, strict=True
            )
        ],
    }


def _leaves(node: dict) -> list[dict]:
    if not node["children"]:
        return [node] if node["kind"] != IndicatorKind.DIMENSION else []
    return [leaf for child in node["children"] for leaf in _leaves(child)]


def _reliability(system, questionnaire, answers: dict) -> list[dict]:
    """Cronbach's α per dimension (its items as columns) and KMO/Bartlett over all items, with warnings."""
    if questionnaire is None or not answers or not answers["keys"]:
        return []
    keys, matrix = answers["keys"], answers["matrix"]
    dims: dict[str, list[int]] = {}
    leaf_dim = {leaf["code"]: d["code"] for d in selectors.tree(system=system) for leaf in _leaves(d)}
    indicator = {i["key"]: i["indicator"] for i in questionnaire.items}
    for c, key in enumerate(keys):
        dims.setdefault(leaf_dim.get(indicator[key], "?"), []).append(c)
    label = {i["key"]: i["text"] for i in questionnaire.items}
    out = []
    for code, cols in dims.items():
        entry = {"dimension": code, "items": len(cols), "alpha": None, "warnings": []}
        try:
            alpha = reliability.cronbach_alpha(matrix[:, cols])
            entry |= {
                "alpha": round(alpha.alpha, 3),
                "ci_low": round(alpha.ci_low, 3),
                "ci_high": round(alpha.ci_high, 3),
                "n": alpha.n,
            }
            if alpha.alpha < 0.7:
                entry["warnings"].append(
                    _(
                        "α = %(alpha).2f < 0.70: the items of this dimension do not measure "
                        "one thing consistently."
                    )
                    % {"alpha": alpha.alpha}
                )
        except ValueError:
            entry["warnings"].append(
                _("Too few complete answers (or items) to compute α for this dimension.")
            )
        out.append(entry)
    try:
        kmo = reliability.kmo_bartlett(matrix)
        out.append(
            {
                "dimension": "KMO",
                "kmo": round(kmo.kmo, 3),
                "chi2": kmo.chi2,
                "df": kmo.df,
                "p": kmo.p,
                "n": kmo.n,
                "warnings": _kmo_warnings(kmo, [label.get(k, k) for k in keys]),
            }
        )
    except ValueError:
        out.append(
            {
                "dimension": "KMO",
                "kmo": None,
                "chi2": None,
                "p": None,
                "warnings": [
                    _(
                        "Too few complete answers, or an item everybody answered alike: KMO and "
                        "Bartlett's test cannot be computed."
                    )
                ],
            }
        )
    return out


def _kmo_warnings(kmo, labels: list[str]) -> list[str]:
    """The method's warnings in the reader's language, from its figures (the method module speaks English
    to analysts in a notebook; the report speaks to a hall), naming weak items by their statement."""
    out = []
    if kmo.singular:
        out.append(
            _(
                "The correlation matrix is singular (too few respondents, or items that repeat others): "
                "Bartlett's test cannot be computed."
            )
        )
    elif kmo.n - 1 - (2 * kmo.k + 5) / 6 <= 0:
        out.append(
            _("Only %(n)s respondents for %(k)s items: Bartlett's test is meaningless here.")
            % {"n": kmo.n, "k": kmo.k}
        )
    elif kmo.p is not None and kmo.p >= reliability.BARTLETT_ALPHA:
        out.append(
            _(
                "Bartlett's test is not significant (χ² = %(chi2).2f, df = %(df)s, p = %(p).3f): the items "
                "may be uncorrelated, with no common factors to find."
            )
            % {"chi2": kmo.chi2, "df": kmo.df, "p": kmo.p}
        )
    if kmo.kmo < reliability.KMO_MINIMUM:
        out.append(
            _(
                "KMO = %(kmo).3f is below %(min)s: the items share too little common variance for factor "
                "analysis."
            )
            % {"kmo": kmo.kmo, "min": reliability.KMO_MINIMUM}
        )
    weak = [
        f"{labels[i]} ({v:.2f})" for i, v in enumerate(kmo.kmo_per_item) if v < reliability.ITEM_KMO_MINIMUM
    ]
    if weak:
        out.append(_("Items with KMO below 0.5, candidates to drop: %(items)s.") % {"items": "; ".join(weak)})
    return out


def _methods(system, questionnaire) -> dict:
    from servicehall.quality.models import Judgement

    judgements = [
        {
            "parent": j.parent.code if j.parent else None,
            "expert": str(j.expert),
            "cr": round(j.cr, 4),
            "ri_table": j.ri_table,
        }
        for j in Judgement.objects.filter(system=system).select_related("parent", "expert")
    ]
    run = (
        CleaningRun.objects.filter(questionnaire=questionnaire).order_by("-created_at").first()
        if questionnaire
        else None
    )
    return {
        "judgements": judgements,
        "ri_table": system.ri_table,
        "cleaning": {
            "total": run.total,
            "valid": run.valid,
            "valid_rate": run.valid_rate,
            "counts": run.counts,
            "rules": run.rules,
            "at": run.created_at,
        }
        if run
        else None,
        "operator": "weighted_average",
        "system_version": system.version,
    }


def clerks_served(scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of the staff who served tickets in the period: the clerks a report can rank or scope."""
    from django.contrib.auth import get_user_model

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


def ranking(
    *, system: IndicatorSystem, scope: Scope, by: str = "counter", questionnaire: Questionnaire | None = None
) -> list[dict]:
    """The composite index per counter (or clerk, or service item) over the same period, best first.
    Scored exactly as ``report_build`` scores one unit, from grouped reads (one pass over the tickets'
    figures and one over the answers), so thirty windows cost what one report costs."""
    from servicehall.catalog.models import ServiceItem
    from servicehall.core.models import Counter

    if by == "counter":
        units = [(c.pk, f"{c.number} {c.name}") for c in Counter.objects.filter(hall=scope.hall, active=True)]
    elif by == "service":
        units = [(i.pk, i.name) for i in ServiceItem.objects.filter(hall=scope.hall, active=True)]
    elif by == "clerk":
        units = clerks_served(scope)
    else:
        raise ValueError("rank by counter, clerk or service")
    field = UNIT_FIELDS[by]
    questionnaire = questionnaire or _published_questionnaire(system, scope)
    values = objective_by_unit(scope, field)
    subjective = _subjective_by_unit(questionnaire, scope, field)
    tree = selectors.tree(system=system)
    rows = []
    for pk, label in units:
        mine = values.get(pk)
        if not mine or not mine["services"]:
            continue
        _rows, _missing, index, _dims = _scored(tree, mine, subjective.get(pk, {}))
        if index is not None:
            rows.append({"id": pk, "label": label, "index": index, "services": mine["services"]})
    return sorted(rows, key=lambda r: r["index"], reverse=True)


def _published_questionnaire(system: IndicatorSystem, scope: Scope | None = None) -> Questionnaire | None:
    """The published questionnaire of this system that was answered most in the scope's period (a period
    answered under an older version keeps its answers after a new one is published); without answers,
    the newest published one. A draft has no answers yet."""
    published = Questionnaire.objects.filter(system=system, status="published")
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


def monthly_report_write(*, now=None) -> int:
    """Write last month's report for every active hall with a published indicator system (idempotent)."""
    import csv

    from django.conf import settings
    from django.utils import timezone
    from django.utils.translation import override

    from servicehall.quality.choices import SystemStatus
    from servicehall.quality.pdf import report_pdf

    written = 0
    for hall in Hall.objects.filter(active=True):
        system = (
            IndicatorSystem.objects.filter(hall=hall, status=SystemStatus.PUBLISHED)
            .order_by("-published_at")
            .first()
        )
        if system is None:
            continue
        today = (now or timezone.now()).astimezone(hall.tzinfo).date()
        last_day = today.replace(day=1) - datetime.timedelta(days=1)
        first_day = last_day.replace(day=1)
        folder = settings.VAR_DIR / "reports" / hall.code
        target = folder / f"{first_day:%Y-%m}.pdf"
        if target.exists():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        with override("zh-hans"):
            built = report_build(system=system, scope=Scope(hall, first_day, last_day))
            target.write_bytes(report_pdf(built))
        with open(folder / f"{first_day:%Y-%m}.csv", "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["dimension", "code", "indicator", "kind", "global_weight", "score"])
            for r in built["indicators"] + built["missing"]:
                writer.writerow(
                    [r["dimension_name"], r["code"], r["name"], r["kind"], r["weight"], r["score"]]
                )
        written += 1
    return written
