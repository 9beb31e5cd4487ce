"""The core drift tests: ks, psi, chisquare, wasserstein, jensenshannon, z.

Definitions (also in README, "Tests"):

- ``ks``: ``scipy.stats.ks_2samp(ref, cur)``, two-sided, default method; p-value. Above
  ``KS_EXACT_MAX`` values on a side SciPy's asymptotic branch is computed from the shared merge
  (``kstwo.sf(D, round(n m / (n + m)))``), without sorting again.
- ``chisquare``: Pearson test of homogeneity on the 2 x k table of counts over the union of
  categories, as ``scipy.stats.chi2_contingency(table, correction=False)``; p-value. A category
  seen on one side only has a positive expected count on both, so the statistic stays finite.
- ``z``: pooled two-proportion z-test, two-sided, for two-valued columns; the statistic is
  ``(p_cur - p_ref) / sqrt(p (1 - p) (1/n_ref + 1/n_cur))`` for the share of the second
  category (``true`` for booleans), p the pooled share; p-value ``2 * (1 - Phi(|z|))``.
- ``psi``: ``sum((cur - ref) * ln(cur / ref))`` over bin shares; a zero share is replaced by
  ``PSI_EPSILON`` (no renormalising, as Evidently does).
- ``wasserstein``: ``scipy.stats.wasserstein_distance(ref, cur)`` divided by the reference's
  population standard deviation (ddof=0, as Evidently); with a constant reference, the pooled
  population standard deviation of both samples is used instead and the result says so.
- ``jensenshannon``: Jensen-Shannon distance with base-2 logarithms (range [0, 1]) over the same
  bins as ``psi``; equal to ``scipy.spatial.distance.jensenshannon(ref, cur, base=2)``.

Numeric bins are cut at reference deciles (see :meth:`driftcli.stats.samples.NumericSample.binned`);
categorical bins are the categories.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from driftcli.results.vocabulary import Kind
from driftcli.stats.registry import NotApplicable, StatTest, TestOutcome, register
from driftcli.stats.samples import (
    CategoricalSample,
    ColumnSample,
    FloatArray,
    IntArray,
    NumericSample,
    PrefixSums,
)

PSI_EPSILON = 1e-4
#: Largest side for which ks uses SciPy's exact p-value (scipy.stats.ks_2samp's "auto" rule).
KS_EXACT_MAX = 10000
_WASSERSTEIN_BLOCK = 1 << 15
#: The prefix-sum path is taken when the reference is this many times the current slice and
#: at least _PREFIX_MIN_REFERENCE values: there it pays (1M against a daily window: ~6x), and
#: below it every result keeps the exact bits of the blocked path (the golden files).
_PREFIX_RATIO = 4
_PREFIX_MIN_REFERENCE = 50_000
#: ``wasserstein`` notes when the reference's standard deviation exceeds this many times its
#: spread without extreme values (IQR / 1.349, the standard deviation of a normal sample).
SPREAD_RATIO = 10.0

_NUM = frozenset({Kind.NUMERIC})
_CAT = frozenset({Kind.CATEGORICAL, Kind.BOOLEAN})
_ANY = _NUM | _CAT


def _numeric(sample: ColumnSample, minimum: int = 1) -> NumericSample:
    """The numeric sample, or NotApplicable when a side has fewer than ``minimum`` values."""
    assert isinstance(sample, NumericSample)
    n, m = len(sample.reference), len(sample.current)
    if min(n, m) < minimum:
        raise NotApplicable(
            f"needs at least {minimum} values on each side, has {n} and {m}"
            if minimum > 1
            else "one side has no values"
        )
    return sample


def _finite_numbers(s: NumericSample, name: str) -> None:
    """NotApplicable when a sorted side starts or ends with an infinity."""
    ends = np.concatenate([s.reference[[0, -1]], s.current[[0, -1]]])
    if not np.isfinite(ends).all():
        raise NotApplicable(f"infinite values; {name} needs finite numbers")


def _table(sample: ColumnSample) -> IntArray:
    """The 2 x k table of counts over categories seen on either side."""
    s = _categorical(sample)
    keep = (s.reference + s.current) > 0
    table: IntArray = np.vstack([s.reference[keep], s.current[keep]])
    if table[0].sum() == 0 or table[1].sum() == 0:
        raise NotApplicable("one side has no values")
    return table


def _categorical(sample: ColumnSample) -> CategoricalSample:
    assert isinstance(sample, CategoricalSample)
    return sample


#: Effect-size names, as shown in reports.
KS_D = "KS D"
CRAMERS_V = "Cramér's V"


def ecdf_gap(s: NumericSample) -> float:
    """The largest gap between the two empirical CDFs (the KS statistic D), from the merge."""
    mg = s.merged
    n, m = len(s.reference), len(s.current)
    gap = np.cumsum(mg.ref_count) / n - np.cumsum(mg.cur_count) / m
    return float(np.max(np.abs(gap))) if len(gap) else 0.0


def cramers_v(table: npt.ArrayLike) -> float:
    """Cramér's V of a contingency table, sqrt(chi2 / (N (min(r, c) - 1))), Pearson chi2."""
    t = np.asarray(table, dtype=np.float64)
    total = t.sum()
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / total
    chi2 = float(np.sum((t - expected) ** 2 / expected))
    dof = min(t.shape) - 1
    return math.sqrt(chi2 / (total * dof)) if dof > 0 else 0.0


