"""The records of a column comparison: summaries, distributions, verdicts, segments, sources.

Frozen dataclasses that every output renders; renderers never recompute a statistic, so
anything a view shows is a field here. Each record has the ``to_dict`` the JSON summary uses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from driftcli.results.jsonable import num
from driftcli.results.scopes import segment_label
from driftcli.results.vocabulary import (
    DEFAULT_CORRECTION,
    Correction,
    Kind,
    SegmentStatus,
    Status,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import polars as pl

#: The role of a column that is not one of the model's (target, prediction, score).
FEATURE = "feature"


@dataclass(frozen=True)
class SortedCounts:
    """Counts the data integrity checks read, taken from a numeric column's sorted sides in
    the drift pass so that the checks need no second pass over the values (not in the JSON):
    per side (reference, current) the infinite values and the values equal to the side's
    median (``SideSummary.p50``); on current, the finite values below and above the
    reference's finite range (``SideSummary.min`` and ``max``)."""

    infinite: tuple[int, int]
    at_median: tuple[int, int]
    below: int
    above: int


@dataclass(frozen=True)
class CountedColumn:
    """What the data integrity checks read of one column, counted where the values are (a run
    that compares its columns in partitions, :mod:`driftcli.engines.partitioned`; not in the
    JSON): per side (reference, current) the nulls (a float column's NaN included), and by
    kind:

    - numeric: the infinities, the values equal to each side's median, the current's finite
      values below and above the reference's finite range (``counts``), the medians and that
      range;
    - categorical and boolean: each side's count per value (``values``: frames of ``value``,
      as read, and an Int64 ``n``);
    - id: each side's distinct non-null values (``unique``).
    """

    nulls: tuple[int, int]
    counts: SortedCounts | None = None
    medians: tuple[float | None, float | None] = (None, None)
    reference_range: tuple[float, float] | None = None
    values: tuple[pl.DataFrame, pl.DataFrame] | None = None
    unique: tuple[int, int] | None = None


@dataclass(frozen=True)
class CategoryCounts:
    """A categorical or boolean column's counts per category on both sides, aligned on the
    union of categories (the drift pass's), for the integrity checks' category checks (not in
    the JSON; dropped from the report's columns once the checks ran)."""

    labels: tuple[str, ...]
    reference: npt.NDArray[np.int64]
    current: npt.NDArray[np.int64]


@dataclass(frozen=True)
class SideSummary:
    """Descriptive statistics of one side of a column (None where they do not apply)."""

    count: int
    nulls: int
    unique: int | None = None
    mean: float | None = None
    std: float | None = None
    min: float | None = None
    p25: float | None = None
    p50: float | None = None
    p75: float | None = None
    max: float | None = None
    top: str | None = None
    top_share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (non-finite numbers as null)."""
        out = dataclasses.asdict(self)
        return {k: (num(v) if isinstance(v, float) else v) for k, v in out.items()}


@dataclass(frozen=True)
class Distribution:
    """Pre-binned counts of both sides for plots: numeric histogram or category bars.

    For ``histogram``, ``edges`` has one more item than the counts; for ``bars`` the labels
    are categories (with an "(other)" bar when there are many).
    """

    type: str  # "histogram" | "bars"
    labels: tuple[str, ...]
    reference: tuple[int, ...]
    current: tuple[int, ...]
    edges: tuple[float, ...] = ()


@dataclass(frozen=True)
class AutoThreshold:
    """A threshold learned from reference chunks, and how."""

    value: float
    mean: float
    std: float
    k: float
    chunks: int
    method: str  # AutoThresholdConfig.label

    @property
    def description(self) -> str:
        """One line for reports."""
        return (
            f"learned: mean {self.mean:.4g} + {self.k:g} x std {self.std:.4g} of {self.chunks} "
            f"reference chunks vs the rest ({self.method})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "value": num(self.value),
            "mean": num(self.mean),
            "std": num(self.std),
            "k": self.k,
            "chunks": self.chunks,
            "method": self.method,
            "description": self.description,
        }


@dataclass(frozen=True)
class ColumnResult:
    """One column's verdict, with what the report needs to explain it."""

    column: str
    kind: Kind
    status: Status
    test: str | None = None
    statistic: float | None = None
    pvalue: float | None = None
    threshold: float | None = None
    reason: str | None = None
    drift_score: float | None = None
    test_type: str | None = None  # "p-value" | "distance"
    kind_source: str = "inferred"  # "inferred" | "config"
    reference: SideSummary | None = None
    current: SideSummary | None = None
    distribution: Distribution | None = None
    effect_size: float | None = None  # p-value tests: how big the change is
    effect_size_name: str | None = None  # e.g. "KS D", "Cramér's V"
    pvalue_adjusted: float | None = None  # after the run's multiple-testing correction
    auto_threshold: AutoThreshold | None = None  # when threshold = "auto" learned it
    #: Seconds spent preparing and testing the column (not in the JSON: it varies run to run).
    seconds: float = field(default=0.0, compare=False)
    #: What the integrity checks read from the sorted sides (numeric columns; not in the JSON).
    counts: SortedCounts | None = field(default=None, compare=False, repr=False)
    #: The category counts the integrity checks read (text and boolean columns; not in the
    #: JSON, and not kept in the report).
    categories: CategoryCounts | None = field(default=None, compare=False, repr=False)

    @property
    def drifted(self) -> bool:
        """True when the test found drift."""
        return self.status is Status.DRIFT

    @property
    def tested(self) -> bool:
        """True when a test ran to a verdict."""
        return self.status in (Status.OK, Status.DRIFT)

    def to_dict(self, role: str = FEATURE) -> dict[str, Any]:
        """JSON-ready form; ``role`` is the column's model role or "feature"."""
        return {
            "column": self.column,
            "role": role,
            "kind": self.kind.value,
            "kind_source": self.kind_source,
            "test": self.test,
            "test_type": self.test_type,
            "statistic": num(self.statistic),
            "pvalue": num(self.pvalue),
            "pvalue_adjusted": num(self.pvalue_adjusted),
            "effect_size": num(self.effect_size),
            "effect_size_name": self.effect_size_name,
            "threshold": num(self.threshold),
            "auto_threshold": (
                None if self.auto_threshold is None else self.auto_threshold.to_dict()
            ),
            "drifted": self.drifted,
            "drift_score": num(self.drift_score),
            "status": self.status.value,
            "reason": self.reason,
            "reference": None if self.reference is None else self.reference.to_dict(),
            "current": None if self.current is None else self.current.to_dict(),
        }


