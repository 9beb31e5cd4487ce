"""The drift over time section in the HTML report."""

from __future__ import annotations

import math
from typing import Any

from driftcli.outputs.htmlkit import (
    P_FLOOR,
    PageData,
    chart_num,
    fmt_num,
    fmt_share,
    fmt_time,
    headline_metrics,
    outcome_badge,
    plural,
    summary_line,
    test_is_pvalue,
)
from driftcli.results.report import Report
from driftcli.results.vocabulary import Outcome
from driftcli.sections.performance.result import PerformanceSection
from driftcli.sections.windows.result import WindowResult, WindowSection
from driftcli.sections.windows.text import rule_text


def _window_columns(ws: WindowSection, report: Report) -> list[list[Any]]:
    """Per column: name, "p" or "d", threshold(s), values per window (statistic or p-value).

    Ordered by the strongest drift in any window. Too-small windows and windows where the column
    was not tested are null (a gap in the line).
    """
    overall_type = {c.column: c.test_type for c in report.columns}
    per_window = [{c.column: c for c in w.columns} for w in ws.windows]
    out: list[tuple[tuple[int, float, str], list[Any]]] = []
    for name in ws.columns:
        cells = [t.get(name) for t in per_window]
        tests = [c.test for c in cells if c is not None and c.test]
        is_p = test_is_pvalue(tests[0]) if tests else None
        if is_p is None:
            if overall_type.get(name) in ("p-value", "distance"):
                is_p = overall_type[name] == "p-value"
            else:
                is_p = any(c is not None and c.pvalue is not None for c in cells)
        values: list[float | None] = []
        thresholds: list[float | None] = []
        for c in cells:
            if c is None or c.status not in ("ok", "drift"):
                values.append(None)
                thresholds.append(None if c is None else chart_num(c.threshold))
                continue
            v = c.pvalue if is_p else c.statistic
            if is_p and v is not None and math.isfinite(v):
                v = max(v, P_FLOOR)
            values.append(chart_num(v))
            thresholds.append(chart_num(c.threshold))
        known = [t for t in thresholds if t is not None]
        threshold: Any = known[0] if known and all(t == known[0] for t in known) else thresholds
        if not known:
            threshold = None
        hits = [i for i, c in enumerate(cells) if c is not None and c.status == "drift"]
        drifted = len(hits)
        score = max((c.drift_score or 0.0 for c in cells if c is not None), default=0.0)
        role = report.roles.get(name, "")
        out.append(
            (
                (-drifted, -score, name),
                [name, "p" if is_p else "d", threshold, values, drifted, role, hits],
            )
        )
    out.sort(key=lambda t: t[0])
    return [entry for _, entry in out]


def _chart_metric(ws: WindowSection, report: Report) -> str | None:
    """The performance metric shown per window: the first headline metric with any value."""
    perf = report.section(PerformanceSection)
    task = perf.task if perf is not None else ""
    ref_perf = dict(ws.performance_reference or {})
    seen: list[str] = list(ref_perf)
    for w in ws.windows:
        seen += [k for k in (w.performance or {}) if k not in seen]
    candidates = headline_metrics(task, seen)
    return next(
        (
            m
            for m in candidates
            if ref_perf.get(m) is not None
            or any((w.performance or {}).get(m) is not None for w in ws.windows)
        ),
        None,
    )


def _window_row(w: WindowResult, metric: str | None) -> dict[str, Any]:
    """One window in the table: span, rows, drift share, drifted columns and the metric."""
    ds = w.dataset
    value = (w.performance or {}).get(metric) if metric else None
    return {
        "label": fmt_time(w.label),
        "span": f"{fmt_time(w.start) or '?'} to {fmt_time(w.end) or '?'}"
        if w.start or w.end
        else "",
        "rows": fmt_num(w.rows),
        "tested": w.status == "tested",
        "share": fmt_share(ds.drift_share) if ds is not None else "",
        "drifted": f"{ds.columns_drifted} of {ds.columns_tested}" if ds is not None else "",
        "exceeds": w.exceeds,
        "dataset_drift": bool(ds is not None and ds.drifted),
        "metric": fmt_num(value),
    }


