"""The engine seam: what the drift analysis asks of a compute engine.

An engine reads the columns a run needs and turns each column of a scope (the whole data, a
segment or a window) into a :class:`PreparedColumn`: its kind, the sample the statistical tests
take (:mod:`driftcli.stats.samples`), the two sides' summaries and the plot's pre-binned
distribution. Everything after that (choosing the test, running it, the verdict, the
correction, the sections) is the same whatever the engine, so engines differ only in how they
get there: in memory with Polars (:mod:`driftcli.engines.memory`), in column passes for data
larger than memory (:mod:`driftcli.engines.stream`), and every engine must give the same
numbers (``tests/test_conformance.py``).

An engine also opens the two sides (:meth:`Engine.open`, a :class:`DataSource`) and says how
many columns it reads per pass (:meth:`Engine.passes`): None reads every needed column at once
(in memory); a number makes the run compare the tested columns a few at a time, each pass
reading its columns, testing them and letting them go (``run.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

from driftcli.columns.plan import ColumnPlan
from driftcli.errors import InputError
from driftcli.inputs.sources import SourceLike
from driftcli.results.records import CategoryCounts, Distribution, SideSummary, SortedCounts
from driftcli.results.vocabulary import Kind
from driftcli.stats.registry import TestOutcome
from driftcli.stats.samples import ColumnSample, FloatArray, PrefixSums

#: Runs a run's column passes elsewhere (:meth:`Engine.pass_runner`): takes the passes'
#: :class:`~driftcli.engines.passes.PassJob` s and yields their
#: :class:`~driftcli.engines.passes.PassOutcome` s in order (typed loosely here: that
#: module builds on this one).
PassRunner = Callable[[Sequence[Any]], Iterator[Any]]

#: The one column of a frame that stands for rows when no column was read. A name no data
#: holds (a NUL): a column of the data named ``__rows`` was taken for it, and the checks of
#: the rows (duplicates) were left out.
ROWS_COLUMN = "\x00rows"


def rows_frame(height: int) -> pl.DataFrame:
    """A frame of ``height`` rows and no data (a Null column): a side read for its row count
    alone."""
    return pl.DataFrame({ROWS_COLUMN: pl.repeat(None, height, dtype=pl.Null, eager=True)})


@dataclass(frozen=True)
class Moments:
    """Mean and sample standard deviation (ddof=1) of a column's finite values."""

    mean: float | None
    std: float | None


@dataclass(frozen=True)
class PreparedColumn:
    """One column of one scope, ready for the tests.

    ``sample`` is None when the column's kind is not drift-tested (id, datetime, text);
    ``constant`` is the one value both sides hold when they hold only that; ``note`` says what
    preparing it changed (values that did not parse as numbers); ``reference_values`` are the
    reference's raw values, for thresholds learned from reference chunks.
    """

    kind: Kind
    sample: ColumnSample | None = None
    reference: SideSummary | None = None
    current: SideSummary | None = None
    distribution: Distribution | None = None
    n_reference: int = 0
    n_current: int = 0
    constant: str | None = None
    note: str | None = None
    reference_values: pl.Series | None = None
    #: Why the column cannot be compared (an error row), e.g. text that is not numbers.
    error: str | None = None
    #: Counts of the sorted sides for the integrity checks (a numeric column of a scope with
    #: summaries, read as it is: not parsed from text, rescaled or with sentinels).
    counts: SortedCounts | None = None
    #: Category counts for the integrity checks (a text or boolean column of a scope with
    #: summaries, compared as read: the checks count the same categories).
    categories: CategoryCounts | None = None
    #: Every registered test's outcome (or why it did not apply), computed where the values
    #: are (a column compared in partitions: :mod:`driftcli.stats.partials`); the tests then
    #: read these instead of running on ``sample``, which may be None.
    outcomes: Mapping[str, TestOutcome | str] | None = None
    #: With ``outcomes``, for ``threshold = "auto"``: each reference chunk's outcomes against
    #: the rest of the reference, in chunk order (:func:`~driftcli.columns.thresholds.chunk_ids`),
    #: which the learned threshold reads instead of ``reference_values``.
    chunk_outcomes: Sequence[Mapping[str, TestOutcome | str]] | None = None


