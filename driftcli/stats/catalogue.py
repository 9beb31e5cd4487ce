"""The rest of the test catalogue: the tests users of Evidently, NannyML and alibi-detect expect.

Definitions (also in README, "Tests"); n and m are the reference and current sizes:

Numeric, from the one sort per side (:attr:`NumericSample.merged` joins the two sorted sides
without sorting again; ranks are average ranks over ties):

- ``anderson``: k-sample Anderson-Darling (k = 2), SciPy's ``anderson_ksamp(variant="midrank")``
  statistic and p-value. SciPy interpolates the p-value in a table, so it is capped to
  [0.001, 0.25]; a capped p-value says so in the result's note.
- ``cramer_von_mises``: ``scipy.stats.cramervonmises_2samp``: exact p-value when both sides
  have at most 20 values, else the asymptotic one (SciPy's rule).
- ``energy``: ``scipy.stats.energy_distance`` = sqrt(2 * integral (F_ref - F_cur)^2 dx); a
  distance in the data's units (to the power 1/2): pick its threshold per column or learn it
  (``threshold = "auto"``).
- ``epps_singleton``: ``scipy.stats.epps_singleton_2samp`` with t = (0.4, 0.8). It scales by
  the pooled interquartile range, so a column whose pooled IQR is 0 (more than half of its
  values equal) is not applicable; use ``mann_whitney``, ``cramer_von_mises`` or a
  categorical test there.
- ``mann_whitney``: ``scipy.stats.mannwhitneyu(ref, cur, alternative="two-sided")``: the
  statistic is U of the reference; exact p-value for small samples without ties (SciPy's
  rule), else the normal approximation with tie and continuity correction.
- ``t_test``: Welch's t-test, ``scipy.stats.ttest_ind(ref, cur, equal_var=False)``.
- ``mmd``: maximum mean discrepancy, RBF kernel ``exp(-d^2 / (2 sigma^2))`` with sigma the
  median of the positive pairwise distances (median heuristic), biased (V-statistic) MMD^2,
  permutation p-value ``(1 + #{perm >= observed}) / (1 + MMD_PERMUTATIONS)`` from a generator
  seeded with ``MMD_SEED``. Cost is quadratic, so each side is first subsampled (seeded,
  without replacement) to at most ``MMD_MAX_PER_SIDE`` values; the note says when.

Categorical and boolean (2 x k table of counts, categories seen on neither side dropped):

- ``fisher_exact``: ``scipy.stats.fisher_exact`` on the 2 x 2 table, two-sided; statistic the
  odds ratio (null in reports when infinite: a zero cell).
- ``g_test``: ``scipy.stats.chi2_contingency(table, lambda_="log-likelihood",
  correction=False)``: the log-likelihood ratio test of homogeneity.

Binned distances over the same bins as ``psi`` (reference-quantile bins or categories), on the
shares p (reference) and q (current):

- ``hellinger``: ``sqrt(sum((sqrt(p) - sqrt(q))^2) / 2)``, in [0, 1].
- ``kl_div``: ``sum(p ln(p / q))`` (reference || current, natural log) after replacing zero
  shares with ``PSI_EPSILON`` and renormalising, i.e. ``scipy.stats.entropy`` of the smoothed
  shares (what Evidently computes).
- ``tvd``: total variation distance ``sum(|p - q|) / 2``, in [0, 1].
- ``linf``: ``max(|p - q|)``, the largest change of a bin's share, in [0, 1].

Effect sizes: KS D (largest gap between the two empirical CDFs) for the numeric distribution
tests, the rank-biserial correlation for ``mann_whitney``, Cohen's d for ``t_test``, Cramér's V
(Pearson chi-square based) for the categorical tests.
"""

from __future__ import annotations

import math

import numpy as np

from driftcli.results.vocabulary import Kind
from driftcli.stats.defaults import (
    CRAMERS_V,
    KS_D,
    PSI_EPSILON,
    _finite_numbers,
    _numeric,
    _shares,
    _table,
    cramers_v,
    ecdf_gap,
)
from driftcli.stats.registry import NotApplicable, StatTest, TestOutcome, register
from driftcli.stats.samples import (
    CategoricalSample,
    ColumnSample,
    FloatArray,
    IntArray,
    rank_deviations_four,
    rank_sum_twice,
)

