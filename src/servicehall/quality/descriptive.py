"""Descriptive statistics for survey answers, SERVQUAL gaps and importance–performance analysis.

What a hall report needs before any model: a mean with its uncertainty (a 4.6 from 12 answers is not a 4.6
from 1 200), how the answers spread over the scale, where perception falls short of expectation, and which
shortfalls matter. Missing answers (None, NaN) are left out, never counted as zero. Pure functions, no
database; docs/quality-methods.md gives the formulas and the reference numbers.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Martilla & James (1977) quadrant names, keyed by (importance high?, performance high?).
QUADRANTS = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}


def _present(values, name: str = "values") -> np.ndarray:
    """The non-missing values as floats; ValueError for text or infinities, which are data errors."""
    if values is None:
        raise ValueError(f"{name} must be a list of numbers")
    try:
        if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":  # a report's column: no Python loop
            x = values.astype(float)
        else:
            x = np.array([math.nan if v is None else v for v in values], dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers or None: {exc}") from exc
    if x.ndim != 1:
        raise ValueError(f"{name} must be a flat list of numbers")
    if np.any(np.isinf(x)):
        raise ValueError(f"{name} must be finite numbers")
    return x[~np.isnan(x)]


@dataclass(frozen=True)
class Description:
    """Summary of one item. ``sd`` is the sample standard deviation (n − 1); ``se`` = sd/√n; the interval is
    mean ± t(1 − γ/2, n − 1)·se. sd, se and the interval are None with fewer than two answers.
    ``distribution`` counts answers per value when all are whole numbers (Likert grades), else None."""

    n: int
    mean: float
    sd: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    min: float
    max: float
    distribution: dict[int, int] | None


def describe(values, *, confidence: float = 0.95, levels: Iterable[int] | None = None) -> Description:
    """n, mean, sample sd, standard error, Student-t confidence interval, min, max and, for whole-number
    answers, the count per value. ``levels`` (e.g. ``range(1, 6)``) lists every grade of the scale so that
    grades nobody chose appear with 0; an answer outside ``levels`` is a ValueError."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}")
    x = _present(values)
    n = int(x.size)
    if n == 0:
        raise ValueError("no answers to describe (all missing)")
    mean = float(x.mean())
    sd = se = low = high = None
    if n >= 2:
        sd = float(x.std(ddof=1))
        se = sd / math.sqrt(n)
        half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * se
        low, high = mean - half, mean + half
    distribution = None
    if np.all(x == np.round(x)):
        found, counts = np.unique(x.astype(np.int64), return_counts=True)
        seen = dict(zip((int(g) for g in found), (int(c) for c in counts), strict=True))
        keys = sorted(seen) if levels is None else [int(v) for v in levels]
        outside = set(seen) - set(keys)
        if outside:
            raise ValueError(f"answers {sorted(outside)} are outside the scale {keys}")
        distribution = {g: seen.get(g, 0) for g in keys}
    elif levels is not None:
        raise ValueError("levels were given but some answers are not whole numbers")
    return Description(
        n=n,
        mean=mean,
        sd=sd,
        se=se,
        ci_low=low,
        ci_high=high,
        confidence=confidence,
        min=float(x.min()),
        max=float(x.max()),
        distribution=distribution,
    )


def percentile(values, q):
    """The q-th percentile (0–100) of the non-missing values by linear interpolation between order
    statistics: numpy's default "linear" method, R's quantile type 7 and Excel's PERCENTILE.INC, so a report
    agrees with whatever tool an analyst checks it in. ``q`` may be a number or a list of numbers."""
    x = _present(values)
    if x.size == 0:
        raise ValueError("no answers (all missing)")
    qs = np.array(q, dtype=float)
    if not np.all(np.isfinite(qs)) or np.any((qs < 0) | (qs > 100)):
        raise ValueError(f"percentiles must lie between 0 and 100; got {q!r}")
    result = np.percentile(x, qs, method="linear")
    return float(result) if result.ndim == 0 else [float(v) for v in result]


@dataclass(frozen=True)
class ServqualGaps:
    """Per item: mean perception, mean expectation, mean gap P − E and the number of respondents who
    answered both; per dimension: the mean of its items' gaps; ``overall``: the mean of all item gaps. A
    negative gap is a shortfall: service below what citizens expected."""

    perception: list[float]
    expectation: list[float]
    item_gaps: list[float]
    n: list[int]
    dimension_gaps: dict[str, float]
    overall: float


