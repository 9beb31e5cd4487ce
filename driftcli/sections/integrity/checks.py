"""Data integrity checks learned from the reference: schema, rows, nulls, categories, ranges.

Many incidents that look like drift are broken pipelines: a renamed column, a type change, a
feature that became all null, a new category from an upstream system. These checks catch them
in the same run, with limits derived from the reference so no one writes expectations by hand.

Each check is named in :data:`~driftcli.sections.integrity.config.CHECKS` (with its default
severity; see that module for the config table). Every check is a pure function over the two
DataFrames the engine already collected (or their schemas) and returns frozen
:class:`IntegrityResult` records, passes included. Column statistics are computed in one
Polars ``select`` per side over all columns at once; category counts with one ``group_by`` per
categorical column, run together with ``pl.collect_all``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from driftcli.columns.kinds import dtype_family, in_seconds, is_numeric_dtype
from driftcli.engines.base import ROWS_COLUMN
from driftcli.results.records import CategoryCounts, CountedColumn, SortedCounts
from driftcli.results.vocabulary import Kind, Outcome, Severity
from driftcli.sections.integrity.config import IntegrityConfig
from driftcli.sections.integrity.result import (
    IntegrityReport,
    IntegrityResult,
    Offending,
    RootCauseHint,
)

#: Expected current count a reference category needs before its absence is reported.
VANISHED_MIN_EXPECTED = 5.0


# --------------------------------------------------------------------------------------------
# Configuration


# --------------------------------------------------------------------------------------------
# Results


def _result(
    cfg: IntegrityConfig,
    check: str,
    column: str | None,
    tripped: bool,
    message: str,
    **fields: Any,
) -> IntegrityResult:
    sev = cfg.severity_of(check, column)
    status = Outcome(sev.value) if tripped else Outcome.PASS
    return IntegrityResult(check, column, sev, status, message, **fields)


def _col(column: str) -> str:
    return f"column {column!r}"


# --------------------------------------------------------------------------------------------
# Schema and row count (from schemas and heights only)


def _missing_column(
    cfg: IntegrityConfig,
    name: str,
    ref: pl.Schema,
    cur: pl.Schema,
    new_cols: Sequence[str],
    labels: tuple[str, str],
) -> IntegrityResult:
    """A reference column missing from current, naming the new columns it may be renamed to."""
    rl, cl = labels
    # A new column of the same name but for case or spaces around it (a CSV header written
    # "Amount " by another export) is the likeliest; else one of the same dtype.
    key = name.strip().casefold()
    near = [n for n in new_cols if n.strip().casefold() == key]
    alike = [n for n in new_cols if cur[n] == ref[name]]
    if near:
        renamed = f"; current has {near[0]!r}, the same name but for case or spaces"
    else:
        renamed = f"; new in current with the same dtype: {', '.join(alike[:3])}" if alike else ""
    return _result(
        cfg,
        "missing_column",
        name,
        True,
        f"{_col(name)} is in reference {rl} but missing from current {cl} "
        f"(renamed or dropped upstream?{renamed})",
        reference=str(ref[name]),
    )


def _new_column(
    cfg: IntegrityConfig, name: str, cur: pl.Schema, labels: tuple[str, str]
) -> IntegrityResult:
    """A current column the reference does not have."""
    rl, cl = labels
    return _result(
        cfg,
        "new_column",
        name,
        True,
        f"{_col(name)} is in current {cl} but not in reference {rl}",
        observed=str(cur[name]),
    )


def _dtype_change(
    cfg: IntegrityConfig, name: str, rd: pl.DataType, cd: pl.DataType
) -> IntegrityResult:
    """A shared column's dtypes; a change within one dtype family is only info."""
    fr, fc = dtype_family(rd), dtype_family(cd)
    if rd == cd or "null" in (fr, fc):
        tripped, msg = False, f"{_col(name)}: dtype {rd} on both sides"
    else:
        tripped = True
        msg = f"{_col(name)}: dtype changed from {rd} in reference to {cd} in current"
    res = _result(cfg, "dtype_change", name, tripped, msg, observed=str(cd), reference=str(rd))
    if tripped and fr == fc:
        res = dataclasses.replace(
            res,
            severity=Severity.INFO,
            status=Outcome.INFO,
            message=msg + f" (both {fr}: compared as usual)",
        )
    return res


