"""Run history: this run beside the model's stored runs, and the rules across runs.

The stored runs come with the config (:func:`driftcli.history.attach` loads them before the
run), ordered as they were recorded; this run is the last of the sequence.

- **Consecutive** means consecutive *stored runs of the model*, in the order they were
  recorded, whatever the calendar says: a missed day neither breaks nor fills a streak.
  With ``max_gap`` set, a gap longer than it between two runs (measured on the data's end
  time when both runs have a time column, else on when they started) breaks every streak
  and window: only the runs after the last such gap count.
- ``drift_share_above = X, runs = N``: the dataset drift share (whole data, model columns
  left out) was above X in this run and the N-1 runs before it.
- ``column = C, drifted_in = K, of_last = N``: C drifted (whole data) in at least K of the
  last N runs, this one included; a run that did not test C counts as not drifted.
- ``metric = M, below = L, runs = N`` (or ``above``): the current data's M was below (above)
  L in this run and the N-1 before it; a run without the metric breaks the streak, and
  without it on this run the rule is not evaluated.

A rule with fewer runs than it needs passes, saying how many it has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from driftcli.results.records import DatasetVerdict
from driftcli.results.vocabulary import Outcome
from driftcli.sections.history.config import (
    HistoryConfig,
    HistoryRule,
    PastColumn,
    PastRun,
    mask_url,
)
from driftcli.sections.history.result import (
    ColumnTrend,
    HistoryRuleOutcome,
    HistorySection,
    TrendPoint,
)
from driftcli.sections.performance.result import PerformanceSection
from driftcli.sections.registry import RunContext


@dataclass(frozen=True)
class _Point:
    """A run in the sequence the rules read: a stored one (id) or this one (id None)."""

    id: int | None
    at: str
    data_end: str | None
    drift_share: float | None
    dataset_drifted: bool | None
    columns: dict[str, PastColumn]
    metrics: dict[str, float | None]


def _utc(text: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc)


def _gap(a: _Point, b: _Point) -> timedelta | None:
    """Time between two consecutive runs: data end to data end, else start to start."""
    if a.data_end is not None and b.data_end is not None:
        ta, tb = _utc(a.data_end), _utc(b.data_end)
    else:
        ta, tb = _utc(a.at), _utc(b.at)
    return None if ta is None or tb is None else tb - ta


def _after_gap(seq: list[_Point], max_gap: timedelta | None) -> list[_Point]:
    """The runs after the last gap longer than ``max_gap`` (all of them without one)."""
    if max_gap is None:
        return seq
    start = 0
    for i in range(1, len(seq)):
        gap = _gap(seq[i - 1], seq[i])
        if gap is not None and gap > max_gap:
            start = i
    return seq[start:]


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _label(p: _Point) -> str:
    return "this run" if p.id is None else f"run {p.id}"


def _streak(seq: list[_Point], hit: list[bool]) -> list[_Point]:
    """The trailing runs of ``seq`` for which ``hit`` is true."""
    n = 0
    for h in reversed(hit):
        if not h:
            break
        n += 1
    return seq[len(seq) - n :]


def evaluate(rule: HistoryRule, index: int, seq: list[_Point], gap_note: str) -> HistoryRuleOutcome:
    """One rule on the run sequence (oldest first, this run last)."""
    fail = Outcome(rule.severity.value)
    this = seq[-1]
    if rule.kind == "drift_share":
        limit, need = rule.drift_share_above or 0.0, rule.runs or 1
        flags = [p.drift_share is not None and p.drift_share > limit for p in seq]
        shares = ", ".join(f"{_label(p)} {_pct(p.drift_share)}" for p in reversed(seq[-need:]))
        what = f"dataset drift share above {limit:.0%}"
        return _streak_outcome(index, rule, fail, seq, flags, need, what, shares, gap_note)
    if rule.kind == "column":
        name, k, n = rule.column or "", rule.drifted_in or 1, rule.of_last or 1
        window = seq[-n:]
        hits = [p for p in window if (c := p.columns.get(name)) is not None and c.drifted]
        text = f"column {name} drifted in {len(hits)} of the last {len(window)} runs"
        if len(hits) >= k:
            return HistoryRuleOutcome(
                index, rule, fail, f"{text} (limit: {k} of {n})", tuple(p.id for p in hits)
            )
        return HistoryRuleOutcome(
            index, rule, Outcome.PASS, f"{text}; fails at {k} of {n}{gap_note}"
        )
    metric, need = rule.metric or "", rule.runs or 1
    side = "below" if rule.below is not None else "above"
    level = rule.below if rule.below is not None else rule.above
    assert level is not None
    if this.metrics.get(metric) is None:
        return HistoryRuleOutcome(
            index,
            rule,
            Outcome.NOT_EVALUATED,
            f"{metric} was not computed on this run (needs [model] with a target and prediction)",
        )

    def bad(p: _Point) -> bool:
        v = p.metrics.get(metric)
        return v is not None and (v < level if side == "below" else v > level)

    values = ", ".join(
        f"{_label(p)} {'-' if p.metrics.get(metric) is None else f'{p.metrics[metric]:.4g}'}"
        for p in reversed(seq[-need:])
    )
    what = f"{metric} {side} {level:g}"
    return _streak_outcome(
        index, rule, fail, seq, [bad(p) for p in seq], need, what, values, gap_note
    )


def _streak_outcome(
    index: int,
    rule: HistoryRule,
    fail: Outcome,
    seq: list[_Point],
    flags: list[bool],
    need: int,
    what: str,
    values: str,
    gap_note: str,
) -> HistoryRuleOutcome:
    """A consecutive-runs rule: ``fail`` when the runs ending with this one where ``flags``
    holds number ``need`` or more, else a pass saying how long the streak is."""
    streak = _streak(seq, flags)
    if len(streak) >= need:
        return HistoryRuleOutcome(
            index,
            rule,
            fail,
            f"{what} in {need} consecutive runs ({values})",
            tuple(p.id for p in streak[-need:]),
        )
    runs = "run" if len(streak) == 1 else "runs"
    message = f"{what} in {len(streak)} consecutive {runs} of the {need} that fail ({values})"
    return HistoryRuleOutcome(index, rule, Outcome.PASS, message + gap_note)


def _column_trends(trend: Sequence[_Point], limit: int = 50) -> tuple[ColumnTrend, ...]:
    """Columns drifted in any trend run, newly drifted first, then still, then recovered."""
    this = trend[-1]
    prev = trend[-2] if len(trend) > 1 else None
    names = [n for p in trend for n, c in p.columns.items() if c.drifted]
    out = []
    for name in dict.fromkeys(names):
        now = this.columns.get(name)
        before = prev.columns.get(name) if prev is not None else None
        was = before is not None and before.drifted
        is_ = now is not None and now.drifted
        state = ""
        if prev is not None:
            state = "still" if is_ and was else "new" if is_ else "recovered" if was else ""
        elif is_:
            state = "new"
        out.append(
            ColumnTrend(
                name,
                state,
                tuple(None if (c := p.columns.get(name)) is None else c.drifted for p in trend),
                tuple(None if (c := p.columns.get(name)) is None else c.drift_score for p in trend),
            )
        )
    order = {"new": 0, "still": 1, "recovered": 2, "": 3}
    out.sort(key=lambda c: (order[c.state], -sum(1 for d in c.drifted if d), c.column))
    return tuple(out[:limit])


def _data_range(ctx: RunContext) -> tuple[str | None, str | None]:
    """The current data's first and last timestamp (ISO text), when it has a time column."""
    tc = ctx.config.time_column
    if tc is None or tc not in ctx.current.columns:
        return None, None
    values = ctx.timed_current[tc].drop_nulls()
    if values.is_empty():
        return None, None
    return _iso(values[0]), _iso(values[-1])


