"""The online metrics section in the HTML report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from driftcli.outputs.htmlkit import (
    PageData,
    chart_num,
    counts_text,
    fmt_num,
    fmt_share,
    fmt_time,
    outcome_badge,
    rules_view,
    summary_line,
)
from driftcli.results.report import Report
from driftcli.results.vocabulary import Outcome, tally, worst
from driftcli.sections.online.result import LimitOutcome, OnlineSection

_Format = Callable[[float], str]


def _latency_format(unit: str) -> _Format:
    """A formatter for latencies in the configured unit (which may be empty)."""

    def latency(v: float) -> str:
        return f"{fmt_num(v)} {unit}".strip()

    return latency


#: The limits that judge each card's statistic (``OnlineStats`` field -> limit config keys).
_CARD_LIMITS: dict[str, tuple[str, ...]] = {
    "latency_p50": ("latency_p50_max",),
    "latency_p95": ("latency_p95_max", "latency_p95_increase_max"),
    "latency_p99": ("latency_p99_max",),
    "error_rate": ("error_rate_max", "error_rate_increase_max"),
    "throughput_per_second": ("throughput_min",),
}


def _card_outcome(online: OnlineSection, name: str) -> dict[str, str]:
    """The card's colour and note from its limits' outcomes (the worst of them, in every
    scope): red only when a limit fails; neutral when no limit judges the statistic."""
    limits = [x for x in online.limits if x.name in _CARD_LIMITS.get(name, ())]
    if not limits:
        return {"css": "", "verdict": "no limit set", "icon": ""}
    status = worst(x.status for x in limits)
    badge = outcome_badge(status)
    names = ", ".join(sorted({x.name for x in limits}))
    text = {"fail": "limit failed", "warn": "limit warned", "pass": "within its limit"}
    return {
        "css": badge["css"],
        "verdict": f"{text.get(str(status), 'limit not evaluated')} ({names})",
        "icon": badge["icon"],
    }


def _card(online: OnlineSection, label: str, name: str, fmt: _Format) -> dict[str, str]:
    """A card with one statistic on current and reference, coloured by its limits' outcome
    (not by whether it rose); the change from the reference is said in words."""
    c = getattr(online.current, name)
    r = getattr(online.reference, name) if online.reference is not None else None
    change = ""
    if c is not None and r is not None and c != r:
        change = "higher" if c > r else "lower"
    return {"label": label, "current": fmt(c) if c is not None else "n/a",
            "reference": fmt(r) if r is not None else "", "change": change,
            **_card_outcome(online, name)}  # fmt: skip


def _throughput_scale(rate: float) -> tuple[float, str]:
    """The factor and time unit to show a rows/s rate in."""
    # rows/s, or per hour or day when a second holds less than one row
    return (1.0, "s") if rate >= 1 else (3600.0, "h") if rate * 3600 >= 1 else (86400.0, "day")


def _cards(online: OnlineSection, latency: _Format) -> list[dict[str, str]]:
    """Cards for the latency percentiles, error rate and throughput the data has."""
    cards = []
    if online.latency_column is not None:
        for q in ("p50", "p95", "p99"):
            cards.append(_card(online, f"latency {q}", f"latency_{q}", latency))
    if online.status_column is not None:
        cards.append(_card(online, "error rate", "error_rate", fmt_share))
    rate = online.current.throughput_per_second
    if rate is not None:
        scale, per = _throughput_scale(rate)

        def throughput(v: float) -> str:
            return fmt_num(v * scale)

        label = f"throughput (rows/{per})"
        cards.append(_card(online, label, "throughput_per_second", throughput))
    return cards


def _limit_formats(name: str, latency: _Format) -> tuple[_Format, _Format]:
    """How a limit and its values read: error rates as shares, latencies with their unit."""
    value_fmt = (
        fmt_share
        if name.startswith("error_rate")
        else (latency if name.startswith("latency") else fmt_num)
    )
    # An increase limit is a fraction (of the reference, or in points), whatever its values are.
    fmt = fmt_share if name.endswith("increase_max") else value_fmt
    return fmt, value_fmt


def _limit_row(x: LimitOutcome, latency: _Format) -> dict[str, str]:
    """A limit's name, scope, limit, value and reference for the limits table."""
    fmt, value_fmt = _limit_formats(x.name, latency)
    return {
        "name": x.name,
        "scope": fmt_time(x.scope),
        "limit": fmt(x.limit),
        "value": value_fmt(x.value) if x.value is not None else "",
        "reference": value_fmt(x.reference) if x.reference is not None else "",
    }


def _chart(online: OnlineSection) -> dict[str, Any]:
    """The per-window series of the online chart: p95 latency, error rate and rows."""
    return {
        "x": [fmt_time(w.label) for w in online.windows],
        "p95": [chart_num(w.stats.latency_p95) for w in online.windows],
        "err": [chart_num(w.stats.error_rate) for w in online.windows],
        "rows": [w.stats.rows for w in online.windows],
        "unit": online.latency_unit,
        "has_latency": online.latency_column is not None,
        "has_errors": online.status_column is not None,
        # the absolute limits per panel, drawn as dashed lines (null: none configured)
        "limits": {
            panel: next((x.limit for x in online.limits if x.name == name), None)
            for panel, name in (
                ("p95", "latency_p95_max"),
                ("err", "error_rate_max"),
                ("rows", "throughput_min"),
            )
        },
    }


def view(online: OnlineSection, report: Report, page: PageData) -> dict[str, Any] | None:
    """Online metrics: latency percentiles, error rate and throughput; per window; limits."""
    cur, ref = online.current, online.reference
    latency = _latency_format(online.latency_unit)
    if online.windows:
        page.charts["online"] = _chart(online)
    return {
        "latency_column": online.latency_column,
        "status_column": online.status_column,
        "unit": online.latency_unit,
        "window": online.window,
        "rows": fmt_num(cur.rows),
        "reference_rows": fmt_num(ref.rows) if ref is not None else "",
        "has_reference": ref is not None,
        "cards": _cards(online, latency),
        "windows": len(online.windows),
        "limits": rules_view(online.limits, lambda x: _limit_row(x, latency)),
    }


def summary(online: OnlineSection, report: Report) -> dict[str, str]:
    """The header line: how many limits failed or warned."""
    n = tally(x.status for x in online.limits)
    f, w = n[Outcome.FAIL], n[Outcome.WARN]
    text = counts_text(f, w, "limit", len(online.limits))
    return summary_line("online", "Online metrics", f, w, text)
