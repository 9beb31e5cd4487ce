"""The drift over time section in the terminal summary."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.text import Text

from driftcli.outputs import termkit as tk
from driftcli.outputs.termkit import STATUS_STYLES, Cell, Col, Grid, fmt_number
from driftcli.outputs.text import fmt_time
from driftcli.results.report import Report
from driftcli.sections.performance.metrics import HIGHER_IS_BETTER
from driftcli.sections.windows.result import WindowResult, WindowSection
from driftcli.sections.windows.text import rule_text


def _exceeded(w: WindowSection, tested: list[WindowResult]) -> str | None:
    """``"1 of 7 tested windows above the drift share limit (40%): 2025-03-25"``, or None
    without a rule and without exceeding windows."""
    exceeding = [x.label for x in w.windows if x.exceeds]
    share = w.rule.max_drift_share if w.rule is not None else None
    if share is None and not exceeding:
        return None
    limit = f" ({share:.0%})" if share is not None else ""
    text = f"{len(exceeding)} of {len(tested)} tested windows above the drift share limit{limit}"
    if exceeding:
        shown, hidden = tk.cut(exceeding)
        text += (
            ": "
            + ", ".join(fmt_time(x) for x in shown)
            + (f" {tk.more_text(hidden, 0)}" if hidden else "")
        )
    return text


def _metric(w: WindowSection) -> str | None:
    """The first performance metric the reference has, shown per window."""
    ref = w.performance_reference
    return next((m for m in ref if ref[m] is not None), None) if ref else None


def _window_grid(w: WindowSection, metric: str | None) -> Grid:
    """One row per window: rows, drifted columns, drift share, whether it exceeds the limit."""
    cols = [
        Col("window", wrap=True),
        Col("rows", right=True),
        Col("drifted", right=True),
        Col("share", right=True),
        Col("exceeds"),
    ]
    if metric is not None:
        cols.append(Col(metric, right=True))
    rows: list[list[Cell]] = []
    for x in w.windows:
        d = x.dataset
        row: list[Cell] = [
            Text(x.label),
            str(x.rows),
            "too small" if d is None else f"{d.columns_drifted}/{d.columns_tested}",
            "-" if d is None else f"{d.drift_share:.0%}",
            Text("yes", style="red") if x.exceeds else "",
        ]
        if metric is not None:
            row.append(fmt_number(x.performance.get(metric) if x.performance else None))
        rows.append(row)
    return Grid(cols, rows)


def print_section(w: WindowSection, report: Report, console: Console) -> None:
    """Window counts, windows above the drift share, the rule outcome, most drifted columns.

    The default summary: the windows, those above the limit, the rule; verbose adds the most
    drifted columns, the performance by window and a table of every window.
    """
    verbose = tk.is_verbose()
    where = f" on {w.time_column}" if w.time_column else ""
    tk.heading(f"Drift over time (window {w.window}{where})", console)
    tested = [x for x in w.windows if x.status == "tested"]
    small = len(w.windows) - len(tested)
    text = f"{len(w.windows)}: {len(tested)} tested, {small} too small"
    if w.rows_without_time:
        text += f"; {w.rows_without_time} rows without a timestamp"
    exceeded = _exceeded(w, tested)
    if verbose:
        tk.field(console, "windows", text)
        if exceeded is not None:
            tk.field(console, "exceeded", exceeded)
    else:
        tk.field(console, "windows", text + (f"; {exceeded}" if exceeded else ""))
    o = w.rule_outcome
    if o is not None:
        words = rule_text(w)
        rule = Text(o.status.replace("_", " ").upper(), style=STATUS_STYLES[o.status])
        rule.append(f" {words['rest']}")
        if verbose and words["detail"]:
            rule.append(f" ({words['detail']})")
        tk.field(console, "rule", rule)
    if not verbose:
        return
    counts = Counter(c.column for x in tested for c in x.columns if c.status == "drift")
    if counts:
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        names = ", ".join(f"{name} ({n} of {len(tested)})" for name, n in top)
        tk.line(console, f"most drifted columns (windows): {names}", indent=2, hang=4)
    ref = w.performance_reference
    metric = _metric(w)
    perf = [(x.label, x.performance) for x in tested if x.performance]
    if ref and perf and metric is not None:
        known = [(label, v) for label, pm in perf if (v := pm.get(metric)) is not None]
        if known:
            up = HIGHER_IS_BETTER.get(metric, True)
            worst = min(known, key=lambda kv: kv[1] if up else -kv[1])
            tk.line(
                console,
                f"{metric} by window: worst {fmt_number(worst[1])} ({worst[0]}), "
                f"reference {fmt_number(ref[metric])}",
                indent=2,
                hang=4,
            )
    if w.windows:
        tk.emit(console, _window_grid(w, metric))
