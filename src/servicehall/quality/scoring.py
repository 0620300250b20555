"""The report's scoring maths, with no database access: what ``report_build`` and ``ranking`` do with the
figures and the answers once they are read (``report_data``). Everything here takes plain values,
numpy arrays, the indicator tree as ``selectors.tree`` returns it and a questionnaire's ``items``, so it
can be checked without a database (``tests/quality/test_scoring.py``).

- an objective indicator maps its value linearly from ``worst`` (0) to ``best`` (100), clamped;
- a subjective indicator is the mean of its questionnaire items over the kept answers, mapped from
  1..scale to 0-100; one the queue measures too (a subjective indicator with a ``metric``, as the
  article's 办事时间, 现场排队状况 and 服务绩效) scores the mean of the survey's score and the metric's,
  or whichever of the two has data;
- the composite index is the weighted mean of the scored indicators by their global weights, re-normalised
  over the indicators that have data (the report lists those without);
- IPA quadrants, SERVQUAL gaps, Cronbach's α and KMO/Bartlett with their warnings in the reader's language,
  and the two-level fuzzy comprehensive evaluation wrap ``descriptive``, ``reliability`` and ``fuzzy``.
"""

import bisect
import datetime

import numpy as np
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicehall.core.localize import pick
from servicehall.quality import descriptive, fuzzy, reliability
from servicehall.quality.choices import IndicatorKind, Metric
from servicehall.quality.presets import NAMES_HANT

# The questionnaire item kinds that are rated on the scale, and those of them that measure performance.
RATED_KINDS = ("likert", "perception", "expectation", "importance")
PERFORMANCE_KINDS = ("likert", "perception")


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def score_linear(value: float | None, best: float | None, worst: float | None) -> float | None:
    """0 at ``worst``, 100 at ``best``, linear between, clamped (works for either direction)."""
    if value is None or best is None or worst is None or best == worst:
        return None
    return round(max(0.0, min(100.0, 100 * (value - worst) / (best - worst))), 1)


def to_score(mean: float, scale: int) -> float:
    """A mean answer on 1..scale as 0-100."""
    return round(100 * (mean - 1) / (scale - 1), 1)


def objective_row(
    waits: np.ndarray,
    c: dict,
    ratings: dict,
    standard: dict,
    appts: dict,
    complaints: int = 0,
    cases: tuple[int, int] = (0, 0),
) -> dict:
    """The objective indicators' values of one unit from its grouped counts (None: no data). Complaints
    are the real ones of the feedback channel (issue 15); bad ratings keep their own indicator. ``cases``
    is (decided on time, decided) from the cases app (issue 16)."""
    completed = c.get("completed") or 0
    return {
        Metric.WAIT_MEAN: round(float(waits.mean()), 2) if waits.size else None,
        Metric.WAIT_P90: round(float(np.percentile(waits, 90)), 2) if waits.size else None,
        Metric.SERVICE_VS_STANDARD: pct(standard.get("ok") or 0, standard.get("n") or 0),
        Metric.NO_SHOW_RATE: pct(c.get("no_show") or 0, completed + (c.get("no_show") or 0)),
        Metric.ABANDON_RATE: pct(c.get("abandoned") or 0, c.get("issued") or 0),
        Metric.APPOINTMENT_PUNCTUALITY: pct(
            (appts.get("n") or 0) - (appts.get("late") or 0), appts.get("n") or 0
        ),
        Metric.GOOD_RATING_RATE: pct(ratings.get("good") or 0, ratings.get("active") or 0),
        Metric.COMPLAINTS_PER_1000: round(1000 * (complaints or 0) / completed, 2) if completed else None,
        Metric.ON_TIME_CASES: pct(cases[0], cases[1]),
        "services": completed,
    }


def months(
    date_from: datetime.date, date_to: datetime.date
) -> list[tuple[str, datetime.date, datetime.date]]:
    """The calendar months of the period as (label, first day, day after the last), clipped to the period."""
    out, first = [], date_from
    while first <= date_to:
        nxt = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        out.append((f"{first:%Y-%m}", first, min(nxt, date_to + datetime.timedelta(days=1))))
        first = nxt
    return out


def columns_by_indicator(items: list[dict]) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for c, item in enumerate(items):
        columns.setdefault(item["indicator"], []).append(c)
    return columns


