"""Exact rank and ECDF statistics of two samples from partitions of their sorted union.

A numeric column too large for one machine is compared without ever holding a side in one
place: both sides' values, tagged by side, are sorted globally and cut into partitions in
value order (Spark's ``repartitionByRange`` then ``sortWithinPartitions``; any cut will do,
even one through a run of equal values). Three small exchanges then give what
:class:`~driftcli.stats.samples.Merged` gives the local tests:

1. each partition describes itself in a :class:`Head` (its counts per side, its first runs
   of ties and its last one, the moments of its finite values);
2. the driver places every partition (:func:`places`: the values before it, whether its
   first run of ties began earlier, the rest of its last run in later partitions and the
   next distinct value) and each partition sums its share of every statistic over the runs
   it owns (:func:`contribution`), and reads the order statistics asked of it;
3. each partition counts its values at or below the bin edges the first two steps fixed
   (:func:`edge_counts`: the reference-decile bins and the plot's histogram) and sums the
   moments of the Epps-Singleton functions cos(t x), sin(t x) (:func:`g_moments`; t is set
   by the union's quartiles, read in step 2).

The sums are added in partition order and finished by the local tests' own code
(:func:`~driftcli.stats.defaults.ks_asymptotic`, :func:`~driftcli.stats.catalogue.anderson_outcome`
and the others; the tests over the reference-decile bins run on the bins' counts). Counts,
order statistics, quantiles, the KS distance and every bin count are the local engine's to
the bit (integer sums and the same float operations), and so is ``mmd``, which reads the
same seeded subsample by rank; the sums of floats (Wasserstein, energy, Mann-Whitney's rank
sum, Anderson-Darling, Cramér-von Mises, the moments, Welch's t, Epps-Singleton) are added
in another order and agree to about 1e-15 relative (``tests/test_partials.py`` checks
1e-12). When neither side has more than ``SMALL_SIDE`` values, the caller gathers both and
the local tests run on them: SciPy's exact small-sample p-values (KS, Cramér-von Mises,
Mann-Whitney) need every value.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Callable, Collection, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from driftcli.errors import InputError
from driftcli.results.jsonable import num
from driftcli.results.records import Distribution, SideSummary, SortedCounts
from driftcli.results.vocabulary import Kind
from driftcli.stats.catalogue import (
    CVM_EXACT_MAX,
    CVM_MIN_DISTINCT,
    anderson_outcome,
    anderson_sums,
    cvm_asymptotic,
    epps_singleton_g,
    epps_singleton_outcome,
    epps_singleton_ts,
    mann_whitney_normal,
    mmd_note,
    mmd_outcome,
    mmd_subsample,
    welch_outcome,
)
from driftcli.stats.defaults import (
    KS_EXACT_MAX,
    ks_asymptotic,
    quartile_ranks,
    spread_note,
    wasserstein_outcome,
)
from driftcli.stats.registry import NotApplicable, StatTest, TestOutcome, all_tests
from driftcli.stats.samples import (
    SAFE_EXPONENT,
    CategoricalSample,
    ColumnSample,
    FloatArray,
    IntArray,
    Merged,
    NumericSample,
    histogram_labels,
    infinite_ends,
    interpolated,
    interval_labels,
    plot_edges,
    quantile_positions,
    rank_deviations_four,
    rank_sum_twice,
)

#: Sides up to this many values are gathered and tested by the local code (exact p-values).
SMALL_SIDE = max(KS_EXACT_MAX, CVM_EXACT_MAX)
#: Terms of Anderson-Darling's harmonic sums taken at a time on the driver (8 MB a block).
HARMONIC_BLOCK = 1 << 20
#: Why a test that needs every value at once has no outcome from partitions.
NOT_FROM_PARTITIONS = (
    "not computed from partitions: it needs every value at once; compare this column with "
    "the local engine"
)
BoolArray = npt.NDArray[np.bool_]
Moments = tuple[int, float, float]  # count, mean, sum of squared deviations (finite values)


@dataclass(frozen=True)
class Head:
    """What one partition of the sorted union says about itself (step 1)."""

    n_ref: int
    n_cur: int
    #: values of its first and second runs of ties (NaN when it has fewer)
    first: float = math.nan
    second: float = math.nan
    last: float = math.nan
    first_ref: int = 0
    first_cur: int = 0
    last_ref: int = 0
    last_cur: int = 0
    runs: int = 0
    #: -inf and +inf values per side: (ref, cur)
    below: tuple[int, int] = (0, 0)
    above: tuple[int, int] = (0, 0)
    ref_moments: Moments = (0, 0.0, 0.0)
    cur_moments: Moments = (0, 0.0, 0.0)

    @property
    def empty(self) -> bool:
        return self.n_ref + self.n_cur == 0


@dataclass(frozen=True)
class Place:
    """Where a partition sits in the union (step 2's input, from :func:`places`)."""

    ref_before: int = 0
    cur_before: int = 0
    #: its first run of ties began in an earlier partition, which owns it
    continues: bool = False
    #: values of its last run in later partitions (when it owns that run)
    post_ref: int = 0
    post_cur: int = 0
    #: the first value above its last run's, in a later partition (NaN: none)
    next_value: float = math.nan


@dataclass(frozen=True)
class Part:
    """One partition's share of every statistic over the runs of ties it owns (step 2)."""

    gap: float = 0.0  # the largest |F_ref - F_cur| at its runs
    wasserstein: float = 0.0  # sum of |F_ref - F_cur| times the step to the next value
    energy: float = 0.0  # sum of (F_ref - F_cur)**2 times the step
    rank_sum: int = 0  # twice the reference's midranks, summed (exactly)
    tie_term: float = 0.0  # sum of t**3 - t over runs of t values
    anderson: tuple[float, float] = (0.0, 0.0)
    cvm: tuple[int, int] = (0, 0)  # four times each side's sum of (midrank - position)**2
    runs: int = 0
    distinct: tuple[int, int] = (0, 0)  # runs holding reference, current values
    #: (side, rank) -> value, for the ranks asked that fall in this partition
    at: dict[tuple[int, int], float] = field(default_factory=dict)


def numeric_tests() -> list[StatTest]:
    """Every registered test of numeric columns, by name: those a sorted pass finishes, the
    ones over the reference-decile bins, and any other (reported as not computed)."""
    return [t for t in all_tests() if t.applies_to(Kind.NUMERIC)]


def split_sides(values: FloatArray, from_cur: BoolArray) -> tuple[FloatArray, FloatArray]:
    """A partition's reference and current values, each still sorted."""
    return values[~from_cur], values[from_cur]


def _runs(values: FloatArray, from_cur: BoolArray) -> tuple[FloatArray, IntArray, IntArray]:
    """Distinct values of a sorted partition and each run's reference and current counts."""
    runs = Merged.of_union(values, ~from_cur)
    return runs.values, runs.ref_count, runs.cur_count


def _moments(x: FloatArray) -> Moments:
    finite = x[np.isfinite(x)]
    if len(finite) == 0:
        return (0, 0.0, 0.0)
    mean = float(finite.mean())
    return (len(finite), mean, float(np.square(finite - mean).sum()))


def head(values: FloatArray, from_cur: BoolArray) -> Head:
    """Step 1: describe a partition (``values`` sorted ascending, no NaN; ``from_cur`` marks
    the current side's values)."""
    ref, cur = split_sides(values, from_cur)
    if len(values) == 0:
        return Head(0, 0)
    vals, r, c = _runs(values, from_cur)
    (ref_lo, ref_hi), (cur_lo, cur_hi) = infinite_ends(ref), infinite_ends(cur)
    return Head(
        len(ref),
        len(cur),
        float(vals[0]),
        float(vals[1]) if len(vals) > 1 else math.nan,
        float(vals[-1]),
        int(r[0]),
        int(c[0]),
        int(r[-1]),
        int(c[-1]),
        len(vals),
        (ref_lo, cur_lo),
        (ref_hi, cur_hi),
        _moments(ref),
        _moments(cur),
    )


def places(heads: Sequence[Head]) -> list[Place]:
    """Step 2's input: each partition's place, from every partition's head in value order.

    A run of equal values cut between partitions is owned by the first: the later ones skip
    it, and the owner adds their counts to its last run."""
    out: list[Place] = []
    ref_before = cur_before = 0
    prev: Head | None = None
    full = [i for i, h in enumerate(heads) if not h.empty]
    for i, h in enumerate(heads):
        if h.empty:
            out.append(Place(ref_before, cur_before))
            continue
        if prev is not None and h.first < prev.last:
            raise ValueError("the partitions are not in value order")
        continues = prev is not None and h.first == prev.last
        post_ref = post_cur = 0
        next_value = math.nan
        owns_last = not (continues and h.runs == 1)
        for g in (heads[k] for k in full if k > i):
            if g.first != h.last:
                next_value = g.first
                break
            if owns_last:
                post_ref += g.first_ref
                post_cur += g.first_cur
            if g.runs > 1:
                next_value = g.second
                break
        out.append(Place(ref_before, cur_before, continues, post_ref, post_cur, next_value))
        ref_before += h.n_ref
        cur_before += h.n_cur
        prev = h
    return out


def contribution(
    values: FloatArray,
    from_cur: BoolArray,
    place: Place,
    n: int,
    m: int,
    ranks: Iterable[tuple[int, int]] = (),
    tests: Collection[str] | None = None,
) -> Part:
    """Step 2: a partition's share of every statistic, and the values at the asked ``ranks``
    ((side, 0-based rank within that side's sorted values), side 0 reference, 1 current,
    2 both sides' union). ``tests``: the tests whose sums to compute (None: all; the KS
    distance, Wasserstein's sum and the summaries' counts always)."""
    ref, cur = split_sides(values, from_cur)
    at: dict[tuple[int, int], float] = {}
    for side, rank in ranks:
        x, before = (
            (ref, place.ref_before), (cur, place.cur_before),
            (values, place.ref_before + place.cur_before),
        )[side]  # fmt: skip
        if before <= rank < before + len(x):
            at[(side, rank)] = float(x[rank - before])
    vals, r, c = _runs(values, from_cur)
    ref0, cur0 = place.ref_before, place.cur_before
    if place.continues and len(vals):
        ref0, cur0 = ref0 + int(r[0]), cur0 + int(c[0])
        vals, r, c = vals[1:], r[1:], c[1:]
    if len(vals) == 0:
        return Part(at=at)
    r, c = r.copy(), c.copy()
    r[-1] += place.post_ref
    c[-1] += place.post_cur
    distinct = (int(np.count_nonzero(r)), int(np.count_nonzero(c)))
    if n == 0 or m == 0:  # no test applies; the summaries still count the distinct values
        return Part(runs=len(vals), distinct=distinct, at=at)
    t = r + c
    cum_r, cum_c = ref0 + np.cumsum(r), cur0 + np.cumsum(c)
    gap = cum_r / n - cum_c / m  # as ecdf_gap: integer counts, the same float operations
    steps = np.diff(np.append(vals, place.next_value))
    if math.isnan(place.next_value):  # the union's last run: the CDFs meet, no step after it
        steps, inner = steps[:-1], gap[:-1]
    else:
        inner = gap

    def wants(name: str) -> bool:
        return tests is None or name in tests

    with np.errstate(invalid="ignore"):  # an infinite step (infinite values): NaN, as locally
        wasser = float(np.sum(np.abs(inner) * steps))
        energy = float(np.sum(inner**2 * steps)) if wants("energy") else 0.0
    first = cum_r + cum_c - t  # 0-based position of each run in the union
    total = n + m
    rank_sum, tie_term = 0, 0.0
    if wants("mann_whitney"):
        tf = t.astype(np.float64)
        rank_sum, tie_term = rank_sum_twice(r, first, t, total), float(np.sum(tf**3 - tf))
    anderson = (0.0, 0.0)
    if wants("anderson"):
        anderson = anderson_sums(first, t, (r, c), (ref0, cur0), (n, m))
    cvm = (0, 0)
    if wants("cramer_von_mises"):
        cvm = (
            rank_deviations_four(r, first, t, ref0, total),
            rank_deviations_four(c, first, t, cur0, total),
        )
    return Part(
        gap=float(np.max(np.abs(gap))),
        wasserstein=wasser,
        energy=energy,
        rank_sum=rank_sum,
        tie_term=tie_term,
        anderson=anderson,
        cvm=cvm,
        runs=len(vals),
        distinct=distinct,
        at=at,
    )


def edge_counts(
    values: FloatArray, from_cur: BoolArray, edges: FloatArray, side: str = "right"
) -> tuple[IntArray, IntArray]:
    """Step 3: each side's values at or below each edge (``side="right"``), or below it
    (``"left"``), in this partition."""
    ref, cur = split_sides(values, from_cur)
    return (
        np.searchsorted(ref, edges, side=side).astype(np.int64),  # type: ignore[call-overload]
        np.searchsorted(cur, edges, side=side).astype(np.int64),  # type: ignore[call-overload]
    )


def merge_moments(parts: Iterable[Moments]) -> Moments:
    """Moments of the union of partitions, merged in order (Chan et al.)."""
    count, mean, m2 = 0, 0.0, 0.0
    for k, mu, s in parts:
        if k == 0:
            continue
        total = count + k
        delta = mu - mean
        mean += delta * k / total
        m2 += s + delta * delta * count * k / total
        count = total
    return count, mean, m2


# ------------------------------------------------------------------------------ finishing


@dataclass(frozen=True)
class Totals:
    """The merged heads: sizes, infinities and moments of each side."""

    n: int
    m: int
    below: tuple[int, int]
    above: tuple[int, int]
    moments: tuple[Moments, Moments]

    @classmethod
    def of(cls, heads: Sequence[Head]) -> Totals:
        return cls(
            sum(h.n_ref for h in heads),
            sum(h.n_cur for h in heads),
            (sum(h.below[0] for h in heads), sum(h.below[1] for h in heads)),
            (sum(h.above[0] for h in heads), sum(h.above[1] for h in heads)),
            (
                merge_moments(h.ref_moments for h in heads),
                merge_moments(h.cur_moments for h in heads),
            ),
        )

    def size(self, side: int) -> int:
        return self.n if side == 0 else self.m

    @property
    def finite(self) -> bool:
        """Neither side holds an infinite value."""
        return self.below == (0, 0) and self.above == (0, 0)

    def finite_range(self, side: int) -> tuple[int, int]:
        """The ranks of a side's finite values: first, one past the last."""
        return self.below[side], self.size(side) - self.above[side]


def _quantile_ranks(lo: int, hi: int, qs: Sequence[float]) -> list[int]:
    """The ranks ``quantile_sorted`` reads for quantiles ``qs`` of the values ranked lo..hi-1."""
    if hi <= lo:
        return []
    _, low, high = quantile_positions(hi - lo, np.asarray(qs, dtype=np.float64))
    return sorted({int(v) + lo for v in np.concatenate([low, high])})


def rank_requests(t: Totals, bins: int = 10) -> list[tuple[int, int]]:
    """Step 2's order statistics: each side's quartiles and extremes of its finite values,
    the reference's deciles (the bins of psi and jensenshannon) and quartiles to the nearest
    rank (wasserstein's spread note)."""
    out: set[tuple[int, int]] = set()
    for side in (0, 1):
        lo, hi = t.finite_range(side)
        out |= {(side, k) for k in _quantile_ranks(lo, hi, (0.0, 0.25, 0.5, 0.75, 1.0))}
    qs = np.arange(1, bins, dtype=np.float64) / bins
    out |= {(0, k) for k in _quantile_ranks(0, t.n, list(qs))}
    if t.n >= 4:
        out |= {(0, k) for k in quartile_ranks(t.n)}
    for side, picked in enumerate(mmd_ranks(t)):
        out |= {(side, int(k)) for k in picked}
    if _epps_applies(t):
        out |= {(2, k) for q in EPPS_QUARTILES for k in _numpy_quantile_ranks(t.n + t.m, q)}
    return sorted(out)


EPPS_QUARTILES = (0.25, 0.75)


def _epps_applies(t: Totals) -> bool:
    return min(t.n, t.m) >= 5 and t.finite


def _numpy_virtual_index(size: int, q: float) -> tuple[float, int, int]:
    """numpy.quantile's 'linear' method: the virtual index (n - 1) q, and the two ranks it
    reads (both the last at or past it)."""
    virtual = (size - 1) * q
    if virtual >= size - 1:
        return virtual, size - 1, size - 1
    low = math.floor(virtual)
    return virtual, low, low + 1


def _numpy_quantile_ranks(size: int, q: float) -> tuple[int, int]:
    _, low, high = _numpy_virtual_index(size, q)
    return low, high


def numpy_quantile(at: dict[tuple[int, int], float], side: int, size: int, q: float) -> float:
    """``numpy.quantile(x, q)`` (linear) of a side's ``size`` sorted values, from the two
    values read at its ranks, with numpy's arithmetic (its ``_lerp``)."""
    virtual, low, high = _numpy_virtual_index(size, q)
    a, b = at[(side, low)], at[(side, high)]
    if low == high:
        return a
    gamma = virtual - low
    diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma


def mmd_ranks(t: Totals) -> tuple[IntArray, IntArray]:
    """The ranks of each side's values ``mmd`` reads: its seeded subsample of a side of
    more than MMD_MAX_PER_SIDE values, else every value (none when it does not apply)."""
    none = np.zeros(0, np.int64)
    if min(t.n, t.m) < 2 or not t.finite:
        return none, none
    _, xi, yi = mmd_subsample(t.n, t.m)
    return (
        np.arange(t.n) if xi is None else xi,
        np.arange(t.m) if yi is None else yi,
    )


def _quantiles(
    at: dict[tuple[int, int], float], side: int, lo: int, hi: int, qs: FloatArray
) -> FloatArray:
    """``quantile_sorted`` of a side's values ranked lo..hi-1 (the same float operations),
    from the values read at the ranks it needs."""
    h, low, high = quantile_positions(hi - lo, qs)
    x_lo = np.array([at[(side, int(k) + lo)] for k in low])
    x_hi = np.array([at[(side, int(k) + lo)] for k in high])
    return interpolated(h, low, x_lo, x_hi)


@dataclass(frozen=True)
class Finished:
    """A column compared without holding a side in one place: every test's outcome (or why it
    did not apply), each side's summary and the plot's distribution, as the local engine
    gives them. ``bins``: the counts the binned tests read (numeric: the reference-decile
    bins; categorical: the categories)."""

    kind: str  # "numeric" | "categorical"
    outcomes: dict[str, TestOutcome | str]
    reference: SideSummary
    current: SideSummary
    distribution: Distribution | None
    bins: tuple[IntArray, IntArray]
    #: the range partitions that held values (0: counted by category instead)
    partitions: int = 1
    #: What the integrity checks count of a numeric column's values (asked for with
    #: ``sorted_pass(..., integrity=True)``: counted in step 3, :func:`integrity_counts`),
    #: else None.
    counts: SortedCounts | None = None
    #: The one value both sides hold when they hold only that (``f"{value:.6g}"``, as the
    #: local engine writes it), else None.
    constant: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: each test's statistic, p-value, effect size and note (or the
        reason it did not apply), the two summaries and the plot's distribution."""
        tests: dict[str, Any] = {}
        for name, out in self.outcomes.items():
            if isinstance(out, str):
                tests[name] = {"status": "error", "reason": out}
                continue
            tests[name] = {
                "statistic": num(out.statistic),
                "pvalue": num(out.pvalue),
                "effect_size": num(out.effect_size),
                "effect_size_name": out.effect_size_name,
                "note": out.note,
            }
        d = self.distribution
        return {
            "kind": self.kind,
            "tests": tests,
            "reference": self.reference.to_dict(),
            "current": self.current.to_dict(),
            "distribution": None
            if d is None
            else {
                "type": d.type,
                "labels": list(d.labels),
                "edges": [num(e) for e in d.edges],
                "reference": list(d.reference),
                "current": list(d.current),
            },
            "partitions": self.partitions,
        }


