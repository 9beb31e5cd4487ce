"""The model performance section in the HTML report."""

from __future__ import annotations

import math
from typing import Any

from driftcli.outputs.htmlkit import (
    PageData,
    counts_text,
    fmt_ci,
    fmt_num,
    fmt_share,
    fmt_signed,
    headline_metrics,
    plural,
    rules_view,
    summary_line,
)
from driftcli.results.report import Report
from driftcli.results.vocabulary import Outcome, tally
from driftcli.sections.performance.metrics import (
    ConfusionMatrix,
    MetricDifference,
    PerformanceComparison,
    PerformanceResult,
)
from driftcli.sections.performance.result import (
    PerformanceSection,
    RuleOutcome,
    ScopePerformance,
)


def _significant(d: MetricDifference) -> bool:
    """True when the interval of the difference excludes 0."""
    return d.ci_low is not None and d.ci_high is not None and (d.ci_low > 0 or d.ci_high < 0)


def _direction(d: MetricDifference) -> str:
    """``"worse"``, ``"better"`` or ``""`` (no change or no difference)."""
    if d.difference is None or d.difference == 0 or not math.isfinite(d.difference):
        return ""
    return "better" if (d.difference > 0) == d.higher_is_better else "worse"


def _metric_cell(d: MetricDifference) -> dict[str, Any]:
    sig = _significant(d)
    direction = _direction(d)
    return {
        "metric": d.metric,
        "reference": fmt_num(d.reference),
        "current": fmt_num(d.current),
        "difference": fmt_signed(d.difference),
        "ci": fmt_ci(d.ci_low, d.ci_high),
        "significant": sig,
        "direction": direction,
        "better": "higher" if d.higher_is_better else "lower",
        "valid": f"{d.n_valid:,} of {d.n_resamples:,} resamples valid"
        if d.n_valid < d.n_resamples
        else "",
    }


def _side_notes(side: str, r: PerformanceResult) -> list[str]:
    """What was left out of one side's metrics, in words."""
    notes: list[str] = []
    if r.n_missing_target:
        notes.append(f"{plural(r.n_missing_target, 'row')} without a target excluded")
    if r.n_missing_prediction:
        notes.append(f"{plural(r.n_missing_prediction, 'row')} without a prediction excluded")
    if r.n_missing_score:
        notes.append(
            f"{plural(r.n_missing_score, 'row')} without a score left out of ROC AUC and log loss"
        )
    if r.n_zero_target:
        notes.append(f"{plural(r.n_zero_target, 'row')} with a zero target left out of MAPE")
    return [f"{side}: {n}" for n in notes]


def _confusion_view(side: str, m: ConfusionMatrix | None) -> dict[str, Any] | None:
    if m is None or not m.labels:
        return None
    total = sum(sum(row) for row in m.counts) or 1
    labels = [str(x) for x in m.labels]
    return {
        "side": side,
        "labels": labels,
        "rows": [
            {
                "label": labels[i],
                "cells": [
                    {"n": fmt_num(n), "diag": i == j, "shade": round(min(1.0, n / total * 2), 2)}
                    for j, n in enumerate(row)
                ],
            }
            for i, row in enumerate(m.counts)
        ],
    }


def _scope_perf_row(sp: ScopePerformance, metrics: list[str]) -> dict[str, Any]:
    comp = sp.comparison
    if comp is None:
        return {"scope": sp.scope, "tested": False, "reason": sp.reason or "not computed"}
    cells = []
    for name in metrics:
        d = comp.differences.get(name)
        cells.append(_metric_cell(d) if d is not None else None)
    return {
        "scope": sp.scope,
        "tested": True,
        "rows": f"{comp.reference.n_used:,} / {comp.current.n_used:,}",
        "cells": cells,
        "reason": sp.reason or "",
    }


def _task_card(perf: PerformanceSection) -> dict[str, str]:
    """The card naming the task, with the positive label when there is one."""
    label = perf.positive_label
    return {
        "n": perf.task,
        "l": "task" + (f" (positive label {label})" if label is not None else ""),
    }