def _column_order(
    cfg: IntegrityConfig, ref: pl.Schema, cur: pl.Schema, names: Sequence[str]
) -> IntegrityResult:
    """Whether the shared columns in scope come in the same order on both sides."""
    shared = set(ref) & set(cur) & set(names)
    r_order = [c for c in ref if c in shared]
    c_order = [c for c in cur if c in shared]
    moved = [a for a, b in zip(r_order, c_order, strict=True) if a != b]
    return _result(
        cfg,
        "column_order",
        None,
        bool(moved),
        f"column order changed: {len(moved)} of {len(shared)} shared columns moved"
        if moved
        else "shared columns are in the same order",
        offending=tuple(Offending(c, 1) for c in moved[: cfg.top_values]),
    )


def schema_checks(
    ref: pl.Schema,
    cur: pl.Schema,
    names: Sequence[str],
    cfg: IntegrityConfig,
    labels: tuple[str, str] = ("reference", "current"),
) -> list[IntegrityResult]:
    """Missing and new columns, dtype changes and column order, over the columns in scope."""
    out: list[IntegrityResult] = []
    on = cfg.severity_of
    new_cols = [n for n in names if n in cur and n not in ref]
    for name in names:
        if name in ref and name not in cur and on("missing_column", name) is not Severity.OFF:
            out.append(_missing_column(cfg, name, ref, cur, new_cols, labels))
        elif name in cur and name not in ref and on("new_column", name) is not Severity.OFF:
            out.append(_new_column(cfg, name, cur, labels))
        elif name in cur and name in ref and on("dtype_change", name) is not Severity.OFF:
            out.append(_dtype_change(cfg, name, ref[name], cur[name]))
    if cfg.severity_of("column_order") is not Severity.OFF:
        out.append(_column_order(cfg, ref, cur, names))
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
                Outcome.FAIL,
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
    if ref.width == 0 or ROWS_COLUMN in ref.columns:
        return []
    r, c = duplicate_share(ref.hash_rows(seed=0)), duplicate_share(cur.hash_rows(seed=0))
    return duplicate_result(r, c, cfg)


def duplicate_share(row_hashes: pl.Series) -> float:
    """Share of rows whose hash repeats an earlier row's."""
    return 1.0 - row_hashes.n_unique() / row_hashes.len()


def combine_row_hashes(before: pl.Series | None, df: pl.DataFrame) -> pl.Series:
    """Row hashes of ``df``'s columns combined with the hashes of earlier columns of the same
    rows (``before``): equal rows over all the columns get equal hashes, so a run reading its
    columns in passes counts the same duplicate rows as one reading them all at once."""
    return combine_hashes(before, df.hash_rows(seed=0))


def combine_hashes(before: pl.Series | None, hashes: pl.Series) -> pl.Series:
    """Row hashes of later columns (``hashes``) combined with those of earlier columns."""
    if before is None:
        return hashes
    return pl.DataFrame({"a": before, "b": hashes}).hash_rows(seed=0)


def duplicate_result(r: float, c: float, cfg: IntegrityConfig) -> list[IntegrityResult]:
    """The duplicates check from the two sides' duplicate shares."""
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
    #: Infinities, values at the median and current values outside the reference range,
    #: counted by the drift pass from the sorted sides; None: counted here in Polars.
    counts: SortedCounts | None = None
    #: The categories the drift pass counted on both sides (text and booleans as read);
    #: None: counted here in Polars.
    categories: CategoryCounts | None = None


def _null_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    c = pl.col(name)
    n = c.null_count()
    if dtype.is_float():
        n = n + c.is_nan().sum()
    return n.cast(pl.Int64)


