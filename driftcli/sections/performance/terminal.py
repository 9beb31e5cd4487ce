"""The model performance section in the terminal summary."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from driftcli.outputs import termkit as tk
from driftcli.outputs.termkit import STATUS_STYLES, Cell, Col, Grid, fmt_number, signed
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


RULE_ORDER = {"fail": 0, "warn": 1, "not_evaluated": 2, "pass": 3}
RULE_WORDS = {"fail": "failed", "warn": "warned", "not_evaluated": "not evaluated"}


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


def _rows_used(cmp: PerformanceComparison) -> str:
    """The rows each side's metrics used, of all its rows, and what was missing."""
    ref, cur = cmp.reference, cmp.current
    return (
        f"reference {ref.n_used} of {ref.n_rows}, current {cur.n_used} of "
        f"{cur.n_rows} (missing target {ref.n_missing_target}/{cur.n_missing_target}, "
        f"prediction {ref.n_missing_prediction}/{cur.n_missing_prediction})"
    )


def _overall_grid(task: str, cmp: PerformanceComparison) -> Grid:
    """The task's key metrics (every metric if none applies) with change and interval."""
    names = [m for m in KEY_METRICS.get(task, ()) if m in cmp.differences]
    names = names or list(cmp.differences)
    cols = [Col("metric")] + [
        Col(head, right=True)
        for head in ("reference", "current", "difference", f"{cmp.confidence:.0%} CI")
    ]
    rows: list[list[Cell]] = []
    for name in names:
        d = cmp.differences[name]
        rows.append(
            [
                name,
                fmt_number(d.reference),
                fmt_number(d.current),
                Text(signed(d.difference), style="red" if _significantly_worse(d) else ""),
                "-"
                if d.ci_low is None or d.ci_high is None
                else f"[{fmt_number(d.ci_low)}, {fmt_number(d.ci_high)}]",
            ]
        )
    return Grid(cols, rows)


def _badness(s: ScopePerformance, heads: Sequence[str]) -> tuple[int, float]:
    """Sort key putting the segment whose headline metrics got most worse first, untested last."""
    c = s.comparison
    if c is None:
        return (1, 0.0)
    diffs = [c.differences[m] for m in heads if m in c.differences]
    return (0, -max((_worse(d) for d in diffs), default=0.0))


def _change(diff: MetricDifference) -> Text:
    """``"0.7742 -> 0.6306 (-0.1437)"``, red when worse."""
    return Text(
        f"{fmt_number(diff.reference)} -> {fmt_number(diff.current)} ({signed(diff.difference)})",
        style="red" if _worse(diff) > 0 else "",
    )


def _changes(cmp: PerformanceComparison, heads: Sequence[str]) -> Text:
    """``"accuracy 0.77 -> 0.63 (-0.14), roc_auc ..."``: the headline metrics in one line."""
    out = Text()
    for m in heads:
        diff = cmp.differences.get(m)
        if diff is None:
            continue
        out.append((", " if out.plain else "") + f"{m} ")
        out.append_text(_change(diff))
    return out if out.plain else Text("-")


def _segment_grid(ordered: Sequence[ScopePerformance], heads: Sequence[str]) -> Grid:
    """The segments (worst first) with their headline metrics as "ref -> cur (diff)"."""
    cols = [Col("segment (worst first)", wrap=True)]
    cols += [Col(f"{m} ref -> cur (diff)", wrap=True) for m in heads]
    rows: list[list[Cell]] = []
    for s in ordered:
        if s.comparison is None:
            reason = Text(f"not computed: {s.reason or '-'}", style="yellow")
            rows.append([Text(s.scope), reason, *([""] * (len(heads) - 1))])
            continue
        cells: list[Cell] = [Text(s.scope)]
        for m in heads:
            diff = s.comparison.differences.get(m)
            cells.append(Text("-") if diff is None else _change(diff))
        rows.append(cells)
    return Grid(cols, rows)


def _rule_counts(p: PerformanceSection) -> str:
    """``"6 checked, 5 passed, 1 failed"``."""
    counts = {s: sum(1 for r in p.rules if r.status == s) for s in RULE_ORDER}
    text = f"{len(p.rules)} checked, {sum(1 for r in p.rules if r.status == 'pass')} passed"
    for status, word in RULE_WORDS.items():
        if counts[status]:
            text += f", {counts[status]} {word}"
    return text


def _print_rules(p: PerformanceSection, console: Console) -> None:
    """How many rules passed, then every rule that did not: failures, warnings, not evaluated."""
    passed = sum(1 for r in p.rules if r.status == "pass")
    tk.field(console, "rules", f"{len(p.rules)} checked, {passed} passed")
    failing = [r for r in p.rules if r.status != "pass"]
    for r in sorted(failing, key=lambda r: RULE_ORDER[r.status]):
        label = "NOT EVALUATED" if r.status == "not_evaluated" else r.status.upper()
        line = Text(label, style=STATUS_STYLES[r.status])
        line.append(f" {r.message}")
        tk.line(console, line, indent=4)


def _print_short(p: PerformanceSection, console: Console) -> None:
    """Headline metrics overall, the worst segment, the rules' counts."""
    heads = HEADLINE_METRICS.get(p.task, ()) or tuple(KEY_METRICS.get(p.task, ()))[:2]
    cmp = p.overall.comparison
    if cmp is None:
        tk.field(console, "overall", f"not computed: {p.overall.reason or 'no rows'}")
    else:
        tk.field(console, "overall", _changes(cmp, heads or tuple(cmp.differences)[:2]))
    if p.segments:
        worst = sorted(p.segments, key=lambda s: _badness(s, heads))[0]
        text = Text(f"{worst.scope} (of {len(p.segments)} segments): ")
        if worst.comparison is None:
            text.append(f"not computed: {worst.reason or '-'}", style="yellow")
        else:
            text.append_text(_changes(worst.comparison, heads))
        tk.field(console, "worst", text)
    if p.rules:
        tk.field(console, "rules", _rule_counts(p))


def print_section(p: PerformanceSection, report: Report, console: Console) -> None:
    """Key metrics overall with the change and its interval; headline metrics per segment; rules.

    The default summary: the headline metrics overall, the worst segment, the rules' counts.
    """
    score = f", score {p.score}" if p.score else ""
    tk.heading(f"Model performance ({p.task}; target {p.target}, prediction {p.prediction}{score})",
               console)  # fmt: skip
    if not tk.is_verbose():
        _print_short(p, console)
        return
    cmp = p.overall.comparison
    if cmp is None:
        tk.field(console, "overall", f"not computed: {p.overall.reason or 'no rows'}")
    else:
        tk.field(console, "rows used", _rows_used(cmp))
        tk.emit(console, _overall_grid(p.task, cmp))
    if p.segments:
        heads = HEADLINE_METRICS.get(p.task, ())
        ordered = sorted(p.segments, key=lambda s: _badness(s, heads))  # stable
        tk.emit(console, _segment_grid(ordered, heads))
    if p.rules:
        _print_rules(p, console)