def histogram_edges(t: Totals, at: dict[tuple[int, int], float]) -> FloatArray | None:
    """The plot's edges (the local engine's: equal-width bins over both sides' finite
    values), from the extremes read in step 2."""
    ends = []
    for side in (0, 1):
        lo, hi = t.finite_range(side)
        if hi > lo:
            ends += [at[(side, lo)], at[(side, hi - 1)]]
    return plot_edges(min(ends), max(ends)) if ends else None


def decile_edges(t: Totals, at: dict[tuple[int, int], float], bins: int = 10) -> FloatArray:
    """The reference's bin edges for psi and jensenshannon (NumericSample.binned's)."""
    if t.n == 0:
        return np.zeros(0)
    qs = np.arange(1, bins, dtype=np.float64) / bins
    return np.unique(_quantiles(at, 0, 0, t.n, qs))


def finish(
    t: Totals,
    parts: Sequence[Part],
    bins: tuple[IntArray, IntArray],
    plot: tuple[IntArray, IntArray] | None,
    counts: tuple[tuple[int, int], tuple[int, int]],
    edges: FloatArray,
    plot_edges: FloatArray | None,
    epps: tuple[GMoments, GMoments] | str | None = None,
    tests: Collection[str] | None = None,
) -> Finished:
    """Every statistic from the merged steps: ``bins`` each side's counts in the decile bins
    (from step 3's cumulative counts), ``plot`` the histogram's, ``counts`` each side's
    (rows, nulls) including NaN. ``tests``: the names of the tests to run (None: all)."""
    n, m = t.n, t.m
    at: dict[tuple[int, int], float] = {}
    for p in parts:
        at |= p.at
    gap = max((p.gap for p in parts), default=0.0)
    runs = sum(p.runs for p in parts)
    outcomes: dict[str, TestOutcome | str] = {}

    def attempt(name: str, make: Callable[[], TestOutcome]) -> None:
        try:
            outcomes[name] = make()
        except NotApplicable as exc:
            outcomes[name] = str(exc)

    finite = t.finite

    def needs(minimum: int = 1) -> None:
        if min(n, m) < minimum:
            raise NotApplicable(
                f"needs at least {minimum} values on each side, has {n} and {m}"
                if minimum > 1
                else "one side has no values"
            )

    def ks() -> TestOutcome:
        needs()
        return ks_asymptotic(gap, n, m)

    def std(side: int) -> float:
        k, _, m2 = t.moments[side]
        return math.sqrt(m2 / k) if k else 0.0

    def wasser() -> TestOutcome:
        needs()
        if not finite:
            raise NotApplicable("infinite values; wasserstein needs finite numbers")
        dist = sum(p.wasserstein for p in parts)
        pooled = merge_moments(t.moments)

        def note(scale: float) -> str | None:
            if n < 4:
                return None
            lower, upper = quartile_ranks(n)
            return spread_note(at[(0, upper)] - at[(0, lower)], scale)

        return wasserstein_outcome(
            dist, std(0), lambda: math.sqrt(pooled[2] / pooled[0]) if pooled[0] else 0.0, note
        )

    def energy() -> TestOutcome:
        needs()
        if not finite:
            raise NotApplicable("infinite values; energy needs finite numbers")
        if runs < 2:
            return TestOutcome(0.0)
        return TestOutcome(math.sqrt(2.0 * sum(p.energy for p in parts)))

    def anderson() -> TestOutcome:
        needs(2)
        if runs < 2:
            raise NotApplicable("needs more than one distinct value")
        ref_sum = sum(p.anderson[0] for p in parts)
        cur_sum = sum(p.anderson[1] for p in parts)
        return anderson_outcome(ref_sum, cur_sum, n, m, gap, HARMONIC_BLOCK)

    def cvm() -> TestOutcome:
        needs(2)
        if runs < CVM_MIN_DISTINCT:
            raise NotApplicable(
                f"only {runs} distinct values: the Cramer-von Mises p-value is too liberal "
                "with heavy ties; use mann_whitney or anderson"
            )
        u4 = n * sum(p.cvm[0] for p in parts) + m * sum(p.cvm[1] for p in parts)
        return cvm_asymptotic(u4 / 4, n, m, gap)

    def mann_whitney() -> TestOutcome:
        needs()
        u1 = (sum(p.rank_sum for p in parts) - n * (n + 1)) / 2
        return mann_whitney_normal(u1, sum(p.tie_term for p in parts), n, m)

    def t_test() -> TestOutcome:
        needs(2)
        if not finite:
            raise NotApplicable("infinite values; t_test needs finite numbers")
        (nx, mx, sx), (ny, my, sy) = t.moments
        return welch_outcome(mx, sx / (nx - 1), nx, my, sy / (ny - 1), ny)

    def mmd() -> TestOutcome:
        needs(2)
        if not finite:
            raise NotApplicable("infinite values; mmd needs finite numbers")
        rng, _, _ = mmd_subsample(n, m)  # the generator as the local test leaves it
        x, y = (np.array([at[(side, int(k))] for k in ks]) for side, ks in enumerate(mmd_ranks(t)))
        return mmd_outcome(x, y, mmd_note(n, m), gap, rng)

    def epps_singleton() -> TestOutcome:
        needs(5)
        if not finite:
            raise NotApplicable("infinite values; epps_singleton needs finite numbers")
        if isinstance(epps, str):
            raise NotApplicable(epps)
        assert epps is not None
        (nx, mx, cx), (ny, my, cy) = epps
        return epps_singleton_outcome(mx, cx / nx, nx, my, cy / ny, ny, gap)

    finishers: dict[str, Callable[[], TestOutcome]] = {
        "epps_singleton": epps_singleton,
        "ks": ks,
        "wasserstein": wasser,
        "anderson": anderson,
        "cramer_von_mises": cvm,
        "mann_whitney": mann_whitney,
        "energy": energy,
        "t_test": t_test,
        "mmd": mmd,
    }
    # The tests over the reference-decile bins (psi, jensenshannon, ...) read only the bins'
    # counts: run on them as categories, they are the local tests to the bit.
    binned = CategoricalSample(interval_labels(edges), bins[0], bins[1])
    for test in numeric_tests():
        if tests is not None and test.name not in tests:
            continue
        if test.name in finishers:
            attempt(test.name, finishers[test.name])
        elif Kind.CATEGORICAL in test.kinds:
            attempt(test.name, functools.partial(test.run, binned))
        else:
            outcomes[test.name] = NOT_FROM_PARTITIONS

    def summary(side: int) -> SideSummary:
        rows, nulls = counts[side]
        distinct = sum(p.distinct[side] for p in parts)
        lo, hi = t.finite_range(side)
        if hi <= lo:
            return SideSummary(count=rows, nulls=nulls, unique=distinct)
        k, mean, m2 = t.moments[side]
        q = _quantiles(at, side, lo, hi, np.array([0.25, 0.5, 0.75]))
        return SideSummary(
            count=rows,
            nulls=nulls,
            unique=distinct,
            mean=_finite(mean),
            std=_finite(math.sqrt(m2 / (k - 1))) if k > 1 else None,
            min=_finite(at[(side, lo)]),
            p25=_finite(float(q[0])),
            p50=_finite(float(q[1])),
            p75=_finite(float(q[2])),
            max=_finite(at[(side, hi - 1)]),
        )

    histogram = None
    if plot is not None and plot_edges is not None:
        histogram = Distribution(
            "histogram",
            histogram_labels(plot_edges),
            tuple(int(v) for v in plot[0]),
            tuple(int(v) for v in plot[1]),
            tuple(float(e) for e in plot_edges),
        )
    return Finished("numeric", outcomes, summary(0), summary(1), histogram, bins)


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def check_scale(t: Totals, at: dict[tuple[int, int], float]) -> None:
    """Values beyond 2**SAFE_EXPONENT in magnitude, which the local tests rescale first, are
    not compared in partitions (their squares overflow the sums)."""
    for side in (0, 1):
        lo, hi = t.finite_range(side)
        if hi > lo and max(abs(at[(side, lo)]), abs(at[(side, hi - 1)])) >= 2.0**SAFE_EXPONENT:
            raise InputError(
                f"values reach {max(abs(at[(side, lo)]), abs(at[(side, hi - 1)])):.3g}: beyond "
                f"2**{SAFE_EXPONENT}, compare this column with the local engine"
            )


