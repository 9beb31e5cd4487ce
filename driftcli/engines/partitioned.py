"""``drift report`` on Spark without holding a tested column anywhere
(``compute="partitions"``).

The Spark engine's default compares each pass of columns in one executor task, which must
hold the pass's columns of both sides. In partitions, no task, executor or driver holds a
tested column of a side: each numeric column is compared by the sorted pass
(:func:`~driftcli.engines.sorted_pass.compare_numeric_groups`: range partitions of its
sorted union, merged on the driver), each categorical one from Spark's counts per value, and
the integrity checks read counts Spark makes (nulls, distinct ids, repeated ids, duplicate
rows from row hashes the executors compute with Polars). Segments and time windows are
*groups* of the same sort: the executors give each row its segment's and window's number
(:class:`_Tagger`, with Polars as the local run finds them), and every step of the sorted
pass runs each group's share of a partition in one Spark job. The results go through the
local code from there on (:func:`~driftcli.columns.analyse.decide`, the integrity checks,
drift over time), so the report is the local engine's: counts, categories, quantiles and
every categorical test to the bit, the sums of floats of the numeric tests to about 1e-15
relative (``tests/test_spark_partitions.py``). The segment and time columns and the columns
of the sections that read rows side by side (a model's) come to the driver, as in the other
modes.

What needs a pass's rows in order is not done in partitions, and such a run stops with exit
2 and what to use instead: row windows, thresholds learned from reference chunks in row
order (chunks by period are groups of the sort too), text
parsed as numbers or dates, durations and times of day, and a kind that only the values'
order in the files decides on a side with no file order (text, distinct integers that are
not near-contiguous).
"""

from __future__ import annotations

import dataclasses
import pickle
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl

