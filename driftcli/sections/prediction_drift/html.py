"""The prediction and target drift section in the HTML report."""

from __future__ import annotations

from typing import Any

from driftcli.outputs.htmlkit import (
    STATUS_ICONS,
    PageData,
    column_rows,
    fmt_num,
    fmt_pvalue,
    heat_cell,
    status_counts,
)
from driftcli.results.records import (
    ColumnResult,
    sorted_columns,
)
from driftcli.results.report import Report
from driftcli.results.vocabulary import FailOn, SegmentStatus, Status
from driftcli.sections.prediction_drift.result import PredictionDriftSection


def _role_cell(col: ColumnResult | None) -> dict[str, Any]:
    """A compact per-segment cell of a model column: icon and drift score, details in title."""
    if col is None:
        return {"cls": "hn", "text": "n/a", "title": "not compared in this segment"}
    cell = heat_cell(col, None)
    title = f"{col.status}"
    if col.test:
        title += f"; {col.test}"
        if col.statistic is not None:
            title += f" statistic {fmt_num(col.statistic)}"
        if col.pvalue is not None and col.test_type != "distance":
            title += f", p {fmt_pvalue(col.pvalue)}"
    if col.reason:
        title += f"; {col.reason}"
    return {"cls": cell["cls"], "text": cell["text"], "title": title}


def _breaches(fail_on: FailOn) -> bool:
    """Whether a drifted model column fails the run: only under ``fail_on = "column"`` (the
    model's columns are not counted in the dataset drift share)."""
    return fail_on is FailOn.COLUMN


def _not_breach(fail_on: FailOn) -> str:
    return f"not a breach at fail_on = {fail_on}"


def view(section: PredictionDriftSection, report: Report, page: PageData) -> dict[str, Any] | None:
    """Drift of the model's own columns (target, prediction, score), overall and per segment."""
    blob = page.rows
    model = section.columns
    if not model:
        return None
    roles = report.roles
    rows = column_rows(model, "m", blob)
    fail_on = report.config.fail_on
    for row, col in zip(rows, sorted_columns(model), strict=True):
        row["role"] = roles.get(col.column, "")
        if col.drifted and not _breaches(fail_on):
            # drift, but not what fails the run: the neutral style, never the breach red
            row["st_css"] = "st-note"
            row["not_breach"] = True
            row["reason"] = _not_breach(fail_on) + (f"; {row['reason']}" if row["reason"] else "")
    order = [c.column for c in sorted_columns(model)]
    segs = []
    for seg in report.segments:
        if seg.status is not SegmentStatus.TESTED:
            continue
        by_name = {c.column: c for c in seg.columns if c.column in roles}
        if by_name:
            segs.append(
                {
                    "label": seg.label or "(all rows)",
                    "cells": [_role_cell(by_name.get(n)) for n in order],
                }
            )
    return {
        "rows": rows,
        "fail_on": str(fail_on),
        "breaches": _breaches(fail_on),
        "counts": status_counts(model),
        "heads": [{"column": n, "role": roles.get(n, "")} for n in order],
        "segments": segs,
    }


def summary(section: PredictionDriftSection, report: Report) -> dict[str, str] | None:
    """The header line: which of the model's columns drifted."""
    if not section.columns:
        return None
    drifted = [c.column for c in section.columns if c.drifted]
    fail_on = report.config.fail_on
    text = f"drift in {', '.join(drifted)}" if drifted else "no drift in the model's columns"
    css = "st-ok"
    if drifted:
        css = "st-drift" if _breaches(fail_on) else "st-note"
        if not _breaches(fail_on):
            text += f" ({_not_breach(fail_on)})"
    return {
        "href": "model-drift",
        "title": "Prediction and target drift",
        "text": text,
        "status": "drift" if drifted else "ok",
        "css": css,
        "icon": STATUS_ICONS[Status.DRIFT if drifted else Status.OK],
    }