@dataclass(frozen=True)
class Group:
    """The rows of a sorted union that one comparison of :func:`sorted_passes` reads, by the
    tags each value carries (its segment; a current value's window, or a reference value's
    chunk of a learned threshold; -1: none): the reference's and the current's values of
    ``segment``, of the current's only those in ``window``. None: every value (the whole
    data is ``Group()``). With ``chunk``, the reference's values alone: those of the chunk
    stand for a current side, the other chunks' for the reference (the values in no chunk
    are left out), as :func:`~driftcli.columns.thresholds.learn_threshold` compares them."""

    segment: int | None = None
    window: int | None = None
    chunk: int | None = None

    def select(
        self, from_cur: BoolArray, segment: IntArray, window: IntArray
    ) -> tuple[BoolArray, BoolArray]:
        """Which of a partition's values (their side and tags) this comparison reads, and
        which of those it reads as the current side's."""
        keep = np.ones(len(from_cur), np.bool_)
        if self.segment is not None:
            keep &= segment == self.segment
        if self.chunk is not None:
            keep &= ~from_cur & (window >= 0)
            return keep, window[keep] == self.chunk
        if self.window is not None:
            keep &= ~from_cur | (window == self.window)
        return keep, from_cur[keep]


#: One step of the sorted pass on one partition: ``step(values, from_cur, index)``.
Step = Callable[[FloatArray, BoolArray, int], Any]


