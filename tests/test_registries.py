"""Every extension point is one registration: a section, an output format, an input format and a
compute engine registered here, from test code, are used end to end without touching the
package (see docs/architecture.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
import pytest
from rich.console import Console
from typer.testing import CliRunner

from driftcli import DriftConfig, Report, run_report, to_dict, write_outputs
from driftcli.cli import app
from driftcli.columns.plan import ColumnPlan
from driftcli.config import ConfigTable
from driftcli.engines.base import Moments, PreparedColumn, ReferenceCache
from driftcli.engines.memory import MemoryEngine
from driftcli.engines.registry import register_engine, unregister_engine
from driftcli.errors import ConfigError
from driftcli.inputs.formats import per_file
from driftcli.inputs.registry import Reader, ReadOptions, register_reader, unregister_reader
from driftcli.outputs.registry import Renderer, register_renderer, unregister_renderer
from driftcli.results.section import Finding, Section
from driftcli.results.vocabulary import Kind, Severity
from driftcli.sections.registry import (
    HtmlView,
    RunContext,
    SectionSpec,
    register_section,
    unregister_section,
)
from tests.conftest import make_frame

# ----------------------------------------------------------------------------- a section


@dataclass(frozen=True)
class BalanceConfig:
    """``[row_balance]``: the largest allowed ratio of current to reference rows."""

    max_ratio: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"max_ratio": self.max_ratio}


def _parse(value: object, source: str) -> BalanceConfig:
    if not isinstance(value, Mapping) or set(value) - {"max_ratio"}:
        raise ConfigError(f"{source}: row_balance takes max_ratio only")
    return BalanceConfig(float(value["max_ratio"]))


@dataclass(frozen=True)
class BalanceSection(Section):
    key: ClassVar[str] = "row_balance"
    title: ClassVar[str] = "Row balance"

    ratio: float
    max_ratio: float

    def findings(self) -> tuple[Finding, ...]:
        if self.ratio <= self.max_ratio:
            return ()
        return (Finding(Severity.FAIL, f"row ratio {self.ratio:.2f} above {self.max_ratio}"),)

    def to_dict(self) -> dict[str, Any]:
        return {"ratio": self.ratio, "max_ratio": self.max_ratio}


def _compute(ctx: RunContext) -> BalanceSection | None:
    config = ctx.config.table("row_balance")
    if config.max_ratio is None:
        return None
    return BalanceSection(ctx.current.height / ctx.reference.height, config.max_ratio)


def _print(section: BalanceSection, report: Report, console: Console) -> None:
    console.print(f"row balance: {section.ratio:.2f} (max {section.max_ratio})")


def _view(section: BalanceSection, report: Report, page: Any) -> dict[str, Any]:
    page.charts["balance"] = [section.ratio]
    return {"ratio": f"{section.ratio:.2f}"}


@pytest.fixture
def balance_section(tmp_path: Path) -> Iterator[None]:
    template = tmp_path / "balance.html.j2"
    template.write_text('<section id="balance"><h2>Row balance</h2>{{ view.ratio }}</section>\n')
    schema = tmp_path / "schema.json"
    ratio = {"type": "object", "required": ["ratio", "max_ratio"]}
    schema.write_text(json.dumps({"property": {"oneOf": [{"type": "null"}, ratio]}}))
    spec = SectionSpec(
        key="row_balance",
        title="Row balance",
        compute=_compute,
        config=ConfigTable("row_balance", BalanceConfig, _parse, "[row_balance] max_ratio"),
        terminal=_print,
        html=HtmlView(template, _view, anchor="balance", nav="Row balance"),
        schema=schema,
    )
    register_section(spec)
    try:
        yield
    finally:
        unregister_section("row_balance")


def test_a_section_registered_from_test_code_runs_in_every_output(
    tmp_path: Path, balance_section: None
) -> None:
    ref, cur = make_frame(400, 1), make_frame(900, 2)
    ref.write_parquet(tmp_path / "ref.parquet")
    cur.write_parquet(tmp_path / "cur.parquet")
    (tmp_path / "drift.toml").write_text("[row_balance]\nmax_ratio = 2.0\n")
    out_json, out_html = tmp_path / "s.json", tmp_path / "r.html"
    result = CliRunner().invoke(
        app,
        [
            "report",
            str(tmp_path / "ref.parquet"),
            str(tmp_path / "cur.parquet"),
            "-c",
            str(tmp_path / "drift.toml"),
            "--json",
            str(out_json),
            "--html",
            str(out_html),
        ],
    )
    # 900 / 400 = 2.25 > 2.0: the section's finding fails the run through the one verdict.
    assert result.exit_code == 1, result.output
    data = json.loads(out_json.read_text())
    assert data["row_balance"] == {"ratio": 2.25, "max_ratio": 2.0}
    assert data["config"]["row_balance"] == {"max_ratio": 2.0}
    assert "row ratio 2.25 above 2.0" in data["breaches"]
    assert "row balance: 2.25 (max 2.0)" in result.output
    page = out_html.read_text()
    assert '<section id="balance">' in page and '<a href="#balance">Row balance</a>' in page
    jsonschema = pytest.importorskip("jsonschema")
    from driftcli.outputs.json import report_schema

    jsonschema.validate(data, report_schema())


def test_a_registered_section_that_does_not_run_is_null(balance_section: None) -> None:
    report = run_report(make_frame(300, 1), make_frame(300, 2))
    assert report.section("row_balance") is None
    assert to_dict(report)["row_balance"] is None
    with pytest.raises(ConfigError, match="row_balance takes max_ratio only"):
        from driftcli.config import config_from_mapping

        config_from_mapping({"row_balance": {"nope": 1}})


# ------------------------------------------------------------------------ an output format


def test_an_output_format_registered_from_test_code_is_written_by_the_cli(
    tmp_path: Path,
) -> None:
    def columns_csv(report: Report) -> str:
        return "".join(f"{c.column},{c.status}\n" for c in report.columns)

    register_renderer(Renderer("columns-csv", "one line per column", columns_csv, ".csv"))
    try:
        make_frame(300, 1).write_parquet(tmp_path / "ref.parquet")
        make_frame(300, 2, shift=1.0).write_parquet(tmp_path / "cur.parquet")
        target = tmp_path / "columns.csv"
        result = CliRunner().invoke(
            app,
            [
                "report",
                str(tmp_path / "ref.parquet"),
                str(tmp_path / "cur.parquet"),
                "--output",
                f"columns-csv={target}",
                "--quiet",
            ],
        )
        assert result.exit_code in (0, 1), result.output
        lines = target.read_text().splitlines()
        assert "x,drift" in lines and any(line.startswith("channel,") for line in lines)
        # The library does the same without the CLI.
        report = run_report(tmp_path / "ref.parquet", tmp_path / "cur.parquet")
        again = tmp_path / "again.csv"
        write_outputs(report, {"columns-csv": again})
        assert again.read_text() == target.read_text()
    finally:
        unregister_renderer("columns-csv")


# ------------------------------------------------------------------------- an input format


def test_an_input_format_registered_from_test_code_reads_its_files(tmp_path: Path) -> None:
    def scan_tsv(file: str, options: ReadOptions) -> pl.LazyFrame:
        return pl.scan_csv(file, separator="\t")

    register_reader(Reader("tsv", (".tsv",), per_file(scan_tsv)))
    try:
        ref, cur = make_frame(300, 1), make_frame(300, 2, shift=1.0)
        ref.write_csv(tmp_path / "ref.tsv", separator="\t")
        cur.write_csv(tmp_path / "cur.tsv", separator="\t")
        report = run_report(tmp_path / "ref.tsv", tmp_path / "cur.tsv")
        assert {c.column: c.status.value for c in report.columns}["x"] == "drift"
        assert report.reference.rows == 300
        # Format names in config and messages come from the registry.
        assert DriftConfig(reference_format="TSV").reference_format == "tsv"
        with pytest.raises(ConfigError, match=r"valid formats: .*tsv"):
            DriftConfig(current_format="xlsx")
    finally:
        unregister_reader("tsv")


# -------------------------------------------------------------------------- a compute engine


class RecordingEngine(MemoryEngine):
    """The in-memory engine, remembering which columns it prepared."""

    name = "recording"
    prepared: ClassVar[list[str]] = []

    def prepare_column(
        self,
        plan: ColumnPlan,
        kind: Kind | None,
        ref: pl.Series,
        cur: pl.Series,
        bins: int,
        moments: tuple[Moments, Moments] | None,
        reference: ReferenceCache | None,
    ) -> PreparedColumn:
        RecordingEngine.prepared.append(plan.name)
        return super().prepare_column(plan, kind, ref, cur, bins, moments, reference)


def test_an_engine_registered_from_test_code_prepares_every_column() -> None:
    register_engine("recording", RecordingEngine)
    RecordingEngine.prepared.clear()
    try:
        ref, cur = make_frame(500, 1), make_frame(500, 2, shift=0.5)
        config = DriftConfig(segment_by=("region",))
        mine = to_dict(run_report(ref, cur, config, engine="recording"))
        default = to_dict(run_report(ref, cur, config))
        mine["generated_at"] = default["generated_at"]
        assert mine == default
        tested: Sequence[str] = [
            c["column"] for c in default["columns"] if c["status"] != "skipped"
        ]
        # once overall and once per segment (2 regions, the segment column left out)
        for name in tested:
            assert RecordingEngine.prepared.count(name) == (3 if name != "region" else 1)
    finally:
        unregister_engine("recording")
    valid = "valid engines: auto, polars, stream, spark"
    with pytest.raises(ConfigError, match=f"unknown engine 'recording'; {valid}"):
        run_report(make_frame(50, 1), make_frame(50, 2), engine="recording")


def test_the_help_texts_names_are_the_registered_formats() -> None:
    """``drift --help`` lists the formats from driftcli/builtin_names.py, without importing
    them: a format registered without its name there fails here."""
    from driftcli import builtin_names
    from driftcli.inputs.registry import format_names, readers
    from driftcli.outputs.registry import renderers

    assert tuple(r.name for r in readers()) == builtin_names.INPUT_FORMATS
    assert tuple(r.name for r in renderers()) == builtin_names.OUTPUT_FORMATS
    assert builtin_names.input_formats_text() == format_names()