def _in_seconds(df: pl.DataFrame, cols: Sequence[ColumnScope]) -> pl.DataFrame:
    """``df`` with its numeric Duration and Time columns in seconds, as the drift pass
    compares them (the same values: its medians, ranges and counts are read here)."""
    timed = [
        sc.name
        for sc in cols
        if sc.kind is Kind.NUMERIC and isinstance(df.schema[sc.name], (pl.Duration, pl.Time))
    ]
    if not timed:
        return df
    return df.with_columns(in_seconds(df[name])[0][0].alias(name) for name in timed)


def _numeric(df: pl.DataFrame, name: str) -> bool:
    return is_numeric_dtype(df[name].dtype)


def _side_exprs(
    df: pl.DataFrame, cols: Sequence[ColumnScope], cfg: IntegrityConfig, reference: bool
) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    for i, sc in enumerate(cols):
        dtype = df[sc.name].dtype
        exprs.append(_null_expr(sc.name, dtype).alias(f"null{i}"))
        if sc.kind is Kind.NUMERIC and _numeric(df, sc.name):
            if _counted(sc, cfg):
                continue  # every other statistic of the column: _from_counts
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


def _current_extremes(
    cur: pl.DataFrame | None, sc: ColumnScope
) -> tuple[float | None, float | None]:
    """The current finite min and max: the lowest and highest out-of-range values."""
    if sc.cur_range is not None:
        return sc.cur_range
    assert cur is not None, "a column counted elsewhere gives its current range"
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


def _value_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """A value as the text categories are compared by: numbers by value, so Int64 ``1`` and
    Float64 ``1.0`` are the same category ("1") on both sides."""
    c = pl.col(name)
    if not dtype.is_numeric():
        return c.cast(pl.String)
    x = c.cast(pl.Float64)
    whole = (x == x.round()) & (x.abs() < 2.0**53)
    return (
        pl.when(whole)
        .then(x.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(x.cast(pl.String))
    )


def _counts_query(df: pl.DataFrame, name: str) -> pl.LazyFrame:
    """Category counts of one column as (value as text, count), nulls and NaN left out."""
    c = pl.col(name)
    dtype = df[name].dtype
    lf = df.lazy().select(c)
    if dtype.is_float():
        lf = lf.filter(c.is_not_nan())
    return counts_as_text(lf.drop_nulls().group_by(name).len(), name, dtype)


def counts_as_text(counted: pl.LazyFrame, name: str, dtype: pl.DataType) -> pl.LazyFrame:
    """Counts per value (``name`` of ``dtype`` and ``len``) as the category checks read them:
    (value as text, n), values equal as text summed."""
    return (
        counted.select(
            _value_text(name, dtype).alias("value"), pl.col("len").cast(pl.Int64).alias("n")
        )
        .group_by("value")
        .agg(pl.col("n").sum())
    )


def _unseen_share(r: pl.DataFrame, r_total: int, c_total: int) -> float:
    """The share of current values that sampling alone leaves unseen in the reference.

    Good-Turing: the chance that a new draw is a category not yet seen is about the share of
    the reference's values in categories seen exactly once; three binomial standard errors of
    the current sample's share are added. 0 when no category was seen only once.
    """
    once = int((r["n"] == 1).sum())
    if once == 0:
        return 0.0
    p = once / r_total
    return p + 3.0 * math.sqrt(p * (1.0 - p) / c_total)


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.6g}"


@dataclass(frozen=True)
class _ColumnStats:
    """The statistics the column checks read, from a few bulk queries over both sides."""

    ref: dict[str, Any]  # the reference's statistics of column i, keyed "null{i}", "lo{i}", ...
    cur: dict[str, Any]  # the same on current
    ranges: dict[str, Any]  # current values outside the reference's range: "below{i}", ...
    counts: dict[str, tuple[pl.DataFrame, pl.DataFrame]]  # category counts, by column name


