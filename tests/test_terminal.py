"""The terminal summary: features-only drift verdict, then the model's sections, kept short."""

from __future__ import annotations

import dataclasses
import io

import polars as pl
import pytest
from rich.console import Console

from driftcli import DriftConfig, Report, run_report
from driftcli.outputs.terminal import print_summary
from tests.section_fixtures import HOSTILE, performance_section, with_sections

NEW_TITLES = (
    "Prediction and target drift",
    "Model performance",
    "Drift over time",
    "Concept drift",
    "Online metrics",
)


def render(report: Report, width: int = 100) -> str:
    """The summary as the CLI prints it to a non-terminal stderr (no colour)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False)
    print_summary(report, console)
    return buffer.getvalue()


@pytest.fixture
def plain(frames: tuple[pl.DataFrame, pl.DataFrame]) -> Report:
    return run_report(frames[0], frames[1], DriftConfig(segment_by=("region",)))


@pytest.fixture
def full(plain: Report) -> Report:
    return with_sections(plain, roles={"y": "target", "x": "prediction"})


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_plain_report_keeps_its_summary_with_features_wording(plain: Report) -> None:
    text = render(plain, width=200)
    lines = _lines(text)
    assert lines[0] == "drift report: FAIL (exit 1, fail-on dataset)"
    assert any(
        line.startswith("  dataset   2 of 5 tested features drifted (40%; dataset drift at 50%)")
        for line in lines
    )
    assert "Drifted columns" in text and "Segments" in text and "Not tested:" in text
    for title in NEW_TITLES:
        assert title not in text
    assert "\x1b[" not in text


def test_model_columns_leave_the_feature_summary(full: Report) -> None:
    text = render(full, width=200)
    drifted = text[text.index("Drifted columns") : text.index("Segments")]
    rows = [line.split("│")[0].strip() for line in _lines(drifted) if "│" in line]
    assert rows == ["channel"]  # x drifted too, but it is the model's prediction now
    model = text[text.index("Prediction and target drift") : text.index("Model performance")]
    cells = [[cell.strip() for cell in line.split("│")] for line in _lines(model) if "│" in line]
    assert [(r[0], r[1], r[2], r[-1]) for r in cells] == [
        ("target", "y", "ks", "ok"),
        ("prediction", "x", "ks", "DRIFT"),
    ]


def test_sections_show_key_lines_failures_and_warnings(full: Report) -> None:
    text = render(full, width=200)
    lines = _lines(text)
    # performance: key metrics with difference and interval, segments, non-passing rules
    assert "Model performance (binary; target target, prediction prediction, score score)" in text
    acc = next(line for line in lines if line.startswith("accuracy "))
    assert [c.strip() for c in acc.split("│")] == ["accuracy", "0.78", "0.74", "-0.04",
                                                   "[-0.07, -0.02]"]  # fmt: skip
    assert "95% CI" in text
    south = next(line for line in lines if line.startswith("region=south") and "->" in line)
    assert "0.77 -> 0.58 (-0.19)" in south and "0.77 -> 0.74 (-0.03)" in south
    assert f"region={HOSTILE}" in text and "not computed: 4 reference and 2 current rows" in text
    assert "  rules     4 checked, 1 passed" in lines
    assert "    FAIL accuracy dropped 0.19 (0.77 -> 0.58) in segment region=south; limit 0.05 " \
        "(fail)" in lines  # fmt: skip
    assert "    WARN roc_auc dropped 0.03 (0.77 -> 0.74) overall; limit 0.01 (warn)" in lines
    assert any(line.startswith("    NOT EVALUATED f1 not evaluated") for line in lines)
    assert "log_loss rose" not in text  # passing rules are only counted
    # drift over time
    assert "Drift over time (window 1d on event_time)" in text
    assert "  windows   4: 3 tested, 1 too small; 2 rows without a timestamp" in lines
    assert any("2 of 3 tested windows above" in line and "2025-03-02, 2025-03-03" in line
               for line in lines)  # fmt: skip
    assert "  rule      FAIL dataset drift share above 30% in 2 consecutive windows " \
        "(2025-03-02 to 2025-03-03)" in lines  # fmt: skip
    assert "  most drifted columns (windows): income (2 of 3)" in lines
    assert "  accuracy by window: worst 0.6 (2025-03-03), reference 0.78" in lines
    # concept drift: first change point per scope, warnings, scopes that did not run
    assert "  overall: first change at row 512 (2025-03-15T01:00:00) by adwin; 2/4 detectors " \
        "fired, 1 warning" in lines  # fmt: skip
    assert f"  region={HOSTILE}: not run: 10 events; needs 30" in lines
    # online metrics, current vs reference, breached limits only
    p95 = next(line for line in lines if line.startswith("latency p95 (ms)"))
    assert [c.strip() for c in p95.split("│")][1:] == ["160", "320.5"]
    rate = next(line for line in lines if line.startswith("error rate"))
    assert [c.strip() for c in rate.split("│")][1:] == ["0.50%", "5.00%"]
    assert "  limits    4 checked, 1 passed, 1 not evaluated" in lines
    assert "    FAIL latency p95 320.5 ms exceeds 250 ms (fail)" in lines
    assert "    WARN throughput 450 rows in window 2025-03-02 is below 500 (warn)" in lines
    assert "within 10%" not in text
    assert text.index("Model performance") < text.index("Drift over time")
    assert text.index("Concept drift") < text.index("Online metrics") < text.index("Not tested")


def test_summary_stays_short_and_fits_the_width(full: Report) -> None:
    for width in (80, 100):
        text = render(full, width=width)
        assert all(len(line) <= width for line in text.splitlines())
        assert len(text.splitlines()) < 110
        assert "\x1b[" not in text


def test_long_lists_are_cut(full: Report) -> None:
    perf = performance_section()
    south = perf.segments[0]
    many = tuple(dataclasses.replace(south, scope=f"region=r{i}") for i in range(8))
    sections = {**full.sections, "performance": dataclasses.replace(perf, segments=many)}
    report = dataclasses.replace(full, sections=sections)
    text = render(report, width=200)
    assert "+3 more segments" in text
    assert sum(1 for line in text.splitlines() if line.startswith("region=r")) == 5


def test_model_column_not_tested_says_why(full: Report) -> None:
    report = with_sections(full, roles={"id": "score"})  # the model's columns follow the roles
    text = render(report, width=200)
    model = text[text.index("Prediction and target drift") :]
    assert "score" in model and "skipped: id-like" in model
    assert "Not tested:" not in text  # id is the model's column: shown with its role above
