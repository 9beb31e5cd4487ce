"""Hand-built issue-6 sections (performance, windows, concept drift, online metrics).

Renderer tests attach these to a real Report with :func:`with_sections`, so every field of the
section dataclasses is exercised, including missing values and an HTML-hostile label, without
depending on the computation that produces them.
"""

from __future__ import annotations

import dataclasses

from driftcli.results.records import DatasetVerdict
from driftcli.results.report import Report
from driftcli.results.vocabulary import Outcome, SegmentStatus, Severity, Status
from driftcli.sections.concept_drift.result import (
    ChangePoint,
    ConceptScope,
    ConceptSection,
    DetectorReport,
    ErrorBin,
)
from driftcli.sections.online.result import LimitOutcome, OnlineSection, OnlineStats, OnlineWindow
from driftcli.sections.performance.metrics import (
    ConfusionMatrix,
    MetricDifference,
    PerformanceComparison,
    PerformanceResult,
)
from driftcli.sections.performance.result import PerformanceSection, RuleOutcome, ScopePerformance
from driftcli.sections.prediction_drift.result import PredictionDriftSection
from driftcli.sections.windows.result import (
    WindowColumn,
    WindowResult,
    WindowRuleOutcome,
    WindowSection,
)

#: A segment value that must come out escaped in HTML and intact in JSON.
HOSTILE = "<script>alert(1)</script>"


def _result(accuracy: float, f1: float | None, auc: float | None, n: int) -> PerformanceResult:
    return PerformanceResult(
        task="binary",
        n_rows=n + 3,
        n_used=n,
        n_missing_target=3,
        n_missing_prediction=0,
        metrics={
            "accuracy": accuracy,
            "precision": 0.61,
            "recall": 0.55,
            "f1": f1,
            "roc_auc": auc,
            "log_loss": 0.52,
        },
        positive_label=1,
        confusion=ConfusionMatrix(labels=(0, 1), counts=((600, 90), (120, 190))),
        notes={} if f1 is not None else {"f1": "no predicted positives"},
    )