def _iso(value: object) -> str:
    """A timestamp as ISO text to the second (a date as is)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat() if isinstance(value, date) else str(value)


def _past_point(r: PastRun) -> _Point:
    return _Point(
        r.id,
        r.data_end or r.started_at,
        r.data_end,
        r.drift_share,
        r.dataset_drifted,
        dict(r.columns),
        dict(r.metrics),
    )


def compute(ctx: RunContext) -> HistorySection | None:
    """The history section, when a store is configured (``--history`` or ``[history]``)."""
    cfg = ctx.config.section(HistoryConfig)
    if cfg.url is None:
        return None
    dataset = DatasetVerdict.from_columns(ctx.columns, ctx.config.drift_share, ignore=ctx.roles)
    perf = ctx.computed.get("performance")
    metrics: dict[str, float | None] = {}
    if isinstance(perf, PerformanceSection) and perf.overall.comparison is not None:
        metrics = dict(perf.overall.comparison.current.metrics)
    data_start, data_end = _data_range(ctx)
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    this = _Point(
        None,
        data_end or now,
        data_end,
        dataset.drift_share if dataset.columns_tested else None,
        dataset.drifted,
        {
            c.column: PastColumn(c.drifted, c.statistic, c.pvalue, c.drift_score)
            for c in ctx.columns
            if c.tested and c.column not in ctx.roles
        },
        metrics,
    )
    past = [_past_point(r) for r in (cfg.past or ()) if r.id != cfg.replaces]
    full = [*past, this]
    seq = _after_gap(full, cfg.gap)
    gap_note = (
        f"; the streak starts after a gap of more than {cfg.max_gap}"
        if len(seq) < len(full)
        else ""
    )
    model = cfg.model or "default"
    store = mask_url(cfg.url)
    why = cfg.unavailable
    if why is None and cfg.past is None:
        why = "the stored runs were not loaded (call driftcli.history.attach before run_report)"
    if why is not None:
        rules = tuple(
            HistoryRuleOutcome(i, r, Outcome.NOT_EVALUATED, f"not evaluated: {why}")
            for i, r in enumerate(cfg.rules)
        )
    else:
        rules = tuple(evaluate(r, i, seq, gap_note) for i, r in enumerate(cfg.rules))
    trend = [*past[-cfg.trend_runs :], this]
    return HistorySection(
        store=store,
        model=model,
        data_start=data_start,
        data_end=data_end,
        previous_runs=len(past),
        trend=tuple(TrendPoint(p.id, p.at, p.drift_share, p.dataset_drifted) for p in trend),
        columns=_column_trends(trend),
        rules=rules,
        unavailable=cfg.unavailable,
        replaces=cfg.replaces,
    )
