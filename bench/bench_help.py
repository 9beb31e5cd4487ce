"""Start-up time of the ``drift`` command's help: ``drift --help``, ``drift report --help``
and ``drift history --help``, each the median wall time of ``--repeat`` fresh processes.

The target (under 0.3 s on the dev VM) is checked here, never by a timed unit test;
tests/test_cli.py checks instead that ``import driftcli.cli`` loads none of the heavy
libraries. Run: python bench/bench_help.py --repeat 15 [--check]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import compile_driftcli

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.3
COMMANDS = (["--help"], ["report", "--help"], ["history", "--help"])


def _drift() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m driftcli``."""
    script = shutil.which("drift", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "driftcli"]


def _once(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{args} exited {proc.returncode}: {proc.stderr}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--check", action="store_true", help="exit 1 when a median >= 0.3 s")
    args = parser.parse_args()

    compile_driftcli()  # as installed: see bench.py
    drift = _drift()
    _once([*drift, "--help"])  # warm the page cache
    times: dict[str, list[float]] = {" ".join(["drift", *c]): [] for c in COMMANDS}
    for _ in range(args.repeat):  # interleaved, so a busy moment hits every command alike
        for cmd in COMMANDS:
            times[" ".join(["drift", *cmd])].append(_once([*drift, *cmd]))
    print(f"{'command':<24} {'median s':>9} {'min s':>7} {'max s':>7}  (n={args.repeat})")
    missed = False
    for name, walls in times.items():
        median = statistics.median(walls)
        missed |= median >= TARGET_S
        print(f"{name:<24} {median:>9.3f} {min(walls):>7.3f} {max(walls):>7.3f}")
    if args.check and missed:
        raise SystemExit(f"a median is at or above the {TARGET_S} s target")


if __name__ == "__main__":
    main()
