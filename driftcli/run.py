"""The run: read both sides, plan each column, test it overall and per segment, compute every
registered section, decide the verdict, build the Report.

This is the library's one entry point for a whole run (:func:`run_report`); the CLI only
parses options, calls it and renders the result.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

import polars as pl

from driftcli._version import __version__
from driftcli.columns.analyse import Analysis, drift_score, uses_auto, workers
from driftcli.columns.correction import apply_correction
from driftcli.columns.plan import ColumnPlan, check_names, plan_columns
from driftcli.config import DriftConfig
from driftcli.engines.base import ROWS_COLUMN, DataSource, Engine, rows_frame
from driftcli.engines.passes import PassJob, PassOutcome, PassSink, run_pass
from driftcli.engines.registry import get_engine
from driftcli.errors import ConfigError, InputError
from driftcli.inputs.sources import Source, SourceLike, TypesChangedError
from driftcli.results.records import (
    ColumnResult,
    CorrectionInfo,
    SegmentResult,
    SourceInfo,
    TimeRange,
)
from driftcli.results.report import Report, RunEngine
from driftcli.results.scopes import json_value
from driftcli.results.section import Section
from driftcli.results.verdict import decide, drift_breaches, drift_warnings, few_rows_warning
from driftcli.results.vocabulary import Kind, SegmentStatus, Status
from driftcli.sections.registry import (
    PassAccumulator,
    RunContext,
    model_roles,
    run_sections,
    section_columns,
    sections,
)
from driftcli.stats.samples import FloatArray
from driftcli.timeline import DateOrder, date_order, parse_time_column

#: Called as ``progress(done, total)`` while columns and segments are processed.
ProgressHook = Callable[[int, int], None]

Schemas = tuple[pl.Schema, pl.Schema]


def _check(config: DriftConfig, ref: pl.Schema, cur: pl.Schema) -> None:
    """Every configured column name exists, and each section's own checks pass."""
    named = [pair for spec in sections() for pair in spec.named_columns(config)]
    check_names(config, ref, cur, named)
    for spec in sections():
        if spec.check is not None:
            spec.check(config, ref, cur)


def _time_column(config: DriftConfig, ref: pl.Schema, cur: pl.Schema) -> str | None:
    """The timestamp column the report shows the time range of.

    ``time_column`` or ``auto_threshold.time_column`` when set, else the first column with a
    Date or Datetime dtype on both sides; None when there is none.
    """
    chosen = config.time_column or config.auto_threshold.time_column
    if chosen is not None:
        return chosen if chosen in ref and chosen in cur else None
    temporal = (pl.Date, pl.Datetime)
    for name, dtype in ref.items():
        if name in cur and isinstance(dtype, temporal) and isinstance(cur[name], temporal):
            return name
    return None


def _time_range(
    ctx: RunContext,
    df: pl.DataFrame,
    column: str | None,
    role: Literal["reference", "current"],
    ends: tuple[Any, Any] | None = None,
) -> TimeRange | None:
    """The first and last time of one side; a text time column parsed as the sections parse
    it (its smallest text is not its first time: ``01/02/2024`` sorts before ``31/01/2024``),
    the sections' parse itself when it is their time column (the same rows); ``ends``: the
    side's first and last time, when the column was not read (_Data.time_ends)."""
    if column is not None and ends is not None:
        lo, hi = ends
        return TimeRange(
            column,
            None if lo is None else str(json_value(lo)),
            None if hi is None else str(json_value(hi)),
        )
    if column is None or column not in df.columns:
        return None
    times = df.select(column)
    if times.schema[column] == pl.String:
        with suppress(InputError):  # the sections that read it say why
            if column == ctx.config.time_column and ctx.with_times(role).height == df.height:
                times = ctx.with_times(role).select(column)
            else:
                times = parse_time_column(times, column, role, ctx.config.date_order)
    lo, hi = times.select(pl.col(column).min().alias("lo"), pl.col(column).max().alias("hi")).row(0)
    return TimeRange(
        column,
        None if lo is None else str(json_value(lo)),
        None if hi is None else str(json_value(hi)),
    )


