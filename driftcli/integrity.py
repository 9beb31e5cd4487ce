"""Data integrity checks learned from the reference: schema, rows, nulls, categories, ranges.

Many incidents that look like drift are broken pipelines: a renamed column, a type change, a
feature that became all null, a new category from an upstream system. These checks catch them
in the same run, with limits derived from the reference so no one writes expectations by hand.

Each check is named in :data:`CHECKS` (with its default severity); config files name checks
to change their severity or turn them off. Every check is a pure function over the two
DataFrames the engine already collected (or their schemas) and returns frozen
:class:`IntegrityResult` records, passes included. Column statistics are computed in one
Polars ``select`` per side over all columns at once; category counts with one ``group_by`` per
categorical column, run together with ``pl.collect_all``.

Severity ``fail`` makes the run fail (exit 1) unless ``fail_on = "never"``; ``warn`` is
reported only; ``info`` is shown for context; ``off`` does not run the check.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any

import polars as pl

from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.kinds import Kind, dtype_family, is_numeric_dtype


class Severity(str, Enum):
    """How much a tripped check matters."""

    FAIL = "fail"
    """Breach: exit code 1 unless fail_on = "never"."""
    WARN = "warn"
    """Reported, never a breach."""
    INFO = "info"
    """Context only."""
    OFF = "off"
    """The check does not run."""

    def __str__(self) -> str:
        return self.value


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

#: Expected current count a reference category needs before its absence is reported.
VANISHED_MIN_EXPECTED = 5.0


def get_check(name: str, where: str = "integrity") -> CheckSpec:
    """The registered check, or ConfigError listing the valid names."""
    try:
        return CHECKS[name]
    except KeyError:
        raise ConfigError(
            f"{where}: unknown check {name!r}; valid checks: {', '.join(CHECKS)}"
        ) from None


# --------------------------------------------------------------------------------------------
# Configuration


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


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Offending:
    """One offending value (or group of values) and how many current rows hold it."""

    value: str
    count: int


@dataclass(frozen=True)
class IntegrityResult:
    """One check on one column (or the dataset): what was seen against what was allowed."""

    check: str
    column: str | None
    severity: Severity
    status: str  # "pass" | "fail" | "warn" | "info"
    message: str
    observed: float | str | None = None
    reference: float | str | None = None
    limit: float | str | None = None
    offending: tuple[Offending, ...] = ()
    drift_status: str | None = None  # the column's drift status, filled in by the engine

    @property
    def tripped(self) -> bool:
        """True when the check found a problem (fail, warn or info)."""
        return self.status != "pass"


@dataclass(frozen=True)
class RootCauseHint:
    """A drifted column that also failed integrity: the drift is likely a data issue."""

    column: str
    checks: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class IntegrityReport:
    """All integrity results of a run (passes included) and the root-cause hints."""

    enabled: bool = False
    results: tuple[IntegrityResult, ...] = ()
    hints: tuple[RootCauseHint, ...] = ()

    @property
    def findings(self) -> list[IntegrityResult]:
        """Tripped checks, fail first, then warn, then info."""
        order = {"fail": 0, "warn": 1, "info": 2}
        tripped = [r for r in self.results if r.tripped]
        return sorted(tripped, key=lambda r: order[r.status])

    def count(self, status: str) -> int:
        """How many results have ``status`` (pass, fail, warn or info)."""
        return sum(1 for r in self.results if r.status == status)

    def for_column(self, column: str) -> list[IntegrityResult]:
        """Tripped checks on one column."""
        return [r for r in self.results if r.column == column and r.tripped]


def _result(
    cfg: IntegrityConfig,
    check: str,
    column: str | None,
    tripped: bool,
    message: str,
    **fields: Any,
) -> IntegrityResult:
    sev = cfg.severity_of(check, column)
    return IntegrityResult(check, column, sev, sev.value if tripped else "pass", message, **fields)


def _col(column: str) -> str:
    return f"column {column!r}"


# --------------------------------------------------------------------------------------------
# Schema and row count (from schemas and heights only)


def schema_checks(
    ref: pl.Schema,
    cur: pl.Schema,
    names: Sequence[str],
    cfg: IntegrityConfig,
    labels: tuple[str, str] = ("reference", "current"),
) -> list[IntegrityResult]:
    """Missing and new columns, dtype changes and column order, over the columns in scope."""
    out: list[IntegrityResult] = []
    rl, cl = labels
    on = cfg.severity_of
    new_cols = [n for n in names if n in cur and n not in ref]
    for name in names:
        if name in ref and name not in cur and on("missing_column", name) is not Severity.OFF:
            # A new column of the same dtype is the likely new name of a renamed one.
            alike = [n for n in new_cols if cur[n] == ref[name]]
            renamed = (
                f"; new in current with the same dtype: {', '.join(alike[:3])}" if alike else ""
            )
            out.append(
                _result(
                    cfg,
                    "missing_column",
                    name,
                    True,
                    f"{_col(name)} is in reference {rl} but missing from current {cl} "
                    f"(renamed or dropped upstream?{renamed})",
                    reference=str(ref[name]),
                )
            )
        elif name in cur and name not in ref and on("new_column", name) is not Severity.OFF:
            out.append(
                _result(
                    cfg,
                    "new_column",
                    name,
                    True,
                    f"{_col(name)} is in current {cl} but not in reference {rl}",
                    observed=str(cur[name]),
                )
            )
        elif name in cur and name in ref and on("dtype_change", name) is not Severity.OFF:
            rd, cd = ref[name], cur[name]
            fr, fc = dtype_family(rd), dtype_family(cd)
            if rd == cd or "null" in (fr, fc):
                tripped, msg = False, f"{_col(name)}: dtype {rd} on both sides"
            else:
                tripped = True
                msg = f"{_col(name)}: dtype changed from {rd} in reference to {cd} in current"
            res = _result(
                cfg, "dtype_change", name, tripped, msg, observed=str(cd), reference=str(rd)
            )
            if tripped and fr == fc:
                res = dataclasses.replace(
                    res,
                    severity=Severity.INFO,
                    status="info",
                    message=msg + f" (both {fr}: compared as usual)",
                )
            out.append(res)
    if cfg.severity_of("column_order") is not Severity.OFF:
        shared = set(ref) & set(cur) & set(names)
        r_order = [c for c in ref if c in shared]
        c_order = [c for c in cur if c in shared]
        moved = [a for a, b in zip(r_order, c_order, strict=True) if a != b]
        out.append(
            _result(
                cfg,
                "column_order",
                None,
                bool(moved),
                f"column order changed: {len(moved)} of {len(shared)} shared columns moved"
                if moved
                else "shared columns are in the same order",
                offending=tuple(Offending(c, 1) for c in moved[: cfg.top_values]),
            )
        )
    return out


def row_count_check(n_ref: int, n_cur: int, cfg: IntegrityConfig) -> list[IntegrityResult]:
    """Current rows against the reference's, outside ``row_ratio``; empty current fails."""
    sev = cfg.severity_of("row_count")
    if sev is Severity.OFF:
        return []
    lo, hi = cfg.row_ratio
    ratio = n_cur / n_ref if n_ref else math.inf
    limit = f"ratio in [{lo:g}, {hi:g}]"
    if n_cur == 0:
        return [
            IntegrityResult(
                "row_count",
                None,
                Severity.FAIL,
                "fail",
                f"current has no rows (reference has {n_ref}); the upstream job likely "
                "produced nothing",
                observed=0.0,
                reference=float(n_ref),
                limit=limit,
            )
        ]
    tripped = not lo <= ratio <= hi
    return [
        _result(
            cfg,
            "row_count",
            None,
            tripped,
            f"current has {n_cur} rows, {ratio:.3g}x the reference's {n_ref}"
            + (f" (outside {lo:g}-{hi:g}x)" if tripped else ""),
            observed=ratio,
            reference=float(n_ref),
            limit=limit,
        )
    ]