def group_results(
    steps: Mapping[int, Step],
    groups: Sequence[Group],
    values: FloatArray,
    from_cur: BoolArray,
    segment: IntArray,
    window: IntArray,
    index: int,
) -> dict[int, Any]:
    """Each comparison's step on its rows of one partition (values, sides and tags):
    what :data:`EachGroup` runs on every partition."""
    out: dict[int, Any] = {}
    for k, step in steps.items():
        group = groups[k]
        if group == Group():
            out[k] = step(values, from_cur, index)
        else:
            keep, sides = group.select(from_cur, segment, window)
            out[k] = step(values[keep], sides, index)
    return out


#: Runs a step on every partition: given ``step(values, from_cur, index)``, the results in
#: partition order (``None`` for a partition that sent none, as an empty one may not).
EachPartition = Callable[[Step], list[Any]]


def sorted_pass(
    each: EachPartition,
    counts: tuple[tuple[int, int], tuple[int, int]],
    gather: Callable[[], tuple[FloatArray, FloatArray]],
    bins: int = 10,
    integrity: bool = False,
    tests: Collection[str] | None = None,
) -> Finished:
    """Compare a numeric column from the partitions of its sorted union, in three steps over
    ``each`` (see the module's text). ``counts``: each side's (rows, nulls and NaN);
    ``gather()`` returns both sides sorted, called only when neither side has more than
    ``SMALL_SIDE`` values, whose exact p-values need every value. ``integrity``: also count
    what the integrity checks read (:attr:`Finished.counts`), in step 3. ``tests``: the names
    of the tests to run (None: every registered one)."""
    return sorted_passes(
        lambda steps: {k: each(step) for k, step in steps.items()},
        [counts],
        lambda ks: {k: gather() for k in ks},
        bins,
        [integrity],
        tests,
    )[0]


