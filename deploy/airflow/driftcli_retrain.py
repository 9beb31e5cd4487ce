"""A retraining DAG that driftcli's ``[trigger.airflow]`` starts: snapshot the data the drift
report flagged, validate it, retrain, then deploy the new model as a canary.

driftcli posts a DAG run with this ``conf`` (see driftcli/notify/airflow.py, dag_run_conf):
``model``, ``status`` (fail/pass), ``exit_code``, ``generated_at``, ``breaches``,
``drift_share``, ``drifted_columns``, ``drifted_segments``, ``reference``, ``current`` (the
data sources), ``reports`` (format -> path) and ``report``.

Copy to your Airflow ``dags/`` folder and replace the task bodies with your pipeline. Written
for Airflow 2.x and 3.x (TaskFlow API). tests/test_airflow_real.py runs it in a real Airflow
3.3.2 started by the test (a run triggered by ``drift report``, all four tasks succeed);
tests/test_airflow_trigger.py checks the request against both REST API versions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

try:  # Airflow 3: the task SDK
    from airflow.sdk import dag, task
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task


@dag(
    dag_id="driftcli_retrain",
    schedule=None,  # started by driftcli (or by hand), never on a timer
    start_date=datetime(2025, 1, 1),
    catchup=False,
    tags=["driftcli", "retraining"],
    params={},
)
def driftcli_retrain() -> None:
    @task
    def snapshot(**context: Any) -> dict[str, Any]:
        """Freeze the current data the report was run on (copy or tag it) for training."""
        conf = context["dag_run"].conf or {}
        return {
            "model": conf.get("model", "default"),
            "data": conf.get("current"),
            "drifted_columns": conf.get("drifted_columns", []),
            "status": conf.get("status"),
            "report": conf.get("report"),
        }

    @task
    def validate(snap: dict[str, Any]) -> dict[str, Any]:
        """Refuse to train on broken data: e.g. run `drift report` with [integrity] on it."""
        if not snap["data"]:
            raise ValueError("no current data in the DAG run's conf")
        return snap

    @task
    def retrain(snap: dict[str, Any]) -> str:
        """Train a candidate on the snapshot; return its id in your model registry."""
        return f"{snap['model']}-candidate-{datetime.now():%Y%m%d%H%M}"

    @task
    def canary(candidate: str) -> None:
        """Deploy the candidate to a small share of traffic; promote after it holds."""
        print(f"canary deployment of {candidate}")

    canary(retrain(validate(snapshot())))


driftcli_retrain()
