"""Per-column data prepared once and shared by every test on that column.

A numeric column becomes two sorted float arrays without nulls or NaN (one sort per side, shared
by KS, Wasserstein, the rank tests and the binned tests; :class:`Merged` joins the two sorted
sides without sorting again); a categorical or boolean column becomes two count
vectors aligned on the union of categories. Binning for PSI and Jensen-Shannon is computed once
per column and cached.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from driftcli.stats.sorting import sort_with

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Number of equal-width bins in the report's numeric histograms.
PLOT_BINS = 30
#: Categories shown in the report's bar charts; the rest are summed into one bar.
PLOT_TOP_CATEGORIES = 20


@dataclass(frozen=True)
class Binned:
    """Counts of both samples over shared bins (numeric ranges or categories)."""

    labels: tuple[str, ...]
    reference: IntArray
    current: IntArray

    def shares(self) -> tuple[FloatArray, FloatArray]:
        """Reference and current shares per bin (each sums to 1)."""
        r = self.reference.astype(np.float64)
        c = self.current.astype(np.float64)
        return r / r.sum(), c / c.sum()


def quantile_sorted(x: FloatArray, q: FloatArray) -> FloatArray:
    """Quantiles of an already sorted array, linear interpolation (numpy's default, R type 7)."""
    h, lo, hi = quantile_positions(len(x), q)
    return interpolated(h, lo, x[lo], x[hi])


def quantile_positions(size: int, q: FloatArray) -> tuple[FloatArray, IntArray, IntArray]:
    """Where :func:`quantile_sorted` reads quantiles ``q`` of ``size`` sorted values: the
    fractional positions and the two 0-based ranks around each."""
    h = (size - 1) * q
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, size - 1)
    return h, lo, hi


def interpolated(h: FloatArray, lo: IntArray, x_lo: FloatArray, x_hi: FloatArray) -> FloatArray:
    """:func:`quantile_sorted`'s interpolation between the values read at ``lo`` and the next
    rank (``x_lo``, ``x_hi``) for the positions ``h``."""
    with np.errstate(invalid="ignore"):  # inf - inf between equal infinite neighbours
        step = (h - lo) * (x_hi - x_lo)
    out: FloatArray = np.where(x_hi == x_lo, x_lo, x_lo + step)
    return out


#: Below this bound, the products of ranks and counts (at most (2N + 2)**2 for N values in
#: all) are exact in int64; above it (N beyond about 1.5e9) they are Python integers.
_INT64_SAFE = 2**62