def _rows_cards(comp: PerformanceComparison) -> list[dict[str, str]]:
    """Cards for the rows each side's metrics used and the rows left out for want of a target."""
    ref, cur = comp.reference, comp.current
    excluded = ref.n_missing_target + cur.n_missing_target
    return [
        {"n": f"{ref.n_used:,}", "l": f"reference rows used of {ref.n_rows:,}"},
        {"n": f"{cur.n_used:,}", "l": f"current rows used of {cur.n_rows:,}"},
        {
            "n": f"{excluded:,}",
            "l": f"{'row' if excluded == 1 else 'rows'} without a target excluded",
        },
    ]


def _overall_notes(comp: PerformanceComparison) -> list[str]:
    """Rows left out on each side, then each side's undefined metrics and why."""
    ref, cur = comp.reference, comp.current
    notes = _side_notes("reference", ref) + _side_notes("current", cur)
    for side, r in (("reference", ref), ("current", cur)):
        notes += [f"{side}: {k} undefined: {v}" for k, v in r.notes.items()]
    return notes


def _matrices(comp: PerformanceComparison) -> list[dict[str, Any]]:
    """The confusion matrices of the sides that have one (classification tasks)."""
    return [
        m
        for m in (
            _confusion_view("reference", comp.reference.confusion),
            _confusion_view("current", comp.current.confusion),
        )
        if m is not None
    ]


def _rule_limit(r: RuleOutcome) -> dict[str, str]:
    """A rule's scope, values, drop and limit for the rules table (shares when relative)."""
    rel = r.limit_kind == "relative"
    fmt = fmt_share if rel else fmt_num
    return {
        "metric": r.metric,
        "scope": r.scope,
        "severity": r.severity,
        "reference": fmt_num(r.reference),
        "current": fmt_num(r.current),
        "drop": "" if r.drop is None else fmt(r.drop),
        "limit": ("max relative drop " if rel else "max drop ") + fmt(r.limit),
    }


def _bootstrap_text(perf: PerformanceSection) -> str:
    """How the intervals were computed, with the resampling pool when a side is larger."""
    comp = perf.overall.comparison
    max_rows: int | None = None
    if comp is not None and max(comp.reference.n_used, comp.current.n_used) > comp.max_rows:
        max_rows = comp.max_rows
    return (
        f"Difference = current \u2212 reference. Intervals: {perf.confidence * 100:g}% "
        f"percentile bootstrap, {perf.n_resamples:,} resamples of each side, seed "
        f"{perf.seed}"
        + (
            f"; a side above {max_rows:,} rows is resampled from a {max_rows:,}-row pool "
            "scaled to its size"
            if max_rows
            else ""
        )
        + ". A difference is marked significant when its interval excludes 0."
    )


def view(perf: PerformanceSection, report: Report, page: PageData) -> dict[str, Any] | None:
    """Model performance: cards, metric differences with intervals, matrices, segments, rules."""
    comp = perf.overall.comparison
    headline = [] if comp is None else headline_metrics(perf.task, list(comp.differences))
    return {
        "target": perf.target,
        "prediction": perf.prediction,
        "score": perf.score,
        "cards": [_task_card(perf), *([] if comp is None else _rows_cards(comp))],
        "reason": (perf.overall.reason or "not computed") if comp is None else "",
        "metrics": [] if comp is None else [_metric_cell(d) for d in comp.differences.values()],
        "notes": [] if comp is None else _overall_notes(comp),
        "matrices": [] if comp is None else _matrices(comp),
        "headline": headline,
        "segments": [_scope_perf_row(sp, headline) for sp in perf.segments],
        "rules": rules_view(perf.rules, _rule_limit),
        "ci_label": f"{perf.confidence * 100:g}% CI",
        "bootstrap": _bootstrap_text(perf),
    }


def summary(perf: PerformanceSection, report: Report) -> dict[str, str]:
    """The header line: how many rules failed or warned."""
    n = tally(r.status for r in perf.rules)
    f, w = n[Outcome.FAIL], n[Outcome.WARN]
    text = counts_text(f, w, "rule", len(perf.rules))
    return summary_line("performance", "Model performance", f, w, text)
