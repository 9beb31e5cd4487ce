"""The notifiers: each turns a Report into one delivery (Pushgateway, Alertmanager, a webhook,
Datadog). Each is a registered :class:`Notifier`; none raises: a failure is a failed
:class:`~driftcli.results.report.Delivery` with a secret-free message."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from driftcli.notify.airflow import (
    TriggerConfig,
    auth_headers,
    dag_run_body,
    dag_run_conf,
    dag_runs_url,
    should_trigger,
    trigger_secrets,
)
from driftcli.notify.config import NotifyConfig
from driftcli.notify.http import DeliveryError, Retry, classify, mask_url, request, with_retries
from driftcli.outputs.prometheus import OVERALL, build_registry, prometheus_config
from driftcli.results.report import Report
from driftcli.results.vocabulary import Outcome

#: The Prometheus job of pushed metrics; with the model name it is the grouping key.
JOB = "driftcli"


@dataclass(frozen=True)
class Context:
    """What every notifier gets besides the report."""

    config: NotifyConfig
    model: str
    #: Where the report can be read (config report_url, else the HTML or JSON path written).
    report_location: str | None
    now: datetime
    #: The outputs this run writes, format -> path.
    outputs: Mapping[str, str] = field(default_factory=dict)
    trigger: TriggerConfig = field(default_factory=TriggerConfig)

    @property
    def retry(self) -> Retry:
        c = self.config
        return Retry(c.timeout_seconds, c.retries, c.backoff_seconds)


@dataclass(frozen=True)
class Notifier:
    """A delivery destination: its name, its target URL in a config (None: off), how to send."""

    name: str
    target: Callable[[Context], str | None]
    send: Callable[[Report, Context, str], int]  # returns the attempts made


_NOTIFIERS: dict[str, Notifier] = {}


def register_notifier(notifier: Notifier) -> Notifier:
    """Add a destination under its name."""
    if notifier.name in _NOTIFIERS:
        raise ValueError(f"notifier {notifier.name!r} is registered twice")
    _NOTIFIERS[notifier.name] = notifier
    return notifier


def notifiers() -> list[Notifier]:
    """Every registered destination, in registration order."""
    return list(_NOTIFIERS.values())


# --- Pushgateway --------------------------------------------------------------------------


def _push(report: Report, ctx: Context, url: str) -> int:
    from prometheus_client import push_to_gateway
    from prometheus_client.exposition import default_handler

    from driftcli.notify.http import split_credentials

    registry = build_registry(report)  # a ConfigError (too many series) is the caller's
    clean, auth = split_credentials(url)

    def handler(
        url: str, method: str, timeout: float | None, headers: list[tuple[str, str]], data: bytes
    ) -> Callable[[], None]:
        sent = [*headers, ("Authorization", auth)] if auth else headers
        return default_handler(url, method, timeout, sent, data)

    def once() -> None:
        try:
            # PUT: replaces the whole group {job="driftcli", model=...}, so a column that is
            # no longer tested does not linger with its last value.
            push_to_gateway(
                clean,
                job=JOB,
                registry=registry,
                grouping_key={"model": ctx.model},
                timeout=ctx.retry.timeout,
                handler=handler,
            )
        except OSError as exc:
            raise classify(exc) from None

    return with_retries(once, ctx.retry)[1]


# --- Alertmanager -------------------------------------------------------------------------


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def firing_alerts(report: Report, ctx: Context) -> list[dict[str, Any]]:
    """The alerts this run raises: dataset drift per scope, failed integrity checks, failed
    performance rules per scope, and any other breach. Empty on a passing run."""
    severity = "critical" if report.status is Outcome.FAIL else "warning"
    where = f" Report: {ctx.report_location}." if ctx.report_location else ""
    alerts: list[dict[str, Any]] = []

    def add(name: str, segment: str, summary: str, description: str) -> None:
        labels = {
            "severity": severity,  # alert_labels may set it (a fleet's escalation does)
            **ctx.config.alert_labels,
            "alertname": name,
            "model": ctx.model,
            "segment": segment,
        }
        annotations = {"summary": summary, "description": description + where}
        if ctx.report_location:
            annotations["report"] = ctx.report_location
        alerts.append({"labels": labels, "annotations": annotations})

    scopes = [(OVERALL, report.dataset)] + [(s.label, s.dataset) for s in report.segments]
    for label, verdict in scopes:
        if verdict is not None and verdict.drifted:
            add(
                "DriftcliDatasetDrift",
                label,
                f"Dataset drift in {ctx.model} ({label})",
                f"{verdict.describe()} in {label}.",
            )
    integrity = report.section("integrity")
    failed = [r for r in getattr(integrity, "results", ()) if r.status == Outcome.FAIL]
    if failed:
        add(
            "DriftcliIntegrityFailure",
            OVERALL,
            f"{len(failed)} data integrity check(s) failed for {ctx.model}",
            "; ".join(f"{r.check}: {r.message}" for r in failed[:10]) + ".",
        )
    perf = report.section("performance")
    rules = [r for r in getattr(perf, "rules", ()) if r.status == Outcome.FAIL]
    for scope in sorted({r.scope for r in rules}):
        broken = [r for r in rules if r.scope == scope]
        add(
            "DriftcliModelMetricDrop",
            scope,
            f"Model metric drop for {ctx.model} ({scope})",
            "; ".join(r.message for r in broken) + ".",
        )
    if report.breaches and not alerts:
        add(
            "DriftcliBreach",
            OVERALL,
            f"drift report breach for {ctx.model}",
            "; ".join(report.breaches[:10]) + ".",
        )
    return alerts


def _alert_key(labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(labels.items()))


def _alertmanager(report: Report, ctx: Context, url: str) -> int:
    base = url.rstrip("/")
    now = ctx.now
    ends = now + timedelta(seconds=ctx.config.alert_ends_after_seconds)
    firing = firing_alerts(report, ctx)
    for alert in firing:
        # startsAt is always sent: without it Alertmanager sets startsAt = endsAt.
        alert["startsAt"] = _iso(now)
        alert["endsAt"] = _iso(ends)
    # Resolve what this model's earlier runs raised and this run does not: the active
    # driftcli alerts of this model, sent again with endsAt = now.
    query = urllib.parse.urlencode(
        [("filter", f'model="{ctx.model}"'), ("filter", 'alertname=~"Driftcli.+"')]
    )
    active, attempts = request("GET", f"{base}/api/v2/alerts?{query}", None, ctx.retry)
    keep = {_alert_key(a["labels"]) for a in firing}
    resolved = [
        {
            "labels": a["labels"],
            "annotations": a.get("annotations", {}),
            "startsAt": a.get("startsAt", _iso(now)),
            "endsAt": _iso(now),
        }
        for a in (active if isinstance(active, list) else [])
        if isinstance(a, dict)
        and isinstance(a.get("labels"), dict)
        and _alert_key(a["labels"]) not in keep
    ]
    if firing or resolved:
        attempts += request("POST", f"{base}/api/v2/alerts", firing + resolved, ctx.retry)[1]
    return attempts


# --- Webhooks and Slack -------------------------------------------------------------------


def compact_payload(report: Report, ctx: Context) -> dict[str, Any]:
    """A small summary for chat bots and automation: verdict, what failed, where to look."""
    return {
        "model": ctx.model,
        "status": report.status.value,
        "exit_code": int(report.exit_code),
        "generated_at": _iso(report.generated_at),
        "breaches": list(report.breaches),
        "warnings": list(report.warnings),
        "drift_share": report.dataset.drift_share,
        "drifted_columns": [c.column for c in report.drifted_columns],
        "drifted_segments": [
            s.label for s in report.segments if s.dataset is not None and s.dataset.drifted
        ],
        "report": ctx.report_location,
    }


def slack_payload(report: Report, ctx: Context, limit: int = 10) -> dict[str, Any]:
    """A Slack incoming-webhook message: ``text`` (the notification fallback) and ``blocks``
    naming what failed (the first ``limit`` breaches and drifted columns)."""
    failed = report.status is Outcome.FAIL
    head = f"drift report {'FAILED' if failed else 'passed'} for {ctx.model}"
    drifted = [c.column for c in report.drifted_columns]
    text = head + (f": {report.breaches[0]}" if report.breaches else "")
    lines = [f"• {b}" for b in report.breaches[:limit]]
    if len(report.breaches) > limit:
        lines.append(f"• +{len(report.breaches) - limit} more")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": head[:150]}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": ("*Breaches*\n" + "\n".join(lines)) if lines else "No breach.",
            },
        },
    ]
    if drifted:
        shown = ", ".join(f"`{c}`" for c in drifted[:limit])
        more = f" +{len(drifted) - limit} more" if len(drifted) > limit else ""
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*Drifted columns* ({report.dataset.describe()})\n{shown}{more}",
                },
            }
        )
    if ctx.report_location:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": ctx.report_location}]}
        )
    return {"text": text, "blocks": blocks}


def _webhook(report: Report, ctx: Context, url: str) -> int:
    fmt = ctx.config.webhook_format
    if fmt == "slack":
        body: Any = slack_payload(report, ctx)
    elif fmt == "compact":
        body = compact_payload(report, ctx)
    else:
        from driftcli.outputs.json import to_dict

        body = to_dict(report)
    return request("POST", url, body, ctx.retry)[1]


# --- Datadog ------------------------------------------------------------------------------

#: Datadog's MetricIntakeType for a gauge.
_GAUGE = 3


def datadog_series(report: Report, ctx: Context) -> dict[str, Any]:
    """The v2 series body: dataset drift per scope, run status and model metrics as gauges
    tagged ``model:`` and ``segment:``; no per-column series (their cardinality is unbounded
    on Datadog's bill)."""
    ts = int(report.generated_at.timestamp())
    series: list[dict[str, Any]] = []

    def gauge(metric: str, value: float, tags: Sequence[str]) -> None:
        series.append(
            {
                "metric": metric,
                "type": _GAUGE,
                "points": [{"timestamp": ts, "value": float(value)}],
                "tags": [f"model:{ctx.model}", *tags],
            }
        )

    scopes = [(OVERALL, report.dataset)] + [(s.label, s.dataset) for s in report.segments]
    for label, verdict in scopes:
        if verdict is None:
            continue
        gauge("driftcli.dataset.drift_share", verdict.drift_share, [f"segment:{label}"])
        gauge("driftcli.dataset.drift_detected", float(verdict.drifted), [f"segment:{label}"])
    gauge("driftcli.run.exit_code", float(int(report.exit_code)), [])
    gauge("driftcli.run.breaches", float(len(report.breaches)), [])
    perf = report.section("performance")
    for scope in (getattr(perf, "overall", None), *getattr(perf, "segments", ())):
        if scope is None or scope.comparison is None:
            continue
        label = OVERALL if scope.segment is None else scope.scope
        for metric, value in scope.comparison.current.metrics.items():
            if value == value:  # not NaN
                gauge(f"driftcli.model.{metric}", value, [f"segment:{label}"])
    return {"series": series}


def _datadog_target(ctx: Context) -> str | None:
    if not ctx.config.datadog:
        return None
    if ctx.config.datadog_url:
        return ctx.config.datadog_url.rstrip("/") + "/api/v2/series"
    site = os.environ.get("DD_SITE", "datadoghq.com").strip() or "datadoghq.com"
    return f"https://api.{site}/api/v2/series"


def _datadog(report: Report, ctx: Context, url: str) -> int:
    key = os.environ.get("DD_API_KEY", "")
    if not key:
        raise DeliveryError("DD_API_KEY is not set; export your Datadog API key", 0)
    return request("POST", url, datadog_series(report, ctx), ctx.retry, {"DD-API-KEY": key})[1]


# --- Airflow -------------------------------------------------------------------------------


def _airflow_target(ctx: Context) -> str | None:
    trigger = ctx.trigger.airflow
    return None if trigger.url is None else dag_runs_url(trigger)


def _airflow(report: Report, ctx: Context, url: str) -> int:
    trigger = ctx.trigger.airflow
    if not should_trigger(report, trigger.on):
        return 0
    conf = dag_run_conf(report, ctx.model, ctx.outputs, ctx.report_location)
    body = dag_run_body(trigger, conf, ctx.model, ctx.now)
    return request("POST", url, body, ctx.retry, auth_headers(trigger))[1]


register_notifier(Notifier("pushgateway", lambda c: c.config.pushgateway, _push))
register_notifier(Notifier("alertmanager", lambda c: c.config.alertmanager, _alertmanager))
register_notifier(Notifier("webhook", lambda c: c.config.webhook, _webhook))
register_notifier(Notifier("datadog", _datadog_target, _datadog))
register_notifier(Notifier("airflow", _airflow_target, _airflow))


def context(
    report: Report,
    config: NotifyConfig,
    report_location: str | None,
    outputs: Mapping[str, str] | None = None,
    trigger: TriggerConfig | None = None,
) -> Context:
    """The notifiers' context for ``report``."""
    return Context(
        config=config,
        model=prometheus_config(report).model,
        report_location=config.report_url or report_location,
        now=datetime.now(timezone.utc),
        outputs=dict(outputs or {}),
        trigger=trigger or TriggerConfig(),
    )


def secrets_of(ctx: Context) -> list[str | None]:
    """Every value a message must never show."""
    config = ctx.config
    return [
        config.pushgateway,
        config.alertmanager,
        config.webhook,
        config.datadog_url,
        os.environ.get("DD_API_KEY"),
        *trigger_secrets(ctx.trigger.airflow),
    ]


__all__ = [
    "JOB",
    "Context",
    "Notifier",
    "compact_payload",
    "context",
    "datadog_series",
    "firing_alerts",
    "mask_url",
    "notifiers",
    "register_notifier",
    "secrets_of",
    "slack_payload",
]