def _time_texts(config: DriftConfig) -> list[str]:
    """The columns the run reads as times (``time_column``, ``auto_threshold.time_column``)."""
    return list(
        dict.fromkeys(c for c in (config.time_column, config.auto_threshold.time_column) if c)
    )


def _date_orders(
    config: DriftConfig, ref: pl.DataFrame, cur: pl.DataFrame
) -> set[DateOrder | None]:
    """How the text time columns of both sides write their numeric dates (:func:`date_order`)."""
    return {
        date_order(df.get_column(column))
        for column in _time_texts(config)
        for df in (ref, cur)
        if column in df.columns
    }


def _with_date_order(
    config: DriftConfig, ref: pl.DataFrame, cur: pl.DataFrame
) -> tuple[DriftConfig, str | None]:
    """``config`` with ``date_order`` set to ``month first`` when the numeric dates of a text
    time column show it on one side (``01/28/2024``) and no side shows day first: every side
    and every section then reads them so, a week of ``02/01/2024 .. 02/07/2024`` too (alone it
    reads both ways). Else ``config`` as it is: day first, or each side as its dates show.
    With it, the notice when no date shows its order (every one reads both ways on both
    sides, ``01/02/2024``): they were read day first. The dates are looked at once."""
    if config.date_order is not None:
        return config, None
    orders = _date_orders(config, ref, cur)
    if "month first" in orders and not orders & {"day first", "mixed"}:
        return config.replace(date_order="month first"), None
    if orders - {None} != {"either"}:
        return config, None
    column = _time_texts(config)[0]
    return config, (
        f"time column {column!r}: every date reads both day first and month first (01/02/2024 "
        "is 1 February or 2 January) and was read day first; if they are month first, set "
        'date_order = "month first" in the config'
    )


@dataclass(frozen=True)
class _Data:
    """What was read: every needed column of both sides (``reference``/``current``), and the
    tested columns alone (``tested_*``: drift analysis, segments)."""

    reference: pl.DataFrame
    current: pl.DataFrame
    tested_reference: pl.DataFrame
    tested_current: pl.DataFrame
    time_column: str | None
    #: Said when the numeric dates of a text time column read both ways (_with_date_order).
    date_notice: str | None = None
    #: Each side's first and last time of ``time_column`` when it was not read with the rest
    #: (an engine that holds no column, Engine.holds_columns): Engine.extremes.
    time_ends: tuple[tuple[Any, Any], tuple[Any, Any]] | None = None


def _to_read(config: DriftConfig, plans: Sequence[ColumnPlan], ref: pl.Schema) -> list[str]:
    """The tested columns, segment columns and the auto-threshold period column."""
    to_read = [p.name for p in plans if p.skip is None]
    to_read += [c for c in config.segment_by if c not in to_read]
    period = config.auto_threshold.time_column
    if uses_auto(config) and config.auto_threshold.chunk_by == "period" and period:
        if period not in ref:
            raise ConfigError(f"auto_threshold.time_column: no column {period!r} in the reference")
        to_read += [period] if period not in to_read else []
    return to_read


@dataclass(frozen=True)
class _Layout:
    """What a run reads: ``tested`` (tested, segment, period and time columns, both sides),
    and each side's ``own`` columns the sections read beyond those."""

    tested: list[str]
    own: tuple[list[str], list[str]]
    time_column: str | None


def _layout(config: DriftConfig, plans: Sequence[ColumnPlan], schemas: Schemas) -> _Layout:
    ref_schema, cur_schema = schemas
    to_read = _to_read(config, plans, ref_schema)
    time_col = _time_column(config, ref_schema, cur_schema)
    if time_col is not None and time_col not in to_read:
        to_read.append(time_col)  # one column, for the time range the report shows
    # The sections' columns (the model's, online, integrity's untested ones) and the time
    # column, on the sides that have them, in the same pass.
    wanted = section_columns(config, plans, ref_schema, cur_schema)
    wanted += [config.time_column] if config.time_column is not None else []
    wanted = [c for c in dict.fromkeys(wanted) if c not in to_read]
    own = ([c for c in wanted if c in ref_schema], [c for c in wanted if c in cur_schema])
    return _Layout(to_read, own, time_col)


