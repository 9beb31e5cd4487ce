"""The terminal summary: verdict first, then inputs, dataset share, breaches, warnings and
notices, the early sections (data integrity), drifted feature columns, segments, the late
sections (prediction and target drift, performance, drift over time, concept drift, online
metrics: each section's own view) and the columns not tested.

The default summary fits one screen: the top few rows of each list, with a "+N more
(--verbose)" line for the rest, and each late section in a few lines. ``verbose=True`` shows
every row and each section's full detail.

Printed with rich on stderr; rich drops colour when stderr is not a terminal or NO_COLOR is set.
Without a terminal nothing is wrapped at a fixed width and no line ends in spaces (see
``driftcli.outputs.termkit``).
"""

from __future__ import annotations

from typing import Literal

from rich.console import Console
from rich.text import Text

from driftcli.outputs import termkit as tk
from driftcli.outputs.termkit import Cell, Col, Grid
from driftcli.outputs.text import worst_first
from driftcli.results.records import ColumnResult, SegmentResult, sorted_columns
from driftcli.results.report import Report
from driftcli.results.vocabulary import Status
from driftcli.sections.registry import placed

#: How many drifted column names a segment row shows in the default summary.
SEGMENT_NAMES = 3


def _print_sections(report: Report, console: Console, where: Literal["early", "late"]) -> None:
    """Each section placed ``where`` that ran and has a terminal view, in registry order."""
    for spec in placed(where):
        section = report.sections.get(spec.key)
        if section is not None and spec.terminal is not None:
            spec.terminal(section, report, console)


def _has_sections(report: Report, where: Literal["early", "late"]) -> bool:
    return any(
        report.sections.get(spec.key) is not None and spec.terminal is not None
        for spec in placed(where)
    )


def _print_head(report: Report, console: Console) -> None:
    """The verdict line, the inputs, the dataset share, breaches, warnings and notices."""
    ok = report.status == "pass"
    head = Text("drift report: ")
    head.append("PASS" if ok else "FAIL", style="bold green" if ok else "bold red")
    head.append(f" (exit {int(report.exit_code)}, fail-on {report.config.fail_on.value})")
    tk.line(console, head)
    for role, info in (("reference", report.reference), ("current", report.current)):
        text = f"{info.source}: {info.rows} rows, {info.columns} columns"
        if info.time_range is not None:
            tr = info.time_range
            text += f", {tr.column} {tr.min} to {tr.max}"
        tk.field(console, role, text)
    d = report.dataset
    features = report.feature_columns
    skipped = sum(1 for c in features if c.status is Status.SKIPPED)
    errors = sum(1 for c in features if c.status is Status.ERROR)
    share = Text(
        f"{d.columns_drifted} of {d.columns_tested} tested features drifted "
        f"({d.drift_share:.0%}; dataset drift at {d.drift_share_threshold:.0%}): "
    )
    share.append("DATASET DRIFT" if d.drifted else "no dataset drift",
                 style="bold red" if d.drifted else "")  # fmt: skip
    share.append(f"; {skipped} skipped, {errors} errors")
    tk.field(console, "dataset", share)
    if report.correction.tests or tk.is_verbose():
        tk.field(console, "tests", report.correction.description)
    if report.engine is not None:
        tk.field(console, "engine", report.engine.description.removeprefix("engine "))
    for b in report.breaches:
        tk.field(console, "breach", b, style="red")
    for label, items, style in (
        ("warning", report.warnings, "yellow"),
        ("notice", report.notices, "cyan"),
    ):
        shown, hidden = tk.cut(items)
        for item in shown:
            tk.field(console, label, item, style=style)
        tk.more(console, hidden, label)


def _print_drifted(report: Report, console: Console) -> None:
    drifted = report.drifted_columns
    if not drifted:
        return
    shown, hidden = tk.cut(drifted)
    tk.table(console, tk.columns_grid(shown), "Drifted columns")
    tk.more(console, hidden, "drifted column")


def _names(s: SegmentResult, report: Report) -> str:
    names = [
        c.column for c in sorted_columns(s.columns) if c.drifted and c.column not in report.roles
    ]
    shown, hidden = tk.cut(names, SEGMENT_NAMES)
    return ", ".join(shown + ([f"+{hidden} more"] if hidden else []))


def _print_segments(report: Report, console: Console) -> None:
    if not report.segments:
        return
    verbose = tk.is_verbose()
    # the default shows the worst few (sorted stably: ties keep their order); verbose all
    ordered = list(report.segments) if verbose else worst_first(report.segments)
    shown, hidden = tk.cut(ordered)
    rows: list[list[Cell]] = []
    for s in shown:
        counts = f"{s.rows_reference}/{s.rows_current}"
        if s.dataset is None:
            status = Text(s.status.value, style="yellow")
            rows.append([Text(s.label), counts, "-", status, Text(s.reason or "")])
            continue
        verdict = Text("DATASET DRIFT", style="bold red") if s.dataset.drifted else Text("ok")
        drifted = f"{s.dataset.columns_drifted}/{s.dataset.columns_tested}"
        rows.append([Text(s.label), counts, drifted, verdict, Text(_names(s, report))])
    cols = [
        Col("segment", wrap=True),
        Col("rows ref/cur"),
        Col("drifted"),
        Col("verdict"),
        Col("drifted columns", wrap=True),
    ]
    with_drift = sum(1 for s in report.segments if s.dataset is not None and s.dataset.drifted)
    heading = f"Segments ({with_drift} of {len(report.segments)} with dataset drift"
    tk.table(console, Grid(cols, rows), heading + (")" if verbose else ", worst first)"))
    tk.more(console, hidden, "segment")


def _print_not_tested(report: Report, console: Console, follows_late: bool) -> None:
    """The features not tested: each with its reason when verbose; else their names in one
    line, which joins the late sections' short views when there are some."""
    skipped: list[ColumnResult] = [c for c in report.feature_columns if c.status is Status.SKIPPED]
    if not skipped:
        return
    if tk.is_verbose() or not follows_late:
        tk.blank(console)
    if tk.is_verbose():
        tk.line(console, "Not tested:")
        for c in skipped:
            tk.line(console, f"{c.column} ({c.kind.value}): {c.reason}", indent=2)
        return
    shown, hidden = tk.cut(skipped)
    names = ", ".join(f"{c.column} ({c.kind.value})" for c in shown)
    more = f", {tk.more_text(hidden, 0)}" if hidden else ""
    tk.line(console, f"Not tested: {names}{more}")


def print_summary(report: Report, console: Console, verbose: bool = False) -> None:
    """Print the run's summary: verdict, inputs, dataset share, breaches, warnings, notices,
    data integrity, drifted features, segments, then the model's sections when the run has them.

    ``verbose``: every drifted column, segment and section detail; by default the top few of
    each, with "+N more (--verbose)" lines.
    """
    with tk.verbosity(verbose):
        _print_head(report, console)
        _print_sections(report, console, "early")
        _print_drifted(report, console)
        _print_segments(report, console)
        late = _has_sections(report, "late")
        if late and not verbose:
            tk.blank(console)  # the late sections' short views follow one another
        _print_sections(report, console, "late")
        _print_not_tested(report, console, follows_late=late)
