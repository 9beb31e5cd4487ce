"""The ``[integrity]`` config table: which data integrity checks run, their limits and severities.

Each check is named in :data:`CHECKS` (with its default severity); config files name checks to
change their severity or turn them off. Severity ``fail`` makes the run fail (exit 1) unless
``fail_on = "never"``; ``warn`` is reported only; ``info`` is shown for context; ``off`` does
not run the check.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.results.vocabulary import Severity


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its name, scope, default severity and what trips it."""

    name: str
    scope: str  # "dataset" | "column"
    severity: Severity
    summary: str


_SPECS = (
    CheckSpec("missing_column", "column", Severity.FAIL, "a reference column is not in current"),
    CheckSpec("new_column", "column", Severity.WARN, "a current column is not in the reference"),
    CheckSpec(
        "dtype_change",
        "column",
        Severity.FAIL,
        "dtype family changed (numeric/string/boolean/temporal); same-family changes are info",
    ),
    CheckSpec("column_order", "dataset", Severity.INFO, "shared columns are in another order"),
    CheckSpec(
        "row_count",
        "dataset",
        Severity.WARN,
        "current/reference row ratio outside row_ratio; an empty current always fails",
    ),
    CheckSpec(
        "nulls",
        "column",
        Severity.FAIL,
        "null+NaN share rose by more than null_rise and to more than null_ratio x reference",
    ),
    CheckSpec(
        "new_categories",
        "column",
        Severity.FAIL,
        "share of current values never seen in the reference > new_category_share",
    ),
    CheckSpec(
        "vanished_categories",
        "column",
        Severity.WARN,
        "reference categories (share >= vanished_min_share, >= 5 expected) absent in current",
    ),
    CheckSpec(
        "out_of_range",
        "column",
        Severity.WARN,
        "share of finite current values outside the reference range_quantiles band "
        "> out_of_range_share",
    ),
    CheckSpec(
        "infinite",
        "column",
        Severity.WARN,
        "share of +-inf values rose by more than infinite_rise",
    ),
    CheckSpec(
        "constant",
        "column",
        Severity.WARN,
        "top value holds >= near_constant_share of current values but not of the reference",
    ),
    CheckSpec(
        "duplicates",
        "dataset",
        Severity.WARN,
        "share of duplicate rows rose by more than duplicate_rise",
    ),
    CheckSpec(
        "id_unique",
        "column",
        Severity.FAIL,
        "an id column unique in the reference has > id_duplicate_share duplicated values",
    ),
    CheckSpec(
        "parse_failures",
        "column",
        Severity.FAIL,
        "text column set to numeric/datetime: share of values failing to parse exceeds the "
        "reference share by more than parse_failure_share",
    ),
)


#: Every check by name, in report order.
CHECKS: Mapping[str, CheckSpec] = MappingProxyType({s.name: s for s in _SPECS})


def get_check(name: str, where: str = "integrity") -> CheckSpec:
    """The registered check, or ConfigError listing the valid names."""
    try:
        return CHECKS[name]
    except KeyError:
        raise ConfigError(
            f"{where}: unknown check {name!r}; valid checks: {', '.join(CHECKS)}"
        ) from None


def _number(value: object, where: str, lo: float = 0.0, hi: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x) or not lo <= x <= hi:
        bound = f"from {lo:g} to {hi:g}" if math.isfinite(hi) else f">= {lo:g}"
        raise ConfigError(f"{where} must be a finite number {bound}, got {value!r}")
    return x


def _pair(value: object, where: str, lo: float, hi: float) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ConfigError(f"{where} must be a pair [low, high], got {value!r}")
    a, b = _number(value[0], where, lo, hi), _number(value[1], where, lo, hi)
    if a > b:
        raise ConfigError(f"{where}: low must not be above high, got {value!r}")
    return a, b


