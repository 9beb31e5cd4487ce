"""Prometheus metrics of a report, in the text exposition format (prometheus_client).

``drift report --prometheus PATH`` (or ``prometheus = "..."`` under ``[outputs]``) writes a file
for node_exporter's textfile collector; the file is written atomically like every output (a
temporary file, then a rename). The same registry is what ``--pushgateway`` pushes.

Every metric is a gauge named ``driftcli_*`` in base units, with these labels only:

=============================================  ==========================================
metric                                         labels
=============================================  ==========================================
driftcli_column_drift_score                    model, segment, column, test
driftcli_column_drift_p_value                  model, segment, column, test (p-value tests)
driftcli_column_drift_threshold                model, segment, column, test
driftcli_column_drift_detected                 model, segment, column, test (0 or 1)
driftcli_dataset_drift_share_ratio             model, segment
driftcli_dataset_drifted_columns               model, segment
driftcli_dataset_drift_detected                model, segment (0 or 1)
driftcli_model_metric                          model, segment, side, metric
driftcli_integrity_failures                    model (checks failed at severity fail)
driftcli_rows                                  model, segment, side
driftcli_run_duration_seconds                  model
driftcli_run_exit_code                         model
driftcli_run_last_success_timestamp_seconds    model
driftcli_build_info                            version (always 1)
=============================================  ==========================================

``segment`` is ``overall`` for the whole dataset, else the segment's ``col=value`` label;
``side`` is ``reference`` or ``current``. The number of series is bounded by the columns
times the segments; ``[prometheus] max_series`` (default 10000) turns a larger set into a
config error (exit 2) rather than a surprise for the Prometheus server.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftcli.config import ConfigTable, DriftConfig, register_table
from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.outputs.registry import Renderer, register_renderer
from driftcli.results.records import ColumnResult
from driftcli.results.report import Report
from driftcli.results.vocabulary import Outcome

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

#: The segment label of the whole dataset (a segment label always holds "=").
OVERALL = "overall"
DEFAULT_MODEL = "default"
DEFAULT_MAX_SERIES = 10_000

#: Every metric the exporter writes: the dashboard and rule tests check queries against it.
METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "driftcli_column_drift_score": (
        "Drift score of a column (the test's statistic or distance).",
        ("model", "segment", "column", "test"),
    ),
    "driftcli_column_drift_p_value": (
        "P-value of a column's test after the run's multiple-testing correction "
        "(p-value tests only).",
        ("model", "segment", "column", "test"),
    ),
    "driftcli_column_drift_threshold": (
        "Threshold the column's p-value or distance is compared with.",
        ("model", "segment", "column", "test"),
    ),
    "driftcli_column_drift_detected": (
        "1 when the column drifted, else 0.",
        ("model", "segment", "column", "test"),
    ),
    "driftcli_dataset_drift_share_ratio": (
        "Share of tested feature columns that drifted (0 to 1).",
        ("model", "segment"),
    ),
    "driftcli_dataset_drifted_columns": (
        "Number of drifted feature columns.",
        ("model", "segment"),
    ),
    "driftcli_dataset_drift_detected": (
        "1 when the dataset (or segment) has dataset drift, else 0.",
        ("model", "segment"),
    ),
    "driftcli_model_metric": (
        "Model performance metric (accuracy, f1, rmse, ...) on one side.",
        ("model", "segment", "side", "metric"),
    ),
    "driftcli_integrity_failures": (
        "Data integrity checks that failed at severity fail.",
        ("model",),
    ),
    "driftcli_rows": ("Rows read on one side.", ("model", "segment", "side")),
    "driftcli_run_duration_seconds": ("Wall-clock duration of the drift run.", ("model",)),
    "driftcli_run_exit_code": ("Exit code of the run: 0 pass, 1 breach.", ("model",)),
    "driftcli_run_last_success_timestamp_seconds": (
        "Unix time at which the last run that completed with a report finished.",
        ("model",),
    ),
    "driftcli_build_info": ("driftcli version that wrote these metrics (always 1).", ("version",)),
}


@dataclass(frozen=True)
class PrometheusConfig:
    """The ``[prometheus]`` table: the model name every metric and notification carries, and
    the most series one run may write."""

    model: str = DEFAULT_MODEL
    max_series: int = DEFAULT_MAX_SERIES

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"model": self.model, "max_series": self.max_series}


def _parse(value: object, source: str) -> PrometheusConfig:
    where = f"{source}: [prometheus]"
    if not isinstance(value, Mapping):
        raise ConfigError(f'{where} must be a table, e.g. model = "credit"')
    reject_unknown_keys(value, ("model", "max_series"), where)
    model = value.get("model", DEFAULT_MODEL)
    if not isinstance(model, str) or not model.strip():
        raise ConfigError(f"{where}: model must be a non-empty string, got {model!r}")
    limit = value.get("max_series", DEFAULT_MAX_SERIES)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigError(f"{where}: max_series must be a positive integer, got {limit!r}")
    return PrometheusConfig(model.strip(), limit)


def _options(table: PrometheusConfig, flags: Mapping[str, Any]) -> PrometheusConfig | None:
    name = flags.get("model_name")
    if name is None:
        return None
    if not str(name).strip():
        raise ConfigError("--model-name must not be empty")
    return PrometheusConfig(str(name).strip(), table.max_series)


register_table(
    ConfigTable(
        "prometheus",
        PrometheusConfig,
        _parse,
        "[prometheus] table: model (the name on every metric and alert), max_series",
        options=_options,
        option_names=("model_name",),
        echo=False,
    )
)


def prometheus_config(report: Report) -> PrometheusConfig:
    """The run's ``[prometheus]`` settings (the defaults for a config that is no DriftConfig)."""
    config = report.config
    return (
        config.section(PrometheusConfig)
        if isinstance(config, DriftConfig)
        else (PrometheusConfig())
    )


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _column_samples(
    model: str, segment: str, column: ColumnResult
) -> list[tuple[str, dict[str, str], float]]:
    if not column.tested:
        return []
    labels = {
        "model": model,
        "segment": segment,
        "column": column.column,
        "test": column.test or "",
    }
    out: list[tuple[str, dict[str, str], float]] = []
    if _finite(column.drift_score):
        out.append(("driftcli_column_drift_score", labels, float(column.drift_score or 0.0)))
    pvalue = column.pvalue_adjusted if column.pvalue_adjusted is not None else column.pvalue
    if column.test_type == "p-value" and _finite(pvalue):
        out.append(("driftcli_column_drift_p_value", labels, float(pvalue or 0.0)))
    if _finite(column.threshold):
        out.append(("driftcli_column_drift_threshold", labels, float(column.threshold or 0.0)))
    out.append(("driftcli_column_drift_detected", labels, 1.0 if column.drifted else 0.0))
    return out


