"""The retraining trigger: ``[trigger.airflow]`` starts a DAG run through Airflow's REST API
when a run ends with the configured outcome.

Config::

    [trigger.airflow]
    url = "http://airflow.internal:8080"   # or "$AIRFLOW_URL"
    dag_id = "driftcli_retrain"
    api = "v2"                 # v2: Airflow 3 (/api/v2, bearer token); v1: Airflow 2 (/api/v1)
    on = "fail"                # fail (a breach), drift (dataset drift anywhere), always
    token_env = "AIRFLOW_TOKEN"            # v2 (or v1 with a token auth backend)
    username_env = "AIRFLOW_USER"          # v1 basic auth ...
    password_env = "AIRFLOW_PASSWORD"      # ... both read from the environment

The DAG run's ``conf`` carries the verdict, the breaches, the drifted columns and segments and
the report paths (see :func:`dag_run_body`). Airflow 3's body is strict (no unknown keys) and
needs ``logical_date`` (null: "now"); Airflow 2's takes ``dag_run_id``, ``conf`` and ``note``.
"""

from __future__ import annotations

import base64
import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from driftcli.config import ConfigTable, register_table
from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.notify.config import resolve_env
from driftcli.results.report import Report
from driftcli.results.vocabulary import Outcome

APIS = ("v1", "v2")
OUTCOMES = ("fail", "drift", "always")
_KEYS = ("url", "dag_id", "api", "on", "token_env", "username_env", "password_env")
_DAG_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")


@dataclass(frozen=True)
class AirflowTrigger:
    """Where and when to start a DAG run; ``url`` None means no trigger."""

    url: str | None = None
    dag_id: str = ""
    api: str = "v2"
    on: str = "fail"
    token_env: str | None = None
    username_env: str | None = None
    password_env: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (not echoed into reports)."""
        return {"dag_id": self.dag_id, "api": self.api, "on": self.on}


@dataclass(frozen=True)
class TriggerConfig:
    """The ``[trigger]`` table: one sub-table per system (``[trigger.airflow]``)."""

    airflow: AirflowTrigger = AirflowTrigger()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (not echoed into reports)."""
        return {"airflow": self.airflow.to_dict()}


def _parse(value: object, source: str) -> TriggerConfig:
    where = f"{source}: [trigger]"
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table with [trigger.airflow]")
    reject_unknown_keys(value, ("airflow",), where)
    table = value.get("airflow", {})
    where = f"{source}: [trigger.airflow]"
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table")
    reject_unknown_keys(table, _KEYS, where)
    url = table.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f'{where}: url is required, e.g. url = "http://127.0.0.1:8080"')
    url = resolve_env(url, f"{where} url")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: url must start with http:// or https://")
    dag_id = table.get("dag_id")
    if not isinstance(dag_id, str) or not _DAG_ID.match(dag_id):
        raise ConfigError(
            f"{where}: dag_id must be a DAG id (letters, digits, _ . -), got {dag_id!r}"
        )
    api = table.get("api", "v2")
    if api not in APIS:
        raise ConfigError(f"{where}: api must be v1 (Airflow 2) or v2 (Airflow 3), got {api!r}")
    on = table.get("on", "fail")
    if on not in OUTCOMES:
        raise ConfigError(f"{where}: on must be one of {', '.join(OUTCOMES)}, got {on!r}")
    envs: dict[str, str | None] = {}
    for key in ("token_env", "username_env", "password_env"):
        name = table.get(key)
        if name is not None and (not isinstance(name, str) or not re.match(r"^\w+$", name)):
            raise ConfigError(f"{where}: {key} must name an environment variable, got {name!r}")
        envs[key] = name
    if (envs["username_env"] is None) != (envs["password_env"] is None):
        raise ConfigError(f"{where}: set both username_env and password_env, or neither")
    return TriggerConfig(AirflowTrigger(url.rstrip("/"), dag_id, api, on, **envs))


register_table(
    ConfigTable(
        "trigger",
        TriggerConfig,
        _parse,
        "[trigger.airflow] table: start an Airflow DAG run (url, dag_id, api, on, auth env)",
        echo=False,
    )
)


def should_trigger(report: Report, on: str) -> bool:
    """True when the run's outcome is one ``on`` asks for."""
    if on == "always":
        return True
    if on == "drift":
        return report.dataset.drifted or any(
            s.dataset is not None and s.dataset.drifted for s in report.segments
        )
    return report.status is Outcome.FAIL


def dag_run_conf(
    report: Report, model: str, outputs: Mapping[str, str], location: str | None
) -> dict[str, Any]:
    """The DAG run's ``conf``: what the retraining DAG needs to decide and to find the data."""
    return {
        "model": model,
        "status": report.status.value,
        "exit_code": int(report.exit_code),
        "generated_at": report.generated_at.isoformat().replace("+00:00", "Z"),
        "breaches": list(report.breaches),
        "drift_share": report.dataset.drift_share,
        "drifted_columns": [c.column for c in report.drifted_columns],
        "drifted_segments": [
            s.label for s in report.segments if s.dataset is not None and s.dataset.drifted
        ],
        "reference": report.reference.source,
        "current": report.current.source,
        "reports": {k: v for k, v in outputs.items() if v != "-"},
        "report": location,
    }


def dag_run_body(
    trigger: AirflowTrigger, conf: Mapping[str, Any], model: str, now: datetime
) -> dict[str, Any]:
    """The POST body for ``/api/{v1,v2}/dags/{dag_id}/dagRuns``."""
    stamp = now.strftime("%Y%m%dT%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9_.\-]", "_", model)
    body: dict[str, Any] = {
        "dag_run_id": f"driftcli__{safe}__{stamp}",
        "conf": dict(conf),
        "note": f"started by driftcli: drift report {conf['status']} for {model}",
    }
    if trigger.api == "v2":
        body["logical_date"] = None  # required (nullable) by Airflow 3's strict body
    return body


def dag_runs_url(trigger: AirflowTrigger) -> str:
    """The dagRuns endpoint of the configured API version."""
    dag = urllib.parse.quote(trigger.dag_id, safe="")
    return f"{trigger.url}/api/{trigger.api}/dags/{dag}/dagRuns"


def auth_headers(trigger: AirflowTrigger) -> dict[str, str]:
    """``Authorization`` from the environment: a bearer token, or basic user and password."""
    # Here, not at the top: the HTTP client loads only when a delivery is made.
    from driftcli.notify.http import DeliveryError

    if trigger.token_env is not None:
        token = os.environ.get(trigger.token_env)
        if not token:
            raise DeliveryError(f"environment variable {trigger.token_env} is not set", 0)
        return {"Authorization": f"Bearer {token}"}
    if trigger.username_env is not None and trigger.password_env is not None:
        user = os.environ.get(trigger.username_env)
        password = os.environ.get(trigger.password_env)
        if not user or password is None:
            missing = trigger.username_env if not user else trigger.password_env
            raise DeliveryError(f"environment variable {missing} is not set", 0)
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}
    return {}


def trigger_secrets(trigger: AirflowTrigger) -> list[str | None]:
    """The values a message must never show."""
    names = (trigger.token_env, trigger.username_env, trigger.password_env)
    return [trigger.url] + [os.environ.get(n) for n in names if n is not None]