def _comparison(ref_acc: float, cur_acc: float, n: int) -> PerformanceComparison:
    ref = _result(ref_acc, 0.58, 0.77, n)
    cur = _result(cur_acc, None if cur_acc < 0.6 else 0.5, 0.74, n // 2)
    diffs = {}
    for name, better in (
        ("accuracy", True),
        ("precision", True),
        ("recall", True),
        ("f1", True),
        ("roc_auc", True),
        ("log_loss", False),
    ):
        r, c = ref.metrics[name], cur.metrics[name]
        d = None if r is None or c is None else c - r
        diffs[name] = MetricDifference(
            metric=name,
            reference=r,
            current=c,
            difference=d,
            ci_low=None if d is None else d - 0.03,
            ci_high=None if d is None else d + 0.02,
            confidence=0.95,
            n_resamples=1000,
            n_valid=1000 if d is not None else 0,
            higher_is_better=better,
        )
    return PerformanceComparison(
        reference=ref,
        current=cur,
        differences=diffs,
        n_resamples=1000,
        confidence=0.95,
        seed=0,
        max_rows=20_000,
    )


def performance_section() -> PerformanceSection:
    """Overall, one degraded segment, one too-small segment, and every rule status."""
    south = ScopePerformance("region=south", {"region": "south"}, _comparison(0.77, 0.58, 900))
    tiny = ScopePerformance(
        f"region={HOSTILE}", {"region": HOSTILE}, None, "4 reference and 2 current rows"
    )
    rules = (
        RuleOutcome(
            "accuracy",
            "region=south",
            Severity.FAIL,
            Outcome.FAIL,
            0.05,
            "absolute",
            0.77,
            0.58,
            0.19,
            "accuracy dropped 0.19 (0.77 -> 0.58) in segment region=south; limit 0.05 (fail)",
        ),
        RuleOutcome(
            "roc_auc",
            "overall",
            Severity.WARN,
            Outcome.WARN,
            0.01,
            "absolute",
            0.77,
            0.74,
            0.03,
            "roc_auc dropped 0.03 (0.77 -> 0.74) overall; limit 0.01 (warn)",
        ),
        RuleOutcome(
            "log_loss",
            "overall",
            Severity.FAIL,
            Outcome.PASS,
            0.1,
            "relative",
            0.52,
            0.52,
            0.0,
            "log_loss rose 0% overall; limit 10% (fail)",
        ),
        RuleOutcome(
            "f1",
            f"region={HOSTILE}",
            Severity.FAIL,
            Outcome.NOT_EVALUATED,
            0.05,
            "absolute",
            None,
            None,
            None,
            f"f1 not evaluated in segment region={HOSTILE}: segment too small",
        ),
    )
    return PerformanceSection(
        task="binary",
        target="target",
        prediction="prediction",
        score="score",
        positive_label=1,
        overall=ScopePerformance("overall", None, _comparison(0.78, 0.74, 4000)),
        segments=(south, tiny),
        rules=rules,
    )


def window_section() -> WindowSection:
    """Four daily windows: two tested ones exceed the share, one too small, a rule outcome."""
    windows = []
    shares = (0.2, 0.5, 0.6, None)
    for i, share in enumerate(shares):
        day = f"2025-03-{i + 1:02d}"
        start, end = f"{day}T00:00:00", f"2025-03-{i + 2:02d}T00:00:00"
        if share is None:
            windows.append(WindowResult(i, day, start, end, 100 * i, 5, SegmentStatus.TOO_SMALL))
            continue
        cols = (
            WindowColumn(
                "income", Status.DRIFT if share > 0.3 else Status.OK, "psi", share, None, 0.1, 2.0
            ),
            WindowColumn("age", Status.OK, "ks", 0.05, 0.4 if i else None, 0.05, 0.3),
            WindowColumn(HOSTILE, Status.SKIPPED, None, None, None, None, None),
        )
        verdict = DatasetVerdict(2, round(share * 2), share, 0.5, share >= 0.5)
        windows.append(
            WindowResult(
                i,
                day,
                start,
                end,
                100 * i,
                100,
                SegmentStatus.TESTED,
                verdict,
                cols,
                {"accuracy": 0.8 - 0.1 * i, "roc_auc": None},
                exceeds=share > 0.3,
            )
        )
    return WindowSection(
        window="1d",
        by="time",
        time_column="event_time",
        rows_without_time=2,
        windows=tuple(windows),
        columns=("income", "age", HOSTILE),
        performance_reference={"accuracy": 0.78, "roc_auc": 0.77},
        rule_outcome=WindowRuleOutcome(
            Outcome.FAIL,
            2,
            ((1, 2),),
            "dataset drift share above 30% in 2 consecutive windows (2025-03-02 to 2025-03-03)",
        ),
    )


def concept_section() -> ConceptSection:
    """An overall scope with change points and warnings, and a scope too small to run."""
    overall = ConceptScope(
        scope="overall",
        segment=None,
        n_events=1000,
        n_excluded=3,
        mean_error=0.27,
        detectors=(
            DetectorReport(
                "adwin", {"delta": 0.002, "clock": 32}, (ChangePoint(512, "2025-03-15T01:00:00"),)
            ),
            DetectorReport(
                "ddm",
                {"warm_start": 30},
                (ChangePoint(530, "2025-03-15T04:00:00"),),
                (ChangePoint(500, "2025-03-14T22:00:00"),),
            ),
            DetectorReport("eddm", {"alpha": 0.95, "beta": 0.9}, (), ()),
            DetectorReport("page_hinkley", {"threshold": 50.0}, ()),
        ),
        series=(
            ErrorBin("2025-03-01T00:00:00", 0, 500, 0.2),
            ErrorBin("2025-03-15T00:00:00", 500, 500, 0.34),
        ),
    )
    tiny = ConceptScope(
        f"region={HOSTILE}", {"region": HOSTILE}, 10, 0, 0.1, reason="10 events; needs 30"
    )
    return ConceptSection("event_time", "misclassification", Severity.WARN, (overall, tiny))


def online_section() -> OnlineSection:
    """Reference and current stats, two windows, and limits in every status."""
    ref = OnlineStats(1000, 995, 80.0, 160.0, 240.0, 90.0, 5, 0.005, 0.4)
    cur = OnlineStats(900, 896, 95.0, 320.5, 610.0, 130.0, 45, 0.05, 0.37)
    windows = (
        OnlineWindow(
            0,
            "2025-03-01",
            "2025-03-01T00:00:00",
            "2025-03-02T00:00:00",
            OnlineStats(450, 448, 80.0, 150.0, 200.0, 85.0, 2, 2 / 450),
        ),
        OnlineWindow(
            1,
            "2025-03-02",
            "2025-03-02T00:00:00",
            "2025-03-03T00:00:00",
            OnlineStats(450, 448, 110.0, 400.0, 700.0, 170.0, 43, 43 / 450),
        ),
    )
    limits = (
        LimitOutcome(
            "latency_p95_max", "overall", 250.0, 320.5, 160.0, Outcome.FAIL,
            "latency p95 320.5 ms exceeds 250 ms (fail)",
        ),
        LimitOutcome(
            "error_rate_max", "overall", 0.1, 0.05, 0.005, Outcome.PASS,
            "error rate 5.0% within 10%",
        ),
        LimitOutcome(
            "throughput_min", "2025-03-02", 500.0, 450.0, None, Outcome.WARN,
            "throughput 450 rows in window 2025-03-02 is below 500 (warn)",
        ),
        LimitOutcome(
            "latency_p95_increase_max", "overall", 0.2, None, None, Outcome.NOT_EVALUATED,
            "latency p95 increase not evaluated: the reference has no latency column",
        ),
    )  # fmt: skip
    return OnlineSection(
        latency_column="latency_ms",
        latency_unit="ms",
        status_column="status",
        current=cur,
        reference=ref,
        windows=windows,
        window="1d",
        limits=limits,
    )


def with_sections(report: Report, roles: dict[str, str] | None = None) -> Report:
    """``report`` with every issue-6 section attached (roles name the model's columns)."""
    roles = roles if roles is not None else {}
    model = tuple(c for c in report.columns if c.column in roles)
    sections = {
        **report.sections,
        PredictionDriftSection.key: PredictionDriftSection(model) if roles else None,
        PerformanceSection.key: performance_section(),
        WindowSection.key: window_section(),
        ConceptSection.key: concept_section(),
        OnlineSection.key: online_section(),
    }
    return dataclasses.replace(report, roles=roles, sections=sections)
