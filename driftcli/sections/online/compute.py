"""Online metrics from prediction logs: latency percentiles, throughput and error rate.

When the current data is a log of requests (NDJSON is typical), the ``[online]`` table names
the column holding each request's latency and the column holding its outcome. The current data
(and the reference, where it has those columns) gets latency p50/p95/p99 and mean, an error
count and rate, and a throughput; with ``window`` set, every window of the current data gets the
same. Limits turn those numbers into pass/warn/fail outcomes that feed the exit code.

The ``[online]`` table is :mod:`driftcli.sections.online.config`.

What users need to know:

* **Latency** must be numeric, or a Polars Duration: durations are converted to milliseconds and
  the section's unit becomes ``"ms"`` whatever ``latency_unit`` says (limits are then in ms).
  Nulls and NaN are left out of every latency statistic, and so are negative and infinite
  values (no latency can be one: a -1 for "unknown" is a sentinel), which a warning counts;
  ``latency_count`` says how many values were used. Percentiles use linear interpolation
  between closest ranks (Polars ``quantile(q, interpolation="linear")``, the same as
  ``numpy.percentile``'s default).
* **Errors**: ``error_values`` are compared in the status column's own type. Text (and
  categorical) columns compare as text, so ``error_values = [500]`` matches the text ``"500"``
  and ``true`` matches ``"true"``; numeric columns need numbers (or text that parses as one);
  boolean columns need ``true``/``false``. A value that cannot be compared is a ConfigError
  naming it. ``error_min`` needs a numeric status column: values ``>= error_min`` are errors.
  A missing (null or NaN) status is **not** an error but still counts as a row, so
  ``error_rate = errors / rows``.
* **Throughput**: ``rows`` is the row count (of the data or of one window);
  ``throughput_per_second`` is the rows with a timestamp divided by the seconds between the
  first and last timestamp (needs ``time_column``; None when the span is 0). In a window the
  span is that window's own first-to-last timestamp, not the window's length.
* **Limits** use ``severity`` for every limit. ``latency_p*_max`` and ``error_rate_max`` are
  checked on the whole current data. ``latency_p95_increase_max`` is the *relative* rise of the
  current p95 over the reference p95 ((cur - ref) / ref); ``error_rate_increase_max`` is the
  *absolute* rise of the error rate (0.01 = one percentage point). Both are ``not_evaluated``
  when the reference lacks the column (or, for p95, when the reference p95 is 0).
  ``throughput_min`` is checked on the row count of every window, including time windows inside
  the data's range that have no rows at all (a gap is an outage: 0 rows). A partial first or
  last window (data starting at noon with ``window = "1d"``) holds fewer rows and may breach;
  trim the log to whole windows if that is noise. Without ``window`` it is ``not_evaluated``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import polars as pl

from driftcli.errors import ConfigError, InputError
from driftcli.results.vocabulary import Outcome
from driftcli.sections.online.config import Label, OnlineConfig
from driftcli.sections.online.result import LimitOutcome, OnlineSection, OnlineStats, OnlineWindow
from driftcli.sections.registry import RunContext
from driftcli.timeline import (
    Window,
    WindowSpec,
    iso_text,
    parse_time_column,
    split_windows,
    window_label,
)


def compute(ctx: RunContext) -> OnlineSection | None:
    """Online metrics when ``[online]`` names a latency or status column, else None."""
    online = ctx.config.section(OnlineConfig)
    if not online.enabled:
        return None
    config = ctx.config
    # Both sides with the text of their time column read once per run (in row order, as
    # run_online would parse them itself).
    current = ctx.with_times("current")
    reference = ctx.with_times("reference") if _reads_reference(ctx.reference, online) else None
    return run_online(
        ctx.reference if reference is None else reference, current, online,
        config.time_column, config.window_spec, ctx.current_windows, config.date_order,
    )  # fmt: skip


def _reads_reference(reference: pl.DataFrame, config: OnlineConfig) -> bool:
    """Whether run_online reads the reference (it has the latency or status column)."""
    return config.latency in reference.columns or config.status in reference.columns


# --------------------------------------------------------------------------------------------
# Expressions


def _latency_expr(df: pl.DataFrame, column: str) -> pl.Expr:
    """Latency as Float64 (Duration -> milliseconds), NaN as null; InputError on other dtypes.
    Negative and infinite values are kept (:func:`_valid` leaves them out)."""
    dtype = df.schema[column]
    col = pl.col(column)
    if isinstance(dtype, pl.Duration):
        per_ms = {"ns": 1e6, "us": 1e3, "ms": 1.0}[dtype.time_unit or "us"]
        return col.cast(pl.Int64).cast(pl.Float64) / per_ms
    if dtype == pl.Null or (dtype.is_numeric() and dtype != pl.Boolean):
        return col.cast(pl.Float64).fill_nan(None)
    raise InputError(
        f"online: latency column {column!r} has dtype {dtype}; it must be numeric or a "
        "Duration (write latencies as numbers, e.g. milliseconds)"
    )


def _valid(lat: pl.Expr) -> pl.Expr:
    """Latencies that can be one: finite and not negative (a -1 for "unknown" would pull every
    percentile down, an infinity the mean up to infinity)."""
    return pl.when(lat.is_finite() & (lat >= 0)).then(lat)


def _as_float(value: Label, column: str, dtype: pl.DataType) -> float:
    if not isinstance(value, bool):
        try:
            x = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(x):
                return x
    raise ConfigError(
        f"online: error_values has {value!r} but status column {column!r} is numeric "
        f"({dtype}); use numbers, or error_min for HTTP-style statuses"
    )


def _as_bool(value: Label, column: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ConfigError(
        f"online: error_values has {value!r} but status column {column!r} is boolean; "
        "use true or false"
    )


def _as_text(value: Label) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _error_expr(df: pl.DataFrame, config: OnlineConfig, column: str) -> pl.Expr:
    """True for rows whose status is an error, False otherwise (null status: False)."""
    dtype = df.schema[column]
    col = pl.col(column)
    numeric = dtype.is_numeric() and dtype != pl.Boolean
    if config.error_min is not None:
        if not (numeric or dtype == pl.Null):
            raise InputError(
                f"online: status column {column!r} has dtype {dtype}; error_min needs a numeric "
                "status (HTTP codes as numbers); use error_values for text statuses"
            )
        hit = col.cast(pl.Float64).fill_nan(None) >= config.error_min
    elif dtype == pl.Null:
        hit = pl.lit(None, dtype=pl.Boolean)
    elif numeric:
        values = [_as_float(v, column, dtype) for v in config.error_values]
        hit = (
            col.cast(pl.Float64).fill_nan(None).is_in(pl.Series(values, dtype=pl.Float64).implode())
        )
    elif dtype == pl.Boolean:
        flags = [_as_bool(v, column) for v in config.error_values]
        hit = col.is_in(pl.Series(flags, dtype=pl.Boolean).implode())
    elif dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
        texts = [_as_text(v) for v in config.error_values]
        hit = col.cast(pl.String).is_in(pl.Series(texts, dtype=pl.String).implode())
    else:
        raise InputError(
            f"online: status column {column!r} has dtype {dtype}; it must be text, a number "
            "or a boolean"
        )
    return hit.fill_null(False)


def _near_misses(df: pl.DataFrame, config: OnlineConfig, column: str) -> tuple[int, str | None]:
    """For a text status: the rows equal to an error value but for case or surrounding spaces
    (``"ERROR"``, ``"error "`` for ``"error"``), which were not counted, and the first such
    value in sort order. Exact matching stays the rule (``"Timeout"`` may mean something
    else); this only lets the section say so instead of reporting an error rate of 0. Made
    from the column's distinct values, so it costs one ``unique``."""
    dtype = df.schema[column]
    if not config.error_values or not (
        dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum))
    ):
        return 0, None
    texts = pl.Series([_as_text(v) for v in config.error_values], dtype=pl.String)
    folded = texts.str.strip_chars().str.to_lowercase()
    values = df.get_column(column).cast(pl.String).drop_nulls().unique()
    near = values.filter(
        values.str.strip_chars().str.to_lowercase().is_in(folded.implode())
        & ~values.is_in(texts.implode())
    ).sort()
    if near.is_empty():
        return 0, None
    count = df.select(pl.col(column).cast(pl.String).is_in(near.implode()).sum()).item()
    return int(count), str(near[0])