def _counted(sc: ColumnScope, cfg: IntegrityConfig) -> bool:
    """Whether the drift pass counted what the checks need of a numeric column: its counts
    are there, and the range checked is the reference's [min, max] they were counted in."""
    return (
        sc.counts is not None
        and sc.ref_median is not None
        and sc.cur_median is not None
        and sc.ref_range is not None
        and cfg.limit("range_quantiles", sc.name) == (0.0, 1.0)
    )


def _from_counts(row: dict[str, Any], i: int, sc: ColumnScope, reference: bool) -> None:
    """A counted column's statistics in ``row``, as the select would have found them."""
    assert sc.counts is not None and sc.ref_range is not None
    side = 0 if reference else 1
    row[f"inf{i}"] = sc.counts.infinite[side]
    row[f"med{i}"] = sc.ref_median if reference else sc.cur_median
    row[f"atmed{i}"] = sc.counts.at_median[side]
    if reference:
        row[f"lo{i}"], row[f"hi{i}"] = sc.ref_range


def _side_stats(
    df: pl.DataFrame, cols: Sequence[ColumnScope], cfg: IntegrityConfig, reference: bool
) -> dict[str, Any]:
    """One side's statistics of every column in one select (what the drift pass counted
    taken from it), with the finite counts derived."""
    row = df.select(_side_exprs(df, cols, cfg, reference)).row(0, named=True)
    for i, sc in enumerate(cols):
        if sc.kind is Kind.NUMERIC and _numeric(df, sc.name) and _counted(sc, cfg):
            _from_counts(row, i, sc, reference)
    for i in range(len(cols)):
        if f"inf{i}" in row:  # finite = rows - (nulls + NaN) - infinities
            row[f"fin{i}"] = df.height - row[f"null{i}"] - row[f"inf{i}"]
    return row


def _range_stats(
    cur: pl.DataFrame,
    cols: Sequence[ColumnScope],
    r_row: Mapping[str, Any],
    cfg: IntegrityConfig,
) -> dict[str, Any]:
    """Current values below and above each numeric column's reference range, in one select
    (or as the drift pass counted them)."""
    out: dict[str, Any] = {}
    ranged = []
    for i, sc in enumerate(cols):
        if f"lo{i}" not in r_row or r_row[f"lo{i}"] is None:
            continue
        if sc.counts is not None and _counted(sc, cfg):
            out[f"below{i}"], out[f"above{i}"] = sc.counts.below, sc.counts.above
        else:
            ranged.append((i, sc.name, float(r_row[f"lo{i}"]), float(r_row[f"hi{i}"])))
    if ranged:
        out |= cur.select(_range_exprs(ranged)).row(0, named=True)
    return out


def _category_counts(
    ref: pl.DataFrame, cur: pl.DataFrame, cols: Sequence[ColumnScope]
) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """Value counts on both sides of every categorical and boolean column: those the drift
    pass counted, the others run together."""
    cat_cols = [sc for sc in cols if sc.kind in (Kind.CATEGORICAL, Kind.BOOLEAN)]
    out = {sc.name: _as_frames(sc.categories) for sc in cat_cols if sc.categories is not None}
    todo = [sc for sc in cat_cols if sc.categories is None]
    queries: list[pl.LazyFrame] = []
    for sc in todo:
        queries += [_counts_query(ref, sc.name), _counts_query(cur, sc.name)]
    counted = pl.collect_all(queries) if queries else []
    out |= {sc.name: (counted[2 * k], counted[2 * k + 1]) for k, sc in enumerate(todo)}
    return {sc.name: out[sc.name] for sc in cat_cols}


#: Up to this many categories, counts become a Series through a list (see _as_frames).
_FEW_CATEGORIES = 10_000


