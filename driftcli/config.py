"""Run configuration: the dataclasses, TOML loading and validation.

A config file is ``drift.toml`` (top-level keys) or the ``[tool.drift]`` table of a
pyproject.toml. Per-column settings live in ``[column."NAME"]`` tables. Unknown keys, kinds,
tests and formats are errors that list the valid choices. CLI flags override the file.

The core keys (columns, tests, thresholds, segments, time axis) are fields of
:class:`DriftConfig`. Each report section that has settings registers its table (``[model]``,
``[windows]``, ...) with :func:`register_table`; a DriftConfig holds those tables in
``sections`` and takes them as keyword arguments (``DriftConfig(model=ModelConfig(...))``).
This module imports no section: the sections register themselves (driftcli/sections/).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Protocol, TypeVar

from driftcli._loader import ensure_loaded
from driftcli.columns.correction import parse_correction
from driftcli.columns.thresholds import (
    AUTO,
    AutoThresholdConfig,
    Threshold,
    auto_config_from_mapping,
    parse_threshold,
)
from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.inputs.registry import format_names, normalise_format
from driftcli.results.vocabulary import DEFAULT_CORRECTION, USER_KINDS, Correction, FailOn, Kind
from driftcli.stats import get_test
from driftcli.timeline import DATE_ORDERS, WindowSpec, parse_window

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "ColumnConfig",
    "ConfigTable",
    "DriftConfig",
    "FailOn",
    "TableConfig",
    "config_from_mapping",
    "discover_config",
    "load_config",
    "parse_column_list",
    "register_table",
    "tables",
]


class TableConfig(Protocol):
    """A section's settings: a frozen dataclass whose no-argument instance is the default."""

    def to_dict(self) -> dict[str, Any]: ...


T = TypeVar("T", bound=TableConfig)


@dataclass(frozen=True)
class ConfigTable:
    """A config table a section owns: ``[model]``, ``[windows]``, ...

    ``type`` is its dataclass (its no-argument instance is the default, the section off);
    ``parse(value, source)`` validates the TOML value; ``help`` is the one line listed with
    the valid keys. ``placement`` orders it among the core keys in messages and in the
    config echoed by reports: ``early`` tables come before ``correction``, ``late`` ones last.
    ``options(table, flags)`` applies CLI flags the section owns (``--target`` ...) and
    returns the new table, or None when none of its flags is given.
    """

    key: str
    type: type[Any]
    parse: Callable[[object, str], Any]
    help: str
    placement: Literal["early", "late"] = "late"
    options: Callable[[Any, Mapping[str, Any]], Any] | None = None
    #: The flags ``options`` reads (for the unknown-option check).
    option_names: tuple[str, ...] = ()
    #: False keeps the table out of the config echoed by reports (``to_dict``): for tables
    #: that name delivery targets (URLs that may carry secrets), not results.
    echo: bool = True


_TABLES: dict[str, ConfigTable] = {}


def register_table(table: ConfigTable) -> ConfigTable:
    """Add a section's config table (done by its section when it registers)."""
    if table.key in _TABLES or table.key in _CORE_KEYS:
        raise ValueError(f"config table {table.key!r} is registered twice")
    _TABLES[table.key] = table
    return table


def unregister_table(key: str) -> None:
    """Remove a config table (for tests that register a throwaway section)."""
    del _TABLES[key]


def tables() -> list[ConfigTable]:
    """The registered config tables, early ones first, each group in registration order."""
    ensure_loaded()
    found = list(_TABLES.values())
    return [t for t in found if t.placement == "early"] + [
        t for t in found if t.placement == "late"
    ]


@dataclass(frozen=True)
class ColumnConfig:
    """Settings for one column; None means "infer" or "use the default"."""

    kind: Kind | None = None
    test: str | None = None
    threshold: Threshold | None = None  # a number, or "auto" (learned from the reference)

    def __post_init__(self) -> None:
        if self.test is not None:
            object.__setattr__(self, "test", get_test(self.test).name)
        if self.threshold is not None:
            threshold = parse_threshold(self.threshold, "column")
            check_threshold(threshold, self.test, "threshold")
            object.__setattr__(self, "threshold", threshold)