def _stats(
    df: pl.DataFrame,
    config: OnlineConfig,
    latency: str | None,
    status: str | None,
    time_column: str | None,
) -> OnlineStats:
    """All statistics of one frame in one Polars select."""
    used = list(dict.fromkeys(c for c in (latency, status, time_column) if c is not None))
    if used:
        # Contiguous, so the mean's float sum does not depend on how the rows were read
        # (Polars sums chunk by chunk); no copy when they are already.
        df = df.select(used).rechunk()
    exprs: list[pl.Expr] = [pl.len().alias("rows")]
    if latency is not None:
        raw = _latency_expr(df, latency)
        lat = _valid(raw)
        exprs += [
            (raw.count() - lat.count()).alias("latency_invalid"),
            lat.count().alias("latency_count"),
            lat.quantile(0.5, interpolation="linear").alias("p50"),
            lat.quantile(0.95, interpolation="linear").alias("p95"),
            lat.quantile(0.99, interpolation="linear").alias("p99"),
            lat.mean().alias("mean"),
        ]
    if status is not None:
        exprs.append(_error_expr(df, config, status).sum().alias("errors"))
    if time_column is not None:
        if df.schema[time_column] == pl.String:
            df = parse_time_column(df, time_column, "current")
        t = pl.col(time_column)
        exprs += [
            t.count().alias("timed"),
            (t.max() - t.min()).dt.total_microseconds().alias("span_us"),
        ]
    row = df.select(exprs).row(0, named=True)
    rows = int(row["rows"])

    def opt(key: str) -> float | None:
        value = row.get(key)
        return None if value is None else float(value)

    errors = None if status is None else int(row["errors"])
    throughput = None
    span = row.get("span_us")
    if span is not None and span > 0:
        throughput = int(row["timed"]) / (span / 1e6)
    return OnlineStats(
        rows=rows,
        latency_count=int(row.get("latency_count") or 0),
        latency_p50=opt("p50"),
        latency_p95=opt("p95"),
        latency_p99=opt("p99"),
        latency_mean=opt("mean"),
        errors=errors,
        error_rate=None if errors is None or rows == 0 else errors / rows,
        throughput_per_second=throughput,
        latency_invalid=int(row.get("latency_invalid") or 0),
    )