@dataclass(frozen=True)
class DatasetVerdict:
    """Dataset-level drift: share of drifted columns among tested columns."""

    columns_tested: int
    columns_drifted: int
    drift_share: float
    drift_share_threshold: float
    drifted: bool

    @classmethod
    def from_columns(
        cls, columns: Sequence[ColumnResult], threshold: float, ignore: Collection[str] = ()
    ) -> DatasetVerdict:
        """Aggregate column verdicts; no tested column means no dataset drift.

        ``ignore`` names columns left out of the share: the model's target, prediction and
        score, whose drift is reported on its own.
        """
        if ignore:
            columns = [c for c in columns if c.column not in ignore]
        tested = sum(1 for c in columns if c.tested)
        drifted = sum(1 for c in columns if c.drifted)
        share = drifted / tested if tested else 0.0
        return cls(tested, drifted, share, threshold, tested > 0 and share >= threshold)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "columns_tested": self.columns_tested,
            "columns_drifted": self.columns_drifted,
            "drift_share": num(self.drift_share),
            "drift_share_threshold": self.drift_share_threshold,
            "drifted": self.drifted,
        }

    def describe(self) -> str:
        """``"3 of 12 columns drifted (25% >= 20%)"``: the share against its threshold."""
        return (
            f"{self.columns_drifted} of {self.columns_tested} columns drifted "
            f"({self.drift_share:.0%} >= {self.drift_share_threshold:.0%})"
        )


@dataclass(frozen=True)
class SegmentResult:
    """One combination of segment values, compared on its own."""

    segment: dict[str, Any]
    status: SegmentStatus
    rows_reference: int
    rows_current: int
    reason: str | None = None
    dataset: DatasetVerdict | None = None
    columns: tuple[ColumnResult, ...] = ()

    @property
    def label(self) -> str:
        """Human-readable ``col=value`` form."""
        return segment_label(self.segment)

    def to_dict(self, roles: Mapping[str, str]) -> dict[str, Any]:
        """JSON-ready form; ``roles`` maps the model's columns to their roles."""
        return {
            "segment": self.segment,
            "status": self.status.value,
            "reason": self.reason,
            "rows": {"reference": self.rows_reference, "current": self.rows_current},
            "dataset": None if self.dataset is None else self.dataset.to_dict(),
            "columns": [
                c.to_dict(roles.get(c.column, FEATURE)) for c in sorted_columns(self.columns)
            ],
        }


@dataclass(frozen=True)
class CorrectionInfo:
    """Which correction a run applied and how many p-value results it covered."""

    method: Correction = DEFAULT_CORRECTION
    tests: int = 0  # p-value results the correction covered

    @property
    def description(self) -> str:
        """One line for reports, e.g. "Benjamini-Hochberg over 12 p-value tests"."""
        tests = f"{self.tests} p-value test{'s' if self.tests != 1 else ''}"
        if self.method is Correction.NONE:
            return f"no multiple-testing correction ({tests})"
        return f"{self.method.full_name} ({self.method.value}) over {tests}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "method": self.method.value,
            "pvalue_tests": self.tests,
            "description": self.description,
        }


@dataclass(frozen=True)
class TimeRange:
    """Earliest and latest value of a side's timestamp column (ISO 8601 text)."""

    column: str
    min: str | None
    max: str | None


@dataclass(frozen=True)
class SourceInfo:
    """What was read for one side."""

    source: str
    rows: int
    columns: int
    time_range: TimeRange | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        tr = self.time_range
        return {
            "source": self.source,
            "rows": self.rows,
            "columns": self.columns,
            "time_range": None
            if tr is None
            else {"column": tr.column, "min": tr.min, "max": tr.max},
        }


def sorted_columns(columns: Sequence[ColumnResult]) -> list[ColumnResult]:
    """Drifted first, then by drift score (highest first), then tested before skipped."""
    order = {Status.DRIFT: 0, Status.OK: 1, Status.ERROR: 2, Status.SKIPPED: 3}
    return sorted(
        columns,
        key=lambda c: (order[c.status], -(c.drift_score or 0.0), c.column),
    )
