"""The ``[history]`` config table: where runs are remembered, and the rules across runs.

Config::

    history = "sqlite:///drift-history.db"     # the short form: just the store's URL

    [history]                                  # or the table
    url = "postgresql://drift@db.internal/drift"
    model = "churn"            # the model runs are filed under (default: config file stem)
    on_duplicate = "refuse"    # refuse | replace | append: the same batch recorded again
    run_key = "2025-03-01"     # explicit idempotency key (default: the inputs' fingerprint)
    trend_runs = 10            # past runs shown beside this one
    max_gap = "36h"            # a longer gap between two runs breaks a streak

    [[history.rules]]
    drift_share_above = 0.3    # dataset drift share above 0.3 ...
    runs = 3                   # ... in 3 consecutive runs (this one included)
    severity = "fail"          # warn | fail

    [[history.rules]]
    column = "income"
    drifted_in = 3             # drifted in 3 ...
    of_last = 5                # ... of the last 5 runs

    [[history.rules]]
    metric = "accuracy"
    below = 0.7                # (or above = ... for error metrics)
    runs = 2

Flags: ``--history URL``, ``--model-name``, ``--run-key``, ``--on-duplicate``. The runs of the
store itself (``past``) are loaded by :mod:`driftcli.history` before a run and carried here,
so the section computes from its config like every other section.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.results.vocabulary import Severity, check_severity

ON_DUPLICATE: tuple[str, ...] = ("refuse", "replace", "append")
DEFAULT_TREND_RUNS = 10

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: object, where: str) -> timedelta:
    """``"36h"``, ``"90d"``, ``"2w"`` (s, m, h, d, w) as a timedelta; ConfigError otherwise."""
    m = _DURATION.match(text) if isinstance(text, str) else None
    if m is None:
        raise ConfigError(
            f"{where}: expected a duration such as 36h, 90d or 2w (units s, m, h, d, w), "
            f"got {text!r}"
        )
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (``postgresql://user:***@host/db``), in
    the user part and in a ``password=`` query parameter (libpq's URI form)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.query:
        query = _QUERY_SECRET.sub(r"\1***", parts.query)
        parts = parts._replace(query=query)
        url = urlunsplit(parts)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


_QUERY_SECRET = re.compile(r"((?:^|&)(?:password|passfile|sslpassword)=)[^&]*", re.IGNORECASE)

#: URL schemes of the history store backends.
SCHEMES: tuple[str, ...] = ("sqlite", "postgresql", "postgres")


def check_url(url: str) -> None:
    """ConfigError unless ``url`` is ``sqlite:///path`` or ``postgresql://...``."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in SCHEMES:
        raise ConfigError(
            f"history: {mask_url(url)} is not a store URL; use sqlite:///drift-history.db "
            "(relative), sqlite:////abs/path.db or postgresql://user@host/db"
        )
    if scheme.lower() == "sqlite" and (not rest.startswith("/") or rest == "/"):
        raise ConfigError(
            f"history: {url}: expected sqlite:///relative/path.db or sqlite:////abs/path.db"
        )


@dataclass(frozen=True)
class HistoryRule:
    """One rule across runs; exactly one of ``drift_share_above``, ``column``, ``metric``."""

    drift_share_above: float | None = None
    column: str | None = None
    metric: str | None = None
    runs: int | None = None  # consecutive runs (drift share, metric)
    drifted_in: int | None = None  # column: drifted in this many ...
    of_last: int | None = None  # ... of the last this many runs
    below: float | None = None  # metric: below this level ...
    above: float | None = None  # ... or above it (error metrics)
    severity: Severity = Severity.FAIL

    @property
    def kind(self) -> str:
        """``drift_share``, ``column`` or ``metric``."""
        if self.drift_share_above is not None:
            return "drift_share"
        return "column" if self.column is not None else "metric"

    @property
    def window(self) -> int:
        """How many runs (this one included) the rule looks at."""
        n = self.of_last if self.kind == "column" else self.runs
        return n or 1

    def text(self) -> str:
        """The rule in words: ``dataset drift share above 30% in 3 consecutive runs``."""
        if self.kind == "drift_share":
            return (
                f"dataset drift share above {self.drift_share_above:.0%} "
                f"in {self.runs} consecutive runs"
            )
        if self.kind == "column":
            return (
                f"column {self.column} drifted in {self.drifted_in} of the last {self.of_last} runs"
            )
        side, level = ("below", self.below) if self.below is not None else ("above", self.above)
        return f"{self.metric} {side} {level:g} in {self.runs} consecutive runs"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the keys that are set, and the severity)."""
        keys = ("drift_share_above", "column", "metric", "runs", "drifted_in", "of_last")
        out: dict[str, Any] = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        for k in ("below", "above"):
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        out["severity"] = self.severity.value
        return out


@dataclass(frozen=True)
class PastColumn:
    """One column's whole-data result in a stored run."""

    drifted: bool
    statistic: float | None = None
    pvalue: float | None = None
    drift_score: float | None = None


