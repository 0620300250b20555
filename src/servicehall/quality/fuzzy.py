"""Fuzzy comprehensive evaluation (模糊综合评价): from indicator weights W and a membership matrix R (how
strongly each indicator belongs to each grade, 很满意 … 很不满意) to one evaluation vector B = W ∘ R over
the grades, and from B to a 0–100 score.

Why fuzzy: a satisfaction survey does not say "service is good"; it says 62 % very satisfied, 30 %
satisfied, 8 % neutral. R keeps that spread per indicator and B keeps it for the whole hall, so a report can
say both "82.4 points" and "the largest share is 满意". The composition operator decides how indicators
combine; these are the four classical models of Chinese textbooks on 模糊综合评判:

=================  =========  ===========================  ===========================================
name               notation   B_j                          character
=================  =========  ===========================  ===========================================
weighted_average   M(·, ⊕)    Σ_i w_i r_ij                 every indicator counts by its weight (default)
max_min            M(∧, ∨)    max_i min(w_i, r_ij)         主因素决定型: the dominant indicator decides
max_product        M(·, ∨)    max_i w_i r_ij               主因素突出型: dominant, but weights scale
bounded_sum        M(∧, ⊕)    min(1, Σ_i min(w_i, r_ij))   取小上界和型: capped sum of the minima
=================  =========  ===========================  ===========================================

Pure functions, no database; docs/quality-methods.md shows the worked examples the tests reproduce.
"""

import math
from collections.abc import Sequence

import numpy as np

OPERATORS = ("weighted_average", "max_min", "max_product", "bounded_sum")

#: Points for the grades of a five-grade 评语集, best grade first (很满意 100 … 很不满意 20).
DEFAULT_LEVEL_SCORES = (100, 80, 60, 40, 20)


def fuzzy_evaluate(
    weights: Sequence[float], membership, *, operator: str = "weighted_average", normalize: bool | None = None
) -> list[float]:
    """B = W ∘ R with the chosen operator. ``weights`` has one entry per indicator (row of R), each in
    [0, 1], summing to 1; ``membership`` is R, one row per indicator and one column per grade, entries in
    [0, 1]. ``normalize`` divides B by its sum: by default it is done for every operator but
    weighted_average, whose B already sums to 1 when W and the rows of R do. The max/min operators give a
    B that need not sum to 1 (e.g. (0.35, 0.30, 0.30, 0.15)), which is why they are normalised before a
    score is read from them."""
    if operator not in OPERATORS:
        raise ValueError(f"unknown operator {operator!r}; choose one of {', '.join(OPERATORS)}")
    w = _vector(weights, "weights")
    r = _membership(membership)
    if r.shape[0] != w.size:
        raise ValueError(f"{w.size} weights for {r.shape[0]} indicators (rows of the membership matrix)")
    if np.any((w < 0) | (w > 1)):
        raise ValueError("weights must lie between 0 and 1")
    if abs(w.sum() - 1) > 1e-6:
        raise ValueError(f"weights must sum to 1; they sum to {w.sum():.6g} (divide by the sum first)")
    col_w = w[:, None]
    if operator == "weighted_average":
        b = (col_w * r).sum(axis=0)
    elif operator == "max_min":
        b = np.minimum(col_w, r).max(axis=0)
    elif operator == "max_product":
        b = (col_w * r).max(axis=0)
    else:
        b = np.minimum(1.0, np.minimum(col_w, r).sum(axis=0))
    if normalize is None:
        normalize = operator != "weighted_average"
    if normalize:
        total = b.sum()
        if total <= 0:
            raise ValueError("the evaluation vector is all zeros and cannot be normalised")
        b = b / total
    return [float(x) for x in b]


def _vector(values, name: str) -> np.ndarray:
    try:
        v = np.array(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers: {exc}") from exc
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"{name} must be a non-empty list of numbers")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite numbers")
    return v


def _membership(membership) -> np.ndarray:
    try:
        r = np.array(membership, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the membership matrix must be rows of numbers: {exc}") from exc
    if r.ndim != 2 or 0 in r.shape:
        raise ValueError("the membership matrix must have one row per indicator and one column per grade")
    if not np.all(np.isfinite(r)) or np.any((r < 0) | (r > 1)):
        raise ValueError("memberships must be numbers between 0 and 1")
    return r


def membership_from_ratings(rows, levels: int = 5, *, best_first: bool = True) -> list[list[float]]:
    """R from raw answers: rows are respondents, columns indicators, each answer an integer grade 1 … levels
    (5 = best) or None/NaN when not answered. Row i of R is the share of the respondents who answered
    indicator i at each grade, missing answers left out of that indicator's count, so every row sums to 1.
    Columns run from the best grade down (levels, …, 1) when ``best_first``, matching the usual 评语集
    order (很满意, 满意, 一般, 不满意, 很不满意) and :data:`DEFAULT_LEVEL_SCORES`."""
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
        raise ValueError(f"levels must be an integer of at least 2; got {levels!r}")
    try:
        x = np.array([[math.nan if v is None else v for v in row] for row in rows], dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"ratings must be rows of grades (numbers or None): {exc}") from exc
    if x.ndim != 2 or 0 in x.shape:
        raise ValueError("ratings must be a table: one row per respondent, one column per indicator")
    answered = ~np.isnan(x)
    values = x[answered]
    if np.any((values != np.round(values)) | (values < 1) | (values > levels)):
        bad = values[(values != np.round(values)) | (values < 1) | (values > levels)][0]
        raise ValueError(f"grade {bad:g} is not an integer from 1 to {levels}")
    counts = answered.sum(axis=0)
    if np.any(counts == 0):
        raise ValueError(f"indicator {int(np.argmin(counts))} has no answers; drop it before evaluating")
    grades = range(levels, 0, -1) if best_first else range(1, levels + 1)
    shares = np.array([[np.sum(x[:, i] == g) / counts[i] for g in grades] for i in range(x.shape[1])])
    return shares.tolist()


def score(b: Sequence[float], level_scores: Sequence[float] = DEFAULT_LEVEL_SCORES) -> float:
    """The 0–100 score Σ b_j s_j / Σ b_j: the grade points weighted by B. Dividing by Σ b_j makes an
    un-normalised B (max_min, bounded_sum) give the same score as its normalised form."""
    bv = _vector(b, "the evaluation vector")
    s = _vector(level_scores, "level_scores")
    if bv.size != s.size:
        raise ValueError(f"{bv.size} grades in the evaluation vector but {s.size} level scores")
    if np.any(bv < 0) or bv.sum() <= 0:
        raise ValueError("the evaluation vector must be non-negative and not all zeros")
    return float((bv * s).sum() / bv.sum())