#: Largest number of values per side used by ``mmd`` (seeded subsample above it).
MMD_MAX_PER_SIDE = 1000
#: Permutations for the ``mmd`` p-value.
MMD_PERMUTATIONS = 500
#: Seed of the generator used by ``mmd`` for subsampling and permutations.
MMD_SEED = 20240601
#: Largest side for which ``cramer_von_mises`` uses the exact p-value (SciPy's rule).
CVM_EXACT_MAX = 20
#: Fewer distinct values than this over both sides: cramer_von_mises does not apply.
CVM_MIN_DISTINCT = 10
#: ``anderson``'s p-values are interpolated in Scholz and Stephens' table, so capped to this.
ANDERSON_P_RANGE = (0.001, 0.25)

_NUM = frozenset({Kind.NUMERIC})
_CAT = frozenset({Kind.CATEGORICAL, Kind.BOOLEAN})
_ANY = _NUM | _CAT


# --------------------------------------------------------------------------------------------
# Numeric: rank and ECDF tests


def anderson(sample: ColumnSample) -> TestOutcome:
    """k-sample Anderson-Darling, midrank variant, as scipy.stats.anderson_ksamp (k = 2)."""
    s = _numeric(sample, 2)
    mg = s.merged
    if len(mg.values) < 2:
        raise NotApplicable("needs more than one distinct value")
    n, m = len(s.reference), len(s.current)
    sums = anderson_sums(mg.start, mg.ties, (mg.ref_count, mg.cur_count), (0, 0), (n, m))
    return anderson_outcome(sums[0], sums[1], n, m, ecdf_gap(s))


def anderson_sums(
    start: IntArray,
    ties: IntArray,
    counts: tuple[IntArray, IntArray],
    before: tuple[int, int],
    sizes: tuple[int, int],
) -> tuple[float, float]:
    """Each side's sum over runs of ties of Scholz & Stephens' midrank terms: the runs'
    0-based ``start`` in the union and lengths ``ties``, each side's ``counts`` in them and
    values ``before`` them (0 for a whole union; a partition's offsets in a sorted pass), and
    the sides' sizes. A union of one value (a constant column) has a zero denominator in its
    one run: its sums are NaN, never read (the test needs two distinct values), and NumPy's
    warning is kept out of the terminal and the Spark workers' logs."""
    big_n = float(sizes[0] + sizes[1])
    lj = ties.astype(np.float64)
    bj = start + lj / 2.0
    denom = bj * (big_n - bj) - big_n * lj / 4.0
    out = []
    for side_counts, side_before, ni in zip(counts, before, sizes, strict=True):
        fij = side_counts.astype(np.float64)
        mij = (side_before + np.cumsum(fij)) - fij / 2.0
        with np.errstate(invalid="ignore", divide="ignore"):
            terms = lj / big_n * (big_n * mij - bj * float(ni)) ** 2 / denom
        out.append(float(np.sum(terms)))
    return out[0], out[1]


def anderson_outcome(
    ref_sum: float, cur_sum: float, n_ref: int, n_cur: int, gap: float, block: int | None = None
) -> TestOutcome:
    """The ``anderson`` outcome from each side's sum over the runs of ties (Scholz & Stephens'
    midrank A2akN before its 1/n_i and (N - 1) / N factors) and the KS gap.

    ``block``: sum the standardisation's harmonic series ``block`` terms at a time (memory
    bounded by the block, not by N; the same h, and g to about 1e-16 relative) rather than
    over all N - 2 terms at once as SciPy does (24 bytes a value)."""
    n = np.array([n_ref, n_cur], dtype=np.float64)
    big_n = float(n.sum())
    a2akn = 0.0
    for total, ni in ((ref_sum, n[0]), (cur_sum, n[1])):
        a2akn += total / ni
    a2akn *= (big_n - 1.0) / big_n
    # Scholz & Stephens (1987) standardisation and table interpolation, as in SciPy.
    k = 2
    h_big = float((1.0 / n).sum())
    h, g = _harmonic_sums(big_n, block)
    a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * h_big
    b = (2 * g - 4) * k**2 + 8 * h * k + (2 * g - 14 * h - 4) * h_big - 8 * h + 4 * g - 6
    c = (6 * h + 2 * g - 2) * k**2 + (4 * h - 4 * g + 6) * k + (2 * h - 6) * h_big + 4 * h
    d = (2 * h + 6) * k**2 - 4 * h * k
    sigmasq = (a * big_n**3 + b * big_n**2 + c * big_n + d) / (
        (big_n - 1.0) * (big_n - 2.0) * (big_n - 3.0)
    )
    m = k - 1
    a2 = (a2akn - m) / math.sqrt(sigmasq)
    b0 = np.array([0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085])
    b1 = np.array([-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615])
    b2 = np.array([-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154])
    critical = b0 + b1 / math.sqrt(m) + b2 / m
    sig = np.array([0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001])
    note = None
    lo, hi = ANDERSON_P_RANGE
    if a2 < critical.min():
        p, note = hi, f"p-value capped at {hi}: the true value is larger (SciPy's table)"
    elif a2 > critical.max():
        p, note = lo, f"p-value floored at {lo}: the true value is smaller (SciPy's table)"
    else:
        pf = np.polyfit(critical, np.log(sig), 2)
        p = math.exp(float(np.polyval(pf, a2)))
    return TestOutcome(a2, p, note, gap, KS_D)