def ks(sample: ColumnSample) -> TestOutcome:
    """Two-sample Kolmogorov-Smirnov test, two-sided (scipy.stats.ks_2samp)."""
    from scipy import stats

    s = _numeric(sample)
    n, m = len(s.reference), len(s.current)
    if max(n, m) <= KS_EXACT_MAX:
        res = stats.ks_2samp(s.reference, s.current)
        d = float(res.statistic)
        return TestOutcome(d, float(res.pvalue), effect_size=d, effect_size_name=KS_D)
    # Large samples: SciPy's asymptotic branch, from the shared merge instead of a new sort.
    return ks_asymptotic(ecdf_gap(s), n, m)


def ks_asymptotic(d: float, n: int, m: int) -> TestOutcome:
    """SciPy's asymptotic ks_2samp outcome for the gap ``d`` between samples of n and m values
    (``kstwo.sf(d, round(n m / (n + m)))``)."""
    from scipy import stats

    big, small = max(n, m), min(n, m)
    en = float(big) * float(small) / float(big + small)
    p = min(max(float(stats.kstwo.sf(d, np.round(en))), 0.0), 1.0)
    return TestOutcome(d, p, effect_size=d, effect_size_name=KS_D)


def weighted_sum(w: npt.NDArray[np.int64] | FloatArray, d: FloatArray) -> float:
    """``sum(w * d)``, overwriting ``d``, by NumPy's pairwise summation: the same bits on any
    machine. Not a BLAS dot product: OpenBLAS splits a long one among its threads, so its
    last bits depend on the cores (a Wasserstein distance at 1M rows changed in the 16th
    digit with ``OMP_NUM_THREADS=1``, which Spark sets for its Python workers)."""
    np.multiply(w, d, out=d)
    return float(d.sum())