from driftcli.columns.analyse import (
    candidate_tests,
    decide,
    not_tested,
    same_tests,
    untested_segment,
    uses_auto,
    window_plans,
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
from driftcli.config import DriftConfig
from driftcli.engines.base import ROWS_COLUMN, PreparedColumn, rows_frame
from driftcli.engines.memory import categorical_summary, category_bars
from driftcli.engines.passes import PassData, PassJob, PassOutcome
from driftcli.engines.sorted_pass import (
    SEGMENT_TAG,
    WINDOW_TAG,
    compare_numeric_groups,
    counts_of,
    tagged_value_counts,
)
from driftcli.engines.spark_common import pass_error, spark_column
from driftcli.errors import ConfigError, InputError
from driftcli.results.records import (
    CategoryCounts,
    ColumnResult,
    CountedColumn,
    DatasetVerdict,
    SegmentResult,
)
from driftcli.results.scopes import ordered_keys, segment_of
from driftcli.results.vocabulary import Kind, SegmentStatus
from driftcli.stats.partials import Group, run_tests
from driftcli.stats.samples import CategoricalSample
from driftcli.timeline import (
    DATE_ORDERS,
    WindowSpec,
    date_order,
    parse_time_column,
    split_windows,
)

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

    def read(self, columns: list[str]) -> pl.DataFrame: ...

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
    others = sorted(key for key in job.accumulators if key not in ("integrity", "windows"))
    if others:
        raise unsupported(f"the {', '.join(others)} section")
    spec = config.window_spec
    if "windows" in job.accumulators and spec is not None and spec.every is None:
        raise unsupported(
            f"window {spec.text!r}: a row window's rows depend on the rows' order in the files, "
            "which partitions do not read; use a time window such as '1d'"
        )
    # Only the segment and time columns (of the windows and the learned thresholds' chunks)
    # and the model's (the sections that read rows side by side run on the driver, as in the
    # other modes) come to the driver.
    times = (config.time_column, config.auto_threshold.time_column)
    shared = [c for c in job.shared if c not in (*config.segment_by, *times)]
    if shared:
        raise unsupported(f"a run that reads {', '.join(shared)} row by row in every pass")
    if uses_auto(config) and config.auto_threshold.chunk_by != "period":
        raise unsupported(
            f'threshold = "auto" with {config.auto_threshold.label}: chunks by row order '
            "need the rows' order in the files, which partitions do not read; set "
            'chunk_by = "period" (with time_column and period) in [auto_threshold]'
        )


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

        # Each segment's rows and the current's windows, found once for every pass.
        scopes = self._scopes(first.config)
        for job in jobs:
            yield self._pass(job, duplicates, scopes)

    # ----------------------------------------------------------------------- one pass

    def _pass(
        self,
        job: PassJob,
        duplicates: Callable[[], tuple[float, float] | None],
        scopes: _Scopes,
    ) -> PassOutcome:
        kinds = dict(job.kinds)
        counted: dict[str, CountedColumn] = {}
        for src in self.sides:  # the splits and rows, counted once before the threads ask
            src.rows()
        found = self._compared(job.mine, kinds, job, scopes, counted)
        results = [f[0] for f in found]
        kinds.update({c.column: c.kind for c in results})
        by = list(job.config.segment_by)
        segments = None
        if by:
            plans = same_tests([p for p in job.mine if p.name not in by], results)
            segments = self._segments(job, scopes, plans, found)
        windows = None
        if scopes.windows:
            windows = self._windows(job, scopes, window_plans(job.mine, results), found)
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
                duplicates=duplicates if job.first else None, windows=windows,
            )  # fmt: skip
            for acc in accumulators.values():
                acc.add(seen)
        return PassOutcome(results, segments, accumulators)

    def _compared(
        self,
        plans: Sequence[ColumnPlan],
        kinds: Mapping[str, Kind | None],
        job: PassJob,
        scopes: _Scopes,
        counted: dict[str, CountedColumn],
    ) -> list[tuple[ColumnResult, list[PreparedColumn]]]:
        """Each plan's result on the whole data, and its column prepared in every group of
        ``scopes`` (the whole data first, then each tested segment and window), a few columns
        at once (each column's Spark jobs are small, and the driver's work between them
        leaves the executors idle otherwise); ``counted`` receives what the integrity checks
        read of each."""
        groups = scopes.groups()

        def compare(plan: ColumnPlan) -> tuple[ColumnResult, list[PreparedColumn]]:
            started = time.perf_counter()
            if plan.skip is not None:
                return not_tested(plan, kinds[plan.name]), []
            prepared, found = self._prepare(
                plan, kinds[plan.name], job.config, job.reference_rows, scopes
            )
            if found is not None:
                counted[plan.name] = found
            if len(prepared) == 1 < len(groups):  # a kind not compared: alike in every group
                prepared = prepared * len(groups)
            elif scopes.chunks:
                prepared = _with_chunks(prepared, scopes)
            res = decide(plan, prepared[0], job.reference_rows, job.config, None)
            return dataclasses.replace(res, seconds=time.perf_counter() - started), prepared

        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            return list(pool.map(compare, plans))

    def _in_groups(
        self,
        job: PassJob,
        plans: Sequence[ColumnPlan],
        found: Sequence[tuple[ColumnResult, list[PreparedColumn]]],
        group: int,
        rows: tuple[int, int],
        what: str,
    ) -> list[ColumnResult]:
        """``plans``' results in one group (its place in :meth:`_Scopes.groups`), from the
        columns :meth:`_compared` prepared in it; ``rows``: each side's rows in the group as
        the driver counted them, which the executors' tags must give (``what`` names it)."""
        prepared = {res.column: groups for res, groups in found}
        out = []
        for plan in plans:
            started = time.perf_counter()
            if plan.skip is not None or not prepared[plan.name]:
                res = not_tested(plan, job.kinds.get(plan.name))
            else:
                column = prepared[plan.name][group]
                tagged = tuple(
                    s.count if s is not None else n
                    for s, n in zip((column.reference, column.current), rows, strict=True)
                )
                if tagged != rows:
                    raise RuntimeError(
                        f"{what}: the executors tagged {tagged[0]} reference and {tagged[1]} "
                        f"current rows of {plan.name!r}, the driver counted {rows[0]} and "
                        f"{rows[1]}"
                    )
                res = decide(plan, column, job.reference_rows, job.config, None)
            out.append(dataclasses.replace(res, seconds=time.perf_counter() - started))
        return out

    # ------------------------------------------------------------------ segments, windows

    def _scopes(self, config: DriftConfig) -> _Scopes:
        """Each segment's rows on both sides and the current's windows (each window's rows
        and its start), found once for every pass; which of them each column is compared
        in (:meth:`_Scopes.groups`)."""
        by = list(config.segment_by)
        scopes = _Scopes(by)
        if by:
            counted = [self._segment_rows(src, by) for src in self.sides]
            scopes.rows = (counted[0][0], counted[1][0])
            for key in ordered_keys(*scopes.rows):
                nr, nc = scopes.rows[0].get(key), scopes.rows[1].get(key)
                if untested_segment(segment_of(by, key), nr, nc, config.min_segment_rows) is None:
                    scopes.tested[key] = len(scopes.tested)
            if scopes.tested:
                keys = [_tested_keys(frame, scopes.tested) for _, frame in counted]
                scopes.keys = (keys[0], keys[1])
        spec, time_column = config.window_spec, config.time_column
        if spec is not None and spec.every is not None and time_column is not None:
            self._find_windows(scopes, spec.every, spec, time_column, config.date_order)
        if uses_auto(config):
            self._find_chunks(scopes, config)
        return scopes

    def _find_chunks(self, scopes: _Scopes, config: DriftConfig) -> None:
        """The reference's chunks of a learned threshold, one per ``period`` of its
        ``time_column`` (:func:`~driftcli.columns.thresholds.chunk_ids`), from the column
        read on the driver: each chunk's start, numbered in time order."""
        cfg = config.auto_threshold
        assert cfg.time_column is not None and cfg.period is not None
        ref = self.sides[0]
        if cfg.time_column not in ref.schema():
            raise ConfigError(
                f"auto_threshold.time_column: no column {cfg.time_column!r} in the reference"
            )
        read = ref.read([cfg.time_column])
        t = read.get_column(cfg.time_column)
        order = _tasks_order(t, config.date_order)
        if not t.dtype.is_temporal():
            try:
                t = parse_time_column(read, cfg.time_column, "reference", order).get_column(
                    cfg.time_column
                )
            except InputError as exc:
                raise InputError(f"auto_threshold.time_column: {exc}") from None
        try:
            starts = t.dt.truncate(cfg.period).drop_nulls().unique().sort()
        except Exception as exc:  # noqa: BLE001 - Polars raises several types for a bad duration
            raise ConfigError(
                f"auto_threshold.period: {cfg.period!r} is not a Polars duration "
                f'such as "1d", "1w" or "1mo" ({exc})'
            ) from None
        scopes.chunks = starts.len()
        scopes.period = _TimeTags(
            cfg.time_column,
            cfg.period,
            order,
            ref.casts.get(cfg.time_column),
            _numbered(starts),
            "reference",
        )

    def _find_windows(
        self,
        scopes: _Scopes,
        every: str,
        spec: WindowSpec,
        time_column: str,
        order: str | None,
    ) -> None:
        """The current's windows, split on the driver from its time column (the rows the
        sections' own split reads, :meth:`RunContext.current_windows`), and what the
        executors need to give each row its window: the time column's parse and each
        window's start."""
        cur = self.sides[1]
        if time_column not in cur.schema():
            return
        read = cur.read([time_column])
        order = _tasks_order(read.get_column(time_column), order)
        parsed = parse_time_column(read, time_column, "current", order)
        windows, _ = split_windows(parsed, spec, time_column)
        if not windows:
            return
        starts = pl.concat(
            [w.frame.get_column(time_column).head(1).dt.truncate(every) for w in windows]
        )
        scopes.windows = [(w.index, w.frame.height) for w in windows]
        # split_windows numbers the windows in the order of their starts, from 0
        scopes.time = _TimeTags(
            time_column, every, order, cur.casts.get(time_column), _numbered(starts)
        )

    def _segments(
        self,
        job: PassJob,
        scopes: _Scopes,
        plans: Sequence[ColumnPlan],
        found: Sequence[tuple[ColumnResult, list[PreparedColumn]]],
    ) -> list[SegmentResult]:
        """Each combination of the ``segment_by`` values compared on its own, with the test
        each column got on the whole data (``plans``), as :meth:`Analysis.segments` compares
        them: each tested segment is one group of every column's sort."""
        config = job.config
        out: list[SegmentResult] = []
        for key in ordered_keys(*scopes.rows):
            segment = segment_of(scopes.by, key)
            nr, nc = scopes.rows[0].get(key), scopes.rows[1].get(key)
            index = scopes.tested.get(key)
            if index is None:
                untested = untested_segment(segment, nr, nc, config.min_segment_rows)
                assert untested is not None
                out.append(untested)
                continue
            assert nr is not None and nc is not None
            cols = self._in_groups(job, plans, found, 1 + index, (nr, nc), f"segment {key}")
            verdict = DatasetVerdict.from_columns(cols, config.drift_share, job.roles)
            out.append(
                SegmentResult(segment, SegmentStatus.TESTED, nr, nc, None, verdict, tuple(cols))
            )
        return out

    def _windows(
        self,
        job: PassJob,
        scopes: _Scopes,
        plans: Sequence[ColumnPlan],
        found: Sequence[tuple[ColumnResult, list[PreparedColumn]]],
    ) -> dict[int, tuple[int, list[ColumnResult]]]:
        """This pass's tested columns in every window with rows (the section keeps those
        with enough), by window: its rows and the columns, each with its whole-data test."""
        first = 1 + len(scopes.tested)
        reference = self.sides[0].rows()
        out: dict[int, tuple[int, list[ColumnResult]]] = {}
        for k, (index, height) in enumerate(scopes.windows):
            rows = (reference, height)
            out[index] = (
                height,
                self._in_groups(job, plans, found, first + k, rows, f"window {index}"),
            )
        return out

    def _segment_rows(self, src: SparkSide, by: Sequence[str]) -> tuple[SegmentRows, pl.DataFrame]:
        """Each segment's rows on one side: Spark's count per combination of values, keys as
        the local engine's (Python values, nulls as None); and the keys as a frame (columns
        ``k0``, ``k1``, ... typed as Polars reads them, one row a segment, in the same
        order)."""
        got = src.frame.groupBy(*[spark_column(c).alias(f"k{i}") for i, c in enumerate(by)])
        table = got.count().toArrow()
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        keys = _as_read(frame.select([f"k{i}" for i in range(len(by))]), src.casts, by)
        counts = frame.get_column("count").to_list()
        return dict(zip(keys.rows(), (int(n) for n in counts), strict=True)), keys

    def _prepare(
        self,
        plan: ColumnPlan,
        kind: Kind | None,
        config: DriftConfig,
        reference_rows: int,
        scopes: _Scopes,
    ) -> tuple[list[PreparedColumn], CountedColumn | None]:
        """What the memory engine's ``prepare_column`` makes of the column in each group of
        ``scopes`` (the whole data first), from Spark: the prepared columns (one, for a kind
        not compared, alike in every group) and what the integrity checks read of the
        whole column."""
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
                    return [PreparedColumn(kind)], None
            if kind is None or kind is Kind.NUMERIC:
                return self._numeric(plan, config, reference_rows, scopes)
        return self._categorical(plan, kind, rd, cd, scopes)

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
                shaped = self._monotone(plan.name)
        evidence = KindEvidence(
            dtype, non_null, n_unique, name=plan.name, id_shaped=shaped,
            wants_numeric=plan.wants_numeric,
        )  # fmt: skip
        return infer_kind(evidence)

    def _monotone(self, name: str) -> bool:
        """Whether the reference's non-null values of integer column ``name`` strictly rise
        or strictly fall in file order (the local inference's second id shape,
        :func:`~driftcli.columns.kinds.id_shaped`): the executors send each file split's
        first and last value and whether it rises or falls within (a split is read by one
        task, in file order), and the driver joins the splits in their files' order."""
        from pyspark.sql import functions as sf

        src = self.sides[0]
        split = _file_split(src, name, "whether its distinct integers are ids")
        found = (
            src.frame.select(
                spark_column(name).cast("decimal(38,0)").alias("v"), split.alias(_SPLIT_KEY)
            )
            .where(sf.col("v").isNotNull())
            .mapInArrow(_SplitRuns(), "r binary")
            .collect()
        )
        ranks = src._index()
        runs = sorted(
            (run for row in found for run in pickle.loads(row["r"])), key=lambda r: ranks[r[0]]
        )
        return any(_joined(runs, step) for step in (1, -1))

    def _numeric(
        self, plan: ColumnPlan, config: DriftConfig, reference_rows: int, scopes: _Scopes
    ) -> tuple[list[PreparedColumn], CountedColumn]:
        """A numeric column in every group of one sort, with the tests the run may read of
        it (every group's test is one the whole data's plan may choose)."""
        name, groups = plan.name, scopes.groups()
        tests = candidate_tests(plan, Kind.NUMERIC, config, reference_rows)
        ref, cur = (scopes.tagged(src, side, name) for side, src in enumerate(self.sides))
        try:
            done = compare_numeric_groups(
                ref, cur, name, groups, bins=config.bins, tests=tests,
                integrity=[k == 0 for k in range(len(groups))],
            )  # fmt: skip
        except InputError as exc:
            raise unsupported(f"column {name!r}: {exc}") from exc
        except Exception as exc:
            src = self.sides[0]
            raise pass_error(src.role, src.label, exc, (name,), partitions=True) from exc
        prepared = [
            PreparedColumn(
                Kind.NUMERIC,
                None,
                d.reference,
                d.current,
                d.distribution,
                d.reference.count - d.reference.nulls,
                d.current.count - d.current.nulls,
                d.constant,
                outcomes=d.outcomes,
            )
            for d in done
        ]
        r, c = done[0].reference, done[0].current
        counted = CountedColumn(
            (r.nulls, c.nulls),
            done[0].counts,
            (r.p50, c.p50),
            (r.min, r.max) if r.min is not None and r.max is not None else None,
        )
        return prepared, counted

    def _categorical(
        self,
        plan: ColumnPlan,
        kind: Kind | None,
        rd: pl.DataType,
        cd: pl.DataType,
        scopes: _Scopes,
    ) -> tuple[list[PreparedColumn], CountedColumn | None]:
        """A column compared by its counts per value (``prepare_column``'s text, boolean and
        code path, in the same order of decisions): the kind from the whole data's counts,
        then each group's sample from its own."""
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
                return [PreparedColumn(Kind.DATETIME)], None
        tables: list[pl.DataFrame] = []
        for side, src in enumerate(self.sides):
            table = tagged_value_counts(src.role, scopes.tagged(src, side, name), name)
            if name in src.casts and table.height:
                table = table.with_columns(pl.col("value").cast(src.casts[name]))
            tables.append(table)

        def counts(group: Group) -> tuple[list[pl.DataFrame], list[tuple[int, int]]]:
            frames, totals = [], []
            for side, label in ((0, "ref"), (1, "cur")):
                got, rows, nulls = counts_of(tables, group, side)
                frames.append(got.rename({"n": label}))
                totals.append((rows, nulls))
            return frames, totals

        frames, totals = counts(Group())
        if kind is None and isinstance(rd, (pl.String, pl.Categorical)) and cd == rd:
            ref_counts = frames[0]["ref"]
            evidence = KindEvidence(rd, int(ref_counts.sum()), ref_counts.len(), False, name)
            inferred = infer_kind(evidence)
            if inferred in _NOT_COMPARED:
                return [PreparedColumn(inferred)], None
        sample = CategoricalSample.from_counts(frames[0], frames[1])
        if kind is None:
            n_unique = int((sample.reference > 0).sum())
            kind = infer_kind(KindEvidence(rd, int(sample.reference.sum()), n_unique, False, name))
        if kind not in (Kind.CATEGORICAL, Kind.BOOLEAN):
            return [PreparedColumn(kind)], None
        as_text = isinstance(rd, _TEXT) and isinstance(cd, _TEXT)
        prepared = [_by_counts(kind, sample, totals, as_text)]
        for group in scopes.groups()[1:]:
            in_group, group_totals = counts(group)
            group_sample = CategoricalSample.from_counts(in_group[0], in_group[1])
            prepared.append(_by_counts(kind, group_sample, group_totals, as_text))
        values = (frames[0].rename({"ref": "n"}), frames[1].rename({"cur": "n"}))
        counted = CountedColumn((totals[0][1], totals[1][1]), values=None if as_text else values)
        return prepared, counted

    def _head(self, side: int, name: str) -> pl.Series:
        """The first ``DATETIME_SAMPLE`` non-null values of a side's column, in file order
        (what kind inference reads of text): from its first file splits, one at a time."""
        from pyspark.sql import functions as sf

        src = self.sides[side]
        split = _file_split(src, name, "telling dates from labels")
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


