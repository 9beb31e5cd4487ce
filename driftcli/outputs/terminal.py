"""The terminal summary: verdict first, then the early sections (data integrity), drifted
feature columns, segments, the late sections (prediction and target drift, performance, drift
over time, concept drift, online metrics: each section's own view) and skipped columns.

Printed with rich on stderr; rich drops colour when stderr is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

from typing import Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcli.outputs.termkit import columns_table
from driftcli.results.records import sorted_columns
from driftcli.results.report import Report
from driftcli.results.vocabulary import Status
from driftcli.sections.registry import placed


def _print_sections(report: Report, console: Console, where: Literal["early", "late"]) -> None:
    """Each section placed ``where`` that ran and has a terminal view, in registry order."""
    for spec in placed(where):
        section = report.sections.get(spec.key)
        if section is not None and spec.terminal is not None:
            spec.terminal(section, report, console)


def print_summary(report: Report, console: Console) -> None:
    """Print the run's summary: verdict, inputs, dataset share, drifted features, segments,
    then the model's sections when the run has them."""
    ok = report.status == "pass"
    head = Text()
    head.append("drift report: ")
    head.append("PASS" if ok else "FAIL", style="bold green" if ok else "bold red")
    head.append(f" (exit {int(report.exit_code)}, fail-on {report.config.fail_on.value})")
    console.print(head)
    for role, info in (("reference", report.reference), ("current", report.current)):
        line = f"  {role:<9} {info.source}: {info.rows} rows, {info.columns} columns"
        if info.time_range is not None:
            tr = info.time_range
            line += f", {tr.column} {tr.min} to {tr.max}"
        console.print(Text(line))
    d = report.dataset
    features = report.feature_columns
    skipped = sum(1 for c in features if c.status is Status.SKIPPED)
    errors = sum(1 for c in features if c.status is Status.ERROR)
    console.print(
        f"  dataset   {d.columns_drifted} of {d.columns_tested} tested features drifted "
        f"({d.drift_share:.0%}; dataset drift at {d.drift_share_threshold:.0%}): "
        + ("[bold red]DATASET DRIFT[/]" if d.drifted else "no dataset drift")
        + f"; {skipped} skipped, {errors} errors"
    )
    console.print(Text(f"  tests     {report.correction.description}"))
    for b in report.breaches:
        console.print(Text(f"  breach    {b}", style="red"))
    for w in report.warnings:
        console.print(Text(f"  warning   {w}", style="yellow"))
    for n in report.notices:
        console.print(Text(f"  notice    {n}", style="cyan"))
    _print_sections(report, console, "early")
    drifted = report.drifted_columns
    if drifted:
        console.print()
        console.print(columns_table("Drifted columns", drifted))
    if report.segments:
        console.print()
        table = Table(title="Segments", title_justify="left", show_edge=False, pad_edge=False)
        for head_name in ("segment", "rows ref/cur", "drifted", "verdict", "drifted columns"):
            table.add_column(head_name, overflow="fold")
        for s in report.segments:
            if s.dataset is None:
                table.add_row(
                    Text(s.label),
                    f"{s.rows_reference}/{s.rows_current}",
                    "-",
                    Text(s.status.value, style="yellow"),
                    Text(s.reason or ""),
                )
                continue
            names = ", ".join(
                c.column
                for c in sorted_columns(s.columns)
                if c.drifted and c.column not in report.roles
            )
            verdict = Text("DATASET DRIFT", style="bold red") if s.dataset.drifted else Text("ok")
            table.add_row(
                Text(s.label),
                f"{s.rows_reference}/{s.rows_current}",
                f"{s.dataset.columns_drifted}/{s.dataset.columns_tested}",
                verdict,
                Text(names),
            )
        console.print(table)
    _print_sections(report, console, "late")
    skipped_cols = [c for c in features if c.status is Status.SKIPPED]
    if skipped_cols:
        console.print()
        console.print("Not tested:")
        for c in skipped_cols:
            console.print(Text(f"  {c.column} ({c.kind.value}): {c.reason}"))


# ---------------------------------------------------------------------- the model's sections