def duplicate_check(
    ref: pl.DataFrame, cur: pl.DataFrame, cfg: IntegrityConfig
) -> list[IntegrityResult]:
    """Share of rows repeating an earlier row, current against reference (the columns read).

    Rows are compared by 64-bit row hashes (``DataFrame.hash_rows``): ~10x faster than exact
    row grouping; a collision, with probability about n^2 / 2^65, would hide one duplicate.
    """
    if cfg.severity_of("duplicates") is Severity.OFF or cur.height == 0 or ref.height == 0:
        return []
    if ref.width == 0 or "__rows" in ref.columns:
        return []

    def share(df: pl.DataFrame) -> float:
        return 1.0 - df.hash_rows(seed=0).n_unique() / df.height

    r, c = share(ref), share(cur)
    rise = cfg.duplicate_rise
    tripped = c - r > rise
    return [
        _result(
            cfg,
            "duplicates",
            None,
            tripped,
            f"{c:.2%} of current rows repeat an earlier row (reference {r:.2%}"
            + (f"; rise above {rise:g})" if tripped else ")"),
            observed=c,
            reference=r,
            limit=rise,
        )
    ]


# --------------------------------------------------------------------------------------------
# Column checks (one select per side over all columns, one group_by per categorical column)


@dataclass(frozen=True)
class ColumnScope:
    """What a column check needs to know about a column besides its values."""

    name: str
    kind: Kind
    configured_kind: Kind | None = None
    #: Medians and the reference's [min, max] of the finite values, when the drift statistics
    #: already computed them (from the sorted samples); None: computed here in Polars.
    ref_median: float | None = None
    cur_median: float | None = None
    ref_range: tuple[float, float] | None = None
    cur_range: tuple[float, float] | None = None


