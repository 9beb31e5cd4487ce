"""The Airflow retraining trigger against a real Airflow 3: the ``apache-airflow`` package from
PyPI in its own virtual environment (``deploy/airflow/run_local_airflow.sh --install-only``
creates it under ``.cache/airflow-venv``), started on loopback in a temporary AIRFLOW_HOME
(SQLite, LocalExecutor) with the sample DAG ``deploy/airflow/driftcli_retrain.py``.

``drift report`` on the sample data triggers the DAG through ``[trigger.airflow]`` (a bearer
token from the environment, as the README documents); the test reads the DAG run back through
Airflow's REST API (its ``conf`` and note), waits for the sample DAG's four tasks to succeed
and reads what its first task returned from the conf.

Without the Airflow venv the test skips, except under CI=true where it fails. One command:
``deploy/airflow/run_local_airflow.sh`` (installs the venv when missing, then runs this file).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.monitoring import IN_CI, ROOT, drift, free_port

pytestmark = pytest.mark.airflow
T = TypeVar("T")

VENV = Path(os.environ.get("DRIFT_AIRFLOW_VENV", ROOT / ".cache" / "airflow-venv"))
DAG = ROOT / "deploy" / "airflow" / "driftcli_retrain.py"
DAG_ID = "driftcli_retrain"
USER = "driftcli"
#: Start-up (DB migration, API server, DAG parsing) took 28 to 33 s on 2 busy cores.
START_TIMEOUT = 300.0
RUN_TIMEOUT = 300.0


def airflow_exe() -> Path:
    """The venv's ``airflow``; skip (fail under CI=true) when the venv is missing."""
    exe = VENV / "bin" / "airflow"
    if not exe.exists():
        reason = (
            f"no Airflow virtual environment at {VENV} "
            "(deploy/airflow/run_local_airflow.sh --install-only creates it)"
        )
        if IN_CI:
            pytest.fail(f"CI=true but {reason}; .ci/run creates it")
        pytest.skip(reason)
    return exe


def call(
    method: str, url: str, token: str | None = None, body: Any = None, timeout: float = 30
) -> tuple[int, Any]:
    """One JSON request; (status, decoded body). HTTP errors are returned, not raised."""
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode("utf-8", "replace")


@dataclass
class Airflow:
    """A running local Airflow: its base URL, an API token and its folders."""

    url: str
    token: str
    home: Path
    timings: dict[str, float]

    def get(self, path: str) -> tuple[int, Any]:
        return call("GET", f"{self.url}{path}", self.token)

    def logs(self) -> str:
        """The tail of every component's log, for a failure message."""
        parts = []
        for log in sorted(self.home.glob("*.log")):
            parts.append(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}")
        return "\n".join(parts)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop each component and the workers it started (its own process group)."""
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait(what: str, check: Callable[[], T | None], logs: Callable[[], str], timeout: float) -> T:
    """Poll ``check()`` until it returns something truthy; fail with the logs on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    pytest.fail(f"{what} not seen after {timeout:.0f} s\n{logs()}")