def exact_sum(x: npt.NDArray[Any], bound: int | None = None) -> int:
    """The exact sum of an int64 array (or one of Python integers), as a Python integer:
    summed in chunks whose int64 sums cannot overflow (``bound``: the largest magnitude, when
    the caller knows it), and the chunks' sums added as Python integers."""
    if len(x) == 0:
        return 0
    if x.dtype == object:
        return int(sum(x.tolist()))
    if bound is None:
        bound = int(np.abs(x).max())
    per = max(1, (2**63 - 1) // max(bound, 1))
    if per >= len(x):
        return int(x.sum())
    whole = len(x) // per * per
    chunks = x[:whole].reshape(-1, per).sum(axis=1)
    return int(sum(chunks.tolist())) + int(x[whole:].sum())


def _ints(total: int, *arrays: IntArray) -> list[npt.NDArray[Any]]:
    """The arrays as int64 (not copied when they are) when products of ranks of ``total``
    values cannot overflow it, else as Python integers (beyond about 1.5e9 values)."""
    if (2 * total + 2) ** 2 < _INT64_SAFE:
        return [np.asarray(x, dtype=np.int64) for x in arrays]
    return [np.asarray(x).astype(object) for x in arrays]


def rank_sum_twice(counts: IntArray, start: IntArray, ties: IntArray, total: int) -> int:
    """Twice the sum of the midranks of a side's values, exactly: the side's ``counts`` in
    each run of ties of the union, the runs' 0-based ``start`` and lengths ``ties`` (``total``:
    the values of the union, which bounds the products)."""
    c, s, t = _ints(total, counts, start, ties)
    key = 2 * s
    key += t
    key += 1
    key *= c  # at most N (2N + 1)
    return exact_sum(key, (2 * total + 2) ** 2)


def rank_deviations_four(
    counts: IntArray, start: IntArray, ties: IntArray, before: int, total: int
) -> int:
    """Four times the sum over a side's values of (midrank - position)**2, exactly (positions
    1-based within the side; ``before``: the side's values before these runs).

    A run of f of the side's values at positions q + 1 .. q + f, with midrank M, adds the sum
    over j of (2 (M - q) - 2j)**2, which is f d**2 + f (f**2 - 1) / 3 with d = 2 (M - q) - f - 1
    = 2 (start - q) + ties - f: two terms of one sign."""
    c, s, t = _ints(total, counts, start, ties)
    q = np.cumsum(c)
    q -= c
    q += before
    d = s - q
    d *= 2
    d += t
    d -= c
    if c.dtype == object:
        return exact_sum(c * d * d + c * (c * c - 1) // 3)
    if len(c) == 0:
        return 0
    if int(c.max()) <= 1:  # continuous data: a side has 0 or 1 values in each run, c d**2
        d *= d
        d *= c
        return exact_sum(d, (2 * total + 2) ** 2)
    single = c == 1
    out = exact_sum(np.square(d[single]), (2 * total + 2) ** 2)
    many = c > 1  # runs of ties: f (up to N) times a square can pass int64's range
    f, dm = c[many].astype(object), d[many].astype(object)
    return out + exact_sum(f * dm * dm + f * (f * f - 1) // 3)


def plot_edges(lo: float, hi: float) -> FloatArray:
    """The plot's histogram edges over values from ``lo`` to ``hi``: one unit-wide bin when
    every value is the same, else PLOT_BINS equal-width bins."""
    if lo == hi:
        return np.array([lo - 0.5, hi + 0.5])
    return np.linspace(lo, hi, PLOT_BINS + 1)


def histogram_labels(edges: FloatArray) -> tuple[str, ...]:
    """The plot's label of each histogram bin."""
    return tuple(f"{a:.4g} to {b:.4g}" for a, b in itertools.pairwise(edges))


def count_distinct_sorted(x: FloatArray) -> int:
    """Number of distinct values of a sorted array (infinities compare equal to themselves)."""
    return int(np.count_nonzero(x[1:] != x[:-1]) + 1) if len(x) else 0


def _fmt(x: float) -> str:
    return f"{x:.6g}"


@dataclass(frozen=True)
class PrefixSums:
    """Prefix sums of a sorted, finite array around a centre: ``sums[k] = sum(x[:k] - center)``.

    Built once for a reference compared with many smaller current slices (time windows), so
    the Wasserstein distance of each slice costs O(m log n) instead of O(n + m). Centring on
    the median keeps the partial sums small, so differences of them lose little precision.
    """

    center: float
    sums: FloatArray

    @classmethod
    def of(cls, x: FloatArray) -> PrefixSums | None:
        """The prefix sums of sorted ``x``; None when ``x`` is empty or not all finite, or
        when its sums overflow (values near the float limit, which the tests compare
        rescaled, without prefix sums: :func:`rescaled`)."""
        if len(x) == 0 or not (np.isfinite(x[0]) and np.isfinite(x[-1])):
            return None
        center = float(x[len(x) // 2])
        sums = np.empty(len(x) + 1, dtype=np.float64)
        sums[0] = 0.0
        with np.errstate(over="ignore", invalid="ignore"):
            np.cumsum(x - center, out=sums[1:])
        # An overflow leaves +-inf (or NaN, from inf - inf) in every later sum.
        return cls(center, sums) if np.isfinite(sums[-1]) else None


@dataclass(frozen=True)
class NumericSample:
    """Both sides of a numeric column: sorted, finite-or-inf values, nulls and NaN removed."""

    reference: FloatArray
    current: FloatArray
    n_bins: int = 10
    reference_std_hint: float | None = None
    #: The values are the data's times 2**-scale_exponent (see :func:`rescaled`): 0 for data of
    #: ordinary size. Tests that are not scale-free (energy) convert back.
    scale_exponent: int = 0
    #: Prefix sums of ``reference`` when the caller prepared them once for many current slices.
    reference_prefix: PrefixSums | None = None

    @classmethod
    def from_series(
        cls,
        ref: pl.Series,
        cur: pl.Series,
        n_bins: int = 10,
        reference_std: float | None = None,
        reference_sorted: FloatArray | None = None,
        reference_prefix: PrefixSums | None = None,
    ) -> NumericSample:
        """Build from two Polars series of any numeric dtype.

        ``reference_std`` is the reference's population standard deviation when the caller
        already has it (the engine computes it with the other per-column statistics);
        ``reference_sorted`` is ``sorted_values(ref)`` when the caller compares one reference
        with many current slices (time windows) and sorted it once, ``reference_prefix`` its
        :class:`PrefixSums`.
        """
        if reference_sorted is None:
            return cls(sorted_values(ref), sorted_values(cur), n_bins, reference_std)
        return cls(
            reference_sorted, sorted_values(cur), n_bins, reference_std,
            reference_prefix=reference_prefix,
        )  # fmt: skip

    @cached_property
    def reference_std(self) -> float:
        """Population standard deviation (ddof=0) of the reference."""
        if self.reference_std_hint is not None:
            return self.reference_std_hint
        return float(np.std(self.reference)) if len(self.reference) else 0.0

    @cached_property
    def merged(self) -> Merged:
        """The sorted union with its runs of ties, shared by the rank and ECDF tests."""
        return Merged.of(self.reference, self.current)

    @cached_property
    def binned(self) -> Binned:
        """Counts over bins cut at reference quantiles (deciles by default).

        Edges are the reference's ``k/n_bins`` quantiles (k = 1..n_bins-1, linear
        interpolation), duplicates removed; the first and last bins are open, so every
        current value falls in a bin. A bin ``(a, b]`` holds values above a up to b.
        """
        qs = np.arange(1, self.n_bins, dtype=np.float64) / self.n_bins
        edges = np.unique(quantile_sorted(self.reference, qs))
        ref_counts = _counts_right(self.reference, edges)
        cur_counts = _counts_right(self.current, edges)
        labels = interval_labels(edges)
        return Binned(labels, ref_counts, cur_counts)


@dataclass(frozen=True)
class Merged:
    """Both sorted samples merged into one sorted union, described by its runs of ties.

    Built from the two sorted arrays by a linear merge (no new sort of unordered data), it
    gives every rank-based and ECDF-based test what it needs: for each distinct value, where
    its run starts in the union, how long it is and how many of it come from each side.
    """

    values: FloatArray  # distinct values, ascending
    start: IntArray  # 0-based position of each run in the union
    ties: IntArray  # run lengths (number of equal values over both sides)
    ref_count: IntArray  # reference values in each run
    cur_count: IntArray  # current values in each run

    @classmethod
    def of(cls, ref: FloatArray, cur: FloatArray) -> Merged:
        """Merge two sorted arrays (reference values placed before equal current ones)."""
        n = len(ref)
        both = np.concatenate([ref, cur])
        # A stable sort of two concatenated sorted runs is a linear merge (timsort finds the
        # runs), and keeps reference values before equal current ones.
        order = np.argsort(both, kind="stable")
        return cls.of_union(both[order], order < n)

    @classmethod
    def of_union(cls, union: FloatArray, from_ref: npt.NDArray[np.bool_]) -> Merged:
        """The runs of ties of an already sorted union, ``from_ref`` marking its reference
        values (a whole union, or one partition of it: :mod:`driftcli.stats.partials`)."""
        if len(union) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls(union, empty, empty, empty, empty)
        start = np.concatenate([[0], np.flatnonzero(union[1:] != union[:-1]) + 1])
        start = start.astype(np.int64)
        ties = np.diff(np.concatenate([start, [len(union)]])).astype(np.int64)
        ref_count = np.add.reduceat(from_ref.astype(np.int64), start).astype(np.int64)
        return cls(union[start], start, ties, ref_count, ties - ref_count)

    @cached_property
    def midranks(self) -> FloatArray:
        """The average 1-based rank of each run's values in the union."""
        out: FloatArray = self.start + (self.ties + 1) / 2.0
        return out


def _counts_right(sorted_x: FloatArray, edges: FloatArray) -> IntArray:
    """Counts of a sorted array in bins (-inf, e0], (e0, e1], ..., (e_last, inf)."""
    cuts = np.searchsorted(sorted_x, edges, side="right")
    bounds = np.concatenate([[0], cuts, [len(sorted_x)]]).astype(np.int64)
    counts: IntArray = np.diff(bounds)
    return counts


def interval_labels(edges: FloatArray) -> tuple[str, ...]:
    if len(edges) == 0:
        return ("(-inf, inf)",)
    labels = [f"(-inf, {_fmt(edges[0])}]"]
    labels += [f"({_fmt(a)}, {_fmt(b)}]" for a, b in itertools.pairwise(edges)]
    labels.append(f"({_fmt(edges[-1])}, inf)")
    return tuple(labels)


#: Values up to 2**SAFE_EXPONENT in magnitude are left as they are: their squares and sums
#: over billions of rows stay finite. Larger ones (near 1e308, or sentinels like DBL_MAX)
#: would overflow the arithmetic of the tests.
SAFE_EXPONENT = 400


def infinite_ends(x: FloatArray) -> tuple[int, int]:
    """The -inf and +inf values of a sorted array without NaN (they sit at its ends)."""
    return int(x.searchsorted(-np.inf, "right")), len(x) - int(x.searchsorted(np.inf, "left"))


def rescaled(sample: NumericSample) -> NumericSample:
    """``sample`` divided by a power of two when its values are too large for the tests'
    arithmetic (beyond 2**SAFE_EXPONENT), else ``sample`` itself.

    Dividing by a power of two is exact (only the exponent changes) and every test but the
    unscaled energy distance is scale-free, so the statistics are those of the data."""
    largest = 0.0
    for x in (sample.reference, sample.current):  # sorted: the extremes are at the ends
        lo, above = infinite_ends(x)
        hi = len(x) - above
        if hi > lo:
            largest = max(largest, abs(float(x[lo])), abs(float(x[hi - 1])))
    exponent = int(np.frexp(largest)[1]) if largest > 0 else 0
    if exponent <= SAFE_EXPONENT:
        return sample
    shift = exponent - SAFE_EXPONENT
    return NumericSample(
        np.ldexp(sample.reference, -shift),
        np.ldexp(sample.current, -shift),
        sample.n_bins,
        None,
        shift,
    )


def sorted_values(s: pl.Series) -> FloatArray:
    """Sorted float values without nulls and NaN (nulls become NaN, which both sorts put last).

    The sort is numpy's, or Polars' where numpy's is slow (:mod:`driftcli.stats.sorting`).
    """
    if s.dtype != pl.Float64:
        s = s.cast(pl.Float64)
    arr: FloatArray
    if sort_with() == "polars":
        # Polars aborts the process when an allocation fails, where numpy raises MemoryError
        # (which the run turns into "the inputs do not fit", exit 2): asking numpy for the
        # sorted copy's size first makes an address space that cannot hold it fail the same
        # way with either sort (the pages are not touched, so this costs microseconds).
        np.empty(s.len())
        # NaN sorts after every number, nulls after NaN; to_numpy makes the nulls NaN.
        arr = s.sort(nulls_last=True, multithreaded=False).to_numpy()
    else:
        # Where its kernel is not the slow one, numpy's sort is about 3x faster than Polars'
        # (AVX2 on a Zen 4: 12 ms against 35 ms a million values, bench/bench_sort.py).
        arr = s.to_numpy()
        if arr.flags.writeable:
            # Polars hands out its own memory read-only; a writable array is a copy made for
            # this call (nulls filled with NaN, chunks joined), so it is sorted where it is.
            arr.sort()
        else:
            arr = np.sort(arr)
    end = int(np.searchsorted(arr, np.nan, side="left"))
    return arr[:end]


@dataclass(frozen=True)
class CategoricalSample:
    """Both sides of a categorical or boolean column as counts over the union of categories.

    ``labels`` are the categories in their natural order (values sorted); counts exclude nulls.
    """

    labels: tuple[str, ...]
    reference: IntArray
    current: IntArray

    @property
    def binned(self) -> Binned:
        """The categories are the bins."""
        return Binned(self.labels, self.reference, self.current)

    @classmethod
    def from_series(
        cls, ref: pl.Series, cur: pl.Series, reference_counts: pl.DataFrame | None = None
    ) -> CategoricalSample:
        """Count each category on both sides (nulls excluded), aligned on the union.

        ``reference_counts`` is ``category_counts(ref, "ref")`` when the caller compares one
        reference with many current slices (time windows) and counted it once.
        """
        r = category_counts(ref, "ref") if reference_counts is None else reference_counts
        return cls.from_counts(r, category_counts(cur, "cur"))

    @classmethod
    def from_counts(cls, r: pl.DataFrame, c: pl.DataFrame) -> CategoricalSample:
        """From each side's rows per non-null value (:func:`category_counts`' frames:
        ``value`` and ``ref``, ``value`` and ``cur``), aligned on the union of values."""
        name = _VALUE
        rd, cd = r.schema[name], c.schema[name]
        if rd != cd and rd.is_numeric() and cd.is_numeric():
            # Int64 0/1 on one side and Float64 0.0/1.0 on the other are the same values.
            r = r.with_columns(pl.col(name).cast(pl.Float64))
            c = c.with_columns(pl.col(name).cast(pl.Float64))
        elif rd != cd:
            # e.g. String on one side and Categorical or Null on the other: compare as text.
            r = r.with_columns(pl.col(name).cast(pl.String))
            c = c.with_columns(pl.col(name).cast(pl.String))
        if isinstance(r.schema[name], (pl.Categorical, pl.Enum)):
            r = r.with_columns(pl.col(name).cast(pl.String))
            c = c.with_columns(pl.col(name).cast(pl.String))
        joined = r.join(c, on=name, how="full", coalesce=True).fill_null(0).sort(name)
        values = joined[name]
        # Text is its own label (str of a str is the same object): no call per category.
        labels = tuple(
            values.to_list() if values.dtype == pl.String else map(_label, values.to_list())
        )
        return cls(
            labels,
            joined["ref"].cast(pl.Int64).to_numpy(),
            joined["cur"].cast(pl.Int64).to_numpy(),
        )


_VALUE = "value"


#: Below this many rows, ``value_counts`` counts faster than a group-by (a segment or window).
_SMALL_COUNT = 200_000


def category_counts(s: pl.Series, side: str) -> pl.DataFrame:
    """Rows per non-null value of ``s``: columns ``value`` and ``side`` (the count), in no
    particular order."""
    if s.dtype.is_float():
        s = s.fill_nan(None)
    if s.len() < _SMALL_COUNT:
        # A group-by plans a query first: 0.64 ms for 10,000 labels against 0.34 ms for
        # value_counts, two at a time (measured); a 100-segment run counts 1,000 of them.
        return s.drop_nulls().rename(_VALUE).value_counts(name=side)
    # group_by().len() is about 1.3-2.5x faster than value_counts at 1M rows (measured).
    return s.rename(_VALUE).to_frame().drop_nulls().group_by(_VALUE).len(name=side)


def _label(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return _fmt(v)
    return str(v)


ColumnSample = NumericSample | CategoricalSample
