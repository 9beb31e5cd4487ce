"""The shipped alert rules and Grafana dashboard: the rules pass promtool's checks and unit
tests (deploy/prometheus/driftcli-rules.test.yml), and every rule expression and dashboard
query names only metrics the exporter writes."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from driftcli.outputs.prometheus import METRICS
from tests.monitoring import ROOT, binary

DEPLOY = ROOT / "deploy"
RULES = DEPLOY / "prometheus" / "driftcli-rules.yml"
RULE_TESTS = DEPLOY / "prometheus" / "driftcli-rules.test.yml"
DASHBOARD = DEPLOY / "grafana" / "driftcli-dashboard.json"
METRIC_NAME = re.compile(r"\bdriftcli_[a-z0-9_]+")
#: The alerts the rules define, each with a unit test.
ALERTS = {
    "DriftcliDatasetDrift",
    "DriftcliDriftShareHigh",
    "DriftcliModelMetricDrop",
    "DriftcliIntegrityFailure",
    "DriftcliStale",
}


def _promtool(*args: str | Path) -> str:
    proc = subprocess.run(
        [binary("promtool"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=RULES.parent,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def test_rules_parse_and_pass_their_unit_tests() -> None:
    assert "SUCCESS: 5 rules found" in _promtool("check", "rules", RULES)
    assert "SUCCESS" in _promtool("test", "rules", RULE_TESTS)
    text = RULES.read_text()
    assert set(re.findall(r"- alert: (\w+)", text)) == ALERTS
    tested = set(re.findall(r"alertname: (\w+)", RULE_TESTS.read_text()))
    assert tested == ALERTS


def test_rules_name_only_exported_metrics() -> None:
    exprs = [line for line in RULES.read_text().splitlines() if not line.lstrip().startswith("#")]
    names = set(METRIC_NAME.findall("\n".join(exprs)))
    assert names and names <= set(METRICS)


def _queries(dashboard: dict[str, Any]) -> list[str]:
    out = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    for var in dashboard["templating"]["list"]:
        if var["type"] == "query":
            out.append(var["query"]["query"])
    return out


def test_dashboard_queries_name_exported_metrics() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "driftcli-overview"  # stable: links and provisioning use it
    queries = _queries(dashboard)
    assert all(METRIC_NAME.search(q) for q in queries), "a query names no driftcli metric"
    names = {n for q in queries for n in METRIC_NAME.findall(q)}
    assert names <= set(METRICS)
    # The panels the issue asks for.
    titles = " | ".join(p["title"] for p in dashboard["panels"]).lower()
    for what in ("drift share over time", "per-column drift scores by segment", "model metrics",
                 "run status", "since the last completed run"):  # fmt: skip
        assert what in titles
    # Every panel and target reads the data source variable; ids are unique.
    assert all(p["datasource"]["uid"] == "${DS_PROMETHEUS}" for p in dashboard["panels"])
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert variables == {"DS_PROMETHEUS", "model", "segment"}


def test_provisioning_points_at_the_dashboard_folder() -> None:
    provider = (DEPLOY / "grafana" / "provisioning" / "dashboards" / "driftcli.yaml").read_text()
    assert "apiVersion: 1" in provider and "type: file" in provider
    path = re.search(r"path: (\S+)", provider)
    assert path is not None and path.group(1) == "/var/lib/grafana/dashboards/driftcli"
    compose = (DEPLOY / "docker-compose.yml").read_text()
    assert "./grafana/driftcli-dashboard.json:/var/lib/grafana/dashboards/driftcli/" in compose
    assert "./prometheus/driftcli-rules.yml:" in compose


def test_stack_configs_are_valid() -> None:
    """The Prometheus and Alertmanager configs of deploy/docker-compose.yml."""
    assert "SUCCESS: 2 rule files found" in _promtool("check", "config", "prometheus.yml")
    proc = subprocess.run(
        [binary("amtool"), "check-config", str(DEPLOY / "alertmanager" / "alertmanager.yml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and "SUCCESS" in proc.stdout, proc.stdout + proc.stderr


FLEET_RULES = DEPLOY / "prometheus" / "driftcli-fleet-rules.yml"
FLEET_RULE_TESTS = DEPLOY / "prometheus" / "driftcli-fleet-rules.test.yml"
FLEET_ALERTS = {"DriftcliFleetModelStale", "DriftcliFleetModelEscalated", "DriftcliFleetModelDown"}


def test_fleet_rules_pass_their_unit_tests_and_name_only_fleet_metrics() -> None:
    """The fleet's rules (on fleet.prom) route by the labels the fleet writes: fleet, model,
    tier, owner; each alert has a unit test, and every metric they read is one fleet.prom
    holds."""
    from driftcli.fleet.outputs import FLEET_METRICS

    assert "SUCCESS: 3 rules found" in _promtool("check", "rules", FLEET_RULES)
    assert "SUCCESS" in _promtool("test", "rules", FLEET_RULE_TESTS)
    text = FLEET_RULES.read_text()
    assert set(re.findall(r"- alert: (\w+)", text)) == FLEET_ALERTS
    assert set(re.findall(r"alertname: (\w+)", FLEET_RULE_TESTS.read_text())) == FLEET_ALERTS
    exprs = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    names = set(METRIC_NAME.findall("\n".join(exprs)))
    assert names and names <= set(FLEET_METRICS)
    assert all("by (fleet, model, tier, owner)" in e for e in exprs if "expr:" in e)
