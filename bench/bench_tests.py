"""``bench.py --all-tests``: every registered test on every column it applies to, timed.

Reads the benchmark's Parquet pair, prepares each column once as the engine does (one sort per
numeric side, one count per categorical side), times the shared work separately (the merge of
the two sorted sides used by the rank and ECDF tests, and the binning used by the binned
tests), then times each applicable test on the prepared sample. Single-threaded, in this
process, so the figures add up; a test that does not fit a column (e.g. fisher_exact on a
12-category column) is counted as not applicable.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from driftcli.results.vocabulary import Kind
from driftcli.stats import NotApplicable, all_tests
from driftcli.stats.samples import CategoricalSample, NumericSample


@dataclass
class Timing:
    """Seconds per column for one test (or one shared step)."""

    seconds: list[float] = field(default_factory=list)
    not_applicable: int = 0

    def row(self, name: str, kind: str) -> str:
        if not self.seconds:
            return f"| {name} | {kind} | 0 | - | - | - | {self.not_applicable} |"
        total = sum(self.seconds)
        med = statistics.median(self.seconds)
        return (
            f"| {name} | {kind} | {len(self.seconds)} | {total:.3f} | {med:.4f} | "
            f"{max(self.seconds):.4f} | {self.not_applicable} |"
        )


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def run_all_tests(ref_path: Path, cur_path: Path, results: Path) -> str:
    """Time every applicable test on every column; return (and write) a Markdown report."""
    t0 = time.perf_counter()
    ref, cur = pl.read_parquet(ref_path), pl.read_parquet(cur_path)
    read_s = time.perf_counter() - t0
    shared: dict[str, Timing] = {
        "prepare numeric (sort each side)": Timing(),
        "merge sorted sides (shared by rank/ECDF tests)": Timing(),
        "bin (shared by psi/js/hellinger/kl/tvd/linf)": Timing(),
        "prepare categorical (count each side)": Timing(),
    }
    per_test: dict[tuple[str, str], Timing] = {}
    for name in ref.columns:
        numeric = ref.schema[name].is_numeric()
        sample: NumericSample | CategoricalSample
        if numeric:
            t0 = time.perf_counter()
            sample = NumericSample.from_series(ref[name], cur[name])
            shared["prepare numeric (sort each side)"].seconds.append(time.perf_counter() - t0)
            s = sample
            shared["merge sorted sides (shared by rank/ECDF tests)"].seconds.append(
                _timed(lambda s=s: s.merged)
            )
            shared["bin (shared by psi/js/hellinger/kl/tvd/linf)"].seconds.append(
                _timed(lambda s=s: s.binned)
            )
        else:
            t0 = time.perf_counter()
            sample = CategoricalSample.from_series(ref[name], cur[name])
            shared["prepare categorical (count each side)"].seconds.append(time.perf_counter() - t0)
        kind = Kind.NUMERIC if numeric else Kind.CATEGORICAL
        for test in all_tests():
            if not test.applies_to(kind):
                continue
            timing = per_test.setdefault((test.name, kind.value), Timing())
            t0 = time.perf_counter()
            try:
                test.run(sample)
            except NotApplicable:
                timing.not_applicable += 1
                continue
            timing.seconds.append(time.perf_counter() - t0)
        print(f"  {name}: done", file=sys.stderr)
    head = "| step or test | kind | columns | total s | median s/column | max s | n/a |"
    rule = "| --- | --- | --- | --- | --- | --- | --- |"
    lines = [
        f"# driftcli --all-tests: {ref.height:,} reference and {cur.height:,} current rows",
        "",
        f"{len(ref.columns)} columns; Parquet read of both files {read_s:.2f} s. "
        "Single thread; each test timed on the prepared sample (shared steps timed apart).",
        "",
        head,
        rule,
    ]
    for step, timing in shared.items():
        if timing.seconds:
            lines.append(timing.row(step, "shared"))
    for (test_name, kind_label), timing in sorted(per_test.items(), key=lambda kv: kv[0][1]):
        lines.append(timing.row(test_name, kind_label))
    text = "\n".join(lines) + "\n"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"all_tests_{ref.height}.md").write_text(text, encoding="utf-8")
    return text
