"""The drift over time section's result: each window's verdicts and the consecutive-window rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from driftcli.results.jsonable import floats, num
from driftcli.results.records import FEATURE, DatasetVerdict
from driftcli.results.section import Check, Finding, Section
from driftcli.results.vocabulary import Outcome, SegmentStatus, Severity, Status
from driftcli.sections.windows.config import WindowRule


@dataclass(frozen=True)
class WindowColumn:
    """One column's result in one window (lean: no summaries or distributions)."""

    column: str
    status: Status
    test: str | None
    statistic: float | None
    pvalue: float | None  # adjusted within the window when a correction is configured
    threshold: float | None
    drift_score: float | None


@dataclass(frozen=True)
class WindowResult:
    """One window: its rows, drift verdicts and (with a model) performance metrics."""

    index: int
    label: str
    start: str | None
    end: str | None
    first_row: int
    rows: int
    status: SegmentStatus  # tested | too_small
    dataset: DatasetVerdict | None = None
    columns: tuple[WindowColumn, ...] = ()
    performance: Mapping[str, float | None] | None = None  # metric -> value on this window
    exceeds: bool = False  # drift share above the rule's max_drift_share


@dataclass(frozen=True)
class WindowRuleOutcome:
    """The consecutive-window rule's verdict."""

    status: Outcome  # pass | warn | fail | not_evaluated (fewer tested windows than the rule needs)
    longest_run: int  # most consecutive exceeding windows
    runs: tuple[tuple[int, int], ...]  # (first, last) window index of each qualifying run
    message: str


@dataclass(frozen=True)
class WindowSection(Section):
    """Drift (and model performance) per window of the current data."""

    key: ClassVar[str] = "windows"
    title: ClassVar[str] = "Drift over time"

    window: str
    by: Literal["time", "rows"]
    time_column: str | None
    rows_without_time: int
    windows: tuple[WindowResult, ...]
    columns: tuple[str, ...]  # the drift-tested columns, in report order
    performance_reference: Mapping[str, float | None] | None = None  # metrics on the reference
    rule: WindowRule | None = None
    rule_outcome: WindowRuleOutcome | None = None
    #: The model's columns and their roles (labelled in each window's columns).
    roles: Mapping[str, str] = field(default_factory=dict)

    def findings(self) -> tuple[Finding, ...]:
        """The consecutive-window rule, when it was met, at its severity; a warning when too
        few windows were tested to judge it, so it never passes quietly. Without a rule, a
        warning when no window could be compared at all (the section then tested nothing)."""
        o = self.rule_outcome
        if o is None:
            return () if self._tested() else (Finding(Severity.WARN, self._none_compared()),)
        if o.status is Outcome.PASS:
            return ()
        if o.status is Outcome.NOT_EVALUATED:
            return (Finding(Severity.WARN, o.message),)
        return (Finding(Severity(o.status.value), o.message),)

    def _tested(self) -> bool:
        return any(w.status is SegmentStatus.TESTED for w in self.windows)

    def _none_compared(self) -> str:
        """Why drift over time compared no window, in one line."""
        small = len(self.windows)
        why = [f"{small} window{'s' if small != 1 else ''} too small"] if small else []
        if self.rows_without_time:
            why.append(
                f"{self.rows_without_time} current rows without a timestamp in {self.time_column!r}"
            )
        if not why:
            why.append("no current rows")
        return f"drift over time: no window was compared ({'; '.join(why)})"

    def checks(self) -> tuple[Check, ...]:
        """The consecutive-window rule, when it is set."""
        o = self.rule_outcome
        if o is None:
            return ()
        return (
            Check(
                "windows", "consecutive windows", o.status, o.message, kind="rule", source="windows"
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "window": self.window,
            "by": self.by,
            "time_column": self.time_column,
            "rows_without_time": self.rows_without_time,
            "columns": list(self.columns),
            "performance_reference": floats(self.performance_reference),
            "rule": _rule(self.rule),
            "rule_outcome": _rule_outcome(self.rule_outcome),
            "windows": [_window(x, self.roles) for x in self.windows],
        }


def exceeding_runs(
    windows: Sequence[WindowResult], by: Literal["time", "rows"]
) -> list[tuple[int, int]]:
    """(first, last) list positions of every run of consecutive windows above the drift share
    limit (by time, a run continues only where a window starts as the one before it ends): the
    rule's outcome and its words in the HTML and the terminal both read them from here."""
    runs: list[tuple[int, int]] = []
    for pos, w in enumerate(windows):
        if not w.exceeds:
            continue
        prev = windows[pos - 1] if pos else None
        adjacent = (
            prev is not None
            and prev.exceeds
            and (by == "rows" or (prev.end is not None and prev.end == w.start))
        )
        if adjacent:
            runs[-1] = (runs[-1][0], pos)
        else:
            runs.append((pos, pos))
    return runs


def _rule(r: WindowRule | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "max_drift_share": num(r.max_drift_share),
        "consecutive": r.consecutive,
        "severity": r.severity.value,
        "min_rows": r.min_rows,
    }


def _rule_outcome(o: WindowRuleOutcome | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {
        "status": o.status.value,
        "longest_run": o.longest_run,
        "runs": [[first, last] for first, last in o.runs],
        "message": o.message,
    }


def _window(w: WindowResult, roles: Mapping[str, str]) -> dict[str, Any]:
    return {
        "index": w.index,
        "label": w.label,
        "start": w.start,
        "end": w.end,
        "first_row": w.first_row,
        "rows": w.rows,
        "status": w.status.value,
        "dataset": None if w.dataset is None else w.dataset.to_dict(),
        "columns": [
            {
                "column": c.column,
                "role": roles.get(c.column, FEATURE),
                "status": c.status.value,
                "test": c.test,
                "statistic": num(c.statistic),
                "pvalue": num(c.pvalue),
                "threshold": num(c.threshold),
                "drift_score": num(c.drift_score),
            }
            for c in w.columns
        ],
        "performance": floats(w.performance),
        "exceeds": w.exceeds,
    }
