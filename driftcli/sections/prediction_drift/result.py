"""The prediction and target drift section's result: the model's own columns' drift."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from driftcli.results.records import ColumnResult, sorted_columns
from driftcli.results.section import Finding, Section


@dataclass(frozen=True)
class PredictionDriftSection(Section):
    """Whole-data drift of the model's columns (target, prediction, score).

    They are drift-tested like any column (their results are in the report's ``columns``);
    this section reports them apart. It has no findings of its own: under ``fail_on =
    "column"`` their drift is a breach like any column's.
    """

    key: ClassVar[str] = "prediction_drift"
    title: ClassVar[str] = "Prediction and target drift"

    columns: tuple[ColumnResult, ...]

    def findings(self) -> tuple[Finding, ...]:
        """None: the columns' drift is judged with the others."""
        return ()

    def to_dict(self) -> dict[str, Any]:
        """The model's columns, strongest drift first, and the drifted ones."""
        cols = sorted_columns(self.columns)
        return {
            "columns": [c.column for c in cols],
            "drifted": [c.column for c in cols if c.drifted],
        }
