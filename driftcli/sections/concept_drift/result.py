"""The concept drift section's result: each scope's error stream, detectors and change points."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from driftcli.results.jsonable import num, scalar, segment_values
from driftcli.results.section import Check, Finding, Section
from driftcli.results.vocabulary import Outcome, Severity


@dataclass(frozen=True)
class ChangePoint:
    """Where a detector fired: the position in the scope's time-ordered stream, and its time."""

    row: int
    timestamp: str | None  # ISO 8601 value of the time column at that row


@dataclass(frozen=True)
class DetectorReport:
    """One detector on one scope's stream."""

    method: str
    params: Mapping[str, float | int | str]
    drifts: tuple[ChangePoint, ...] = ()
    warnings: tuple[ChangePoint, ...] | None = None  # None: the method has no warning zone
    note: str | None = None  # e.g. not applicable to a real-valued stream


@dataclass(frozen=True)
class ErrorBin:
    """The mean error over a stretch of the stream, for the chart (at most ~100 bins)."""

    start: str | None  # ISO timestamp of the bin's first row
    first_row: int
    rows: int
    mean_error: float


@dataclass(frozen=True)
class ConceptScope:
    """The error stream of one scope ("overall" or a segment) and what the detectors found."""

    scope: str
    segment: Mapping[str, Any] | None
    n_events: int
    n_excluded: int  # rows without a target, prediction or timestamp
    mean_error: float | None
    detectors: tuple[DetectorReport, ...] = ()
    series: tuple[ErrorBin, ...] = ()
    reason: str | None = None  # why nothing ran (e.g. too few rows)

    @property
    def first_detection(self) -> tuple[str, ChangePoint] | None:
        """The earliest change point in this scope and the detector that reported it (the
        first listed detector on a tie)."""
        best: tuple[str, ChangePoint] | None = None
        for d in self.detectors:
            for p in d.drifts:
                if best is None or p.row < best[1].row:
                    best = (d.method, p)
        return best

    @property
    def first_change(self) -> ChangePoint | None:
        """The earliest change point any detector reported in this scope."""
        first = self.first_detection
        return first[1] if first is not None else None


def _point_text(point: ChangePoint) -> str:
    return f"row {point.row}" + (f" ({point.timestamp})" if point.timestamp else "")


@dataclass(frozen=True)
class ConceptSection(Section):
    """Concept drift over time in the current data."""

    key: ClassVar[str] = "concept_drift"
    title: ClassVar[str] = "Concept drift"

    time_column: str
    stream: Literal["misclassification", "absolute_error"]
    severity: Severity
    scopes: tuple[ConceptScope, ...]

    def findings(self) -> tuple[Finding, ...]:
        """The change points (:meth:`_changes`), and a warning when no detector ran on the
        whole data (no row with a timestamp, a target and a prediction, say), which would
        otherwise pass for a stream without concept drift."""
        out = list(self._changes())
        out += [
            Finding(Severity.WARN, f"concept drift overall: {s.reason}; no detector ran")
            for s in self.scopes
            if s.segment is None and s.reason is not None and not s.detectors
        ]
        return tuple(out)

    def _changes(self) -> tuple[Finding, ...]:
        """One finding per scope where some detector reported a change point, at the
        section's severity.

        Each detector that fired is named with its first change point, and how many more it
        found: ``"concept drift overall: adwin at row 412 (2025-03-15T02:10:00) and 2 more,
        ddm at row 398 (2025-03-15T01:55:00)"``.
        """
        out: list[Finding] = []
        for scope in self.scopes:
            parts = []
            for d in scope.detectors:
                if d.drifts:
                    more = len(d.drifts) - 1
                    parts.append(
                        f"{d.method} at {_point_text(d.drifts[0])}"
                        + (f" and {more} more" if more else "")
                    )
            if parts:
                where = "overall" if scope.segment is None else f"in segment {scope.scope}"
                message = f"concept drift {where}: {', '.join(parts)}"
                out.append(Finding(self.severity, message))
        return tuple(out)

    def checks(self) -> tuple[Check, ...]:
        """Each scope's stream: a change point at the section's severity, else a pass."""
        found = {f.message.split(":")[0]: f for f in self._changes()}
        out = []
        for scope in self.scopes:
            where = "overall" if scope.segment is None else f"in segment {scope.scope}"
            finding = found.get(f"concept drift {where}")
            if finding is not None:
                outcome = Outcome(finding.severity.value)
                out.append(
                    Check(
                        "concept drift",
                        scope.scope,
                        outcome,
                        finding.message,
                        kind="concept",
                        source="concept",
                    )
                )
            elif scope.reason is not None:
                out.append(
                    Check(
                        "concept drift",
                        scope.scope,
                        Outcome.NOT_EVALUATED,
                        f"concept drift {where}: {scope.reason}",
                        kind="concept",
                        source="concept",
                    )
                )
            else:
                out.append(
                    Check(
                        "concept drift",
                        scope.scope,
                        Outcome.PASS,
                        f"no concept drift {where}",
                        kind="concept",
                        source="concept",
                    )
                )
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "time_column": self.time_column,
            "stream": self.stream,
            "severity": self.severity.value,
            "scopes": [_scope(s) for s in self.scopes],
        }


def _point(p: ChangePoint) -> dict[str, Any]:
    return {"row": p.row, "timestamp": p.timestamp}


def _detector(d: DetectorReport) -> dict[str, Any]:
    return {
        "method": d.method,
        "params": {str(k): scalar(v) for k, v in d.params.items()},
        "drifts": [_point(p) for p in d.drifts],
        "warnings": None if d.warnings is None else [_point(p) for p in d.warnings],
        "note": d.note,
    }


def _scope(s: ConceptScope) -> dict[str, Any]:
    first = s.first_detection
    return {
        "scope": s.scope,
        "segment": segment_values(s.segment),
        "n_events": s.n_events,
        "n_excluded": s.n_excluded,
        "mean_error": num(s.mean_error),
        "reason": s.reason,
        "first_change": None if first is None else {"detector": first[0], **_point(first[1])},
        "detectors": [_detector(d) for d in s.detectors],
        "series": [
            {
                "start": b.start,
                "first_row": b.first_row,
                "rows": b.rows,
                "mean_error": num(b.mean_error),
            }
            for b in s.series
        ],
    }
