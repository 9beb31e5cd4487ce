"""Generate the driftcli sample dataset (reference vs current).

Deterministic: every random draw comes from two seeded numpy Generators and all
dates are fixed, so running this script twice produces identical data. The first
generator (``SEED``) draws the original columns in their original order; the second
(``SEED + 1``) draws only the prediction-log columns added later (``event_time``,
``latency_ms``, ``status``), so adding them left every original draw untouched.

    python sample_data/make_sample.py

writes ``reference.parquet`` and ``current.parquet`` next to this file.
Only numpy and polars are required. See sample_data/README.md for the column
dictionary and the exact drift that is injected.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20261127  # 20261126 gave tenure_months p=0.016 by chance; see README
N_REFERENCE = 4000
N_CURRENT = 3500

REGIONS = ["north", "south", "east", "west"]
CHANNELS = ["web", "branch", "mobile", "partner"]
CHANNEL_P_REFERENCE = [0.35, 0.30, 0.20, 0.15]
CHANNEL_P_CURRENT = [0.25, 0.18, 0.45, 0.12]  # shift toward mobile (all regions)
EMPLOYMENT = ["employed", "self_employed", "retired", "unemployed", "student"]
EMPLOYMENT_P = [0.60, 0.15, 0.12, 0.07, 0.06]
NULL_RATE = 0.015  # income and employment, both sides

INCOME_LOG_MEAN = 10.8  # exp(10.8) ~ 49k
INCOME_LOG_MEAN_SHIFT = 0.25  # current, all regions
CREDIT_SCORE_SHIFT_SOUTH = -60  # current, region == "south" only
LOAN_SCALE_SOUTH = 1.5  # current, region == "south" only
MORTGAGE_P = 0.30
MORTGAGE_P_SOUTH_CURRENT = 0.65  # current, region == "south" only

# --- prediction log: when the model scored each row, how long it took, how it went ---
# event_time is naive (no time zone), to be read as UTC wall clock.
REFERENCE_FIRST_DAY = dt.date(2025, 2, 1)  # 28 days: 2025-02-01 .. 2025-02-28
CURRENT_FIRST_DAY = dt.date(2025, 3, 1)  # 28 days: 2025-03-01 .. 2025-03-28
LOG_DAYS = 28
# From this instant on, region == "south" degrades (current only): the unmodelled risk
# factor (concept drift) appears, the model gets noisier there, and requests take a slow
# fallback path with more errors and timeouts.
CHANGE_POINT = dt.datetime(2025, 3, 15)
CONCEPT_LOGIT_SOUTH = 2.0  # extra true-risk logit, south after the change point (was 0.8)
MODEL_NOISE_SOUTH = 1.0  # sd of extra model-logit noise, south after the change point
LATENCY_MEDIAN_MS = 80.0
LATENCY_SIGMA = 0.5  # log-scale sd: p95 ~ 1.8x median, p99 ~ 3.2x median
LATENCY_SLOW_FACTOR = 2.5  # south after the change point: median 80 -> 200 ms
TIMEOUT_MS = 1000.0  # a timed-out request is logged at the client timeout (+ jitter)
LATENCY_NULL_RATE = 0.005  # logging gap, both sides
STATUS_P = {"error": 0.004, "timeout": 0.001}  # ~0.5% non-ok, everywhere else
STATUS_P_SOUTH_AFTER = {"error": 0.05, "timeout": 0.03}  # ~8% non-ok


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _event_times(log_rng: np.random.Generator, n: int, first_day: dt.date) -> np.ndarray:
    """Uniform day in the 28-day log, time of day peaking mid-afternoon; microseconds."""
    day = log_rng.integers(0, LOG_DAYS, size=n)
    seconds = np.mod(log_rng.normal(14 * 3600, 4 * 3600, size=n), 86_400)
    micros = day * 86_400_000_000 + np.floor(seconds * 1e6).astype(np.int64)
    return np.datetime64(first_day, "us") + micros.astype("timedelta64[us]")


def _make_side(
    rng: np.random.Generator,
    log_rng: np.random.Generator,
    n: int,
    *,
    current: bool,
    id_start: int,
    first_day: dt.date,
    n_days: int,
    log_first_day: dt.date,
) -> pl.DataFrame:
    # The draw order is identical for both sides; only parameters differ.
    # event_time comes from log_rng, so the rng draws below are the original ones.
    event_time = _event_times(log_rng, n, log_first_day)
    ids = np.array([f"C{i:06d}" for i in range(id_start, id_start + n)])
    region = rng.choice(REGIONS, size=n)
    south = (region == "south") & current
    # The degradation: south rows scored at or after the change point.
    degraded = south & (event_time >= np.datetime64(CHANGE_POINT, "us"))

    day_offsets = rng.integers(0, n_days, size=n)
    signup_date = np.datetime64(first_day, "D") + day_offsets.astype("timedelta64[D]")

    # --- no drift: same process on both sides -------------------------------
    age = np.clip(np.rint(rng.normal(45, 14, size=n)), 18, 80).astype(np.int64)
    tenure_months = rng.integers(0, 121, size=n).astype(np.int64)
    num_products = rng.choice([1, 2, 3, 4], size=n, p=[0.45, 0.30, 0.17, 0.08]).astype(np.int64)
    employment = rng.choice(EMPLOYMENT, size=n, p=EMPLOYMENT_P).astype(object)
    is_premium = rng.random(n) < 0.15

    # --- overall drift (every region) ----------------------------------------
    income_mu = INCOME_LOG_MEAN + (INCOME_LOG_MEAN_SHIFT if current else 0.0)
    income = np.round(rng.lognormal(income_mu, 0.5, size=n), 2)
    channel = rng.choice(CHANNELS, size=n, p=CHANNEL_P_CURRENT if current else CHANNEL_P_REFERENCE)

    # --- segment drift (current, region == "south" only) ---------------------
    credit_score = rng.normal(680, 60, size=n) + np.where(south, CREDIT_SCORE_SHIFT_SOUTH, 0)
    credit_score = np.clip(np.rint(credit_score), 300, 850).astype(np.int64)
    loan_amount = rng.lognormal(9.6, 0.6, size=n) * np.where(south, LOAN_SCALE_SOUTH, 1.0)
    loan_amount = np.round(loan_amount, 2)
    has_mortgage = rng.random(n) < np.where(south, MORTGAGE_P_SOUTH_CURRENT, MORTGAGE_P)

    # --- outcome and model ---------------------------------------------------
    # True default risk. In current/south from the change point on there is an extra,
    # unmodelled risk factor (concept drift), so the model below is worse there.
    true_logit = (
        -1.6
        - 0.018 * (credit_score - 680)
        - 0.9 * (np.log(income) - INCOME_LOG_MEAN)
        + 0.8 * (np.log(loan_amount) - 9.6)
        - 0.008 * (tenure_months - 60)
        + 0.3 * has_mortgage
        - 0.3 * is_premium
        + np.where(employment == "unemployed", 1.0, 0.0)
    )
    concept = np.where(degraded, CONCEPT_LOGIT_SOUTH, 0.0)
    target = (rng.random(n) < _sigmoid(true_logit + concept)).astype(np.int64)

    # The model only knows the reference-era relationship, plus estimation noise
    # (and extra noise in degraded rows; the draw is made for every row, as before).
    model_logit = true_logit + rng.normal(0, 0.5, size=n)
    model_logit = model_logit + np.where(degraded, rng.normal(0, MODEL_NOISE_SOUTH, size=n), 0.0)
    score = np.round(_sigmoid(model_logit), 4)
    prediction = (score >= 0.5).astype(np.int64)

    # --- nulls (same rate on both sides) -------------------------------------
    income = np.where(rng.random(n) < NULL_RATE, np.nan, income)
    employment[rng.random(n) < NULL_RATE] = None

    # --- prediction log (log_rng only, after event_time) ---------------------
    latency = LATENCY_MEDIAN_MS * np.exp(log_rng.normal(0, LATENCY_SIGMA, size=n))
    latency = latency * np.where(degraded, LATENCY_SLOW_FACTOR, 1.0)
    u = log_rng.random(n)
    p_error = np.where(degraded, STATUS_P_SOUTH_AFTER["error"], STATUS_P["error"])
    p_timeout = np.where(degraded, STATUS_P_SOUTH_AFTER["timeout"], STATUS_P["timeout"])
    status = np.where(u < p_error, "error", np.where(u < p_error + p_timeout, "timeout", "ok"))
    jitter = log_rng.random(n) * 50.0
    latency = np.round(np.where(status == "timeout", TIMEOUT_MS + jitter, latency), 1)
    latency = np.where(log_rng.random(n) < LATENCY_NULL_RATE, np.nan, latency)

    return pl.DataFrame(
        {
            "customer_id": pl.Series(ids, dtype=pl.String),
            "region": pl.Series(region, dtype=pl.String),
            "signup_date": pl.Series(signup_date).cast(pl.Date),
            "age": age,
            "income": pl.Series(income).fill_nan(None),
            "credit_score": credit_score,
            "loan_amount": loan_amount,
            "tenure_months": tenure_months,
            "num_products": num_products,
            "channel": pl.Series(channel, dtype=pl.String),
            "employment": pl.Series(employment.tolist(), dtype=pl.String),
            "has_mortgage": pl.Series(has_mortgage, dtype=pl.Boolean),
            "is_premium": pl.Series(is_premium, dtype=pl.Boolean),
            "score": score,
            "prediction": prediction,
            "target": target,
            "event_time": pl.Series(event_time, dtype=pl.Datetime("us")),
            "latency_ms": pl.Series(latency).fill_nan(None),
            "status": pl.Series(status, dtype=pl.String),
        }
    )


def make_frames(seed: int = SEED) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (reference, current) frames for the given seed."""
    rng = np.random.default_rng(seed)
    log_rng = np.random.default_rng(seed + 1)
    reference = _make_side(
        rng,
        log_rng,
        N_REFERENCE,
        current=False,
        id_start=1,
        first_day=dt.date(2024, 1, 1),
        n_days=366,
        log_first_day=REFERENCE_FIRST_DAY,
    )
    current = _make_side(
        rng,
        log_rng,
        N_CURRENT,
        current=True,
        id_start=500_001,
        first_day=dt.date(2025, 1, 1),
        n_days=365,
        log_first_day=CURRENT_FIRST_DAY,
    )
    return reference, current


def main() -> None:
    out_dir = Path(__file__).resolve().parent
    reference, current = make_frames()
    reference.write_parquet(out_dir / "reference.parquet")
    current.write_parquet(out_dir / "current.parquet")
    for name, df in (("reference", reference), ("current", current)):
        print(f"wrote {out_dir / (name + '.parquet')}: {df.height} rows x {df.width} cols")


if __name__ == "__main__":
    main()
