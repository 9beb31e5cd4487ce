"""Checks: every question a run answered, one record each, as CI servers show them.

A :class:`Check` is a JUnit test case, a GitHub annotation, a line of the Markdown summary: one
column's drift in one scope, a scope's dataset drift, an integrity check, a performance rule, an
online limit. :func:`report_checks` lists them all from a Report (column drift here, each
section's own through :meth:`~driftcli.results.section.Section.checks`), with the outcome the
verdict gave them: ``fail`` exactly for what made the run fail, ``warn`` for what it reports
without failing (under ``fail_on = "never"`` every failure is a warning), ``not_evaluated`` for
what could not be judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from driftcli.results.jsonable import num
from driftcli.results.records import ColumnResult, DatasetVerdict
from driftcli.results.report import Report
from driftcli.results.section import Check
from driftcli.results.vocabulary import FailOn, Outcome, Status

#: The suite of the whole data's column drift (segments are named by their label).
OVERALL = "overall"


def _fmt(x: float | None) -> str:
    return "-" if x is None or num(x) is None else f"{x:.4g}"


def column_check(
    c: ColumnResult, suite: str, fail_on: FailOn, configured: bool, errors_fail: bool = False
) -> Check:
    """The check of one column in one scope: fail only when its drift fails the run (or, with
    ``column_errors = "fail"``, when its test gave no result)."""
    name = f"{c.column} [{c.test}]" if c.test else c.column
    source = f'column."{c.column}"' if configured else None
    if c.status is Status.ERROR:
        outcome = Outcome.FAIL if errors_fail else Outcome.WARN
        return Check(
            suite,
            name,
            outcome,
            f"{c.column}: {c.reason}",
            kind="drift",
            error=True,
            source=source,
            seconds=c.seconds,
        )
    if c.status is Status.SKIPPED:
        return Check(
            suite,
            name,
            Outcome.NOT_EVALUATED,
            f"{c.column}: {c.reason}",
            source=source,
            seconds=c.seconds,
        )
    stat = f"{c.test}={_fmt(c.statistic)}"
    if c.pvalue is not None:
        p = c.pvalue_adjusted if c.pvalue_adjusted is not None else c.pvalue
        line = f"{stat}, p={_fmt(p)} (threshold {_fmt(c.threshold)})"
    else:
        line = f"{stat} (threshold {_fmt(c.threshold)})"
    detail = "\n".join(
        x
        for x in (
            f"kind={c.kind.value} test={c.test} statistic={_fmt(c.statistic)} "
            f"pvalue={_fmt(c.pvalue)} pvalue_adjusted={_fmt(c.pvalue_adjusted)} "
            f"threshold={_fmt(c.threshold)} drift_score={_fmt(c.drift_score)}",
            f"reference rows={c.reference.count}" if c.reference is not None else "",
            f"current rows={c.current.count}" if c.current is not None else "",
            c.reason or "",
        )
        if x
    )
    if not c.drifted:
        return Check(
            suite,
            name,
            Outcome.PASS,
            f"{c.column}: no drift, {line}",
            detail,
            source=source,
            seconds=c.seconds,
        )
    outcome = Outcome.FAIL if fail_on is FailOn.COLUMN else Outcome.WARN
    return Check(
        suite,
        name,
        outcome,
        f"{c.column} drifted: {line}",
        detail,
        source=source,
        seconds=c.seconds,
    )


def dataset_check(d: DatasetVerdict, suite: str, fail_on: FailOn) -> Check:
    """The check of one scope's dataset drift: fail only under ``fail_on = "dataset"``."""
    line = (
        f"{d.columns_drifted} of {d.columns_tested} columns drifted "
        f"({d.drift_share:.0%}; dataset drift at {d.drift_share_threshold:.0%})"
    )
    if not d.drifted:
        return Check(
            suite, "dataset drift", Outcome.PASS, f"no dataset drift: {line}", kind="dataset"
        )
    outcome = Outcome.FAIL if fail_on is FailOn.DATASET else Outcome.WARN
    return Check(suite, "dataset drift", outcome, f"dataset drift: {line}", kind="dataset")


def drift_checks(report: Report) -> list[Check]:
    """Column and dataset drift of the whole data, then of each segment."""
    fail_on = report.config.fail_on
    echo = report.config.to_dict()
    configured = set(echo.get("column", {}))
    errors_fail = echo.get("column_errors") == "fail"

    def check(c: ColumnResult, suite: str) -> Check:
        return column_check(c, suite, fail_on, c.column in configured, errors_fail)

    out = [dataset_check(report.dataset, OVERALL, fail_on)]
    out += [check(c, OVERALL) for c in report.columns]
    for s in report.segments:
        if s.dataset is None:
            out.append(
                Check(
                    s.label,
                    "segment",
                    Outcome.NOT_EVALUATED,
                    f"segment {s.label}: {s.reason}",
                    kind="dataset",
                )
            )
            continue
        out.append(dataset_check(s.dataset, s.label, fail_on))
        out += [check(c, s.label) for c in s.columns]
    return out


def report_checks(report: Report) -> list[Check]:
    """Every check of a run: column drift, then each section's in registry order. Under
    ``fail_on = "never"`` nothing fails: failures are reported as warnings."""
    out = drift_checks(report)
    for section in report.sections.values():
        if section is not None:
            out += section.checks()
    if report.config.fail_on is FailOn.NEVER:
        out = [replace(c, outcome=Outcome.WARN) if c.outcome is Outcome.FAIL else c for c in out]
    return out


def unique_names(checks: Sequence[Check]) -> list[Check]:
    """``checks`` with a name made unique within its suite (``name (2)``, ...)."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for c in checks:
        key = (c.suite, c.name)
        seen[key] = seen.get(key, 0) + 1
        out.append(c if seen[key] == 1 else replace(c, name=f"{c.name} ({seen[key]})"))
    return out