@dataclass(frozen=True)
class PastRun:
    """A stored run as the rules and trends need it (loaded by :mod:`driftcli.history`)."""

    id: int
    started_at: str
    data_end: str | None
    drift_share: float | None
    dataset_drifted: bool | None
    columns: Mapping[str, PastColumn] = field(default_factory=dict)
    metrics: Mapping[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryConfig:
    """``[history]``: the store's URL, the model, idempotency and the rules across runs.

    ``past``, ``fingerprint``, ``replaces`` and ``unavailable`` are not settings: they are
    what :func:`driftcli.history.attach` found in the store before the run.
    """

    url: str | None = None
    model: str | None = None
    run_key: str | None = None
    on_duplicate: str = "refuse"
    trend_runs: int = DEFAULT_TREND_RUNS
    max_gap: str | None = None
    rules: tuple[HistoryRule, ...] = ()
    past: tuple[PastRun, ...] | None = field(default=None, compare=False)
    fingerprint: str | None = field(default=None, compare=False)
    replaces: int | None = field(default=None, compare=False)
    unavailable: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.url is not None and (not isinstance(self.url, str) or not self.url.strip()):
            raise ConfigError(f"history: url must be a non-empty string, got {self.url!r}")
        if self.url is not None:
            check_url(self.url)
        if self.on_duplicate not in ON_DUPLICATE:
            raise ConfigError(
                f"history: on_duplicate must be {', '.join(ON_DUPLICATE)}, "
                f"got {self.on_duplicate!r}"
            )
        for key in ("model", "run_key"):
            value = getattr(self, key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ConfigError(f"history: {key} must be a non-empty string, got {value!r}")
        if not _whole(self.trend_runs):
            raise ConfigError(
                f"history: trend_runs must be a whole number >= 1, got {self.trend_runs!r}"
            )
        if self.max_gap is not None:
            parse_duration(self.max_gap, "history: max_gap")

    @property
    def gap(self) -> timedelta | None:
        """``max_gap`` as a timedelta, or None."""
        return None if self.max_gap is None else parse_duration(self.max_gap, "history: max_gap")

    @property
    def needed_runs(self) -> int:
        """How many past runs the rules and trend look at."""
        return max([self.trend_runs, *(r.window for r in self.rules)])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports (the URL's password masked)."""
        return {
            "url": None if self.url is None else mask_url(self.url),
            "model": self.model,
            "run_key": self.run_key,
            "on_duplicate": self.on_duplicate,
            "trend_runs": self.trend_runs,
            "max_gap": self.max_gap,
            "rules": [r.to_dict() for r in self.rules],
        }


_KEYS: tuple[str, ...] = (
    "url",
    "model",
    "run_key",
    "on_duplicate",
    "trend_runs",
    "max_gap",
    "rules",
)
_RULE_KEYS: tuple[str, ...] = (
    "drift_share_above",
    "runs",
    "column",
    "drifted_in",
    "of_last",
    "metric",
    "below",
    "above",
    "severity",
)


def _whole(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= 1


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{where} must be a number, got {value!r}")
    return float(value)


def _count(data: Mapping[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if not _whole(value):
        raise ConfigError(f"{where}: {key} must be a whole number >= 1, got {value!r}")
    return int(value)  # type: ignore[arg-type]


def rule_from_mapping(data: object, where: str) -> HistoryRule:
    """Validate one ``[[history.rules]]`` table (ConfigError naming ``where`` and the key)."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table: [[history.rules]]")
    reject_unknown_keys(data, _RULE_KEYS, where)
    kinds = [k for k in ("drift_share_above", "column", "metric") if k in data]
    if len(kinds) != 1:
        raise ConfigError(
            f"{where}: set exactly one of drift_share_above, column or metric, got "
            f"{', '.join(kinds) or 'none'}"
        )
    severity = check_severity(data.get("severity", "fail"), where)
    kind = kinds[0]
    allowed = {
        "drift_share_above": {"drift_share_above", "runs", "severity"},
        "column": {"column", "drifted_in", "of_last", "severity"},
        "metric": {"metric", "below", "above", "runs", "severity"},
    }[kind]
    extra = sorted(set(data) - allowed)
    if extra:
        raise ConfigError(f"{where}: {extra[0]} does not apply to a {kind} rule")
    if kind == "drift_share_above":
        share = _number(data["drift_share_above"], f"{where}: drift_share_above")
        if not 0 <= share < 1:
            raise ConfigError(f"{where}: drift_share_above must be from 0 to below 1, got {share}")
        return HistoryRule(
            drift_share_above=share, runs=_count(data, "runs", where), severity=severity
        )
    if kind == "column":
        name = data["column"]
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}: column must be a column name, got {name!r}")
        k, n = _count(data, "drifted_in", where), _count(data, "of_last", where)
        if k > n:
            raise ConfigError(f"{where}: drifted_in ({k}) cannot exceed of_last ({n})")
        return HistoryRule(column=name, drifted_in=k, of_last=n, severity=severity)
    metric = data["metric"]
    if not isinstance(metric, str) or not metric:
        raise ConfigError(f"{where}: metric must be a metric name such as accuracy")
    sides = [k for k in ("below", "above") if k in data]
    if len(sides) != 1:
        raise ConfigError(f"{where}: a metric rule needs exactly one of below or above")
    level = _number(data[sides[0]], f"{where}: {sides[0]}")
    below, above = (level, None) if sides[0] == "below" else (None, level)
    return HistoryRule(
        metric=metric,
        runs=_count(data, "runs", where),
        severity=severity,
        below=below,
        above=above,
    )


def history_from_mapping(data: object, source: str) -> HistoryConfig:
    """Validate ``history = "URL"`` or a parsed ``[history]`` table."""
    where = f"{source}: history"
    if isinstance(data, str):
        data = {"url": data}
    if not isinstance(data, Mapping):
        raise ConfigError(f'{where} must be a URL ("sqlite:///drift-history.db") or a table')
    reject_unknown_keys(data, _KEYS, where)
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise ConfigError(f"{where}: rules must be tables: [[history.rules]]")
    rules = tuple(rule_from_mapping(r, f"{where}.rules[{i}]") for i, r in enumerate(raw_rules))
    values = {str(k): v for k, v in data.items() if k != "rules"}
    for key in ("url", "model", "run_key", "on_duplicate", "max_gap"):
        if key in values and not isinstance(values[key], str):
            raise ConfigError(f"{where}: {key} must be a string, got {values[key]!r}")
    try:
        return HistoryConfig(rules=rules, **values)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


#: The ``drift report`` flags this table owns.
OPTION_NAMES: tuple[str, ...] = ("history", "model_name", "run_key", "on_duplicate")


def history_options(table: HistoryConfig, flags: Mapping[str, Any]) -> HistoryConfig | None:
    """``--history``, ``--model-name``, ``--run-key``, ``--on-duplicate`` applied to the table;
    None when none is given."""
    given = {
        key: flags[flag]
        for flag, key in (
            ("history", "url"),
            ("model_name", "model"),
            ("run_key", "run_key"),
            ("on_duplicate", "on_duplicate"),
        )
        if flags.get(flag) is not None
    }
    return replace(table, **given) if given else None
