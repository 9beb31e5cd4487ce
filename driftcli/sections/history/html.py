"""The run history section in the HTML report: the drift share trend, columns run by run, and
the rules across runs."""

from __future__ import annotations

from typing import Any

from driftcli.outputs.htmlkit import (
    PageData,
    fmt_num,
    fmt_share,
    fmt_time,
    outcome_badge,
    plural,
    summary_line,
)
from driftcli.results.report import Report
from driftcli.results.vocabulary import Outcome
from driftcli.sections.history.result import HistorySection

#: Sparkline size in CSS pixels.
WIDTH, HEIGHT = 160, 28


def sparkline(values: list[float | None]) -> str:
    """An SVG polyline's points for shares in [0, 1] (gaps skipped); "" with under 2 points."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    step = WIDTH / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{HEIGHT - 2 - v * (HEIGHT - 4):.1f}" for i, v in known)


def view(h: HistorySection, report: Report, page: PageData) -> dict[str, Any]:
    """The trend table and sparkline, the columns per run, the rules."""
    runs = [
        {
            "label": "this run" if p.run_id is None else f"#{p.run_id}",
            "at": fmt_time(p.at),
            "share": fmt_share(p.drift_share) if p.drift_share is not None else "-",
            "drifted": bool(p.dataset_drifted),
        }
        for p in h.trend
    ]
    return {
        "store": h.store,
        "model": h.model,
        "unavailable": h.unavailable,
        "previous": h.previous_runs,
        "replaces": h.replaces,
        "runs": runs,
        "spark": sparkline([p.drift_share for p in h.trend]),
        "width": WIDTH,
        "height": HEIGHT,
        "columns": [
            {
                "name": c.column,
                "state": c.state,
                "cells": [
                    {"drifted": d, "score": fmt_num(score) if d is not None else "-"}
                    for d, score in zip(c.drifted, c.scores, strict=True)
                ],
            }
            for c in h.columns
        ],
        "rules": [
            {**outcome_badge(r.status.value), "text": r.rule.text(), "message": r.message}
            for r in h.rules
        ],
    }


def summary(h: HistorySection, report: Report) -> dict[str, str]:
    """The header line: stored runs and the rules' outcome."""
    fails = sum(1 for r in h.rules if r.status is Outcome.FAIL)
    warns = sum(1 for r in h.rules if r.status is Outcome.WARN)
    text = f"model {h.model}: {plural(h.previous_runs, 'stored run')}"
    if h.rules:
        text += f"; {plural(len(h.rules), 'rule')} across runs"
    if h.unavailable:
        text += "; store unavailable"
    return summary_line("history", "Run history", fails, warns, text)