def _with_near_misses(
    stats: OnlineStats, df: pl.DataFrame, config: OnlineConfig, status: str | None
) -> OnlineStats:
    """``stats`` of a whole side with its near misses counted (not each window's: the
    warning is about the configuration, once per side is enough)."""
    if status is None:
        return stats
    near, example = _near_misses(df, config, status)
    return dataclasses.replace(stats, errors_near=near, errors_near_example=example)


# --------------------------------------------------------------------------------------------
# Limits


def _outcome(
    config: OnlineConfig,
    name: str,
    scope: str,
    value: float | None,
    reference: float | None,
    breached: bool,
    message: str,
) -> LimitOutcome:
    limit = getattr(config, name)
    assert limit is not None
    if value is None:
        return LimitOutcome(name, scope, limit, None, reference, Outcome.NOT_EVALUATED, message)
    status = Outcome(config.severity.value) if breached else Outcome.PASS
    if breached:
        message = f"{message} ({config.severity})"
    return LimitOutcome(name, scope, limit, value, reference, status, message)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _latency_limits(
    config: OnlineConfig, unit: str, cur: OnlineStats, ref: OnlineStats | None
) -> list[LimitOutcome]:
    out: list[LimitOutcome] = []
    for name, q, value, ref_value in (
        ("latency_p50_max", "p50", cur.latency_p50, ref.latency_p50 if ref else None),
        ("latency_p95_max", "p95", cur.latency_p95, ref.latency_p95 if ref else None),
        ("latency_p99_max", "p99", cur.latency_p99, ref.latency_p99 if ref else None),
    ):
        limit = getattr(config, name)
        if limit is None:
            continue
        if value is None:
            msg = f"latency {q} not evaluated: the current data has no latency values"
            out.append(_outcome(config, name, "overall", None, ref_value, False, msg))
            continue
        breached = value > limit
        verb = "exceeds" if breached else "is within"
        msg = f"latency {q} {value:.1f} {unit} {verb} {limit:g} {unit}"
        out.append(_outcome(config, name, "overall", value, ref_value, breached, msg))
    limit = config.latency_p95_increase_max
    if limit is not None:
        name = "latency_p95_increase_max"
        ref_p95 = ref.latency_p95 if ref else None
        if cur.latency_p95 is None:
            msg = "latency p95 rise not evaluated: the current data has no latency values"
            out.append(_outcome(config, name, "overall", None, ref_p95, False, msg))
        elif ref_p95 is None:
            msg = "latency p95 rise not evaluated: the reference has no latency values"
            out.append(_outcome(config, name, "overall", None, None, False, msg))
        elif ref_p95 <= 0:
            msg = "latency p95 rise not evaluated: the reference p95 is 0, a relative rise is "
            msg += "undefined"
            out.append(_outcome(config, name, "overall", None, ref_p95, False, msg))
        else:
            rise = (cur.latency_p95 - ref_p95) / ref_p95
            breached = rise > limit
            verb = "exceeds" if breached else "is within"
            msg = (
                f"latency p95 rise {_pct(rise)} ({ref_p95:.1f} -> {cur.latency_p95:.1f} {unit}) "
                f"{verb} {_pct(limit)}"
            )
            out.append(_outcome(config, name, "overall", rise, ref_p95, breached, msg))
    return out


