"""The ``[online]`` config table: latency and status columns, what an error is, and limits.

Config::

    [online]
    latency = "latency_ms"           # column with each request's latency (any unit; shown as is)
    latency_unit = "ms"              # label only
    status = "status"                # column with each request's outcome
    error_values = ["error", "timeout"]  # status values that count as errors, or:
    # error_min = 500                # numeric status: values >= this are errors (HTTP style)
    # limits (each optional); checked on the whole current data:
    latency_p50_max = 120.0
    latency_p95_max = 250.0
    latency_p99_max = 400.0
    latency_p95_increase_max = 0.25  # p95 may rise at most 25% over the reference's p95
    error_rate_max = 0.02
    error_rate_increase_max = 0.01   # error rate may rise at most 1 point over the reference
    throughput_min = 50              # rows per window, checked in every window (needs window)
    severity = "fail"                # warn | fail for every limit

What each number means: :mod:`driftcli.sections.online.compute`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.results.vocabulary import Severity, check_severity

Label = str | int | float | bool


_LATENCY_LIMITS = ("latency_p50_max", "latency_p95_max", "latency_p99_max")


_SHARE_LIMITS = ("error_rate_max", "error_rate_increase_max")


_OTHER_LIMITS = ("latency_p95_increase_max", "throughput_min")


@dataclass(frozen=True)
class OnlineConfig:
    """Which columns hold latency and status, what an error is, and the limits."""

    latency: str | None = None
    latency_unit: str = "ms"
    status: str | None = None
    error_values: tuple[Label, ...] = ()
    error_min: float | None = None
    latency_p50_max: float | None = None
    latency_p95_max: float | None = None
    latency_p99_max: float | None = None
    latency_p95_increase_max: float | None = None
    error_rate_max: float | None = None
    error_rate_increase_max: float | None = None
    throughput_min: float | None = None
    severity: Severity = Severity.FAIL

    def __post_init__(self) -> None:
        def setf(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        for name in ("latency", "status"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ConfigError(f"online: {name} must be a column name, got {value!r}")
        if not isinstance(self.latency_unit, str) or not self.latency_unit.strip():
            raise ConfigError(
                f"online: latency_unit must be a label like 'ms', got {self.latency_unit!r}"
            )
        setf("error_values", _error_values(self.error_values))
        if self.error_min is not None:
            setf("error_min", _number(self.error_min, "online: error_min", lo=-math.inf))
        if self.error_values and self.error_min is not None:
            raise ConfigError(
                "online: error_values and error_min are mutually exclusive; keep error_values "
                "for a list of error statuses or error_min for numeric (HTTP-style) statuses"
            )
        if (self.error_values or self.error_min is not None) and self.status is None:
            raise ConfigError(
                'online: error_values/error_min need a status column; add status = "<column>"'
            )
        if self.status is not None and not self.error_values and self.error_min is None:
            raise ConfigError(
                f"online: status column {self.status!r} needs a rule for errors; add "
                'error_values = ["error", ...] or error_min = 500'
            )
        for name in (*_LATENCY_LIMITS, *_OTHER_LIMITS):
            value = getattr(self, name)
            if value is not None:
                setf(name, _number(value, f"online: {name}"))
        for name in _SHARE_LIMITS:
            value = getattr(self, name)
            if value is not None:
                setf(name, _number(value, f"online: {name} (a share: 0.02 means 2%)", hi=1.0))
        if self.latency is None:
            for name in (*_LATENCY_LIMITS, "latency_p95_increase_max"):
                if getattr(self, name) is not None:
                    raise ConfigError(
                        f'online: {name} needs a latency column; add latency = "<column>"'
                    )
        if self.status is None:
            for name in _SHARE_LIMITS:
                if getattr(self, name) is not None:
                    raise ConfigError(
                        f'online: {name} needs a status column; add status = "<column>" and '
                        "error_values or error_min"
                    )
        object.__setattr__(self, "severity", check_severity(self.severity, "online"))

    @property
    def enabled(self) -> bool:
        """True when a latency or a status column is configured."""
        return self.latency is not None or self.status is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["error_values"] = list(self.error_values)
        return out


def _number(value: object, where: str, lo: float = 0.0, hi: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x) or not lo <= x <= hi:
        if math.isfinite(hi):
            bound = f" from {lo:g} to {hi:g}"
        elif math.isfinite(lo):
            bound = f" >= {lo:g}"
        else:
            bound = ""
        raise ConfigError(f"{where} must be a finite number{bound}, got {value!r}")
    return x


def _error_values(value: object) -> tuple[Label, ...]:
    items: Sequence[object]
    if isinstance(value, (str, int, float, bool)):
        items = [value]
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        raise ConfigError(
            f"online: error_values must be a list of strings, numbers or booleans, got {value!r}"
        )
    out: list[Label] = []
    for item in items:
        if not isinstance(item, (str, int, float, bool)) or (
            isinstance(item, float) and not math.isfinite(item)
        ):
            raise ConfigError(
                f"online: error_values items must be strings, numbers or booleans, got {item!r}"
            )
        out.append(item)
    return tuple(out)


_KEYS = tuple(f.name for f in dataclasses.fields(OnlineConfig))


def online_config_from_mapping(data: object, source: str) -> OnlineConfig:
    """Validate a parsed ``[online]`` table (ConfigError naming ``source`` and the key)."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: online must be a table: [online]")
    reject_unknown_keys(data, _KEYS, f"{source}: online")
    if data.get("latency") is None and data.get("status") is None:
        raise ConfigError(
            f'{source}: online: set latency = "<column>" or status = "<column>" (or both); '
            "an [online] table without either has nothing to measure"
        )
    try:
        return OnlineConfig(**{str(k): v for k, v in data.items()})
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