def samples(report: Report) -> list[tuple[str, dict[str, str], float]]:
    """Every ``(metric, labels, value)`` the report yields, in a stable order."""
    from driftcli._version import __version__

    model = prometheus_config(report).model
    out: list[tuple[str, dict[str, str], float]] = []
    for column in report.columns:
        out += _column_samples(model, OVERALL, column)
    scopes = [(OVERALL, report.dataset)] + [
        (s.label, s.dataset) for s in report.segments if s.dataset is not None
    ]
    for label, verdict in scopes:
        if verdict is None:
            continue
        labels = {"model": model, "segment": label}
        out.append(("driftcli_dataset_drift_share_ratio", labels, float(verdict.drift_share)))
        out.append(("driftcli_dataset_drifted_columns", labels, float(verdict.columns_drifted)))
        out.append(("driftcli_dataset_drift_detected", labels, 1.0 if verdict.drifted else 0.0))
    for segment in report.segments:
        for column in segment.columns:
            out += _column_samples(model, segment.label, column)
    out += _model_metrics(report, model)
    integrity = report.section("integrity")
    results = getattr(integrity, "results", ())
    failures = sum(1 for r in results if getattr(r, "status", None) == Outcome.FAIL)
    out.append(("driftcli_integrity_failures", {"model": model}, float(failures)))
    for side, rows in (("reference", report.reference.rows), ("current", report.current.rows)):
        out.append(("driftcli_rows", {"model": model, "segment": OVERALL, "side": side}, rows))
    for segment in report.segments:
        for side, rows in (
            ("reference", segment.rows_reference),
            ("current", segment.rows_current),
        ):
            labels = {"model": model, "segment": segment.label, "side": side}
            out.append(("driftcli_rows", labels, float(rows)))
    if report.duration is not None:
        out.append(("driftcli_run_duration_seconds", {"model": model}, float(report.duration)))
    out.append(("driftcli_run_exit_code", {"model": model}, float(int(report.exit_code))))
    out.append(
        (
            "driftcli_run_last_success_timestamp_seconds",
            {"model": model},
            report.generated_at.timestamp(),
        )
    )
    out.append(("driftcli_build_info", {"version": __version__}, 1.0))
    return out


def _model_metrics(report: Report, model: str) -> list[tuple[str, dict[str, str], float]]:
    from driftcli.sections.performance.result import PerformanceSection

    perf = report.section(PerformanceSection)
    if perf is None:
        return []
    out: list[tuple[str, dict[str, str], float]] = []
    for scope in (perf.overall, *perf.segments):
        if scope.comparison is None:
            continue
        segment = OVERALL if scope.segment is None else scope.scope
        for side, result in (
            ("reference", scope.comparison.reference),
            ("current", scope.comparison.current),
        ):
            for metric, value in result.metrics.items():
                if value is not None and math.isfinite(value):
                    labels = {"model": model, "segment": segment, "side": side, "metric": metric}
                    out.append(("driftcli_model_metric", labels, float(value)))
    return out


def build_registry(report: Report) -> CollectorRegistry:
    """A fresh prometheus_client registry holding the report's metrics; ConfigError when they
    would be more series than ``[prometheus] max_series``."""
    from prometheus_client import CollectorRegistry, Gauge

    found = samples(report)
    limit = prometheus_config(report).max_series
    if len(found) > limit:
        raise ConfigError(
            f"the Prometheus metrics would be {len(found)} series, more than max_series = "
            f"{limit}; raise [prometheus] max_series in the config, or test fewer columns or "
            "segments"
        )
    registry = CollectorRegistry(auto_describe=True)
    gauges: dict[str, Gauge] = {}
    for name, labels, value in found:
        gauge = gauges.get(name)
        if gauge is None:
            help_text, label_names = METRICS[name]
            gauge = Gauge(name, help_text, label_names, registry=registry)
            gauges[name] = gauge
        gauge.labels(**labels).set(value)
    return registry


def to_prometheus(report: Report) -> str:
    """The report's metrics in the Prometheus text exposition format."""
    from prometheus_client import generate_latest

    return generate_latest(build_registry(report)).decode("utf-8")


PROMETHEUS = register_renderer(
    Renderer(
        "prometheus",
        "Prometheus metrics for node_exporter's textfile collector (.prom)",
        to_prometheus,
        ".prom",
    )
)