def wasserstein_sorted(u: FloatArray, v: FloatArray) -> float:
    """Wasserstein-1 distance of two sorted samples, equal to scipy.stats.wasserstein_distance.

    Computed as the integral of |Q_u(t) - Q_v(t)| over t in (0, 1], where Q are the empirical
    quantile functions. In units of 1/(n m) their breakpoints are a_i = i m and b_j = j n; the
    segment ending at a_i starts at max(a_{i-1}, the largest b_j < a_i) and there
    Q_u = u[i-1], Q_v = v[ceil(a_i / n) - 1]; symmetrically for b_j (a tie gives a zero-width
    segment). Each breakpoint is handled on its own, in blocks, with no merge or second sort,
    so the cost is linear once the samples are sorted.
    """
    n, m = len(u), len(v)
    total = 0.0
    # Blocks keep temporaries in cache instead of allocating arrays of n elements (measured:
    # 2-4x faster at 1M rows and steadier under the thread pool).
    if n == m:
        for s in range(0, n, _WASSERSTEIN_BLOCK):
            total += float(
                np.abs(u[s : s + _WASSERSTEIN_BLOCK] - v[s : s + _WASSERSTEIN_BLOCK]).sum()
            )
        return total / n
    # In place where it can be: a block's temporaries are most of its time.
    for i0 in range(0, n, _WASSERSTEIN_BLOCK):
        i1 = min(n, i0 + _WASSERSTEIN_BLOCK)
        a = np.arange(i0 + 1, i1 + 1, dtype=np.int64)
        a *= m
        below = (a - 1) // n  # number of b_j < a_i, also v's index on this segment
        start = below * n
        np.maximum(start, a - m, out=start)
        a -= start  # the segment's width
        d = u[i0:i1] - v.take(below)  # u[i - 1] for i in the block: a slice
        np.abs(d, out=d)
        total += weighted_sum(a, d)
    for j0 in range(0, m, _WASSERSTEIN_BLOCK):
        j1 = min(m, j0 + _WASSERSTEIN_BLOCK)
        b = np.arange(j0 + 1, j1 + 1, dtype=np.int64)
        b *= n
        upto = b // m  # number of a_i <= b_j; u's index on this segment unless a tie
        start = upto * m
        np.maximum(start, b - n, out=start)
        b -= start  # the segment's width
        np.minimum(upto, n - 1, out=upto)
        d = u.take(upto) - v[j0:j1]
        np.abs(d, out=d)
        total += weighted_sum(b, d)
    return total / (float(n) * float(m))


def wasserstein_prefix(u: FloatArray, prefix: PrefixSums, v: FloatArray) -> float:
    """Wasserstein-1 distance of sorted ``u`` (with its prefix sums) and sorted ``v``, in
    O(m log(n / m)): equal to :func:`wasserstein_sorted` up to rounding (about 1e-13 relative).

    The integral of |Q_u(t) - Q_v(t)| is taken over each of v's m steps, where Q_v is the
    constant c = v[j-1] on t in ((j-1)/m, j/m]. In u's index units that step covers the rows
    k0 .. k1 (k = floor(t n), with the fractions r/m of the rows at each end), and the sum of
    |u_i - c| over whole rows splits at the first u_i >= c into two differences of prefix sums.
    """
    n, m = len(u), len(v)
    # Step j spans k[j-1] .. k[j]: each step ends where the next begins, so the reference is
    # read once at each boundary (these reads miss the cache: they are most of the time).
    k, r = np.divmod(np.arange(m + 1, dtype=np.int64) * n, m)
    k0, k1, r0, r1 = k[:-1], k[1:], r[:-1], r[1:]
    c = v - prefix.center  # centred like the prefix sums
    u_at = u.take(np.minimum(k, n - 1))  # r1 = 0 whenever k1 = n
    q = _first_at_least(u, v, k0, k1, u_at[:-1])
    s = prefix.sums
    s_at = s.take(k)
    whole = c * (2 * q - k0 - k1) - 2 * s.take(q) + s_at[:-1] + s_at[1:]
    ends = (r1 * np.abs(u_at[1:] - v) - r0 * np.abs(u_at[:-1] - v)) / m
    return float((whole + ends).sum()) / n