def _check_rows(sources: tuple[DataSource, DataSource], frames: Sequence[pl.DataFrame]) -> None:
    for src, df in zip(sources, frames, strict=True):
        if df.height == 0:
            raise InputError(
                f"{src.role} {src.label}: no rows to compare (only a header, or every row "
                "filtered out); check that the file holds data"
            )


def _read(engine: Engine, layout: _Layout, sources: tuple[DataSource, DataSource]) -> _Data:
    """Read every column the run needs from both sides in one pass per side."""
    own = layout.own
    ref_df, cur_df = engine.read(*sources, layout.tested, own)
    _check_rows(sources, (ref_df, cur_df))
    return _Data(ref_df, cur_df, ref_df.drop(own[0]), cur_df.drop(own[1]), layout.time_column)


def _compare(
    analysis: Analysis,
    plans: Sequence[ColumnPlan],
    kinds: dict[str, Kind | None],
    data: _Data,
    progress: ProgressHook | None,
    keep: dict[str, FloatArray] | None = None,
) -> tuple[list[ColumnResult], list[SegmentResult], CorrectionInfo]:
    """Every column overall and per segment, with one correction over all p-values; ``keep``
    receives the whole data's sorted reference columns (:meth:`Analysis.frame`)."""
    config = analysis.config
    state = {"done": 0, "total": len(plans) + (1 if config.segment_by else 0)}

    def tick() -> None:
        state["done"] += 1
        if progress is not None:
            progress(state["done"], state["total"])

    ref, cur = data.tested_reference, data.tested_current
    n_segments = _count_segments(config, ref, cur)
    columns = analysis.frame(plans, kinds, ref, cur, tick, keep=keep)
    _check_tested(columns)
    kinds.update({c.column: c.kind for c in columns})
    segments: list[SegmentResult] = []
    if config.segment_by:
        state["total"] = len(plans) + n_segments
        segments = analysis.segments(plans, kinds, ref, cur, columns, tick)
    # One multiple-testing correction over every p-value result (columns x segments).
    return apply_correction(
        columns, segments, config.correction, config.drift_share, drift_score, analysis.roles
    )


@dataclass(frozen=True)
class _Split:
    """A run in column passes: ``shared`` columns (segments, period, time) and each side's
    ``own`` (the sections' reads) are read once and held; ``columns`` are read a few per pass
    (the tested columns and the reads of sections that accumulate per pass)."""

    shared: list[str]
    own: tuple[list[str], list[str]]
    columns: list[str]
    time_column: str | None


def _split(
    config: DriftConfig,
    plans: Sequence[ColumnPlan],
    layout: _Layout,
    schemas: Schemas,
    holds: bool = True,
) -> _Split:
    ref_schema, cur_schema = schemas
    tested = {p.name for p in plans if p.skip is None}
    # Segment, period and time columns: every pass needs them beside its own columns; and
    # the columns not tested, which segments list. An engine that holds no column (``holds``,
    # Engine.holds_columns) reads those in passes and the time range apart (Engine.extremes).
    special = {*config.segment_by, config.auto_threshold.time_column}
    special |= {layout.time_column} if holds else set()
    shared = [c for c in layout.tested if c in special or (holds and c not in tested)]
    per_pass = {
        c
        for c in section_columns(config, plans, ref_schema, cur_schema, per_pass=True)
        if c in ref_schema and c in cur_schema and c not in shared
    }
    held = section_columns(config, plans, ref_schema, cur_schema, per_pass=False)
    held += [config.time_column] if config.time_column is not None else []
    held = [c for c in dict.fromkeys(held) if c not in shared]
    own = ([c for c in held if c in ref_schema], [c for c in held if c in cur_schema])
    skip = {*held, *shared}
    columns = [
        p.name for p in plans if p.name not in skip and (p.name in tested or p.name in per_pass)
    ]
    return _Split(shared, (own[0], own[1]), columns, layout.time_column)


