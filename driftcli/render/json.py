"""The JSON summary: a documented, versioned view of a Report (schema in driftcli/schema/)."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import Any

from driftcli.concept_report import ChangePoint, ConceptScope, ConceptSection, DetectorReport
from driftcli.correction import CorrectionInfo
from driftcli.integrity import IntegrityReport
from driftcli.model import SCHEMA_VERSION as SCHEMA_VERSION
from driftcli.model import (
    ColumnResult,
    DatasetVerdict,
    Report,
    SegmentResult,
    SideSummary,
    SourceInfo,
    sorted_columns,
)
from driftcli.model_perf import PerformanceSection, RuleOutcome, ScopePerformance
from driftcli.online import LimitOutcome, OnlineSection, OnlineStats
from driftcli.performance import PerformanceComparison, PerformanceResult
from driftcli.thresholds import AutoThreshold
from driftcli.windows import WindowResult, WindowRule, WindowRuleOutcome, WindowSection

FEATURE = "feature"


def _num(x: float | None) -> float | None:
    if x is None:
        return None
    if not math.isfinite(x):  # never emit NaN or Infinity
        return None
    return x


def _summary(s: SideSummary | None) -> dict[str, Any] | None:
    if s is None:
        return None
    out = dataclasses.asdict(s)
    return {k: (_num(v) if isinstance(v, float) else v) for k, v in out.items()}


def _auto_threshold(a: AutoThreshold | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "value": _num(a.value),
        "mean": _num(a.mean),
        "std": _num(a.std),
        "k": a.k,
        "chunks": a.chunks,
        "method": a.method,
        "description": a.description,
    }


def _correction(c: CorrectionInfo) -> dict[str, Any]:
    return {"method": c.method.value, "pvalue_tests": c.tests, "description": c.description}


def _column(c: ColumnResult, roles: Mapping[str, str]) -> dict[str, Any]:
    return {
        "column": c.column,
        "role": roles.get(c.column, FEATURE),
        "kind": c.kind.value,
        "kind_source": c.kind_source,
        "test": c.test,
        "test_type": c.test_type,
        "statistic": _num(c.statistic),
        "pvalue": _num(c.pvalue),
        "pvalue_adjusted": _num(c.pvalue_adjusted),
        "effect_size": _num(c.effect_size),
        "effect_size_name": c.effect_size_name,
        "threshold": _num(c.threshold),
        "auto_threshold": _auto_threshold(c.auto_threshold),
        "drifted": c.drifted,
        "drift_score": _num(c.drift_score),
        "status": c.status.value,
        "reason": c.reason,
        "reference": _summary(c.reference),
        "current": _summary(c.current),
    }


def _dataset(d: DatasetVerdict | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "columns_tested": d.columns_tested,
        "columns_drifted": d.columns_drifted,
        "drift_share": _num(d.drift_share),
        "drift_share_threshold": d.drift_share_threshold,
        "drifted": d.drifted,
    }


def _source(s: SourceInfo) -> dict[str, Any]:
    tr = s.time_range
    return {
        "source": s.source,
        "rows": s.rows,
        "columns": s.columns,
        "time_range": None if tr is None else {"column": tr.column, "min": tr.min, "max": tr.max},
    }


def _segment(s: SegmentResult, roles: Mapping[str, str]) -> dict[str, Any]:
    return {
        "segment": s.segment,
        "status": s.status.value,
        "reason": s.reason,
        "rows": {"reference": s.rows_reference, "current": s.rows_current},
        "dataset": _dataset(s.dataset),
        "columns": [_column(c, roles) for c in sorted_columns(s.columns)],
    }


def _integrity_value(x: float | str | None) -> float | str | None:
    return _num(x) if isinstance(x, float) else x


def _integrity(integrity: IntegrityReport) -> dict[str, Any]:
    """Counts of every check run, then only the tripped checks (fail, warn, info)."""
    return {
        "enabled": integrity.enabled,
        "checks_run": len(integrity.results),
        "passed": integrity.count("pass"),
        "failed": integrity.count("fail"),
        "warned": integrity.count("warn"),
        "info": integrity.count("info"),
        "findings": [
            {
                "check": r.check,
                "column": r.column,
                "severity": r.severity.value,
                "status": r.status,
                "message": r.message,
                "observed": _integrity_value(r.observed),
                "reference": _integrity_value(r.reference),
                "limit": _integrity_value(r.limit),
                "offending": [{"value": o.value, "count": o.count} for o in r.offending],
                "drift_status": r.drift_status,
            }
            for r in integrity.findings
        ],
        "hints": [
            {"column": h.column, "checks": list(h.checks), "message": h.message}
            for h in integrity.hints
        ],
    }


# ------------------------------------------------------------------ issue-6 sections (1.1)


def _scalar(x: object) -> str | int | float | bool | None:
    """A label or parameter as a JSON scalar: bool, int and str as they are, floats finite."""
    if x is None or isinstance(x, (bool, int, str)):
        return x
    if isinstance(x, float):
        return _num(x)
    item = getattr(x, "item", None)  # a NumPy scalar that slipped through
    if callable(item):
        return _scalar(item())
    return str(x)


def _floats(m: Mapping[str, float | None] | None) -> dict[str, float | None] | None:
    if m is None:
        return None
    return {str(k): _num(v) for k, v in m.items()}


def _segment_values(seg: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if seg is None else {str(k): _scalar(v) for k, v in seg.items()}


def _prediction_drift(report: Report) -> dict[str, Any] | None:
    if not report.roles:
        return None
    cols = sorted_columns(report.model_columns)
    return {
        "columns": [c.column for c in cols],
        "drifted": [c.column for c in cols if c.drifted],
    }


def _perf_result(r: PerformanceResult) -> dict[str, Any]:
    cm = r.confusion
    return {
        "task": r.task,
        "n_rows": r.n_rows,
        "n_used": r.n_used,
        "n_missing_target": r.n_missing_target,
        "n_missing_prediction": r.n_missing_prediction,
        "n_missing_score": r.n_missing_score,
        "n_zero_target": r.n_zero_target,
        "positive_label": _scalar(r.positive_label),
        "metrics": _floats(r.metrics),
        "confusion": None
        if cm is None
        else {
            "labels": [_scalar(x) for x in cm.labels],
            "counts": [[int(n) for n in row] for row in cm.counts],
        },
        "notes": {str(k): str(v) for k, v in r.notes.items()},
    }


def _comparison(c: PerformanceComparison | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "reference": _perf_result(c.reference),
        "current": _perf_result(c.current),
        "differences": {
            name: {
                "metric": d.metric,
                "reference": _num(d.reference),
                "current": _num(d.current),
                "difference": _num(d.difference),
                "ci_low": _num(d.ci_low),
                "ci_high": _num(d.ci_high),
                "confidence": d.confidence,
                "n_resamples": d.n_resamples,
                "n_valid": d.n_valid,
                "higher_is_better": d.higher_is_better,
            }
            for name, d in c.differences.items()
        },
        "n_resamples": c.n_resamples,
        "confidence": c.confidence,
        "seed": c.seed,
        "max_rows": c.max_rows,
    }


def _scope_performance(s: ScopePerformance) -> dict[str, Any]:
    return {
        "scope": s.scope,
        "segment": _segment_values(s.segment),
        "reason": s.reason,
        "comparison": _comparison(s.comparison),
    }


def _rule_outcome(r: RuleOutcome) -> dict[str, Any]:
    return {
        "metric": r.metric,
        "scope": r.scope,
        "severity": r.severity,
        "status": r.status,
        "limit": _num(r.limit),
        "limit_kind": r.limit_kind,
        "reference": _num(r.reference),
        "current": _num(r.current),
        "drop": _num(r.drop),
        "message": r.message,
    }


def _performance(p: PerformanceSection | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "task": p.task,
        "target": p.target,
        "prediction": p.prediction,
        "score": p.score,
        "positive_label": _scalar(p.positive_label),
        "n_resamples": p.n_resamples,
        "confidence": p.confidence,
        "seed": p.seed,
        "overall": _scope_performance(p.overall),
        "segments": [_scope_performance(s) for s in p.segments],
        "rules": [_rule_outcome(r) for r in p.rules],
    }


def _window_rule(r: WindowRule | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "max_drift_share": _num(r.max_drift_share),
        "consecutive": r.consecutive,
        "severity": r.severity,
        "min_rows": r.min_rows,
    }


def _window_rule_outcome(o: WindowRuleOutcome | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {
        "status": o.status,
        "longest_run": o.longest_run,
        "runs": [[first, last] for first, last in o.runs],
        "message": o.message,
    }


def _window(w: WindowResult, roles: Mapping[str, str]) -> dict[str, Any]:
    return {
        "index": w.index,
        "label": w.label,
        "start": w.start,
        "end": w.end,
        "first_row": w.first_row,
        "rows": w.rows,
        "status": w.status,
        "dataset": _dataset(w.dataset),
        "columns": [
            {
                "column": c.column,
                "role": roles.get(c.column, FEATURE),
                "status": c.status,
                "test": c.test,
                "statistic": _num(c.statistic),
                "pvalue": _num(c.pvalue),
                "threshold": _num(c.threshold),
                "drift_score": _num(c.drift_score),
            }
            for c in w.columns
        ],
        "performance": _floats(w.performance),
        "exceeds": w.exceeds,
    }


def _windows(w: WindowSection | None, roles: Mapping[str, str]) -> dict[str, Any] | None:
    if w is None:
        return None
    return {
        "window": w.window,
        "by": w.by,
        "time_column": w.time_column,
        "rows_without_time": w.rows_without_time,
        "columns": list(w.columns),
        "performance_reference": _floats(w.performance_reference),
        "rule": _window_rule(w.rule),
        "rule_outcome": _window_rule_outcome(w.rule_outcome),
        "windows": [_window(x, roles) for x in w.windows],
    }


def _change_point(p: ChangePoint) -> dict[str, Any]:
    return {"row": p.row, "timestamp": p.timestamp}


def _detector(d: DetectorReport) -> dict[str, Any]:
    return {
        "method": d.method,
        "params": {str(k): _scalar(v) for k, v in d.params.items()},
        "drifts": [_change_point(p) for p in d.drifts],
        "warnings": None if d.warnings is None else [_change_point(p) for p in d.warnings],
        "note": d.note,
    }


def _concept_scope(s: ConceptScope) -> dict[str, Any]:
    first = s.first_detection
    return {
        "scope": s.scope,
        "segment": _segment_values(s.segment),
        "n_events": s.n_events,
        "n_excluded": s.n_excluded,
        "mean_error": _num(s.mean_error),
        "reason": s.reason,
        "first_change": None
        if first is None
        else {"detector": first[0], **_change_point(first[1])},
        "detectors": [_detector(d) for d in s.detectors],
        "series": [
            {
                "start": b.start,
                "first_row": b.first_row,
                "rows": b.rows,
                "mean_error": _num(b.mean_error),
            }
            for b in s.series
        ],
    }


def _concept(c: ConceptSection | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "time_column": c.time_column,
        "stream": c.stream,
        "severity": c.severity,
        "scopes": [_concept_scope(s) for s in c.scopes],
    }


def _online_stats(s: OnlineStats | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "rows": s.rows,
        "latency_count": s.latency_count,
        "latency_p50": _num(s.latency_p50),
        "latency_p95": _num(s.latency_p95),
        "latency_p99": _num(s.latency_p99),
        "latency_mean": _num(s.latency_mean),
        "errors": s.errors,
        "error_rate": _num(s.error_rate),
        "throughput_per_second": _num(s.throughput_per_second),
    }


def _limit(x: LimitOutcome) -> dict[str, Any]:
    return {
        "name": x.name,
        "scope": x.scope,
        "status": x.status,
        "limit": _num(x.limit),
        "value": _num(x.value),
        "reference": _num(x.reference),
        "message": x.message,
    }


def _online(o: OnlineSection | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {
        "latency_column": o.latency_column,
        "latency_unit": o.latency_unit,
        "status_column": o.status_column,
        "window": o.window,
        "current": _online_stats(o.current),
        "reference": _online_stats(o.reference),
        "windows": [
            {
                "index": w.index,
                "label": w.label,
                "start": w.start,
                "end": w.end,
                "stats": _online_stats(w.stats),
            }
            for w in o.windows
        ],
        "limits": [_limit(x) for x in o.limits],
    }


def to_dict(report: Report) -> dict[str, Any]:
    """The summary as plain JSON-ready data (see driftcli/schema/report.schema.json)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "driftcli_version": report.driftcli_version,
        "generated_at": report.generated_at.isoformat().replace("+00:00", "Z"),
        "status": report.status,
        "exit_code": int(report.exit_code),
        "breaches": list(report.breaches),
        "warnings": list(report.warnings),
        "reference": _source(report.reference),
        "current": _source(report.current),
        "config": report.config.to_dict(),
        "dataset": _dataset(report.dataset),
        "columns": [_column(c, report.roles) for c in sorted_columns(report.columns)],
        "segments": [_segment(s, report.roles) for s in report.segments],
        "integrity": _integrity(report.integrity),
        "correction": _correction(report.correction),
        "prediction_drift": _prediction_drift(report),
        "performance": _performance(report.performance),
        "windows": _windows(report.windows, report.roles),
        "concept_drift": _concept(report.concept),
        "online": _online(report.online),
    }


def to_json(report: Report) -> str:
    """The summary as a JSON document (strict: no NaN or Infinity)."""
    return json.dumps(to_dict(report), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
