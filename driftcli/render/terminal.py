"""The terminal summary: verdict first, then drifted feature columns, segments, the model's
sections (prediction and target drift, performance, drift over time, concept drift, online
metrics) and skipped columns.

Printed with rich on stderr; rich drops colour when stderr is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcli.concept_report import ConceptSection
from driftcli.model import ColumnResult, Report, Status, sorted_columns
from driftcli.model_perf import PerformanceSection, ScopePerformance
from driftcli.online import OnlineSection, OnlineStats
from driftcli.performance import HIGHER_IS_BETTER, MetricDifference
from driftcli.windows import WindowSection

#: How many rows of a long list (segments, windows, scopes) the summary shows.
MAX_ROWS = 5


def fmt_number(x: float | None) -> str:
    """Four significant digits; small p-values in scientific notation."""
    if x is None:
        return "-"
    if x != 0 and abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.4g}"


def _columns_table(title: str, cols: list[ColumnResult]) -> Table:
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


_INTEGRITY_STYLES = {"fail": "bold red", "warn": "yellow", "info": "dim"}


def _print_integrity(report: Report, console: Console) -> None:
    """Integrity counts, the tripped checks with their top offending values, root-cause hints."""
    integ = report.integrity
    if not integ.enabled:
        return
    console.print(
        Text(
            f"  integrity {len(integ.results)} checks: {integ.count('fail')} failed, "
            f"{integ.count('warn')} warned, {integ.count('info')} info"
        )
    )
    findings = integ.findings
    if findings:
        console.print()
        table = Table(
            title="Integrity findings", title_justify="left", show_edge=False, pad_edge=False
        )
        for head_name in ("status", "check", "column", "finding", "top offending values"):
            table.add_column(head_name, overflow="fold")
        for r in findings:
            shown = ", ".join(f"{o.value} ({o.count})" for o in r.offending[:3])
            more = len(r.offending) - 3
            table.add_row(
                Text(r.status.upper(), style=_INTEGRITY_STYLES[r.status]),
                r.check,
                Text(r.column or "-"),
                Text(r.message),
                Text(shown + (f", +{more} more" if more > 0 else "")),
            )
        console.print(table)
    for h in integ.hints:
        console.print(Text(f"  hint      {h.message}", style="bold yellow"))


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
    _print_integrity(report, console)
    drifted = report.drifted_columns
    if drifted:
        console.print()
        console.print(_columns_table("Drifted columns", drifted))
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
    _print_model_drift(report, console)
    if report.performance is not None:
        _print_performance(report.performance, console)
    if report.windows is not None:
        _print_windows(report.windows, console)
    if report.concept is not None:
        _print_concept(report.concept, console)
    if report.online is not None:
        _print_online(report.online, console)
    skipped_cols = [c for c in features if c.status is Status.SKIPPED]
    if skipped_cols:
        console.print()
        console.print("Not tested:")
        for c in skipped_cols:
            console.print(Text(f"  {c.column} ({c.kind.value}): {c.reason}"))


# ---------------------------------------------------------------------- the model's sections

_STATUS_STYLES = {"fail": "bold red", "warn": "yellow", "not_evaluated": "dim", "pass": "green"}
_ROLE_ORDER = {"target": 0, "prediction": 1, "score": 2}

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


def _title(text: str, console: Console) -> None:
    console.print()
    console.print(Text(text, style="bold"))


def _more(items: int, shown: int, what: str) -> str:
    return f"+{items - shown} more {what}" if items > shown else ""


def _signed(x: float | None) -> str:
    if x is None:
        return "-"
    return ("+" if x > 0 else "") + fmt_number(x)


def _print_model_drift(report: Report, console: Console) -> None:
    """One line per model column: role, column, test, statistic, verdict."""
    cols = sorted(
        report.model_columns,
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


def _worse(d: MetricDifference) -> float:
    """How much worse current is than reference (> 0 worse); 0 when unknown."""
    if d.difference is None:
        return 0.0
    return -d.difference if d.higher_is_better else d.difference


def _print_performance(p: PerformanceSection, console: Console) -> None:
    """Key metrics overall with the change and its interval; headline metrics per segment; rules."""
    score = f", score {p.score}" if p.score else ""
    _title(
        f"Model performance ({p.task}; target {p.target}, prediction {p.prediction}{score})",
        console,
    )
    cmp = p.overall.comparison
    if cmp is None:
        console.print(Text(f"  overall   not computed: {p.overall.reason or 'no rows'}"))
    else:
        ref, cur = cmp.reference, cmp.current
        console.print(
            Text(
                f"  rows used reference {ref.n_used} of {ref.n_rows}, current {cur.n_used} of "
                f"{cur.n_rows} (missing target {ref.n_missing_target}/{cur.n_missing_target}, "
                f"prediction {ref.n_missing_prediction}/{cur.n_missing_prediction})"
            )
        )
        names = [m for m in KEY_METRICS.get(p.task, ()) if m in cmp.differences]
        names = names or list(cmp.differences)
        table = Table(show_edge=False, pad_edge=False)
        ci = f"{cmp.confidence:.0%} CI"
        for head in ("metric", "reference", "current", "difference", ci):
            table.add_column(head, justify="left" if head == "metric" else "right")
        for name in names:
            d = cmp.differences[name]
            worse = (
                d.ci_low is not None
                and d.ci_high is not None
                and ((d.ci_high < 0) if d.higher_is_better else (d.ci_low > 0))
            )
            table.add_row(
                name,
                fmt_number(d.reference),
                fmt_number(d.current),
                Text(_signed(d.difference), style="red" if worse else ""),
                "-"
                if d.ci_low is None or d.ci_high is None
                else f"[{fmt_number(d.ci_low)}, {fmt_number(d.ci_high)}]",
            )
        console.print(table)
    if p.segments:
        heads = HEADLINE_METRICS.get(p.task, ())

        def badness(s: ScopePerformance) -> tuple[int, float]:
            c = s.comparison
            if c is None:
                return (1, 0.0)
            diffs = [c.differences[m] for m in heads if m in c.differences]
            return (0, -max((_worse(d) for d in diffs), default=0.0))

        ordered = sorted(p.segments, key=badness)  # stable: ties keep segment order
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
            cells: list[Text] = []
            for m in heads:
                diff = s.comparison.differences.get(m)
                if diff is None:
                    cells.append(Text("-"))
                    continue
                cells.append(
                    Text(
                        f"{fmt_number(diff.reference)} -> {fmt_number(diff.current)} "
                        f"({_signed(diff.difference)})",
                        style="red" if _worse(diff) > 0 else "",
                    )
                )
            table.add_row(Text(s.scope), *cells)
        console.print(table)
        more = _more(len(ordered), MAX_ROWS, "segments")
        if more:
            console.print(Text(f"  {more}"))
    if p.rules:
        passed = sum(1 for r in p.rules if r.status == "pass")
        console.print(Text(f"  rules     {len(p.rules)} checked, {passed} passed"))
        order = {"fail": 0, "warn": 1, "not_evaluated": 2}
        for r in sorted((r for r in p.rules if r.status != "pass"), key=lambda r: order[r.status]):
            label = "NOT EVALUATED" if r.status == "not_evaluated" else r.status.upper()
            line = Text("    ")
            line.append(label, style=_STATUS_STYLES[r.status])
            line.append(f" {r.message}")
            console.print(line)


def _print_windows(w: WindowSection, console: Console) -> None:
    """Window counts, windows above the drift share, the rule outcome, most drifted columns."""
    where = f" on {w.time_column}" if w.time_column else ""
    _title(f"Drift over time (window {w.window}{where})", console)
    tested = [x for x in w.windows if x.status == "tested"]
    small = len(w.windows) - len(tested)
    line = f"  windows   {len(w.windows)}: {len(tested)} tested, {small} too small"
    if w.rows_without_time:
        line += f"; {w.rows_without_time} rows without a timestamp"
    console.print(Text(line))
    exceeding = [x.label for x in w.windows if x.exceeds]
    share = w.rule.max_drift_share if w.rule is not None else None
    if share is not None or exceeding:
        limit = f" ({share:.0%})" if share is not None else ""
        line = f"  exceeded  {len(exceeding)} of {len(tested)} tested windows above the drift "
        line += f"share limit{limit}"
        if exceeding:
            line += ": " + ", ".join(exceeding[:MAX_ROWS])
            more = _more(len(exceeding), MAX_ROWS, "")
            line += f" {more.strip()}" if more else ""
        console.print(Text(line))
    o = w.rule_outcome
    if o is not None:
        line_t = Text("  rule      ")
        line_t.append(o.status.upper(), style=_STATUS_STYLES[o.status])
        line_t.append(f" {o.message}")
        console.print(line_t)
    counts = Counter(c.column for x in tested for c in x.columns if c.status == "drift")
    if counts:
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        text = ", ".join(f"{name} ({n} of {len(tested)})" for name, n in top)
        console.print(Text(f"  most drifted columns (windows): {text}"))
    ref = w.performance_reference
    perf = [(x.label, x.performance) for x in tested if x.performance]
    if ref and perf:
        metric = next((m for m in ref if ref[m] is not None), None)
        values = [(label, pm.get(metric)) for label, pm in perf] if metric else []
        known = [(label, v) for label, v in values if v is not None]
        if metric is not None and known:
            up = HIGHER_IS_BETTER.get(metric, True)
            worst = min(known, key=lambda kv: kv[1] if up else -kv[1])
            console.print(
                Text(
                    f"  {metric} by window: worst {fmt_number(worst[1])} ({worst[0]}), "
                    f"reference {fmt_number(ref[metric])}"
                )
            )


def _print_concept(c: ConceptSection, console: Console) -> None:
    """Per scope: the first change point (detector, row, timestamp) or none; warnings count."""
    _title(
        f"Concept drift ({c.stream.replace('_', ' ')} over {c.time_column}; "
        f"change points count as {c.severity})",
        console,
    )
    # overall first, then the scopes where a detector fired, then the rest (stable)
    scopes = sorted(c.scopes, key=lambda s: (s.scope != "overall", s.first_detection is None))
    for s in scopes[:MAX_ROWS]:
        warns = sum(len(d.warnings or ()) for d in s.detectors)
        first = s.first_detection
        line = Text(f"  {s.scope}: ")
        if s.reason is not None and not s.detectors:
            line.append(f"not run: {s.reason}", style="yellow")
        elif first is None:
            line.append("no change point")
        else:
            method, point = first
            fired = sum(1 for d in s.detectors if d.drifts)
            line.append("first change", style=_STATUS_STYLES[c.severity])
            line.append(
                f" at row {point.row}" + (f" ({point.timestamp})" if point.timestamp else "")
                + f" by {method}; {fired}/{len(s.detectors)} detectors fired"
            )  # fmt: skip
        if s.detectors:
            line.append(f", {warns} warning{'s' if warns != 1 else ''}")
        console.print(line)
    more = _more(len(scopes), MAX_ROWS, "scopes")
    if more:
        console.print(Text(f"  {more}"))


def _latency(s: OnlineStats | None, attr: str) -> float | None:
    return None if s is None else getattr(s, attr)


def _rate(x: float | None) -> str:
    return "-" if x is None else f"{x:.2%}"


def _print_online(o: OnlineSection, console: Console) -> None:
    """Latency percentiles and error rate, current vs reference; breached limits."""
    _title("Online metrics", console)
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
            line.append(x.status.upper(), style=_STATUS_STYLES[x.status])
            line.append(f" {x.message}")
            console.print(line)
        more = _more(len(breached), MAX_ROWS, "breached limits")
        if more:
            console.print(Text(f"    {more}"))
