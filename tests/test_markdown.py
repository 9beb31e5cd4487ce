"""The Markdown summary, read back with a Markdown parser (markdown-it-py, CommonMark plus GFM
tables): verdict first, exact tables for the README's sample, hostile names that stay text,
and cuts that keep every table valid."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from driftcli import DriftConfig, Report, load_config, run_report
from driftcli.outputs.markdown import cut_note, escape, to_markdown
from driftcli.outputs.registry import get_renderer
from driftcli.outputs.text import fmt_time

ROOT = Path(__file__).resolve().parents[1]
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

HOSTILE = (
    "<img src=x onerror=alert(1)>",
    "a|b",
    "tick`name`",
    "*bold* _it_ [link](javascript:alert(1))",
    "two\nlines",
    "# heading",
)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


def _text(inline: Token) -> str:
    """What an inline token renders as, as plain text."""
    out = []
    for t in inline.children or []:
        if t.type in ("text", "code_inline", "html_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def parse(text: str) -> list[Token]:
    return PARSER.parse(text)


def all_tokens(tokens: Sequence[Token]) -> Iterator[Token]:
    for t in tokens:
        yield t
        yield from all_tokens(t.children or [])


def tables(tokens: Sequence[Token]) -> list[Table]:
    """Every table: header cells and body rows, as rendered text."""
    found: list[Table] = []
    row: list[str] = []
    in_head = False
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            found.append(Table([], []))
        elif t.type in ("thead_open", "thead_close"):
            in_head = t.type == "thead_open"
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            row.append(_text(tokens[i + 1]))
        elif t.type == "tr_close":
            if in_head:
                found[-1].header = row
            else:
                found[-1].rows.append(row)
    return found


def headings(tokens: Sequence[Token]) -> list[tuple[str, str]]:
    return [(t.tag, _text(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"]


def bullets_after(tokens: Sequence[Token], heading: str) -> list[str]:
    """The items of the list that follows the heading whose text starts with ``heading``."""
    start = next(
        i
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and _text(tokens[i + 1]).startswith(heading)
    )
    items: list[str] = []
    for t in tokens[start + 3 :]:
        if t.type in ("heading_open", "bullet_list_close"):
            break
        if t.type == "inline":
            items.append(_text(t))
    return items


@pytest.fixture(scope="module")
def sample() -> Iterator[Report]:
    """The README quickstart, run from the repository root as the README runs it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        yield run_report(
            "sample_data/reference.parquet",
            "sample_data/current.parquet",
            load_config("sample_data/drift.toml"),
        )


@pytest.fixture(scope="module")
def hostile() -> Report:
    """Drifted columns and segments named to break Markdown tables and inject HTML."""
    rng = np.random.default_rng(11)
    n = 400

    def frame(shift: float) -> pl.DataFrame:
        data: dict[str, object] = {name: rng.normal(shift, 1.0, n) for name in HOSTILE}
        data["seg"] = rng.choice(["<b>x</b>", "p|q", "`s`"], n)
        return pl.DataFrame(data)

    return run_report(frame(0.0), frame(2.0), DriftConfig(segment_by=("seg",)))


def test_the_verdict_comes_first(sample: Report) -> None:
    tokens = parse(to_markdown(sample))
    assert tokens[0].type == "heading_open" and tokens[0].tag == "h2"
    assert headings(tokens)[0] == ("h2", "❌ drift report: FAIL (exit code 1, fail-on dataset)")
    assert [h for _, h in headings(tokens)[1:]] == [
        "Breaches (3)",
        "Warnings (2)",
        "Sections",
        "Drifted columns (5 of 13 tested)",
        "Segments (4, worst first)",
    ]


def test_breaches_and_warnings_are_the_reports_own_words(sample: Report) -> None:
    tokens = parse(to_markdown(sample))
    assert bullets_after(tokens, "Breaches") == list(sample.breaches)
    # the report's words with whole-second timestamps (the JSON keeps the microseconds)
    assert bullets_after(tokens, "Warnings") == [fmt_time(w) for w in sample.warnings]
    assert "2025-03-18T11:50:22.298624" in sample.warnings[0]
    assert "(2025-03-18T11:50:22)" in bullets_after(tokens, "Warnings")[0]


