"""Building blocks of the terminal summary shared by the summary and every section's view."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcli.results.records import ColumnResult

#: How many rows of a long list (segments, windows, scopes) the summary shows.
MAX_ROWS = 5


def fmt_number(x: float | None) -> str:
    """Four significant digits; small p-values in scientific notation."""
    if x is None:
        return "-"
    if x != 0 and abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.4g}"


def columns_table(title: str, cols: list[ColumnResult]) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    heads = (
        "column",
        "kind",
        "test",
        "statistic",
        "p-value",
        "adj. p",
        "effect size",
        "threshold",
        "verdict",
    )
    for head in heads:
        numeric = head in ("statistic", "p-value", "adj. p", "threshold")
        table.add_column(head, justify="right" if numeric else "left", overflow="fold")
    for c in cols:
        verdict = Text("DRIFT", style="bold red") if c.drifted else Text(c.status.value)
        table.add_row(
            Text(c.column),
            c.kind.value,
            c.test or "-",
            fmt_number(c.statistic),
            fmt_number(c.pvalue),
            fmt_number(c.pvalue_adjusted),
            f"{c.effect_size_name} {fmt_number(c.effect_size)}"
            if c.effect_size is not None and c.effect_size_name
            else "-",
            fmt_number(c.threshold) + (" (learned)" if c.auto_threshold is not None else ""),
            verdict,
        )
    return table


STATUS_STYLES = {"fail": "bold red", "warn": "yellow", "not_evaluated": "dim", "pass": "green"}


def title(text: str, console: Console) -> None:
    console.print()
    console.print(Text(text, style="bold"))


def more_text(items: int, shown: int, what: str) -> str:
    return f"+{items - shown} more {what}" if items > shown else ""


def signed(x: float | None) -> str:
    if x is None:
        return "-"
    return ("+" if x > 0 else "") + fmt_number(x)