#: Runs several comparisons' steps at once: given each comparison's step by its number, each
#: one's results in partition order (:data:`EachPartition` of that comparison's rows).
EachGroup = Callable[
    [Mapping[int, Callable[[FloatArray, BoolArray, int], Any]]], Mapping[int, list[Any]]
]


def sorted_passes(
    each: EachGroup,
    counts: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    gather: Callable[[Sequence[int]], Mapping[int, tuple[FloatArray, FloatArray]]],
    bins: int = 10,
    integrity: Sequence[bool] | None = None,
    tests: Collection[str] | None = None,
) -> list[Finished]:
    """:func:`sorted_pass` of several comparisons that share the partitions of one sorted
    union (the whole data, each segment, each window: ``counts[k]`` is comparison ``k``'s), in
    lockstep: each step of every comparison still going runs in one call of ``each``, so
    three jobs serve them all. ``gather(ks)``: the sides of each comparison of ``ks``, sorted
    (all that ask at once: one job)."""
    flags = list(integrity) if integrity is not None else [False] * len(counts)
    runs = [_steps(c, bins, f, tests) for c, f in zip(counts, flags, strict=True)]
    wanted: dict[int, Any] = {k: next(run) for k, run in enumerate(runs)}
    done: dict[int, Finished] = {}
    while wanted:
        steps = {k: w for k, w in wanted.items() if w is not _GATHER}
        got: dict[int, Any] = dict(each(steps)) if steps else {}
        small = [k for k, w in wanted.items() if w is _GATHER]
        if small:
            got |= gather(small)
        wanted = {}
        for k in sorted(got):
            try:
                wanted[k] = runs[k].send(got[k])
            except StopIteration as stop:
                done[k] = stop.value
    return [done[k] for k in range(len(runs))]