def test_inputs_and_the_dataset_share(sample: Report) -> None:
    text = to_markdown(sample)
    tokens = parse(text)
    inline = [_text(t) for t in tokens if t.type == "inline"]
    assert inline[1] == (
        "reference: sample_data/reference.parquet: 4000 rows, 19 columns; "
        "event_time 2025-02-01T00:11:32 to 2025-02-28T22:56:34"
    )
    assert inline[2].startswith("current: sample_data/current.parquet: 3500 rows, 19 columns")
    assert inline[3].startswith("driftcli ")
    assert (
        "Dataset drift share: 38% (5 of 13 tested features drifted; dataset drift at 50%): "
        "no dataset drift."
    ) in inline  # the sample's tests are all distances: no "over 0 p-value tests"


def test_one_line_per_section(sample: Report) -> None:
    assert bullets_after(parse(to_markdown(sample)), "Sections") == [
        "✅ Prediction and target drift: pass",
        "❌ Model performance: fail (6 rules: 1 failed, 5 passed)",
        "✅ Drift over time: pass (1 rule: 1 passed)",
        "⚠️ Concept drift: warn (5 scopes: 2 warned, 3 passed)",
        "❌ Online metrics: fail (2 limits: 1 failed, 1 passed)",
        "✅ Data integrity: pass (88 checks: 88 passed)",
    ]


def test_the_sample_tables(sample: Report) -> None:
    columns, segments = tables(parse(to_markdown(sample)))
    # distance tests only: no p-value column, which would be empty
    assert columns.header == ["column", "test", "statistic", "threshold"]
    assert columns.rows == [
        ["income", "wasserstein", "0.5771", "0.1"],
        ["latency_ms", "wasserstein", "0.3336", "0.1"],
        ["channel", "jensenshannon", "0.237", "0.1"],
        ["credit_score", "wasserstein", "0.2076", "0.1"],
        ["loan_amount", "wasserstein", "0.171", "0.1"],
    ]
    assert [r[0] for r in columns.rows] == [c.column for c in sample.drifted_columns]
    assert segments.header == ["segment", "rows ref / cur", "drifted / tested", "verdict"]
    assert segments.rows == [
        ["region=south", "1032 / 877", "7 / 12", "❌ dataset drift"],
        ["region=east", "954 / 856", "2 / 12", "✅ no drift"],
        ["region=north", "985 / 894", "2 / 12", "✅ no drift"],
        ["region=west", "1029 / 873", "2 / 12", "✅ no drift"],
    ]


def test_p_values_are_shown_adjusted() -> None:
    rng = np.random.default_rng(5)
    ref = pl.DataFrame({f"x{i}": rng.normal(0, 1, 500) for i in range(4)})
    cur = pl.DataFrame({f"x{i}": rng.normal(0.1 * i, 1, 500) for i in range(4)})
    report = run_report(ref, cur, DriftConfig(test="ks"))
    assert len(report.drifted_columns) >= 2
    columns = tables(parse(to_markdown(report)))[0]
    for row, c in zip(columns.rows, report.drifted_columns, strict=True):
        assert c.pvalue_adjusted is not None and c.pvalue_adjusted != c.pvalue
        assert row == [c.column, "ks", f"{c.statistic:.4g}", f"{c.pvalue_adjusted:.4g}", "0.05"]


def test_hostile_names_stay_text(hostile: Report) -> None:
    text = to_markdown(hostile)
    tokens = parse(text)
    kinds = {t.type for t in all_tokens(tokens)}
    assert not kinds & {"html_inline", "html_block", "link_open", "image", "em_open"}
    assert "<img" not in PARSER.render(text)
    columns, segments = tables(tokens)
    assert all(len(r) == 5 for r in columns.rows)
    assert sorted(r[0] for r in columns.rows) == sorted(n.replace("\n", " ") for n in HOSTILE)
    assert all(len(r) == 4 for r in segments.rows)
    assert sorted(r[0] for r in segments.rows) == ["seg=<b>x</b>", "seg=`s`", "seg=p|q"]
    # only the document's own headings: a column called "# heading" is not one
    assert [h for _, h in headings(tokens)][1:] == [
        "Breaches (4)",
        "Warnings (1)",
        "Sections",
        "Drifted columns (6 of 7 tested)",
        "Segments (3, worst first)",
    ]
    assert bullets_after(tokens, "Breaches") == list(hostile.breaches)
    assert bullets_after(tokens, "Warnings") == [w.replace("\n", " ") for w in hostile.warnings]