#: The core keys of a config file, in the order messages list them, with their help line.
#: Section tables (:func:`tables`) go after ``column`` (early) or at the end (late).
_CORE_KEYS: dict[str, str] = {
    "columns": "list of column names to test (default: all shared columns)",
    "exclude": "list of column names to leave out",
    "segment_by": "list of columns whose value combinations form segments",
    "test": "one test name for every column it applies to",
    "threshold": "threshold for `test`",
    "drift_share": "share of drifted columns that makes dataset drift (default 0.5)",
    "fail_on": "dataset | column | never",
    "min_segment_rows": "rows each side of a segment needs to be tested (default 30)",
    "bins": "number of reference-quantile bins for psi and jensenshannon (default 10)",
    "reference_format": "FORMATS (default: from the extension)",
    "current_format": "FORMATS (default: from the extension)",
    "column": 'per-column tables: [column."NAME"] with kind, test, threshold',
    "correction": "multiple-testing correction: none | bonferroni | holm | bh (default bh)",
    "auto_threshold": '[auto_threshold] table: how threshold = "auto" chunks the reference',
    "time_column": "timestamp column: orders rows for windows and concept drift",
    "window": "window of the current data: a duration like 1d (needs time_column) or '1000 rows'",
    "date_order": "day first | month first: numeric dates (01/02/2024) of a text time column",
    "separator": "field separator of CSV inputs (default ',')",
    "decimal_comma": "true: CSV numbers are written with a decimal comma (1,5); needs separator",
    "max_segments": "most segments (segment_by value combinations) a run compares (default 200)",
    "column_errors": "warn | fail: does a column whose test gave no result fail the run (warn)",
    "outputs": "[outputs] table: FORMAT = PATH for every output to write (json, html, junit, ...)",
}

#: The most segments a run compares unless max_segments says otherwise.
DEFAULT_MAX_SEGMENTS = 200
COLUMN_ERRORS = ("warn", "fail")
_BEFORE_EARLY = ("columns", "exclude", "segment_by", "test", "threshold", "drift_share",
                 "fail_on", "min_segment_rows", "bins", "reference_format", "current_format",
                 "column")  # fmt: skip


def _top_keys() -> dict[str, str]:
    """Every valid top-level key with its help line, in message order."""
    formats = " | ".join(format_names().replace(" or ", ", ").split(", "))
    core = {k: v.replace("FORMATS", formats) for k, v in _CORE_KEYS.items()}
    out = {k: core[k] for k in _BEFORE_EARLY}
    out.update({t.key: t.help for t in tables() if t.placement == "early"})
    out.update({k: v for k, v in core.items() if k not in _BEFORE_EARLY})
    out.update({t.key: t.help for t in tables() if t.placement == "late"})
    return out


def _whole(value: object, lo: int, hi: float) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and lo <= value <= hi


