"""Write the example fleet's data (seeded, so the files are the same on every machine).

    python examples/fleet/make_data.py

Four models, each with a reference month (October 2026) and daily current files:

- credit-risk (critical): income and utilisation drift from 2026-11-27 on, so the run of
  2026-11-27 breaches and the run of 2026-11-28 is its second breach in a row: escalated.
- churn (standard): daily files like the reference: passes.
- recsys (critical): its feed stopped on 2026-11-20: stale on 2026-11-28.
- nlp-intent (standard): its config segments by a `language` column its data lacks: the
  model cannot run, and is that one model's error row.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
REFERENCE_ROWS_PER_DAY = 200
CURRENT_ROWS = 1000


def _frame(rng: np.random.Generator, start: date, days: int, n: int, shift: float) -> pl.DataFrame:
    seconds = rng.integers(0, 86_400 * days, n)
    ts = [datetime(start.year, start.month, start.day) + timedelta(seconds=int(s)) for s in seconds]
    income = rng.lognormal(10.6 + shift, 0.4, n)
    utilisation = np.clip(rng.beta(2.0, 5.0 - 2.5 * shift, n), 0, 1)
    region = rng.choice(["north", "south", "east", "west"], n, p=[0.3, 0.3, 0.2, 0.2])
    logit = -1.0 + 2.5 * utilisation - 0.4 * (np.log(income) - 10.6)
    target = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    score = np.clip(1 / (1 + np.exp(-(logit + rng.normal(0, 0.5, n)))), 0, 1)
    return pl.DataFrame(
        {
            "ts": ts,
            "region": region,
            "income": np.round(income, 2),
            "utilisation": np.round(utilisation, 4),
            "tenure_months": rng.integers(1, 120, n),
            "score": np.round(score, 4),
            "prediction": (score >= 0.5).astype(np.int64),
            "target": target,
        }
    ).sort("ts")


def _write(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.write_parquet(path, statistics=False)


def main() -> None:
    models = {
        # name: (seed, days of current data, drift from this day on, last day of data)
        "credit-risk": (11, date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)),
        "churn": (12, date(2026, 11, 26), None, date(2026, 11, 28)),
        "recsys": (13, date(2026, 11, 18), None, date(2026, 11, 20)),
        "nlp-intent": (14, date(2026, 11, 26), None, date(2026, 11, 28)),
    }
    for name, (seed, first, drift_from, last) in models.items():
        rng = np.random.default_rng(seed)
        reference = _frame(rng, date(2026, 10, 1), 31, 31 * REFERENCE_ROWS_PER_DAY, 0.0)
        _write(reference, DATA / name / "reference.parquet")
        day = first
        while day <= last:
            shift = 0.6 if drift_from is not None and day >= drift_from else 0.0
            current = _frame(rng, day, 1, CURRENT_ROWS, shift)
            _write(current, DATA / name / "current" / f"{day.isoformat()}.parquet")
            day += timedelta(days=1)


if __name__ == "__main__":
    main()