def test_escape() -> None:
    assert escape("a|b") == "a\\|b"
    assert escape("<x> `y` *z* _w_ [v] ~u~ $t$ &amp; #") == (
        "\\<x\\> \\`y\\` \\*z\\* \\_w\\_ \\[v\\] \\~u\\~ \\$t\\$ \\&amp; \\#"
    )
    assert escape("one\r\ntwo\tthree") == "one two three"
    assert escape("1. not a list", line_start=True) == "1\\. not a list"
    assert escape("- not a list", line_start=True) == "\\- not a list"
    assert escape("v1.2") == "v1.2"
    for raw in HOSTILE:
        tokens = parse(f"- {escape(raw, line_start=True)}\n")
        assert [t.type for t in tokens][:3] == [
            "bullet_list_open",
            "list_item_open",
            "paragraph_open",
        ]
        assert _text(tokens[3]) == raw.replace("\n", " ")


def test_the_renderer_is_registered(sample: Report) -> None:
    renderer = get_renderer("markdown")
    assert renderer.suffix == ".md"
    assert renderer.render(sample) == to_markdown(sample) == to_markdown(sample)


def _check_cut(full: str, cut: str, max_bytes: int, note: str) -> None:
    assert len(cut.encode("utf-8")) <= max_bytes
    assert cut.endswith(note + "\n")
    kept = cut[: -len(note) - 1].rstrip("\n")
    assert full.startswith(kept), "a cut keeps whole lines of the full text"
    assert full[len(kept)] == "\n", "a cut ends at a line boundary"
    tokens = parse(cut)
    full_tables = tables(parse(full))
    for t in tables(tokens):
        assert t.rows, "a table is never cut to its header"
        match = next(f for f in full_tables if f.header == t.header)
        assert t.rows == match.rows[: len(t.rows)]
    inline = [_text(t) for t in tokens if t.type == "inline"]
    assert inline[-1] == note.replace("\\", "")


def test_a_cut_keeps_valid_tables_and_adds_the_note(sample: Report) -> None:
    full = to_markdown(sample)
    size = len(full.encode("utf-8"))
    assert to_markdown(sample, max_bytes=size) == full
    for max_bytes in range(600, size, 23):
        cut = to_markdown(sample, max_bytes=max_bytes, artifact="out/drift_report.html")
        _check_cut(full, cut, max_bytes, cut_note(max_bytes, "out/drift_report.html"))
    cut = to_markdown(sample, max_bytes=size - 1, artifact="out/drift_report.html")
    note = f"... cut at {(size - 1) / 1024:.4g} KiB; the full report is in out/drift\\_report.html"
    assert cut.endswith(f"|\n\n{note}\n")
    kept, whole = tables(parse(cut))[1].rows, tables(parse(full))[1].rows
    assert 0 < len(kept) < len(whole)


def test_a_cut_without_an_artifact_names_the_html_report(sample: Report) -> None:
    cut = to_markdown(sample, max_bytes=1000)
    assert cut.endswith("the full report is in the HTML report (drift report --html PATH)\n")


def test_a_cut_of_hostile_tables_stays_valid(hostile: Report) -> None:
    full = to_markdown(hostile)
    for max_bytes in range(500, len(full.encode("utf-8")), 11):
        cut = to_markdown(hostile, max_bytes=max_bytes, artifact="<r>|.html")
        _check_cut(full, cut, max_bytes, cut_note(max_bytes, "<r>|.html"))
        kinds = {t.type for t in all_tokens(parse(cut))}
        assert not kinds & {"html_inline", "html_block", "link_open"}