def _harmonic_sums(big_n: float, block: int | None) -> tuple[float, float]:
    """Scholz & Stephens' h = sum 1/i (i < N) and g = sum over i < j < N of 1 / ((N - i) j),
    as SciPy computes them (a cumulative sum of 1/(N-1), ..., 1/2), at once or by blocks."""
    if block is None:
        hs_cs = np.cumsum(1.0 / np.arange(big_n - 1, 1, -1))
        return float(hs_cs[-1]) + 1.0, float((hs_cs / np.arange(2, big_n)).sum())
    carry, g = 0.0, 0.0
    count = int(big_n) - 2
    for s in range(0, count, block):
        e = min(count, s + block)
        terms = 1.0 / np.arange(big_n - 1 - s, big_n - 1 - e, -1)
        # the carry first: the same sequential sums as one cumulative sum of every term
        cs = np.cumsum(np.concatenate([[carry], terms]))[1:]
        g += float((cs / np.arange(2 + s, 2 + e)).sum())
        carry = float(cs[-1])
    return carry + 1.0, g


def _cdf_cvm_inf(x: float) -> float:
    """CDF of the limiting Cramér-von Mises distribution (Csörgő & Faraway 1996, eq. 1.2).

    The series SciPy sums (``scipy.stats._hypotests._cdf_cvm_inf``), with public functions.
    """
    from scipy.special import gammaln, kv

    total = 0.0
    k = 0
    while True:
        u = math.exp(float(gammaln(k + 0.5) - gammaln(k + 1))) / (math.pi**1.5 * math.sqrt(x))
        y = 4 * k + 1
        q = y**2 / (16 * x)
        term = u * math.sqrt(y) * math.exp(-q) * float(kv(0.25, q))
        total += float(term)
        if abs(term) < 1e-7:
            return total
        k += 1


def cramer_von_mises(sample: ColumnSample) -> TestOutcome:
    """Two-sample Cramér-von Mises test, as scipy.stats.cramervonmises_2samp."""
    s = _numeric(sample, 2)
    nx, ny = len(s.reference), len(s.current)
    distinct = len(s.merged.values)
    if distinct < CVM_MIN_DISTINCT:
        # SciPy's p-value assumes continuous data; with 5 distinct values it flagged 9.25% of
        # same-distribution pairs at alpha 0.05 (calibration test), with 10 it is calibrated.
        raise NotApplicable(
            f"only {distinct} distinct values: the Cramer-von Mises p-value is too liberal "
            "with heavy ties; use mann_whitney or anderson"
        )
    if max(nx, ny) <= CVM_EXACT_MAX:
        from scipy import stats

        res = stats.cramervonmises_2samp(s.reference, s.current)
        return TestOutcome(float(res.statistic), float(res.pvalue), None, ecdf_gap(s), KS_D)
    mg = s.merged
    total = nx + ny
    u4 = nx * rank_deviations_four(mg.ref_count, mg.start, mg.ties, 0, total) + ny * (
        rank_deviations_four(mg.cur_count, mg.start, mg.ties, 0, total)
    )
    return cvm_asymptotic(u4 / 4, nx, ny, ecdf_gap(s))


