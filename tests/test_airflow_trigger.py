"""The Airflow retraining trigger: the DAG-run request for Airflow 2 (/api/v1, basic auth) and
Airflow 3 (/api/v2, bearer token, strict body) checked on a local HTTP server. The run in a
real Airflow 3 is tests/test_airflow_real.py; Airflow 2 is checked here only."""

from __future__ import annotations

import ast
import base64
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from driftcli import DriftConfig, Report, run_report
from driftcli.config import config_from_mapping
from driftcli.notify import deliver
from tests.conftest import make_frame
from tests.monitoring import ROOT, drift, http_server

#: Fields of Airflow 3's TriggerDAGRunPostBody (strict: anything else is rejected);
#: logical_date is required and may be null (apache/airflow core_api datamodels/dag_run.py).
V2_FIELDS = {
    "dag_run_id",
    "data_interval_start",
    "data_interval_end",
    "logical_date",
    "run_after",
    "conf",
    "note",
    "partition_key",
}
#: Airflow 2's DAGRun POST fields (stable REST API v1).
V1_FIELDS = {"dag_run_id", "logical_date", "execution_date", "data_interval_start",
             "data_interval_end", "conf", "note"}  # fmt: skip


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Report]:
    tmp = tmp_path_factory.mktemp("airflow")
    ref, cur = tmp / "ref.parquet", tmp / "cur.parquet"
    make_frame(600, 1).write_parquet(ref)
    make_frame(500, 2, shift=1.0, mobile=0.6).write_parquet(cur)
    return ref, cur, run_report(ref, cur, DriftConfig(segment_by=("region",)))


def _config(url: str, **airflow: Any) -> DriftConfig:
    table = {"url": url, "dag_id": "driftcli_retrain", **airflow}
    return config_from_mapping(
        {"segment_by": ["region"], "trigger": {"airflow": table}, "prometheus": {"model": "loans"}}
    )


def test_airflow_3_request(
    pair: tuple[Path, Path, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_TOKEN", "jwt-secret-token")
    report = pair[2]
    with http_server() as (url, script):
        config = _config(url, api="v2", token_env="AIRFLOW_TOKEN")
        outputs = {"json": "out/summary.json", "html": "out/report.html"}
        done = deliver(replace(report, config=config), config, "out/report.html", outputs)
    (d,) = done.deliveries
    assert (d.name, d.ok, d.attempts) == ("airflow", True, 1)
    assert d.target == f"{url}/api/v2/dags/driftcli_retrain/dagRuns"
    (request,) = script.received
    assert request.method == "POST" and request.path == "/api/v2/dags/driftcli_retrain/dagRuns"
    assert request.headers["authorization"] == "Bearer jwt-secret-token"
    body = request.json()
    assert set(body) <= V2_FIELDS and "logical_date" in body and body["logical_date"] is None
    assert body["dag_run_id"].startswith("driftcli__loans__")
    conf = body["conf"]
    assert conf["status"] == "fail" and conf["exit_code"] == 1 and conf["model"] == "loans"
    assert conf["breaches"] == list(report.breaches)
    assert conf["drifted_columns"] == [c.column for c in report.drifted_columns]
    assert conf["reports"] == outputs and conf["report"] == "out/report.html"
    assert conf["current"] == report.current.source
    assert "jwt-secret-token" not in json.dumps(done.deliveries[0].to_dict())


def test_airflow_2_request(
    pair: tuple[Path, Path, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AF_USER", "admin")
    monkeypatch.setenv("AF_PASSWORD", "pa55word")
    with http_server() as (url, script):
        config = _config(url, api="v1", username_env="AF_USER", password_env="AF_PASSWORD")
        deliver(replace(pair[2], config=config), config)
    (request,) = script.received
    assert request.path == "/api/v1/dags/driftcli_retrain/dagRuns"
    assert (
        request.headers["authorization"] == "Basic " + base64.b64encode(b"admin:pa55word").decode()
    )
    body = request.json()
    assert set(body) == {"dag_run_id", "conf", "note"} and set(body) <= V1_FIELDS


def test_not_triggered_on_a_passing_run(pair: tuple[Path, Path, Report]) -> None:
    ref = pair[0]
    passing = run_report(ref, ref, DriftConfig(segment_by=("region",)))
    with http_server() as (url, script):
        config = _config(url, on="fail")
        done = deliver(replace(passing, config=config), config)
        assert done.deliveries == () and script.received == []
        config = _config(url, on="always")
        done = deliver(replace(passing, config=config), config)
    assert [d.ok for d in done.deliveries] == [True]
    assert script.received[0].json()["conf"]["status"] == "pass"


def test_cli_trigger_and_a_missing_token(pair: tuple[Path, Path, Report], tmp_path: Path) -> None:
    ref, cur, _ = pair
    with http_server() as (url, script):
        config = tmp_path / "drift.toml"
        config.write_text(
            'segment_by = ["region"]\n'
            f'[trigger.airflow]\nurl = "{url}"\ndag_id = "driftcli_retrain"\n'
            'token_env = "DRIFT_TEST_AIRFLOW_TOKEN"\n'
        )
        summary = tmp_path / "s.json"
        proc = drift("report", ref, cur, "-c", config, "--json", summary, "-q",
                     env={"DRIFT_TEST_AIRFLOW_TOKEN": "tok-123"})  # fmt: skip
        assert proc.returncode == 1, proc.stderr
        assert script.received[0].json()["conf"]["reports"] == {"json": str(summary)}
        # Without the token: the delivery fails (reported), the files are written, exit 1.
        proc = drift("report", ref, cur, "-c", config, "--json", summary, "-q",
                     env={"DRIFT_TEST_AIRFLOW_TOKEN": ""})  # fmt: skip
    assert proc.returncode == 1
    assert (
        "airflow delivery" in proc.stderr and "DRIFT_TEST_AIRFLOW_TOKEN is not set" in proc.stderr
    )
    (d,) = json.loads(summary.read_text())["deliveries"]
    assert d["ok"] is False and d["attempts"] == 0


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('dag_id = "x"', "url is required"),
        ('url = "http://h"\ndag_id = "a b"', "dag_id must be a DAG id"),
        ('url = "http://h"\ndag_id = "d"\napi = "v3"', "api must be v1 (Airflow 2) or v2"),
        ('url = "http://h"\ndag_id = "d"\non = "sometimes"', "on must be one of fail, drift"),
        ('url = "http://h"\ndag_id = "d"\nusername_env = "U"', "set both username_env"),
    ],
)
def test_bad_trigger_table_is_exit_2(
    pair: tuple[Path, Path, Report], tmp_path: Path, table: str, message: str
) -> None:
    config = tmp_path / "drift.toml"
    config.write_text(f"[trigger.airflow]\n{table}\n")
    proc = drift("report", pair[0], pair[1], "-c", config, "-q")
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_sample_dag_parses_and_reads_the_conf() -> None:
    source = (ROOT / "deploy" / "airflow" / "driftcli_retrain.py").read_text()
    tree = ast.parse(source)
    assert 'dag_id="driftcli_retrain"' in source
    tasks = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert {"snapshot", "validate", "retrain", "canary"} <= tasks
    for key in ("drifted_columns", "current", "model", "status"):
        assert f'"{key}"' in source
