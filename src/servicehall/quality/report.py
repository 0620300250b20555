"""The service-quality report (服务质量报告): every measured indicator scored 0-100, dimension scores, the
composite index and its change against the previous period of the same length, the weakest indicators
with their evidence, reliability and validity of the questionnaire, the 好差评 figures and a methods
appendix; and the ranking of windows, clerks or service items by the same index. A read: pages, the PDF,
the CSV and the monthly job all call ``report_build``.

The module assembles: ``report_data`` reads the figures and answers (the database), ``scoring`` turns them
into scores (no database; its docstring says how each number is computed).
"""

from django.core.cache import cache
from django.db.models import Max
from django.utils.translation import get_language

from servicehall.core.models import AuditEntry
from servicehall.quality import report_data, scoring, selectors
from servicehall.quality.choices import OPERATOR_LABELS, label_of
from servicehall.quality.models import IndicatorSystem, Questionnaire, Rating
from servicehall.quality.report_data import UNIT_FIELDS, Scope, clerks_served
from servicehall.quality.scoring import score_linear
from servicehall.queueing.models import Ticket

__all__ = [
    "Scope",
    "clerks_served",
    "ranking",
    "report_build",
    "report_with_ranking",
    "score_linear",
    "subjective_scores",
]

#: How long a built report is kept at most; new data changes the key before that (``_data_stamp``).
REPORT_CACHE_SECONDS = 3600


def subjective_scores(questionnaire: Questionnaire | None, scope: Scope) -> tuple[dict, dict]:
    """Per indicator code: the 0-100 score from the valid responses of the period, with n and the mean; and
    the answers as one matrix (rows respondents, columns the Likert items; NaN where missing or out of
    range) for reliability. Streams the responses: a year of 200,000 stays a few tens of megabytes."""
    if questionnaire is None:
        return {}, {}
    everything, submitted = report_data.period_answers(questionnaire, scope)
    return scoring.answer_scores(
        questionnaire.items,
        questionnaire.scale,
        everything,
        submitted,
        scoring.months(scope.date_from, scope.date_to),
        scope.hall.tzinfo,
    )


def report_build(
    *,
    system: IndicatorSystem,
    scope: Scope,
    questionnaire: Questionnaire | None = None,
    with_previous: bool = True,
    fuzzy_operator: str | None = None,
) -> dict:
    questionnaire = questionnaire or report_data.published_questionnaire(system, scope)
    values = report_data.objective_values(scope)
    subjective, answers = subjective_scores(questionnaire, scope)
    tree = selectors.tree(system=system)
    items = questionnaire.items if questionnaire is not None else None
    rows, missing, index, dimensions = scoring.scored(tree, values, subjective)
    methods = report_data.methods(system, questionnaire) | {"operator": fuzzy_operator or "weighted_average"}
    fuzzy = (
        scoring.fuzzy_evaluation(
            tree, items, questionnaire.scale if questionnaire else 0, answers, operator=fuzzy_operator
        )
        if fuzzy_operator
        else None
    )
    if fuzzy is not None:
        fuzzy["operator_name"] = label_of(OPERATOR_LABELS, fuzzy["operator"])
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
        "weakest": scoring.weakest(rows),
        "objective": values,
        "reliability": scoring.reliability_checks(tree, items, answers),
        "ratings": selectors.rating_statistics(
            hall=scope.hall, date_from=scope.date_from, date_to=scope.date_to
        ),
        "methods": methods,
        "fuzzy": fuzzy,
        "ipa": scoring.ipa(rows, answers),
        "servqual": scoring.servqual(tree, items, answers) if items is not None else None,
        "trend": [
            m | {"satisfaction": answers.get("by_month", {}).get(m["month"]) if answers else None}
            for m in report_data.monthly_trend(scope)
        ]
        if with_previous
        else [],
    }


def ranking(
    *, system: IndicatorSystem, scope: Scope, by: str = "counter", questionnaire: Questionnaire | None = None
) -> list[dict]:
    """The composite index per counter (or clerk, or service item) over the same period, best first.
    Scored exactly as ``report_build`` scores one unit, from grouped reads (one pass over the tickets'
    figures and one over the answers), so thirty windows cost what one report costs."""
    units = report_data.ranked_units(scope, by)
    field = UNIT_FIELDS[by]
    questionnaire = questionnaire or report_data.published_questionnaire(system, scope)
    values = report_data.objective_by_unit(scope, field)
    subjective = _subjective_by_unit(questionnaire, scope, field)
    tree = selectors.tree(system=system)
    rows = []
    for pk, label in units:
        mine = values.get(pk)
        if not mine or not mine["services"]:
            continue
        _rows, _missing, index, _dims = scoring.scored(tree, mine, subjective.get(pk, {}))
        if index is not None:
            rows.append({"id": pk, "label": label, "index": index, "services": mine["services"]})
    return sorted(rows, key=lambda r: r["index"], reverse=True)


def _subjective_by_unit(questionnaire: Questionnaire | None, scope: Scope, field: str) -> dict:
    """Per unit (the ticket's window, clerk or service item): each subjective indicator's 0-100 score, as
    ``subjective_scores`` computes it for one scope, from one pass over the period's answers."""
    if questionnaire is None:
        return {}
    items, matrix, units = report_data.unit_answers(questionnaire, scope, field)
    if not units:
        return {}
    return scoring.unit_scores(items, questionnaire.scale, matrix, units)


def report_with_ranking(
    *, system: IndicatorSystem, scope: Scope, fuzzy_operator: str | None = None, rank_by: str = "counter"
) -> tuple[dict, list[dict]]:
    """``report_build`` and the hall-wide ``ranking`` of the same period, from the shared cache when
    nothing they read has changed. Building them reads every ticket, rating and answer of two periods
    (seconds for a busy hall); the page is opened far more often than the data change.

    The key holds what was asked (hall, system and its version and status, period, unit, operator,
    ranking, language: the labels are translated when built) and ``_data_stamp``: a new or changed
    ticket, rating, answer, judgement or setting changes the stamp, so a stale report is never served."""
    key = "quality-report:" + ":".join(
        str(part)
        for part in (
            scope.hall.pk,
            system.pk,
            system.version,
            system.status,
            scope.date_from,
            scope.date_to,
            scope.counter_id,
            scope.clerk_id,
            scope.service_id,
            fuzzy_operator,
            rank_by,
            get_language(),
            *_data_stamp(scope),
        )
    )
    found = cache.get(key)
    if found is not None:
        return found
    built = report_build(system=system, scope=scope, fuzzy_operator=fuzzy_operator)
    ranked = ranking(system=system, scope=Scope(scope.hall, scope.date_from, scope.date_to), by=rank_by)
    cache.set(key, (built, ranked), REPORT_CACHE_SECONDS)
    return built, ranked


def _data_stamp(scope: Scope) -> tuple:
    """What changes whenever the report's inputs change: the hall's latest audit row (every service
    that writes a ticket, rating, answer, case, judgement or setting audits in the same transaction)
    and the newest ticket and rating ids (bulk loads, as the simulation's, write no audit row)."""
    hall = scope.hall
    latest_audit = (
        AuditEntry.objects.filter(hall=hall).order_by("-at", "-id").values_list("id", flat=True).first()
    )
    return (
        latest_audit,
        Ticket.objects.filter(hall=hall).aggregate(m=Max("id"))["m"],
        Rating.objects.filter(hall=hall).aggregate(m=Max("id"))["m"],
    )