#: What a comparison's steps ask for instead of a step: both its sides, sorted.
_GATHER = object()


def _steps(
    counts: tuple[tuple[int, int], tuple[int, int]],
    bins: int,
    integrity: bool,
    tests: Collection[str] | None,
) -> Generator[Any, Any, Finished]:
    """One comparison of :func:`sorted_passes`: yields each step (or :data:`_GATHER`) and is
    sent its results."""
    heads = [h if h is not None else Head(0, 0) for h in (yield _head_step)]
    t = Totals.of(heads)
    spots = places(heads)
    ranks = rank_requests(t, bins)
    parts = [
        p if p is not None else Part()
        for p in (yield _ContributionStep(spots, t.n, t.m, ranks, tests))
    ]
    at: dict[tuple[int, int], float] = {}
    for p in parts:
        at |= p.at
    check_scale(t, at)
    edges = decile_edges(t, at, bins)
    plot = histogram_edges(t, at)
    inner = plot[1:-1] if plot is not None else np.zeros(0)
    ts: FloatArray | str | None = None
    if _epps_applies(t) and (tests is None or "epps_singleton" in tests):
        try:
            q1, q3 = (numpy_quantile(at, 2, t.n + t.m, q) for q in EPPS_QUARTILES)
            ts = epps_singleton_ts(q1, q3)
        except NotApplicable as exc:
            ts = str(exc)
    points = integrity_points(t, at) if integrity else np.zeros(0)
    step = _EdgeStep(edges, inner, ts if isinstance(ts, np.ndarray) else None, points)
    found = [c for c in (yield step) if c is not None]
    epps: tuple[GMoments, GMoments] | str | None = ts if isinstance(ts, str) else None
    if isinstance(ts, np.ndarray):
        epps = (
            merge_g_moments(c[2][0] for c in found if c[2] is not None),
            merge_g_moments(c[2][1] for c in found if c[2] is not None),
        )
    le_edges = [sum((c[0][side] for c in found), np.zeros(len(edges), np.int64)) for side in (0, 1)]
    below_inner = [
        sum((c[1][side] for c in found), np.zeros(len(inner), np.int64)) for side in (0, 1)
    ]
    binned = tuple(
        np.diff(np.concatenate([[0], le_edges[side], [t.size(side)]])).astype(np.int64)
        for side in (0, 1)
    )
    plotted = None
    if plot is not None:
        plotted = tuple(
            np.diff(
                np.concatenate(
                    [
                        [0],
                        below_inner[side] - t.below[side],
                        [t.size(side) - t.below[side] - t.above[side]],
                    ]
                )
            ).astype(np.int64)
            for side in (0, 1)
        )
    done = finish(t, parts, (binned[0], binned[1]), plotted, counts, edges, plot, epps, tests)  # type: ignore[arg-type]
    done = dataclasses.replace(
        done, partitions=sum(not h.empty for h in heads), constant=_constant(t, done)
    )
    if integrity:
        at_points = [
            [
                sum((c[3][k][side] for c in found), np.zeros(len(points), np.int64))
                for side in (0, 1)
            ]
            for k in (0, 1)
        ]
        done = dataclasses.replace(done, counts=integrity_counts(t, done, *at_points))
    if max(t.n, t.m) <= SMALL_SIDE:
        ref, cur = yield _GATHER
        done = _tested_locally(done, ref, cur, tests)
    return done


