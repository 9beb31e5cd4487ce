"""``drift report`` on Spark without holding a tested column anywhere
(``compute="partitions"``).

The Spark engine's default compares each pass of columns in one executor task, which must
hold the pass's columns of both sides. In partitions, no task, executor or driver holds a
tested column of a side: each numeric column is compared by the sorted pass
(:func:`~driftcli.engines.sorted_pass.compare_numeric`: range partitions of its sorted
union, merged on the driver), each categorical one from Spark's counts per value, and the
integrity checks read counts Spark makes (nulls, distinct ids, repeated ids, duplicate rows
from row hashes the executors compute with Polars). Each segment is its rows filtered on
Spark, compared the same way. The results go through the local code from there on
(:func:`~driftcli.columns.analyse.decide`, the integrity checks), so the report is the local
engine's: counts, categories, quantiles and every categorical test to the bit, the sums of
floats of the numeric tests to about 1e-15 relative (``tests/test_spark_partitions.py``).
The segment columns and a model's columns come to the driver, as in the other modes (the
segments are counted there; performance reads rows side by side).

What needs a pass's rows in order is not done in partitions, and such a run stops with exit
2 and what to use instead: drift over time and the sections that read rows in time order per
pass, thresholds learned from reference chunks, text parsed as numbers or dates, durations
and times of day, and a kind that only the values' order in the files decides (distinct
integers that are not near-contiguous, text on a side with no file order).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl

from driftcli.columns.analyse import (
    decide,
    not_tested,
    same_tests,
    untested_segment,
    uses_auto,
)
from driftcli.columns.kinds import (
    DATETIME_SAMPLE,
    ID_MIN_ROWS,
    ID_SPAN_FACTOR,
    KindEvidence,
    decimal_comma_numbers,
    formatted_number_example,
    infer_kind,
    is_numeric_dtype,
    looks_like_id_name,
    strings_parse_as_datetime,
)
from driftcli.columns.plan import SKIP_REASONS, ColumnPlan
from driftcli.engines.base import ROWS_COLUMN, PreparedColumn, rows_frame
from driftcli.engines.memory import categorical_summary, category_bars
from driftcli.engines.passes import PassData, PassJob, PassOutcome
from driftcli.engines.sorted_pass import compare_numeric, value_counts
from driftcli.engines.spark_common import pass_error, spark_column
from driftcli.errors import InputError
from driftcli.results.records import (
    CategoryCounts,
    ColumnResult,
    CountedColumn,
    DatasetVerdict,
    SegmentResult,
)
from driftcli.results.scopes import ordered_keys, segment_of
from driftcli.results.vocabulary import Kind, SegmentStatus
from driftcli.stats.samples import CategoricalSample

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame as SparkFrame

#: The split key column of a read of one file split (its file and start hashed).
_SPLIT_KEY = "__drift_split"


class SparkSide(Protocol):
    """What the runs read of a side Spark opened (:class:`driftcli.engines.spark.SparkSource`,
    which this module does not import: that module starts the runs)."""

    frame: SparkFrame
    casts: dict[str, pl.DataType]

    @property
    def role(self) -> str: ...

    @property
    def label(self) -> str: ...

    def schema(self) -> pl.Schema: ...

    def rows(self) -> int: ...

    def from_files(self) -> bool: ...

    def _index(self) -> dict[int, int]: ...


#: A side's rows per segment, by key (the local engine's keys: Python values, nulls None).
SegmentRows = dict[tuple[Any, ...], int]

#: Kinds whose columns get no test or summaries.
_NOT_COMPARED = frozenset(SKIP_REASONS)
_TEXT = (pl.String, pl.Categorical, pl.Enum, pl.Boolean)


def unsupported(what: str) -> InputError:
    """The error of a run that partitions cannot compare: what, and what to use instead."""
    return InputError(
        f"{what}: not compared in partitions (DRIFT_SPARK_COMPUTE=partitions); compare it "
        "with DRIFT_SPARK_COMPUTE=executors, whose tasks each hold a pass of columns"
    )


def check_supported(job: PassJob) -> None:
    """InputError when a run needs what partitions do not do (see the module's text)."""
    config = job.config
    others = sorted(key for key in job.accumulators if key != "integrity")
    if others:
        raise unsupported(f"the {', '.join(others)} section")
    # Only the segment columns and the model's (the sections that read rows side by side
    # run on the driver, as in the other modes) come to the driver.
    shared = [c for c in job.shared if c not in config.segment_by]
    if shared:
        raise unsupported(f"a run that reads {', '.join(shared)} row by row in every pass")
    if uses_auto(config):
        raise unsupported('threshold = "auto"')


class PartitionedRuns:
    """A run's passes compared in partitions on Spark (the engine's pass runner): each job's
    columns one at a time, each through a few Spark jobs over both sides."""

    #: Where the report says the columns were compared (``RunEngine.compared_on``).
    where = "partitions"

    def __init__(self, ref: SparkSide, cur: SparkSide, parallel: int = 2) -> None:
        self.sides = (ref, cur)
        #: Columns compared at once (their Spark jobs run side by side).
        self.parallel = max(1, parallel)

    def __call__(self, jobs: Sequence[Any]) -> Iterator[PassOutcome]:
        if not jobs:
            return
        first = jobs[0]
        assert isinstance(first, PassJob)
        check_supported(first)
        chunks = [c for job in jobs for c in job.chunk]
        # As a local run hashes them: the columns held for the run, then every pass's.
        ref_reads, cur_reads = (
            [*(c for c in first.base[side] if c != ROWS_COLUMN), *chunks] for side in (0, 1)
        )
        everything = (ref_reads, cur_reads)

        def duplicates() -> tuple[float, float] | None:
            return self._duplicates(everything)

        by = first.config.segment_by
        # Each segment's rows, counted once for every pass.
        segments = tuple(self._segment_rows(src, by) for src in self.sides) if by else None
        for job in jobs:
            yield self._pass(job, duplicates, segments)

    # ----------------------------------------------------------------------- one pass

    def _pass(
        self,
        job: PassJob,
        duplicates: Callable[[], tuple[float, float] | None],
        segment_rows: tuple[SegmentRows, ...] | None,
    ) -> PassOutcome:
        kinds = dict(job.kinds)
        counted: dict[str, CountedColumn] = {}
        for src in self.sides:  # the splits and rows, counted once before the threads ask
            src.rows()
        results = self._compared(job.mine, kinds, job, counted)
        kinds.update({c.column: c.kind for c in results})
        segments = None
        if segment_rows is not None:
            segments = self._segments(job, kinds, results, segment_rows)
        mine = {p.name for p in job.mine}
        listed = [
            not_tested(p, kinds[p.name])
            for p in job.plans
            if p.skip is not None and p.name in job.chunk and p.name not in mine
        ]
        both = set(self.sides[0].schema()) & set(self.sides[1].schema())
        # As a local pass: its chunk's columns, and in the first pass the held ones.
        held = {*job.base[0], *job.base[1]} if job.first else set()
        ours = {*job.chunk, *held}
        owned = [c for c in [*results, *listed] if c.column in ours and c.column in both]
        accumulators = dict(job.accumulators)
        if accumulators:
            self._refuse_parsing(job, owned)
            counted = self._counted(owned, counted)
            rows = (self.sides[0].rows(), self.sides[1].rows())
            seen = PassData(
                rows_frame(rows[0]), rows_frame(rows[1]), owned, job.first, kinds, None,
                counted=counted, repeats=self._repeats,
                duplicates=duplicates if job.first else None,
            )  # fmt: skip
            for acc in accumulators.values():
                acc.add(seen)
        return PassOutcome(results, segments, accumulators)

    def _compared(
        self,
        plans: Sequence[ColumnPlan],
        kinds: Mapping[str, Kind | None],
        job: PassJob,
        counted: dict[str, CountedColumn] | None = None,
    ) -> list[ColumnResult]:
        """Each plan's result on these sides, a few columns at once (each column's Spark jobs
        are small, and the driver's work between them leaves the executors idle otherwise);
        ``counted`` receives what the integrity checks read of each."""

        def compare(plan: ColumnPlan) -> ColumnResult:
            started = time.perf_counter()
            if plan.skip is not None:
                res = not_tested(plan, kinds[plan.name])
            else:
                prepared, found = self._prepare(plan, kinds[plan.name], job.config.bins)
                res = decide(plan, prepared, job.reference_rows, job.config, None)
                if found is not None and counted is not None:
                    counted[plan.name] = found
            return dataclasses.replace(res, seconds=time.perf_counter() - started)

        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            return list(pool.map(compare, plans))

    # ------------------------------------------------------------------------ segments

    def _segments(
        self,
        job: PassJob,
        kinds: Mapping[str, Kind | None],
        overall: Sequence[ColumnResult],
        rows: Sequence[SegmentRows],
    ) -> list[SegmentResult]:
        """Each combination of the ``segment_by`` values compared on its own, with the test
        each column got on the whole data, as :meth:`Analysis.segments` compares them: here
        each segment's rows are the sides filtered to it, compared in partitions."""
        from pyspark.sql import functions as sf

        config = job.config
        by = list(config.segment_by)
        plans = same_tests([p for p in job.mine if p.name not in by], overall)
        minimum = config.min_segment_rows
        out: list[SegmentResult] = []
        for key in ordered_keys(rows[0], rows[1]):
            segment = segment_of(by, key)
            nr, nc = rows[0].get(key), rows[1].get(key)
            untested = untested_segment(segment, nr, nc, minimum)
            if untested is not None:
                out.append(untested)
                continue
            assert nr is not None and nc is not None
            where = functools.reduce(
                lambda a, b: a & b,
                [
                    spark_column(c).isNull() if v is None else spark_column(c) == sf.lit(v)
                    for c, v in zip(by, key, strict=True)
                ],
            )
            within = PartitionedRuns(
                _Within(self.sides[0], where, nr), _Within(self.sides[1], where, nc), self.parallel
            )
            cols = within._compared(plans, kinds, job)
            verdict = DatasetVerdict.from_columns(cols, config.drift_share, job.roles)
            out.append(
                SegmentResult(segment, SegmentStatus.TESTED, nr, nc, None, verdict, tuple(cols))
            )
        return out

    def _segment_rows(self, src: SparkSide, by: Sequence[str]) -> SegmentRows:
        """Each segment's rows on one side: Spark's count per combination of values, keys as
        the local engine's (Python values, nulls as None)."""
        got = src.frame.groupBy(*[spark_column(c).alias(f"k{i}") for i, c in enumerate(by)])
        table = got.count().toArrow()
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        keys = frame.select([f"k{i}" for i in range(len(by))])
        casts = {f"k{i}": src.casts[c] for i, c in enumerate(by) if c in src.casts}
        if casts:
            keys = keys.with_columns(pl.col(k).cast(t) for k, t in casts.items())
        labels = [k for k, t in keys.schema.items() if isinstance(t, (pl.Categorical, pl.Enum))]
        if labels:
            keys = keys.with_columns(pl.col(k).cast(pl.String) for k in labels)
        counts = frame.get_column("count").to_list()
        return dict(zip(keys.rows(), (int(n) for n in counts), strict=True))

    def _prepare(
        self, plan: ColumnPlan, kind: Kind | None, bins: int
    ) -> tuple[PreparedColumn, CountedColumn | None]:
        """What the memory engine's ``prepare_column`` makes of the whole column, from Spark:
        the prepared column and what the integrity checks read of it."""
        name = plan.name
        if plan.cast_string or plan.parse_text or plan.numbers_as_booleans:
            raise unsupported(f"column {name!r}, whose values are read as another type")
        rd, cd = (src.schema()[name] for src in self.sides)
        numeric_dtype = all(is_numeric_dtype(d) or d == pl.Null for d in (rd, cd))
        if kind is Kind.NUMERIC or (kind is None and numeric_dtype and rd != pl.Null):
            if any(isinstance(d, (pl.Duration, pl.Time)) for d in (rd, cd)):
                raise unsupported(f"column {name!r}, a duration or time of day")
            if not numeric_dtype:
                raise unsupported(f"column {name!r}, numeric but read as {rd} and {cd}")
            if kind is None and rd.is_integer():
                kind = self._integer_kind(plan, rd)
                if kind in _NOT_COMPARED:
                    return PreparedColumn(kind), None
            if kind is None or kind is Kind.NUMERIC:
                return self._numeric(name, bins)
        return self._categorical(plan, kind, rd, cd)

    def _integer_kind(self, plan: ColumnPlan, dtype: pl.DataType) -> Kind:
        """The kind inference of an integer column, from Spark's exact counts."""
        from pyspark.sql import functions as sf

        ref = self.sides[0]
        c = spark_column(plan.name)
        row = ref.frame.select(
            sf.count(c), sf.count_distinct(c), sf.min(c).cast("double"), sf.max(c).cast("double")
        ).first()
        assert row is not None
        non_null, n_unique = int(row[0]), int(row[1])
        shaped = False
        if non_null >= ID_MIN_ROWS and n_unique == non_null:
            shaped = float(row[3]) - float(row[2]) + 1 <= ID_SPAN_FACTOR * n_unique
            named = looks_like_id_name(plan.name) and n_unique >= 0.5 * non_null
            if not shaped and not named:
                raise InputError(
                    f"column {plan.name!r}: its {n_unique:,} integers are all distinct, and "
                    "whether they are ids depends on their order in the files, which "
                    'partitions do not read; set kind = "numeric" or kind = "id" for it in '
                    "the config"
                )
        evidence = KindEvidence(
            dtype, non_null, n_unique, name=plan.name, id_shaped=shaped,
            wants_numeric=plan.wants_numeric,
        )  # fmt: skip
        return infer_kind(evidence)

    def _numeric(self, name: str, bins: int) -> tuple[PreparedColumn, CountedColumn]:
        ref, cur = self.sides
        try:
            done = compare_numeric(ref.frame, cur.frame, name, bins=bins, integrity=True)
        except InputError as exc:
            raise unsupported(f"column {name!r}: {exc}") from exc
        except Exception as exc:
            raise pass_error(ref.role, ref.label, exc, (name,), partitions=True) from exc
        r, c = done.reference, done.current
        prepared = PreparedColumn(
            Kind.NUMERIC,
            None,
            r,
            c,
            done.distribution,
            r.count - r.nulls,
            c.count - c.nulls,
            done.constant,
            outcomes=done.outcomes,
        )
        counted = CountedColumn(
            (r.nulls, c.nulls),
            done.counts,
            (r.p50, c.p50),
            (r.min, r.max) if r.min is not None and r.max is not None else None,
        )
        return prepared, counted

    def _categorical(
        self, plan: ColumnPlan, kind: Kind | None, rd: pl.DataType, cd: pl.DataType
    ) -> tuple[PreparedColumn, CountedColumn | None]:
        """A column compared by its counts per value (``prepare_column``'s text, boolean and
        code path, in the same order of decisions)."""
        name = plan.name
        heads: tuple[pl.Series, pl.Series] | None = None
        if kind in (None, Kind.OTHER) and rd == pl.String:
            heads = (self._head(0, name), self._head(1, name))
            example = formatted_number_example(*heads)
            if example is not None:
                raise unsupported(
                    f"column {name!r}, whose values are numbers written as text ({example!r}"
                    f"{', with a decimal comma' if decimal_comma_numbers(*heads) else ''})"
                )
        if kind is None and rd == pl.String:
            assert heads is not None
            if strings_parse_as_datetime(heads[0]):
                return PreparedColumn(Kind.DATETIME), None
        frames: list[pl.DataFrame] = []
        totals: list[tuple[int, int]] = []
        for src, side in zip(self.sides, ("ref", "cur"), strict=True):
            got, rows, nulls = value_counts(src.role, src.frame, name)
            if name in src.casts and got.height:
                got = got.with_columns(pl.col("value").cast(src.casts[name]))
            frames.append(got.rename({"n": side}))
            totals.append((rows, nulls))
        if kind is None and isinstance(rd, (pl.String, pl.Categorical)) and cd == rd:
            ref_counts = frames[0]["ref"]
            evidence = KindEvidence(rd, int(ref_counts.sum()), ref_counts.len(), False, name)
            inferred = infer_kind(evidence)
            if inferred in _NOT_COMPARED:
                return PreparedColumn(inferred), None
        sample = CategoricalSample.from_counts(frames[0], frames[1])
        if kind is None:
            n_unique = int((sample.reference > 0).sum())
            kind = infer_kind(KindEvidence(rd, int(sample.reference.sum()), n_unique, False, name))
        if kind not in (Kind.CATEGORICAL, Kind.BOOLEAN):
            return PreparedColumn(kind), None
        as_text = isinstance(rd, _TEXT) and isinstance(cd, _TEXT)
        prepared = PreparedColumn(
            kind,
            sample,
            categorical_summary(*totals[0], sample.labels, sample.reference),
            categorical_summary(*totals[1], sample.labels, sample.current),
            category_bars(sample),
            int(sample.reference.sum()),
            int(sample.current.sum()),
            sample.labels[0] if len(sample.labels) == 1 else None,
            categories=(
                CategoryCounts(sample.labels, sample.reference, sample.current) if as_text else None
            ),
        )
        values = (frames[0].rename({"ref": "n"}), frames[1].rename({"cur": "n"}))
        counted = CountedColumn((totals[0][1], totals[1][1]), values=None if as_text else values)
        return prepared, counted

    def _head(self, side: int, name: str) -> pl.Series:
        """The first ``DATETIME_SAMPLE`` non-null values of a side's column, in file order
        (what kind inference reads of text): from its first file splits, one at a time."""
        from pyspark.sql import functions as sf

        src = self.sides[side]
        if not src.from_files():
            raise InputError(
                f"column {name!r} of the {src.role}: telling dates from labels reads its "
                "first values, and its rows come from no file, so have no first ones; set "
                "its kind in the config"
            )
        split = sf.xxhash64(sf.input_file_name(), sf.input_file_block_start())
        ranked = sorted(src._index().items(), key=lambda item: item[1])
        found: list[pl.Series] = []
        wanted = DATETIME_SAMPLE
        for key, _ in ranked:
            part = (
                src.frame.select(spark_column(name).alias("v"), split.alias(_SPLIT_KEY))
                .where((sf.col(_SPLIT_KEY) == key) & sf.col("v").isNotNull())
                .select("v")
                .limit(wanted)
                .toArrow()
            )
            got = _series(part, name)
            found.append(got)
            wanted -= got.len()
            if wanted <= 0:
                break
        head = pl.concat(found) if found else pl.Series(name, [], pl.String)
        dtype = src.schema()[name]
        return head.cast(dtype) if head.dtype != dtype else head

    # ---------------------------------------------------------------------- integrity

    def _refuse_parsing(self, job: PassJob, owned: Sequence[ColumnResult]) -> None:
        """A column set numeric or datetime that is text: its parse failures need its values."""
        configured = {p.name: p.kind for p in job.plans if p.kind_source == "config"}
        for c in owned:
            wanted = configured.get(c.column) in (Kind.NUMERIC, Kind.DATETIME)
            if wanted and self.sides[1].schema()[c.column] == pl.String:
                raise unsupported(f"column {c.column!r}, set to {configured[c.column]} but text")

    def _counted(
        self, owned: Sequence[ColumnResult], counted: Mapping[str, CountedColumn]
    ) -> dict[str, CountedColumn]:
        """What the integrity checks read of every owned column: the compared columns' counts,
        and for the others (ids, dates, text, columns skipped) their nulls, and the distinct
        values of ids, from one Spark aggregate a side."""
        from pyspark.sql import functions as sf

        found = dict(counted)
        rest = [c.column for c in owned if c.column not in found]
        ids = [c.column for c in owned if c.kind is Kind.ID]
        if not rest and not ids:
            return found
        per_side = []
        for src in self.sides:
            exprs = [_null_count(src, n).alias(f"n{k}") for k, n in enumerate(rest)]
            exprs += [sf.count_distinct(spark_column(n)).alias(f"u{k}") for k, n in enumerate(ids)]
            row = src.frame.select(*exprs).first()
            assert row is not None
            per_side.append(row.asDict())
        for k, n in enumerate(rest):
            found[n] = CountedColumn((int(per_side[0][f"n{k}"]), int(per_side[1][f"n{k}"])))
        for k, n in enumerate(ids):
            unique = (int(per_side[0][f"u{k}"]), int(per_side[1][f"u{k}"]))
            found[n] = dataclasses.replace(found[n], unique=unique)
        return found

    def _repeats(self, name: str, limit: int) -> pl.LazyFrame:
        """The current's values of ``name`` seen more than once, as (value as text, n), most
        frequent first, then by value: at most ``limit`` rows come to the driver."""
        from pyspark.sql import functions as sf

        value = spark_column(name).cast("string").alias("value")
        got = (
            self.sides[1]
            .frame.select(value)
            .where(sf.col("value").isNotNull())
            .groupBy("value")
            .agg(sf.count(sf.lit(1)).alias("n"))
            .where(sf.col("n") > 1)
            .orderBy(sf.col("n").desc(), sf.col("value").asc())
            .limit(limit)
            .toArrow()
        )
        frame = pl.from_arrow(got)
        assert isinstance(frame, pl.DataFrame)
        return frame.with_columns(pl.col("n").cast(pl.Int64)).lazy()

    def _duplicates(
        self, columns: tuple[Sequence[str], Sequence[str]]
    ) -> tuple[float, float] | None:
        """Each side's share of rows that repeat an earlier row over its ``columns`` (every
        column the run reads of it), as the local check counts them: Polars' row hashes,
        computed by the executors, and Spark's count of distinct hashes."""
        if not all(columns):
            return None
        from pyspark.sql import functions as sf

        shares = []
        for src, wanted in zip(self.sides, columns, strict=True):
            names = list(dict.fromkeys(wanted))
            rows = src.rows()
            if rows == 0:
                return None
            casts = {c: t for c, t in src.casts.items() if c in names}
            carried = src.frame.select(
                *[spark_column(c).alias(f"c{k}") for k, c in enumerate(names)]
            )
            hashed = carried.mapInArrow(_RowHashes(names, casts), "h long")
            row = hashed.agg(sf.count_distinct("h")).first()
            assert row is not None
            shares.append(1.0 - int(row[0]) / rows)
        return shares[0], shares[1]


class _Within:
    """One side's rows of one segment: the side's frame filtered to it."""

    def __init__(self, src: SparkSide, where: Any, rows: int) -> None:
        self.src = src
        self.frame = src.frame.where(where)
        self.casts = src.casts
        self._rows = rows

    @property
    def role(self) -> str:
        return self.src.role

    @property
    def label(self) -> str:
        return self.src.label

    def schema(self) -> pl.Schema:
        return self.src.schema()

    def rows(self) -> int:
        return self._rows

    def from_files(self) -> bool:
        return self.src.from_files()

    def _index(self) -> dict[int, int]:
        return self.src._index()


def _series(table: pa.Table, name: str) -> pl.Series:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.to_series().rename(name)


def _null_count(src: SparkSide, name: str) -> Any:
    """Spark's count of a column's nulls (and a float column's NaN), as the checks count."""
    from pyspark.sql import functions as sf

    c = spark_column(name)
    missing = c.isNull()
    if src.frame.schema[name].dataType.typeName() in ("float", "double"):
        missing = missing | sf.isnan(c)
    return sf.count(sf.when(missing, 1))


class _RowHashes:
    """In an executor: each row's ``DataFrame.hash_rows(seed=0)`` over the run's columns,
    typed as Polars reads them (categories as text, so that every task hashes a value
    alike)."""

    def __init__(self, names: Sequence[str], casts: Mapping[str, pl.DataType]) -> None:
        self.names = list(names)
        self.casts = dict(casts)

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            frame.columns = self.names
            if self.casts:
                frame = frame.with_columns(pl.col(c).cast(t) for c, t in self.casts.items())
            text = [c for c, t in frame.schema.items() if isinstance(t, (pl.Categorical, pl.Enum))]
            if text:
                frame = frame.with_columns(pl.col(c).cast(pl.String) for c in text)
            hashes = frame.hash_rows(seed=0).reinterpret(signed=True)
            yield pa.RecordBatch.from_arrays([hashes.to_arrow()], names=["h"])


__all__ = ["PartitionedRuns", "check_supported", "unsupported"]
