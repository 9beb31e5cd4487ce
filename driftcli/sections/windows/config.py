"""The ``[windows]`` config table: the consecutive-window rule of drift over time.

Config::

    time_column = "event_time"   # --time-column
    window = "1d"                # --window

    [windows]                    # the consecutive-window rule (off unless max_drift_share is set)
    max_drift_share = 0.3        # a window "exceeds" when its dataset drift share is above this
    consecutive = 3              # ... in this many consecutive tested windows -> a finding
    severity = "fail"            # warn | fail
    min_rows = 30                # windows with fewer rows are not tested (default:
                                 # min_segment_rows)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.results.vocabulary import Severity, check_severity


@dataclass(frozen=True)
class WindowRule:
    """Breach when the drift share exceeds ``max_drift_share`` in ``consecutive`` windows."""

    max_drift_share: float | None = None
    consecutive: int = 1
    severity: Severity = Severity.FAIL
    min_rows: int | None = None  # None: the run's min_segment_rows

    def __post_init__(self) -> None:
        share = self.max_drift_share
        if share is not None:
            if isinstance(share, bool) or not isinstance(share, (int, float)):
                raise ConfigError(
                    f"windows: max_drift_share must be a number above 0 and at most 1, "
                    f"got {share!r}"
                )
            if not math.isfinite(share) or not 0 < share <= 1:
                raise ConfigError(
                    f"windows: max_drift_share must be above 0 and at most 1, got {share!r}"
                )
            object.__setattr__(self, "max_drift_share", float(share))
        if not _whole(self.consecutive):
            raise ConfigError(
                f"windows: consecutive must be a whole number >= 1, got {self.consecutive!r}"
            )
        object.__setattr__(self, "severity", check_severity(self.severity, "windows"))
        if self.min_rows is not None and not _whole(self.min_rows):
            raise ConfigError(
                f"windows: min_rows must be a whole number >= 1, got {self.min_rows!r}"
            )

    @property
    def enabled(self) -> bool:
        """True when ``max_drift_share`` is set (the rule is off otherwise)."""
        return self.max_drift_share is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        return {
            "max_drift_share": self.max_drift_share,
            "consecutive": self.consecutive,
            "severity": self.severity.value,
            "min_rows": self.min_rows,
        }


_RULE_KEYS: tuple[str, ...] = ("max_drift_share", "consecutive", "severity", "min_rows")


def _whole(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= 1


def window_rule_from_mapping(data: object, source: str) -> WindowRule:
    """Validate a parsed ``[windows]`` table (ConfigError naming ``source`` and the key)."""
    where = f"{source}: windows"
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table: [windows]")
    reject_unknown_keys(data, _RULE_KEYS, where)
    try:
        return WindowRule(**{str(k): v for k, v in data.items()})
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
