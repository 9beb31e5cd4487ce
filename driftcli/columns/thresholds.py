"""Thresholds learned from the reference (``threshold = "auto"``).

A distance's fixed threshold means different things at different sample sizes and in
different units (``energy`` is in the data's units). With ``threshold = "auto"`` the reference
is split into chunks; each chunk is compared with the rest of the reference by the column's
test, and the threshold is ``mean + k * std`` (population std, ddof = 0) of those statistics:
a change larger than the reference's own chunk-to-chunk variation (NannyML's rule, k = 3).

Chunks (``[auto_threshold]`` in the config):

- ``chunk_by = "count"`` (default): ``chunks`` (10) contiguous chunks of equal size, in the
  reference's row order;
- ``chunk_by = "size"``: chunks of ``chunk_size`` rows; a last chunk smaller than half of
  ``chunk_size`` joins the one before it;
- ``chunk_by = "period"``: one chunk per ``period`` (a Polars duration such as ``"1d"``,
  ``"1w"``, ``"1mo"``) of the timestamp column ``time_column``; rows without a time are left
  out of the learning.

The chunk is the "current" side of the comparison and the rest the "reference" side (its bins
for binned tests), as in the real run. P-value tests keep their alpha: a p-value is already
calibrated to the sample size, so the result's note says the auto threshold did not apply.
Everything is deterministic: no sampling, and chunks follow the row order or the clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from driftcli.errors import ConfigError, InputError, reject_unknown_keys
from driftcli.results.records import AutoThreshold
from driftcli.stats import NotApplicable, StatTest, TestOutcome
from driftcli.stats.samples import CategoricalSample, ColumnSample, NumericSample
from driftcli.timeline import parse_time_column

#: The config value that asks for a learned threshold.
AUTO: Literal["auto"] = "auto"
Threshold = float | Literal["auto"]
ChunkIds = npt.NDArray[np.int64]

CHUNK_BY = ("count", "size", "period")


@dataclass(frozen=True)
class AutoThresholdConfig:
    """How reference chunks are made and how far above their mean the threshold sits."""

    chunk_by: str = "count"
    chunks: int = 10
    chunk_size: int | None = None
    time_column: str | None = None
    period: str | None = None
    k: float = 3.0

    def __post_init__(self) -> None:
        if self.chunk_by not in CHUNK_BY:
            raise ConfigError(
                f"auto_threshold.chunk_by: unknown value {self.chunk_by!r}; "
                f"valid values: {', '.join(CHUNK_BY)}"
            )
        if isinstance(self.chunks, bool) or not isinstance(self.chunks, int) or self.chunks < 2:
            raise ConfigError(
                f"auto_threshold.chunks must be a whole number >= 2, got {self.chunks!r}"
            )
        if self.chunk_by == "size" and (
            isinstance(self.chunk_size, bool)
            or not isinstance(self.chunk_size, int)
            or self.chunk_size < 1
        ):
            raise ConfigError(
                'auto_threshold: chunk_by = "size" needs chunk_size, a whole number >= 1, '
                f"got {self.chunk_size!r}"
            )
        if self.chunk_by == "period" and not (self.time_column and self.period):
            raise ConfigError(
                'auto_threshold: chunk_by = "period" needs time_column (a timestamp column) '
                'and period (a Polars duration such as "1d", "1w" or "1mo")'
            )
        k = self.k
        if isinstance(k, bool) or not isinstance(k, (int, float)) or not math.isfinite(k) or k < 0:
            raise ConfigError(f"auto_threshold.k must be a finite number >= 0, got {k!r}")
        object.__setattr__(self, "k", float(k))

    @property
    def label(self) -> str:
        """How chunks are made, in words."""
        if self.chunk_by == "size":
            return f"chunks of {self.chunk_size} rows"
        if self.chunk_by == "period":
            return f"one chunk per {self.period} of {self.time_column}"
        return f"{self.chunks} chunks by row order"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as echoed in reports."""
        return {
            "chunk_by": self.chunk_by,
            "chunks": self.chunks,
            "chunk_size": self.chunk_size,
            "time_column": self.time_column,
            "period": self.period,
            "k": self.k,
        }


AUTO_KEYS = ("chunk_by", "chunks", "chunk_size", "time_column", "period", "k")