@contextlib.contextmanager
def local_airflow(home: Path) -> Iterator[Airflow]:
    """Airflow 3 on a free loopback port: ``db migrate``, then the API server, the scheduler
    and the DAG processor, each in its own process group, stopped at the end."""
    exe = airflow_exe()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    dags = home / "dags"
    dags.mkdir(parents=True)
    shutil.copy(DAG, dags / DAG.name)
    password = secrets.token_urlsafe(16)
    (home / "passwords.json").write_text(json.dumps({USER: password}))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")},
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "2",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        "AIRFLOW__CORE__AUTH_MANAGER": (
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),  # >= 64 bytes for HS512
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__API__BASE_URL": url,
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    timings: dict[str, float] = {}
    start = time.monotonic()
    migrate = subprocess.run(
        [str(exe), "db", "migrate"], env=env, cwd=home, capture_output=True, text=True, timeout=600
    )
    assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-2000:]
    timings["db migrate"] = time.monotonic() - start
    procs: list[subprocess.Popen[bytes]] = []
    commands = {
        "api-server": ["api-server", "--host", "127.0.0.1", "--port", str(port)],
        "scheduler": ["scheduler"],
        "dag-processor": ["dag-processor"],
    }
    try:
        for name, args in commands.items():
            with (home / f"{name}.log").open("wb") as log:
                procs.append(
                    subprocess.Popen(
                        [str(exe), *args],
                        env=env,
                        cwd=home,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        airflow = Airflow(url, "", home, timings)

        def token() -> str | None:
            for proc in procs:
                if proc.poll() is not None:
                    pytest.fail(f"{proc.args!r} exited with {proc.returncode}\n{airflow.logs()}")
            try:
                status, body = call(
                    "POST", f"{url}/auth/token", body={"username": USER, "password": password}
                )
            except OSError:
                return None
            return str(body["access_token"]) if status in (200, 201) else None

        airflow.token = _wait("the API server", token, airflow.logs, START_TIMEOUT)
        timings["api server up"] = time.monotonic() - start

        def dag_parsed() -> bool:
            status, body = airflow.get(f"/api/v2/dags/{DAG_ID}")
            return status == 200 and body["is_paused"] is False

        _wait(f"DAG {DAG_ID}", dag_parsed, airflow.logs, START_TIMEOUT)
        timings["dag parsed"] = time.monotonic() - start
        yield airflow
    finally:
        stopping = time.monotonic()
        _stop(procs)
        timings["stop"] = time.monotonic() - stopping
        print("airflow timings (s):", {k: round(v, 1) for k, v in timings.items()})


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Airflow]:
    with local_airflow(tmp_path_factory.mktemp("airflow-home")) as running:
        yield running


def test_drift_report_starts_the_sample_dag_in_a_real_airflow(
    airflow: Airflow, tmp_path: Path
) -> None:
    config = tmp_path / "drift.toml"
    config.write_text(
        (ROOT / "sample_data" / "drift.toml").read_text()
        + f'\n[trigger.airflow]\nurl = "$DRIFT_TEST_AIRFLOW_URL"\ndag_id = "{DAG_ID}"\n'
        'api = "v2"\non = "fail"\ntoken_env = "DRIFT_TEST_AIRFLOW_TOKEN"\n'
    )
    summary, html = tmp_path / "summary.json", tmp_path / "report.html"
    started = time.monotonic()
    proc = drift(
        "report",
        ROOT / "sample_data" / "reference.parquet",
        ROOT / "sample_data" / "current.parquet",
        "--config", config, "--model-name", "loans",
        "--json", summary, "--html", html, "-q",
        env={"DRIFT_TEST_AIRFLOW_URL": airflow.url, "DRIFT_TEST_AIRFLOW_TOKEN": airflow.token},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr  # the sample breaches: on = "fail" triggers
    assert "airflow delivery" not in proc.stderr, proc.stderr
    report = json.loads(summary.read_text())
    (delivery,) = report["deliveries"]
    assert delivery["name"] == "airflow" and delivery["ok"] is True, delivery
    assert delivery["target"] == f"{airflow.url}/api/v2/dags/{DAG_ID}/dagRuns"
    assert delivery["attempts"] == 1
    assert airflow.token not in summary.read_text() and airflow.token not in proc.stderr

    # The DAG run, read back through Airflow's REST API.
    status, runs = airflow.get(f"/api/v2/dags/{DAG_ID}/dagRuns")
    assert status == 200, runs
    (listed,) = runs["dag_runs"]
    run_id = listed["dag_run_id"]
    assert run_id.startswith("driftcli__loans__")
    assert listed["run_type"] == "manual"
    conf = listed["conf"]
    drifted = [c["column"] for c in report["columns"] if c["drifted"] and c["role"] == "feature"]
    assert conf["model"] == "loans"
    assert conf["status"] == report["status"] == "fail" and conf["exit_code"] == 1
    assert conf["breaches"] == report["breaches"] and conf["breaches"]
    assert sorted(conf["drifted_columns"]) == sorted(drifted)
    assert {"income", "channel", "credit_score", "loan_amount"} <= set(drifted)
    assert conf["drift_share"] == report["dataset"]["drift_share"]
    assert "region=south" in conf["drifted_segments"]
    assert conf["reports"] == {"json": str(summary), "html": str(html)}
    assert conf["report"] == str(html)
    assert conf["current"].endswith("sample_data/current.parquet")
    assert conf["reference"].endswith("sample_data/reference.parquet")
    assert listed["note"] == "started by driftcli: drift report fail for loans"

    # The sample DAG runs to the end on that conf: snapshot -> validate -> retrain -> canary.
    def finished() -> dict[str, Any] | None:
        status, run = airflow.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")
        assert status == 200, run
        return run if run["state"] in ("success", "failed") else None

    run = _wait(f"the end of DAG run {run_id}", finished, airflow.logs, RUN_TIMEOUT)
    airflow.timings["dag run"] = time.monotonic() - started
    status, tis = airflow.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")
    assert status == 200, tis
    states = {ti["task_id"]: ti["state"] for ti in tis["task_instances"]}
    assert run["state"] == "success", f"{states}\n{airflow.logs()}"
    assert states == dict.fromkeys(("snapshot", "validate", "retrain", "canary"), "success")
    status, xcom = airflow.get(
        f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/snapshot/xcomEntries/return_value"
    )
    assert status == 200, xcom
    value = xcom["value"]
    snapshot = json.loads(value) if isinstance(value, str) else value
    assert snapshot["model"] == "loans" and snapshot["drifted_columns"] == conf["drifted_columns"]
    assert snapshot["data"] == conf["current"] and snapshot["report"] == str(html)