def cvm_asymptotic(u: float, nx: int, ny: int, gap: float) -> TestOutcome:
    """The asymptotic ``cramer_von_mises`` outcome from Anderson's U (``nx`` times the sum of
    (rank - i)**2 over the reference's values, plus ``ny`` times the current's) and the KS
    gap. U is summed exactly (:func:`~driftcli.stats.samples.rank_deviations_four`): the
    statistic U / (nm N) - (4nm - 1) / (6N) cancels all but about t / (nm / N) of U's digits
    (30M values a side: 4 of 16), so a float sum of U left it good to only about 1e-12."""
    k, big_n = float(nx) * float(ny), float(nx + ny)
    t = u / (k * big_n) - (4 * k - 1) / (6 * big_n)
    # Asymptotic p-value (Anderson 1962, eq. 11, 14, 15), as SciPy.
    et = (1 + 1 / big_n) / 6
    vt = (big_n + 1) * (4 * k * big_n - 3 * (float(nx) ** 2 + float(ny) ** 2) - 2 * k)
    vt = vt / (45 * big_n**2 * 4 * k)
    tn = 1 / 6 + (t - et) / math.sqrt(45 * vt)
    p = 1.0 if tn < 0.003 else max(1.0 - _cdf_cvm_inf(tn), 0.0)
    return TestOutcome(t, p, None, gap, KS_D)


def energy(sample: ColumnSample) -> TestOutcome:
    """Energy distance, as scipy.stats.energy_distance (no scaling)."""
    s = _numeric(sample)
    _finite_numbers(s, "energy")
    mg = s.merged
    if len(mg.values) < 2:
        return TestOutcome(0.0)
    gap = np.cumsum(mg.ref_count)[:-1] / len(s.reference) - np.cumsum(mg.cur_count)[:-1] / len(
        s.current
    )
    integral = float(np.sum(gap**2 * np.diff(mg.values)))
    # energy(2**k x, 2**k y) = 2**(k/2) energy(x, y): undo a rescaling of huge values.
    return TestOutcome(math.sqrt(2.0 * integral) * 2.0 ** (s.scale_exponent / 2))


def epps_singleton(sample: ColumnSample) -> TestOutcome:
    """Epps-Singleton test on the empirical characteristic function, t = (0.4, 0.8)."""
    s = _numeric(sample, 5)
    _finite_numbers(s, "epps_singleton")
    mg = s.merged
    pooled = np.repeat(mg.values, mg.ties)  # the sorted union, for the pooled quartiles
    q1, q3 = np.quantile(pooled, [0.25, 0.75])  # = scipy.stats.iqr (linear interpolation)
    ts = epps_singleton_ts(float(q1), float(q3))
    x, y = s.reference, s.current
    gx, gy = epps_singleton_g(ts, x), epps_singleton_g(ts, y)
    cov_x = np.cov(gx) * (len(x) - 1) / len(x)  # biased estimates, as the test defines them
    cov_y = np.cov(gy) * (len(y) - 1) / len(y)
    return epps_singleton_outcome(
        gx.mean(axis=1), cov_x, len(x), gy.mean(axis=1), cov_y, len(y), ecdf_gap(s)
    )


def epps_singleton_ts(q1: float, q3: float) -> FloatArray:
    """The test's two points t = (0.4, 0.8) / sigma, sigma half the pooled values'
    interquartile range (``q1``, ``q3``: their quartiles, linear interpolation)."""
    sigma = float(q3 - q1) / 2.0
    if sigma == 0.0:
        raise NotApplicable(
            "pooled interquartile range is 0 (more than half the values are equal); "
            "epps_singleton scales by it: use mann_whitney or cramer_von_mises"
        )
    out: FloatArray = np.array([0.4, 0.8]) / sigma
    return out


def epps_singleton_g(ts: FloatArray, v: FloatArray) -> FloatArray:
    """cos(t v) and sin(t v) of each value (a 4 x len(v) array)."""
    tv = np.outer(ts, v)
    out: FloatArray = np.concatenate([np.cos(tv), np.sin(tv)])
    return out


