"""Time ``drift fleet run`` on a generated fleet: N models of R rows a side, at several
parallelism levels; wall time, the largest single process's peak RSS, and the peak summed
RSS of the whole process tree (sampled from /proc every 50 ms).

    python bench/bench_fleet.py --models 50 --rows 100000 --parallel 1 2 4

The data (seeded) is cached under bench/data/fleet-<models>x<rows>/; each measurement starts
a fresh ``drift fleet run`` process with a fresh output folder and history.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from bench import tree_usage

ROOT = Path(__file__).resolve().parents[1]


def _frame(rng: np.random.Generator, n: int, shift: float) -> pl.DataFrame:
    income = rng.lognormal(10.6 + shift, 0.4, n)
    util = np.clip(rng.beta(2.0, 5.0 - 2.5 * shift, n), 0, 1)
    logit = -1.0 + 2.5 * util - 0.4 * (np.log(income) - 10.6)
    score = 1 / (1 + np.exp(-(logit + rng.normal(0, 0.5, n))))
    return pl.DataFrame(
        {
            "region": rng.choice(["north", "south", "east", "west"], n),
            "channel": rng.choice(["web", "app", "branch"], n, p=[0.5, 0.4, 0.1]),
            "income": income,
            "utilisation": util,
            "tenure_months": rng.integers(1, 120, n),
            "balance": rng.gamma(2.0, 1500.0, n),
            "age": rng.integers(18, 90, n),
            "score": score,
            "prediction": (score >= 0.5).astype(np.int64),
            "target": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64),
        }
    )


def make_fleet(folder: Path, models: int, rows: int) -> Path:
    """The fleet file of ``models`` models (half critical, every fifth drifting)."""
    marker = folder / "meta.json"
    meta = {"models": models, "rows": rows, "version": 1}
    if marker.is_file() and json.loads(marker.read_text()) == meta:
        return folder / "fleet.toml"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "models").mkdir(parents=True)
    for i in range(models):
        name = f"model-{i:02d}"
        rng = np.random.default_rng(1000 + i)
        data = folder / "data" / name
        data.mkdir(parents=True)
        _frame(rng, rows, 0.0).write_parquet(data / "reference.parquet")
        _frame(rng, rows, 0.5 if i % 5 == 0 else 0.0).write_parquet(data / "current.parquet")
        tier = "critical" if i % 2 == 0 else "standard"
        (folder / "models" / f"{name}.toml").write_text(
            f'name = "{name}"\nowner = "team-{i % 7}"\ntier = "{tier}"\n'
            'segment_by = ["region"]\n'
            '[model]\ntarget = "target"\nprediction = "prediction"\nscore = "score"\n'
        )
    (folder / "fleet.toml").write_text(
        '[fleet]\nname = "bench"\ninclude = ["models/*.toml"]\noutput_dir = "out"\n'
        '[defaults]\nreference = "data/{model}/reference.parquet"\n'
        'current = "data/{model}/current.parquet"\n'
        '[tiers.critical]\nfail_job_on = ["drift"]\nescalate_after = 2\n'
        "[tiers.standard]\nfail_job_on = []\n"
    )
    marker.write_text(json.dumps(meta))
    return folder / "fleet.toml"


def measure(fleet_file: Path, parallel: int) -> dict[str, float]:
    """One fresh ``drift fleet run``: wall seconds, peak RSS of the largest process and of
    the whole tree (MB), CPU seconds of the tree and the cores it kept busy on average."""
    out = fleet_file.parent / "out"
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "driftcli", "fleet", "run", str(fleet_file), "-q",
           "--parallel", str(parallel)]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    peak_tree = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_tree = max(peak_tree, tree_usage(proc.pid)[0])
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in (0, 1):
        raise SystemExit(f"drift fleet run exited {code}")
    # ru_maxrss of wait4: the largest of the process and its (waited) descendants, in KiB;
    # the CPU times include the worker processes it waited for
    largest = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    doc = json.loads((out / "fleet.json").read_text())
    return {
        "parallel": parallel,
        "wall_s": round(wall, 2),
        "largest_process_peak_mb": round(largest, 1),
        "tree_peak_mb": round(peak_tree / 2**20, 1),
        "cpu_s": round(cpu, 1),
        "cores_busy": round(cpu / wall, 2),
        "models": len(doc["models"]),
        "exit_code": doc["exit_code"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=int, default=50)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--parallel", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "data")
    args = ap.parse_args()
    fleet_file = make_fleet(args.out / f"fleet-{args.models}x{args.rows}", args.models, args.rows)
    print(f"{args.models} models x {args.rows} rows a side, {os.cpu_count()} cores")
    results = []
    for p in args.parallel:
        r = measure(fleet_file, p)
        results.append(r)
        print(json.dumps(r))
    base = results[0]["wall_s"]
    for r in results:
        print(f"parallel {r['parallel']}: {r['wall_s']} s ({base / r['wall_s']:.2f}x of "
              f"parallel {results[0]['parallel']}), tree peak {r['tree_peak_mb']} MB")  # fmt: skip


if __name__ == "__main__":
    main()
