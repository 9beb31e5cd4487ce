"""The run's verdict: breaches and warnings from column drift and every section's findings.

This is the one place that decides what fails a run. Column drift is judged at the
``fail_on`` level; a section's findings at severity fail are breaches and at severity warn
warnings. Under ``fail_on = "never"`` nothing is a breach: every finding is listed as a
warning, fails first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from driftcli.results.records import ColumnResult, DatasetVerdict, SegmentResult
from driftcli.results.section import Section
from driftcli.results.vocabulary import FailOn, SegmentStatus, Severity, Status


def _errors(columns: Sequence[ColumnResult], segments: Sequence[SegmentResult]) -> list[str]:
    """One line per column whose test could not give a result, overall then per segment."""
    out = [f"column {c.column}: {c.reason}" for c in columns if c.status is Status.ERROR]
    out += [
        f"column {c.column} in segment {s.label}: {c.reason}"
        for s in segments
        for c in s.columns
        if c.status is Status.ERROR
    ]
    return out


def drift_breaches(
    fail_on: FailOn,
    dataset: DatasetVerdict,
    columns: Sequence[ColumnResult],
    segments: Sequence[SegmentResult],
    column_errors: str = "warn",
) -> list[str]:
    """Column drift at the ``fail_on`` level: dataset drift (overall or in a segment), or
    any drifted column; with ``column_errors = "fail"`` also every column (overall or in a
    segment) whose test gave no result. None under ``never``."""
    out: list[str] = []
    if fail_on is FailOn.NEVER:
        return out
    if column_errors == "fail":
        out += _errors(columns, segments)
    if fail_on is FailOn.DATASET:
        if dataset.drifted:
            out.append(f"dataset drift: {dataset.describe()}")
        for seg in segments:
            if seg.dataset is not None and seg.dataset.drifted:
                out.append(f"dataset drift in segment {seg.label}: {seg.dataset.describe()}")
        return out
    for col in columns:
        if col.drifted:
            out.append(f"column {col.column} drifted ({col.test})")
    for seg in segments:
        for col in seg.columns:
            if col.drifted:
                out.append(f"column {col.column} drifted in segment {seg.label} ({col.test})")
    return out


def drift_warnings(
    columns: Sequence[ColumnResult],
    segments: Sequence[SegmentResult],
    column_errors: str = "warn",
    fail_on: FailOn = FailOn.DATASET,
) -> list[str]:
    """Segments that could not be compared, and the columns whose test gave no result on the
    whole data (unless ``column_errors = "fail"`` made them breaches)."""
    out = [
        f"segment {s.label}: {s.status.value.replace('_', ' ')} ({s.reason})"
        for s in segments
        if s.status is not SegmentStatus.TESTED
    ]
    if column_errors != "fail" or fail_on is FailOn.NEVER:
        out += [f"column {c.column}: {c.reason}" for c in columns if c.status is Status.ERROR]
    return out


def few_rows_warning(reference_rows: int, current_rows: int, min_rows: int) -> list[str]:
    """A warning when either side has fewer rows than a segment needs to be tested: the
    whole data is still compared, but its tests can hardly find drift, so a pass says little
    (a CI gate fed a 1-row file must not look like a clean run)."""
    if reference_rows >= min_rows and current_rows >= min_rows:
        return []
    return [
        f"few rows: reference {reference_rows}, current {current_rows}, fewer than "
        f"min_segment_rows ({min_rows}) on at least one side; the tests can hardly find "
        "drift at this size, so no drift found says little"
    ]


def decide(
    fail_on: FailOn,
    breaches: Iterable[str],
    warnings: Iterable[str],
    sections: Iterable[Section | None],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The run's breaches and warnings: the drift ones given, then the sections' findings
    in registry order (fails, then warns)."""
    found = [f for s in sections if s is not None for f in s.findings()]
    fails = [f.message for f in found if f.severity is Severity.FAIL]
    warns = [f.message for f in found if f.severity is not Severity.FAIL]
    out_breaches, out_warnings = list(breaches), list(warnings)
    if fail_on is FailOn.NEVER:
        out_warnings += fails
    else:
        out_breaches += fails
    out_warnings += warns
    return tuple(out_breaches), tuple(out_warnings)
