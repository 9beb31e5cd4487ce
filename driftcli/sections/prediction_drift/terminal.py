"""The prediction and target drift section in the terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from driftcli.outputs import termkit as tk
from driftcli.outputs.termkit import Cell, Col, Grid
from driftcli.results.records import ColumnResult
from driftcli.results.report import Report
from driftcli.sections.prediction_drift.result import PredictionDriftSection

_ROLE_ORDER = {"target": 0, "prediction": 1, "score": 2}
TITLE = "Prediction and target drift"


def _verdict(c: ColumnResult) -> Text:
    if c.drifted:
        return Text("DRIFT", style="bold red")
    if c.tested:
        return Text("ok")
    return Text(f"{c.status.value}: {c.reason or ''}".rstrip(": "), style="yellow")


def _short(cols: list[ColumnResult], report: Report, console: Console) -> None:
    """One line: each model column's verdict, with the evidence when it drifted."""
    body = Text(f"{TITLE}: ", style="bold")
    for i, c in enumerate(cols):
        role = report.roles[c.column]
        body.append(("; " if i else "") + (role if c.column == role else f"{role} {c.column}"))
        body.append(" ")
        body.append_text(_verdict(c))
        if c.drifted:
            body.append(f" ({tk.evidence(c)})")
    tk.line(console, body)


def print_section(section: PredictionDriftSection, report: Report, console: Console) -> None:
    """Per model column (target, prediction, score): test, statistic, threshold, verdict."""
    cols = sorted(
        section.columns,
        key=lambda c: (_ROLE_ORDER.get(report.roles[c.column], 9), c.column),
    )
    if not cols:
        return
    if not tk.is_verbose():
        _short(cols, report, console)
        return
    heads = [
        Col("role"),
        Col("column"),
        Col("test"),
        Col("statistic", right=True),
        Col("p-value", right=True),
        Col("adj. p", right=True),
        Col("threshold", right=True),
        Col("verdict", wrap=True),
    ]
    rows: list[list[Cell]] = [
        [
            report.roles[c.column],
            Text(c.column),
            c.test or "-",
            tk.fmt_number(c.statistic),
            tk.fmt_number(c.pvalue),
            tk.fmt_number(c.pvalue_adjusted),
            tk.fmt_number(c.threshold),
            _verdict(c),
        ]
        for c in cols
    ]
    tk.table(console, Grid(heads, rows), TITLE)