def _highlight(ws: WindowSection) -> str:
    """``drift``, ``warn`` or ``note``: the colour of the windows above the drift share limit."""
    o = ws.rule_outcome
    status = o.status if o is not None else Outcome.PASS
    return {Outcome.FAIL: "drift", Outcome.WARN: "warn"}.get(status, "note")


def _chart(ws: WindowSection, metric: str | None, columns: list[list[Any]]) -> dict[str, Any]:
    """The chart's series per window: rows, drift share, the metric and every column."""
    ref_perf = dict(ws.performance_reference or {})
    return {
        "x": [fmt_time(w.label) for w in ws.windows],
        "rows": [w.rows for w in ws.windows],
        "share": [
            chart_num(w.dataset.drift_share) if w.dataset is not None else None for w in ws.windows
        ],
        "ex": [i for i, w in enumerate(ws.windows) if w.exceeds],
        # how the windows above the limit are highlighted: the rule's outcome (drift = fail,
        # warn) or, when the rule passes, the neutral note colour; the rest are plain series
        "hl": _highlight(ws),
        "max_share": ws.rule.max_drift_share if ws.rule is not None else None,
        "metric": metric,
        "perf": [
            chart_num((w.performance or {}).get(metric)) if metric else None for w in ws.windows
        ],
        "perf_ref": chart_num(ref_perf.get(metric)) if metric else None,
        "p_floor": P_FLOOR,
        # name, "p" (p-value, log axis) or "d" (statistic), threshold or per-window list,
        # values per window, windows drifted, role, indices of the windows where it drifted
        "cols": columns,
    }


def view(ws: WindowSection, report: Report, page: PageData) -> dict[str, Any] | None:
    """Drift over time: per-window table, rule outcome, and chart data (drawn when opened)."""
    metric = _chart_metric(ws, report)
    ref_perf = dict(ws.performance_reference or {})
    max_share = ws.rule.max_drift_share if ws.rule is not None else None
    columns = _window_columns(ws, report)
    page.charts["windows"] = _chart(ws, metric, columns)
    outcome = ws.rule_outcome
    return {
        "window": ws.window,
        "by": ws.by,
        "hl_css": {"drift": "st-drift", "warn": "st-error"}.get(_highlight(ws), "st-note"),
        "time_column": ws.time_column,
        "rows_without_time": ws.rows_without_time,
        "count": len(ws.windows),
        "tested": sum(1 for w in ws.windows if w.status == "tested"),
        "rows": [_window_row(w, metric) for w in ws.windows],
        "metric": metric,
        "metric_reference": fmt_num(ref_perf.get(metric)) if metric else "",
        "max_share": fmt_share(max_share) if max_share is not None else "",
        "rule": None if outcome is None else {**outcome_badge(outcome.status), **rule_text(ws)},
        "columns": [
            {
                "index": i,
                "name": c[0],
                "role": c[5],
                "drifted": c[4],
            }
            for i, c in enumerate(columns)
        ],
    }


def summary(ws: WindowSection, report: Report) -> dict[str, str]:
    """The header line: how many windows, and the consecutive-window rule's outcome."""
    o = ws.rule_outcome
    exceeding = sum(1 for x in ws.windows if x.exceeds)
    text = f"{plural(len(ws.windows), 'window')} of {ws.window}"
    if o is not None:
        text += f"; {rule_text(ws)['rest']}"
    elif exceeding:
        text += f"; {exceeding} above the drift share limit"
    st = o.status if o is not None else Outcome.PASS
    # A rule too few windows could judge is a warning finding: counted as one here too.
    fails, warns = int(st is Outcome.FAIL), int(st in (Outcome.WARN, Outcome.NOT_EVALUATED))
    return summary_line("windows", "Drift over time", fails, warns, text)
