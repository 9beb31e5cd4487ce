"""GitHub Actions publishing: the exact workflow commands of the README's sample, GitHub's
escaping, the 10-per-kind cap, a step summary that stays under GitHub's 1 MiB limit for a report
with thousands of columns, and step outputs read back as the runner reads them."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from markdown_it import MarkdownIt

from driftcli import DriftConfig, Report, load_config, run_report
from driftcli.outputs.github import (
    ANNOTATIONS_PER_KIND,
    SUMMARY_LIMIT,
    command,
    escape_data,
    escape_property,
    github_enabled,
    output_entry,
    publish,
    workflow_commands,
)
from driftcli.outputs.markdown import to_markdown
from driftcli.results.checks import report_checks
from driftcli.results.vocabulary import FailOn, Outcome

ROOT = Path(__file__).resolve().parents[1]
TOML = "sample_data/drift.toml"
PARSER = MarkdownIt("commonmark").enable("table")


def toml_line(predicate: str) -> int:
    """The 1-based line of the sample config that starts with ``predicate``."""
    lines = (ROOT / TOML).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(predicate))


def read_outputs(text: str) -> dict[str, str]:
    """A GITHUB_OUTPUT file as the runner reads it: ``name=value``, or ``name<<DELIMITER``,
    the value's lines, and the delimiter alone on a line."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            out[line[:equals]] = line[equals + 1 :]
            continue
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        end = lines.index(delimiter, i)
        out[name] = "\n".join(lines[i:end])
        i = end + 1
    return out