def _null_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    c = pl.col(name)
    n = c.null_count()
    if dtype.is_float():
        n = n + c.is_nan().sum()
    return n.cast(pl.Int64)


def _numeric(df: pl.DataFrame, name: str) -> bool:
    return is_numeric_dtype(df.schema[name])


def _side_exprs(
    df: pl.DataFrame, cols: Sequence[ColumnScope], cfg: IntegrityConfig, reference: bool
) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    for i, sc in enumerate(cols):
        dtype = df.schema[sc.name]
        exprs.append(_null_expr(sc.name, dtype).alias(f"null{i}"))
        if sc.kind is Kind.NUMERIC and _numeric(df, sc.name):
            x = pl.col(sc.name).cast(pl.Float64)
            finite = x.filter(x.is_finite())
            known = sc.ref_median if reference else sc.cur_median
            # The share of the median value is the top value's share whenever that is above
            # 1/2, which is all the near-constant check needs; a median the drift statistics
            # already computed saves a selection pass.
            med = pl.lit(known, pl.Float64) if known is not None else finite.median()
            exprs += [
                x.is_infinite().sum().cast(pl.Int64).alias(f"inf{i}"),
                med.alias(f"med{i}"),
                (x == med).sum().cast(pl.Int64).alias(f"atmed{i}"),
            ]
            if reference:
                qlo, qhi = cfg.limit("range_quantiles", sc.name)
                if (qlo, qhi) == (0.0, 1.0) and sc.ref_range is not None:
                    lo, hi = pl.lit(sc.ref_range[0]), pl.lit(sc.ref_range[1])
                else:
                    lo = finite.min() if qlo == 0 else finite.quantile(qlo, "linear")
                    hi = finite.max() if qhi == 1 else finite.quantile(qhi, "linear")
                exprs += [lo.alias(f"lo{i}"), hi.alias(f"hi{i}")]
        if sc.kind is Kind.ID:
            nn = pl.col(sc.name).drop_nulls()
            exprs += [nn.n_unique().cast(pl.Int64).alias(f"uniq{i}")]
    return exprs


def _current_extremes(cur: pl.DataFrame, sc: ColumnScope) -> tuple[float | None, float | None]:
    """The current finite min and max: the lowest and highest out-of-range values."""
    if sc.cur_range is not None:
        return sc.cur_range
    x = pl.col(sc.name).cast(pl.Float64, strict=False)
    finite = x.filter(x.is_finite())
    lo, hi = cur.select(finite.min().alias("lo"), finite.max().alias("hi")).row(0)
    return lo, hi


