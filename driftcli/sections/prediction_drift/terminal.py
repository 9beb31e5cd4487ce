"""The prediction and target drift section in the terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcli.outputs.termkit import fmt_number
from driftcli.results.report import Report
from driftcli.sections.prediction_drift.result import PredictionDriftSection

_ROLE_ORDER = {"target": 0, "prediction": 1, "score": 2}


def print_section(section: PredictionDriftSection, report: Report, console: Console) -> None:
    """One line per model column: role, column, test, statistic, verdict."""
    cols = sorted(
        section.columns,
        key=lambda c: (_ROLE_ORDER.get(report.roles[c.column], 9), c.column),
    )
    if not cols:
        return
    console.print()
    table = Table(
        title="Prediction and target drift", title_justify="left", show_edge=False, pad_edge=False
    )
    for head in ("role", "column", "test", "statistic", "threshold", "verdict"):
        table.add_column(head, justify="right" if head in ("statistic", "threshold") else "left",
                         overflow="fold")  # fmt: skip
    for c in cols:
        if c.drifted:
            verdict = Text("DRIFT", style="bold red")
        elif c.tested:
            verdict = Text("ok")
        else:
            verdict = Text(f"{c.status.value}: {c.reason or ''}".rstrip(": "), style="yellow")
        table.add_row(
            report.roles[c.column],
            Text(c.column),
            c.test or "-",
            fmt_number(c.statistic),
            fmt_number(c.threshold),
            verdict,
        )
    console.print(table)