def _as_frames(found: CategoryCounts) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The drift pass's category counts as the checks' (value, n) frames of each side's
    categories present."""
    values = pl.Series("value", found.labels, dtype=pl.String)
    frames = []
    for counts in (found.reference, found.current):
        # A Series made from a NumPy array imports numpy.ma (about 14 ms, once); the few
        # categories of most columns are quicker as a list.
        few = len(counts) <= _FEW_CATEGORIES
        n = pl.Series("n", counts.tolist() if few else counts, dtype=pl.Int64)
        frames.append(pl.DataFrame([values, n]).filter(pl.col("n") > 0))
    return frames[0], frames[1]


def _column_stats(
    ref: pl.DataFrame, cur: pl.DataFrame, cols: Sequence[ColumnScope], cfg: IntegrityConfig
) -> _ColumnStats:
    """Every statistic the column checks need, computed up front in bulk."""
    r_row = _side_stats(ref, cols, cfg, True)
    c_row = _side_stats(cur, cols, cfg, False)
    rng_row = _range_stats(cur, cols, r_row, cfg)
    return _ColumnStats(r_row, c_row, rng_row, _category_counts(ref, cur, cols))


def _numeric_checks(
    cfg: IntegrityConfig,
    i: int,
    sc: ColumnScope,
    rows: tuple[int, int],
    cur: pl.DataFrame | None,
    stats: _ColumnStats,
) -> list[IntegrityResult]:
    """Infinities, values outside the reference range and near-constant values of column i
    (``cur``: the current's values, for extremes the scope does not give)."""
    name, r_row, c_row, rng_row = sc.name, stats.ref, stats.cur, stats.ranges
    on = cfg.severity_of
    out: list[IntegrityResult] = []
    if on("infinite", name) is not Severity.OFF:
        out.append(_infinite(cfg, name, r_row[f"inf{i}"], rows[0], c_row[f"inf{i}"], rows[1]))
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
    return out


def column_checks(
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    cols: Sequence[ColumnScope],
    cfg: IntegrityConfig,
) -> list[IntegrityResult]:
    """Nulls, categories, ranges, infinities, near-constant, id uniqueness, parse failures."""
    both = set(ref.columns) & set(cur.columns)
    cols = [sc for sc in cols if sc.name in both]
    if not cols or ref.height == 0 or cur.height == 0:
        return []
    ref, cur = _in_seconds(ref, cols), _in_seconds(cur, cols)
    stats = _column_stats(ref, cur, cols, cfg)

    def repeats(name: str) -> pl.LazyFrame:
        return _counts_query(cur, name).filter(pl.col("n") > 1)

    def parse_failures(sc: ColumnScope) -> list[IntegrityResult]:
        if (
            sc.configured_kind in (Kind.NUMERIC, Kind.DATETIME)
            and cur[sc.name].dtype == pl.String
            and cfg.severity_of("parse_failures", sc.name) is not Severity.OFF
        ):
            return [_parse_failures(cfg, sc, ref, cur)]
        return []

    return _checks(cfg, cols, stats, (ref.height, cur.height), repeats, cur, parse_failures)


def _checks(
    cfg: IntegrityConfig,
    cols: Sequence[ColumnScope],
    stats: _ColumnStats,
    rows: tuple[int, int],
    repeats: Callable[[str], pl.LazyFrame],
    cur: pl.DataFrame | None,
    parse_failures: Callable[[ColumnScope], list[IntegrityResult]] | None = None,
) -> list[IntegrityResult]:
    """The column checks from their statistics: each column's nulls, numeric, category, id
    and (with the values: ``parse_failures``) parse checks. ``repeats(name)``: a column's
    current values seen more than once, as (value as text, n), for the id check's examples."""
    r_row, c_row = stats.ref, stats.cur
    out: list[IntegrityResult] = []
    nr, nc = rows
    on = cfg.severity_of
    for i, sc in enumerate(cols):
        name = sc.name
        if on("nulls", name) is not Severity.OFF:
            out.append(_nulls(cfg, name, r_row[f"null{i}"] / nr, c_row[f"null{i}"] / nc))
        if f"inf{i}" in r_row and f"inf{i}" in c_row:
            out += _numeric_checks(cfg, i, sc, rows, cur, stats)
        if name in stats.counts:
            out += _category_checks(cfg, sc, *stats.counts[name])
        if f"uniq{i}" in r_row and on("id_unique", name) is not Severity.OFF:
            res = _id_unique(
                cfg,
                name,
                repeats,
                r_row[f"uniq{i}"],
                c_row[f"uniq{i}"],
                nr - r_row[f"null{i}"],
                nc - c_row[f"null{i}"],
            )
            if res is not None:
                out.append(res)
        if parse_failures is not None:
            out += parse_failures(sc)
    return out


def counted_column_checks(
    rows: tuple[int, int],
    cols: Sequence[ColumnScope],
    counted: Mapping[str, CountedColumn],
    cfg: IntegrityConfig,
    repeats: Callable[[str], pl.LazyFrame],
) -> list[IntegrityResult]:
    """:func:`column_checks` from counts made elsewhere (``counted``, by column; a column's
    ``ColumnScope`` gives its current's finite range and, for text and booleans, its
    categories), for the same results: ``repeats(name)`` gives a column's current values seen
    more than once, as ``(value, n)`` with the value as text. Parse failures need the values:
    such columns are not given here."""
    cols = [sc for sc in cols if sc.name in counted]
    if not cols or rows[0] == 0 or rows[1] == 0:
        return []
    sides: list[dict[str, Any]] = [{}, {}]
    ranges: dict[str, Any] = {}
    for i, sc in enumerate(cols):
        found = counted[sc.name]
        for side, row in enumerate(sides):
            row[f"null{i}"] = found.nulls[side]
            if sc.kind is Kind.ID and found.unique is not None:
                row[f"uniq{i}"] = found.unique[side]
            if sc.kind is not Kind.NUMERIC or found.counts is None:
                continue
            row[f"inf{i}"] = found.counts.infinite[side]
            row[f"med{i}"] = found.medians[side]
            row[f"atmed{i}"] = found.counts.at_median[side]
            row[f"fin{i}"] = rows[side] - found.nulls[side] - found.counts.infinite[side]
        if sc.kind is Kind.NUMERIC and found.counts is not None:
            lo, hi = found.reference_range or (None, None)
            sides[0][f"lo{i}"], sides[0][f"hi{i}"] = lo, hi
            if lo is not None:
                ranges[f"below{i}"], ranges[f"above{i}"] = found.counts.below, found.counts.above
    categories: dict[str, tuple[pl.DataFrame, pl.DataFrame]] = {}
    for sc in cols:
        given = counted[sc.name].values
        if sc.kind not in (Kind.CATEGORICAL, Kind.BOOLEAN):
            continue
        if sc.categories is not None:  # as the drift pass counted them (text, booleans)
            categories[sc.name] = _as_frames(sc.categories)
        elif given is not None:
            ref, cur = (
                counts_as_text(
                    frame.lazy().rename({"value": sc.name, "n": "len"}),
                    sc.name,
                    frame.schema["value"],
                ).collect()
                for frame in given
            )
            categories[sc.name] = (ref, cur)
    stats = _ColumnStats(sides[0], sides[1], ranges, categories)
    return _checks(cfg, cols, stats, rows, repeats, None)


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
        unseen = _unseen_share(r, r_total, c_total)
        tripped = share > limit + unseen
        out.append(
            _result(
                cfg,
                "new_categories",
                name,
                tripped,
                f"{_col(name)}: {share:.2%} of current values ({n_new} rows, {new.height} "
                f"categor{'y' if new.height == 1 else 'ies'}) were never seen in the reference"
                + (
                    f" (sampling alone leaves up to {unseen:.2%} unseen: the reference has "
                    "many categories seen once)"
                    if unseen >= 0.0001
                    else ""
                ),
                observed=share,
                reference=float(r.height),
                limit=limit + unseen,
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
    repeats: Callable[[str], pl.LazyFrame],
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
            repeats(name)
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


__all__ = [
    "ColumnScope",
    "attach_drift",
    "column_checks",
    "combine_row_hashes",
    "duplicate_check",
    "duplicate_result",
    "duplicate_share",
    "row_count_check",
    "run_integrity",
    "schema_checks",
]
