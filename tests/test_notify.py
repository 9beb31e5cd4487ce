"""Notifications: Alertmanager (real, on loopback), webhooks in the JSON, compact and Slack
formats, Datadog v2 series (a local HTTP server checks the payloads), failure cases (server
down, 4xx, 5xx, timeout, slow server) and secrets that never show."""

from __future__ import annotations

import json
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from driftcli import DriftConfig, Report, run_report
from driftcli.config import config_from_mapping
from driftcli.notify import deliver
from driftcli.notify.config import NotifyConfig
from driftcli.notify.http import mask_url, scrub
from driftcli.outputs.json import report_schema
from tests.conftest import make_frame
from tests.monitoring import alertmanager, drift, get_json, http_server

FAST = {"retries": 2, "backoff_seconds": 0.0, "timeout_seconds": 5}


def _config(notify: dict[str, Any], model: str = "credit") -> DriftConfig:
    return config_from_mapping(
        {"segment_by": ["region"], "notify": {**FAST, **notify}, "prometheus": {"model": model}}
    )


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Report]:
    """A drifted pair on disk and its report (segments by region)."""
    tmp = tmp_path_factory.mktemp("notify")
    ref, cur = tmp / "ref.parquet", tmp / "cur.parquet"
    make_frame(600, 1).write_parquet(ref)
    make_frame(500, 2, shift=1.0, mobile=0.6).write_parquet(cur)
    return ref, cur, run_report(ref, cur, DriftConfig(segment_by=("region",)))


def _with(report: Report, config: DriftConfig) -> Report:
    from dataclasses import replace

    return replace(report, config=config)


# --- Alertmanager -------------------------------------------------------------------------


def _alerts(url: str, model: str) -> list[dict[str, Any]]:
    query = urllib.parse.urlencode({"filter": f'model="{model}"'})
    alerts: list[dict[str, Any]] = get_json(f"{url}/api/v2/alerts?{query}")
    return alerts


def test_alertmanager_fires_then_resolves(
    drifted: tuple[Path, Path, Report], tmp_path: Path
) -> None:
    ref, cur, _ = drifted
    config = tmp_path / "drift.toml"
    config.write_text(
        'segment_by = ["region"]\n[prometheus]\nmodel = "credit"\n'
        '[notify]\nalert_labels = { team = "ml", env = "prod" }\n'
        "alert_ends_after_seconds = 3600\n"
    )
    with alertmanager(tmp_path) as url:
        before = datetime.now(timezone.utc)
        summary = tmp_path / "s.json"
        proc = drift(
            "report", ref, cur, "-c", config, "--alertmanager", url, "--json", summary, "-q"
        )
        assert proc.returncode == 1, proc.stderr
        alerts = _alerts(url, "credit")
        assert alerts, "no alert reached Alertmanager"
        for alert in alerts:
            labels = alert["labels"]
            assert (
                labels["model"] == "credit" and labels["team"] == "ml" and labels["env"] == "prod"
            )
            assert labels["severity"] == "critical"
            assert set(alert["annotations"]) == {"summary", "description", "report"}
            assert alert["annotations"]["report"] == str(summary)
            assert alert["status"]["state"] == "active"
            starts = datetime.fromisoformat(alert["startsAt"].replace("Z", "+00:00"))
            ends = datetime.fromisoformat(alert["endsAt"].replace("Z", "+00:00"))
            assert abs((starts - before).total_seconds()) < 60
            assert 3500 < (ends - starts).total_seconds() <= 3600
        doc = json.loads(summary.read_text())
        drifted_scopes = {"overall"} if doc["dataset"]["drifted"] else set()
        drifted_scopes |= {
            ", ".join(f"{k}={v}" for k, v in s["segment"].items())
            for s in doc["segments"]
            if s["dataset"] and s["dataset"]["drifted"]
        }
        assert drifted_scopes
        assert drifted_scopes == {
            a["labels"]["segment"]
            for a in alerts
            if a["labels"]["alertname"] == "DriftcliDatasetDrift"
        }
        assert doc["deliveries"] == [
            {"name": "alertmanager", "target": url, "ok": True, "error": None, "attempts": 2}
        ]
        # Re-sent on the next drifted run: the same alerts (deduplicated by their labels).
        assert drift("report", ref, cur, "-c", config, "--alertmanager", url, "-q").returncode == 1
        assert len(_alerts(url, "credit")) == len(alerts)
        # A passing run resolves them (endsAt = now): Alertmanager no longer lists them.
        proc = drift("report", ref, ref, "-c", config, "--alertmanager", url, "-q")
        assert proc.returncode == 0, proc.stderr
        deadline = time.monotonic() + 10
        while _alerts(url, "credit") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _alerts(url, "credit") == []


# --- Webhook, Slack, Datadog payloads -----------------------------------------------------