def answer_scores(
    items: list[dict],
    scale: int,
    everything: np.ndarray,
    submitted: list[datetime.datetime],
    period: list[tuple[str, datetime.date, datetime.date]],
    tz: datetime.tzinfo,
) -> tuple[dict, dict]:
    """Per indicator code: the 0-100 score with n, mean, sd, confidence interval and distribution; and the
    answers for the rest of the report (performance matrix, monthly means, stated importance, SERVQUAL
    pairs). ``everything`` has one column per rated item of ``items`` (``RATED_KINDS``, in their order),
    NaN where missing; ``submitted`` is each row's submission instant; ``period`` its ``months``."""
    rated = [i for i in items if i["kind"] in RATED_KINDS]
    all_keys = [i["key"] for i in rated]
    perf_cols = [c for c, i in enumerate(rated) if i["kind"] in PERFORMANCE_KINDS]
    perf_items = [rated[c] for c in perf_cols]
    starts = [datetime.datetime.combine(a, datetime.time(), tzinfo=tz) for _label, a, _b in period]
    month_of = [max(bisect.bisect_right(starts, at) - 1, 0) for at in submitted]
    matrix = everything[:, perf_cols]
    # Per month: the mean of every rated answer, on 0-100 (the trend of what citizens said).
    by_month = {}
    if month_of:
        index = np.asarray(month_of)
        for n, (label, _a, _b) in enumerate(period):
            chosen = matrix[index == n]
            if chosen.size and np.count_nonzero(~np.isnan(chosen)):
                by_month[label] = to_score(float(np.nanmean(chosen)), scale)
    scores = {}
    for code, cols in columns_by_indicator(perf_items).items():
        values = matrix[:, cols].ravel()
        values = values[~np.isnan(values)]
        if values.size:
            d = descriptive.describe(values, levels=range(1, scale + 1))
            scores[code] = {
                "score": to_score(d.mean, scale),
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
    servqual_pairs = (
        {
            "keys": [all_keys[p][:-2] for p, _e in pairs],
            "perception": everything[:, [p for p, _e in pairs]],
            "expectation": everything[:, [e for _p, e in pairs]],
        }
        if pairs
        else None
    )
    return scores, {
        "keys": [i["key"] for i in perf_items],
        "matrix": matrix,
        "by_month": by_month,
        "importance": importance,
        "servqual": servqual_pairs,
    }


def unit_scores(items: list[dict], scale: int, matrix: np.ndarray, units: list) -> dict:
    """Per unit (``units[row]``: a window, clerk or service id, or None): each subjective indicator's 0-100
    score and mean, as ``answer_scores`` computes them for one scope. ``items`` are the performance items,
    one per column of ``matrix``."""
    unit_of = np.asarray([-1 if unit is None else unit for unit in units])
    columns = columns_by_indicator(items)
    out: dict = {}
    for unit in np.unique(unit_of):
        rows = matrix[unit_of == unit]
        scores = {}
        for code, cols in columns.items():
            values = rows[:, cols]
            if np.count_nonzero(~np.isnan(values)):
                mean = float(np.nanmean(values))
                scores[code] = {"score": to_score(mean, scale), "mean": round(mean, 3)}
        out[None if unit == -1 else int(unit)] = scores
    return out


def leaves(node: dict) -> list[dict]:
    """The measured indicators under a node of ``selectors.tree``."""
    if not node["children"]:
        return [node] if node["kind"] != IndicatorKind.DIMENSION else []
    return [leaf for child in node["children"] for leaf in leaves(child)]


def scored(tree: list[dict], values: dict, subjective: dict) -> tuple[list, list, float | None, list]:
    """Every indicator scored 0-100 with its evidence (``rows``; ``missing``: no data), the composite index
    (the weighted mean over the indicators with data) and the dimensions' scores."""
    hant = (get_language() or "").lower() in ("zh-hant", "zh-tw", "zh-hk")

    def name(node: dict) -> str:  # the indicator's name in the page's language
        if hant and node["name"] in NAMES_HANT:  # the article's own traditional wording
            return NAMES_HANT[node["name"]]
        return pick(node["name"], en=node.get("name_en") or "")  # 繁體 otherwise converted (core.localize)

    rows, missing = [], []
    for dimension in tree:
        for leaf in leaves(dimension):
            if leaf["kind"] == IndicatorKind.OBJECTIVE:
                value = values.get(leaf["metric"])
                score = score_linear(value, leaf["best"], leaf["worst"])
                evidence = _metric_evidence(leaf, value)
            else:
                found = subjective.get(leaf["code"])
                score = found["score"] if found else None
                evidence = found or {}
                if leaf.get("metric"):
                    score, evidence = _survey_and_metric(leaf, score, evidence, values.get(leaf["metric"]))
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


def _metric_evidence(leaf: dict, value) -> dict:
    return {
        "value": value,
        "metric": leaf["metric"],
        "metric_name": str(Metric(leaf["metric"]).label),
        "best": leaf["best"],
        "worst": leaf["worst"],
    }


def _survey_and_metric(leaf: dict, survey: float | None, evidence: dict, value) -> tuple:
    """An indicator both asked about and measured: the mean of the survey's score and the metric's score
    (either alone where the other has no data), with both in the evidence."""
    measured = score_linear(value, leaf["best"], leaf["worst"])
    parts = [p for p in (survey, measured) if p is not None]
    score = round(sum(parts) / len(parts), 1) if parts else None
    # Without answers the survey's part still says so (n 0, no mean): readers of a subjective row expect it.
    evidence = {
        "n": 0,
        "mean": None,
        **evidence,
        **_metric_evidence(leaf, value),
        "survey_score": survey,
        "metric_score": measured,
    }
    return score, evidence


def weakest(rows: list[dict], n: int = 5) -> list[dict]:
    """What costs the index most (weight x shortfall from 100)."""
    return sorted(
        (r for r in rows if r["score"] < 100), key=lambda r: r["weight"] * (100 - r["score"]), reverse=True
    )[:n]


def ipa(rows: list[dict], answers: dict) -> dict | None:
    """Importance–performance quadrants of the subjective indicators that have both a stated importance
    (the questionnaire's importance items) and a score: what to fix first."""
    importance = (answers or {}).get("importance") or {}
    chosen = [
        r
        for r in rows
        if r["kind"] == IndicatorKind.SUBJECTIVE
        and r["code"] in importance
        and r["evidence"].get("mean") is not None  # measured by the queue alone: no answers to place
    ]
    if len(chosen) < 2:
        return None
    result = descriptive.importance_performance(
        [importance[r["code"]] for r in chosen], [r["evidence"]["mean"] for r in chosen]
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
            for r, q in zip(chosen, result.quadrants, strict=True)
        ],
    }