def _range_exprs(cols: Sequence[tuple[int, str, float, float]]) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    for i, name, lo, hi in cols:
        # strict=False: a text column set to numeric; what fails to parse is parse_failures.
        x = pl.col(name).cast(pl.Float64, strict=False)
        # Comparisons are False for NaN; infinities are counted apart (the `infinite` check).
        below, above = x.is_finite() & (x < lo), x.is_finite() & (x > hi)
        exprs += [
            below.sum().cast(pl.Int64).alias(f"below{i}"),
            above.sum().cast(pl.Int64).alias(f"above{i}"),
        ]
    return exprs


def _counts_query(df: pl.DataFrame, name: str) -> pl.LazyFrame:
    """Category counts of one column as (value as text, count), nulls and NaN left out."""
    c = pl.col(name)
    lf = df.lazy().select(c)
    if df.schema[name].is_float():
        lf = lf.filter(c.is_not_nan())
    return (
        lf.drop_nulls()
        .group_by(name)
        .len()
        .select(c.cast(pl.String).alias("value"), pl.col("len").cast(pl.Int64).alias("n"))
    )


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.6g}"


def column_checks(
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    cols: Sequence[ColumnScope],
    cfg: IntegrityConfig,
) -> list[IntegrityResult]:
    """Nulls, categories, ranges, infinities, near-constant, id uniqueness, parse failures."""
    cols = [sc for sc in cols if sc.name in ref.columns and sc.name in cur.columns]
    if not cols or ref.height == 0 or cur.height == 0:
        return []
    r_row = ref.select(_side_exprs(ref, cols, cfg, True)).row(0, named=True)
    c_row = cur.select(_side_exprs(cur, cols, cfg, False)).row(0, named=True)
    for row, height in ((r_row, ref.height), (c_row, cur.height)):
        for i in range(len(cols)):
            if f"inf{i}" in row:  # finite = rows - (nulls + NaN) - infinities
                row[f"fin{i}"] = height - row[f"null{i}"] - row[f"inf{i}"]
    ranged = [
        (i, sc.name, float(r_row[f"lo{i}"]), float(r_row[f"hi{i}"]))
        for i, sc in enumerate(cols)
        if f"lo{i}" in r_row and r_row[f"lo{i}"] is not None
    ]
    rng_row = cur.select(_range_exprs(ranged)).row(0, named=True) if ranged else {}
    cat_cols = [sc for sc in cols if sc.kind in (Kind.CATEGORICAL, Kind.BOOLEAN)]
    queries: list[pl.LazyFrame] = []
    for sc in cat_cols:
        queries += [_counts_query(ref, sc.name), _counts_query(cur, sc.name)]
    counted = pl.collect_all(queries) if queries else []
    counts = {sc.name: (counted[2 * k], counted[2 * k + 1]) for k, sc in enumerate(cat_cols)}

    out: list[IntegrityResult] = []
    nr, nc = ref.height, cur.height
    for i, sc in enumerate(cols):
        name = sc.name
        on = cfg.severity_of
        if on("nulls", name) is not Severity.OFF:
            out.append(_nulls(cfg, name, r_row[f"null{i}"] / nr, c_row[f"null{i}"] / nc))
        if f"inf{i}" in r_row and f"inf{i}" in c_row:
            if on("infinite", name) is not Severity.OFF:
                out.append(_infinite(cfg, name, r_row[f"inf{i}"], nr, c_row[f"inf{i}"], nc))
            if on("out_of_range", name) is not Severity.OFF and f"below{i}" in rng_row:
                extremes: tuple[float | None, float | None] = (None, None)
                if rng_row[f"below{i}"] or rng_row[f"above{i}"]:
                    extremes = _current_extremes(cur, sc)
                out.append(_out_of_range(cfg, name, i, r_row, c_row, rng_row, extremes))
            if on("constant", name) is not Severity.OFF:
                rf, cf = r_row[f"fin{i}"], c_row[f"fin{i}"]
                if rf > 1 and cf > 1:
                    out.append(
                        _constant(
                            cfg,
                            name,
                            r_row[f"atmed{i}"] / rf,
                            c_row[f"atmed{i}"] / cf,
                            _fmt(c_row[f"med{i}"]),
                            c_row[f"atmed{i}"],
                        )
                    )
        if name in counts:
            out += _category_checks(cfg, sc, *counts[name])
        if f"uniq{i}" in r_row and on("id_unique", name) is not Severity.OFF:
            res = _id_unique(
                cfg,
                name,
                ref,
                cur,
                r_row[f"uniq{i}"],
                c_row[f"uniq{i}"],
                nr - r_row[f"null{i}"],
                nc - c_row[f"null{i}"],
            )
            if res is not None:
                out.append(res)
        if (
            sc.configured_kind in (Kind.NUMERIC, Kind.DATETIME)
            and cur.schema[name] == pl.String
            and on("parse_failures", name) is not Severity.OFF
        ):
            out.append(_parse_failures(cfg, sc, ref, cur))
    return out