def test_webhook_posts_the_json_summary(drifted: tuple[Path, Path, Report]) -> None:
    report = drifted[2]
    with http_server() as (url, script):
        config = _config({"webhook": f"{url}/hook"})
        done = deliver(_with(report, config), config, "r.html")
    assert [d.ok for d in done.deliveries] == [True]
    (request,) = script.received
    assert request.method == "POST" and request.path == "/hook"
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    jsonschema.validate(body, report_schema())
    assert body["status"] == "fail" and body["breaches"] == list(report.breaches)


def test_compact_webhook(drifted: tuple[Path, Path, Report]) -> None:
    report = drifted[2]
    with http_server() as (url, script):
        config = _config({"webhook": url, "webhook_format": "compact"})
        deliver(_with(report, config), config, "report.html")
    body = script.received[0].json()
    assert body == {
        "model": "credit",
        "status": "fail",
        "exit_code": 1,
        "generated_at": body["generated_at"],
        "breaches": list(report.breaches),
        "warnings": list(report.warnings),
        "drift_share": report.dataset.drift_share,
        "drifted_columns": [c.column for c in report.drifted_columns],
        "drifted_segments": [
            s.label for s in report.segments if s.dataset is not None and s.dataset.drifted
        ],
        "report": "report.html",
    }
    assert body["generated_at"].endswith("Z")


def test_slack_payload_names_what_failed(drifted: tuple[Path, Path, Report]) -> None:
    report = drifted[2]
    with http_server() as (url, script):
        config = _config(
            {"webhook": f"{url}/services/T0001/B0001/abcdef123456", "webhook_format": "slack"}
        )
        deliver(_with(report, config), config, "https://ci.example/report.html")
    body = script.received[0].json()
    assert set(body) == {"text", "blocks"}
    assert body["text"].startswith("drift report FAILED for credit: ")
    assert report.breaches[0] in body["text"]
    types = [b["type"] for b in body["blocks"]]
    assert types[0] == "header" and types[-1] == "context"
    text = json.dumps(body["blocks"])
    for breach in report.breaches[:10]:
        assert json.dumps(breach)[1:-1] in text
    assert "`x`" in text and "`channel`" in text  # the drifted columns by name
    assert body["blocks"][0]["text"] == {
        "type": "plain_text",
        "text": "drift report FAILED for credit",
    }
    for block in body["blocks"]:
        if block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn" and len(block["text"]["text"]) <= 3000


