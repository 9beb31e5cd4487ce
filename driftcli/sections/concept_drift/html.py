"""The concept drift section in the HTML report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from driftcli.outputs.htmlkit import (
    PageData,
    chart_num,
    fmt_num,
    fmt_time,
    plural,
    summary_line,
)
from driftcli.results.report import Report
from driftcli.results.vocabulary import Severity
from driftcli.sections.concept_drift.result import ChangePoint, ConceptScope, ConceptSection


def _change_points(points: Sequence[ChangePoint] | None) -> str:
    if points is None:
        return ""
    if not points:
        return "none"
    return "; ".join(
        f"row {p.row:,}" + (f" ({fmt_time(p.timestamp)})" if p.timestamp else "") for p in points
    )


def _concept_scope(index: int, scope: ConceptScope, blob: dict[str, Any]) -> dict[str, Any]:
    sid = f"cc{index}"
    has_chart = bool(scope.series)
    if has_chart:
        use_time = all(b.start for b in scope.series) and all(
            p.timestamp for d in scope.detectors for p in (*d.drifts, *(d.warnings or ()))
        )

        def x_of(p: ChangePoint) -> Any:
            return fmt_time(p.timestamp) if use_time else p.row

        blob.setdefault("concept", {})[sid] = {
            "axis": "time" if use_time else "row",
            "x": [fmt_time(b.start) if use_time else b.first_row for b in scope.series],
            "y": [chart_num(b.mean_error) for b in scope.series],
            "n": [b.rows for b in scope.series],
            "cp": [[x_of(p), d.method] for d in scope.detectors for p in d.drifts],
            "w": [[x_of(p), d.method] for d in scope.detectors for p in (d.warnings or ())],
        }
    first = scope.first_change
    return {
        "id": sid,
        "scope": scope.scope,
        "reason": scope.reason or "",
        "n_events": fmt_num(scope.n_events),
        "n_excluded": scope.n_excluded,
        "mean_error": fmt_num(scope.mean_error),
        "changed": first is not None,
        "first": _change_points([first]) if first is not None else "",
        "chart": has_chart,
        "detectors": [
            {
                "method": d.method,
                "drifts": _change_points(d.drifts),
                "n_drifts": len(d.drifts),
                "warnings": _change_points(d.warnings)
                if d.warnings is not None
                else "no warning zone",
                "note": d.note or "",
            }
            for d in scope.detectors
        ],
    }


def _parameters(concept: ConceptSection) -> list[dict[str, Any]]:
    """Each detector's parameters, once per distinct setting (the same in every scope as a
    rule), with the scopes that used it when they differ."""
    seen: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] = {}
    for scope in concept.scopes:
        for d in scope.detectors:
            key = (d.method, tuple((k, str(v)) for k, v in d.params.items()))
            seen.setdefault(key, []).append(scope.scope)
    methods = [method for method, _ in seen]
    return [
        {
            "method": method,
            "params": [{"name": k, "value": v} for k, v in params],
            "scopes": ", ".join(scopes) if methods.count(method) > 1 else "",
        }
        for (method, params), scopes in seen.items()
    ]


def view(concept: ConceptSection, report: Report, page: PageData) -> dict[str, Any] | None:
    """Concept drift: detectors' change points per scope and the error-rate series chart."""
    blob = page.charts
    scopes = [_concept_scope(i, s, blob) for i, s in enumerate(concept.scopes)]
    stream = (
        "0/1 misclassification (1 = wrong prediction)"
        if concept.stream == "misclassification"
        else "absolute error |target \u2212 prediction|"
    )
    return {
        "params": _parameters(concept),
        "hit_css": "st-drift" if concept.severity is Severity.FAIL else "st-error",
        "hit_icon": "\u2716" if concept.severity is Severity.FAIL else "\u26a0",
        "time_column": concept.time_column,
        "stream": stream,
        "error_label": "error rate"
        if concept.stream == "misclassification"
        else "mean absolute error",
        "severity": concept.severity,
        "scopes": [s for s in scopes if not s["reason"]],
        "skipped": [s for s in scopes if s["reason"]],
        "changed": sum(1 for s in scopes if s["changed"]),
    }


def summary(concept: ConceptSection, report: Report) -> dict[str, str]:
    """The header line: the scopes with a change point."""
    changed = [s.scope for s in concept.scopes if s.first_change is not None]
    n = len(changed)
    sev = concept.severity
    text = (
        f"change points in {plural(n, 'scope')} ({', '.join(changed)})" if n else "no change point"
    )
    fails, warns = int(bool(n) and sev is Severity.FAIL), int(bool(n) and sev is Severity.WARN)
    return summary_line("concept-drift", "Concept drift", fails, warns, text)