def epps_singleton_outcome(
    mean_x: FloatArray, cov_x: FloatArray, nx: int, mean_y: FloatArray, cov_y: FloatArray,
    ny: int, gap: float,
) -> TestOutcome:  # fmt: skip
    """The ``epps_singleton`` outcome from each side's mean and biased covariance of
    :func:`epps_singleton_g`, its size, and the KS gap."""
    from scipy import stats

    n = nx + ny
    est_cov = (n / nx) * cov_x + (n / ny) * cov_y
    est_cov_inv = np.linalg.pinv(est_cov)
    rank = int(np.linalg.matrix_rank(est_cov_inv))
    if rank < 4:
        raise NotApplicable(
            "the characteristic-function covariance is singular on this data "
            "(too few distinct values); use mann_whitney or cramer_von_mises"
        )
    diff = mean_x - mean_y
    w = float(n * diff @ est_cov_inv @ diff)
    if max(nx, ny) < 25:
        w *= 1.0 / (1.0 + n ** (-0.45) + 10.1 * (nx ** (-1.7) + ny ** (-1.7)))
    return TestOutcome(w, float(stats.chi2.sf(w, rank)), None, gap, KS_D)


def mann_whitney(sample: ColumnSample) -> TestOutcome:
    """Mann-Whitney U test, two-sided, as scipy.stats.mannwhitneyu(ref, cur)."""
    from scipy import stats

    s = _numeric(sample)
    mg = s.merged
    n1, n2 = len(s.reference), len(s.current)
    nm = float(n1) * float(n2)
    # U exactly: twice the rank sum is an integer (midranks are halves), so U is a half
    # integer, correctly rounded once; a float sum of ranks loses digits from about 1e8
    # values, and U near its mean nm / 2 (no drift) loses them again in the z statistic.
    u1 = (rank_sum_twice(mg.ref_count, mg.start, mg.ties, n1 + n2) - n1 * (n1 + 1)) / 2
    effect = 1.0 - 2.0 * u1 / nm  # rank-biserial: P(cur > ref) - P(cur < ref)
    ties = mg.ties.astype(np.float64)
    if (n1 <= 8 or n2 <= 8) and not (ties > 1).any():
        res = stats.mannwhitneyu(s.reference, s.current, alternative="two-sided")
        return TestOutcome(float(res.statistic), float(res.pvalue), None, effect, _RANK_BISERIAL)
    return mann_whitney_normal(u1, float(np.sum(ties**3 - ties)), n1, n2)


def mann_whitney_normal(u1: float, tie_term: float, n1: int, n2: int) -> TestOutcome:
    """The ``mann_whitney`` outcome by the normal approximation with continuity and tie
    corrections (SciPy's asymptotic branch): ``u1`` the reference's U, ``tie_term`` the sum
    of t**3 - t over the runs of t equal values."""
    from scipy import special

    nm = float(n1) * float(n2)
    effect = 1.0 - 2.0 * u1 / nm
    big_n = float(n1 + n2)
    var = nm / 12.0 * ((big_n + 1) - tie_term / (big_n * (big_n - 1)))
    if var <= 0.0:
        return TestOutcome(u1, 1.0, None, 0.0, _RANK_BISERIAL)
    z = (max(u1, nm - u1) - nm / 2.0 - 0.5) / math.sqrt(var)
    p = min(max(2.0 * float(special.ndtr(-z)), 0.0), 1.0)
    return TestOutcome(u1, p, None, effect, _RANK_BISERIAL)


_RANK_BISERIAL = "rank-biserial r"
_COHENS_D = "Cohen's d"


def t_test(sample: ColumnSample) -> TestOutcome:
    """Welch's t-test, as scipy.stats.ttest_ind(ref, cur, equal_var=False)."""
    s = _numeric(sample, 2)
    _finite_numbers(s, "t_test")
    x, y = s.reference, s.current
    mx, my = float(np.mean(x)), float(np.mean(y))
    vx, vy = float(np.var(x, ddof=1)), float(np.var(y, ddof=1))
    return welch_outcome(mx, vx, len(x), my, vy, len(y))


