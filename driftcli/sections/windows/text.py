"""The consecutive-window rule's outcome in words, shared by the HTML and the terminal:
``passes: at most 1 consecutive window above 40%; the rule needs 2``."""

from __future__ import annotations

from driftcli.outputs.text import fmt_share, fmt_time
from driftcli.results.vocabulary import Outcome
from driftcli.sections.windows.result import WindowSection, exceeding_runs


def span(ws: WindowSection, run: tuple[int, int]) -> str:
    """The labels of a run's first and last window, to the second."""
    first, last = ws.windows[run[0]].label, ws.windows[run[1]].label
    return fmt_time(first) if run[0] == run[1] else f"{fmt_time(first)} to {fmt_time(last)}"


def rule_text(ws: WindowSection) -> dict[str, str]:
    """The rule's outcome as a sentence (``passes: at most 1 consecutive window above 40%; the
    rule needs 2``: ``verb`` and ``rest``) and a detail (the windows above the limit, the
    severity), built from the outcome's fields and the rule; the outcome's own message (the
    JSON's) when there is no rule to read them from."""
    o, rule = ws.rule_outcome, ws.rule
    assert o is not None
    verb = {Outcome.FAIL: "fails", Outcome.WARN: "warns"}.get(o.status, "passes")
    if o.status is Outcome.NOT_EVALUATED:
        verb = "not evaluated"
        tested = sum(1 for w in ws.windows if w.status == "tested")
        need = f"; the rule needs {rule.consecutive}" if rule is not None else ""
        n = len(ws.windows)
        rest = f"{tested} of {n} window{'' if n == 1 else 's'} tested{need}"
        return {"verb": verb, "rest": rest, "sentence": f"{verb}: {rest}", "detail": o.message}
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
    spans = [span(ws, r) for r in exceeding_runs(ws.windows, ws.by)]
    shown = ", ".join(spans[:5]) + (f" and {len(spans) - 5} more" if len(spans) > 5 else "")
    detail = f"windows {above}: {shown}; " if spans else ""
    return {
        "verb": verb,
        "rest": rest,
        "sentence": f"{verb}: {rest}",
        "detail": detail + f"severity {rule.severity}",
    }
