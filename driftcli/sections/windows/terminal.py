"""The drift over time section in the terminal summary."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.text import Text

from driftcli.outputs.termkit import MAX_ROWS, STATUS_STYLES, fmt_number, more_text, title
from driftcli.results.report import Report
from driftcli.sections.performance.metrics import HIGHER_IS_BETTER
from driftcli.sections.windows.result import WindowSection


def print_section(w: WindowSection, report: Report, console: Console) -> None:
    """Window counts, windows above the drift share, the rule outcome, most drifted columns."""
    where = f" on {w.time_column}" if w.time_column else ""
    title(f"Drift over time (window {w.window}{where})", console)
    tested = [x for x in w.windows if x.status == "tested"]
    small = len(w.windows) - len(tested)
    line = f"  windows   {len(w.windows)}: {len(tested)} tested, {small} too small"
    if w.rows_without_time:
        line += f"; {w.rows_without_time} rows without a timestamp"
    console.print(Text(line))
    exceeding = [x.label for x in w.windows if x.exceeds]
    share = w.rule.max_drift_share if w.rule is not None else None
    if share is not None or exceeding:
        limit = f" ({share:.0%})" if share is not None else ""
        line = f"  exceeded  {len(exceeding)} of {len(tested)} tested windows above the drift "
        line += f"share limit{limit}"
        if exceeding:
            line += ": " + ", ".join(exceeding[:MAX_ROWS])
            more = more_text(len(exceeding), MAX_ROWS, "")
            line += f" {more.strip()}" if more else ""
        console.print(Text(line))
    o = w.rule_outcome
    if o is not None:
        line_t = Text("  rule      ")
        line_t.append(o.status.upper(), style=STATUS_STYLES[o.status])
        line_t.append(f" {o.message}")
        console.print(line_t)
    counts = Counter(c.column for x in tested for c in x.columns if c.status == "drift")
    if counts:
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        text = ", ".join(f"{name} ({n} of {len(tested)})" for name, n in top)
        console.print(Text(f"  most drifted columns (windows): {text}"))
    ref = w.performance_reference
    perf = [(x.label, x.performance) for x in tested if x.performance]
    if ref and perf:
        metric = next((m for m in ref if ref[m] is not None), None)
        values = [(label, pm.get(metric)) for label, pm in perf] if metric else []
        known = [(label, v) for label, v in values if v is not None]
        if metric is not None and known:
            up = HIGHER_IS_BETTER.get(metric, True)
            worst = min(known, key=lambda kv: kv[1] if up else -kv[1])
            console.print(
                Text(
                    f"  {metric} by window: worst {fmt_number(worst[1])} ({worst[0]}), "
                    f"reference {fmt_number(ref[metric])}"
                )
            )