def _severity(value: object, where: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise ConfigError(
            f"{where}: unknown severity {value!r}; valid severities: "
            f"{', '.join(s.value for s in Severity)}"
        ) from None


def _severities(data: Mapping[str, Any], where: str) -> Mapping[str, Severity]:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table of check = severity, got {data!r}")
    out = {}
    for name, value in data.items():
        get_check(str(name), where)
        out[str(name)] = _severity(value, f"{where}.{name}")
    return MappingProxyType(out)


#: Limits a [integrity.column."NAME"] table may override, with their documented defaults.
COLUMN_LIMITS: Mapping[str, str] = MappingProxyType(
    {
        "null_rise": "absolute rise of the null+NaN share that trips `nulls` (default 0.05)",
        "null_ratio": "and current share > null_ratio x reference share (default 2.0)",
        "new_category_share": "share of current values in unseen categories (default 0.01)",
        "vanished_min_share": "reference share a category needs to count as vanished (0.01)",
        "range_quantiles": "reference quantile band for `out_of_range` (default [0, 1])",
        "out_of_range_share": "share of current values outside the band (default 0.01)",
        "infinite_rise": "rise of the +-inf share that trips `infinite` (default 0.0)",
        "near_constant_share": "top-value share (> 0.5) that is near-constant (default 0.99)",
        "id_duplicate_share": "share of duplicated values allowed in an id column (default 0)",
        "parse_failure_share": "rise of the share failing to parse (default 0.01)",
    }
)


@dataclass(frozen=True)
class ColumnIntegrity:
    """Per-column overrides of the integrity limits and severities; None means the default."""

    null_rise: float | None = None
    null_ratio: float | None = None
    new_category_share: float | None = None
    vanished_min_share: float | None = None
    range_quantiles: tuple[float, float] | None = None
    out_of_range_share: float | None = None
    infinite_rise: float | None = None
    near_constant_share: float | None = None
    id_duplicate_share: float | None = None
    parse_failure_share: float | None = None
    severity: Mapping[str, Severity] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _validate_limits(self, "integrity column")
        object.__setattr__(self, "severity", _severities(self.severity, "severity"))

    def overrides(self) -> dict[str, Any]:
        """The limits set here (not None), by name."""
        return {k: getattr(self, k) for k in COLUMN_LIMITS if getattr(self, k) is not None}


def _validate_limits(obj: object, where: str) -> None:
    def setf(name: str, value: object) -> None:
        object.__setattr__(obj, name, value)

    for name in COLUMN_LIMITS:
        value = getattr(obj, name, None)
        if value is None:
            continue
        w = f"{where}: {name}"
        if name == "range_quantiles":
            setf(name, _pair(value, w, 0.0, 1.0))
        elif name == "null_ratio":
            setf(name, _number(value, w, 1.0))
        elif name == "near_constant_share":
            share = _number(value, w, 0.5, 1.0)
            if share == 0.5:  # the check counts the median value: exact above one half
                raise ConfigError(f"{w} must be above 0.5 and at most 1, got {value!r}")
            setf(name, share)
        else:
            setf(name, _number(value, w, 0.0, 1.0))


@dataclass(frozen=True)
class IntegrityConfig:
    """Which integrity checks run, their limits and severities (``[integrity]`` in TOML)."""

    enabled: bool = True
    row_ratio: tuple[float, float] = (0.5, 2.0)
    duplicate_rise: float = 0.05
    null_rise: float = 0.05
    null_ratio: float = 2.0
    new_category_share: float = 0.01
    vanished_min_share: float = 0.01
    range_quantiles: tuple[float, float] = (0.0, 1.0)
    out_of_range_share: float = 0.01
    infinite_rise: float = 0.0
    near_constant_share: float = 0.99
    id_duplicate_share: float = 0.0
    parse_failure_share: float = 0.01
    top_values: int = 10
    severity: Mapping[str, Severity] = field(default_factory=dict)
    column: Mapping[str, ColumnIntegrity] = field(default_factory=dict)

    def __post_init__(self) -> None:
        def setf(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        if not isinstance(self.enabled, bool):
            raise ConfigError(f"integrity: enabled must be true or false, got {self.enabled!r}")
        lo, hi = _pair(self.row_ratio, "integrity: row_ratio", 0.0, math.inf)
        setf("row_ratio", (lo, hi))
        setf("duplicate_rise", _number(self.duplicate_rise, "integrity: duplicate_rise", 0, 1))
        _validate_limits(self, "integrity")
        top = self.top_values
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 1000:
            raise ConfigError(f"integrity: top_values must be a whole number 1-1000, got {top!r}")
        setf("severity", _severities(self.severity, "integrity: severity"))
        cols = {}
        for name, cc in self.column.items():
            if not isinstance(cc, ColumnIntegrity):
                raise ConfigError(f"integrity column {name!r}: expected a ColumnIntegrity")
            cols[str(name)] = cc
        setf("column", MappingProxyType(cols))

    def severity_of(self, check: str, column: str | None = None) -> Severity:
        """The effective severity: per-column setting, then [integrity.severity], then default."""
        if column is not None and column in self.column:
            sev = self.column[column].severity.get(check)
            if sev is not None:
                return sev
        return self.severity.get(check, CHECKS[check].severity)

    def limit(self, name: str, column: str | None = None) -> Any:
        """The effective value of a limit for ``column`` (its override, else the default)."""
        if column is not None and column in self.column:
            value = getattr(self.column[column], name, None)
            if value is not None:
                return value
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        out: dict[str, Any] = {
            k.name: getattr(self, k.name)
            for k in dataclasses.fields(self)
            if k.name not in ("severity", "column")
        }
        out["row_ratio"] = list(self.row_ratio)
        out["range_quantiles"] = list(self.range_quantiles)
        out["severity"] = {k: v.value for k, v in self.severity.items()}
        cols: dict[str, Any] = {}
        for name, cc in self.column.items():
            entry = {k: (list(v) if isinstance(v, tuple) else v) for k, v in cc.overrides().items()}
            if cc.severity:
                entry["severity"] = {k: v.value for k, v in cc.severity.items()}
            cols[name] = entry
        out["column"] = cols
        return out


_TOP_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "enabled": "true | false: run the integrity checks (default true)",
        "row_ratio": "[low, high] band for current/reference rows (default [0.5, 2.0])",
        "duplicate_rise": "rise of the duplicate-row share that trips `duplicates` (0.05)",
        **COLUMN_LIMITS,
        "top_values": "offending values listed per finding (default 10)",
        "severity": "table of check = fail | warn | info | off",
        "column": 'per-column tables [integrity.column."NAME"] with limits and severity',
    }
)


def integrity_config_from_mapping(data: object, source: str = "config") -> IntegrityConfig:
    """Validate an ``[integrity]`` TOML table (errors name ``source`` and list valid keys)."""
    where = f"{source}: integrity"
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table: [integrity]")
    reject_unknown_keys(data, _TOP_KEYS, where)
    kwargs: dict[str, Any] = {k: v for k, v in data.items() if k != "column"}
    cols: dict[str, ColumnIntegrity] = {}
    raw = data.get("column", {})
    if not isinstance(raw, Mapping):
        raise ConfigError(f'{where}: column must be tables like [integrity.column."age"]')
    valid = [*COLUMN_LIMITS, "severity"]
    for name, table in raw.items():
        cwhere = f"{where} column {name!r}"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{cwhere} must be a table with {', '.join(valid)}")
        reject_unknown_keys(table, valid, cwhere)
        try:
            cols[str(name)] = ColumnIntegrity(**table)
        except ConfigError as exc:
            raise ConfigError(f"{cwhere}: {exc}") from None
    try:
        return IntegrityConfig(**kwargs, column=cols)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