@dataclass(frozen=True, init=False)
class DriftConfig:
    """Everything that decides a run's results. Build directly, from TOML, or both.

    ``test``/``threshold`` apply one test to every column it fits (others keep the automatic
    choice); ``column`` holds per-column overrides, which win over ``test``. Section tables
    are keyword arguments named by their key (``model=ModelConfig(...)``,
    ``online=OnlineConfig(...)``) and are read back with :meth:`section`.
    """

    columns: tuple[str, ...] | None
    exclude: tuple[str, ...]
    segment_by: tuple[str, ...]
    test: str | None
    threshold: Threshold | None  # a number, or "auto" (learned from the reference)
    drift_share: float
    fail_on: FailOn
    min_segment_rows: int
    bins: int
    reference_format: str | None
    current_format: str | None
    column: Mapping[str, ColumnConfig]
    correction: Correction
    auto_threshold: AutoThresholdConfig
    time_column: str | None
    window: str | None  # a Polars duration ("1d") or a row count ("1000 rows")
    #: How a text time column writes numeric dates (``01/02/2024``): ``day first`` or ``month
    #: first``; None: as the dates of both sides show it (:func:`driftcli.timeline.date_order`).
    date_order: str | None
    separator: str | None
    #: CSV numbers are written with a decimal comma (``1,5``), as European spreadsheets
    #: export them; needs a ``separator`` other than ``,``.
    decimal_comma: bool
    max_segments: int
    column_errors: str  # "warn" | "fail"
    #: Output format -> path, written by ``drift report`` (and ``write_outputs``).
    outputs: Mapping[str, str]
    #: The config file this came from (for outputs that point at its lines); not a setting.
    origin: str | None = field(default=None, compare=False)
    #: The section tables that were set, by key; the others take their defaults.
    sections: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        *,
        columns: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        segment_by: Sequence[str] = (),
        test: str | None = None,
        threshold: Threshold | None = None,
        drift_share: float = 0.5,
        fail_on: FailOn | str = FailOn.DATASET,
        min_segment_rows: int = 30,
        bins: int = 10,
        reference_format: str | None = None,
        current_format: str | None = None,
        column: Mapping[str, ColumnConfig] | None = None,
        correction: Correction | str = DEFAULT_CORRECTION,
        auto_threshold: AutoThresholdConfig | None = None,
        time_column: str | None = None,
        window: str | None = None,
        date_order: str | None = None,
        separator: str | None = None,
        decimal_comma: bool = False,
        max_segments: int = DEFAULT_MAX_SEGMENTS,
        column_errors: str = "warn",
        outputs: Mapping[str, str] | None = None,
        origin: str | None = None,
        sections: Mapping[str, Any] | None = None,
        **tables: Any,
    ) -> None:
        test = get_test(test).name if test is not None else None
        auto_threshold = auto_threshold if auto_threshold is not None else AutoThresholdConfig()
        if not isinstance(auto_threshold, AutoThresholdConfig):
            raise ConfigError(
                f"auto_threshold: expected an AutoThresholdConfig, got {auto_threshold!r}"
            )
        if not _whole(min_segment_rows, 1, float("inf")):
            raise ConfigError(
                f"min_segment_rows must be a whole number >= 1, got {min_segment_rows!r}"
            )
        if not _whole(bins, 2, 1000):
            raise ConfigError(f"bins must be a whole number from 2 to 1000, got {bins!r}")
        if not _whole(max_segments, 1, float("inf")):
            raise ConfigError(f"max_segments must be a whole number >= 1, got {max_segments!r}")
        if column_errors not in COLUMN_ERRORS:
            raise ConfigError(f"column_errors must be warn or fail, got {column_errors!r}")
        if separator == "\\t":  # typed as backslash-t on a command line
            separator = "\t"
        if separator is not None and (not isinstance(separator, str) or len(separator) != 1):
            raise ConfigError(
                f"separator must be one character (e.g. ';' or '\\t'), got {separator!r}"
            )
        if date_order is not None and date_order not in DATE_ORDERS:
            raise ConfigError(
                f"date_order must be one of {', '.join(map(repr, DATE_ORDERS))}, got {date_order!r}"
            )
        if not isinstance(decimal_comma, bool):
            raise ConfigError(f"decimal_comma must be true or false, got {decimal_comma!r}")
        if decimal_comma and separator in (None, ","):
            raise ConfigError(
                "decimal_comma needs a separator other than ',' (a CSV whose numbers have "
                "decimal commas separates its fields with another character, usually ';'); "
                "set separator = ';' (--separator ';')"
            )
        values = {
            "columns": _columns(columns),
            "exclude": tuple(exclude),
            "segment_by": tuple(segment_by),
            "fail_on": _fail_on(fail_on),
            "test": test,
            "correction": parse_correction(correction),
            "auto_threshold": auto_threshold,
            "threshold": _threshold(threshold, test),
            "drift_share": _drift_share(drift_share),
            "min_segment_rows": min_segment_rows,
            "bins": bins,
            "reference_format": normalise_format(reference_format, "reference_format"),
            "current_format": normalise_format(current_format, "current_format"),
            "sections": MappingProxyType(_section_tables({**(sections or {}), **tables})),
            "time_column": _time_column(time_column),
            "window": _window(window, time_column),
            "date_order": date_order,
            "separator": separator,
            "decimal_comma": decimal_comma,
            "max_segments": max_segments,
            "column_errors": column_errors,
            "outputs": _outputs(outputs or {}),
            "origin": origin,
            "column": _column_configs(column or {}),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def window_spec(self) -> WindowSpec | None:
        """The parsed ``window``, or None without one."""
        return parse_window(self.window) if self.window is not None else None

    def section(self, cls: type[T]) -> T:
        """The section table of type ``cls`` (``config.section(ModelConfig)``): as set, or
        its default."""
        ensure_loaded()
        for t in _TABLES.values():
            if t.type is cls:
                value = self.sections.get(t.key)
                return value if isinstance(value, cls) else cls()
        raise KeyError(f"no config table of type {cls.__name__} is registered")

    def table(self, key: str) -> Any:
        """The section table registered as ``key``: as set, or its default."""
        ensure_loaded()
        if key not in _TABLES:
            raise KeyError(f"no config table {key!r} is registered")
        return self.sections.get(key, _TABLES[key].type())

    def replace(self, **changes: Any) -> DriftConfig:
        """A copy with the given fields or tables changed; None values are ignored."""
        given = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **given)

    def with_options(self, **flags: Any) -> DriftConfig:
        """This config with command-line options applied, as ``drift report`` does.

        ``flags`` are the options by their config name (``columns``, ``threshold``,
        ``segment_by`` ...) plus the flags a section owns (``target``, ``prediction`` ...);
        None means "not given". Column lists may be comma-separated; ``threshold`` may be the
        text of a number or ``"auto"``.
        """
        core = {k: v for k, v in flags.items() if k in _CORE_KEYS}
        for key in ("columns", "exclude", "segment_by"):
            if isinstance(core.get(key), (list, tuple)):
                core[key] = parse_column_list(core[key])
        if isinstance(core.get("threshold"), str):
            core["threshold"] = _threshold_text(core["threshold"])
        rest = {k: v for k, v in flags.items() if k not in _CORE_KEYS}
        for t in tables():
            if t.options is not None:
                changed = t.options(self.table(t.key), rest)
                if changed is not None:
                    core[t.key] = changed
        unknown = set(rest) - {n for t in tables() for n in t.option_names}
        if unknown:
            raise ConfigError(f"unknown option {sorted(unknown)[0]!r}")
        return self.replace(**core)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports (core keys, then each table;
        ``date_order`` and ``decimal_comma`` only when set, so configs without them keep their
        echo; a run that finds month-first dates sets ``date_order``)."""
        out: dict[str, Any] = {
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
        }
        order = tables()
        out.update(
            {t.key: self.table(t.key).to_dict() for t in order if t.placement == "early" and t.echo}
        )
        out.update(
            {
                "correction": self.correction.value,
                "auto_threshold": self.auto_threshold.to_dict(),
                "time_column": self.time_column,
                "window": self.window,
                **({"date_order": self.date_order} if self.date_order is not None else {}),
                "separator": self.separator,
                **({"decimal_comma": True} if self.decimal_comma else {}),
                "max_segments": self.max_segments,
                "column_errors": self.column_errors,
                "outputs": dict(self.outputs),
            }
        )
        out.update(
            {t.key: self.table(t.key).to_dict() for t in order if t.placement == "late" and t.echo}
        )
        return out


def _columns(columns: Sequence[str] | None) -> tuple[str, ...] | None:
    if columns is None:
        return None
    if not columns:
        raise ConfigError(
            "columns is empty: list the columns to test, or leave it out to test all shared columns"
        )
    return tuple(columns)


def _fail_on(value: FailOn | str) -> FailOn:
    try:
        return FailOn(value)
    except ValueError:
        raise ConfigError(
            f"fail_on: unknown value {value!r}; valid values: {', '.join(f.value for f in FailOn)}"
        ) from None


def _threshold(value: Threshold | None, test: str | None) -> Threshold | None:
    if value is None:
        return None
    threshold = parse_threshold(value, "threshold")
    if test is None and threshold != AUTO:
        raise ConfigError(
            "threshold needs a test: set `test` (or --test) too, or set thresholds "
            'per column in [column.NAME] (threshold = "auto" works without a test)'
        )
    check_threshold(threshold, test, "threshold")
    return threshold


def check_threshold(threshold: Threshold, test: str | None, where: str) -> None:
    """ConfigError when a number is not a valid threshold of ``test``: a p-value test's must
    be in (0, 1) (a p-value is compared with it)."""
    if test is None or isinstance(threshold, str):
        return
    t = get_test(test)
    if t.has_pvalue and not 0 < threshold < 1:
        raise ConfigError(
            f"{where}: {threshold:g} is not a p-value threshold; {t.name} compares a p-value "
            "with it, so it must be in (0, 1), e.g. 0.05"
        )


def _drift_share(share: object) -> float:
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise ConfigError(f"drift_share must be a number in (0, 1], got {share!r}")
    return float(share)


def _time_column(value: object) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigError(f"time_column must be a column name, got {value!r}")
    return value


def _window(window: str | None, time_column: str | None) -> str | None:
    if window is not None and parse_window(window).every is not None and time_column is None:
        raise ConfigError(
            f"window {window!r} is a duration and needs a time column: set "
            "time_column (--time-column), or use a row window such as '1000 rows'"
        )
    return window


def _outputs(outputs: Mapping[str, str]) -> Mapping[str, str]:
    if not isinstance(outputs, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in outputs.items()
    ):
        raise ConfigError(
            f'outputs must be a table of FORMAT = PATH, e.g. junit = "drift.xml", got {outputs!r}'
        )
    return MappingProxyType({k.lower(): v for k, v in outputs.items()})


def _column_configs(column: Mapping[str, ColumnConfig]) -> Mapping[str, ColumnConfig]:
    cols = {}
    for name, cc in column.items():
        if not isinstance(cc, ColumnConfig):
            raise ConfigError(f"column {name!r}: expected a ColumnConfig, got {cc!r}")
        cols[str(name)] = cc
    return MappingProxyType(cols)


def _threshold_text(value: str) -> float | str:
    """--threshold as given: a number, or the word "auto" (validated by the config)."""
    if value.strip().lower() == "auto":
        return value.strip().lower()
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f'--threshold: expected a number or "auto", got {value!r}') from None


def _section_tables(given: Mapping[str, Any]) -> dict[str, Any]:
    """The section tables of a DriftConfig, each checked against its registered type."""
    out: dict[str, Any] = {}
    if given:
        ensure_loaded()
    for key, value in given.items():
        table = _TABLES.get(key)
        if table is None:
            valid = ", ".join(list(_CORE_KEYS) + [t.key for t in tables()])
            raise ConfigError(f"unknown setting {key!r}; valid settings: {valid}")
        if not isinstance(value, table.type):
            raise ConfigError(f"{key}: expected a {table.type.__name__}, got {value!r}")
        out[key] = value
    return out


_COLUMN_KEYS = ("kind", "test", "threshold")


def _str_list(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of column names, got {value!r}")
    return tuple(value)


def config_from_mapping(data: Mapping[str, Any], source: str = "config") -> DriftConfig:
    """Validate a parsed TOML table and build a DriftConfig (errors name ``source``)."""
    reject_unknown_keys(data, _top_keys(), source)
    kwargs: dict[str, Any] = {}
    for key in ("columns", "exclude", "segment_by"):
        if key in data:
            kwargs[key] = _str_list(data[key], f"{source}: {key}")
    if "auto_threshold" in data:
        kwargs["auto_threshold"] = auto_config_from_mapping(data["auto_threshold"], source)
    for t in tables():
        if t.key in data:
            kwargs[t.key] = t.parse(data[t.key], source)
    for key in (
        "test",
        "fail_on",
        "reference_format",
        "current_format",
        "correction",
        "time_column",
        "window",
        "date_order",
        "separator",
        "column_errors",
    ):
        if key in data:
            if not isinstance(data[key], str):
                raise ConfigError(f"{source}: {key} must be a string, got {data[key]!r}")
            kwargs[key] = data[key]
    for key in ("threshold", "drift_share", "min_segment_rows", "bins", "max_segments"):
        if key in data:
            kwargs[key] = data[key]
    if "decimal_comma" in data:
        if not isinstance(data["decimal_comma"], bool):
            raise ConfigError(
                f"{source}: decimal_comma must be true or false, got {data['decimal_comma']!r}"
            )
        kwargs["decimal_comma"] = data["decimal_comma"]
    kwargs["column"] = _column_tables(data.get("column", {}), source)
    if "outputs" in data:
        kwargs["outputs"] = data["outputs"]
    try:
        return DriftConfig(**kwargs)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def _column_tables(raw_cols: object, source: str) -> dict[str, ColumnConfig]:
    """The ``[column."NAME"]`` tables of a config file."""
    columns: dict[str, ColumnConfig] = {}
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
    return columns


def read_toml(
    path: Path, what: str = "config file", where: str = "the --config path"
) -> dict[str, Any]:
    """A TOML file's tables; ConfigError naming the file and ``what`` it is when it is missing
    (check ``where``), unreadable or not valid TOML."""
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found; check {where}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc}); fix the file's syntax") from None


def load_config(path: str | Path) -> DriftConfig:
    """Read a drift.toml (top-level keys) or a pyproject.toml ([tool.drift])."""
    p = Path(path)
    data = read_toml(p)
    if p.name == "pyproject.toml":
        table = data.get("tool", {}).get("drift")
        if table is None:
            raise ConfigError(f"{p}: no [tool.drift] table; add one or pass a drift.toml")
        return config_from_mapping(table, f"{p} [tool.drift]").replace(origin=str(p))
    return config_from_mapping(data, str(p)).replace(origin=str(p))


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
