"""Tier policy: escalation after consecutive breached runs, the staleness SLA, and what fails
the fleet job. Pure functions of a run's outcome and its model's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from driftcli.exitcodes import ExitCode
from driftcli.fleet.config import TierPolicy


def breach_streak(breached: bool, earlier: Sequence[str]) -> int:
    """Consecutive breached runs ending with this one: 0 when this run did not breach, else
    1 plus the earlier runs' leading ``fail`` statuses (``earlier`` newest first). Runs that
    did not complete (``error``) neither extend nor break the streak."""
    if not breached:
        return 0
    n = 1
    for status in earlier:
        if status == "error":
            continue
        if status != "fail":
            break
        n += 1
    return n


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp (a date, or a naive time read as UTC) as an aware datetime."""
    if not text:
        return None
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Staleness:
    """The SLA's verdict: stale or not, which limit, and the data's age."""

    stale: bool
    reason: str | None
    data_age_seconds: float | None


def _words(seconds: float) -> str:
    if seconds >= 86_400:
        return f"{seconds / 86_400:.1f} days"
    return f"{seconds / 3_600:.1f} hours"


def staleness(
    policy: TierPolicy,
    as_of: datetime,
    data_end: str | None,
    last_success: str | None,
) -> Staleness:
    """Stale when the newest data is older than ``max_data_age``, or the last completed run
    is older than ``max_run_gap`` (or there is none)."""
    age = None
    newest = parse_time(data_end)
    if newest is not None:
        age = max(0.0, (as_of - newest).total_seconds())
    reasons = []
    if policy.max_data_age is not None and age is not None:
        limit = policy.max_data_age.total_seconds()
        if age > limit:
            reasons.append(
                f"newest data {_words(age)} old (tier {policy.name}: at most {_words(limit)})"
            )
    if policy.max_run_gap is not None:
        limit = policy.max_run_gap.total_seconds()
        done = parse_time(last_success)
        if done is None:
            reasons.append(f"no completed run (tier {policy.name})")
        elif (gap := (as_of - done).total_seconds()) > limit:
            reasons.append(
                f"last completed run {_words(gap)} ago (tier {policy.name}: at most "
                f"{_words(limit)})"
            )
    return Staleness(bool(reasons), "; ".join(reasons) or None, age)


@dataclass(frozen=True)
class Decision:
    """What the tier makes of a run."""

    escalated: bool
    severity: str | None
    fails_job: bool
    exit_code: int
    #: Why it fails the job: "drift", "escalated", "stale", "error" (empty: it does not).
    reasons: tuple[str, ...] = ()


def decide(policy: TierPolicy, status: str, streak: int, stale: bool) -> Decision:
    """Escalation, alert severity and the job's exit code for one model's run.

    A breach (``status == "fail"``) escalates once ``streak`` reaches ``escalate_after``
    (severity ``critical``; before that ``warning``). It fails the job when the tier lists
    ``drift``, or ``escalated`` and it has escalated; staleness fails it when the tier lists
    ``stale``. A run that did not complete is exit 2 whatever the tier: a model that tested
    nothing is never a pass.
    """
    if status == "error":
        return Decision(False, None, True, int(ExitCode.USAGE), ("error",))
    breached = status == "fail"
    escalated = breached and streak >= policy.escalate_after
    severity = ("critical" if escalated else "warning") if breached else None
    reasons = tuple(
        why
        for why, happened in (("drift", breached), ("escalated", escalated), ("stale", stale))
        if happened and why in policy.fail_job_on
    )
    code = int(ExitCode.BREACH) if reasons else 0
    return Decision(escalated, severity, bool(reasons), code, reasons)