def _first_at_least(
    u: FloatArray, v: FloatArray, lo: IntArray, hi: IntArray, u_lo: FloatArray | None = None
) -> IntArray:
    """For each j, the first index i in [lo[j], hi[j]) with u[i] >= v[j], or hi[j] if none:
    ``np.clip(np.searchsorted(u, v), lo, hi)`` for sorted ``u``. ``u_lo``: ``u`` at
    ``min(lo, len(u) - 1)``, when the caller has read it.

    A range's two ends answer most values: v[j] at or below u[lo] gives lo, above u[hi - 1]
    gives hi. A window's ranges in a large reference are a few dozen rows, so only where the
    two quantile functions cross does v[j] fall inside one (about 1% of the values of a
    33k-row window against 1M rows from the same distribution, fewer under drift). Those get a
    branchless binary search within their range, vectorised over j: q grows by descending
    powers of two while u[q + step - 1] < v. (Measured, 33k values in 1M: 0.3 ms, against
    1.5 ms searching every range and 2.8 ms for a search of the whole reference per value,
    which misses the cache.)
    """
    q: IntArray = lo.copy()
    if len(q) == 0 or len(u) == 0:  # no values, or every range empty
        return q
    last = len(u) - 1
    inside = hi > lo
    first_below = (u.take(np.minimum(lo, last)) if u_lo is None else u_lo) < v
    last_below = u.take(np.clip(hi - 1, 0, last)) < v
    # u[lo] < v <= u[hi - 1]: the answer is in lo + 1 .. hi - 1 (u[hi - 1] qualifies)
    search = np.flatnonzero(inside & first_below & ~last_below)
    np.copyto(q, hi, where=inside & last_below)
    if len(search) == 0:
        return q
    at = lo[search] + 1
    end = hi[search] - 1
    w = v[search]
    width = int((end - at).max())
    step = 1 << max(width.bit_length() - 1, 0)
    cand = np.empty_like(at)
    ok = np.empty(len(at), dtype=np.bool_)
    while step and width:
        np.add(at, step, out=cand)
        np.less_equal(cand, end, out=ok)
        # cand - 1 is in range wherever ok; elsewhere any index will do
        np.subtract(cand, 1, out=cand)
        np.minimum(cand, last, out=cand)
        ok &= u.take(cand) < w
        at += ok * step
        step >>= 1
    q[search] = at
    return q


def wasserstein(sample: ColumnSample) -> TestOutcome:
    """Wasserstein distance normalised by the reference's population standard deviation."""
    s = _numeric(sample)
    _finite_numbers(s, "wasserstein")
    n, m = len(s.reference), len(s.current)
    if s.reference_prefix is not None and n >= max(_PREFIX_RATIO * m, _PREFIX_MIN_REFERENCE):
        # a small slice against a large reference prepared once (time windows)
        dist = wasserstein_prefix(s.reference, s.reference_prefix, s.current)
    else:
        dist = wasserstein_sorted(s.reference, s.current)
    return wasserstein_outcome(
        dist,
        s.reference_std,
        lambda: float(np.std(np.concatenate([s.reference, s.current]))),
        lambda std: _spread_note(s.reference, std),
    )


def wasserstein_outcome(
    dist: float,
    scale: float,
    pooled_std: Callable[[], float],
    spread_note: Callable[[float], str | None],
) -> TestOutcome:
    """The ``wasserstein`` outcome for the distance ``dist`` and the reference's population
    standard deviation ``scale``: ``pooled_std()`` (of both samples) scales it instead when the
    reference is constant, else ``spread_note(scale)`` may add a note."""
    note: str | None
    if scale == 0.0:
        scale = pooled_std()
        note = "reference is constant: scaled by the pooled standard deviation"
        if scale == 0.0:
            return TestOutcome(0.0, None, note)
    else:
        note = spread_note(scale)
    return TestOutcome(dist / scale, None, note)


def quartile_ranks(n: int) -> tuple[int, int]:
    """The 0-based ranks of the lower and upper quartiles to the nearest rank, of n values."""
    return (n - 1) // 4, (3 * (n - 1)) // 4


def _spread_note(ref: FloatArray, std: float) -> str | None:
    n = len(ref)
    if n < 4:
        return None
    lower, upper = quartile_ranks(n)
    return spread_note(float(ref[upper] - ref[lower]), std)


def spread_note(iqr: float, std: float) -> str | None:
    """A note when a few extreme values set the sorted reference's standard deviation
    (``std``; ``iqr`` its quartiles' distance to the nearest rank, of 4 values or more): a
    sentinel such as 999999 or -999 in 0.2% of the rows makes it thousands of times the
    spread of the rest, and the distance divided by it too small to see a shift of every
    other value."""
    robust = iqr / 1.349
    if robust <= 0.0 or std <= SPREAD_RATIO * robust:
        return None
    # The ratio, not the two values: a column near the float limit is tested scaled.
    return (
        f"the reference's standard deviation is {std / robust:.3g} times the spread of its "
        "middle half (IQR / 1.349): a few extreme values, such as a sentinel like 999999 or "
        "-999, set the scale and can hide a shift of the others; check them, or use a rank "
        "test (ks)"
    )