def _nulls(cfg: IntegrityConfig, name: str, r: float, c: float) -> IntegrityResult:
    rise, ratio = cfg.limit("null_rise", name), cfg.limit("null_ratio", name)
    tripped = c - r > rise and c > ratio * r
    return _result(
        cfg,
        "nulls",
        name,
        tripped,
        f"{_col(name)}: {c:.2%} null or NaN in current vs {r:.2%} in reference"
        + (f" (rise above {rise:g} and above {ratio:g}x)" if tripped else ""),
        observed=c,
        reference=r,
        limit=f"rise > {rise:g} and > {ratio:g}x reference",
    )


def _infinite(
    cfg: IntegrityConfig, name: str, r_inf: int, nr: int, c_inf: int, nc: int
) -> IntegrityResult:
    r, c = r_inf / nr, c_inf / nc
    rise = cfg.limit("infinite_rise", name)
    tripped = c - r > rise
    return _result(
        cfg,
        "infinite",
        name,
        tripped,
        f"{_col(name)}: {c_inf} infinite values in current ({c:.2%}) vs {r_inf} in reference "
        f"({r:.2%})",
        observed=c,
        reference=r,
        limit=rise,
        offending=(Offending("inf or -inf", c_inf),) if tripped else (),
    )


def _out_of_range(
    cfg: IntegrityConfig,
    name: str,
    i: int,
    r_row: Mapping[str, Any],
    c_row: Mapping[str, Any],
    rng_row: Mapping[str, Any],
    extremes: tuple[float | None, float | None],
) -> IntegrityResult:
    lo, hi = float(r_row[f"lo{i}"]), float(r_row[f"hi{i}"])
    below, above = int(rng_row[f"below{i}"]), int(rng_row[f"above{i}"])
    finite = int(c_row[f"fin{i}"])
    share = (below + above) / finite if finite else 0.0
    limit = cfg.limit("out_of_range_share", name)
    qlo, qhi = cfg.limit("range_quantiles", name)
    band = "min, max" if (qlo, qhi) == (0.0, 1.0) else f"q{qlo:g}, q{qhi:g}"
    tripped = share > limit
    offending: list[Offending] = []
    if below:
        offending.append(Offending(f"below {lo:.6g} (lowest {_fmt(extremes[0])})", below))
    if above:
        offending.append(Offending(f"above {hi:.6g} (highest {_fmt(extremes[1])})", above))
    return _result(
        cfg,
        "out_of_range",
        name,
        tripped,
        f"{_col(name)}: {share:.2%} of finite current values outside the reference "
        f"[{band}] = [{lo:.6g}, {hi:.6g}] ({below} below, {above} above)",
        observed=share,
        reference=f"[{lo:.6g}, {hi:.6g}]",
        limit=limit,
        offending=tuple(offending),
    )


def _constant(
    cfg: IntegrityConfig, name: str, r_top: float, c_top: float, value: str, count: int
) -> IntegrityResult:
    limit = cfg.limit("near_constant_share", name)
    tripped = c_top >= limit and r_top < limit
    what = "constant" if c_top == 1.0 else "near-constant"
    return _result(
        cfg,
        "constant",
        name,
        tripped,
        f"{_col(name)}: {what} in current ({value!r} holds {c_top:.2%} of values; "
        f"reference top value {r_top:.2%})"
        if tripped
        else f"{_col(name)}: top value holds {c_top:.2%} of current values (reference {r_top:.2%})",
        observed=c_top,
        reference=r_top,
        limit=limit,
        offending=(Offending(value, int(count)),) if tripped else (),
    )