def test_datadog_series(
    drifted: tuple[Path, Path, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = drifted[2]
    monkeypatch.setenv("DD_API_KEY", "dd-secret-key-123")
    with http_server() as (url, script):
        config = _config({"datadog": True, "datadog_url": url})
        done = deliver(_with(report, config), config)
    assert done.deliveries[0].ok and done.deliveries[0].target == f"{url}/api/v2/series"
    (request,) = script.received
    assert request.path == "/api/v2/series" and request.headers["dd-api-key"] == "dd-secret-key-123"
    series = request.json()["series"]
    ts = int(report.generated_at.timestamp())
    for s in series:
        assert set(s) == {"metric", "type", "points", "tags"} and s["type"] == 3
        assert s["points"] == [{"timestamp": ts, "value": s["points"][0]["value"]}]
        assert "model:credit" in s["tags"] and s["metric"].startswith("driftcli.")
    share = {
        tuple(s["tags"]): s["points"][0]["value"]
        for s in series
        if s["metric"] == "driftcli.dataset.drift_share"
    }
    assert share[("model:credit", "segment:overall")] == report.dataset.drift_share


def test_datadog_default_site_and_missing_key(
    drifted: tuple[Path, Path, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DD_API_KEY", raising=False)
    monkeypatch.setenv("DD_SITE", "datadoghq.eu")
    config = _config({"datadog": True})
    (d,) = deliver(_with(drifted[2], config), config).deliveries
    assert d.target == "https://api.datadoghq.eu/api/v2/series"
    assert not d.ok and d.attempts == 0 and d.error is not None and "DD_API_KEY" in d.error


# --- Failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "delay", "timeout", "ok", "attempts", "error"),
    [
        ([404], 0.0, 5.0, False, 1, "HTTP 404"),  # a 4xx is not retried
        ([500], 0.0, 5.0, False, 3, "HTTP 500"),  # a 5xx is, up to retries + 1 attempts
        ([503, 200], 0.0, 5.0, True, 2, None),  # a passing retry
        ([429, 200], 0.0, 5.0, True, 2, None),
        ([200], 1.0, 0.3, False, 3, "timed out"),  # slower than the timeout
        ([200], 0.3, 5.0, True, 1, None),  # slow but within the timeout
    ],
)
def test_delivery_failures(
    drifted: tuple[Path, Path, Report],
    statuses: list[int],
    delay: float,
    timeout: float,
    ok: bool,
    attempts: int,
    error: str | None,
) -> None:
    with http_server() as (url, script):
        script.statuses, script.delay = statuses, delay
        config = _config({"webhook": url, "timeout_seconds": timeout, "webhook_format": "compact"})
        (d,) = deliver(_with(drifted[2], config), config).deliveries
    assert (d.ok, d.attempts) == (ok, attempts)
    assert (d.error is None) if error is None else (d.error is not None and error in d.error)


def test_server_down_keeps_files_and_verdict_and_masks_secrets(
    drifted: tuple[Path, Path, Report], tmp_path: Path
) -> None:
    from tests.monitoring import free_port

    ref, cur, _ = drifted
    port = free_port()  # nothing listens there
    secret_url = f"http://bot:hunter2pass@127.0.0.1:{port}/services/T0001/B0001/xoxbSECRET1234"
    config = tmp_path / "drift.toml"
    config.write_text(
        'segment_by = ["region"]\n[notify]\nwebhook = "$DRIFT_TEST_WEBHOOK"\n'
        "retries = 1\nbackoff_seconds = 0\n"
    )
    outs = {"json": tmp_path / "s.json", "html": tmp_path / "r.html", "prom": tmp_path / "m.prom"}
    proc = drift(
        "report", ref, cur, "-c", config, "--json", outs["json"], "--html", outs["html"],
        "--prometheus", outs["prom"], env={"DRIFT_TEST_WEBHOOK": secret_url},
    )  # fmt: skip
    assert proc.returncode == 1  # the verdict's exit code stands
    assert all(p.exists() for p in outs.values())
    warning = [line for line in proc.stderr.splitlines() if "delivery" in line]
    assert warning == [
        f"warning: webhook delivery to http://***@127.0.0.1:{port}/services/***/***/*** failed "
        "after 2 attempt(s): connection refused (is the server running?)"
    ]
    doc = json.loads(outs["json"].read_text())
    jsonschema.validate(doc, report_schema())  # deliveries included
    (d,) = doc["deliveries"]
    assert d == {
        "name": "webhook",
        "target": f"http://***@127.0.0.1:{port}/services/***/***/***",
        "ok": False,
        "error": "connection refused (is the server running?)",
        "attempts": 2,
    }
    everything = proc.stdout + proc.stderr + "".join(p.read_text() for p in outs.values())
    for secret in ("hunter2pass", "xoxbSECRET1234", "bot:"):
        assert secret not in everything


def test_no_notification_leaves_the_json_without_deliveries(
    drifted: tuple[Path, Path, Report],
) -> None:
    from driftcli.outputs.json import to_dict

    report = drifted[2]
    assert deliver(report, DriftConfig()) is report
    assert "deliveries" not in to_dict(report)
    assert "notify" not in to_dict(report)["config"]
    assert "prometheus" not in to_dict(report)["config"]


def test_mask_and_scrub() -> None:
    assert mask_url(
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
    ) == ("https://hooks.slack.com/services/***/***/***")
    assert mask_url("http://u:p@127.0.0.1:9091/x?token=abc") == "http://***@127.0.0.1:9091/x?***"
    assert mask_url("http://127.0.0.1:9093") == "http://127.0.0.1:9093"
    assert scrub("failed http://u:pw12@h/ with pw12", ["http://u:pw12@h/"]) == "failed *** with ***"


@pytest.mark.parametrize(
    ("table", "env", "message"),
    [
        ('webhook = "$NO_SUCH_VAR_DRIFT"', {}, "environment variable NO_SUCH_VAR_DRIFT is not set"),
        ('webhook = "ftp://secret@host"', {}, "webhook must start with http:// or https://"),
        ('webhook_format = "teams"', {}, "webhook_format must be one of json, compact, slack"),
        ("retries = 99", {}, "retries must be an integer from 0 to 10"),
        ("alert_labels = { 'bad-name' = 'x' }", {}, "alert_labels must be a table"),
        ("sms = true", {}, "unknown key 'sms'"),
    ],
)
def test_bad_notify_config_is_exit_2(
    drifted: tuple[Path, Path, Report],
    tmp_path: Path,
    table: str,
    env: dict[str, str],
    message: str,
) -> None:
    config = tmp_path / "drift.toml"
    config.write_text(f"[notify]\n{table}\n")
    proc = drift("report", drifted[0], drifted[1], "-c", config, "-q", env=env)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "secret@" not in proc.stderr


def test_flags_override_the_config() -> None:
    config = _config({"webhook": "http://127.0.0.1:1/a"}).with_options(
        webhook="http://127.0.0.1:2/b", alertmanager="http://127.0.0.1:3"
    )
    notify = config.section(NotifyConfig)
    assert notify.webhook == "http://127.0.0.1:2/b" and notify.alertmanager == "http://127.0.0.1:3"


def test_pushgateway_and_alertmanager_down(drifted: tuple[Path, Path, Report]) -> None:
    from tests.monitoring import free_port

    down = f"http://127.0.0.1:{free_port()}"
    config = _config({"pushgateway": down, "alertmanager": down, "retries": 1})
    done = deliver(_with(drifted[2], config), config)
    assert [(d.name, d.ok, d.attempts) for d in done.deliveries] == [
        ("pushgateway", False, 2),
        ("alertmanager", False, 2),
    ]
    assert all(d.error == "connection refused (is the server running?)" for d in done.deliveries)
