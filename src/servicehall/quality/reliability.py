"""Is the questionnaire any good? Internal consistency (Cronbach's α) and fitness for factor analysis (KMO
and Bartlett's test) of survey answers, before anyone reads meaning into its scores.

Rows are respondents, columns items (questions); a missing answer is None or NaN and removes its row
(listwise deletion, as R's ``psych::alpha(use="complete.obs")``), because α and the correlation matrix must
be computed on one set of people. Pure functions, no database; docs/quality-methods.md gives the formulas
and the reference numbers the tests hold them to.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

#: Kaiser (1974)'s verbal labels for the KMO measure, lower bound first.
KMO_LABELS = (
    (0.9, "marvelous"),
    (0.8, "meritorious"),
    (0.7, "middling"),
    (0.6, "mediocre"),
    (0.5, "miserable"),
    (0.0, "unacceptable"),
)
KMO_MINIMUM = 0.6
ITEM_KMO_MINIMUM = 0.5
BARTLETT_ALPHA = 0.05


def complete_rows(rows, *, min_items: int = 2, min_rows: int = 2) -> tuple[np.ndarray, int]:
    """The answers as a float matrix with every row holding a missing value (None, NaN) removed, and the
    number of rows removed. ValueError for ragged rows, non-numbers, or too few items or respondents."""
    if rows is None:
        raise ValueError("no answers given")
    # A float matrix with NaN for missing (a year of answers) needs no Python loop.
    raw = rows if isinstance(rows, np.ndarray) and rows.dtype.kind == "f" else None
    try:
        raw = raw if raw is not None else [[math.nan if v is None else v for v in row] for row in rows]
    except TypeError as exc:
        raise ValueError("answers must be rows (respondents) of item values") from exc
    widths = {raw.shape[1]} if isinstance(raw, np.ndarray) and raw.ndim == 2 else {len(r) for r in raw}
    if len(widths) > 1:
        raise ValueError(
            f"every respondent must have the same number of items; got row lengths {sorted(widths)}"
        )
    try:
        x = np.array(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"answers must be numbers or None: {exc}") from exc
    if x.ndim != 2:
        raise ValueError("answers must be a table: one row per respondent, one column per item")
    if x.shape[1] < min_items:
        raise ValueError(f"at least {min_items} items are needed; got {x.shape[1]}")
    if np.any(np.isinf(x)):
        raise ValueError("answers must be finite numbers")
    keep = ~np.isnan(x).any(axis=1)
    used = x[keep]
    if used.shape[0] < min_rows:
        raise ValueError(
            f"at least {min_rows} respondents with every item answered are needed; "
            f"got {used.shape[0]} of {x.shape[0]}"
        )
    return used, int(x.shape[0] - used.shape[0])


@dataclass(frozen=True)
class CronbachAlpha:
    """α with its Feldt confidence interval, and per item: α if that item were deleted and the corrected
    item–total correlation (the item against the sum of the other items). ``None`` where undefined: α if
    deleted with only two items, a correlation for an item everybody answered alike."""

    alpha: float
    ci_low: float
    ci_high: float
    confidence: float
    alpha_if_deleted: list[float | None]
    item_total: list[float | None]
    n: int
    k: int
    dropped: int


def _alpha(x: np.ndarray) -> float:
    """α = k/(k−1) · (1 − Σ item variances / variance of the total) (Cronbach 1951), sample variances."""
    k = x.shape[1]
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        raise ValueError("every respondent has the same total score; α is undefined")
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var)


def cronbach_alpha(rows, *, confidence: float = 0.95) -> CronbachAlpha:
    """Cronbach's α of the items, rows with a missing answer removed. The interval is Feldt's (1965;
    Feldt, Woodruff & Salih 1987): (1 − α)/(1 − α_pop) follows F(n − 1, (n − 1)(k − 1)), which gives
    [1 − (1 − α)·F_{1−γ/2}, 1 − (1 − α)·F_{γ/2}] for γ = 1 − confidence, the interval pingouin and
    R psych report. A low α with one item's α-if-deleted above it points at the item to reword or drop."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}")
    x, dropped = complete_rows(rows, min_items=2, min_rows=2)
    n, k = x.shape
    alpha = _alpha(x)
    gamma = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    ci_low = 1 - (1 - alpha) * stats.f.isf(gamma / 2, df1, df2)
    ci_high = 1 - (1 - alpha) * stats.f.isf(1 - gamma / 2, df1, df2)
    if_deleted: list[float | None] = []
    item_total: list[float | None] = []
    totals = x.sum(axis=1)
    for i in range(k):
        rest = np.delete(x, i, axis=1)
        if k > 2 and rest.sum(axis=1).var(ddof=1) > 0:
            if_deleted.append(float(_alpha(rest)))
        else:
            if_deleted.append(None)
        item_total.append(_correlation(x[:, i], totals - x[:, i]))
    return CronbachAlpha(
        alpha=float(alpha),
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        confidence=confidence,
        alpha_if_deleted=if_deleted,
        item_total=item_total,
        n=n,
        k=k,
        dropped=dropped,
    )


