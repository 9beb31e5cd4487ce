"""The report model: one immutable object that every output (JSON, HTML, terminal) renders.

Renderers never recompute a statistic; anything a view shows is a field here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from driftcli.config import DriftConfig
from driftcli.correction import CorrectionInfo
from driftcli.exitcodes import ExitCode
from driftcli.integrity import IntegrityReport
from driftcli.kinds import Kind
from driftcli.segments import segment_label
from driftcli.thresholds import AutoThreshold

if TYPE_CHECKING:
    from driftcli.concept_report import ConceptSection
    from driftcli.model_perf import PerformanceSection
    from driftcli.online import OnlineSection
    from driftcli.windows import WindowSection

SCHEMA_VERSION = "1.1"


class Status(str, Enum):
    """Outcome of one column's comparison."""

    OK = "ok"
    DRIFT = "drift"
    SKIPPED = "skipped"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


class SegmentStatus(str, Enum):
    """Whether a segment could be compared."""

    TESTED = "tested"
    MISSING_REFERENCE = "missing_reference"
    MISSING_CURRENT = "missing_current"
    TOO_SMALL = "too_small"

    def __str__(self) -> str:
        return self.value


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

    @property
    def drifted(self) -> bool:
        """True when the test found drift."""
        return self.status is Status.DRIFT

    @property
    def tested(self) -> bool:
        """True when a test ran to a verdict."""
        return self.status in (Status.OK, Status.DRIFT)


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


@dataclass(frozen=True)
class Report:
    """The result of one run; render with :mod:`driftcli.render`."""

    reference: SourceInfo
    current: SourceInfo
    dataset: DatasetVerdict
    columns: tuple[ColumnResult, ...]
    segments: tuple[SegmentResult, ...]
    config: DriftConfig
    generated_at: datetime
    driftcli_version: str
    breaches: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    integrity: IntegrityReport = field(default_factory=IntegrityReport)
    correction: CorrectionInfo = field(default_factory=CorrectionInfo)
    #: Column name -> "target" | "prediction" | "score" for the model's configured columns.
    #: They are drift-tested like any column but reported apart and left out of ``dataset``.
    roles: Mapping[str, str] = field(default_factory=dict)
    performance: PerformanceSection | None = None
    concept: ConceptSection | None = None
    windows: WindowSection | None = None
    online: OnlineSection | None = None

    @property
    def exit_code(self) -> ExitCode:
        """BREACH when a breach at the ``fail_on`` level was found, else OK."""
        return ExitCode.BREACH if self.breaches else ExitCode.OK

    @property
    def status(self) -> str:
        """``"fail"`` or ``"pass"``."""
        return "fail" if self.breaches else "pass"

    @property
    def drifted_columns(self) -> list[ColumnResult]:
        """Drifted whole-dataset feature columns, strongest first."""
        return [c for c in sorted_columns(self.feature_columns) if c.drifted]

    @property
    def feature_columns(self) -> tuple[ColumnResult, ...]:
        """Whole-dataset results of every column but the model's (target, prediction, score)."""
        return tuple(c for c in self.columns if c.column not in self.roles)

    @property
    def model_columns(self) -> tuple[ColumnResult, ...]:
        """Whole-dataset drift of the model's columns: prediction and target drift."""
        return tuple(c for c in self.columns if c.column in self.roles)


def sorted_columns(columns: tuple[ColumnResult, ...] | list[ColumnResult]) -> list[ColumnResult]:
    """Drifted first, then by drift score (highest first), then tested before skipped."""
    order = {Status.DRIFT: 0, Status.OK: 1, Status.ERROR: 2, Status.SKIPPED: 3}
    return sorted(
        columns,
        key=lambda c: (order[c.status], -(c.drift_score or 0.0), c.column),
    )