def _constant(t: Totals, done: Finished) -> str | None:
    """The one value both sides hold, if they hold only one (an infinity included)."""
    if t.n == 0 or t.m == 0:
        return None
    if t.below == (t.n, t.m):
        return f"{-math.inf:.6g}"
    if t.above == (t.n, t.m):
        return f"{math.inf:.6g}"
    ends = (done.reference.min, done.reference.max, done.current.min, done.current.max)
    if not t.finite or ends[0] is None or len(set(ends)) != 1:
        return None
    return f"{ends[0]:.6g}"


def integrity_points(t: Totals, at: dict[tuple[int, int], float]) -> FloatArray:
    """Where step 3 counts for the integrity checks: each side's median, then the reference's
    finite min and max, read from step 2's order statistics with the summaries' own
    operations (:func:`finish`); NaN where a side has no finite value."""
    out = []
    for side in (0, 1):
        lo, hi = t.finite_range(side)
        q = _quantiles(at, side, lo, hi, np.array([0.25, 0.5, 0.75])) if hi > lo else None
        out.append(math.nan if q is None else float(q[1]))
    lo, hi = t.finite_range(0)
    out += [at[(0, lo)], at[(0, hi - 1)]] if hi > lo else [math.nan, math.nan]
    return np.array(out)


def integrity_counts(
    t: Totals, done: Finished, left: list[IntArray], right: list[IntArray]
) -> SortedCounts:
    """The counts the integrity checks read, as they count them on the values, from each
    side's values below (``left``) and at or below (``right``) :func:`integrity_points`: each
    side's infinities and values equal to its median (0 for a side without finite values,
    whose median is null), and the current's finite values below and above the reference's
    finite range (0 when the reference has no finite value, and no range is checked)."""
    ref, cur = done.reference, done.current
    medians = (ref.p50, cur.p50)
    at_median = tuple(
        0 if medians[side] is None else int(right[side][side] - left[side][side]) for side in (0, 1)
    )
    below = above = 0
    if ref.min is not None and ref.max is not None:
        below = int(left[1][2]) - t.below[1]
        above = t.m - int(right[1][3]) - t.above[1]
    infinite = (t.below[0] + t.above[0], t.below[1] + t.above[1])
    return SortedCounts(infinite, (at_median[0], at_median[1]), below, above)


