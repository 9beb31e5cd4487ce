"""The online metrics section in the terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from driftcli.outputs import termkit as tk
from driftcli.outputs.termkit import STATUS_STYLES, Cell, Col, Grid, fmt_number
from driftcli.results.report import Report
from driftcli.sections.online.result import OnlineSection, OnlineStats


def _latency(s: OnlineStats | None, attr: str) -> float | None:
    return None if s is None else getattr(s, attr)


def _rate(x: float | None) -> str:
    return "-" if x is None else f"{x:.2%}"


def _limit_counts(o: OnlineSection) -> str:
    """``"4 checked, 1 passed, 1 not evaluated"`` (and how many failed or warned, when short)."""
    passed = sum(1 for x in o.limits if x.status == "pass")
    skipped = sum(1 for x in o.limits if x.status == "not_evaluated")
    text = f"{len(o.limits)} checked, {passed} passed"
    if not tk.is_verbose():
        for status, word in (("fail", "failed"), ("warn", "warned")):
            n = sum(1 for x in o.limits if x.status == status)
            text += f", {n} {word}" if n else ""
    return text + (f", {skipped} not evaluated" if skipped else "")


def _short(o: OnlineSection, console: Console) -> None:
    """Latency p95, error rate and rows as reference -> current in one line; the limits' counts."""
    parts: list[str] = []
    if o.latency_column is not None:
        parts.append(
            f"latency p95 {fmt_number(_latency(o.reference, 'latency_p95'))} -> "
            f"{fmt_number(o.current.latency_p95)} {o.latency_unit}"
        )
    if o.status_column is not None:
        ref = None if o.reference is None else o.reference.error_rate
        parts.append(f"error rate {_rate(ref)} -> {_rate(o.current.error_rate)}")
    ref_rows = "-" if o.reference is None else str(o.reference.rows)
    parts.append(f"rows {ref_rows} -> {o.current.rows}")
    tk.field(console, "metrics", ", ".join(parts))
    if o.limits:
        tk.field(console, "limits", _limit_counts(o))


def print_section(o: OnlineSection, report: Report, console: Console) -> None:
    """Latency percentiles and error rate, current vs reference; breached limits.

    The default summary: latency p95, error rate and rows in one line, the limits' counts.
    """
    tk.heading("Online metrics", console)
    if not tk.is_verbose():
        _short(o, console)
        return
    rows: list[list[Cell]] = []
    if o.latency_column is not None:
        for q in ("p50", "p95", "p99"):
            attr = f"latency_{q}"
            rows.append(
                [
                    f"latency {q} ({o.latency_unit})",
                    fmt_number(_latency(o.reference, attr)),
                    fmt_number(_latency(o.current, attr)),
                ]
            )
    if o.status_column is not None:
        rows.append(
            [
                "error rate",
                _rate(None if o.reference is None else o.reference.error_rate),
                _rate(o.current.error_rate),
            ]
        )
    rows.append(
        ["rows", "-" if o.reference is None else str(o.reference.rows), str(o.current.rows)]
    )
    cols = [Col("metric"), Col("reference", right=True), Col("current", right=True)]
    tk.emit(console, Grid(cols, rows))
    if o.limits:
        tk.field(console, "limits", _limit_counts(o))
        breached = [x for x in o.limits if x.status in ("fail", "warn")]
        breached.sort(key=lambda x: 0 if x.status == "fail" else 1)
        for x in breached:
            line = Text(x.status.upper(), style=STATUS_STYLES[x.status])
            line.append(f" {x.message}")
            tk.line(console, line, indent=4)