def _category_checks(
    cfg: IntegrityConfig, sc: ColumnScope, r: pl.DataFrame, c: pl.DataFrame
) -> list[IntegrityResult]:
    name, top = sc.name, cfg.top_values
    out: list[IntegrityResult] = []
    r_total, c_total = int(r["n"].sum()), int(c["n"].sum())
    if r_total == 0 or c_total == 0:
        return out
    on = cfg.severity_of
    if on("constant", name) is not Severity.OFF and c_total > 1 and r_total > 1:
        c_best = c.sort(["n", "value"], descending=[True, False]).row(0)
        out.append(
            _constant(
                cfg,
                name,
                int(r.select(pl.col("n").max()).item()) / r_total,
                c_best[1] / c_total,
                str(c_best[0]),
                c_best[1],
            )
        )
    if sc.kind is Kind.CATEGORICAL and on("new_categories", name) is not Severity.OFF:
        new = c.join(r, on="value", how="anti").sort(["n", "value"], descending=[True, False])
        n_new = int(new["n"].sum())
        share = n_new / c_total
        limit = cfg.limit("new_category_share", name)
        tripped = share > limit
        out.append(
            _result(
                cfg,
                "new_categories",
                name,
                tripped,
                f"{_col(name)}: {share:.2%} of current values ({n_new} rows, {new.height} "
                f"categor{'y' if new.height == 1 else 'ies'}) were never seen in the reference",
                observed=share,
                reference=float(r.height),
                limit=limit,
                offending=tuple(Offending(v, n) for v, n in new.head(top).iter_rows()),
            )
        )
    if on("vanished_categories", name) is not Severity.OFF:
        min_share = cfg.limit("vanished_min_share", name)
        floor = max(min_share * r_total, VANISHED_MIN_EXPECTED * r_total / c_total)
        gone = (
            r.filter(pl.col("n") >= floor)
            .join(c, on="value", how="anti")
            .sort(["n", "value"], descending=[True, False])
        )
        out.append(
            _result(
                cfg,
                "vanished_categories",
                name,
                gone.height > 0,
                f"{_col(name)}: {gone.height} reference categories are absent from current"
                + (" (counts are reference rows)" if gone.height else ""),
                observed=float(gone.height),
                reference=float(r.height),
                limit=0.0,
                offending=tuple(Offending(v, n) for v, n in gone.head(top).iter_rows()),
            )
        )
    return out


def _id_unique(
    cfg: IntegrityConfig,
    name: str,
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    r_uniq: int,
    c_uniq: int,
    r_nn: int,
    c_nn: int,
) -> IntegrityResult | None:
    if r_nn == 0 or c_nn == 0 or r_uniq != r_nn:
        return None  # only ids that were unique in the reference are held to it
    share = 1.0 - c_uniq / c_nn
    limit = cfg.limit("id_duplicate_share", name)
    tripped = share > limit
    offending: tuple[Offending, ...] = ()
    if tripped:
        dups = (
            _counts_query(cur, name)
            .filter(pl.col("n") > 1)
            .sort(["n", "value"], descending=[True, False])
            .head(cfg.top_values)
            .collect()
        )
        offending = tuple(Offending(v, n) for v, n in dups.iter_rows())
    return _result(
        cfg,
        "id_unique",
        name,
        tripped,
        f"{_col(name)}: unique in the reference, but {c_nn - c_uniq} current values "
        f"({share:.2%}) repeat another",
        observed=share,
        reference=0.0,
        limit=limit,
        offending=offending,
    )


