"""One column pass of a run, as a function of the frames it reads: the same code on the driver
and, for an engine that runs passes elsewhere (Spark's executors), in a worker process.

A run in column passes (:func:`driftcli.run.run_report` when the engine reads a few columns
at a time) holds the columns every pass shares (segments, period, time: ``shared``) and the
sections' own reads (``own``, per side) as its *base*, and reads each pass's *chunk* of tested
columns beside them. :func:`run_pass` tests the chunk's columns overall and per segment and
adds the pass to the sections' accumulators. :class:`PassJob` says everything a pass needs
besides its frames and pickles, so a worker can run it: :func:`remote_pass` builds the
worker's own :class:`~driftcli.columns.analyse.Analysis` (the in-memory engine, a thread
pool) and fresh accumulators, runs :func:`run_pass` and returns a :class:`PassOutcome`, whose
accumulators the driver merges in pass order (:meth:`PassSink.merge`). The numbers
are the local run's: the same code on the same values in the same row order.
"""

from __future__ import annotations

import copyreg
import io
import pickle
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

import polars as pl

from driftcli.columns.analyse import Analysis, workers
from driftcli.columns.plan import ColumnPlan
from driftcli.config import DriftConfig
from driftcli.engines.base import ROWS_COLUMN, rows_frame
from driftcli.engines.memory import MemoryEngine
from driftcli.results.records import ColumnResult, CountedColumn, SegmentResult
from driftcli.results.vocabulary import Kind
from driftcli.stats.samples import FloatArray


@dataclass(frozen=True)
class PassData:
    """One pass of a run in column passes, as a section's accumulator sees it."""

    #: The pass's columns beside the ones every pass shares (segments, time, the sections'
    #: reads), both sides.
    reference: pl.DataFrame
    current: pl.DataFrame
    #: Results of the columns this pass owns (in the first pass, the shared ones too).
    columns: Sequence[ColumnResult]
    first: bool
    kinds: Mapping[str, Kind | None]
    #: The run's analysis (None for a pass compared where its columns lie: ``counted``).
    analysis: Analysis | None
    #: The pass's sorted reference columns from its whole-data comparison, when the job
    #: keeps them (:attr:`PassJob.keep_sorted`): ``sorted_values(reference[name])``.
    sorted_reference: Mapping[str, FloatArray] = field(default_factory=dict)
    #: A pass compared where its columns lie (Spark in partitions): ``reference`` and
    #: ``current`` then hold only the row counts, and these the counts the integrity checks
    #: read of each column of ``columns``; None for a pass whose frames hold the values.
    counted: Mapping[str, CountedColumn] | None = None
    #: With ``counted``: a column's current values seen more than once, as (value as text,
    #: n), sorted by n then value, at most ``limit`` rows (the id check's examples).
    repeats: Callable[[str, int], pl.LazyFrame] | None = None
    #: With ``counted``, in the first pass: each side's share of duplicate rows over every
    #: column the run reads, counted where the rows are (called only by a check that wants it).
    duplicates: Callable[[], tuple[float, float] | None] | None = None
    #: With ``counted``: the pass's tested columns in each of the current's windows with rows
    #: (by window index: its rows, the columns with their whole-data tests), compared where
    #: the rows are; drift over time keeps the windows with enough rows.
    windows: Mapping[int, tuple[int, Sequence[ColumnResult]]] | None = None


class PassSink(Protocol):
    """What a pass hands its results to: a section's accumulator
    (:class:`driftcli.sections.registry.PassAccumulator` adds ``finish``)."""

    def add(self, data: PassData) -> None:
        """One pass."""
        ...

    def merge(self, other: Any) -> None:
        """The passes another accumulator of the same run added (a pass run elsewhere, into
        a fresh accumulator), as if they had been added here, after the earlier ones."""
        ...


@dataclass(frozen=True)
class PassJob:
    """One pass: which columns it reads and tests, and the run's settings it tests them with."""

    config: DriftConfig
    #: Every plan of the run (the accumulators look columns up in them).
    plans: tuple[ColumnPlan, ...]
    #: The plans this pass tests: its chunk's and, in the first pass, the held and skipped ones.
    mine: tuple[ColumnPlan, ...]
    kinds: Mapping[str, Kind | None]
    roles: Mapping[str, str]
    reference_rows: int
    #: Columns of the base frames that every pass tests beside (segments, period, time).
    shared: tuple[str, ...]
    #: Each side's base columns: ``shared``, then the sections' own reads of that side (none:
    #: the base is the side's row count alone).
    base: tuple[tuple[str, ...], tuple[str, ...]]
    #: The tested columns this pass reads.
    chunk: tuple[str, ...]
    #: Tested columns held in the base frames (a model's columns): tested in the first pass.
    from_base: tuple[str, ...]
    first: bool
    #: Fresh accumulators of the sections that accumulate pass by pass, by section key,
    #: for a pass run elsewhere (a local pass adds to the run's own).
    accumulators: Mapping[str, PassSink] = field(default_factory=dict)
    #: Keep the whole-data comparison's sorted reference columns for the accumulators
    #: (:attr:`PassData.sorted_reference`): a section prepares the reference once for many
    #: slices (:attr:`driftcli.sections.registry.SectionSpec.sorted_reference`).
    keep_sorted: bool = False

    def reads(self, side: int) -> list[str]:
        """The columns a worker reads of one side (0: reference): the base, then the chunk."""
        return list(dict.fromkeys([*self.base[side], *self.chunk]))