def servqual(tree: list[dict], items: list[dict], answers: dict) -> dict | None:
    """SERVQUAL gaps (perception − expectation) per item and per dimension, when the questionnaire asked
    both; None otherwise, or when no respondent answered both sides of every item."""
    pairs = (answers or {}).get("servqual")
    if not pairs or not pairs["keys"]:
        return None
    indicator = {i["key"][:-2]: i["indicator"] for i in items if i["kind"] == "perception"}
    text = {i["key"][:-2]: i["text"] for i in items if i["kind"] == "perception"}
    leaf_dim = {leaf["code"]: d for d in tree for leaf in leaves(d)}
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


def reliability_checks(tree: list[dict], items: list[dict] | None, answers: dict) -> list[dict]:
    """Cronbach's α per dimension (its items as columns) and KMO/Bartlett over all items, with warnings.
    ``items``: the questionnaire's items (None: no questionnaire)."""
    if items is None or not answers or not answers["keys"]:
        return []
    keys, matrix = answers["keys"], answers["matrix"]
    dims: dict[str, list[int]] = {}
    leaf_dim = {leaf["code"]: d["code"] for d in tree for leaf in leaves(d)}
    indicator = {i["key"]: i["indicator"] for i in items}
    for c, key in enumerate(keys):
        dims.setdefault(leaf_dim.get(indicator[key], "?"), []).append(c)
    label = {i["key"]: i["text"] for i in items}
    out = [_alpha_entry(code, matrix[:, cols], len(cols)) for code, cols in dims.items()]
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
                "warnings": kmo_warnings(kmo, [label.get(k, k) for k in keys]),
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


def _alpha_entry(code: str, columns: np.ndarray, n_items: int) -> dict:
    entry = {"dimension": code, "items": n_items, "alpha": None, "warnings": []}
    try:
        alpha = reliability.cronbach_alpha(columns)
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
        entry["warnings"].append(_("Too few complete answers (or items) to compute α for this dimension."))
    return entry


def kmo_warnings(kmo, labels: list[str]) -> list[str]:
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


def fuzzy_evaluation(
    tree: list[dict],
    items: list[dict] | None,
    scale: int,
    answers: dict,
    *,
    operator: str = "weighted_average",
) -> dict | None:
    """Two-level fuzzy comprehensive evaluation (模糊综合评价) of the questionnaire answers: per dimension,
    R = the share of answers at each grade (best first) per subjective indicator, W = their local weights
    re-normalised, B = W ∘ R; then the dimensions' B as R with the dimension weights. The operator is
    recorded; scores read B against grade points 100 … 100/scale. ``items``: the questionnaire's items
    (None: no questionnaire)."""
    if items is None or not answers or not answers["keys"] or answers["matrix"].shape[0] == 0:
        return None
    matrix = answers["matrix"]
    column = {k: c for c, k in enumerate(answers["keys"])}
    indicator_of = {i["key"]: i["indicator"] for i in items}
    points = [100 * (scale - g) / scale for g in range(scale)]
    dims = []
    for dimension in tree:
        rows, weights = [], []
        for leaf in leaves(dimension):
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
