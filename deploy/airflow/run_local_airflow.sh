#!/usr/bin/env bash
# The Airflow retraining trigger against a real Airflow, in one command:
#   deploy/airflow/run_local_airflow.sh                 # create the venv if missing, run the test
#   deploy/airflow/run_local_airflow.sh --install-only  # only create the venv (.ci/run uses it)
# The venv (apache-airflow from PyPI, pinned below; no constraints file) lives in
# .cache/airflow-venv, or $DRIFT_AIRFLOW_VENV, apart from driftcli's .venv. The test
# (tests/test_airflow_real.py) starts Airflow on a free loopback port in a temporary
# AIRFLOW_HOME with SQLite and the sample DAG, runs `drift report` with [trigger.airflow]
# and reads the DAG run back through Airflow's REST API.
set -euo pipefail
cd "$(dirname "$0")/../.."
AIRFLOW_VERSION="${AIRFLOW_VERSION:-3.3.2}"
venv="${DRIFT_AIRFLOW_VENV:-$PWD/.cache/airflow-venv}"
stamp="$venv/.driftcli-airflow-version"
if [ ! -x "$venv/bin/airflow" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$AIRFLOW_VERSION" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "apache-airflow==$AIRFLOW_VERSION"
    echo "$AIRFLOW_VERSION" >"$stamp"
fi
if [ "${1:-}" = "--install-only" ]; then
    exit 0
fi
export DRIFT_AIRFLOW_VENV="$venv"
exec .venv/bin/python -m pytest -m airflow tests/test_airflow_real.py -v -s "$@"
