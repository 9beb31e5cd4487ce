"""The ``[notify]`` config table: where a run's results are delivered after the run.

Config::

    [notify]
    pushgateway = "http://127.0.0.1:9091"        # push the Prometheus metrics (job="driftcli")
    alertmanager = "http://127.0.0.1:9093"       # post alerts to /api/v2/alerts
    alert_labels = { team = "ml", env = "prod" } # added to every alert (for routing)
    alert_ends_after_seconds = 93600             # endsAt = now + this (26 h: a daily run + grace)
    report_url = "https://ci.example/drift/report.html"  # the report's location in alerts
    webhook = "$SLACK_WEBHOOK_URL"               # a URL, or "$VAR" / "${VAR}" read from the env
    webhook_format = "slack"                     # json (the JSON summary), compact or slack
    datadog = true                               # series to Datadog (DD_API_KEY, DD_SITE)
    timeout_seconds = 10                         # per attempt
    retries = 2                                  # extra attempts after a failure that may pass
    backoff_seconds = 0.5                        # doubled after each failed attempt

``--pushgateway``, ``--alertmanager`` and ``--webhook`` override the file. The table is never
echoed into reports: its URLs may carry secrets.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from driftcli.config import ConfigTable, register_table
from driftcli.errors import ConfigError, reject_unknown_keys

WEBHOOK_FORMATS = ("json", "compact", "slack")
_KEYS = (
    "pushgateway",
    "alertmanager",
    "alert_labels",
    "alert_ends_after_seconds",
    "report_url",
    "webhook",
    "webhook_format",
    "datadog",
    "datadog_url",
    "timeout_seconds",
    "retries",
    "backoff_seconds",
)
_ENV_REF = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


@dataclass(frozen=True)
class NotifyConfig:
    """Delivery targets and how hard to try; every target None means nothing is sent."""

    pushgateway: str | None = None
    alertmanager: str | None = None
    alert_labels: Mapping[str, str] = field(default_factory=dict)
    alert_ends_after_seconds: float = 93_600.0
    report_url: str | None = None
    webhook: str | None = None
    webhook_format: str = "json"
    datadog: bool = False
    #: Override of the Datadog intake base URL (default https://api.$DD_SITE); for proxies.
    datadog_url: str | None = None
    timeout_seconds: float = 10.0
    retries: int = 2
    backoff_seconds: float = 0.5

    @property
    def any(self) -> bool:
        """True when some delivery is configured."""
        return bool(self.pushgateway or self.alertmanager or self.webhook or self.datadog)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (not echoed into reports: URLs may hold secrets)."""
        return {
            "pushgateway": self.pushgateway is not None,
            "alertmanager": self.alertmanager is not None,
            "webhook": self.webhook is not None,
            "datadog": self.datadog,
        }


def resolve_env(value: str, where: str) -> str:
    """``value``, or the environment variable it names as ``$VAR`` / ``${VAR}``."""
    found = _ENV_REF.match(value.strip())
    if found is None:
        return value.strip()
    name = found.group(1) or found.group(2)
    got = os.environ.get(name)
    if not got:
        raise ConfigError(
            f"{where}: environment variable {name} is not set; export it or set the URL"
        )
    return got


def _url(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a URL such as http://127.0.0.1:9091, got {value!r}")
    url = resolve_env(value, where)
    if not url.startswith(("http://", "https://")):
        # The URL may be a secret: name the key, not the value.
        raise ConfigError(f"{where} must start with http:// or https://")
    return url


def _number(value: object, where: str, lo: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{where} must be a number, got {value!r}")
    if value < lo:
        raise ConfigError(f"{where} must be at least {lo}, got {value!r}")
    return float(value)


def notify_config_from_mapping(value: object, source: str) -> NotifyConfig:
    """Validate the ``[notify]`` table."""
    where = f"{source}: [notify]"
    if not isinstance(value, Mapping):
        raise ConfigError(f'{where} must be a table, e.g. alertmanager = "http://127.0.0.1:9093"')
    reject_unknown_keys(value, _KEYS, where)
    kw: dict[str, Any] = {}
    for key in ("pushgateway", "alertmanager", "webhook", "report_url", "datadog_url"):
        if key in value:
            kw[key] = _url(value[key], f"{where} {key}")
    labels = value.get("alert_labels", {})
    if not isinstance(labels, Mapping) or not all(
        isinstance(k, str) and _LABEL_NAME.match(k) and isinstance(v, str)
        for k, v in labels.items()
    ):
        raise ConfigError(
            f'{where} alert_labels must be a table of label = "value" (label names: letters, '
            f"digits, _), got {labels!r}"
        )
    kw["alert_labels"] = dict(labels)
    fmt = value.get("webhook_format", "json")
    if fmt not in WEBHOOK_FORMATS:
        raise ConfigError(
            f"{where} webhook_format must be one of {', '.join(WEBHOOK_FORMATS)}, got {fmt!r}"
        )
    kw["webhook_format"] = fmt
    if "datadog" in value:
        if not isinstance(value["datadog"], bool):
            raise ConfigError(f"{where} datadog must be true or false, got {value['datadog']!r}")
        kw["datadog"] = value["datadog"]
    if "alert_ends_after_seconds" in value:
        kw["alert_ends_after_seconds"] = _number(
            value["alert_ends_after_seconds"], f"{where} alert_ends_after_seconds", 1
        )
    if "timeout_seconds" in value:
        kw["timeout_seconds"] = _number(value["timeout_seconds"], f"{where} timeout_seconds", 0.001)
    if "backoff_seconds" in value:
        kw["backoff_seconds"] = _number(value["backoff_seconds"], f"{where} backoff_seconds", 0)
    if "retries" in value:
        retries = value["retries"]
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 10:
            raise ConfigError(f"{where} retries must be an integer from 0 to 10, got {retries!r}")
        kw["retries"] = retries
    return NotifyConfig(**kw)


_FLAGS = ("pushgateway", "alertmanager", "webhook")


def _options(table: NotifyConfig, flags: Mapping[str, Any]) -> NotifyConfig | None:
    given: dict[str, Any] = {
        k: _url(flags[k], f"--{k}") for k in _FLAGS if flags.get(k) is not None
    }
    return replace(table, **given) if given else None


NOTIFY_TABLE = register_table(
    ConfigTable(
        "notify",
        NotifyConfig,
        notify_config_from_mapping,
        "[notify] table: pushgateway, alertmanager, webhook, datadog URLs, retries, timeouts",
        options=_options,
        option_names=_FLAGS,
        echo=False,
    )
)
