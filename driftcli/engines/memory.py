"""The in-memory Polars engine (the default): both sides' columns in memory, numpy sorts.

A numeric column becomes two sorted float arrays (one sort per side, shared by every test),
its moments come from one parallel Polars pass over all numeric columns of a side, and a
categorical column becomes category counts from one ``group_by`` per side.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

import numpy as np
import polars as pl

from driftcli.columns.kinds import (
    ID_MIN_ROWS,
    KindEvidence,
    decimal_comma_numbers,
    formatted_number_example,
    holds_values,
    id_shaped,
    in_seconds,
    infer_kind,
    is_numeric_dtype,
    strings_parse_as_datetime,
)
from driftcli.columns.plan import SKIP_REASONS, ColumnPlan
from driftcli.engines.base import (
    DataSource,
    Moments,
    PassRunner,
    PreparedColumn,
    ReferenceCache,
    rows_frame,
)
from driftcli.inputs.sources import Source, SourceLike, open_source
from driftcli.results.records import (
    CategoryCounts,
    Distribution,
    SideSummary,
    SortedCounts,
)
from driftcli.results.vocabulary import TESTABLE_KINDS, Kind
from driftcli.stats.samples import (
    PLOT_TOP_CATEGORIES,
    CategoricalSample,
    ColumnSample,
    FloatArray,
    IntArray,
    NumericSample,
    PrefixSums,
    category_counts,
    count_distinct_sorted,
    histogram_labels,
    infinite_ends,
    plot_edges,
    quantile_sorted,
    rescaled,
    sorted_values,
)


def _finite(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(x)


def _null_count(s: pl.Series) -> int:
    n = s.null_count()
    if s.dtype.is_float():
        n += int(s.is_nan().sum() or 0)
    return n


def _moments_of(s: pl.Series) -> Moments:
    return _moments(s.to_frame("v"), ["v"])["v"]


#: Columns made contiguous at a time for their moments (bounds the copies' memory). At 10M
#: rows a side each column's copy is 80 MB, and the default report's peak is reached while a
#: batch is held: 8 columns took it from 5.30 to 5.59 GB, 4 keep it at 5.30 GB; at 1M rows
#: 4 take the time 8 did (bench/README.md, "Peak memory at 10M rows").
_MOMENTS_BATCH = 4


def _moments(df: pl.DataFrame, names: Sequence[str]) -> dict[str, Moments]:
    """Moments of many numeric columns, in parallel Polars passes over a few at a time.

    Each column is made contiguous first: Polars sums a column chunk by chunk, so the same
    values read from several files, row groups or CSV blocks (or passed as a chunked frame)
    would otherwise give other last bits than read from one. A column in one chunk is not
    copied; the others are, a batch at a time."""
    out: dict[str, Moments] = {}
    for start in range(0, len(names), _MOMENTS_BATCH):
        # One batch's copy at a time: the next is made only once this one is freed.
        out |= _batch_moments(df.select(names[start : start + _MOMENTS_BATCH]).rechunk())
    return out


def _batch_moments(frame: pl.DataFrame) -> dict[str, Moments]:
    """Moments of every column of ``frame`` (contiguous numeric columns)."""
    batch = frame.columns
    nulls = frame.null_count().row(0)
    # Most columns hold no NaN or infinity: their moments over the values as they are
    # (nulls dropped) are the moments of the finite values, the same sum of the same
    # contiguous values, without the is_finite filter's pass and copy (a third of the
    # time). A NaN or an infinity makes the result NaN or infinite: those columns are
    # summed again, filtered.
    row = _moment_row(frame, batch, finite_only=False, nulls=nulls)
    again = [name for i, name in enumerate(batch) if not _all_finite(row[2 * i], row[2 * i + 1])]
    found: dict[str, tuple[Any, Any]] = {}
    if again:
        redone = _moment_row(frame, again, finite_only=True, nulls=None)
        found = dict(zip(again, zip(redone[0::2], redone[1::2], strict=True), strict=True))
    out: dict[str, Moments] = {}
    for i, name in enumerate(batch):
        mean, std = found.get(name, (row[2 * i], row[2 * i + 1]))
        out[name] = Moments(_finite(mean), _finite(std))
    return out


def _moment_row(
    frame: pl.DataFrame, names: Sequence[str], *, finite_only: bool, nulls: Sequence[int] | None
) -> tuple[Any, ...]:
    """Mean and sample std (ddof=1) of each column, in one parallel Polars pass: of its
    finite values (``finite_only``), else of its values without nulls (``nulls``: each
    column's null count, 0 where nothing needs dropping)."""
    exprs: list[pl.Expr] = []
    for i, name in enumerate(names):
        x = pl.col(name).cast(pl.Float64)
        if finite_only:
            x = x.filter(x.is_finite())
        elif nulls is None or nulls[i]:
            x = x.drop_nulls()
        exprs += [x.mean().alias(f"m{i}"), x.std(ddof=1).alias(f"s{i}")]
    return frame.select(exprs).row(0)


def _all_finite(*values: object) -> bool:
    return all(isinstance(v, float) and math.isfinite(v) for v in values)


def _finite_part(x: FloatArray) -> FloatArray:
    """The finite values of a sorted array without NaN, as a view."""
    low, high = infinite_ends(x)
    return x[low : len(x) - high]


def _numeric_summary(
    raw: pl.Series, x: FloatArray, moments: Moments, shift: int = 0
) -> SideSummary:
    """Summary of a sorted side ``x``, whose values are the data's times 2**-shift."""
    finite = _finite_part(x)
    nulls = raw.len() - len(x)  # x holds every value but nulls and NaN
    if len(finite) == 0:
        return SideSummary(count=raw.len(), nulls=nulls, unique=count_distinct_sorted(x))
    q = np.ldexp(quantile_sorted(finite, np.array([0.25, 0.5, 0.75])), shift)
    return SideSummary(
        count=raw.len(),
        nulls=nulls,
        unique=count_distinct_sorted(x),
        mean=moments.mean,
        std=moments.std,
        min=_finite(float(np.ldexp(finite[0], shift))),
        p25=_finite(float(q[0])),
        p50=_finite(float(q[1])),
        p75=_finite(float(q[2])),
        max=_finite(float(np.ldexp(finite[-1], shift))),
    )


def _scaled_moments(x: FloatArray, shift: int) -> Moments:
    """Mean and sample std of a rescaled side (values times 2**-shift), in the data's units:
    computed where they cannot overflow, then scaled back (None when the result overflows)."""
    finite = _finite_part(x)
    if len(finite) == 0:
        return Moments(None, None)
    mean = float(np.ldexp(np.mean(finite), shift))
    std = float(np.ldexp(np.std(finite, ddof=1), shift)) if len(finite) > 1 else None
    return Moments(_finite(mean), _finite(std))


def _categorical_summary(raw: pl.Series, labels: tuple[str, ...], counts: IntArray) -> SideSummary:
    return categorical_summary(raw.len(), _null_count(raw), labels, counts)


def categorical_summary(
    rows: int, nulls: int, labels: tuple[str, ...], counts: IntArray
) -> SideSummary:
    """Summary of one side of a categorical column: its rows, nulls and counts per label."""
    total = int(counts.sum())
    top = int(np.argmax(counts)) if total else None
    return SideSummary(
        count=rows,
        nulls=nulls,
        unique=int(np.count_nonzero(counts)),
        top=labels[top] if top is not None else None,
        top_share=float(counts[top] / total) if top is not None else None,
    )


def _histogram(s: NumericSample) -> Distribution | None:
    r, c = _finite_part(s.reference), _finite_part(s.current)
    if len(r) + len(c) == 0:
        return None
    lo = min(v[0] for v in (r, c) if len(v))
    hi = max(v[-1] for v in (r, c) if len(v))
    edges = plot_edges(lo, hi)

    def counts(x: FloatArray) -> tuple[int, ...]:
        cuts = np.searchsorted(x, edges[1:-1], side="left")
        bounds = np.concatenate([[0], cuts, [len(x)]])
        return tuple(int(v) for v in np.diff(bounds))

    ref_counts, cur_counts = counts(r), counts(c)
    edges = np.ldexp(edges, s.scale_exponent)  # back to the data's units (a rescaled sample)
    labels = histogram_labels(edges)
    return Distribution("histogram", labels, ref_counts, cur_counts, tuple(float(e) for e in edges))


def category_bars(s: CategoricalSample) -> Distribution:
    """The plot's bars of a categorical column: the most frequent categories, then the rest."""
    total = s.reference + s.current
    order = np.argsort(-total, kind="stable")
    top = order[:PLOT_TOP_CATEGORIES]
    rest = order[PLOT_TOP_CATEGORIES:]
    labels = [s.labels[i] for i in top]
    ref = [int(s.reference[i]) for i in top]
    cur = [int(s.current[i]) for i in top]
    if len(rest):
        labels.append(f"(other: {len(rest)} categories)")
        ref.append(int(s.reference[rest].sum()))
        cur.append(int(s.current[rest].sum()))
    return Distribution("bars", tuple(labels), tuple(ref), tuple(cur))


def _parse_numbers(ref: pl.Series, cur: pl.Series) -> tuple[pl.Series, pl.Series, str | None]:
    """Cast to Float64 for a column set to numeric; count values that did not parse."""
    out = []
    bad = 0
    for s in (ref, cur):
        t = s.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
        bad += t.null_count() - s.null_count()
        out.append(t)
    note = f"{bad} values were not numbers and were left out" if bad else None
    return out[0], out[1], note


class MemoryEngine:
    """The in-memory Polars engine (``engine="polars"``, the default)."""

    name = "polars"
    reads_elsewhere = False

    @property
    def holds_columns(self) -> bool:
        """A run in passes holds its shared columns (Engine.holds_columns)."""
        return True

    def open(
        self,
        src: SourceLike,
        fmt: str | None,
        role: str,
        separator: str | None,
        decimal_comma: bool = False,
    ) -> DataSource:
        """A path, glob, folder or frame as a lazy Polars scan (:mod:`driftcli.inputs`)."""
        return open_source(src, fmt, role, separator, decimal_comma)

    def passes(
        self, ref: DataSource, cur: DataSource, columns: Sequence[str], extra: float = 0.0
    ) -> int | None:
        """Every column at once: the data is held in memory."""
        return None

    def staged(
        self, ref: DataSource, cur: DataSource, columns: Sequence[str]
    ) -> AbstractContextManager[tuple[DataSource, DataSource]]:
        """The sides as they are."""
        return contextlib.nullcontext((ref, cur))

    def read(
        self,
        ref: DataSource,
        cur: DataSource,
        columns: list[str],
        extra: tuple[list[str], list[str]],
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Read ``columns`` from both sides (plus each side's own ``extra`` columns) in one
        pass per side, the two sides at once (one side's read alone keeps about 1.3 of two
        cores busy)."""
        queries: list[pl.LazyFrame] = []
        sources: list[Source] = []
        counted: list[bool] = []
        for src, more in ((ref, extra[0]), (cur, extra[1])):
            assert isinstance(src, Source)
            wanted = columns + [c for c in more if c not in columns]
            # Nothing to test (every column skipped): still count the rows.
            queries.append(src.lazy.select(wanted) if wanted else src.lazy.select(pl.len()))
            sources.append(src)
            counted.append(not wanted)
        try:
            frames = pl.collect_all(queries)
        except Exception:  # noqa: BLE001 - read each side alone to say which one failed
            frames = []
            for src, query in zip(sources, queries, strict=True):
                try:
                    frames.append(query.collect())
                except Exception as exc:
                    raise src.read_error(exc) from exc
        out = [
            rows_frame(df.item()) if rows else df for df, rows in zip(frames, counted, strict=True)
        ]
        return out[0], out[1]

    def extremes(
        self, ref: DataSource, cur: DataSource, column: str
    ) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
        """Each side's smallest and largest value of ``column``, from one read of it."""
        frames = self.read(ref, cur, [column], ([], []))
        ends = [df.select(pl.col(column).min(), pl.col(column).max()).row(0) for df in frames]
        return (ends[0][0], ends[0][1]), (ends[1][0], ends[1][1])

    def pass_runner(self, ref: DataSource, cur: DataSource) -> PassRunner | None:
        """None: the passes run in this process."""
        return None

    def moments(self, frame: pl.DataFrame, names: Sequence[str]) -> dict[str, Moments]:
        """Moments of many numeric columns in one parallel Polars pass."""
        return _moments(frame, names)

    def prepare_reference(
        self,
        plans: Sequence[ColumnPlan],
        kinds: Mapping[str, Kind | None],
        ref: pl.DataFrame,
        pool: ThreadPoolExecutor,
        known: Mapping[str, FloatArray] | None = None,
    ) -> ReferenceCache:
        """Moments, sorted values and category counts of the reference, once for all
        windows; the sorted values in ``known`` are used as they are."""
        numeric = [
            p.name
            for p in plans
            if kinds[p.name] is Kind.NUMERIC and is_numeric_dtype(ref[p.name].dtype)
        ]
        categorical = [p for p in plans if p.name not in numeric]

        def counts(p: ColumnPlan) -> pl.DataFrame:
            s = ref[p.name].cast(pl.String) if p.cast_string else ref[p.name]
            return category_counts(s, "ref")

        known = known or {}
        to_sort = [n for n in numeric if n not in known]
        made = dict(zip(to_sort, pool.map(lambda n: sorted_values(ref[n]), to_sort), strict=True))
        sorted_ = {n: known[n] if n in known else made[n] for n in numeric}
        return ReferenceCache(
            _moments(ref, numeric),
            sorted_,
            dict(zip([p.name for p in categorical], pool.map(counts, categorical), strict=True)),
            {name: PrefixSums.of(x) for name, x in sorted_.items()},
        )

    def _text_as_numbers(
        self, plan: ColumnPlan, kind: Kind | None, ref: pl.Series, cur: pl.Series, bins: int
    ) -> PreparedColumn:
        """A column with numbers on one side and text on the other: compared as numbers when
        every text value is one, else an error row saying how many are not."""
        text_side = "reference" if ref.dtype == pl.String else "current"
        dtypes = f"{ref.dtype} in reference, {cur.dtype} in current"
        ref, cur, bad = _parse_numbers(ref, cur)
        if bad is not None:
            return PreparedColumn(
                Kind.OTHER,
                error=f"dtype changed: {dtypes}, and {bad.replace(' and were left out', '')}"
                '; fix the upstream data, or set kind = "numeric" to compare the numbers and '
                'leave the rest out, or kind = "categorical" to compare as text',
            )
        prepared = self.prepare_column(
            dataclasses.replace(plan, parse_text=False), kind, ref, cur, bins, None, None
        )
        note = f"dtype changed ({dtypes}): every {text_side} value is a number, compared as such"
        # The checks read the text side as Polars casts it, not as parsed here: they count.
        note = "; ".join(n for n in (note, prepared.note) if n)
        return dataclasses.replace(prepared, note=note, counts=None)

    def _numbers_as_booleans(
        self, plan: ColumnPlan, ref: pl.Series, cur: pl.Series, bins: int
    ) -> PreparedColumn:
        """A column of booleans on one side and numbers on the other: compared as booleans
        when every number is 0 or 1 (1 is true), else an error row saying how many are not."""
        number_side = "current" if ref.dtype == pl.Boolean else "reference"
        numbers = cur if number_side == "current" else ref
        dtypes = f"{ref.dtype} in reference, {cur.dtype} in current"
        present = numbers.drop_nulls()
        if present.dtype.is_float():
            present = present.drop_nans()  # NaN stays missing, as null does
        other = int(((present != 0) & (present != 1)).sum())
        if other:
            return PreparedColumn(
                Kind.OTHER,
                error=f"dtype changed: {dtypes}, and {other} {number_side} values are neither "
                "0 nor 1; fix the upstream data, or leave the column out (exclude)",
            )
        flags = numbers.fill_nan(None) if numbers.dtype.is_float() else numbers
        flags = flags.cast(pl.Boolean)
        ref, cur = (ref, flags) if number_side == "current" else (flags, cur)
        prepared = self.prepare_column(
            dataclasses.replace(plan, numbers_as_booleans=False), Kind.BOOLEAN, ref, cur, bins,
            None, None,
        )  # fmt: skip
        note = f"dtype changed ({dtypes}): every {number_side} value is 0 or 1, compared as "
        note += "booleans (1 is true)"
        note = "; ".join(n for n in (note, prepared.note) if n)
        return dataclasses.replace(prepared, note=note, counts=None)

    def prepare_column(
        self,
        plan: ColumnPlan,
        kind: Kind | None,
        ref: pl.Series,
        cur: pl.Series,
        bins: int,
        moments: tuple[Moments, Moments] | None,
        reference: ReferenceCache | None,
    ) -> PreparedColumn:
        """Sample, summaries and distribution of one column; its kind inferred if unset."""
        if plan.cast_string:
            ref, cur = ref.cast(pl.String), cur.cast(pl.String)
        if plan.parse_text:
            return self._text_as_numbers(plan, kind, ref, cur, bins)
        if plan.numbers_as_booleans:
            return self._numbers_as_booleans(plan, ref, cur, bins)
        if kind in _NOT_COMPARED:
            # The whole-data run found it so (a segment's or window's slice), or the config
            # says so: nothing of it is compared or summarised.
            return PreparedColumn(kind)
        numeric_dtype = is_numeric_dtype(ref.dtype) or ref.dtype == pl.Null
        numeric_dtype = numeric_dtype and (is_numeric_dtype(cur.dtype) or cur.dtype == pl.Null)
        if kind is Kind.NUMERIC or (kind is None and numeric_dtype and ref.dtype != pl.Null):
            return _prepare_numeric(
                plan.name, kind, ref, cur, bins, moments, reference, numeric_dtype,
                plan.wants_numeric,
            )  # fmt: skip
        # OTHER: a segment's or window's slice of a column the whole-data run found so.
        if kind in (None, Kind.OTHER) and ref.dtype == pl.String:
            example = formatted_number_example(ref, cur)
            if example is not None and decimal_comma_numbers(ref, cur):
                return PreparedColumn(
                    Kind.OTHER,
                    error=f"its values are numbers written with a decimal comma ({example!r}), "
                    "read as text, where each value is only a label; in a CSV, read them with "
                    "--decimal-comma (decimal_comma = true), or exclude the column",
                )
            if example is not None:
                return PreparedColumn(
                    Kind.OTHER,
                    error=f"its values are numbers written as text ({example!r}: a decimal "
                    "comma, digit grouping, a plus sign, spaces, a currency or percent sign), "
                    "and as text each value is only a label; write plain numbers "
                    "(digits and a decimal point), "
                    'set kind = "categorical" to compare them as labels anyway, or exclude '
                    "the column",
                )
        counts = reference.counts.get(plan.name) if reference is not None else None
        if kind is None and isinstance(ref.dtype, (pl.String, pl.Categorical)):
            # Decide the kinds that are not compared before counting both sides: timestamps
            # and ids written as text hold about as many distinct values as rows, and
            # counting, joining and labelling them took seconds at 1M rows, to be dropped.
            # Dates written as text are dates whatever their number: a week of daily batches
            # holds 7 of them, not 7 categories.
            if ref.dtype == pl.String and strings_parse_as_datetime(ref):
                return PreparedColumn(Kind.DATETIME)
            if cur.dtype == ref.dtype:  # the reference's distinct values are the sample's
                counts = category_counts(ref, "ref") if counts is None else counts
                non_null, n_unique = int(counts["ref"].sum()), counts.height
                evidence = KindEvidence(ref.dtype, non_null, n_unique, False, plan.name)
                inferred = infer_kind(evidence)
                if inferred in _NOT_COMPARED:
                    return PreparedColumn(inferred)
        sample = CategoricalSample.from_series(ref, cur, reference_counts=counts)
        if kind is None:
            n_unique = int(np.count_nonzero(sample.reference))
            non_null = int(sample.reference.sum())
            # Text that parses as dates was decided above: not here.
            kind = infer_kind(KindEvidence(ref.dtype, non_null, n_unique, False, plan.name))
        prepared = _finish(kind, sample, ref, cur, None, None, reference is None)
        if reference is None and not plan.cast_string and _as_text(ref) and _as_text(cur):
            # The categories as read (text or booleans), as the integrity checks count them.
            found = CategoryCounts(sample.labels, sample.reference, sample.current)
            prepared = dataclasses.replace(prepared, categories=found)
        return prepared


#: Kinds whose columns are reported without a test or summaries, with their reason.
_NOT_COMPARED = frozenset(SKIP_REASONS)


def _as_text(s: pl.Series) -> bool:
    """Whether the checks compare a column's values as the drift pass labels them: text
    (String, Categorical, Enum) or booleans."""
    return isinstance(s.dtype, (pl.String, pl.Categorical, pl.Enum, pl.Boolean))


def _prepare_numeric(
    name: str,
    kind: Kind | None,
    ref: pl.Series,
    cur: pl.Series,
    bins: int,
    moments: tuple[Moments, Moments] | None,
    reference: ReferenceCache | None,
    numeric_dtype: bool,
    wants_numeric: bool = False,
) -> PreparedColumn:
    note: str | None = None
    if isinstance(ref.dtype, (pl.Duration, pl.Time)) or isinstance(
        cur.dtype, (pl.Duration, pl.Time)
    ):
        (ref, cur), note = in_seconds(ref, cur)
        numeric_dtype, moments = True, None
    if not numeric_dtype:
        unreadable = [s.dtype for s in (ref, cur) if not holds_values(s.dtype)]
        if unreadable:
            return PreparedColumn(
                Kind.NUMERIC,
                error=f"kind numeric, but its values are {unreadable[0]}, which hold no one "
                "number per row to compare; set another kind, or exclude the column",
            )
        ref, cur, note = _parse_numbers(ref, cur)
        moments = None
    if moments is None:
        moments = (_moments_of(ref), _moments_of(cur))
    cached = reference is not None and note is None
    ref_sorted = reference.sorted.get(name) if cached and reference is not None else None
    prefix = reference.prefix.get(name) if cached and reference is not None else None
    numeric = NumericSample.from_series(
        ref, cur, bins, reference_sorted=ref_sorted, reference_prefix=prefix
    )
    numeric, sentinels = _largest_as_infinite(numeric)
    if sentinels:
        note = "; ".join(n for n in (note, sentinels) if n)
    scaled = rescaled(numeric)
    ref_std = moments[0].std
    n_ref = len(numeric.reference)
    if scaled is not numeric:
        # Values near the float limit: test and summarise them divided by a power of two.
        shift = scaled.scale_exponent
        moments = (_scaled_moments(scaled.reference, shift), _scaled_moments(scaled.current, shift))
        numeric = scaled
    elif ref_std is not None and n_ref > 1 and len(_finite_part(numeric.reference)) == n_ref:
        # Population std (ddof=0) for wasserstein from the sample std Polars computed.
        pop_std = ref_std * math.sqrt((n_ref - 1) / n_ref)
        numeric = NumericSample(
            numeric.reference, numeric.current, bins, pop_std,
            reference_prefix=numeric.reference_prefix,
        )  # fmt: skip
    sample: ColumnSample = numeric
    if kind is None:
        kind = infer_kind(_numeric_evidence(name, ref, numeric.reference, wants_numeric))
        if kind is Kind.CATEGORICAL:
            sample = CategoricalSample.from_series(ref, cur)
    prepared = _finish(kind, sample, ref, cur, moments, note, reference is None)
    raw = note is None and numeric_dtype
    if raw and isinstance(sample, NumericSample) and sample.scale_exponent == 0:
        # The sorted sides hold the data's own values (no text parsed, no sentinel read as
        # infinite, not rescaled): what the integrity checks would count again.
        counts = _sorted_counts(sample, prepared.reference, prepared.current)
        if counts is not None:
            prepared = dataclasses.replace(prepared, counts=counts)
    return prepared


def _sorted_counts(
    sample: NumericSample, ref: SideSummary | None, cur: SideSummary | None
) -> SortedCounts | None:
    """The integrity checks' counts from the sorted sides, where the summaries give the
    medians and the reference range they count against (else None: the checks count)."""
    if ref is None or cur is None or ref.p50 is None or cur.p50 is None:
        return None
    if ref.min is None or ref.max is None:
        return None
    ends, at_median = [], []
    for x, median in ((sample.reference, ref.p50), (sample.current, cur.p50)):
        ends.append(infinite_ends(x))
        at_median.append(int(x.searchsorted(median, "right") - x.searchsorted(median, "left")))
    x, (low, high) = sample.current, ends[1]
    below = int(x.searchsorted(ref.min, "left")) - low  # finite values below the range
    above = len(x) - int(x.searchsorted(ref.max, "right")) - high
    infinite = (sum(ends[0]), sum(ends[1]))
    return SortedCounts(infinite, (at_median[0], at_median[1]), below, above)


_LARGEST = float(np.finfo(np.float64).max)


def _count_largest(x: FloatArray) -> int:
    """How many values of a sorted array are +-the largest float (binary search at the ends)."""
    low = np.searchsorted(x, -_LARGEST, side="right") - np.searchsorted(x, -_LARGEST, side="left")
    high = np.searchsorted(x, _LARGEST, side="right") - np.searchsorted(x, _LARGEST, side="left")
    return int(low + high)


def _largest_as_infinite(sample: NumericSample) -> tuple[NumericSample, str | None]:
    """``sample`` with the largest float (+-1.797e308, a common "no value" sentinel) read as
    infinite, and a note counting them; ``sample`` itself when there is none.

    Taken as a measurement, a sentinel in a few rows dominates every scale-dependent
    statistic and hides any shift of the real values; as an infinity it falls into the open
    end bins of the binned tests, so the shift of the rest is still seen."""
    found = [_count_largest(x) for x in (sample.reference, sample.current)]
    if not any(found):
        return sample, None

    def infinite(x: FloatArray) -> FloatArray:
        out: FloatArray = np.where(np.abs(x) == _LARGEST, np.copysign(np.inf, x), x)
        return out

    note = (
        f"{found[0]} reference and {found[1]} current values equal to the largest float "
        "(1.797e308) were read as infinite: a sentinel, not a measurement"
    )
    return NumericSample(infinite(sample.reference), infinite(sample.current), sample.n_bins), note


def _numeric_evidence(
    name: str, raw: pl.Series, r: FloatArray, wants_numeric: bool
) -> KindEvidence:
    """What kind inference needs of a numeric column (``r`` its sorted reference values)."""
    n_unique = count_distinct_sorted(r)
    shaped = False
    if raw.dtype.is_integer() and n_unique == len(r) >= ID_MIN_ROWS:
        shaped = id_shaped(raw, float(r[0]), float(r[-1]), n_unique)
    return KindEvidence(
        raw.dtype, len(r), n_unique, name=name, id_shaped=shaped, wants_numeric=wants_numeric
    )


def _finish(
    kind: Kind,
    sample: ColumnSample,
    ref: pl.Series,
    cur: pl.Series,
    moments: tuple[Moments, Moments] | None,
    note: str | None,
    summaries: bool,
) -> PreparedColumn:
    """Summaries, distribution, counts and constant value of a prepared sample; without
    ``summaries`` (a time window, whose result keeps only the verdict) the counts and the
    constant value only."""
    if kind not in TESTABLE_KINDS:
        return PreparedColumn(kind)
    if isinstance(sample, NumericSample):
        assert moments is not None
        n_ref, n_cur = len(sample.reference), len(sample.current)
        constant = (
            n_ref > 0
            and n_cur > 0
            and sample.reference[0]
            == sample.reference[-1]
            == sample.current[0]
            == sample.current[-1]
        )
        shift = sample.scale_exponent
        return PreparedColumn(
            kind,
            sample,
            _numeric_summary(ref, sample.reference, moments[0], shift) if summaries else None,
            _numeric_summary(cur, sample.current, moments[1], shift) if summaries else None,
            _histogram(sample) if summaries else None,
            n_ref,
            n_cur,
            f"{np.ldexp(sample.reference[0], shift):.6g}" if constant else None,
            note,
            ref,
        )
    return PreparedColumn(
        kind,
        sample,
        _categorical_summary(ref, sample.labels, sample.reference) if summaries else None,
        _categorical_summary(cur, sample.labels, sample.current) if summaries else None,
        category_bars(sample) if summaries else None,
        int(sample.reference.sum()),
        int(sample.current.sum()),
        sample.labels[0] if len(sample.labels) == 1 else None,
        note,
        ref,
    )
