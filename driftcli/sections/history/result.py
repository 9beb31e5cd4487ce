"""The run history section's result: this run beside the stored ones, and the rules across runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from driftcli.results.jsonable import num
from driftcli.results.section import Check, Finding, Section
from driftcli.results.vocabulary import Outcome, Severity
from driftcli.sections.history.config import HistoryRule


@dataclass(frozen=True)
class TrendPoint:
    """One run in the trend: a stored run (``run_id``) or this one (``run_id`` None)."""

    run_id: int | None
    at: str  # the data's end when known, else when the run started
    drift_share: float | None
    dataset_drifted: bool | None


@dataclass(frozen=True)
class ColumnTrend:
    """A column's drift over the trend's runs, and how this run compares with the last one.

    ``state``: ``new`` (drifted now, not in the previous run), ``still`` (drifted in both),
    ``recovered`` (drifted before, not now) or ``""``.
    """

    column: str
    state: str
    drifted: tuple[bool | None, ...]  # per trend point; None when the run did not test it
    scores: tuple[float | None, ...]  # drift score per trend point


@dataclass(frozen=True)
class HistoryRuleOutcome:
    """A rule across runs and what it concluded on this run."""

    index: int
    rule: HistoryRule
    status: Outcome  # pass | warn | fail | not_evaluated
    message: str
    runs: tuple[int | None, ...] = ()  # the runs that made it fail (None: this run)


@dataclass(frozen=True)
class HistorySection(Section):
    """Run history: trends over the model's last stored runs and the rules across runs."""

    key: ClassVar[str] = "history"
    title: ClassVar[str] = "Run history"

    store: str  # the URL, its password masked
    model: str
    data_start: str | None
    data_end: str | None
    previous_runs: int  # stored runs the section looked at
    trend: tuple[TrendPoint, ...]
    columns: tuple[ColumnTrend, ...]
    rules: tuple[HistoryRuleOutcome, ...] = ()
    unavailable: str | None = None  # why the store could not be read
    replaces: int | None = None  # the stored run this one replaces (on_duplicate = "replace")

    def findings(self) -> tuple[Finding, ...]:
        """Each rule that failed or warned, at its severity."""
        return tuple(
            Finding(Severity(r.status.value), r.message)
            for r in self.rules
            if r.status in (Outcome.FAIL, Outcome.WARN)
        )

    def checks(self) -> tuple[Check, ...]:
        """Every rule across runs, passes included."""
        return tuple(
            Check(
                "history",
                r.rule.text(),
                r.status,
                r.message,
                kind="rule",
                source=f"history.rules[{r.index}]",
            )
            for r in self.rules
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "store": self.store,
            "model": self.model,
            "data_start": self.data_start,
            "data_end": self.data_end,
            "previous_runs": self.previous_runs,
            "unavailable": self.unavailable,
            "replaces": self.replaces,
            "trend": [
                {
                    "run_id": p.run_id,
                    "at": p.at,
                    "drift_share": num(p.drift_share),
                    "dataset_drifted": p.dataset_drifted,
                }
                for p in self.trend
            ],
            "columns": [
                {
                    "column": c.column,
                    "state": c.state,
                    "drifted": list(c.drifted),
                    "scores": [num(s) for s in c.scores],
                }
                for c in self.columns
            ],
            "rules": [
                {
                    "index": r.index,
                    "rule": r.rule.to_dict(),
                    "text": r.rule.text(),
                    "status": r.status.value,
                    "message": r.message,
                    "runs": list(r.runs),
                }
                for r in self.rules
            ],
        }
