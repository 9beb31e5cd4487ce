"""The consecutive-window rule's outcome in words, shared by the HTML and the terminal:
``passes: at most 1 consecutive window above 40%; the rule needs 2``."""

from __future__ import annotations

from driftcli.outputs.text import fmt_share, fmt_time
from driftcli.results.vocabulary import Outcome
from driftcli.sections.windows.result import WindowResult, WindowSection


def exceeding_runs(ws: WindowSection) -> list[tuple[WindowResult, WindowResult]]:
    """(first, last) window of every run of consecutive windows above the drift share limit
    (by time, a run continues only where a window starts as the one before it ends)."""
    runs: list[tuple[WindowResult, WindowResult]] = []
    prev: WindowResult | None = None
    for w in ws.windows:
        if w.exceeds:
            adjacent = (
                prev is not None
                and prev.exceeds
                and (ws.by == "rows" or (prev.end is not None and prev.end == w.start))
            )
            if adjacent:
                runs[-1] = (runs[-1][0], w)
            else:
                runs.append((w, w))
        prev = w
    return runs


def span(run: tuple[WindowResult, WindowResult]) -> str:
    first, last = run
    if first is last:
        return fmt_time(first.label)
    return f"{fmt_time(first.label)} to {fmt_time(last.label)}"


def rule_text(ws: WindowSection) -> dict[str, str]:
    """The rule's outcome as a sentence (``passes: at most 1 consecutive window above 40%; the
    rule needs 2``: ``verb`` and ``rest``) and a detail (the windows above the limit, the
    severity), built from the outcome's fields and the rule; the outcome's own message (the
    JSON's) when there is no rule to read them from."""
    o, rule = ws.rule_outcome, ws.rule
    assert o is not None
    verb = {Outcome.FAIL: "fails", Outcome.WARN: "warns"}.get(o.status, "passes")
    if rule is None or rule.max_drift_share is None:
        rest = fmt_time(o.message)
        return {"verb": verb, "rest": rest, "sentence": f"{verb}: {rest}", "detail": ""}
    above = f"above {fmt_share(rule.max_drift_share)}"
    need = f"the rule needs {rule.consecutive}"

    def run(n: int) -> str:
        return f"{n} consecutive window{'' if n == 1 else 's'}"

    if o.status is not Outcome.PASS:
        rest = f"{run(o.longest_run)} {above}; {need}"
    elif o.longest_run == 0:
        rest = f"no window {above}; {need}"
    else:
        rest = f"at most {run(o.longest_run)} {above}; {need}"
    spans = [span(r) for r in exceeding_runs(ws)]
    shown = ", ".join(spans[:5]) + (f" and {len(spans) - 5} more" if len(spans) > 5 else "")
    detail = f"windows {above}: {shown}; " if spans else ""
    return {
        "verb": verb,
        "rest": rest,
        "sentence": f"{verb}: {rest}",
        "detail": detail + f"severity {rule.severity}",
    }
