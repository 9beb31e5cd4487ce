#!/usr/bin/env python
"""Benchmark ``drift report`` on data larger than memory (the stream engine) against the time
Polars takes to read the same files once.

Usage (from the repository root)::

    python bench/bench_stream.py --rows 100000000            # 100M x 20 a side, ~27 GB on disk
    python bench/bench_stream.py --rows 2000000 --compare --budget 300M
        # small: passes forced by a small budget, the in-memory engine too, JSONs compared
    python bench/bench_stream.py --rows 2000000 --csv --compare --budget 200M
        # the same data as CSV: the passes read it through one parse (a temporary Parquet)

It writes (once, cached under ``--out``) a reference and a current folder of Parquet files of
5M rows each: 16 numeric columns (bench.py's generator: five distributions, rounded to 4
decimals, a few drifting, ~1% nulls in some) and 4 categorical ones. In memory one side is
about 100M x (16 x 8 + 4 x ~8) bytes = 16 GB, both sides 32 GB: more than this machine has.

Each measurement is a fresh child process; wall time and the child's peak RSS (``os.wait4``):

- read floor: a Polars streaming scan that decodes every value of both sides once (the sum
  of each numeric column and the byte length of each string column);
- ``python -m driftcli report REF CUR --json X --html Y --quiet`` with the default engine
  (auto: it reads in column passes when the data exceeds the memory budget);
- with ``--compare``: the same with ``--engine polars`` (in memory), and the JSONs compared
  apart from the time stamp and the ``engine`` key.
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

from bench import _categorical_chunk, _numeric_chunk, machine_info, run_child  # noqa: E402

N_NUMERIC = 16
N_CATEGORICAL = 4
FILE_ROWS = 5_000_000
CHUNK_ROWS = 1_000_000
GENERATOR_VERSION = 1


def _write_file(path: Path, rows: int, seed: int, index: int, current: bool) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng([seed, 1 if current else 0, index])
    fields = [pa.field(f"num_{i:02d}", pa.float64()) for i in range(N_NUMERIC)]
    fields += [pa.field(f"cat_{j}", pa.string()) for j in range(N_CATEGORICAL)]
    schema = pa.schema(fields)
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema, compression="snappy") as writer:
        done = 0
        while done < rows:
            n = min(CHUNK_ROWS, rows - done)
            cols = [pa.array(_numeric_chunk(rng, i, n, current), from_pandas=True)
                    for i in range(N_NUMERIC)]  # fmt: skip
            cols += [_categorical_chunk(rng, j, n, current) for j in range(N_CATEGORICAL)]
            writer.write_table(pa.Table.from_arrays(cols, schema=schema), row_group_size=n)
            done += n
    os.replace(tmp, path)


def ensure_data(out: Path, rows: int, seed: int) -> tuple[Path, Path]:
    """The two folders, generated unless already there with the same parameters."""
    stem = f"{rows}x{N_NUMERIC + N_CATEGORICAL}_s{seed}"
    meta = out / f"stream_{stem}.json"
    params = {"rows": rows, "seed": seed, "version": GENERATOR_VERSION, "file_rows": FILE_ROWS}
    folders = (out / f"stream_ref_{stem}", out / f"stream_cur_{stem}")
    if meta.exists() and json.loads(meta.read_text()) == params:
        return folders
    for folder, current in zip(folders, (False, True), strict=True):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.parquet"):
            old.unlink()
        for index, start in enumerate(range(0, rows, FILE_ROWS)):
            n = min(FILE_ROWS, rows - start)
            _write_file(folder / f"part-{index:04d}.parquet", n, seed, index, current)
            print(f"  wrote {folder.name}/part-{index:04d}.parquet ({n:,} rows)", flush=True)
    meta.write_text(json.dumps(params))
    return folders


def as_csv(folders: tuple[Path, Path]) -> tuple[Path, Path]:
    """The Parquet folders written once more as CSV folders beside them (cached)."""
    import polars as pl

    out = []
    for folder in folders:
        target = folder.with_name(folder.name + "_csv")
        target.mkdir(exist_ok=True)
        for part in sorted(folder.glob("*.parquet")):
            csv = target / part.with_suffix(".csv").name
            if not csv.exists() or csv.stat().st_mtime < part.stat().st_mtime:
                pl.scan_parquet(part).sink_csv(csv)
        out.append(target)
    return out[0], out[1]


READ_FLOOR = """
import sys, polars as pl
for folder in sys.argv[1:]:
    csv = folder.endswith("_csv")
    lf = pl.scan_csv(folder + "/*.csv") if csv else pl.scan_parquet(folder + "/*.parquet")
    names = lf.collect_schema().names()
    exprs = [pl.col(n).sum() if n.startswith("num") else pl.col(n).str.len_bytes().sum()
             for n in names]
    lf.select(exprs).collect(engine="streaming")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--out", type=Path, default=Path("/tmp/driftcli-bench"))
    parser.add_argument("--compare", action="store_true", help="also run in memory and compare")
    parser.add_argument(
        "--budget", help="DRIFT_MEMORY_BUDGET of the auto run (e.g. 300M: passes at small sizes)"
    )
    parser.add_argument("--csv", action="store_true", help="the same data as CSV files")
    args = parser.parse_args()
    ref, cur = ensure_data(args.out, args.rows, args.seed)
    if args.csv:
        ref, cur = as_csv((ref, cur))
    kind = "CSV" if args.csv else "Parquet"
    size = sum(f.stat().st_size for d in (ref, cur) for f in d.iterdir())
    print(f"data: {args.rows:,} rows x 20 columns a side, {size / 1e9:.1f} GB of {kind}")
    floor = run_child([sys.executable, "-c", READ_FLOOR, str(ref), str(cur)], HERE.parent)
    work = args.out / "stream_out"
    work.mkdir(exist_ok=True)
    runs: dict[str, tuple[list[str], Path]] = {"auto": ([], work / "auto.json")}
    if args.compare:
        runs["polars"] = (["--engine", "polars"], work / "polars.json")
    table = [
        "| measurement | wall time | peak RSS | ratio to read floor |",
        "|---|---:|---:|---:|",
        f"| read floor (Polars streaming scan, both sides) | {floor.wall_s:.1f} s | "
        f"{floor.maxrss_mb:,.0f} MB | 1.00 |",
    ]
    for name, (flags, json_out) in runs.items():
        if args.budget and name == "auto":
            os.environ["DRIFT_MEMORY_BUDGET"] = args.budget
        else:
            os.environ.pop("DRIFT_MEMORY_BUDGET", None)
        cli = [sys.executable, "-m", "driftcli", "report", str(ref), str(cur), *flags]
        cli += ["--json", str(json_out), "--html", str(work / f"{name}.html"), "--quiet"]
        res = run_child(cli, HERE.parent, ok_codes=(0, 1))
        engine = json.loads(json_out.read_text()).get("engine")
        how = (
            f"{engine['passes']} passes of <= {engine['columns_per_pass']} columns"
            if engine
            else "in memory"
        )
        table.append(
            f"| drift report --engine {name} ({how}, exit {res.returncode}) | {res.wall_s:.1f} s"
            f" | {res.maxrss_mb:,.0f} MB | {res.wall_s / floor.wall_s:.2f} |"
        )
    print("\n".join(table))
    if args.compare:
        auto, memory = (json.loads(runs[k][1].read_text()) for k in ("auto", "polars"))
        same = comparable(auto) == comparable(memory)
        print(f"JSON of auto and polars equal apart from timings: {same}")
        if not same:
            raise SystemExit(1)
    print(machine_info())


if __name__ == "__main__":
    main()