def _head_step(values: FloatArray, from_cur: BoolArray, index: int) -> Head:
    return head(values, from_cur)


@dataclass(frozen=True)
class _ContributionStep:
    spots: list[Place]
    n: int
    m: int
    ranks: list[tuple[int, int]]
    tests: Collection[str] | None = None

    def __call__(self, values: FloatArray, from_cur: BoolArray, index: int) -> Part:
        spot = self.spots[index]
        return contribution(values, from_cur, spot, self.n, self.m, self.ranks, self.tests)


@dataclass(frozen=True)
class _EdgeStep:
    edges: FloatArray
    inner: FloatArray
    ts: FloatArray | None = None
    #: :func:`integrity_points` (empty unless asked for)
    points: FloatArray = field(default_factory=lambda: np.zeros(0))

    def __call__(
        self, values: FloatArray, from_cur: BoolArray, index: int
    ) -> tuple[
        tuple[IntArray, IntArray],
        tuple[IntArray, IntArray],
        tuple[GMoments, GMoments] | None,
        tuple[tuple[IntArray, IntArray], tuple[IntArray, IntArray]],
    ]:
        g = None
        if self.ts is not None:
            ref, cur = split_sides(values, from_cur)
            g = (g_moments(self.ts, ref), g_moments(self.ts, cur))
        return (
            edge_counts(values, from_cur, self.edges, "right"),
            edge_counts(values, from_cur, self.inner, "left"),
            g,
            (
                edge_counts(values, from_cur, self.points, "left"),
                edge_counts(values, from_cur, self.points, "right"),
            ),
        )


#: Count, mean vector and co-moment matrix (sum of outer products of deviations) of the
#: Epps-Singleton functions cos(t x), sin(t x) over some values.
GMoments = tuple[int, FloatArray, FloatArray]
_G_BLOCK = 1 << 18


def g_moments(ts: FloatArray, x: FloatArray) -> GMoments:
    """The :data:`GMoments` of ``x``, a block of values at a time (bounded temporaries),
    with pairwise sums (the same bits on any number of cores, unlike a BLAS product)."""
    parts: list[GMoments] = []
    for start in range(0, len(x), _G_BLOCK):
        g = epps_singleton_g(ts, x[start : start + _G_BLOCK])
        mean = g.mean(axis=1)
        dev = g - mean[:, None]
        co = np.empty((4, 4))
        for i in range(4):
            for j in range(i, 4):
                co[i, j] = co[j, i] = float((dev[i] * dev[j]).sum())
        parts.append((g.shape[1], mean, co))
    return merge_g_moments(parts)


def merge_g_moments(parts: Iterable[GMoments]) -> GMoments:
    """:data:`GMoments` of the union of parts, merged in order (Chan et al.)."""
    count, mean, co = 0, np.zeros(4), np.zeros((4, 4))
    for k, mu, c in parts:
        if k == 0:
            continue
        total = count + k
        delta = mu - mean
        mean = mean + delta * (k / total)
        co = co + c + np.outer(delta, delta) * (count * k / total)
        count = total
    return count, mean, co


def _tested_locally(
    done: Finished, ref: FloatArray, cur: FloatArray, tests: Collection[str] | None = None
) -> Finished:
    """``done`` with its tests run by the local code on the gathered sides (small sides)."""
    sample = NumericSample(ref, cur)
    return dataclasses.replace(done, outcomes=run_tests(sample, Kind.NUMERIC, tests))


def run_tests(
    sample: ColumnSample, kind: Kind, tests: Collection[str] | None = None
) -> dict[str, TestOutcome | str]:
    """Every registered test of ``kind`` (of ``tests``, when given) run locally on ``sample``:
    its outcome, or why it did not apply."""
    outcomes: dict[str, TestOutcome | str] = {}
    for test in all_tests():
        if not test.applies_to(kind) or (tests is not None and test.name not in tests):
            continue
        try:
            outcomes[test.name] = test.run(sample)
        except NotApplicable as exc:
            outcomes[test.name] = str(exc)
    return outcomes


def in_chunks(
    ref: FloatArray, cur: FloatArray, cuts: Sequence[int]
) -> tuple[list[tuple[FloatArray, BoolArray]], EachPartition]:
    """The sorted union of two samples cut at positions ``cuts``, and an ``each`` over its
    chunks in this process (what Spark's partitions are to the Spark sorted pass)."""
    both = np.concatenate([ref, cur])
    side = np.concatenate([np.zeros(len(ref), np.bool_), np.ones(len(cur), np.bool_)])
    keep = ~np.isnan(both)
    both, side = both[keep], side[keep]
    order = np.argsort(both, kind="stable")
    values, from_cur = both[order], side[order]
    bounds = [0, *sorted(cuts), len(values)]
    chunks = [(values[a:b], from_cur[a:b]) for a, b in itertools.pairwise(bounds)]

    def each(step: Callable[[FloatArray, BoolArray, int], Any]) -> list[Any]:
        return [step(v, c, i) for i, (v, c) in enumerate(chunks)]

    return chunks, each
