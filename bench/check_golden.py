#!/usr/bin/env python
"""Check that the JSON summary of the bench pair is unchanged (apart from ``generated_at``).

Usage (from the repository root)::

    python bench/check_golden.py --rows 1000000            # compare with bench/golden/
    python bench/check_golden.py --rows 1000000 --update   # rewrite the golden file

It runs ``drift report REF CUR --json X`` (the default report, as bench.py times it) on
bench.py's deterministic pair and compares the JSON byte for byte with
``bench/golden/bench_<rows>.json``, with ``generated_at`` and the two source paths replaced by
fixed text. tests/test_golden.py does the same at 20k rows in every test run; this script is
for the full-size pair, which is too slow for the test suite.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import ensure_data  # noqa: E402


def normalised(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["generated_at"] = "(time)"
    data["reference"]["source"] = "ref.parquet"
    data["current"]["source"] = "cur.parquet"
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", type=Path, default=HERE / "data", help="data cache folder")
    ap.add_argument("--update", action="store_true", help="rewrite the golden file")
    args = ap.parse_args()
    ref, cur = ensure_data(args.out.resolve(), args.rows, args.seed)
    golden = HERE / "golden" / f"bench_{args.rows}.json"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "summary.json"
        cmd = [sys.executable, "-m", "driftcli", "report", str(ref), str(cur), "--json", str(out)]
        proc = subprocess.run([*cmd, "--quiet"], check=False)
        if proc.returncode not in (0, 1):
            print(f"drift report exited {proc.returncode}", file=sys.stderr)
            return 2
        text = normalised(out)
    if args.update:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        print(f"wrote {golden}")
        return 0
    if not golden.exists():
        print(f"no golden file {golden}; run with --update first", file=sys.stderr)
        return 2
    if golden.read_text(encoding="utf-8") != text:
        print(f"DIFFERS from {golden}", file=sys.stderr)
        return 1
    print(f"identical to {golden}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