#: One file split's non-null values as a task read them: the split's key, its first and last
#: value, and whether they strictly rise and strictly fall within it.
SplitRun = tuple[int, int, int, bool, bool]


def _joined(runs: Sequence[SplitRun], step: int) -> bool:
    """Whether runs in file order strictly rise (``step`` 1) or fall (-1) from first to last."""
    last: int | None = None
    for _, first, end, up, down in runs:
        if not (up if step == 1 else down):
            return False
        if last is not None and (first - last) * step <= 0:
            return False
        last = end
    return last is not None


class _SplitRuns:
    """In an executor: each file split's :data:`SplitRun` of a task's rows (values ``v``,
    the split's key), one pickled list a task."""

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        runs: list[SplitRun] = []
        for batch in batches:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            frame = frame.with_columns(pl.col("v").cast(pl.Int128))
            key = pl.col(_SPLIT_KEY)
            parts = (
                frame.with_columns((key != key.shift()).fill_null(True).cum_sum().alias("run"))
                .group_by("run", maintain_order=True)
                .agg(
                    key.first().alias("k"),
                    pl.col("v").first().alias("first"),
                    pl.col("v").last().alias("last"),
                    (pl.col("v").diff() > 0).all().alias("up"),
                    (pl.col("v").diff() < 0).all().alias("down"),
                )
            )
            for k, first, last, up, down in parts.select(
                "k", "first", "last", "up", "down"
            ).iter_rows():
                run: SplitRun = (int(k), int(first), int(last), bool(up), bool(down))
                if runs and runs[-1][0] == run[0]:  # a split that went on in the next batch
                    before = runs[-1]
                    up = before[3] and run[3] and run[1] > before[2]
                    down = before[4] and run[4] and run[1] < before[2]
                    run = (run[0], before[1], run[2], up, down)
                    runs.pop()
                runs.append(run)
        yield pa.RecordBatch.from_arrays([pa.array([pickle.dumps(runs)], pa.binary())], names=["r"])