def welch_outcome(mx: float, vx: float, nx: int, my: float, vy: float, ny: int) -> TestOutcome:
    """The ``t_test`` outcome from each side's mean, sample variance (ddof=1) and size."""
    from scipy import stats

    if vx == 0.0 and vy == 0.0:
        raise NotApplicable("both sides are constant; the t-test is undefined")
    res = stats.ttest_ind_from_stats(mx, math.sqrt(vx), nx, my, math.sqrt(vy), ny, equal_var=False)
    d = (my - mx) / math.sqrt((vx + vy) / 2.0)
    return TestOutcome(float(res.statistic), float(res.pvalue), None, d, _COHENS_D)


def _rbf_mmd2(k: FloatArray, a: FloatArray) -> FloatArray:
    """Biased MMD^2 for each column of the +1/n, -1/m weight matrix ``a``: a^T K a."""
    out: FloatArray = np.sum(a * (k @ a), axis=0)
    return out


def mmd(sample: ColumnSample) -> TestOutcome:
    """Maximum mean discrepancy, RBF kernel, median heuristic, seeded permutation p-value."""
    s = _numeric(sample, 2)
    _finite_numbers(s, "mmd")
    x, y = s.reference, s.current
    rng, xi, yi = mmd_subsample(len(x), len(y))
    return mmd_outcome(
        x if xi is None else x[xi], y if yi is None else y[yi], mmd_note(len(x), len(y)),
        ecdf_gap(s), rng,
    )  # fmt: skip


def mmd_subsample(n: int, m: int) -> tuple[np.random.Generator, IntArray | None, IntArray | None]:
    """The seeded generator and, for a side of more than ``MMD_MAX_PER_SIDE`` values, the
    sorted positions of its subsample (None: every value); the generator then draws the
    permutations."""
    rng = np.random.default_rng(MMD_SEED)
    xi = np.sort(rng.choice(n, MMD_MAX_PER_SIDE, replace=False)) if n > MMD_MAX_PER_SIDE else None
    yi = np.sort(rng.choice(m, MMD_MAX_PER_SIDE, replace=False)) if m > MMD_MAX_PER_SIDE else None
    return rng, xi, yi


def mmd_note(n: int, m: int) -> str | None:
    """The note of a subsampled ``mmd``."""
    if n <= MMD_MAX_PER_SIDE and m <= MMD_MAX_PER_SIDE:
        return None
    return (
        f"mmd on a seeded subsample of at most {MMD_MAX_PER_SIDE} values per side (of {n} and {m})"
    )


def mmd_outcome(
    x: FloatArray, y: FloatArray, note: str | None, gap: float, rng: np.random.Generator
) -> TestOutcome:
    """The ``mmd`` outcome of the (subsampled) sorted sides ``x`` and ``y``, with ``rng`` as
    :func:`mmd_subsample` left it."""
    z = np.concatenate([x, y])
    dist = np.abs(z[:, None] - z[None, :])
    positive = dist[dist > 0]  # each pair twice: the median is the same
    if len(positive) == 0:
        return TestOutcome(0.0, 1.0, note, gap, KS_D)
    sigma = float(np.median(positive))
    kernel = np.exp(-(dist**2) / (2.0 * sigma**2))
    w = np.concatenate([np.full(len(x), 1.0 / len(x)), np.full(len(y), -1.0 / len(y))])
    observed = float(_rbf_mmd2(kernel, w[:, None])[0])
    # Contiguous (N x P) so the product with the kernel runs in BLAS.
    perms = np.ascontiguousarray(rng.permuted(np.tile(w, (MMD_PERMUTATIONS, 1)), axis=1).T)
    null = _rbf_mmd2(kernel, perms)
    # A small tolerance so that permutations equal to the observed one count as "as large".
    hits = int(np.count_nonzero(null >= observed - 1e-12 * abs(observed)))
    p = (1 + hits) / (1 + MMD_PERMUTATIONS)
    return TestOutcome(max(observed, 0.0), p, note, gap, KS_D)


# --------------------------------------------------------------------------------------------
# Categorical: exact and likelihood-ratio tests


