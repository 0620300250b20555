"""Analytic hierarchy process (层次分析法): indicator weights from experts' pairwise comparisons.

An expert fills a reciprocal matrix ``a[i][j]`` = how many times more important indicator ``i`` is than
``j`` on Saaty's 1–9 scale. The weights are the principal eigenvector (Saaty 1977, 1980); the consistency
ratio CR = CI / RI says whether the judgements hang together well enough to be used (CR < 0.10). When they
do not, the expert is shown the one comparison that departs most from the weights, because asking "please
be more consistent" without saying where is useless.

Several experts are combined by the element-wise geometric mean of their matrices (aggregation of
individual judgements, AIJ; Aczél & Saaty 1983, Forman & Peniwati 1998): it is the only mean that keeps the
combined matrix reciprocal. Local weights are multiplied down the hierarchy by :func:`global_weights`.

Pure functions, no database: docs/quality-methods.md explains each formula and how it was validated.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Random consistency index RI[n] for n = 1, 2, …: the mean CI of random reciprocal matrices of order n.
#: saaty1980: Saaty, *The Analytic Hierarchy Process*, McGraw-Hill 1980 (n = 1..10).
#: alonso_lamata2006: Alonso & Lamata, "Consistency in the analytic hierarchy process: a new approach",
#: Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 14(4):445–459, 2006, from 100 000 random
#: matrices per order (n = 1..15).
RI_TABLES: dict[str, tuple[float, ...]] = {
    "saaty1980": (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49),
    "alonso_lamata2006": (
        0.0,
        0.0,
        0.5245,
        0.8815,
        1.1086,
        1.2479,
        1.3417,
        1.4056,
        1.4499,
        1.4854,
        1.5141,
        1.5365,
        1.5551,
        1.5713,
        1.5838,
    ),
}

#: Saaty's rule: judgements with CR at or above this are sent back to the expert.
CR_THRESHOLD = 0.10

#: How far a_ij · a_ji may stray from 1 (and a_ii from 1) before the matrix is refused: 1/3 typed as
#: 0.333 passes, a transposed or half-filled matrix does not.
RECIPROCAL_TOLERANCE = 0.01

# Below this log-deviation a matrix is treated as perfectly consistent: no comparison is "worst".
_NO_DEVIATION = 1e-9


@dataclass(frozen=True)
class AhpResult:
    """Weights and consistency of one pairwise comparison matrix.

    ``worst`` is the comparison (i, j), i < j, whose judgement is furthest, on a log scale, from the ratio
    w_i / w_j that the weights imply; ``worst_judged`` and ``worst_implied`` are that judgement and that
    ratio. All three are None for a perfectly consistent matrix or n < 2."""

    weights: list[float]
    lambda_max: float
    ci: float
    cr: float
    ri: float
    ri_table: str
    consistent: bool
    worst: tuple[int, int] | None
    worst_judged: float | None
    worst_implied: float | None

    @property
    def n(self) -> int:
        return len(self.weights)


class InconsistentJudgement(ValueError):
    """The judgements have CR ≥ 0.10. ``result`` carries the weights, the CR and the worst comparison, so a
    caller can show the expert which judgement to reconsider."""

    def __init__(self, message: str, result: AhpResult):
        super().__init__(message)
        self.result = result


def _as_matrix(matrix, *, name: str = "matrix") -> np.ndarray:
    """A square, positive, reciprocal matrix with unit diagonal as floats, or ValueError saying what is
    wrong and where (indices are 0-based, as in the list the caller passed)."""
    try:
        a = np.array(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a square table of positive numbers: {exc}") from exc
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"{name} must be square (n × n) and not empty; got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} has missing or infinite entries; every comparison must be a number")
    if np.any(a <= 0):
        i, j = (int(x) for x in np.argwhere(a <= 0)[0])
        raise ValueError(f"{name}[{i}][{j}] = {a[i, j]:g}: every judgement must be positive (1/9 … 9)")
    for i in range(a.shape[0]):
        if abs(a[i, i] - 1.0) > RECIPROCAL_TOLERANCE:
            raise ValueError(f"{name}[{i}][{i}] = {a[i, i]:g}: an item compared with itself must be 1")
    product = a * a.T
    bad = np.argwhere(np.abs(product - 1.0) > RECIPROCAL_TOLERANCE)
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise ValueError(
            f"{name} is not reciprocal: [{i}][{j}] = {a[i, j]:g} but [{j}][{i}] = {a[j, i]:g} "
            f"(should be {1 / a[i, j]:g})"
        )
    return a


def random_index(n: int, ri_table: str = "saaty1980") -> float:
    """RI for order ``n`` from the named table; ValueError for an unknown table or an order it lacks."""
    try:
        table = RI_TABLES[ri_table]
    except KeyError:
        raise ValueError(
            f"unknown RI table {ri_table!r}; choose one of {', '.join(sorted(RI_TABLES))}"
        ) from None
    if not 1 <= n <= len(table):
        raise ValueError(
            f"the {ri_table} RI table covers 1 to {len(table)} items; got {n}. Split the "
            "indicators into smaller groups (Saaty advises at most 7 ± 2 per comparison)"
        )
    return table[n - 1]


def ahp_weights(matrix, *, ri_table: str = "saaty1980") -> AhpResult:
    """Principal-eigenvector weights, λmax, CI = (λmax − n)/(n − 1), CR = CI/RI[n] of a pairwise comparison
    matrix (Saaty 1980). A positive reciprocal matrix has a real, simple largest eigenvalue λmax ≥ n with
    a positive eigenvector (Perron–Frobenius), so the weights are well defined; λmax = n exactly when the
    judgements are consistent (a_ij · a_jk = a_ik). Orders 1 and 2 are always consistent (CR = 0)."""
    a = _as_matrix(matrix)
    n = a.shape[0]
    ri = random_index(n, ri_table)
    if n == 1:
        return AhpResult([1.0], 1.0, 0.0, 0.0, ri, ri_table, True, None, None, None)
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    w = np.abs(eigenvectors[:, k].real)
    w = w / w.sum()
    # λmax ≥ n in exact arithmetic; a consistent matrix can come out a few ulps below n.
    ci = max(0.0, (lambda_max - n) / (n - 1))
    cr = ci / ri if ri > 0 else 0.0
    if n == 2:
        ci = cr = 0.0
    worst, judged, implied = _worst_comparison(a, w)
    return AhpResult(
        weights=[float(x) for x in w],
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        ri=ri,
        ri_table=ri_table,
        consistent=cr < CR_THRESHOLD,
        worst=worst,
        worst_judged=judged,
        worst_implied=implied,
    )


def _worst_comparison(a: np.ndarray, w: np.ndarray):
    """The (i, j), i < j, maximising |ln(a_ij · w_j / w_i)|: the judgement the weights disagree with most,
    by a symmetric (log) measure so that judging 1/5 where 5 was implied counts like 5 where 1/5 was.
    Ties go to the first pair in row order (in a 3 × 3 matrix all three deviations are equal)."""
    n = a.shape[0]
    best, best_dev = None, _NO_DEVIATION
    for i in range(n):
        for j in range(i + 1, n):
            dev = abs(math.log(a[i, j] * w[j] / w[i]))
            if dev > best_dev + 1e-12:
                best, best_dev = (i, j), dev
    if best is None:
        return None, None, None
    i, j = best
    return best, float(a[i, j]), float(w[i] / w[j])


def ahp_check(matrix, *, labels: Sequence[str] | None = None, ri_table: str = "saaty1980") -> AhpResult:
    """:func:`ahp_weights`, but judgements with CR ≥ 0.10 raise :class:`InconsistentJudgement` whose
    message names the comparison to reconsider, by index and, when ``labels`` are given, by name."""
    result = ahp_weights(matrix, ri_table=ri_table)
    if labels is not None and len(labels) != result.n:
        raise ValueError(f"{len(labels)} labels given for a {result.n} × {result.n} matrix")
    if result.consistent:
        return result
    i, j = result.worst
    where = f"comparison ({i}, {j})"
    if labels is not None:
        where += f" “{labels[i]}” against “{labels[j]}”"
    raise InconsistentJudgement(
        f"judgements are inconsistent (CR = {result.cr:.3f} ≥ {CR_THRESHOLD:.2f}, RI table {ri_table}); "
        f"reconsider first {where}: judged {_ratio(result.worst_judged)}, the weights imply "
        f"{_ratio(result.worst_implied)}",
        result,
    )


def _ratio(x: float) -> str:
    """A judgement as an expert reads it: 5, 1/3, 2.4."""
    return f"{x:.3g}" if x >= 1 else f"1/{1 / x:.3g}"


def combine_experts(matrices, *, expert_weights: Sequence[float] | None = None) -> list[list[float]]:
    """Element-wise (weighted) geometric mean of several experts' matrices (AIJ). The geometric mean, unlike
    the arithmetic one, keeps the result reciprocal and is the aggregation that respects the Pareto and
    unanimity conditions (Aczél & Saaty 1983). Every matrix is validated; all must have the same order.
    ``expert_weights`` (optional, non-negative, not all zero) weight the experts, e.g. by seniority."""
    mats = [_as_matrix(m, name=f"matrix {e}") for e, m in enumerate(matrices)]
    if not mats:
        raise ValueError("give at least one expert's matrix")
    shapes = {m.shape for m in mats}
    if len(shapes) > 1:
        raise ValueError(
            f"all experts must compare the same items; got orders {sorted(s[0] for s in shapes)}"
        )
    if expert_weights is None:
        lam = np.full(len(mats), 1.0 / len(mats))
    else:
        lam = np.array(expert_weights, dtype=float)
        if lam.shape != (len(mats),) or np.any(~np.isfinite(lam)) or np.any(lam < 0) or lam.sum() <= 0:
            raise ValueError(f"expert_weights must be {len(mats)} non-negative numbers, not all zero")
        lam = lam / lam.sum()
    log_mean = sum(weight * np.log(m) for weight, m in zip(lam, mats, strict=True))
    return np.exp(log_mean).tolist()


def global_weights(
    parent_weights: Mapping[str, float], local_weights_by_parent: Mapping[str, Mapping[str, float]]
) -> dict[str, float]:
    """Hierarchical synthesis: the global weight of a child is Σ over its parents of parent weight × the
    child's local weight under that parent (Saaty 1980). A child listed under one parent (an indicator
    under its dimension) gets dimension weight × local weight; a child listed under every parent (the
    alternatives in Saaty's house example) gets the weighted sum. For deeper trees apply it level by level:
    the result is the next level's ``parent_weights``. Each parent's local weights must sum to 1."""
    missing = set(parent_weights) ^ set(local_weights_by_parent)
    if missing:
        raise ValueError(f"parents and local weights do not match: {', '.join(sorted(map(str, missing)))}")
    total: dict[str, float] = {}
    for parent, w_parent in parent_weights.items():
        local = local_weights_by_parent[parent]
        if not local:
            raise ValueError(f"{parent!r} has no children")
        if any(not math.isfinite(v) or v < 0 for v in local.values()) or abs(sum(local.values()) - 1) > 1e-6:
            raise ValueError(
                f"the local weights under {parent!r} must be non-negative and sum to 1; "
                f"they sum to {sum(local.values()):.6g}"
            )
        if not math.isfinite(w_parent) or w_parent < 0:
            raise ValueError(f"the weight of {parent!r} must be a non-negative number")
        for child, w_local in local.items():
            total[child] = total.get(child, 0.0) + w_parent * w_local
    return total