def _error_limits(
    config: OnlineConfig, cur: OnlineStats, ref: OnlineStats | None
) -> list[LimitOutcome]:
    out: list[LimitOutcome] = []
    ref_rate = ref.error_rate if ref else None
    limit = config.error_rate_max
    if limit is not None:
        name = "error_rate_max"
        if cur.error_rate is None:
            msg = "error rate not evaluated: the current data has no rows"
            out.append(_outcome(config, name, "overall", None, ref_rate, False, msg))
        else:
            breached = cur.error_rate > limit
            verb = "exceeds" if breached else "is within"
            msg = f"error rate {_pct(cur.error_rate)} {verb} {_pct(limit)}"
            out.append(_outcome(config, name, "overall", cur.error_rate, ref_rate, breached, msg))
    limit = config.error_rate_increase_max
    if limit is not None:
        name = "error_rate_increase_max"
        if cur.error_rate is None:
            msg = "error rate rise not evaluated: the current data has no rows"
            out.append(_outcome(config, name, "overall", None, ref_rate, False, msg))
        elif ref_rate is None:
            msg = "error rate rise not evaluated: the reference has no status column (or rows)"
            out.append(_outcome(config, name, "overall", None, None, False, msg))
        else:
            rise = cur.error_rate - ref_rate
            breached = rise > limit
            verb = "exceeds" if breached else "is within"
            msg = (
                f"error rate rise {100 * rise:+.1f} points ({_pct(ref_rate)} -> "
                f"{_pct(cur.error_rate)}) {verb} {100 * limit:.1f} points"
            )
            out.append(_outcome(config, name, "overall", rise, ref_rate, breached, msg))
    return out


def _gaps(current: pl.DataFrame, spec: WindowSpec, time_column: str, seen: set[str]) -> list[str]:
    """Labels of time windows between the first and last window that hold no rows (``seen``:
    the starts, ISO 8601 with any offset, of the windows that hold some)."""
    assert spec.every is not None
    t = parse_time_column(current.select(time_column), time_column, "current")[time_column]
    t = t.drop_nulls()
    if t.is_empty():
        return []
    dates = t.dtype == pl.Date
    if dates:
        t = t.cast(pl.Datetime("us"))
    s = pl.col("s")
    grid = (
        t.dt.truncate(spec.every)
        .to_frame("s")
        .select(pl.datetime_range(s.min(), s.max(), spec.every).dt.truncate(spec.every))
        .to_series()
        .unique(maintain_order=True)
    )
    if dates:  # the windows of a Date column start on dates
        grid = grid.cast(pl.Date)
    return [window_label(v, spec.every) for v in grid if iso_text(v) not in seen]


