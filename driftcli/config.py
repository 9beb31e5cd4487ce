"""Run configuration: the dataclasses, TOML loading and validation.

A config file is ``drift.toml`` (top-level keys) or the ``[tool.drift]`` table of a
pyproject.toml. Per-column settings live in ``[column."NAME"]`` tables. Unknown keys, kinds,
tests and formats are errors that list the valid choices. CLI flags override the file.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from driftcli.concept_report import ConceptConfig, concept_config_from_mapping
from driftcli.correction import DEFAULT_CORRECTION, Correction, parse_correction
from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.integrity import IntegrityConfig, integrity_config_from_mapping
from driftcli.kinds import USER_KINDS, Kind
from driftcli.model_perf import ModelConfig, model_config_from_mapping
from driftcli.online import OnlineConfig, online_config_from_mapping
from driftcli.thresholds import (
    AUTO,
    AutoThresholdConfig,
    Threshold,
    auto_config_from_mapping,
    parse_threshold,
)
from driftcli.windows import WindowRule, WindowSpec, parse_window, window_rule_from_mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


class FailOn(str, Enum):
    """What makes the run fail (exit code 1)."""

    DATASET = "dataset"
    """The whole dataset, or any tested segment, has dataset drift."""
    COLUMN = "column"
    """Any column drifted, overall or in any segment."""
    NEVER = "never"
    """Report only; exit 0 whatever drifted."""

    def __str__(self) -> str:
        return self.value


FORMATS = ("parquet", "csv", "ndjson", "ipc")
_FORMAT_ALIASES = {"jsonl": "ndjson", "json": "ndjson", "arrow": "ipc", "feather": "ipc"}


def normalise_format(fmt: str | None, where: str = "format") -> str | None:
    """Canonical format name, or ConfigError listing the valid ones."""
    if fmt is None:
        return None
    key = fmt.lower()
    key = _FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        raise ConfigError(f"{where}: unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    return key


@dataclass(frozen=True)
class ColumnConfig:
    """Settings for one column; None means "infer" or "use the default"."""

    kind: Kind | None = None
    test: str | None = None
    threshold: Threshold | None = None  # a number, or "auto" (learned from the reference)

    def __post_init__(self) -> None:
        if self.test is not None:
            from driftcli.stats import get_test

            object.__setattr__(self, "test", get_test(self.test).name)
        if self.threshold is not None:
            object.__setattr__(self, "threshold", parse_threshold(self.threshold, "column"))


@dataclass(frozen=True)
class DriftConfig:
    """Everything that decides a run's results. Build directly, from TOML, or both.

    ``test``/``threshold`` apply one test to every column it fits (others keep the automatic
    choice); ``column`` holds per-column overrides, which win over ``test``.
    """

    columns: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    segment_by: tuple[str, ...] = ()
    test: str | None = None
    threshold: Threshold | None = None  # a number, or "auto" (learned from the reference)
    drift_share: float = 0.5
    fail_on: FailOn = FailOn.DATASET
    min_segment_rows: int = 30
    bins: int = 10
    reference_format: str | None = None
    current_format: str | None = None
    column: Mapping[str, ColumnConfig] = field(default_factory=dict)
    integrity: IntegrityConfig = field(default_factory=IntegrityConfig)
    correction: Correction = DEFAULT_CORRECTION
    auto_threshold: AutoThresholdConfig = field(default_factory=AutoThresholdConfig)
    time_column: str | None = None
    window: str | None = None  # a Polars duration ("1d") or a row count ("1000 rows")
    model: ModelConfig = field(default_factory=ModelConfig)
    windows: WindowRule = field(default_factory=WindowRule)
    concept: ConceptConfig = field(default_factory=ConceptConfig)
    online: OnlineConfig = field(default_factory=OnlineConfig)

    def __post_init__(self) -> None:
        def setf(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        if not isinstance(self.integrity, IntegrityConfig):
            raise ConfigError(f"integrity: expected an IntegrityConfig, got {self.integrity!r}")

        if self.columns is not None:
            if not self.columns:
                raise ConfigError(
                    "columns is empty: list the columns to test, or leave it out to test all "
                    "shared columns"
                )
            setf("columns", tuple(self.columns))
        setf("exclude", tuple(self.exclude))
        setf("segment_by", tuple(self.segment_by))
        try:
            setf("fail_on", FailOn(self.fail_on))
        except ValueError:
            raise ConfigError(
                f"fail_on: unknown value {self.fail_on!r}; "
                f"valid values: {', '.join(f.value for f in FailOn)}"
            ) from None
        if self.test is not None:
            from driftcli.stats import get_test

            setf("test", get_test(self.test).name)
        setf("correction", parse_correction(self.correction))
        if not isinstance(self.auto_threshold, AutoThresholdConfig):
            raise ConfigError(
                f"auto_threshold: expected an AutoThresholdConfig, got {self.auto_threshold!r}"
            )
        if self.threshold is not None:
            threshold = parse_threshold(self.threshold, "threshold")
            if self.test is None and threshold != AUTO:
                raise ConfigError(
                    "threshold needs a test: set `test` (or --test) too, or set thresholds "
                    'per column in [column.NAME] (threshold = "auto" works without a test)'
                )
            setf("threshold", threshold)
        share = self.drift_share
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
            raise ConfigError(f"drift_share must be a number in (0, 1], got {share!r}")
        setf("drift_share", float(share))
        if (
            isinstance(self.min_segment_rows, bool)
            or not isinstance(self.min_segment_rows, int)
            or (self.min_segment_rows < 1)
        ):
            raise ConfigError(
                f"min_segment_rows must be a whole number >= 1, got {self.min_segment_rows!r}"
            )
        if (
            isinstance(self.bins, bool)
            or not isinstance(self.bins, int)
            or not 2 <= self.bins <= 1000
        ):
            raise ConfigError(f"bins must be a whole number from 2 to 1000, got {self.bins!r}")
        setf("reference_format", normalise_format(self.reference_format, "reference_format"))
        setf("current_format", normalise_format(self.current_format, "current_format"))
        for name, cls in (
            ("model", ModelConfig),
            ("windows", WindowRule),
            ("concept", ConceptConfig),
            ("online", OnlineConfig),
        ):
            if not isinstance(getattr(self, name), cls):
                raise ConfigError(f"{name}: expected a {cls.__name__}, got {getattr(self, name)!r}")
        if self.time_column is not None and (
            not isinstance(self.time_column, str) or not self.time_column
        ):
            raise ConfigError(f"time_column must be a column name, got {self.time_column!r}")
        if self.window is not None:
            spec = parse_window(self.window)
            if spec.every is not None and self.time_column is None:
                raise ConfigError(
                    f"window {self.window!r} is a duration and needs a time column: set "
                    "time_column (--time-column), or use a row window such as '1000 rows'"
                )
        cols = {}
        for name, cc in self.column.items():
            if not isinstance(cc, ColumnConfig):
                raise ConfigError(f"column {name!r}: expected a ColumnConfig, got {cc!r}")
            cols[str(name)] = cc
        setf("column", MappingProxyType(cols))

    @property
    def window_spec(self) -> WindowSpec | None:
        """The parsed ``window``, or None without one."""
        return parse_window(self.window) if self.window is not None else None

    def replace(self, **changes: Any) -> DriftConfig:
        """A copy with the given fields changed; None values are ignored (flag not given)."""
        given = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **given)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        return {
            "columns": list(self.columns) if self.columns is not None else None,
            "exclude": list(self.exclude),
            "segment_by": list(self.segment_by),
            "test": self.test,
            "threshold": self.threshold,
            "drift_share": self.drift_share,
            "fail_on": self.fail_on.value,
            "min_segment_rows": self.min_segment_rows,
            "bins": self.bins,
            "column": {
                name: {
                    k: (str(v) if isinstance(v, Kind) else v)
                    for k, v in dataclasses.asdict(cc).items()
                    if v is not None
                }
                for name, cc in self.column.items()
            },
            "integrity": self.integrity.to_dict(),
            "correction": self.correction.value,
            "auto_threshold": self.auto_threshold.to_dict(),
            "time_column": self.time_column,
            "window": self.window,
            "model": self.model.to_dict(),
            "windows": self.windows.to_dict(),
            "concept": self.concept.to_dict(),
            "online": self.online.to_dict(),
        }


_TOP_KEYS: dict[str, str] = {
    "columns": "list of column names to test (default: all shared columns)",
    "exclude": "list of column names to leave out",
    "segment_by": "list of columns whose value combinations form segments",
    "test": "one test name for every column it applies to",
    "threshold": "threshold for `test`",
    "drift_share": "share of drifted columns that makes dataset drift (default 0.5)",
    "fail_on": "dataset | column | never",
    "min_segment_rows": "rows each side of a segment needs to be tested (default 30)",
    "bins": "number of reference-quantile bins for psi and jensenshannon (default 10)",
    "reference_format": "parquet | csv | ndjson | ipc (default: from the extension)",
    "current_format": "parquet | csv | ndjson | ipc (default: from the extension)",
    "column": 'per-column tables: [column."NAME"] with kind, test, threshold',
    "integrity": "[integrity] table: data integrity checks, limits and severities",
    "correction": "multiple-testing correction: none | bonferroni | holm | bh (default bh)",
    "auto_threshold": '[auto_threshold] table: how threshold = "auto" chunks the reference',
    "time_column": "timestamp column: orders rows for windows and concept drift",
    "window": "window of the current data: a duration like 1d (needs time_column) or '1000 rows'",
    "model": "[model] table: target, prediction, score, task, positive_label, rules",
    "windows": "[windows] table: max_drift_share, consecutive, severity, min_rows",
    "concept": "[concept] table: detectors, severity, per_segment, per-detector parameters",
    "online": "[online] table: latency and status columns, error values, limits",
}
_COLUMN_KEYS = ("kind", "test", "threshold")


def _str_list(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of column names, got {value!r}")
    return tuple(value)


def config_from_mapping(data: Mapping[str, Any], source: str = "config") -> DriftConfig:
    """Validate a parsed TOML table and build a DriftConfig (errors name ``source``)."""
    reject_unknown_keys(data, _TOP_KEYS, source)
    kwargs: dict[str, Any] = {}
    for key in ("columns", "exclude", "segment_by"):
        if key in data:
            kwargs[key] = _str_list(data[key], f"{source}: {key}")
    if "auto_threshold" in data:
        kwargs["auto_threshold"] = auto_config_from_mapping(data["auto_threshold"], source)
    for key, parse in (
        ("model", model_config_from_mapping),
        ("windows", window_rule_from_mapping),
        ("concept", concept_config_from_mapping),
        ("online", online_config_from_mapping),
    ):
        if key in data:
            kwargs[key] = parse(data[key], source)
    for key in (
        "test",
        "fail_on",
        "reference_format",
        "current_format",
        "correction",
        "time_column",
        "window",
    ):
        if key in data:
            if not isinstance(data[key], str):
                raise ConfigError(f"{source}: {key} must be a string, got {data[key]!r}")
            kwargs[key] = data[key]
    for key in ("threshold", "drift_share", "min_segment_rows", "bins"):
        if key in data:
            kwargs[key] = data[key]
    columns: dict[str, ColumnConfig] = {}
    raw_cols = data.get("column", {})
    if not isinstance(raw_cols, dict):
        raise ConfigError(f'{source}: column must be tables like [column."age"]')
    for name, table in raw_cols.items():
        where = f"{source}: column {name!r}"
        if not isinstance(table, dict):
            raise ConfigError(f"{where} must be a table with kind, test or threshold")
        reject_unknown_keys(table, _COLUMN_KEYS, where)
        kind = table.get("kind")
        if kind is not None and kind not in USER_KINDS:
            raise ConfigError(
                f"{where}: unknown kind {kind!r}; valid kinds: {', '.join(USER_KINDS)}"
            )
        try:
            columns[name] = ColumnConfig(
                kind=Kind(kind) if kind is not None else None,
                test=table.get("test"),
                threshold=table.get("threshold"),
            )
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    kwargs["column"] = columns
    if "integrity" in data:
        kwargs["integrity"] = integrity_config_from_mapping(data["integrity"], source)
    try:
        return DriftConfig(**kwargs)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def load_config(path: str | Path) -> DriftConfig:
    """Read a drift.toml (top-level keys) or a pyproject.toml ([tool.drift])."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{p}: config file not found; check the --config path") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read config file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: invalid TOML ({exc}); fix the file's syntax") from None
    if p.name == "pyproject.toml":
        table = data.get("tool", {}).get("drift")
        if table is None:
            raise ConfigError(f"{p}: no [tool.drift] table; add one or pass a drift.toml")
        return config_from_mapping(table, f"{p} [tool.drift]")
    return config_from_mapping(data, str(p))


def discover_config(cwd: Path | None = None) -> Path | None:
    """The pyproject.toml in ``cwd`` when it has a [tool.drift] table, else None."""
    candidate = (cwd or Path.cwd()) / "pyproject.toml"
    if not candidate.is_file():
        return None
    try:
        with candidate.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return candidate if "drift" in data.get("tool", {}) else None


def parse_column_list(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """Flatten repeated and comma-separated CLI values (``--columns a,b --columns c``)."""
    if not values:
        return None
    out: list[str] = []
    for v in values:
        out.extend(part.strip() for part in v.split(",") if part.strip())
    return tuple(out)
