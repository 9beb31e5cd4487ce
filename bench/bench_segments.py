#!/usr/bin/env python
"""What many segments cost: ``drift report -s country`` with N countries against the same
report without segments.

Usage (from the repository root; the data is bench.py's pair, made when missing)::

    python bench/bench_segments.py --rows 1000000 --segments 100 --repeat 3

Adds a ``country`` column of ``--segments`` values to bench.py's pair (a Zipf-like mix, the
largest country about 9% of the rows at 100; seeded), writes it next to the pair, and times
``drift report REF CUR --json OUT --quiet`` with and without ``-s country``, in turn, each in
a fresh process of this interpreter from the repository root: wall seconds and peak RSS
(``ru_maxrss`` of the child), medians of ``--repeat``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from bench import compile_driftcli, ensure_data, run_child

HERE = Path(__file__).resolve().parent


def with_countries(src: Path, dst: Path, segments: int, seed: int) -> None:
    """``src`` with a ``country`` column of ``segments`` values, written to ``dst`` once."""
    if dst.exists():
        return
    df = pl.read_parquet(src)
    weights = 1 / np.arange(1, segments + 1) ** 0.8
    rng = np.random.default_rng(seed)
    names = [f"c{i:03d}" for i in range(segments)]
    country = rng.choice(names, df.height, p=weights / weights.sum())
    df.with_columns(pl.Series("country", country)).write_parquet(dst)


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``python -m driftcli report ARGS`` (exit 0 or 1)."""
    res = run_child(
        [sys.executable, "-m", "driftcli", "report", *args], HERE.parent, ok_codes=(0, 1)
    )
    return res.wall_s, res.maxrss_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--segments", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", type=Path, default=HERE / "data", help="bench.py's data folder")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ref, cur = ensure_data(args.out, args.rows, args.seed)
    compile_driftcli()  # as an installed copy has it (see bench/README.md)
    sides = []
    for i, src in enumerate((ref, cur)):
        dst = args.out / f"{src.stem}_countries{args.segments}.parquet"
        with_countries(src, dst, args.segments, args.seed + i)
        sides.append(str(dst))
    with tempfile.TemporaryDirectory() as tmp:
        out = ["--json", str(Path(tmp) / "out.json"), "--quiet"]
        run([*sides, *out])  # warm the page cache and the bytecode
        plain, segmented = [], []
        for _ in range(args.repeat):
            plain.append(run([*sides, *out, "--exclude", "country"]))
            segmented.append(run([*sides, *out, "-s", "country"]))
    for name, runs in (("no segments", plain), (f"{args.segments} segments", segmented)):
        walls = [w for w, _ in runs]
        peak = statistics.median(p for _, p in runs)
        print(
            f"{name}: {statistics.median(walls):.2f} s (runs "
            + ", ".join(f"{w:.2f}" for w in walls)
            + f"), peak {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