def _parse_failures(
    cfg: IntegrityConfig, sc: ColumnScope, ref: pl.DataFrame, cur: pl.DataFrame
) -> IntegrityResult:
    name = sc.name
    target = "number" if sc.configured_kind is Kind.NUMERIC else "date or datetime"

    def failing(df: pl.DataFrame) -> tuple[pl.DataFrame, int]:
        s = pl.col(name).cast(pl.String).str.strip_chars()
        parsed = (
            s.cast(pl.Float64, strict=False)
            if sc.configured_kind is Kind.NUMERIC
            else (s.str.to_datetime(strict=False))
        )
        try:
            bad = (
                df.lazy()
                .select(s.alias("value"), parsed.alias("p"))
                .filter(pl.col("value").is_not_null() & pl.col("p").is_null())
                .collect()
            )
        except pl.exceptions.PolarsError:  # no format could be inferred: nothing parses
            bad = df.lazy().select(s.alias("value")).drop_nulls().collect()
        nn = df.height - df[name].null_count()
        return bad, nn

    r_bad, r_nn = failing(ref)
    c_bad, c_nn = failing(cur)
    r = r_bad.height / r_nn if r_nn else 0.0
    c = c_bad.height / c_nn if c_nn else 0.0
    limit = cfg.limit("parse_failure_share", name)
    tripped = c - r > limit
    top = (
        c_bad.group_by("value")
        .len()
        .sort(["len", "value"], descending=[True, False])
        .head(cfg.top_values)
    )
    return _result(
        cfg,
        "parse_failures",
        name,
        tripped,
        f"{_col(name)} is set to {sc.configured_kind}: {c:.2%} of current values do not "
        f"parse as a {target} (reference {r:.2%})",
        observed=c,
        reference=r,
        limit=limit,
        offending=tuple(Offending(str(v), int(n)) for v, n in top.iter_rows()) if tripped else (),
    )


# --------------------------------------------------------------------------------------------
# The whole run


def run_integrity(
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    ref_schema: pl.Schema,
    cur_schema: pl.Schema,
    names: Sequence[str],
    columns: Sequence[ColumnScope],
    cfg: IntegrityConfig,
    labels: tuple[str, str] = ("reference", "current"),
) -> list[IntegrityResult]:
    """Every enabled check, in report order: schema, rows, duplicates, then per column."""
    if not cfg.enabled:
        return []
    out = schema_checks(ref_schema, cur_schema, names, cfg, labels)
    out += row_count_check(ref.height, cur.height, cfg)
    out += duplicate_check(ref, cur, cfg)
    out += column_checks(ref, cur, columns, cfg)
    return out


def attach_drift(
    results: Sequence[IntegrityResult], drift: Mapping[str, tuple[str, bool]]
) -> IntegrityReport:
    """Add each column's drift status to its results and build the root-cause hints.

    ``drift`` maps a column to (its drift status, whether it drifted).
    """
    filled = [
        dataclasses.replace(r, drift_status=drift[r.column][0])
        if r.column is not None and r.column in drift
        else r
        for r in results
    ]
    hints: list[RootCauseHint] = []
    by_col: dict[str, list[IntegrityResult]] = {}
    for r in filled:
        if r.column is not None and r.status in ("fail", "warn"):
            by_col.setdefault(r.column, []).append(r)
    for column, found in by_col.items():
        if not drift.get(column, ("", False))[1]:
            continue
        checks = tuple(dict.fromkeys(r.check for r in found))
        hints.append(
            RootCauseHint(
                column,
                checks,
                f"column {column!r} drifted and also failed integrity ({', '.join(checks)}): "
                "the drift is likely a data issue (broken pipeline), not a change in the world",
            )
        )
    return IntegrityReport(True, tuple(filled), tuple(hints))


def integrity_breaches(report: IntegrityReport) -> list[str]:
    """One breach line per fail-status finding."""
    return [f"integrity {r.check}: {r.message}" for r in report.findings if r.status == "fail"]


def integrity_warning(report: IntegrityReport) -> str | None:
    """One warning line summarising warn-status findings, or None."""
    warned = [r for r in report.findings if r.status == "warn"]
    if not warned:
        return None
    names = ", ".join(
        f"{r.check}" + (f" ({r.column})" if r.column is not None else "") for r in warned[:10]
    )
    more = f" and {len(warned) - 10} more" if len(warned) > 10 else ""
    n = len(warned)
    return f"integrity: {n} check{'s' if n != 1 else ''} warned: {names}{more}"


__all__ = [
    "CHECKS",
    "CheckSpec",
    "ColumnIntegrity",
    "ColumnScope",
    "IntegrityConfig",
    "IntegrityReport",
    "IntegrityResult",
    "Offending",
    "RootCauseHint",
    "Severity",
    "attach_drift",
    "column_checks",
    "duplicate_check",
    "get_check",
    "integrity_breaches",
    "integrity_config_from_mapping",
    "integrity_warning",
    "row_count_check",
    "run_integrity",
    "schema_checks",
]