def auto_config_from_mapping(data: object, source: str) -> AutoThresholdConfig:
    """Validate an ``[auto_threshold]`` table."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: auto_threshold must be a table with {', '.join(AUTO_KEYS)}")
    reject_unknown_keys(data, AUTO_KEYS, f"{source}: auto_threshold")
    try:
        return AutoThresholdConfig(**data)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def parse_threshold(value: object, where: str) -> Threshold:
    """A threshold from config: a finite number >= 0, or "auto"."""
    if isinstance(value, str):
        if value.lower() == AUTO:
            return AUTO
        raise ConfigError(f'{where}: threshold must be a number or "auto", got {value!r}')
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f'{where}: threshold must be a number or "auto", got {value!r}')
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{where}: threshold must be a finite number >= 0, got {value!r}")
    return float(value)


def chunk_ids(
    frame: pl.DataFrame, cfg: AutoThresholdConfig, date_order: str | None = None
) -> ChunkIds:
    """The chunk of each row of a reference frame (-1: left out of the learning)."""
    n = frame.height
    if cfg.chunk_by == "count":
        return (np.arange(n, dtype=np.int64) * cfg.chunks) // max(n, 1)
    if cfg.chunk_by == "size":
        assert cfg.chunk_size is not None
        ids = np.arange(n, dtype=np.int64) // cfg.chunk_size
        last = int(ids[-1]) if n else 0
        if last > 0 and n - last * cfg.chunk_size < cfg.chunk_size / 2:
            ids[ids == last] = last - 1
        return ids
    assert cfg.time_column is not None and cfg.period is not None
    if cfg.time_column not in frame.columns:
        raise ConfigError(
            f"auto_threshold.time_column: no column {cfg.time_column!r} in the reference"
        )
    t = frame[cfg.time_column]
    if not t.dtype.is_temporal():
        # As the time column is read: text parsed strictly (numbers or unparseable text were
        # read as no time at all, one chunk, without a word).
        try:
            parsed = parse_time_column(frame.select(t), cfg.time_column, "reference", date_order)
            t = parsed.get_column(cfg.time_column)
        except InputError as exc:
            raise InputError(f"auto_threshold.time_column: {exc}") from None
    try:
        bucket = t.dt.truncate(cfg.period)
    except Exception as exc:  # noqa: BLE001 - Polars raises several types for a bad duration
        raise ConfigError(
            f"auto_threshold.period: {cfg.period!r} is not a Polars duration "
            f'such as "1d", "1w" or "1mo" ({exc})'
        ) from None
    ranks = bucket.rank("dense").fill_null(0).cast(pl.Int64).to_numpy() - 1
    return np.asarray(ranks, dtype=np.int64)


def _numeric_chunks(raw: pl.Series, ids: ChunkIds, n_bins: int) -> list[NumericSample]:
    values = raw.cast(pl.Float64).to_numpy()
    keep = ~np.isnan(values) & (ids >= 0)
    values, ids = values[keep], ids[keep]
    # One stable argsort; every chunk and its rest are then order-preserving selections.
    order = np.argsort(values, kind="stable")
    sv, sc = values[order], ids[order]
    out = []
    for c in np.unique(sc):
        mask = sc == c
        out.append(NumericSample(sv[~mask], sv[mask], n_bins))
    return out


def _categorical_chunks(raw: pl.Series, ids: ChunkIds) -> list[CategoricalSample]:
    out = []
    known = ids >= 0
    for c in np.unique(ids[known]):
        inside = ids == c
        rest = raw.filter(pl.Series(known & ~inside))
        out.append(CategoricalSample.from_series(rest, raw.filter(pl.Series(inside))))
    return out


def learn_threshold(
    test: StatTest,
    sample: ColumnSample,
    reference: pl.Series,
    ids: ChunkIds,
    cfg: AutoThresholdConfig,
) -> tuple[float, AutoThreshold | None, str | None]:
    """The threshold for ``test`` on this column: (value, how it was learned, note).

    ``reference`` is the column's reference values as the engine compared them, ``ids`` the
    chunk of each of its rows (:func:`chunk_ids`). P-value tests keep their default alpha, and
    so does a column with fewer than two chunks the test can run on; the note says so.
    """
    if test.has_pvalue:
        return _keeps_alpha(test)
    chunks: list[NumericSample] | list[CategoricalSample]
    if isinstance(sample, NumericSample):
        chunks = _numeric_chunks(reference, ids, sample.n_bins)
    else:
        chunks = _categorical_chunks(reference, ids)
    values: list[float] = []
    for chunk in chunks:
        try:
            values.append(test.run(chunk).statistic)
        except NotApplicable:
            continue
    return _learned(test, values, cfg)


def learn_from_outcomes(
    test: StatTest,
    outcomes: Sequence[Mapping[str, TestOutcome | str]],
    cfg: AutoThresholdConfig,
) -> tuple[float, AutoThreshold | None, str | None]:
    """:func:`learn_threshold` from each chunk's outcomes against the rest of the reference,
    computed where the values are (a column compared in partitions), in chunk order; a
    chunk whose outcome is a reason (the test did not apply) is left out, as there."""
    if test.has_pvalue:
        return _keeps_alpha(test)
    found = [o.get(test.name) for o in outcomes]
    return _learned(test, [o.statistic for o in found if isinstance(o, TestOutcome)], cfg)


def _keeps_alpha(test: StatTest) -> tuple[float, AutoThreshold | None, str | None]:
    return (
        test.default_threshold,
        None,
        f'threshold "auto" learns distance thresholds; {test.name} is a p-value test '
        f"and keeps alpha {test.default_threshold:g}",
    )


def _learned(
    test: StatTest, statistics: Sequence[float], cfg: AutoThresholdConfig
) -> tuple[float, AutoThreshold | None, str | None]:
    """The threshold from the chunks' statistics (the finite ones), or the default."""
    values = [float(v) for v in statistics if math.isfinite(v)]
    if len(values) < 2:
        return (
            test.default_threshold,
            None,
            f'threshold "auto": {len(values)} usable reference chunks ({cfg.label}), '
            f"2 needed; used the default {test.default_threshold:g}",
        )
    arr = np.asarray(values)
    mean, std = float(arr.mean()), float(arr.std())
    learned = AutoThreshold(mean + cfg.k * std, mean, std, cfg.k, len(values), cfg.label)
    return learned.value, learned, None