def _merge_segments(
    analysis: Analysis, plans: Sequence[ColumnPlan], passes: Sequence[Sequence[SegmentResult]]
) -> list[SegmentResult]:
    """Each segment's results of every pass as one: its columns in plan order, its dataset
    drift decided over all of them."""
    if not passes:
        return []
    order = {p.name: i for i, p in enumerate(plans)}
    out: list[SegmentResult] = []
    for parts in zip(*passes, strict=True):
        first = parts[0]
        if first.status is not SegmentStatus.TESTED:
            out.append(first)
            continue
        cols = sorted((c for part in parts for c in part.columns), key=lambda c: order[c.column])
        out.append(dataclasses.replace(first, dataset=analysis.verdict(cols), columns=tuple(cols)))
    return out


def _named(frame: pl.DataFrame) -> tuple[str, ...]:
    """A base frame's columns (none for a frame of the row count alone)."""
    return tuple(c for c in frame.columns if c != ROWS_COLUMN)


def _compare_in_passes(
    analysis: Analysis,
    plans: Sequence[ColumnPlan],
    kinds: dict[str, Kind | None],
    sources: tuple[DataSource, DataSource],
    split: _Split,
    per_pass: int,
    accumulators: Mapping[str, PassAccumulator],
    progress: ProgressHook | None,
) -> tuple[_Data, list[ColumnResult], list[SegmentResult], CorrectionInfo, Analysis]:
    """Every column overall and per segment, ``per_pass`` columns at a time: each pass reads
    its columns of both sides, tests them beside the shared columns and lets them go. The
    results are those of one pass over everything (the same code on the same values), and
    ``analysis`` as the passes used it (the reference's rows, the config's ``date_order``
    decided from the shared columns)."""
    read = [*split.shared, *split.own[0], *split.own[1], *split.columns]
    several = len(split.columns) > per_pass  # one pass reads its columns once anyway
    staging = analysis.engine.staged(*sources, read) if several else nullcontext(sources)
    with staging as staged:
        return _passes(analysis, plans, kinds, staged, split, per_pass, accumulators, progress)


