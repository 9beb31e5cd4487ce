"""The model performance section in the terminal summary."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcli.outputs.termkit import MAX_ROWS, STATUS_STYLES, fmt_number, more_text, signed, title
from driftcli.results.report import Report
from driftcli.sections.performance.metrics import MetricDifference, PerformanceComparison
from driftcli.sections.performance.result import PerformanceSection, ScopePerformance

#: Metrics shown in the overall table, and the headline metrics per segment, by task.
KEY_METRICS = {
    "binary": ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"),
    "multiclass": ("accuracy", "f1_macro", "f1_weighted"),
    "regression": ("mae", "rmse", "mape", "r2"),
}


HEADLINE_METRICS = {
    "binary": ("accuracy", "roc_auc"),
    "multiclass": ("accuracy", "f1_macro"),
    "regression": ("mae", "r2"),
}


def _worse(d: MetricDifference) -> float:
    """How much worse current is than reference (> 0 worse); 0 when unknown."""
    if d.difference is None:
        return 0.0
    return -d.difference if d.higher_is_better else d.difference


def _significantly_worse(d: MetricDifference) -> bool:
    """True when the whole interval of the difference lies on the worse side of 0."""
    return (
        d.ci_low is not None
        and d.ci_high is not None
        and ((d.ci_high < 0) if d.higher_is_better else (d.ci_low > 0))
    )


def _rows_used(cmp: PerformanceComparison) -> Text:
    """The rows each side's metrics used, of all its rows, and what was missing."""
    ref, cur = cmp.reference, cmp.current
    return Text(
        f"  rows used reference {ref.n_used} of {ref.n_rows}, current {cur.n_used} of "
        f"{cur.n_rows} (missing target {ref.n_missing_target}/{cur.n_missing_target}, "
        f"prediction {ref.n_missing_prediction}/{cur.n_missing_prediction})"
    )


def _overall_table(task: str, cmp: PerformanceComparison) -> Table:
    """The task's key metrics (every metric if none applies) with change and interval."""
    names = [m for m in KEY_METRICS.get(task, ()) if m in cmp.differences]
    names = names or list(cmp.differences)
    table = Table(show_edge=False, pad_edge=False)
    ci = f"{cmp.confidence:.0%} CI"
    for head in ("metric", "reference", "current", "difference", ci):
        table.add_column(head, justify="left" if head == "metric" else "right")
    for name in names:
        d = cmp.differences[name]
        table.add_row(
            name,
            fmt_number(d.reference),
            fmt_number(d.current),
            Text(signed(d.difference), style="red" if _significantly_worse(d) else ""),
            "-"
            if d.ci_low is None or d.ci_high is None
            else f"[{fmt_number(d.ci_low)}, {fmt_number(d.ci_high)}]",
        )
    return table


def _print_overall(p: PerformanceSection, console: Console) -> None:
    """The rows used and the key metrics table for the whole data, or why there is none."""
    cmp = p.overall.comparison
    if cmp is None:
        console.print(Text(f"  overall   not computed: {p.overall.reason or 'no rows'}"))
        return
    console.print(_rows_used(cmp))
    console.print(_overall_table(p.task, cmp))


def _badness(s: ScopePerformance, heads: Sequence[str]) -> tuple[int, float]:
    """Sort key putting the segment whose headline metrics got most worse first, untested last."""
    c = s.comparison
    if c is None:
        return (1, 0.0)
    diffs = [c.differences[m] for m in heads if m in c.differences]
    return (0, -max((_worse(d) for d in diffs), default=0.0))


def _segment_cells(cmp: PerformanceComparison, heads: Sequence[str]) -> list[Text]:
    """One segment's headline metrics as "ref -> cur (diff)", red when worse."""
    cells: list[Text] = []
    for m in heads:
        diff = cmp.differences.get(m)
        if diff is None:
            cells.append(Text("-"))
            continue
        cells.append(
            Text(
                f"{fmt_number(diff.reference)} -> {fmt_number(diff.current)} "
                f"({signed(diff.difference)})",
                style="red" if _worse(diff) > 0 else "",
            )
        )
    return cells


def _print_segments(p: PerformanceSection, console: Console) -> None:
    """The segments worst first with their headline metrics, up to MAX_ROWS of them."""
    heads = HEADLINE_METRICS.get(p.task, ())
    ordered = sorted(p.segments, key=lambda s: _badness(s, heads))  # stable: ties keep order
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("segment (worst first)", overflow="fold")
    for m in heads:
        table.add_column(f"{m} ref -> cur (diff)", overflow="fold")
    for s in ordered[:MAX_ROWS]:
        if s.comparison is None:
            table.add_row(
                Text(s.scope), Text(f"not computed: {s.reason or '-'}", style="yellow"),
                *([""] * (len(heads) - 1)),
            )  # fmt: skip
            continue
        table.add_row(Text(s.scope), *_segment_cells(s.comparison, heads))
    console.print(table)
    more = more_text(len(ordered), MAX_ROWS, "segments")
    if more:
        console.print(Text(f"  {more}"))


def _print_rules(p: PerformanceSection, console: Console) -> None:
    """How many rules passed, then every rule that did not: failures, warnings, not evaluated."""
    passed = sum(1 for r in p.rules if r.status == "pass")
    console.print(Text(f"  rules     {len(p.rules)} checked, {passed} passed"))
    order = {"fail": 0, "warn": 1, "not_evaluated": 2}
    for r in sorted((r for r in p.rules if r.status != "pass"), key=lambda r: order[r.status]):
        label = "NOT EVALUATED" if r.status == "not_evaluated" else r.status.upper()
        line = Text("    ")
        line.append(label, style=STATUS_STYLES[r.status])
        line.append(f" {r.message}")
        console.print(line)


def print_section(p: PerformanceSection, report: Report, console: Console) -> None:
    """Key metrics overall with the change and its interval; headline metrics per segment; rules."""
    score = f", score {p.score}" if p.score else ""
    title(
        f"Model performance ({p.task}; target {p.target}, prediction {p.prediction}{score})",
        console,
    )
    _print_overall(p, console)
    if p.segments:
        _print_segments(p, console)
    if p.rules:
        _print_rules(p, console)