def _throughput_limits(
    config: OnlineConfig,
    current: pl.DataFrame,
    windows: Sequence[OnlineWindow],
    spec: WindowSpec | None,
    time_column: str | None,
) -> list[LimitOutcome]:
    limit = config.throughput_min
    if limit is None:
        return []
    name = "throughput_min"
    if spec is None:
        msg = "throughput not evaluated: throughput_min needs a window (--window)"
        return [_outcome(config, name, "overall", None, None, False, msg)]
    if not windows:
        msg = "throughput not evaluated: the current data has no windows (no timed rows)"
        return [_outcome(config, name, "overall", None, None, False, msg)]
    counts = [(w.label, w.stats.rows) for w in windows]
    if spec.every is not None and time_column is not None:
        gaps = _gaps(current, spec, time_column, {w.start for w in windows if w.start})
        counts += [(label, 0) for label in gaps]
        counts.sort(key=lambda x: x[0])
    out = []
    for label, rows in counts:
        breached = rows < limit
        verb = "is below" if breached else "meets"
        msg = f"throughput {rows} rows in window {label} {verb} {limit:g}"
        out.append(_outcome(config, name, label, float(rows), None, breached, msg))
    return out


# --------------------------------------------------------------------------------------------
# Entry point


def run_online(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    config: OnlineConfig,
    time_column: str | None = None,
    window: WindowSpec | None = None,
    split: tuple[list[Window], int] | None = None,
    date_order: str | None = None,
) -> OnlineSection:
    """Compute the online metrics overall and per window and check the limits; ``split``:
    the windows of ``current`` when another section already made them (RunContext);
    ``date_order``: how a text time column writes numeric dates (the run's)."""
    for role, column in (("latency", config.latency), ("status", config.status)):
        if column is not None and column not in current.columns:
            raise InputError(
                f"online: {role} column {column!r} is not in the current data; fix "
                f"[online] {role} or the log's field names (columns: "
                f"{', '.join(current.columns[:20])})"
            )
    if time_column is not None and time_column not in current.columns:
        raise InputError(f"time column {time_column!r} is not in the current data")
    if time_column is not None:  # text read once, in the run's date order
        current = parse_time_column(current, time_column, "current", date_order)
    unit = config.latency_unit
    if config.latency is not None and isinstance(current.schema[config.latency], pl.Duration):
        unit = "ms"

    cur = _with_near_misses(
        _stats(current, config, config.latency, config.status, time_column),
        current, config, config.status,
    )  # fmt: skip

    ref_latency = config.latency if config.latency in reference.columns else None
    ref_status = config.status if config.status in reference.columns else None
    ref: OnlineStats | None = None
    if _reads_reference(reference, config):
        ref_time = time_column if time_column in reference.columns else None
        if ref_time is not None:
            reference = parse_time_column(reference, ref_time, "reference", date_order)
        ref = _with_near_misses(
            _stats(reference, config, ref_latency, ref_status, ref_time),
            reference, config, ref_status,
        )  # fmt: skip

    windows: list[OnlineWindow] = []
    if window is not None:
        parts, _ = split if split is not None else split_windows(current, window, time_column)
        for w in parts:
            stats = _stats(w.frame, config, config.latency, config.status, time_column)
            windows.append(OnlineWindow(w.index, w.label, w.start, w.end, stats))

    limits = [
        *_latency_limits(config, unit, cur, ref),
        *_error_limits(config, cur, ref),
        *_throughput_limits(config, current, windows, window, time_column),
    ]
    return OnlineSection(
        latency_column=config.latency,
        latency_unit=unit,
        status_column=config.status,
        current=cur,
        reference=ref,
        windows=tuple(windows),
        window=None if window is None else window.text,
        limits=tuple(limits),
    )


__all__ = ["compute", "run_online"]