@pytest.fixture(scope="module")
def sample() -> Iterator[Report]:
    """The README quickstart, from the repository root: the config's origin is the relative
    path sample_data/drift.toml, as a workflow running in the checkout would give it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        yield run_report(
            "sample_data/reference.parquet", "sample_data/current.parquet", load_config(TOML)
        )


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def wide() -> Report:
    """A report with thousands of drifted columns with long names, every one a failure
    (fail_on = column): a seeded 240-column frame is compared for real, and its column
    results are repeated under 13 names each (running 3,000 columns end to end takes minutes)."""
    rng = np.random.default_rng(2024)
    n, k = 120, 240
    names = [f"feature_{i:04d}_" + "w" * 380 for i in range(k)]
    ref = pl.DataFrame({c: rng.normal(0.0, 1.0, n) for c in names})
    cur = pl.DataFrame({c: rng.normal(1.5, 1.0, n) for c in names})
    report = run_report(ref, cur, DriftConfig(fail_on=FailOn.COLUMN))
    columns = tuple(
        dataclasses.replace(c, column=f"{c.column}_{copy:02d}")
        for copy in range(13)
        for c in report.columns
    )
    return dataclasses.replace(report, columns=columns)


def test_github_enabled() -> None:
    assert github_enabled({"GITHUB_ACTIONS": "true"}, None)
    assert not github_enabled({"GITHUB_ACTIONS": "false"}, None)
    assert not github_enabled({}, None)
    assert github_enabled({}, True)
    assert not github_enabled({"GITHUB_ACTIONS": "true"}, False)


def test_escaping_follows_github() -> None:
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("t: a, b 50%\n") == "t%3A a%2C b 50%25%0A"
    assert escape_property("%3A") == "%253A"  # % first: an escape is never read twice
    assert (
        command("error", "x%\ny: 1, 2", {"file": "a,b:c.toml", "line": "3", "title": "t: 1"})
        == "::error file=a%2Cb%3Ac.toml,line=3,title=t%3A 1::x%25%0Ay: 1, 2"
    )
    assert command("notice", "plain") == "::notice::plain"


def test_the_samples_workflow_commands(sample: Report, at_root: None) -> None:
    rule, latency, concept = (
        toml_line("[[model.rules]]"),
        toml_line("latency_p95_max"),
        toml_line("[concept]"),
    )
    assert (rule, latency, concept) == (21, 56, 47)
    out = io.StringIO()
    publish(sample, env={}, stdout=out, report_path="drift-report.html")
    w = "(threshold 0.1)"
    assert out.getvalue().splitlines() == [
        "::error title=driftcli%3A region=south dataset drift::dataset drift: 7 of 12 columns "
        "drifted (58%25; dataset drift at 50%25)",
        f"::error file={TOML},line={rule},title=driftcli%3A performance accuracy drop "
        "(region=south)::accuracy dropped 0.144 (0.774 -> 0.631) in segment region=south; "
        "limit 0.05 (fail)",
        f"::error file={TOML},line={latency},title=driftcli%3A online latency_p95_max (overall)"
        "::latency p95 261.0 ms exceeds 240 ms (fail)",
        f"::warning file={TOML},line={concept},title=driftcli%3A concept drift overall::"
        "concept drift overall: adwin at row 2175 (2025-03-18T11:50:22), page_hinkley "
        "at row 1347 (2025-03-11T16:40:10)",
        f"::warning file={TOML},line={concept},title=driftcli%3A concept drift region=south::"
        "concept drift in segment region=south: adwin at row 639 (2025-03-21T13:39:22), "
        "page_hinkley at row 627 (2025-03-21T08:23:48)",
        "::warning title=driftcli%3A region=south latency_ms [wasserstein]::latency_ms drifted: "
        f"wasserstein=1.524 {w}",
        "::warning title=driftcli%3A region=south credit_score [wasserstein]::credit_score "
        f"drifted: wasserstein=0.9196 {w}",
        "::warning title=driftcli%3A region=south score [wasserstein]::score drifted: "
        f"wasserstein=0.8776 {w}",
        "::warning title=driftcli%3A region=south income [wasserstein]::income drifted: "
        f"wasserstein=0.7586 {w}",
        "::warning title=driftcli%3A region=south loan_amount [wasserstein]::loan_amount "
        f"drifted: wasserstein=0.7182 {w}",
        f"::warning title=driftcli%3A overall income [wasserstein]::income drifted: "
        f"wasserstein=0.5771 {w}",
        f"::warning title=driftcli%3A region=east income [wasserstein]::income drifted: "
        f"wasserstein=0.5627 {w}",
        f"::warning title=driftcli%3A region=west income [wasserstein]::income drifted: "
        f"wasserstein=0.5068 {w}",
        "::notice::17 more warnings in the report: drift-report.html",
    ]


def test_an_absolute_config_path_is_made_relative_to_the_workspace(sample: Report) -> None:
    config = sample.config.replace(origin=str(ROOT / TOML))  # type: ignore[attr-defined]
    report = dataclasses.replace(sample, config=config)
    lines = workflow_commands(report, {"GITHUB_WORKSPACE": str(ROOT)})
    assert lines[1].startswith(f"::error file={TOML},line={toml_line('[[model.rules]]')},")
    outside = workflow_commands(report, {"GITHUB_WORKSPACE": str(ROOT / "docs")})
    assert outside[1].startswith(f"::error file={escape_property(str(ROOT / TOML))},line=")


def test_at_most_ten_of_each_kind_then_a_notice(wide: Report) -> None:
    lines = workflow_commands(wide, {}, "r.html")
    errors = [x for x in lines if x.startswith("::error ")]
    warnings = [x for x in lines if x.startswith("::warning ")]
    assert len(errors) == ANNOTATIONS_PER_KIND
    assert all(c.drifted for c in wide.columns)
    failed = len(wide.columns)  # every column (under fail_on = column, dataset drift warns)
    warned = [c for c in report_checks(wide) if c.outcome is Outcome.WARN]
    assert any(c.name == "dataset drift" for c in warned)
    assert 0 < len(warnings) == min(len(warned), ANNOTATIONS_PER_KIND)
    more = f"{failed - ANNOTATIONS_PER_KIND} more errors"
    if len(warned) > ANNOTATIONS_PER_KIND:
        more += f" and {len(warned) - ANNOTATIONS_PER_KIND} more warnings"
    assert lines[-1] == f"::notice::{more} in the report: r.html"
    assert len(lines) == len(errors) + len(warnings) + 1
    # the strongest columns first
    strongest = sorted(enumerate(wide.columns), key=lambda x: (-(x[1].drift_score or 0), x[0]))
    for line, (_, c) in zip(errors, strongest, strict=False):
        assert line.startswith(f"::error title=driftcli%3A overall {c.column} [{c.test}]::")


def test_no_message_can_start_a_command_of_its_own() -> None:
    rng = np.random.default_rng(3)
    names = ["x\n::error::injected", "y\r\n::set-output name=a::b", "z%0A::warning::w"]
    ref = pl.DataFrame({c: rng.normal(0.0, 1.0, 300) for c in names})
    cur = pl.DataFrame({c: rng.normal(2.0, 1.0, 300) for c in names})
    report = run_report(ref, cur, DriftConfig(fail_on=FailOn.COLUMN))
    out = io.StringIO()
    publish(report, env={}, stdout=out)
    lines = out.getvalue().splitlines()
    checks = report_checks(report)
    assert len(lines) == sum(c.outcome in (Outcome.FAIL, Outcome.WARN) or c.error for c in checks)
    assert sum(x.startswith("::error title=") for x in lines) == 3  # the three columns
    assert all(x.startswith(("::error title=", "::warning title=")) for x in lines)
    assert "x%0A::error::injected drifted" in out.getvalue()
    assert "y%0D%0A::set-output name=a::b drifted" in out.getvalue()
    assert "z%250A::warning::w drifted" in out.getvalue()


def test_the_step_summary_is_the_markdown_appended(
    sample: Report, tmp_path: Path, at_root: None
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step output\n", encoding="utf-8")
    publish(sample, env={"GITHUB_STEP_SUMMARY": str(summary)}, stdout=io.StringIO())
    assert summary.read_text(encoding="utf-8") == "# earlier step output\n\n" + to_markdown(sample)


@pytest.mark.parametrize("earlier_kib", [0, 600])
def test_a_summary_of_thousands_of_columns_stays_under_1_mib(
    wide: Report, tmp_path: Path, earlier_kib: int
) -> None:
    assert len(wide.columns) >= 3000
    assert len(to_markdown(wide).encode("utf-8")) > SUMMARY_LIMIT  # it must be cut
    summary = tmp_path / "summary.md"
    earlier = ("x" * 1023 + "\n") * earlier_kib
    summary.write_text(earlier, encoding="utf-8")
    publish(
        wide,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
        stdout=io.StringIO(),
        report_path="drift-report.html",
    )
    data = summary.read_bytes()
    assert SUMMARY_LIMIT - 64 * 1024 < len(data) <= SUMMARY_LIMIT
    text = data.decode("utf-8")[len(earlier) :]
    assert text.endswith("KiB; the full report is in drift-report.html\n")
    tokens = PARSER.parse(text)
    rows = [t for t in tokens if t.type == "tr_open"]
    cells = [t for t in tokens if t.type in ("th_open", "td_open")]
    assert len(rows) > 100 and len(cells) == 5 * len(rows)


def test_step_outputs_read_back(sample: Report, tmp_path: Path) -> None:
    outputs = tmp_path / "output.txt"
    outputs.write_text("earlier=1\n", encoding="utf-8")
    env = {"GITHUB_OUTPUT": str(outputs)}
    publish(sample, env=env, stdout=io.StringIO(), report_path="drift-report.html")
    assert read_outputs(outputs.read_text(encoding="utf-8")) == {
        "earlier": "1",
        "status": "fail",
        "exit_code": "1",
        "drift_share": "0.384615",
        "drifted_columns": "income,latency_ms,channel,credit_score,loan_amount",
        "report": "drift-report.html",
    }
    assert "<<" not in outputs.read_text(encoding="utf-8")


def test_a_multi_line_output_uses_a_random_delimiter(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    names = ["two\nlines", "a<<b"]
    ref = pl.DataFrame({c: rng.normal(0.0, 1.0, 300) for c in names})
    cur = pl.DataFrame({c: rng.normal(2.0, 1.0, 300) for c in names})
    report = run_report(ref, cur, DriftConfig())
    outputs = tmp_path / "output.txt"
    publish(report, env={"GITHUB_OUTPUT": str(outputs)}, stdout=io.StringIO())
    text = outputs.read_text(encoding="utf-8")
    assert text.count("drifted_columns<<ghadelimiter_") == 1
    back = read_outputs(text)
    assert sorted(back["drifted_columns"].split(",")) == sorted(names)
    assert back["status"] == report.status.value and back["report"] == ""
    first, second = output_entry("v", "a\nb"), output_entry("v", "a\nb")
    assert first != second  # a fresh delimiter each time
    assert read_outputs(first) == {"v": "a\nb"}