def _passes(
    analysis: Analysis,
    plans: Sequence[ColumnPlan],
    kinds: dict[str, Kind | None],
    sources: tuple[DataSource, DataSource],
    split: _Split,
    per_pass: int,
    accumulators: Mapping[str, PassAccumulator],
    progress: ProgressHook | None,
) -> tuple[_Data, list[ColumnResult], list[SegmentResult], CorrectionInfo, Analysis]:
    """The passes of :func:`_compare_in_passes` over ``sources`` as staged for them: here,
    or where the engine runs them (:meth:`Engine.pass_runner`)."""
    engine = analysis.engine
    base_ref, base_cur = engine.read(*sources, split.shared, split.own)
    _check_rows(sources, (base_ref, base_cur))
    config, date_notice = _with_date_order(analysis.config, base_ref, base_cur)
    shared = split.shared
    tested_ref, tested_cur = (
        df.select(shared) if shared else rows_frame(df.height) for df in (base_ref, base_cur)
    )
    n_segments = _count_segments(config, tested_ref, tested_cur)
    chunks = [split.columns[i : i + per_pass] for i in range(0, len(split.columns), per_pass)]
    state = {"done": 0, "total": len(plans) + n_segments * len(chunks)}

    def tick() -> None:
        state["done"] += 1
        if progress is not None:
            progress(state["done"], state["total"])

    analysis = dataclasses.replace(analysis, config=config, reference_rows=base_ref.height)
    # Tested columns held for the whole run (a model's columns the sections read too): tested
    # in the first pass from the held frames.
    in_chunks = set(split.columns)
    held_tested = [p.name for p in plans if p.skip is None and p.name not in in_chunks]
    held_tested = [c for c in held_tested if c not in shared]
    runner = engine.pass_runner(*sources)
    specs = [spec for spec in sections() if spec.key in accumulators and spec.passes]
    keep_sorted = any(spec.sorted_reference(config) for spec in specs)

    def fresh() -> dict[str, PassSink]:
        """New accumulators for a pass run elsewhere (none for a pass run here)."""
        return {s.key: s.passes(config, plans) for s in specs if s.passes} if runner else {}

    jobs: list[PassJob] = []
    for i, chunk in enumerate(chunks):
        first = i == 0
        # The first pass also takes the held columns and the columns not tested (skipped or
        # in error: no values needed), so every segment lists them as in memory.
        mine = [
            p
            for p in plans
            if (p.skip is None and p.name in chunk)
            or (first and (p.skip is not None or p.name not in in_chunks))
        ]
        jobs.append(
            PassJob(
                config, tuple(plans), tuple(mine), dict(kinds), analysis.roles,
                base_ref.height, tuple(shared),
                (_named(base_ref), _named(base_cur)), tuple(chunk),
                tuple(held_tested if first else ()), first, fresh(), keep_sorted,
            )
        )  # fmt: skip
    results: dict[str, ColumnResult] = {}
    segment_passes: list[list[SegmentResult]] = []
    if runner is not None:
        for outcome in runner(jobs):
            assert isinstance(outcome, PassOutcome)
            if outcome.error is not None:
                raise outcome.error
            results.update({c.column: c for c in outcome.columns})
            if outcome.segments is not None:
                segment_passes.append(outcome.segments)
            for key, acc in accumulators.items():
                acc.merge(outcome.accumulators[key])
            for _ in range(len(outcome.columns) + n_segments * (outcome.segments is not None)):
                tick()
    else:
        for job in jobs:
            ref, cur = engine.read(*sources, list(job.chunk), ([], []))
            cols, segments = run_pass(
                job, analysis, (base_ref, base_cur), (ref, cur), accumulators, tick
            )
            kinds.update({c.column: c.kind for c in cols})
            results.update({c.column: c for c in cols})
            if segments is not None:
                segment_passes.append(segments)
            del ref, cur
    columns = [results[p.name] for p in plans]
    _check_tested(columns)
    kinds.update({c.column: c.kind for c in columns})
    segments = _merge_segments(analysis, plans, segment_passes)
    corrected = apply_correction(
        columns, segments, config.correction, config.drift_share, drift_score, analysis.roles
    )
    ends = None
    if split.time_column is not None and split.time_column not in base_ref.columns:
        ends = engine.extremes(*sources, split.time_column)
    data = _Data(base_ref, base_cur, tested_ref, tested_cur, split.time_column, date_notice, ends)
    return (data, *corrected, analysis)


def _count_segments(config: DriftConfig, ref: pl.DataFrame, cur: pl.DataFrame) -> int:
    """How many segments the run will compare; InputError above ``max_segments`` (a segment
    column with a value per row would take hours and say nothing)."""
    by = list(config.segment_by)
    if not by:
        return 0
    # An Enum or Categorical's categories may differ between the sides (no supertype):
    # counted as text, as the segments are matched by value.
    keys = pl.concat([_as_text(df, by) for df in (ref, cur)], how="vertical_relaxed").unique()
    if keys.height > config.max_segments:
        what = ", ".join(by)
        raise InputError(
            f"segment_by {what}: {keys.height:,} segments (distinct values) in the data, more "
            f"than max_segments = {config.max_segments}; segment by a column with fewer values "
            "(bin a numeric one first), or raise max_segments in the config"
        )
    return keys.height


