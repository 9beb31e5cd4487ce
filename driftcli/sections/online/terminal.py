"""The online metrics section in the terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcli.outputs.termkit import MAX_ROWS, STATUS_STYLES, fmt_number, more_text, title
from driftcli.results.report import Report
from driftcli.sections.online.result import OnlineSection, OnlineStats


def _latency(s: OnlineStats | None, attr: str) -> float | None:
    return None if s is None else getattr(s, attr)


def _rate(x: float | None) -> str:
    return "-" if x is None else f"{x:.2%}"


def print_section(o: OnlineSection, report: Report, console: Console) -> None:
    """Latency percentiles and error rate, current vs reference; breached limits."""
    title("Online metrics", console)
    table = Table(show_edge=False, pad_edge=False)
    for head in ("metric", "reference", "current"):
        table.add_column(head, justify="left" if head == "metric" else "right")
    if o.latency_column is not None:
        for q in ("p50", "p95", "p99"):
            attr = f"latency_{q}"
            table.add_row(
                f"latency {q} ({o.latency_unit})",
                fmt_number(_latency(o.reference, attr)),
                fmt_number(_latency(o.current, attr)),
            )
    if o.status_column is not None:
        table.add_row(
            "error rate",
            _rate(None if o.reference is None else o.reference.error_rate),
            _rate(o.current.error_rate),
        )
    table.add_row(
        "rows", "-" if o.reference is None else str(o.reference.rows), str(o.current.rows)
    )
    console.print(table)
    if o.limits:
        passed = sum(1 for x in o.limits if x.status == "pass")
        skipped = sum(1 for x in o.limits if x.status == "not_evaluated")
        console.print(
            Text(
                f"  limits    {len(o.limits)} checked, {passed} passed"
                + (f", {skipped} not evaluated" if skipped else "")
            )
        )
        breached = [x for x in o.limits if x.status in ("fail", "warn")]
        breached.sort(key=lambda x: 0 if x.status == "fail" else 1)
        for x in breached[:MAX_ROWS]:
            line = Text("    ")
            line.append(x.status.upper(), style=STATUS_STYLES[x.status])
            line.append(f" {x.message}")
            console.print(line)
        more = more_text(len(breached), MAX_ROWS, "breached limits")
        if more:
            console.print(Text(f"    {more}"))