def fisher_exact(sample: ColumnSample) -> TestOutcome:
    """Fisher's exact test on the 2 x 2 table, two-sided (scipy.stats.fisher_exact)."""
    from scipy import stats

    assert isinstance(sample, CategoricalSample)
    table = _table(sample)
    if table.shape[1] != 2:
        raise NotApplicable(
            f"fisher_exact needs a two-valued column, this one has {table.shape[1]} values"
        )
    res = stats.fisher_exact(table, alternative="two-sided")
    odds = float(res.statistic)
    note = None if math.isfinite(odds) and odds > 0 else "odds ratio is 0 or infinite (a zero cell)"
    return TestOutcome(odds, float(res.pvalue), note, cramers_v(table), CRAMERS_V)


def g_test(sample: ColumnSample) -> TestOutcome:
    """G-test (log-likelihood ratio) of homogeneity on the 2 x k table, no correction."""
    from scipy import stats

    table = _table(sample)
    if table.shape[1] < 2:
        raise NotApplicable("fewer than two categories")
    res = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    return TestOutcome(float(res.statistic), float(res.pvalue), None, cramers_v(table), CRAMERS_V)


# --------------------------------------------------------------------------------------------
# Binned distances (same bins as psi)


def hellinger_from_shares(p: FloatArray, q: FloatArray) -> float:
    """Hellinger distance of two share vectors, in [0, 1]."""
    return math.sqrt(float(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)) / 2.0)


def kl_from_shares(p: FloatArray, q: FloatArray) -> float:
    """KL(p || q), natural log, zero shares replaced by PSI_EPSILON and renormalised."""
    ps = np.where(p == 0, PSI_EPSILON, p)
    qs = np.where(q == 0, PSI_EPSILON, q)
    ps, qs = ps / ps.sum(), qs / qs.sum()
    return float(np.sum(ps * np.log(ps / qs)))


def hellinger(sample: ColumnSample) -> TestOutcome:
    """Hellinger distance over the PSI bins."""
    return TestOutcome(hellinger_from_shares(*_shares(sample)))


def kl_div(sample: ColumnSample) -> TestOutcome:
    """Kullback-Leibler divergence reference || current over the PSI bins, smoothed."""
    return TestOutcome(kl_from_shares(*_shares(sample)))


def tvd(sample: ColumnSample) -> TestOutcome:
    """Total variation distance over the PSI bins."""
    p, q = _shares(sample)
    return TestOutcome(0.5 * float(np.sum(np.abs(p - q))))


def linf(sample: ColumnSample) -> TestOutcome:
    """L-infinity distance: the largest absolute change of a bin's share."""
    p, q = _shares(sample)
    return TestOutcome(float(np.max(np.abs(p - q))))


# --------------------------------------------------------------------------------------------

for _test in (
    StatTest("anderson", _NUM, True, 0.05, "Anderson-Darling k-sample test (midrank)", anderson),
    StatTest(
        "cramer_von_mises", _NUM, True, 0.05, "Cramér-von Mises two-sample test", cramer_von_mises
    ),
    StatTest("energy", _NUM, False, 0.1, "Energy distance (unscaled)", energy, ("ed",)),
    StatTest(
        "epps_singleton",
        _NUM,
        True,
        0.05,
        "Epps-Singleton test (characteristic function)",
        epps_singleton,
        ("es",),
    ),
    StatTest(
        "mann_whitney",
        _NUM,
        True,
        0.05,
        "Mann-Whitney U test, two-sided",
        mann_whitney,
        ("mannw",),
    ),
    StatTest("t_test", _NUM, True, 0.05, "Welch's t-test (unequal variances)", t_test),
    StatTest(
        "mmd",
        _NUM,
        True,
        0.05,
        "Maximum mean discrepancy, RBF kernel, permutation p-value",
        mmd,
        ("empirical_mmd", "emperical_mmd"),  # Evidently registers the misspelt name
    ),
    StatTest("fisher_exact", _CAT, True, 0.05, "Fisher's exact test (2 x 2)", fisher_exact),
    StatTest("g_test", _CAT, True, 0.05, "G-test of homogeneity (2 x k)", g_test),
    StatTest("hellinger", _ANY, False, 0.1, "Hellinger distance over the PSI bins", hellinger),
    StatTest("kl_div", _ANY, False, 0.1, "KL divergence ref || cur, smoothed", kl_div),
    StatTest("tvd", _ANY, False, 0.1, "Total variation distance over the PSI bins", tvd),
    StatTest("linf", _ANY, False, 0.1, "Largest change of a bin's share (L-inf)", linf),
):
    register(_test)
