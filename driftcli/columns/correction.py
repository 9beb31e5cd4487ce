"""Multiple-testing correction across every p-value result of a run (columns x segments).

A run with 25 columns and 10 segments makes 275 comparisons; at alpha = 0.05 with no correction
a clean run raises about 14 false alarms. The methods:

- ``none``: raw p-values.
- ``bonferroni``: ``min(1, p * m)``; controls the family-wise error rate (the chance of any
  false alarm) under any dependence.
- ``holm``: Holm's step-down version of Bonferroni: same guarantee, never less power.
- ``bh`` (default): Benjamini-Hochberg step-up adjusted p-values (q-values); controls the
  false discovery rate, the expected share of false alarms among the alarms. When nothing
  drifted every alarm is false, so then it also bounds the chance of any false alarm by alpha;
  when some columns did drift it keeps the power to find the others, which Bonferroni and Holm
  lose as the number of segments grows.

The adjusted p-values equal ``statsmodels.stats.multitest.multipletests(p, method=...)`` with
``"bonferroni"``, ``"holm"`` and ``"fdr_bh"``. Each result keeps its raw ``pvalue`` and gets
``pvalue_adjusted``; its verdict compares the adjusted p-value with its own threshold through
:func:`driftcli.stats.is_drift`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np

from driftcli.errors import ConfigError
from driftcli.results.records import ColumnResult, CorrectionInfo, DatasetVerdict, SegmentResult
from driftcli.results.vocabulary import Correction, Status

if TYPE_CHECKING:
    from driftcli.results.records import ColumnResult, SegmentResult
    from driftcli.stats import StatTest


def parse_correction(value: object, where: str = "correction") -> Correction:
    """The Correction named by ``value``, or a ConfigError listing the valid names."""
    if isinstance(value, Correction):
        return value
    if isinstance(value, str):
        try:
            return Correction(value.lower())
        except ValueError:
            pass
    raise ConfigError(
        f"{where}: unknown correction {value!r}; valid values: "
        + ", ".join(c.value for c in Correction)
    )


def adjust_pvalues(pvalues: Sequence[float], method: Correction) -> list[float]:
    """Adjusted p-values, in the input order, each clipped to [0, 1]."""
    p = np.asarray(pvalues, dtype=np.float64)
    m = len(p)
    if m == 0 or method is Correction.NONE:
        return [float(v) for v in p]
    if method is Correction.BONFERRONI:
        out = np.minimum(p * m, 1.0)
    elif method is Correction.HOLM:
        order = np.argsort(p, kind="stable")
        stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
        out = np.empty(m)
        out[order] = np.minimum(stepped, 1.0)
    else:  # BH: q_(i) = min over j >= i of p_(j) m / j
        order = np.argsort(p, kind="stable")
        ranked = p[order] * m / np.arange(1, m + 1)
        stepped = np.minimum.accumulate(ranked[::-1])[::-1]
        out = np.empty(m)
        out[order] = np.minimum(stepped, 1.0)
    return [float(v) for v in out]


#: ``score(test, statistic, pvalue, threshold)``: the engine's drift score of a result.
Scorer = Callable[["StatTest", float, "float | None", float], float]


def apply_correction(
    columns: Sequence[ColumnResult],
    segments: Sequence[SegmentResult],
    method: Correction,
    drift_share: float,
    score: Scorer,
    ignore: Collection[str] = (),
) -> tuple[list[ColumnResult], list[SegmentResult], CorrectionInfo]:
    """Adjust every p-value result of a run together; re-decide those verdicts.

    Returns new column and segment results (segment dataset verdicts recomputed, leaving the
    ``ignore`` columns out of the share) and what was applied. Distances and untested columns
    pass through unchanged.
    """
    from driftcli.stats import TestOutcome, get_test, is_drift

    def eligible(c: ColumnResult) -> bool:
        return c.tested and c.pvalue is not None and c.test is not None

    raw = [c.pvalue for c in columns if eligible(c)]
    for s in segments:
        raw += [c.pvalue for c in s.columns if eligible(c)]
    adjusted = iter(adjust_pvalues([p for p in raw if p is not None], method))

    def redo(c: ColumnResult) -> ColumnResult:
        if not eligible(c):
            return c
        assert c.test is not None and c.pvalue is not None and c.threshold is not None
        q = next(adjusted)
        test = get_test(c.test)
        drifted = is_drift(test, TestOutcome(c.statistic or 0.0, q), c.threshold)
        return dataclasses.replace(
            c,
            pvalue_adjusted=q,
            status=Status.DRIFT if drifted else Status.OK,
            drift_score=score(test, c.statistic or 0.0, q, c.threshold),
        )

    new_columns = [redo(c) for c in columns]
    new_segments = []
    for s in segments:
        if s.dataset is None:
            new_segments.append(s)
            continue
        cols = [redo(c) for c in s.columns]
        verdict = DatasetVerdict.from_columns(cols, drift_share, ignore)
        new_segments.append(dataclasses.replace(s, columns=tuple(cols), dataset=verdict))
    return new_columns, new_segments, CorrectionInfo(method, len(raw))
