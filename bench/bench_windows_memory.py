#!/usr/bin/env python
"""Peak memory of drift over time: in memory, in time order and shuffled, and in passes under a
memory budget (what ``WINDOW_MEMORY`` in driftcli/sections/windows/spec.py accounts for).

Usage (from the repository root)::

    python bench/bench_windows_memory.py --rows 4000000 --budget 600M

It writes (once, cached under ``--out``) a reference and a current Parquet file of ``--rows``
rows x 20 Float64 columns (normal; columns 0, 3, ... shifted by 0.1 in current) and a
microsecond timestamp over 30 days in time order, plus the current shuffled. Then, each in a
fresh child process (wall time and that child's peak RSS from ``os.wait4``), it runs
``drift report REF CUR --json X --quiet`` with daily windows: ``--engine polars`` on the current
in time order and shuffled, and the default engine with ``DRIFT_MEMORY_BUDGET=--budget`` on the
current in time order, and checks that run's JSON equals the in-memory one on the same files
(apart from the time stamp and ``engine``; the shuffled rows sum their means in another order).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_spark import comparable  # noqa: E402

from bench import machine_info, run_child  # noqa: E402

COLUMNS = 20
DAYS = 30


def ensure_data(out: Path, rows: int) -> tuple[Path, Path, Path]:
    """Reference, current in time order and current shuffled (cached by row count)."""
    import numpy as np
    import polars as pl

    paths = tuple(out / f"windows_{name}_{rows}.parquet" for name in ("ref", "cur", "shuffled"))
    if all(p.exists() for p in paths):
        return paths  # type: ignore[return-value]
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    for path, shift, start in ((paths[0], 0.0, "2025-01-01"), (paths[1], 0.1, "2025-02-01")):
        cols = {f"x{i:02d}": rng.normal(shift * (i % 3 == 0), 1, rows) for i in range(COLUMNS)}
        seconds = np.sort(rng.integers(0, DAYS * 86_400, rows)).astype("timedelta64[s]")
        cols["ts"] = np.datetime64(start, "us") + seconds.astype("timedelta64[us]")
        pl.DataFrame(cols).write_parquet(path)
    pl.read_parquet(paths[1]).sample(fraction=1.0, shuffle=True, seed=1).write_parquet(paths[2])
    return paths  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--budget", default="600M", help="DRIFT_MEMORY_BUDGET of the passes run")
    parser.add_argument("--out", type=Path, default=HERE / "data")
    args = parser.parse_args()
    ref, cur, shuffled = ensure_data(args.out, args.rows)
    config = args.out / "windows_memory.toml"
    config.write_text('time_column = "ts"\nwindow = "1d"\n')
    runs = [
        ("in memory, current in time order", cur, ["--engine", "polars"], None),
        ("in memory, current shuffled", shuffled, ["--engine", "polars"], None),
        (f"default engine, DRIFT_MEMORY_BUDGET={args.budget}", cur, [], args.budget),
    ]
    print(f"data: {args.rows:,} rows x {COLUMNS} Float64 + a timestamp a side, daily windows")
    print("| run | how | wall | peak RSS |\n|---|---|---:|---:|")
    docs = []
    for i, (name, current, flags, budget) in enumerate(runs):
        out = args.out / f"windows_memory_{i}.json"
        argv = [sys.executable, "-m", "driftcli", "report", str(ref), str(current), *flags]
        argv += ["--config", str(config), "--json", str(out), "--quiet"]
        if budget is None:
            os.environ.pop("DRIFT_MEMORY_BUDGET", None)
        else:
            os.environ["DRIFT_MEMORY_BUDGET"] = budget
        res = run_child(argv, HERE.parent, ok_codes=(0, 1))
        doc = json.loads(out.read_text())
        engine = doc.get("engine")
        how = (
            f"{engine['passes']} passes of <= {engine['columns_per_pass']}"
            if engine
            else "one read"
        )
        print(f"| {name} | {how} | {res.wall_s:.1f} s | {res.maxrss_mb:,.0f} MB |")
        docs.append(comparable(doc))
    same = docs[2] == docs[0]
    print(f"JSON in passes equals in memory apart from timings: {same}")
    print(machine_info())
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
