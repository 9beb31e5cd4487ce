"""The terminal summary: features-only drift verdict, then the model's sections, kept short."""

from __future__ import annotations

import dataclasses
import io
import re

import polars as pl
import pytest
from rich.console import Console

from driftcli import DriftConfig, Report, run_report
from driftcli.outputs.terminal import print_summary
from driftcli.sections.concept_drift.result import DetectorReport
from tests.section_fixtures import (
    HOSTILE,
    concept_section,
    performance_section,
    with_sections,
)

NEW_TITLES = (
    "Prediction and target drift",
    "Model performance",
    "Drift over time",
    "Concept drift",
    "Online metrics",
)


def render(
    report: Report, width: int = 100, *, verbose: bool = False, terminal: bool = False
) -> str:
    """The summary as the CLI prints it to a non-terminal stderr (no colour), or to a
    ``width``-column terminal (``terminal=True``, no colour codes either)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        highlight=False,
        force_terminal=terminal,
        color_system=None if terminal else "auto",
    )
    print_summary(report, console, verbose=verbose)
    return buffer.getvalue()


@pytest.fixture
def plain(frames: tuple[pl.DataFrame, pl.DataFrame]) -> Report:
    return run_report(frames[0], frames[1], DriftConfig(segment_by=("region",)))


@pytest.fixture
def full(plain: Report) -> Report:
    return with_sections(plain, roles={"y": "target", "x": "prediction"})


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def _cells(line: str) -> list[str]:
    """A table row's cells: tables separate columns by two spaces or more."""
    return re.split(r"\s{2,}", line.strip())


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
    text = render(full, width=200, verbose=True)
    drifted = _lines(text[text.index("Drifted columns") : text.index("Segments")])
    rows = [_cells(line)[0] for line in drifted[2:] if line]  # after the title and the header
    assert rows == ["channel"]  # x drifted too, but it is the model's prediction now
    model = _lines(text[text.index("Prediction and target drift") : text.index("Model perf")])
    cells = [_cells(line) for line in model[2:] if line]
    assert [(r[0], r[1], r[2], r[-1]) for r in cells] == [
        ("target", "y", "ks", "ok"),
        ("prediction", "x", "ks", "DRIFT"),
    ]
    short = render(full, width=200)  # the default: one line, with the evidence of the drift
    line = next(line for line in _lines(short) if line.startswith("Prediction and target"))
    assert line.startswith("Prediction and target drift: target y ok; prediction x DRIFT (ks ")


def test_sections_show_key_lines_failures_and_warnings(full: Report) -> None:
    text = render(full, width=200, verbose=True)
    lines = _lines(text)
    # performance: key metrics with difference and interval, segments, non-passing rules
    assert "Model performance (binary; target target, prediction prediction, score score)" in text
    acc = next(line for line in lines if line.startswith("  accuracy "))
    assert _cells(acc) == ["accuracy", "0.78", "0.74", "-0.04", "[-0.07, -0.02]"]
    assert "95% CI" in text
    south = next(line for line in lines if line.startswith("  region=south") and "->" in line)
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
    p95 = next(line for line in lines if line.startswith("  latency p95 (ms)"))
    assert _cells(p95)[1:] == ["160", "320.5"]
    rate = next(line for line in lines if line.startswith("  error rate"))
    assert _cells(rate)[1:] == ["0.50%", "5.00%"]
    assert "  limits    4 checked, 1 passed, 1 not evaluated" in lines
    assert "    FAIL latency p95 320.5 ms exceeds 250 ms (fail)" in lines
    assert "    WARN throughput 450 rows in window 2025-03-02 is below 500 (warn)" in lines
    assert "within 10%" not in text
    assert text.index("Model performance") < text.index("Drift over time")
    assert text.index("Concept drift") < text.index("Online metrics") < text.index("Not tested")


def test_summary_stays_short_and_fits_the_width(full: Report) -> None:
    for width in (80, 100):
        for verbose in (False, True):
            text = render(full, width=width, verbose=verbose, terminal=True)
            assert all(len(line) <= width for line in text.splitlines())
            assert len(text.splitlines()) < (110 if verbose else 60)
            assert "\x1b[" not in text
            assert all(line == line.rstrip() for line in text.splitlines())


def test_default_summary_shows_the_key_lines_of_each_section(full: Report) -> None:
    text = render(full, width=200)
    lines = _lines(text)
    assert "  overall   accuracy 0.78 -> 0.74 (-0.04), roc_auc 0.77 -> 0.74 (-0.03)" in lines
    assert any(line.startswith("  worst     region=south (of ") for line in lines)
    assert "  rules     4 checked, 1 passed, 1 failed, 1 warned, 1 not evaluated" in lines
    assert any(line.startswith("  rule      FAIL dataset drift share above 30%") for line in lines)
    assert any(line.startswith("  overall: first change at row 512") for line in lines)
    assert "  limits    4 checked, 1 passed, 1 failed, 1 warned, 1 not evaluated" in lines
    # details are in the verbose summary only; breaches and warnings are at the top anyway
    assert "log_loss" not in text and "most drifted columns" not in text
    assert "    FAIL latency p95" not in text
    assert len(lines) < len(_lines(render(full, width=200, verbose=True)))


def test_without_a_terminal_nothing_wraps_at_a_fixed_width(full: Report) -> None:
    narrow, wide = render(full, width=40), render(full, width=200)
    assert narrow == wide
    assert max(len(line) for line in narrow.splitlines()) > 40
    assert all(line == line.rstrip() for line in narrow.splitlines())
    soft = io.StringIO()  # a terminal console that soft-wraps prints the log layout too
    print_summary(full, Console(file=soft, width=40, force_terminal=True, color_system=None,
                                soft_wrap=True))  # fmt: skip
    assert soft.getvalue() == narrow


def test_long_lists_are_cut(full: Report) -> None:
    perf = performance_section()
    south = perf.segments[0]
    many = tuple(dataclasses.replace(south, scope=f"region=r{i}") for i in range(8))
    sections = {**full.sections, "performance": dataclasses.replace(perf, segments=many)}
    report = dataclasses.replace(full, sections=sections)
    text = render(report, width=200)  # the default: the worst segment, of how many
    assert sum(1 for line in text.splitlines() if "region=r" in line) == 1
    assert "  worst     region=r0 (of 8 segments): accuracy 0.77 -> 0.58 (-0.19)" in text
    text = render(report, width=200, verbose=True)
    assert sum(1 for line in text.splitlines() if line.startswith("  region=r")) == 8
    concept = concept_section()
    overall = concept.scopes[0]
    quiet = dataclasses.replace(overall, detectors=(DetectorReport("adwin", {}, ()),))
    scopes = (overall, *(dataclasses.replace(quiet, scope=f"region=q{i}") for i in range(6)))
    sections = {**full.sections, "concept_drift": dataclasses.replace(concept, scopes=scopes)}
    report = dataclasses.replace(full, sections=sections)
    text = render(report, width=200)
    assert "  +6 more scopes without a change point (--verbose)" in _lines(text)
    assert "region=q" not in text
    text = render(report, width=200, verbose=True)
    assert sum(1 for line in _lines(text) if line.startswith("  region=q")) == 6
    assert "(--verbose)" not in text


def test_model_column_not_tested_says_why(full: Report) -> None:
    report = with_sections(full, roles={"id": "score"})  # the model's columns follow the roles
    text = render(report, width=200)
    model = text[text.index("Prediction and target drift") :]
    assert "score" in model and "skipped: id-like" in model
    assert "Not tested:" not in text  # id is the model's column: shown with its role above