def servqual_gaps(
    perception_rows, expectation_rows, *, dimensions: Mapping[str, Sequence[int]] | None = None
) -> ServqualGaps:
    """SERVQUAL gap scores (Parasuraman, Zeithaml & Berry 1988): each respondent's perception minus their
    own expectation per item, averaged over the respondents who answered both (so P − E is paired and one
    respondent's missing answer does not shift the other side's mean). A dimension's gap (tangibles,
    reliability, responsiveness, assurance, empathy) is the unweighted mean of its items' gaps, as in the
    original instrument. ``dimensions`` maps a name to 0-based item indices."""
    p = _table(perception_rows, "perception_rows")
    e = _table(expectation_rows, "expectation_rows")
    if p.shape != e.shape:
        raise ValueError(
            f"perceptions {p.shape} and expectations {e.shape} must come from the same "
            "respondents and items (same rows and columns)"
        )
    both = ~np.isnan(p) & ~np.isnan(e)
    counts = both.sum(axis=0)
    if np.any(counts == 0):
        raise ValueError(f"nobody answered both perception and expectation of item {int(np.argmin(counts))}")
    k = p.shape[1]
    perception = [float(p[both[:, i], i].mean()) for i in range(k)]
    expectation = [float(e[both[:, i], i].mean()) for i in range(k)]
    gaps = [pm - em for pm, em in zip(perception, expectation, strict=True)]
    dimension_gaps: dict[str, float] = {}
    for name, items in (dimensions or {}).items():
        items = list(items)
        if not items:
            raise ValueError(f"dimension {name!r} has no items")
        bad = [i for i in items if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < k]
        if bad:
            raise ValueError(f"dimension {name!r} names items {bad} but there are items 0 to {k - 1}")
        dimension_gaps[name] = float(np.mean([gaps[i] for i in items]))
    return ServqualGaps(
        perception=perception,
        expectation=expectation,
        item_gaps=gaps,
        n=[int(c) for c in counts],
        dimension_gaps=dimension_gaps,
        overall=float(np.mean(gaps)),
    )


def _table(rows, name: str) -> np.ndarray:
    try:
        x = np.array([[math.nan if v is None else v for v in row] for row in rows], dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be rows (respondents) of numbers or None, all the same length: {exc}"
        ) from exc
    if x.ndim != 2 or 0 in x.shape:
        raise ValueError(f"{name} must be a table: one row per respondent, one column per item")
    if np.any(np.isinf(x)):
        raise ValueError(f"{name} must be finite numbers")
    return x


@dataclass(frozen=True)
class ImportancePerformance:
    """The cross-hairs (grand means) and, per item, its quadrant name from :data:`QUADRANTS`."""

    importance_mean: float
    performance_mean: float
    quadrants: list[str]


def importance_performance(
    importance_means: Sequence[float], performance_means: Sequence[float]
) -> ImportancePerformance:
    """Importance–performance analysis (Martilla & James 1977): plot each item at (performance,
    importance) and split the plane at the grand means. High importance with low performance is
    "concentrate here", high with high "keep up the good work", low with low "low priority", low importance
    with high performance "possible overkill". An item exactly on a cross-hair is counted on the high side
    of it. Importance may be stated (a survey question) or derived; the quadrants only compare means."""
    imp = _present(importance_means, "importance_means")
    perf = _present(performance_means, "performance_means")
    if imp.size != len(importance_means) or perf.size != len(performance_means):
        raise ValueError("every item needs both an importance and a performance mean (no missing values)")
    if imp.size != perf.size:
        raise ValueError(f"{imp.size} importance means but {perf.size} performance means")
    if imp.size < 2:
        raise ValueError("at least two items are needed: the cross-hairs are their means")
    imp_mean, perf_mean = float(imp.mean()), float(perf.mean())
    quadrants = [
        QUADRANTS[(bool(i >= imp_mean), bool(p >= perf_mean))] for i, p in zip(imp, perf, strict=True)
    ]
    return ImportancePerformance(importance_mean=imp_mean, performance_mean=perf_mean, quadrants=quadrants)
