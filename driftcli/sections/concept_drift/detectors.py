"""Concept-drift detectors over a per-row error stream: ADWIN, DDM, EDDM and Page-Hinkley.

Each detector is a pure function of a 1-D stream (row order = time order) and its parameters,
and returns a frozen :class:`DetectorResult` listing the row index (0-based position in the
stream) of every change point and, for DDM and EDDM, of every warning.

The definitions and defaults are those of the river library (version 0.26; the test suite uses
river as the oracle and compares the full lists of detections on seeded streams). As in river,
a detector starts afresh on the row after each detection: its statistics, minimum/maximum and
warm-up all restart, so every change point is found on the data since the previous one.

``adwin(stream, delta=0.002, clock=32, max_buckets=5, min_window_length=5, grace_period=10)``
    ADaptive WINdowing (Bifet and Gavaldà, 2007), any real-valued stream. The window is kept as
    an exponential histogram (at most ``max_buckets`` buckets of each size 2^i); every
    ``clock`` rows, once the window holds more than ``grace_period`` rows, each bucket boundary
    splits it into an older part W0 (n0 rows) and a newer part W1 (n1 rows), both at least
    ``min_window_length`` long, and drift is declared when
    ``|mean(W0) - mean(W1)| > sqrt(2 m v d) + 2/3 d m`` with ``d = ln(2 ln(n) / delta)``,
    ``m = 1/(n0 - min_window_length + 1) + 1/(n1 - min_window_length + 1)``, ``n`` the window
    length and ``v`` its population variance. No warnings.
``ddm(stream, warm_start=30, warning_threshold=2.0, drift_threshold=3.0)``
    Drift Detection Method (Gama et al., 2004), 0/1 stream (1 = error). With ``p`` the error
    rate since the last restart and ``s = sqrt(p (1 - p) / n)``, after more than ``warm_start``
    rows the minimum of ``p + s`` is tracked (ties move it to the later row); a warning when
    ``p + s > p_min + warning_threshold * s_min``, drift when ``> p_min + drift_threshold *
    s_min``.
``eddm(stream, warm_start=30, alpha=0.95, beta=0.9)``
    Early Drift Detection Method (Baena-García et al., 2006), 0/1 stream. On each error, with
    ``p'`` and ``s'`` the mean and sample standard deviation of the distances between errors,
    ``p' + 2 s'`` is compared with its maximum so far (tracked from row ``warm_start + 1``);
    when it is not a new maximum and more than ``warm_start`` errors were seen, the ratio to
    the maximum below ``beta`` is drift, below ``alpha`` a warning, otherwise no warning.
``page_hinkley(stream, min_instances=30, delta=0.005, threshold=50.0, alpha=1 - 1e-4,
mode="both")``
    Page-Hinkley test with a fading factor, any real-valued stream. With ``x̄`` the running mean,
    ``U_t = alpha U_{t-1} + (x_t - x̄_t) - delta`` and ``L_t = alpha L_{t-1} + (x_t - x̄_t) +
    delta``; drift when, from row ``min_instances`` on, ``U_t - min(U) > threshold`` (mode
    ``"up"``), ``max(L, -1) - L_t > threshold`` (``"down"``) or either (``"both"``). No warnings.

Warnings are reported as the row where a warning zone starts (the warning flag goes from off to
on); river exposes the same flag row by row. A warning zone ends at a drift or when the
statistic recovers.

Speed: nothing loops over rows in Python. DDM, EDDM and Page-Hinkley run on blocks of rows
with numpy cumulative sums, running minima/maxima and, for Page-Hinkley's fading sums, the
closed form of the linear filter ``scipy.signal.lfilter`` computes (weighted cumulative sums in
chunks, without importing scipy.signal); a block's state carries into the next, and a detection
restarts the computation on the following row with small blocks that then grow. ADWIN only
tests every ``clock`` rows: the bucket layout of the window depends only on its length, so
the cut points of many checks are evaluated at once as a matrix over prefix sums. The window
total and variance use river's accumulation order exactly; bucket sums are prefix sums, which
equal river's exactly for integer-valued streams (0/1 errors) and to rounding otherwise.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from driftcli.errors import ConfigError, InputError

__all__ = [
    "DETECTORS",
    "DetectorResult",
    "adwin",
    "ddm",
    "eddm",
    "page_hinkley",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Rows per block after a (re)start, and the largest block; blocks double in between, so a
# stream with frequent detections does little wasted work and a quiet one runs in big blocks.
_FIRST_BLOCK = 1024
_MAX_BLOCK = 1 << 20
# ADWIN: checks evaluated together at first, and at most (bounds the cut-point matrix).
_ADWIN_FIRST_CHECKS = 32
_ADWIN_MAX_CHECKS = 4096
# Cut layouts of checks up to this one are cached: they recur after every restart.
_ADWIN_CACHED_CHECKS = 2048


@dataclass(frozen=True)
class DetectorResult:
    """Change points found by one detector on one stream.

    ``drifts`` and ``warnings`` are 0-based row positions in the stream, ascending.
    ``warnings`` is ``None`` for methods without a warning zone (ADWIN, Page-Hinkley).
    """

    method: str
    n_events: int
    drifts: tuple[int, ...]
    warnings: tuple[int, ...] | None
    params: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def n_drifts(self) -> int:
        """How many change points were detected."""
        return len(self.drifts)


def _as_stream(stream: npt.ArrayLike, method: str, *, binary: bool) -> FloatArray:
    """The stream as a 1-D float64 array; rejects NaN/inf, and non-0/1 values when binary."""
    try:
        x = np.asarray(stream, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{method}: the stream must be numeric ({exc})") from exc
    if x.ndim != 1:
        raise InputError(f"{method}: the stream must be one-dimensional, got shape {x.shape}")
    if not np.isfinite(x).all():
        bad = int(np.flatnonzero(~np.isfinite(x))[0])
        raise InputError(
            f"{method}: the stream has a missing or infinite value at row {bad}; "
            "drop or fill those rows first"
        )
    if binary and not ((x == 0.0) | (x == 1.0)).all():
        bad = int(np.flatnonzero((x != 0.0) & (x != 1.0))[0])
        raise InputError(
            f"{method}: the stream must be 0/1 (1 = error); row {bad} is {float(x[bad])!r}. "
            "Use adwin or page_hinkley for real-valued errors"
        )
    return x


def _check(ok: bool, method: str, message: str) -> None:
    if not ok:
        raise ConfigError(f"{method}: {message}")


def _rising(flags: BoolArray, before: bool) -> BoolArray:
    """Where a flag sequence turns on, given its value just before the first element."""
    previous = np.empty_like(flags)
    previous[0] = before
    previous[1:] = flags[:-1]
    return flags & ~previous


# A block step: (stream, start, end, state) -> (first drift row or None, warning rows, state).
_Step = Callable[[FloatArray, int, int, Any], tuple[int | None, list[int], Any]]


def _run_blocks(
    x: FloatArray, step: _Step, fresh: Callable[[], Any]
) -> tuple[list[int], list[int]]:
    """Drive a block step over the stream, restarting on the row after each detection."""
    drifts: list[int] = []
    warnings: list[int] = []
    n = len(x)
    pos = 0
    size = _FIRST_BLOCK
    state = fresh()
    while pos < n:
        end = min(n, pos + size)
        hit, warns, state = step(x, pos, end, state)
        warnings.extend(warns)
        if hit is None:
            pos = end
            size = min(2 * size, _MAX_BLOCK)
        else:
            drifts.append(hit)
            pos = hit + 1
            size = _FIRST_BLOCK
            state = fresh()
    return drifts, warnings


# ---------------------------------------------------------------------------------------- DDM


@dataclass
class _DDMState:
    n: int = 0  # rows since the restart
    errors: int = 0
    p_min: float = math.nan
    s_min: float = math.nan
    ps_min: float = math.inf
    warning: bool = False


def ddm(
    stream: npt.ArrayLike,
    warm_start: int = 30,
    warning_threshold: float = 2.0,
    drift_threshold: float = 3.0,
) -> DetectorResult:
    """DDM on a 0/1 error stream: drift and warning rows (river's ``drift.binary.DDM``)."""
    name = "ddm"
    _check(warm_start >= 0, name, f"warm_start must be >= 0, got {warm_start}")
    _check(
        0 < warning_threshold <= drift_threshold,
        name,
        "need 0 < warning_threshold <= drift_threshold, "
        f"got {warning_threshold} and {drift_threshold}",
    )
    x = _as_stream(stream, name, binary=True)

    def step(
        x: FloatArray, a: int, b: int, st: _DDMState
    ) -> tuple[int | None, list[int], _DDMState]:
        n = st.n + np.arange(1, b - a + 1, dtype=np.float64)
        k = st.errors + np.cumsum(x[a:b])
        p = k / n
        s = np.sqrt(p * (1 - p) / n)
        v = p + s
        active = n > warm_start
        # The minimum moves whenever p + s <= the minimum so far ("<=": ties take the later row).
        running = np.minimum.accumulate(np.concatenate(([st.ps_min], np.where(active, v, np.inf))))
        moved = active & (v <= running[:-1])
        last = np.maximum.accumulate(np.where(moved, np.arange(b - a), -1))
        has = last >= 0
        idx = np.where(has, last, 0)
        p_min = np.where(has, p[idx], st.p_min)
        s_min = np.where(has, s[idx], st.s_min)
        with np.errstate(invalid="ignore"):  # NaN minimum before the warm-up ends
            drift = active & (v > p_min + drift_threshold * s_min)
            warn = active & (v > p_min + warning_threshold * s_min) & ~drift
        hits = np.flatnonzero(drift)
        stop = int(hits[0]) + 1 if len(hits) else b - a
        warns = [a + int(i) for i in np.flatnonzero(_rising(warn[:stop], st.warning))]
        if len(hits):
            return a + int(hits[0]), warns, st
        i = b - a - 1
        return (
            None,
            warns,
            _DDMState(
                n=st.n + b - a,
                errors=int(k[-1]),
                p_min=float(p_min[i]),
                s_min=float(s_min[i]),
                ps_min=float(running[-1]),
                warning=bool(warn[i]),
            ),
        )

    drifts, warnings = _run_blocks(x, step, _DDMState)
    return DetectorResult(
        method=name,
        n_events=len(x),
        drifts=tuple(drifts),
        warnings=tuple(warnings),
        params={
            "warm_start": warm_start,
            "warning_threshold": warning_threshold,
            "drift_threshold": drift_threshold,
        },
    )


# --------------------------------------------------------------------------------------- EDDM


@dataclass
class _EDDMState:
    n: int = 0  # rows since the restart
    last_error: int = 0  # row count at the last error (0: none yet)
    errors: int = 0
    sq_sum: int = 0  # sum of squared distances between errors
    p2s_max: float = -1.0
    warning: bool = False


def eddm(
    stream: npt.ArrayLike,
    warm_start: int = 30,
    alpha: float = 0.95,
    beta: float = 0.9,
) -> DetectorResult:
    """EDDM on a 0/1 error stream: drift and warning rows (river's ``drift.binary.EDDM``)."""
    name = "eddm"
    _check(warm_start >= 0, name, f"warm_start must be >= 0, got {warm_start}")
    _check(0 < beta <= alpha <= 1, name, f"need 0 < beta <= alpha <= 1, got {alpha}, {beta}")
    x = _as_stream(stream, name, binary=True)

    def step(
        x: FloatArray, a: int, b: int, st: _EDDMState
    ) -> tuple[int | None, list[int], _EDDMState]:
        rel = np.flatnonzero(x[a:b] == 1.0)
        if len(rel) == 0:
            return (
                None,
                [],
                _EDDMState(
                    st.n + b - a, st.last_error, st.errors, st.sq_sum, st.p2s_max, st.warning
                ),
            )
        at = st.n + rel.astype(np.int64) + 1  # the row count at each error
        dist = np.diff(at, prepend=st.last_error)
        j = st.errors + np.arange(1, len(at) + 1, dtype=np.int64)
        sq = st.sq_sum + np.cumsum(dist * dist)
        # The distances sum to `at`, so the mean is at / j. The sum of squared deviations
        # sq - at^2 / j is formed exactly in integers with at = j q + r, leaving one division.
        q, r = np.divmod(at, j)
        dev2 = (sq - j * q * q - 2 * q * r) - (r * r) / j
        var = np.where(j > 1, np.maximum(dev2, 0.0) / np.maximum(j - 1, 1), 0.0)
        p2s = at / j + 2 * np.sqrt(var)
        eligible = at > warm_start
        running = np.maximum.accumulate(
            np.concatenate(([st.p2s_max], np.where(eligible, p2s, -np.inf)))
        )
        before = running[:-1]
        judged = eligible & ~(p2s > before) & (j > warm_start)
        level = np.where(judged, p2s / np.where(judged, before, 1.0), 1.0)
        drift = judged & (level < beta)
        hits = np.flatnonzero(drift)
        stop = int(hits[0]) if len(hits) else len(at)
        sets = np.flatnonzero(judged[:stop])  # errors that set the warning flag on or off
        warns: list[int] = []
        warning = st.warning
        if len(sets):
            values = level[sets] < alpha
            warns = [a + int(rel[i]) for i in sets[_rising(values, st.warning)]]
            warning = bool(values[-1])
        if len(hits):
            return a + int(rel[hits[0]]), warns, st
        return (
            None,
            warns,
            _EDDMState(
                n=st.n + b - a,
                last_error=int(at[-1]),
                errors=int(j[-1]),
                sq_sum=int(sq[-1]),
                p2s_max=float(running[-1]),
                warning=warning,
            ),
        )

    drifts, warnings = _run_blocks(x, step, _EDDMState)
    return DetectorResult(
        method=name,
        n_events=len(x),
        drifts=tuple(drifts),
        warnings=tuple(warnings),
        params={"warm_start": warm_start, "alpha": alpha, "beta": beta},
    )


# ------------------------------------------------------------------------------- Page-Hinkley


@dataclass
class _PHState:
    n: int = 0
    total: float = 0.0
    up: float = 0.0  # fading sum of deviations minus delta
    down: float = 0.0  # fading sum of deviations plus delta
    up_min: float = math.inf
    down_max: float = -1.0  # river starts the maximum at -1, not -inf


PHMode = Literal["up", "down", "both"]


def page_hinkley(
    stream: npt.ArrayLike,
    min_instances: int = 30,
    delta: float = 0.005,
    threshold: float = 50.0,
    alpha: float = 1 - 0.0001,
    mode: PHMode = "both",
) -> DetectorResult:
    """Page-Hinkley on a real-valued stream: drift rows (river's ``drift.PageHinkley``)."""
    name = "page_hinkley"
    _check(min_instances >= 0, name, f"min_instances must be >= 0, got {min_instances}")
    _check(threshold > 0, name, f"threshold must be > 0, got {threshold}")
    _check(0 < alpha <= 1, name, f"alpha must be in (0, 1], got {alpha}")
    _check(mode in ("up", "down", "both"), name, f"mode must be up, down or both, got {mode!r}")
    x = _as_stream(stream, name, binary=False)
    fading = _fading_sums(alpha)

    def step(x: FloatArray, a: int, b: int, st: _PHState) -> tuple[int | None, list[int], _PHState]:
        seg = x[a:b]
        n = st.n + np.arange(1, b - a + 1, dtype=np.float64)
        total = np.cumsum(np.concatenate(([st.total], seg)))[1:]
        dev = seg - total / n
        # U_t = alpha U_{t-1} + b_t is a first-order linear filter; U carries over blocks.
        up = fading(dev - delta, alpha * st.up)
        down = fading(dev + delta, alpha * st.down)
        up_min = np.minimum.accumulate(np.concatenate(([st.up_min], up)))[1:]
        down_max = np.maximum.accumulate(np.concatenate(([st.down_max], down)))[1:]
        active = n >= min_instances
        rise = (up - up_min) > threshold
        fall = (down_max - down) > threshold
        hit = rise if mode == "up" else fall if mode == "down" else rise | fall
        hits = np.flatnonzero(active & hit)
        if len(hits):
            return a + int(hits[0]), [], st
        return (
            None,
            [],
            _PHState(
                n=st.n + b - a,
                total=float(total[-1]),
                up=float(up[-1]),
                down=float(down[-1]),
                up_min=float(up_min[-1]),
                down_max=float(down_max[-1]),
            ),
        )

    drifts, _ = _run_blocks(x, step, _PHState)
    return DetectorResult(
        method=name,
        n_events=len(x),
        drifts=tuple(drifts),
        warnings=None,
        params={
            "min_instances": min_instances,
            "delta": delta,
            "threshold": threshold,
            "alpha": alpha,
            "mode": mode,
        },
    )


#: A fading-sum chunk spans at most this many e-foldings of alpha, so its weights
#: ``alpha ** -j`` stay below e**200 (about 7e86) and the products with the stream stay finite.
_FADING_SPAN = 200.0


@functools.lru_cache(maxsize=4)
def _fading_powers(alpha: float) -> tuple[FloatArray, FloatArray]:
    """``alpha ** -j`` and ``alpha ** j`` for j below a chunk's length (made once per alpha)."""
    length = min(_MAX_BLOCK, max(1, int(_FADING_SPAN / -math.log(alpha))))
    j = np.arange(length, dtype=np.float64)
    return np.power(alpha, -j), np.power(alpha, j)


def _fading_sums(alpha: float) -> Callable[[FloatArray, float], FloatArray]:
    """``f(b, start)``: ``y_0 = b_0 + start``, ``y_t = b_t + alpha y_{t-1}``, the fading sums
    ``scipy.signal.lfilter([1], [1, -alpha], b, zi=[start])`` computes, without importing
    scipy.signal (0.7-0.9 s of a 1M-row report that needs no other part of SciPy) and with
    no loop over rows. In chunks of L rows started with ``z`` (``start``, then alpha times the
    chunk before's last sum), ``y_j = alpha**j * (z + sum(alpha**-i * b_i for i <= j))``: a
    product, a cumulative sum and a product per chunk, all chunks at once, and a loop over the
    chunks only (one for a 1M-row block at the default alpha). Rounded differently from the
    filter's recursion, but as well conditioned: equal to it to 1e-13 of its largest value
    (tests/test_concept.py compares the two); the detections, a threshold on these sums, are
    the same. Without fading (``alpha = 1``) a cumulative sum, the filter's bits."""
    if alpha == 1.0:

        def summed(b: FloatArray, start: float) -> FloatArray:
            out: FloatArray = np.cumsum(np.concatenate(([start], b)))[1:]
            return out

        return summed
    inverse, forward = _fading_powers(alpha)
    rate = -math.log(alpha)

    def fading(b: FloatArray, start: float) -> FloatArray:
        n = len(b)
        if n == 0:
            return np.empty(0, dtype=np.float64)
        width = min(n, len(inverse))
        big = float(np.abs(b).max())
        if big > 1e100:
            # Shorter chunks keep alpha**-j * b below about e**650 for huge values.
            width = min(width, max(1, int((650.0 - math.log(big)) / rate)))
        chunks = -(-n // width)
        sums = np.zeros(chunks * width, dtype=np.float64)
        sums[:n] = b
        grid = sums.reshape(chunks, width)
        grid *= inverse[:width]
        np.cumsum(grid, axis=1, out=grid)
        # Each chunk's start: a recursion over the chunks' last sums (one step per chunk).
        starts = np.empty(chunks, dtype=np.float64)
        z, last, fade = start, grid[:, -1].tolist(), float(forward[width - 1])
        for k in range(chunks):
            starts[k] = z
            z = alpha * (fade * (last[k] + z))
        grid += starts[:, None]
        grid *= forward[:width]
        return sums[:n]

    return fading


# -------------------------------------------------------------------------------------- ADWIN


def _bucket_counts(width: IntArray, max_buckets: int) -> IntArray:
    """Buckets per level (columns: level 0 = single rows, level i = 2^i rows) for each width.

    Level i receives one entry per merge from level i-1; when it would hold max_buckets + 1
    entries its two oldest merge into level i+1. So m entries received leave m entries when
    m <= max_buckets, else pass (m - max_buckets + 1) // 2 entries up.
    """
    levels: list[IntArray] = []
    received = width.copy()
    while True:
        passed = np.where(received > max_buckets, (received - max_buckets + 1) // 2, 0).astype(
            np.int64
        )
        levels.append(received - 2 * passed)
        if not passed.any():
            break
        received = passed
    return np.stack(levels, axis=1)


@dataclass(frozen=True)
class _Cuts:
    """The cut points of a run of ADWIN checks, which depend on the window lengths only.

    One entry per cut, check-major: the check's index and window length, the older part's
    length n0 (and both lengths as floats), and the data-free parts of the threshold,
    2 m and 2/3 d m, in river's operation order.
    """

    check: IntArray
    width: IntArray
    n0: IntArray
    n0f: FloatArray
    n1f: FloatArray
    delta_prime: FloatArray
    two_m: FloatArray
    linear: FloatArray


def _cut_geometry(
    k: int, k_end: int, clock: int, max_buckets: int, min_window_length: int, delta: float
) -> _Cuts:
    """The cuts of checks k..k_end; the first checks of every restart reuse a cached copy."""
    if k_end <= _ADWIN_CACHED_CHECKS:
        return _cached_cut_geometry(k, k_end, clock, max_buckets, min_window_length, delta)
    return _compute_cut_geometry(k, k_end, clock, max_buckets, min_window_length, delta)


def _compute_cut_geometry(
    k: int, k_end: int, clock: int, max_buckets: int, min_window_length: int, delta: float
) -> _Cuts:
    widths = np.arange(k, k_end + 1, dtype=np.int64) * clock
    counts = _bucket_counts(widths, max_buckets)  # (checks, levels)
    size = np.int64(1) << np.arange(counts.shape[1], dtype=np.int64)
    rows = counts * size
    # Older buckets (higher levels) come first in the window: offset of each level's start.
    offset = np.cumsum(rows[:, ::-1], axis=1)[:, ::-1] - rows
    slot = np.arange(max_buckets, dtype=np.int64)
    n0_all = offset[:, :, None] + (slot[None, None, :] + 1) * size[None, :, None]
    valid = (
        (slot[None, None, :] < counts[:, :, None])
        & (n0_all >= min_window_length)
        & (widths[:, None, None] - n0_all >= min_window_length)
    )
    check = np.repeat(np.arange(len(widths)), valid.sum(axis=(1, 2)))
    n0 = n0_all[valid]
    width = widths[check]
    n0f = n0.astype(np.float64)
    n1f = (width - n0).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):  # log(0) when the width is 1
        delta_prime = np.log(2.0 * np.log(widths.astype(np.float64)) / delta)[check]
    m_recip = 1.0 / (n0f - min_window_length + 1.0) + 1.0 / (n1f - min_window_length + 1.0)
    cuts = _Cuts(
        check=check,
        width=width,
        n0=n0,
        n0f=n0f,
        n1f=n1f,
        delta_prime=delta_prime,
        two_m=2.0 * m_recip,
        linear=2.0 / 3.0 * delta_prime * m_recip,
    )
    for item in dataclasses.fields(cuts):
        getattr(cuts, item.name).flags.writeable = False  # shared through the cache
    return cuts


_cached_cut_geometry = functools.lru_cache(maxsize=64)(_compute_cut_geometry)


def _adwin_first(
    x: FloatArray,
    start: int,
    delta: float,
    clock: int,
    max_buckets: int,
    min_window_length: int,
    grace_period: int,
) -> int | None:
    """The first row at or after ``start`` where a fresh ADWIN detects drift, or None."""
    remaining = len(x) - start
    first_check = max(1, grace_period // clock + 1)  # checks happen at width = k * clock
    last_check = remaining // clock
    horizon = 0
    # totals[w]: sum of the first w rows since the restart; variances[w]: river's running sum
    # of squared deviations. Filled as far as the checks need (np.empty maps pages lazily).
    totals = np.empty(remaining + 1)
    variances = np.empty(remaining + 1)
    totals[0] = variances[0] = 0.0
    k = first_check
    chunk = _ADWIN_FIRST_CHECKS
    while k <= last_check:
        k_end = min(last_check, k + chunk - 1)
        widths = np.arange(k, k_end + 1, dtype=np.int64) * clock
        need = int(widths[-1])
        if need > horizon:
            # Extend the prefix sums of the window since the restart, in river's accumulation
            # order: total += x; variance += (w - 1) * dv * dv / w, dv = x - total / (w - 1).
            grown = min(remaining, max(need, 2 * horizon))
            seg = x[start + horizon : start + grown]
            filled = slice(horizon, grown + 1)
            np.cumsum(np.concatenate((totals[horizon : horizon + 1], seg)), out=totals[filled])
            w = np.arange(horizon + 1, grown + 1, dtype=np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):  # w = 1 adds nothing
                dv = seg - totals[horizon:grown] / (w - 1.0)
                inc = np.where(w > 1.0, (w - 1.0) * dv * dv / w, 0.0)
            np.cumsum(
                np.concatenate((variances[horizon : horizon + 1], inc)), out=variances[filled]
            )
            horizon = grown
        geo = _cut_geometry(k, k_end, clock, max_buckets, min_window_length, delta)
        u0 = totals[geo.n0]
        u1 = totals[geo.width] - u0
        with np.errstate(divide="ignore", invalid="ignore"):
            var_w = (variances[widths] / widths)[geo.check]
            mean_diff = u0 / geo.n0f - u1 / geo.n1f
            epsilon = np.sqrt(geo.two_m * var_w * geo.delta_prime) + geo.linear
            cut = np.abs(mean_diff) > epsilon
        found = np.flatnonzero(cut)
        if len(found):
            return start + int(geo.width[found[0]]) - 1
        k = k_end + 1
        chunk = min(2 * chunk, _ADWIN_MAX_CHECKS)
    return None


def adwin(
    stream: npt.ArrayLike,
    delta: float = 0.002,
    clock: int = 32,
    max_buckets: int = 5,
    min_window_length: int = 5,
    grace_period: int = 10,
) -> DetectorResult:
    """ADWIN on a real-valued stream: drift rows (river's ``drift.ADWIN``)."""
    name = "adwin"
    _check(0 < delta < 1, name, f"delta must be in (0, 1), got {delta}")
    _check(clock >= 1, name, f"clock must be >= 1, got {clock}")
    _check(max_buckets >= 2, name, f"max_buckets must be >= 2, got {max_buckets}")
    _check(min_window_length >= 1, name, f"min_window_length must be >= 1, got {min_window_length}")
    _check(grace_period >= 0, name, f"grace_period must be >= 0, got {grace_period}")
    x = _as_stream(stream, name, binary=False)
    drifts: list[int] = []
    start = 0
    while True:
        hit = _adwin_first(x, start, delta, clock, max_buckets, min_window_length, grace_period)
        if hit is None:
            break
        drifts.append(hit)
        start = hit + 1
    return DetectorResult(
        method=name,
        n_events=len(x),
        drifts=tuple(drifts),
        warnings=None,
        params={
            "delta": delta,
            "clock": clock,
            "max_buckets": max_buckets,
            "min_window_length": min_window_length,
            "grace_period": grace_period,
        },
    )


DETECTORS: dict[str, Callable[..., DetectorResult]] = {
    "adwin": adwin,
    "ddm": ddm,
    "eddm": eddm,
    "page_hinkley": page_hinkley,
}
"""The detectors by name, for configuration files."""