@dataclass
class PassOutcome:
    """What a pass found: its columns' results, its segments (when the run has segments) and
    the accumulators it added to. ``error``: the exception a worker met, raised again on the
    driver."""

    columns: list[ColumnResult] = field(default_factory=list)
    segments: list[SegmentResult] | None = None
    accumulators: dict[str, PassSink] = field(default_factory=dict)
    error: BaseException | None = None


def _no_tick() -> None:
    pass


def _proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


class _Pickler(pickle.Pickler):
    """A pickler that also takes the read-only mappings of the config (MappingProxyType)."""

    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[MappingProxyType] = lambda m: (_proxy, (dict(m),))


def dumps(obj: object) -> bytes:
    """``obj`` pickled for a worker (a :class:`PassJob`) or back (a :class:`PassOutcome`);
    :func:`pickle.loads` reads it."""
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return out.getvalue()


def hstack(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """``right``'s columns beside ``left``'s (the same rows, read in the same order)."""
    keep = left.drop(ROWS_COLUMN) if ROWS_COLUMN in left.columns else left
    if not keep.width:
        return right
    return keep.hstack(right) if right.width else left


def run_pass(
    job: PassJob,
    analysis: Analysis,
    base: tuple[pl.DataFrame, pl.DataFrame],
    read: tuple[pl.DataFrame, pl.DataFrame],
    accumulators: Mapping[str, PassSink],
    tick: Callable[[], None] = _no_tick,
) -> tuple[list[ColumnResult], list[SegmentResult] | None]:
    """Test the pass's columns (``read``: the chunk, both sides) beside the shared ones of
    ``base``, overall and per segment, and add the pass to ``accumulators``."""
    kinds = dict(job.kinds)
    shared = list(job.shared)
    tested = [p.name for p in job.mine if p.name in job.chunk]
    pass_ref, pass_cur = (
        hstack(
            b.select(shared) if shared else rows_frame(b.height),
            pl.concat([b.select(job.from_base), df.select(tested)], how="horizontal"),
        )
        for b, df in zip(base, read, strict=True)
    )
    keep: dict[str, FloatArray] | None = {} if job.keep_sorted else None
    cols = analysis.frame(job.mine, kinds, pass_ref, pass_cur, tick, keep=keep)
    kinds.update({c.column: c.kind for c in cols})
    segments = None
    if job.config.segment_by:
        segments = analysis.segments(job.mine, kinds, pass_ref, pass_cur, cols, tick)
    held = set(base[0].columns) | set(base[1].columns)
    # A skipped column read for the sections (integrity checks dates and ids) is listed in
    # the first pass and read in its chunk's: that pass owns its (data-free) result too.
    mine = {p.name for p in job.mine}
    skipped = [p for p in job.plans if p.skip is not None and p.name in job.chunk]
    skipped = [p for p in skipped if p.name not in mine]
    listed = analysis.frame(skipped, kinds, pass_ref, pass_cur) if skipped else []
    owned = [
        c for c in [*cols, *listed] if c.column in job.chunk or (job.first and c.column in held)
    ]
    seen = PassData(
        hstack(base[0], read[0]), hstack(base[1], read[1]), owned, job.first, kinds, analysis,
        keep or {},
    )  # fmt: skip
    for acc in accumulators.values():
        acc.add(seen)
    return cols, segments


def remote_pass(job: PassJob, ref: pl.DataFrame, cur: pl.DataFrame) -> PassOutcome:
    """One pass in a worker, on its read of both sides (``job.reads``, rows in the order the
    local engine reads them): the outcome, or the exception it met."""
    try:
        base = tuple(
            df.select(cols) if cols else rows_frame(df.height)
            for df, cols in ((ref, job.base[0]), (cur, job.base[1]))
        )
        read = (ref.select(job.chunk), cur.select(job.chunk))
        accumulators = dict(job.accumulators)  # fresh: a copy of the driver's, unpickled
        with ThreadPoolExecutor(max_workers=workers()) as pool:
            analysis = Analysis(job.config, MemoryEngine(), pool, job.roles, job.reference_rows)
            columns, segments = run_pass(job, analysis, (base[0], base[1]), read, accumulators)
        return PassOutcome(columns, segments, accumulators)
    except Exception as exc:  # noqa: BLE001 (raised again on the driver, as in a local run)
        return PassOutcome(error=exc)