def _correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    if a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


@dataclass(frozen=True)
class KmoBartlett:
    """Kaiser–Meyer–Olkin measure of sampling adequacy (overall and per item) and Bartlett's test that the
    correlation matrix is the identity. ``warnings`` are plain sentences for the analyst when the data
    should not be factor-analysed; ``chi2`` and ``p`` are None when the correlation matrix is singular."""

    kmo: float
    kmo_label: str
    kmo_per_item: list[float]
    chi2: float | None
    df: int
    p: float | None
    n: int
    k: int
    dropped: int
    singular: bool
    warnings: list[str] = field(default_factory=list)


def kmo_label(kmo: float) -> str:
    return next(label for bound, label in KMO_LABELS if kmo >= bound)


def kmo_bartlett(rows) -> KmoBartlett:
    """KMO (Kaiser 1970, 1974) and Bartlett's (1950) sphericity test on the Pearson correlations of the
    items, rows with a missing answer removed.

    KMO compares the correlations r_ij with the partial correlations p_ij (each pair with all other items
    held fixed, from the inverse of the correlation matrix): KMO = Σ r² / (Σ r² + Σ p²) over i ≠ j, and
    per item over j ≠ i. Items that share common factors have small partial correlations, so KMO near 1.
    Bartlett: χ² = −(n − 1 − (2k + 5)/6) · ln|R| with k(k − 1)/2 degrees of freedom.

    A singular correlation matrix (an item that is a sum of others, or fewer respondents than items) has no
    inverse: the partial correlations then come from the Moore–Penrose pseudo-inverse of the covariance
    matrix (as factor_analyzer does), Bartlett's test is not computed, and a warning says so; the function
    does not fail. An item that every respondent
    answered alike has no correlation at all and is refused with ValueError naming it."""
    x, dropped = complete_rows(rows, min_items=2, min_rows=3)
    n, k = x.shape
    constant = [i for i in range(k) if np.ptp(x[:, i]) == 0]
    if constant:
        raise ValueError(
            "items " + ", ".join(map(str, constant)) + " have the same answer from every "
            "respondent; they carry no correlation, remove them first"
        )
    r = np.corrcoef(x, rowvar=False)
    warnings: list[str] = []
    singular = bool(np.linalg.eigvalsh(r).min() < 1e-10)
    # Partial correlations come from the inverse covariance matrix (identical to inverting R when it is
    # regular); for a singular one the pseudo-inverse of the covariance matrix, as factor_analyzer does.
    cov = np.cov(x, rowvar=False)
    if singular:
        inv = np.linalg.pinv(cov, hermitian=True)
        reason = (
            f"there are fewer respondents ({n}) than items ({k})"
            if n <= k
            else "some items are exact linear combinations of others"
        )
        warnings.append(
            f"The correlation matrix is singular ({reason}); partial correlations use the "
            "pseudo-inverse and Bartlett's test cannot be computed."
        )
    else:
        inv = np.linalg.inv(cov)
    d = np.sqrt(np.abs(np.diag(inv)))
    with np.errstate(divide="ignore", invalid="ignore"):
        partial = -inv / np.outer(d, d)
    partial = np.nan_to_num(partial)
    off = ~np.eye(k, dtype=bool)
    r2 = np.where(off, r**2, 0.0)
    p2 = np.where(off, partial**2, 0.0)
    kmo = float(r2.sum() / (r2.sum() + p2.sum()))
    per_item = [float(v) for v in r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))]
    df = k * (k - 1) // 2
    chi2 = p = None
    if not singular:
        factor = n - 1 - (2 * k + 5) / 6
        _sign, logdet = np.linalg.slogdet(r)
        chi2 = float(-factor * logdet)
        p = float(stats.chi2.sf(chi2, df))
        if factor <= 0:
            warnings.append(
                f"Only {n} respondents for {k} items: Bartlett's test needs n > (2k + 11)/6 "
                "and is meaningless here."
            )
        elif p >= BARTLETT_ALPHA:
            warnings.append(
                f"Bartlett's test is not significant (χ² = {chi2:.2f}, df = {df}, p = {p:.3f} ≥ "
                f"{BARTLETT_ALPHA}): the items may be uncorrelated, so there are no common "
                "factors to find."
            )
    label = kmo_label(kmo)
    if kmo < KMO_MINIMUM:
        warnings.append(
            f"KMO = {kmo:.3f} ({label}) is below {KMO_MINIMUM}: the items share too little "
            "common variance for factor analysis."
        )
    weak = [i for i, v in enumerate(per_item) if v < ITEM_KMO_MINIMUM]
    if weak:
        warnings.append(
            "Items with KMO below 0.5, candidates to drop: "
            + ", ".join(f"{i} ({per_item[i]:.2f})" for i in weak)
            + "."
        )
    return KmoBartlett(
        kmo=kmo,
        kmo_label=label,
        kmo_per_item=per_item,
        chi2=chi2,
        df=df,
        p=p,
        n=n,
        k=k,
        dropped=dropped,
        singular=singular,
        warnings=warnings,
    )