def psi_from_shares(ref: FloatArray, cur: FloatArray) -> float:
    """Population stability index of two share vectors, zeros replaced by PSI_EPSILON."""
    r = np.where(ref == 0, PSI_EPSILON, ref)
    c = np.where(cur == 0, PSI_EPSILON, cur)
    return float(np.sum((c - r) * np.log(c / r)))


def _shares(sample: ColumnSample) -> tuple[FloatArray, FloatArray]:
    if len(sample.reference) == 0 or len(sample.current) == 0:
        raise NotApplicable("one side has no values")
    binned = sample.binned
    if binned.reference.sum() == 0 or binned.current.sum() == 0:
        raise NotApplicable("one side has no values")
    return binned.shares()


def psi(sample: ColumnSample) -> TestOutcome:
    """Population stability index over reference-decile bins or categories."""
    r, c = _shares(sample)
    return TestOutcome(psi_from_shares(r, c))


def js_distance(p: FloatArray, q: FloatArray) -> float:
    """Jensen-Shannon distance, base 2 (0 <= d <= 1), of two share vectors."""
    m = 0.5 * (p + q)

    def kl(x: FloatArray) -> float:
        mask = x > 0
        return float(np.sum(x[mask] * np.log2(x[mask] / m[mask])))

    div = 0.5 * (kl(p) + kl(q))
    return math.sqrt(max(div, 0.0))


def jensenshannon(sample: ColumnSample) -> TestOutcome:
    """Jensen-Shannon distance (base 2) over the PSI bins."""
    r, c = _shares(sample)
    return TestOutcome(js_distance(r, c))


def chisquare(sample: ColumnSample) -> TestOutcome:
    """Chi-square test of homogeneity on the 2 x k table (chi2_contingency, no correction)."""
    from scipy import stats

    table = _table(sample)
    if table.shape[1] < 2:
        raise NotApplicable("fewer than two categories")
    res = stats.chi2_contingency(table, correction=False)
    v = math.sqrt(float(res.statistic) / float(table.sum()))  # 2 rows: min(r, c) - 1 = 1
    return TestOutcome(
        float(res.statistic), float(res.pvalue), effect_size=v, effect_size_name=CRAMERS_V
    )


def z_test(sample: ColumnSample) -> TestOutcome:
    """Pooled two-proportion z-test, two-sided, on a two-valued column."""
    s = _categorical(sample)
    if len(s.labels) != 2:
        raise NotApplicable(f"z needs a two-valued column, this one has {len(s.labels)} values")
    n1, n2 = int(s.reference.sum()), int(s.current.sum())
    if n1 == 0 or n2 == 0:
        raise NotApplicable("one side has no values")
    x1, x2 = int(s.reference[1]), int(s.current[1])
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0.0:
        return TestOutcome(0.0, 1.0, effect_size=0.0, effect_size_name=CRAMERS_V)
    z = (x2 / n2 - x1 / n1) / se
    return TestOutcome(
        z,
        math.erfc(abs(z) / math.sqrt(2)),
        f"share of {s.labels[1]!r}",
        effect_size=abs(z) / math.sqrt(n1 + n2),  # phi = Cramér's V of the 2 x 2 table
        effect_size_name=CRAMERS_V,
    )


register(StatTest("ks", _NUM, True, 0.05, "Kolmogorov-Smirnov two-sample test", ks))
register(
    StatTest(
        "wasserstein",
        _NUM,
        False,
        0.1,
        "Wasserstein distance / reference std (ddof=0)",
        wasserstein,
    )
)
register(StatTest("psi", _ANY, False, 0.1, "Population stability index", psi))
register(
    StatTest(
        "jensenshannon",
        _ANY,
        False,
        0.1,
        "Jensen-Shannon distance, base 2",
        jensenshannon,
        aliases=("js",),
    )
)
register(
    StatTest(
        "chisquare",
        _CAT,
        True,
        0.05,
        "Chi-square test of homogeneity (2 x k)",
        chisquare,
        aliases=("chi2",),
    )
)
register(StatTest("z", _CAT, True, 0.05, "Two-proportion z-test, pooled", z_test))