def _file_split(src: SparkSide, name: str, what: str) -> Any:
    """Spark's key of each row's file split (its file and start hashed), for ``what`` reads
    a column's values in file order; an InputError when the side's rows come from no file."""
    from pyspark.sql import functions as sf

    if not src.from_files():
        raise InputError(
            f"column {name!r} of the {src.role}: {what} reads its values in file order, and "
            "its rows come from no file, so have no order; set its kind in the config"
        )
    return sf.xxhash64(sf.input_file_name(), sf.input_file_block_start())


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


def _with_chunks(prepared: list[PreparedColumn], scopes: _Scopes) -> list[PreparedColumn]:
    """The whole data's and each segment's prepared column with its reference chunks'
    outcomes (:attr:`PreparedColumn.chunk_outcomes`), for a learned threshold: a numeric
    group's from the sorted pass, a categorical one's from its counts (every test, as the
    local learning runs the chosen one on the same counts)."""
    out = list(prepared)
    for scope in range(1 + len(scopes.tested)):
        outcomes = []
        for g in scopes.chunk_groups(scope):
            chunk = prepared[g]
            if chunk.outcomes is not None:
                outcomes.append(chunk.outcomes)
            else:
                assert chunk.sample is not None
                outcomes.append(run_tests(chunk.sample, chunk.kind))
        out[scope] = dataclasses.replace(prepared[scope], chunk_outcomes=outcomes)
    return out


