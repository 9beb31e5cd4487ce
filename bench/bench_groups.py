#!/usr/bin/env python
"""Time the sorted pass's steps on one partition for the whole data alone and with windows.

Usage (from the repository root)::

    python bench/bench_groups.py            # 1M reference and 1M current values, 30 windows

In this process, no Spark: the union of two seeded normal samples (the current's values each
in one of 30 windows), sorted and cut into two partitions, is compared by
``driftcli.stats.partials.sorted_passes`` with one group (the whole data) and with 31 (the
whole data and each window), asking for the default tests (wasserstein, jensenshannon). It
prints each step's seconds summed over the partitions: what a Spark task of the sorted pass
spends per step (bench/README.md, "Segments, windows and learned thresholds in partitions").
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from driftcli.stats.partials import Group, Step, group_results, sorted_passes

ROWS = 1_000_000
WINDOWS = 30


def main() -> None:
    rng = np.random.default_rng(1)
    ref, cur = rng.normal(0, 1, ROWS), rng.normal(0.1, 1, ROWS)
    window = rng.integers(0, WINDOWS, ROWS)
    values = np.concatenate([ref, cur])
    from_cur = np.concatenate([np.zeros(ROWS, np.bool_), np.ones(ROWS, np.bool_)])
    segment = np.full(2 * ROWS, -1)
    tags = np.concatenate([np.full(ROWS, -1), window])
    order = np.argsort(values, kind="stable")
    arrays = [a[order] for a in (values, from_cur, segment, tags)]
    cuts = [0, ROWS, 2 * ROWS]
    chunks = [tuple(a[lo:hi] for a in arrays) for lo, hi in itertools.pairwise(cuts)]
    tests = frozenset({"wasserstein", "jensenshannon"})
    for count in (1, 1 + WINDOWS):
        groups = [Group()] + [Group(window=j) for j in range(count - 1)]
        counts = [((ROWS, 0), (ROWS, 0))]
        counts += [((ROWS, 0), (int((window == j).sum()), 0)) for j in range(count - 1)]
        seconds: dict[str, float] = {}
        started = time.perf_counter()
        sorted_passes(_timed(groups, chunks, seconds), counts, lambda ks: {}, tests=tests)
        total = time.perf_counter() - started
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in seconds.items())
        print(f"{count:>3} groups: {total:.2f} s ({steps})")


def _timed(
    groups: list[Group], chunks: list[tuple[Any, ...]], seconds: dict[str, float]
) -> Callable[[Mapping[int, Step]], dict[int, list[Any]]]:
    """An ``each`` over ``chunks`` in this process that adds each step's time to ``seconds``."""

    def each(steps: Mapping[int, Step]) -> dict[int, list[Any]]:
        started = time.perf_counter()
        found = [
            group_results(steps, groups, v, c, s, w, i) for i, (v, c, s, w) in enumerate(chunks)
        ]
        name = type(next(iter(steps.values()))).__name__.lstrip("_")
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
        return {k: [f[k] for f in found] for k in steps}

    return each


if __name__ == "__main__":
    main()