@dataclass(frozen=True)
class ReferenceCache:
    """The reference prepared once for many current slices (time windows): per column its
    moments, sorted values (numeric) or category counts (categorical).

    A slice compared with it keeps only its verdicts (a window's result has no summaries or
    distributions), so none are made for it."""

    moments: Mapping[str, Moments]
    sorted: Mapping[str, FloatArray]
    counts: Mapping[str, pl.DataFrame]
    #: Prefix sums of the sorted numeric columns (for the Wasserstein distance of each slice).
    prefix: Mapping[str, PrefixSums | None] = field(default_factory=dict)


class DataSource(Protocol):
    """One side of a run as an engine opened it (:class:`driftcli.inputs.sources.Source` for
    the Polars engines): how to name it in messages, and its schema."""

    @property
    def role(self) -> str:
        """``reference`` or ``current``."""
        ...

    @property
    def label(self) -> str:
        """The path, pattern or table as the user gave it."""
        ...

    def schema(self) -> pl.Schema:
        """Column names and dtypes (InputError naming the source when it cannot be read)."""
        ...

    def separator_hint(self) -> str | None:
        """For a CSV read as one column: the separator to use, else None."""
        ...

    def read_error(self, exc: BaseException) -> InputError:
        """An InputError naming this source, for a failure while reading it."""
        ...


class Engine(Protocol):
    """A compute engine: opens and reads a run's sides and prepares each column of a scope."""

    name: str
    #: Whether the engine reads through another system (Spark): the outputs then name it
    #: even when it read every column at once.
    reads_elsewhere: bool

    @property
    def holds_columns(self) -> bool:
        """Whether a run in passes holds the columns every pass shares for the whole run
        (the segment and time columns, and the columns not tested, which segments list). An
        engine that compares each column where it lies (Spark in partitions) holds none: a
        column not tested is then read in a pass, as a tested one is."""
        ...

    def open(
        self,
        src: SourceLike,
        fmt: str | None,
        role: str,
        separator: str | None,
        decimal_comma: bool = False,
    ) -> DataSource:
        """One side, opened lazily (nothing but the schema is read). ``separator`` and
        ``decimal_comma`` say how CSV files write fields and numbers."""
        ...

    def passes(
        self, ref: DataSource, cur: DataSource, columns: Sequence[str], extra: float = 0.0
    ) -> int | None:
        """How many of the tested ``columns`` to read per pass; None: all at once.
        ``extra``: the memory the run's sections work in beyond the columns, as a multiple
        of their size (:attr:`SectionSpec.memory`)."""
        ...

    def staged(
        self, ref: DataSource, cur: DataSource, columns: Sequence[str]
    ) -> AbstractContextManager[tuple[DataSource, DataSource]]:
        """The two sides as a run in passes reads them (``columns``: every column it reads),
        for the length of the ``with`` block: the sides themselves, or a copy made once that
        each pass reads faster (and removed on exit)."""
        ...

    def read(
        self,
        ref: DataSource,
        cur: DataSource,
        columns: list[str],
        extra: tuple[list[str], list[str]],
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """``columns`` of both sides (plus each side's own ``extra``) in one pass per side."""
        ...

    def extremes(
        self, ref: DataSource, cur: DataSource, column: str
    ) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
        """Each side's smallest and largest value of ``column`` (a Date or Datetime column:
        the time range the report shows), as Polars gives them."""
        ...

    def pass_runner(self, ref: DataSource, cur: DataSource) -> PassRunner | None:
        """What runs a run's column passes elsewhere (Spark's executors), each pass reading
        its own columns there; None: the passes run here, on the engine's :meth:`read`."""
        ...

    def moments(self, frame: pl.DataFrame, names: Sequence[str]) -> dict[str, Moments]:
        """Moments of many numeric columns of one side at once."""
        ...

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
        """One column of one scope, its kind inferred when ``kind`` is None."""
        ...

    def prepare_reference(
        self,
        plans: Sequence[ColumnPlan],
        kinds: Mapping[str, Kind | None],
        ref: pl.DataFrame,
        pool: ThreadPoolExecutor,
        known: Mapping[str, FloatArray] | None = None,
    ) -> ReferenceCache:
        """The reference side of every planned column, prepared once for many scopes; the
        sorted values in ``known`` (``sorted_values(ref[name])``, kept from the whole-data
        comparison) are used rather than sorted again."""
        ...