def _by_counts(
    kind: Kind, sample: CategoricalSample, totals: Sequence[tuple[int, int]], as_text: bool
) -> PreparedColumn:
    """A categorical column prepared from its counts (each side's rows and nulls)."""
    return PreparedColumn(
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


def _as_read(
    keys: pl.DataFrame, casts: Mapping[str, pl.DataType], by: Sequence[str]
) -> pl.DataFrame:
    """Segment key columns ``k0``, ``k1``, ... (of ``by``) typed as the local engine reads
    them: the side's casts, and categories as text."""
    wanted = {f"k{i}": casts[c] for i, c in enumerate(by) if c in casts}
    if wanted:
        keys = keys.with_columns(pl.col(k).cast(t) for k, t in wanted.items())
    labels = [k for k, t in keys.schema.items() if isinstance(t, (pl.Categorical, pl.Enum))]
    if labels:
        keys = keys.with_columns(pl.col(k).cast(pl.String) for k in labels)
    return keys


def _tested_keys(keys: pl.DataFrame, tested: Mapping[tuple[Any, ...], int]) -> pl.DataFrame:
    """A side's segment keys (:meth:`PartitionedRuns._segment_rows`) of the tested segments,
    each with its number (:data:`_SEGMENT`)."""
    index = [tested.get(key, -1) for key in keys.rows()]
    numbered = keys.with_columns(pl.Series(_SEGMENT, index, pl.Int32))
    return numbered.filter(pl.col(_SEGMENT) >= 0)


#: The columns of the tag frames (:class:`_Tagger`): a segment's number, and a time
#: bucket's (a current row's window, a reference row's chunk).
_SEGMENT = "__segment"
_WINDOW = "__window"


def _tasks_order(values: pl.Series, order: str | None) -> str | None:
    """The date order every task parses a text time column with: the run's (``date_order``)
    or, when it leaves it to the data, the whole column's own, so that a task whose few
    dates read both ways reads them as the whole column is read."""
    found = date_order(values)
    return order or (found if found in DATE_ORDERS else None)


def _numbered(starts: pl.Series) -> pl.DataFrame:
    """Time buckets' starts (``t``), each with its number in that order (:data:`_WINDOW`)."""
    return pl.DataFrame({"t": starts, _WINDOW: pl.Series(range(starts.len()), dtype=pl.Int32)})


@dataclass(frozen=True)
class _TimeTags:
    """How a task gives each row of a side its time bucket (a current row's window, a
    reference row's chunk of a learned threshold): the time column, parsed as the run parses
    it (``order``, the side's cast), truncated to ``every``, matched to a bucket's start
    (``starts``: ``t`` and :data:`_WINDOW`, the bucket's number)."""

    column: str
    every: str
    order: str | None
    cast: pl.DataType | None
    starts: pl.DataFrame
    role: str = "current"


@dataclass
class _Scopes:
    """What the columns of a run are compared in beside the whole data: the tested segments,
    the current's windows and a learned threshold's reference chunks, each one group of a
    column's sort (:meth:`groups`)."""

    by: list[str]
    #: Each side's rows per segment.
    rows: tuple[SegmentRows, SegmentRows] = dataclasses.field(default_factory=lambda: ({}, {}))
    #: The tested segments' numbers, by key.
    tested: dict[tuple[Any, ...], int] = dataclasses.field(default_factory=dict)
    #: Each side's tested segment keys, numbered (:func:`_tested_keys`).
    keys: tuple[pl.DataFrame, pl.DataFrame] | None = None
    #: The current's windows with rows: each one's index and rows.
    windows: list[tuple[int, int]] = dataclasses.field(default_factory=list)
    time: _TimeTags | None = None
    #: The reference's chunks of a learned threshold (``threshold = "auto"``), by period:
    #: how many, and how a task finds a reference row's.
    chunks: int = 0
    period: _TimeTags | None = None

    def groups(self) -> list[Group]:
        """The whole data, each tested segment, each window, and for a learned threshold each
        reference chunk of the whole data and of each segment: the groups of every column's
        sort, in that order."""
        return [
            Group(),
            *(Group(segment=k) for k in range(len(self.tested))),
            *(Group(window=index) for index, _ in self.windows),
            *(
                Group(segment=k, chunk=j)
                for k in (None, *range(len(self.tested)))
                for j in range(self.chunks)
            ),
        ]

    def chunk_groups(self, scope: int) -> range:
        """Where in :meth:`groups` the chunks of a scope (0: the whole data, 1 + k: segment
        ``k``) are."""
        first = 1 + len(self.tested) + len(self.windows) + scope * self.chunks
        return range(first, first + self.chunks)

    def tagged(self, src: SparkSide, side: int, column: str) -> SparkFrame:
        """``column`` of one side with each row's segment and time bucket (a current row's
        window, a reference row's chunk: :data:`~driftcli.engines.sorted_pass.SEGMENT_TAG`,
        ``WINDOW_TAG``), given by the executors (:class:`_Tagger`); the side itself when
        nothing is tagged."""
        keys = self.keys[side] if self.keys is not None else None
        time = self.time if side == 1 else self.period
        if keys is None and time is None:
            return src.frame
        from pyspark.sql.types import IntegerType, StructField, StructType

        carried = [spark_column(column).alias("v")]
        if keys is not None:
            carried += [spark_column(c).alias(f"k{i}") for i, c in enumerate(self.by)]
        if time is not None:
            carried.append(spark_column(time.column).alias("t"))
        schema = StructType(
            [
                StructField(column, src.frame.schema[column].dataType),
                StructField(SEGMENT_TAG, IntegerType()),
                StructField(WINDOW_TAG, IntegerType()),
            ]
        )
        tagger = _Tagger(self.by, src.casts, keys, time, column)
        return src.frame.select(*carried).mapInArrow(tagger, schema)


class _Tagger:
    """In an executor: each row of a side's column with its segment's and time bucket's
    number (-1: none), found with Polars as the local engine finds them (the keys typed as
    it reads them, nulls equal; the time parsed and truncated as its split and chunks do)."""

    def __init__(
        self,
        by: Sequence[str],
        casts: Mapping[str, pl.DataType],
        keys: pl.DataFrame | None,
        time: _TimeTags | None,
        column: str,
    ) -> None:
        self.by = list(by)
        self.casts = {c: t for c, t in casts.items() if c in self.by}
        self.keys = keys
        self.time = time
        self.column = column

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            none = pl.Series(_SEGMENT, [-1] * frame.height, pl.Int32)
            segment, window = none, none
            if self.keys is not None:
                names = [f"k{i}" for i in range(len(self.by))]
                keys = _as_read(frame.select(names), self.casts, self.by)
                joined = keys.join(
                    self.keys, on=names, how="left", nulls_equal=True, maintain_order="left"
                )
                segment = joined.get_column(_SEGMENT).fill_null(-1)
            if self.time is not None:
                tags = self.time
                t = frame.select("t")
                if tags.cast is not None:
                    t = t.with_columns(pl.col("t").cast(tags.cast))
                t = parse_time_column(t, "t", tags.role, tags.order)
                parsed = tags.starts.schema["t"]
                if t.schema["t"] != parsed:  # text all null in this batch reads as naive
                    t = t.with_columns(pl.col("t").cast(parsed))
                start = t.select(pl.col("t").dt.truncate(tags.every))
                joined = start.join(tags.starts, on="t", how="left", maintain_order="left")
                window = joined.get_column(_WINDOW).fill_null(-1)
            yield pa.RecordBatch.from_arrays(
                [batch.column(0), segment.to_arrow(), window.to_arrow()],
                names=[self.column, SEGMENT_TAG, WINDOW_TAG],
            )


__all__ = ["PartitionedRuns", "check_supported", "unsupported"]