def _as_text(df: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """The ``by`` columns of ``df``, each Enum or Categorical one as text."""
    labels = (pl.Enum, pl.Categorical)
    return df.select(
        pl.col(c).cast(pl.String) if isinstance(df.schema[c], labels) else pl.col(c) for c in by
    )


def _check_tested(columns: Sequence[ColumnResult]) -> None:
    """InputError when no column could be tested: a run that tested nothing is not a pass."""
    if any(c.tested for c in columns):
        return
    reasons: dict[str, list[str]] = {}
    for c in columns:
        why = (c.reason or c.status.value).split(":")[0].split(";")[0]
        reasons.setdefault(why, []).append(c.column)
    said = "; ".join(
        f"{', '.join(names[:5])}{' and more' if len(names) > 5 else ''}: {why}"
        for why, names in reasons.items()
    )
    raise InputError(
        f"no column could be drift-tested ({said}); check that the inputs hold the data you "
        'meant, or set kind in [column."NAME"] for a column inferred wrongly'
    )


def _separator_hints(sources: tuple[DataSource, DataSource], config: DriftConfig) -> None:
    """InputError for a CSV read as one column that holds another separator in its name."""
    if config.separator is not None:
        return
    for src in sources:
        hint = src.separator_hint()
        if hint is not None:
            raise InputError(f"{src.role} {src.label}: {hint}")


def _notices(columns: Sequence[ColumnResult], schema: pl.Schema) -> tuple[str, ...]:
    """What a reader must not miss about coverage: numeric columns skipped as ids (with the
    override), and a run that skipped most of its columns."""
    out = [
        f"{c.column} was skipped as an id (its name or its values say so); if it is a "
        f'measurement, set kind = "numeric" in [column."{c.column}"]'
        for c in columns
        if c.kind is Kind.ID and c.column in schema and schema[c.column].is_integer()
    ]
    skipped = [c for c in columns if c.status is Status.SKIPPED]
    tested = sum(1 for c in columns if c.tested)
    if len(skipped) > tested:
        counts: dict[str, int] = {}
        for c in skipped:
            counts[c.kind.value] = counts.get(c.kind.value, 0) + 1
        by_kind = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        out.append(
            f"{len(skipped)} of {len(columns)} columns were not tested ({by_kind}); "
            "see the columns not tested for why"
        )
    return tuple(out)


def run_report(
    reference: SourceLike,
    current: SourceLike,
    config: DriftConfig | None = None,
    *,
    progress: ProgressHook | None = None,
    engine: str = "auto",
) -> Report:
    """Compare ``current`` with ``reference`` and return the Report every output renders.

    ``reference`` and ``current`` are each a path (file, glob or folder), a Polars DataFrame
    or a LazyFrame. ``engine`` names the compute engine (:mod:`driftcli.engines`): ``auto``
    (in memory while the data fits the memory budget, else in column passes), ``polars``,
    ``stream`` or ``spark``; every engine gives the same numbers. Raises
    :class:`~driftcli.errors.ConfigError` or :class:`~driftcli.errors.InputError` for a
    user's mistake.
    """
    started = time.perf_counter()
    config = config or DriftConfig()
    eng = get_engine(engine)
    sources = _open(eng, config, reference, current)
    notices: list[str] = []
    while True:
        try:
            report = _run(eng, config, sources, progress)
            break
        except MemoryError as exc:
            raise _out_of_memory(eng.name, exc) from exc
        except TypesChangedError as exc:
            # Once per side: a side read with types from every row raises InputError.
            i = 0 if exc.role == "reference" else 1
            src = sources[i]
            assert isinstance(src, Source)
            notices.append(exc.notice(src.label))
            retyped = src.retyped()
            sources = (retyped, sources[1]) if i == 0 else (sources[0], retyped)
    return dataclasses.replace(
        report,
        duration=time.perf_counter() - started,
        notices=(*notices, *report.notices),
    )


def _out_of_memory(engine: str, exc: MemoryError) -> InputError:
    """What to do when the run did not fit in memory (NumPy's MemoryError, here or raised
    again from a pass on Spark's executors): the data is too large for the way the engine
    holds it, not a bug."""
    why = str(exc) or "MemoryError"
    if engine == "polars":
        fix = (
            "use the default engine (auto), which reads a few columns at a time when the data "
            "is larger than the memory budget, or --engine stream"
        )
    elif engine == "spark":
        fix = (
            "give the driver and the executors' Python workers more memory (--driver-memory, "
            "spark.executor.pyspark.memory), or lower DRIFT_MEMORY_BUDGET for smaller passes"
        )
    else:
        fix = (
            "lower DRIFT_MEMORY_BUDGET (the engine sizes what it holds at once by it, e.g. "
            "DRIFT_MEMORY_BUDGET=4G) or free memory for this run"
        )
    return InputError(f"the inputs do not fit in this run's memory ({why}); {fix}")


def _open(
    eng: Engine, config: DriftConfig, reference: SourceLike, current: SourceLike
) -> tuple[DataSource, DataSource]:
    """Both sides opened, at once where this process opens them: opening JSON Lines infers
    their types from every line (measured: 6.6 s for 410 MB on one core), and two sides take
    the time of one on two cores. The reference's error first when both fail, as before."""
    sides = (
        (reference, config.reference_format, "reference"),
        (current, config.current_format, "current"),
    )
    if eng.reads_elsewhere:
        ref, cur = (eng.open(*side, config.separator, config.decimal_comma) for side in sides)
        return ref, cur
    with ThreadPoolExecutor(max_workers=2) as pool:
        opened = [
            pool.submit(eng.open, *side, config.separator, config.decimal_comma) for side in sides
        ]
        return opened[0].result(), opened[1].result()


def _run(
    eng: Engine,
    config: DriftConfig,
    sources: tuple[DataSource, DataSource],
    progress: ProgressHook | None,
) -> Report:
    """One run of :func:`run_report` on opened sources."""
    schemas = (sources[0].schema(), sources[1].schema())
    _separator_hints(sources, config)
    _check(config, *schemas)
    plans = _plan(config, sources, schemas)
    kinds: dict[str, Kind | None] = {p.name: p.kind for p in plans}
    layout = _layout(config, plans, schemas)
    split = _split(config, plans, layout, schemas, eng.holds_columns)
    extra = sum(spec.memory(config) for spec in sections())
    per_pass = eng.passes(*sources, split.columns, extra) if split.columns else None
    with ThreadPoolExecutor(max_workers=workers()) as pool:
        roles = model_roles(config)
        accumulators: dict[str, PassAccumulator] = {}
        kept: dict[str, FloatArray] = {}
        if per_pass is None:
            data = _read(eng, layout, sources)
            config, date_notice = _with_date_order(config, data.reference, data.current)
            data = dataclasses.replace(data, date_notice=date_notice)
            analysis = Analysis(config, eng, pool, roles, data.tested_reference.height)
            asked = any(s.enabled(config) and s.sorted_reference(config) for s in sections())
            keep = kept if asked else None
            columns, segments, correction = _compare(analysis, plans, kinds, data, progress, keep)
        else:
            accumulators = {
                spec.key: spec.passes(config, plans)
                for spec in sections()
                if spec.passes and spec.enabled(config)
            }
            analysis = Analysis(config, eng, pool, roles, 0)
            data, columns, segments, correction, analysis = _compare_in_passes(
                analysis, plans, kinds, sources, split, per_pass, accumulators, progress
            )
            config = analysis.config  # with the date_order the passes decided
        context = RunContext(
            config=config,
            reference=data.reference,
            current=data.current,
            reference_schema=schemas[0],
            current_schema=schemas[1],
            labels=(sources[0].label, sources[1].label),
            plans=plans,
            kinds=kinds,
            columns=columns,
            segments=segments,
            tested_reference=data.tested_reference,
            analysis=analysis,
            sorted_reference=kept,
            # What a run in passes holds for the whole run: drift over time orders the
            # tested columns itself, a group at a time (a copy when not in time order).
            timed_columns=[*split.shared, *split.own[1]] if per_pass is None else None,
        )
        del kept
        computed = run_sections(context, accumulators)
    report = _report(context, data, correction, computed)
    passes = 1 if per_pass is None else math.ceil(len(split.columns) / per_pass)
    # Said in the outputs unless the run held everything in memory, read here.
    in_memory = per_pass is None and not eng.reads_elsewhere
    compared_on = None
    if eng.reads_elsewhere:
        runner = eng.pass_runner(*sources) if per_pass is not None else None
        compared_on = "driver" if runner is None else getattr(runner, "where", "executors")
    return dataclasses.replace(
        report,
        engine=None
        if in_memory
        else RunEngine(eng.name, passes, per_pass or max(1, len(split.columns)), compared_on),
    )


def check_run(
    reference: SourceLike, current: SourceLike, config: DriftConfig | None = None
) -> None:
    """What :func:`run_report` checks before it reads any data: both sources open, their
    schemas have every configured column, each section's own checks pass and the two sides
    share a column. Reads only the schemas (``drift fleet validate``); raises ConfigError or
    InputError as run_report would."""
    config = config or DriftConfig()
    eng = get_engine("polars")
    comma = config.decimal_comma
    sources = (
        eng.open(reference, config.reference_format, "reference", config.separator, comma),
        eng.open(current, config.current_format, "current", config.separator, comma),
    )
    schemas = (sources[0].schema(), sources[1].schema())
    _check(config, *schemas)
    _plan(config, sources, schemas)


def _plan(
    config: DriftConfig,
    sources: tuple[DataSource, DataSource],
    schemas: tuple[pl.Schema, pl.Schema],
) -> list[ColumnPlan]:
    """Every column's plan; InputError when the two sides share no column to compare."""
    plans = plan_columns(config, *schemas)
    if not any(p.name in schemas[0] and p.name in schemas[1] for p in plans):
        raise InputError(
            f"reference {sources[0].label} and current {sources[1].label} share no columns"
            + (" (after --columns/--exclude)" if config.columns or config.exclude else "")
            + "; check that the two inputs describe the same data"
        )
    return plans


def _without_categories(columns: Sequence[ColumnResult]) -> tuple[ColumnResult, ...]:
    """The columns without the category counts the integrity checks read: the report does
    not need them, and a column of many categories would hold them as long as it lives."""
    return tuple(
        dataclasses.replace(c, categories=None) if c.categories is not None else c for c in columns
    )


def _report(
    ctx: RunContext,
    data: _Data,
    correction: CorrectionInfo,
    computed: Mapping[str, Section | None],
) -> Report:
    """The Report: the column results, the sections and the verdict decided from them."""
    config, columns, segments, labels = ctx.config, ctx.columns, ctx.segments, ctx.labels
    dataset = ctx.analysis.verdict(columns)
    breaches, warnings = decide(
        config.fail_on,
        drift_breaches(config.fail_on, dataset, columns, segments, config.column_errors),
        few_rows_warning(
            data.tested_reference.height, data.tested_current.height, config.min_segment_rows
        )
        + drift_warnings(columns, segments, config.column_errors, config.fail_on),
        computed.values(),
    )
    ref, cur = data.tested_reference, data.tested_current
    ends = data.time_ends or (None, None)
    # The time column is read with the rest, or only for the sections (an engine that holds
    # no column reads it for drift over time alone).
    timed = (ref, cur) if data.time_column in ref.columns else (data.reference, data.current)
    return Report(
        reference=SourceInfo(
            labels[0],
            ref.height,
            len(ctx.reference_schema),
            _time_range(ctx, timed[0], data.time_column, "reference", ends[0]),
        ),
        current=SourceInfo(
            labels[1],
            cur.height,
            len(ctx.current_schema),
            _time_range(ctx, timed[1], data.time_column, "current", ends[1]),
        ),
        dataset=dataset,
        columns=_without_categories(columns),
        segments=tuple(
            dataclasses.replace(s, columns=_without_categories(s.columns)) for s in segments
        ),
        config=config,
        generated_at=datetime.now(timezone.utc).replace(microsecond=0),
        driftcli_version=__version__,
        breaches=breaches,
        warnings=warnings,
        correction=correction,
        roles=ctx.roles,
        sections=computed,
        notices=(
            *_notices(columns, ctx.reference_schema),
            *(n for spec in sections() for n in spec.notices(config)),
            *([data.date_notice] if data.date_notice is not None else []),
        ),
    )


__all__ = ["ProgressHook", "run_report"]
