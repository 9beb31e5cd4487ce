"""The HTML report: self-contained, small, escaped, one row per column, data blob intact."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import plotly.offline
import polars as pl
import pytest

from driftcli.config import DriftConfig, load_config
from driftcli.outputs.html import _asset, _correction_view, template_dir, to_html
from driftcli.outputs.htmlkit import (
    STATUS_ICONS,
    fmt_num,
    fmt_pvalue,
    fmt_share,
    fmt_time,
    path_html,
    sparkline,
)
from driftcli.results.records import sorted_columns
from driftcli.results.report import Report
from driftcli.results.vocabulary import FailOn, SegmentStatus, Status
from driftcli.run import run_report
from tests.conftest import SAMPLE_CUR, SAMPLE_REF
from tests.section_fixtures import HOSTILE, with_sections

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"

HOSTILE_COLUMN = "<img src=x onerror=alert(1)>"
HOSTILE_VALUE = "</script><script>alert(1)</script>"

BLOB_RE = re.compile(r'<script type="application/json" id="drift-data">(.*?)</script>', re.S)


def _section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}">')
    return html[start : html.index("</section>\n", start)]


def _outside_plotly(html: str) -> str:
    """The page without the inlined plotly.js bundle (which has its own URLs and HTML)."""
    js = plotly.offline.get_plotlyjs()
    assert html.count(js) == 1
    return html.replace(js, "")


def _blob(html: str) -> tuple[str, dict[str, Any]]:
    blobs = BLOB_RE.findall(html)
    assert len(blobs) == 1
    data = json.loads(blobs[0])
    assert isinstance(data, dict)
    return blobs[0], data


@pytest.fixture(scope="module")
def sample_html(sample_report: Report) -> str:
    return to_html(sample_report)


def _hostile_frame(n: int, shift: float, seed: int) -> pl.DataFrame:
    rnd = random.Random(seed)
    cats = [HOSTILE_VALUE, "a&b", "line\u2028sep\u2029end", "<b>bold</b>"]
    return pl.DataFrame(
        {
            HOSTILE_COLUMN: [rnd.gauss(shift, 1.0) for _ in range(n)],
            "cat": [rnd.choice(cats) for _ in range(n)],
            "seg": [rnd.choice([HOSTILE_VALUE, "plain"]) for _ in range(n)],
        }
    )


@pytest.fixture(scope="module")
def hostile_report() -> Report:
    return run_report(
        _hostile_frame(300, 0.0, 1),
        _hostile_frame(300, 1.0, 2),
        DriftConfig(segment_by=("seg",)),
    )


@pytest.fixture(scope="module")
def hostile_html(hostile_report: Report) -> str:
    return to_html(hostile_report)


# --------------------------------------------------------------------------- self-contained


def test_plotly_js_inlined_exactly_once(sample_html: str) -> None:
    js = plotly.offline.get_plotlyjs()
    header = js[:120]  # "/**\n* plotly.js vX.Y.Z\n* Copyright ..." banner
    assert "plotly.js v" in header
    assert sample_html.count(header) == 1
    assert sample_html.count(js) == 1


def test_no_external_resources(sample_html: str) -> None:
    assert not re.search(r"<script[^>]*\bsrc\s*=", sample_html, re.I)
    assert not re.search(r"<link\b[^>]*href\s*=\s*[\"']?(https?:)?//", sample_html, re.I)
    page = _outside_plotly(sample_html)
    assert "<link" not in page
    # the SVG namespace name (for createElementNS) is an identifier, never fetched
    urls = re.findall(r"https?://[^\s\"'<>]*", page)
    assert set(urls) <= {"http://www.w3.org/2000/svg"}, urls
    assert "cdn" not in page.lower()


def test_sample_page_under_6mb(sample_html: str) -> None:
    size = len(sample_html.encode("utf-8"))
    assert size < 6_000_000, size


def test_script_elements_are_only_ours(sample_html: str, hostile_html: str) -> None:
    for html in (sample_html, hostile_html):
        # data blob, plotly.js, page script: nothing a value could have added or closed
        assert len(re.findall(r"<script\b", html, re.I)) == 3
        assert len(re.findall(r"</script", html, re.I)) == 3


def test_page_script_never_uses_innerhtml(sample_html: str) -> None:
    page = _outside_plotly(sample_html)
    assert "innerHTML" not in page
    assert "outerHTML" not in page
    assert "insertAdjacentHTML" not in page
    assert "document.write" not in page


# --------------------------------------------------------------------------- content


def test_header_verdict_counts_inputs_config(sample_report: Report, sample_html: str) -> None:
    assert sample_report.status == "fail"
    verdict = re.search(r'<section class="verdict (\w+)"', sample_html)
    assert verdict is not None and verdict.group(1) == "fail"
    assert "FAIL" in sample_html
    for breach in sample_report.breaches:
        assert breach.replace(">", "&gt;") in sample_html
    assert f"Exit code {int(sample_report.exit_code)} (BREACH)" in sample_html
    tested = sum(1 for c in sample_report.columns if c.tested)
    assert f'<div class="n">{tested}</div><div class="l">columns tested</div>' in sample_html
    share = fmt_share(sample_report.dataset.drift_share)
    assert share in sample_html and "threshold 50%" in sample_html
    for side in (sample_report.reference, sample_report.current):
        # a path breaks after its separators: <wbr> after every / and \
        assert side.source.replace("/", "/<wbr>") in sample_html
        assert f"{side.rows:,}" in sample_html
    assert sample_report.driftcli_version in sample_html
    stamp = sample_report.generated_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    assert stamp in sample_html  # the same UTC form as the JSON summary
    for key in sample_report.config.to_dict():
        assert f'<th scope="row">{key}</th>' in sample_html
    assert "prefers-color-scheme: dark" in sample_html
    assert "@media print" in sample_html


def test_passing_report_says_pass() -> None:
    df = pl.DataFrame({"x": [float(i % 17) for i in range(200)]})
    html = to_html(run_report(df, df, DriftConfig()))
    assert '<section class="verdict pass"' in html
    assert "PASS" in html and "Exit code 0 (OK)" in html
    assert "No segments" in html


def test_one_drift_table_row_per_column_drifted_first(
    sample_report: Report, sample_html: str
) -> None:
    table = _section(sample_html, "drift")
    rows = re.findall(r'<details class="row"', table)
    assert len(rows) == len(sample_report.columns)
    names = re.findall(r'<span class="wrap" data-k="column"><strong>(.*?)</strong></span>', table)
    assert names == [c.column for c in sorted_columns(sample_report.columns)]
    statuses = re.findall(r'<span class="st st-(\w+)">', table)
    assert statuses == [str(c.status) for c in sorted_columns(sample_report.columns)]
    # status is text plus an icon, never colour alone
    assert '<span aria-hidden="true">\u2716</span> drift</span>' in table


def test_distance_tests_leave_pvalue_blank(sample_html: str) -> None:
    table = _section(sample_html, "drift")
    first = table[table.index('<details class="row"') :]
    first = first[: first.index("</summary>")]
    assert "wasserstein" in first
    assert '<span class="num" data-k="pvalue"></span>' in first


def test_pvalue_tests_show_pvalue(hostile_report: Report, hostile_html: str) -> None:
    ks = next(c for c in hostile_report.columns if c.test == "ks")
    assert ks.pvalue is not None
    assert f'data-k="pvalue">{fmt_pvalue(ks.pvalue)}<' in hostile_html
    adjusted = getattr(ks, "pvalue_adjusted", None)
    if adjusted is not None:  # shown under the raw p-value when a correction applied
        assert f'<span class="adj" title="adjusted p-value">adj {fmt_pvalue(adjusted)}</span>' in (
            hostile_html
        )


def test_segments_section(sample_report: Report, sample_html: str) -> None:
    section = _section(sample_html, "segments")
    assert section.count('<details class="segment" id="seg') == len(sample_report.segments)
    assert not re.search(r'<details class="segment"[^>]* open', section)  # collapsed by default
    for seg in sample_report.segments:
        assert seg.label in section
    # segment rows are built by the page script from the blob when a segment is opened
    assert '<details class="row"' not in section
    _, data = _blob(sample_html)
    tables = data["tables"]
    assert isinstance(tables, dict)
    for i, seg in enumerate(sample_report.segments):
        assert f'<div class="rows" data-lazy="seg{i}">' in section
        assert tables[f"seg{i}"] == [f"s{i}c{j}" for j in range(len(seg.columns))]
        for j, col in enumerate(sorted_columns(seg.columns)):
            head = data["rows"][f"s{i}c{j}"]["h"]
            assert head[:3] == [str(col.status), STATUS_ICONS[col.status], col.column]
            assert head[11] == (col.reason or "")


def test_untested_segments_show_status_and_reason() -> None:
    ref = _hostile_frame(60, 0.0, 3)
    report = run_report(ref, ref, DriftConfig(segment_by=("seg",), min_segment_rows=1000))
    assert all(s.status is SegmentStatus.TOO_SMALL for s in report.segments)
    html = to_html(report)
    section = _section(html, "segments")
    assert section.count("status: too small") == len(report.segments)
    for seg in report.segments:
        assert seg.reason
        assert seg.reason.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in section


# --------------------------------------------------------------------------- data blob


def test_json_blob_holds_the_distributions(sample_report: Report, sample_html: str) -> None:
    _, data = _blob(sample_html)
    rows = data["rows"]
    assert isinstance(rows, dict)
    for i, col in enumerate(sorted_columns(sample_report.columns)):
        assert f'<details class="row" id="c{i}"' in sample_html
        entry = rows[f"c{i}"]
        dist = col.distribution
        if dist is None:
            assert "d" not in entry
            continue
        d = entry["d"]
        assert d["t"] == dist.type
        assert d["r"] == list(dist.reference)
        assert d["c"] == list(dist.current)
        if dist.type == "histogram":
            edges = d["e"]
            if len(edges) == 2:  # equal-width bins travel as their two ends
                n = len(dist.reference)
                edges = [edges[0] + (edges[1] - edges[0]) * k / n for k in range(n + 1)]
            assert edges == pytest.approx(list(dist.edges), rel=1e-6)
            assert "l" not in d  # labels are rebuilt from the edges in the page
        else:
            assert d["l"] == list(dist.labels)
        # summary statistics and test details travel with the row, formatted
        assert data["summary_labels"][entry["s"][0][0]] == "rows"
        assert entry["s"][0][1:] == [f"{col.reference.count:,}", f"{col.current.count:,}"]  # type: ignore[union-attr]
        details = dict(entry["x"])
        assert details["kind"] == f"{col.kind} ({col.kind_source})"
        if col.test_type:
            assert details["test type"] == col.test_type
        assert entry["v"][0] == pytest.approx(col.statistic)
    for s, seg in enumerate(sample_report.segments):
        for i, col in enumerate(sorted_columns(seg.columns)):
            if col.distribution is not None:
                assert rows[f"s{s}c{i}"]["d"]["c"] == list(col.distribution.current)


def test_json_blob_is_small(sample_html: str) -> None:
    raw, _ = _blob(sample_html)
    assert len(raw) < 200_000


# --------------------------------------------------------------------------- escaping


def test_hostile_strings_never_unescaped(hostile_report: Report, hostile_html: str) -> None:
    assert HOSTILE_COLUMN in [c.column for c in hostile_report.columns]
    assert HOSTILE_COLUMN not in hostile_html
    assert HOSTILE_VALUE not in hostile_html
    assert "alert(1)</script>" not in hostile_html
    assert "<b>bold</b>" not in hostile_html
    # shown, escaped: the column name in the table, the segment value in the segments
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_html
    assert "seg=&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html


def test_hostile_json_blob_is_escaped_and_round_trips(hostile_html: str) -> None:
    raw, data = _blob(hostile_html)
    for ch in ("<", ">", "&", "\u2028", "\u2029"):
        assert ch not in raw
    assert "\\u003c/script\\u003e" in raw
    labels = [label for entry in data["rows"].values() for label in entry.get("d", {}).get("l", [])]
    assert HOSTILE_VALUE in labels
    assert "line\u2028sep\u2029end" in labels
    assert "a&b" in labels


def test_hostile_config_and_paths_escaped(tmp_path: Path) -> None:
    df = _hostile_frame(100, 0.0, 4)
    odd = tmp_path / "<svg onload=alert(1)>"
    odd.mkdir()
    path = odd / "ref.parquet"
    df.write_parquet(path)
    config = DriftConfig(exclude=("seg",), columns=(HOSTILE_COLUMN, "cat", "seg"))
    html = to_html(run_report(path, df, config))
    assert "<svg onload=alert(1)>" not in html
    assert "&lt;svg onload=alert(1)&gt;" in html
    assert HOSTILE_COLUMN not in html


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (0.0, "0"),
        (0.123456, "0.1235"),
        (1.5, "1.5"),
        (680.0, "680"),
        (54978.6, "54,979"),
        (0.00012346, "1.235e-04"),
        (12345678.9, "1.235e+07"),
        (-2.5, "-2.5"),
        (4000, "4,000"),
        (float("nan"), "NaN"),
    ],
)
def test_fmt_num(value: float | None, text: str) -> None:
    assert fmt_num(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (1.234e-8, "1.2e-08"), (0.04567, "0.04567"), (0.5, "0.5"), (0.0, "0")],
)
def test_fmt_pvalue(value: float | None, text: str) -> None:
    assert fmt_pvalue(value) == text


def test_template_dir_has_templates() -> None:
    base = template_dir()
    assert (base / "report.html.j2").is_file()
    for name in ("header", "drift_table", "segments"):
        assert (base / "partials" / f"{name}.html.j2").is_file()
    for name in ("performance", "concept_drift"):  # a section's partial lives with its section
        assert (ROOT / "driftcli" / "sections" / name / "section.html.j2").is_file()


def test_template_dir_prefers_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.resources

    monkeypatch.setattr(importlib.resources, "files", lambda _pkg: tmp_path)
    assert template_dir() == ROOT / "templates"  # no packaged copy: source tree
    (tmp_path / "templates").mkdir()
    assert template_dir() == tmp_path / "templates"


# --------------------------------------------------------------------------- table, heatmap


def test_table_has_sort_and_filter_controls(sample_report: Report, sample_html: str) -> None:
    table = _section(sample_html, "drift")
    keys = re.findall(r'<span data-key="(\w+)"', table)
    assert keys == [
        "status", "column", "kind", "test", "statistic", "pvalue", "threshold", "score", "reason"
    ]  # fmt: skip
    assert 'class="tb-search"' in table
    for status in ("drift", "ok", "skipped", "error"):
        assert f'class="tb-status" value="{status}" checked' in table
    n = len(sample_report.columns)
    assert f"{n} of {n} columns" in table
    # every row carries its status for the filter, and drifted rows show a sparkline
    assert table.count('<details class="row"') == len(re.findall(r'data-st="\w+"', table))
    assert table.count('<svg class="spark"') == sum(
        1 for c in sample_report.columns if c.distribution is not None
    )


def test_skipped_rows_show_their_reason(sample_report: Report, sample_html: str) -> None:
    table = _section(sample_html, "drift")
    for col in sample_report.columns:
        if not col.tested:
            assert col.reason
            assert col.reason in table


def test_sparkline_is_numbers_only() -> None:
    from driftcli.results.records import Distribution

    svg = str(sparkline(Distribution("bars", ("<a>", "b"), (3, 1), (0, 4))))
    assert svg.startswith('<svg class="spark"') and svg.endswith("</svg>")
    assert "<a>" not in svg
    assert re.fullmatch(r'[\w\s="<>/.:\-]+', svg)
    wide = str(sparkline(Distribution("histogram", tuple("x" * 30), (1,) * 30, (2,) * 30)))
    assert 'viewBox="0 0 60 20"' in wide  # 30 bins merged to 15 for the sparkline
    assert str(sparkline(None)) == ""


def test_segment_heatmap(sample_report: Report, sample_html: str) -> None:
    section = _section(sample_html, "segments")
    heat = section[section.index('<table class="heat">') : section.index("</table>")]
    heads = re.findall(r'<th scope="col" class="wrap"><a href="#([\w-]+)" data-go>(.*?)</a>', heat)
    assert heads[0] == ("drift", "all rows")
    # segment names may wrap after their "=" (a <wbr>), never inside a value
    labels = [h[1].replace("<wbr>", "") for h in heads[1:]]
    assert labels == [s.label for s in sample_report.segments]
    assert all("=<wbr>" in h[1] for h in heads[1:])
    body_rows = re.findall(r"<tr><th scope=\"row\" class=\"wrap\">(.*?)</th>(.*?)</tr>", heat)
    assert {name for name, _ in body_rows} == {c.column for c in sample_report.columns}
    for _, cells in body_rows:
        assert cells.count("<td ") == 1 + len(sample_report.segments)
    # cells link to the segment's row for that column, and drift is an icon, not colour alone
    south = next(i for i, s in enumerate(sample_report.segments) if s.label == "region=south")
    seg = sample_report.segments[south]
    top = sorted_columns(seg.columns)[0]
    assert top.drifted
    row = next(cells for name, cells in body_rows if name == top.column)
    assert f'href="#s{south}c0" data-go' in row
    assert "\u2716" in row
    assert re.search(rf'class="h[3-5]"><a href="#s{south}c0"', row)


def test_untested_segments_listed_with_reason() -> None:
    ref = _hostile_frame(200, 0.0, 5)
    cur = ref.filter(pl.col("seg") == "plain")
    report = run_report(ref, cur, DriftConfig(segment_by=("seg",)))
    html = to_html(report)
    section = _section(html, "segments")
    missing = [s for s in report.segments if s.status is SegmentStatus.MISSING_CURRENT]
    assert len(missing) == 1
    assert "<h3>Not tested</h3>" in section
    untested = section[section.index('<ul class="untested">') : section.index("</ul>")]
    assert "missing in current" in untested
    assert "seg=&lt;/script&gt;" in untested
    # the heatmap has the tested segment only
    heat = section[section.index('<table class="heat">') : section.index("</table>")]
    assert heat.count('<th scope="col" class="wrap">') == 2


# --------------------------------------------------------------------------- extra sections


def test_correction_names_the_method_and_the_tests() -> None:
    rng = np.random.default_rng(11)
    ref = pl.DataFrame({f"x{i}": rng.normal(0, 1, 300) for i in range(3)})
    cur = pl.DataFrame({f"x{i}": rng.normal(0.5 * i, 1, 300) for i in range(3)})
    holm = run_report(ref, cur, DriftConfig(test="ks", correction="holm"))
    assert _correction_view(holm) == {"text": "Holm (holm) over 3 p-value tests"}
    distances = run_report(ref, cur, DriftConfig(test="wasserstein"))
    assert _correction_view(distances) == {"text": "bh (none needed: no p-value tests)"}


NEW_SECTIONS = ("model-drift", "performance", "windows", "concept-drift", "online")
ROLES = {"target": "target", "prediction": "prediction", "score": "score"}


@pytest.fixture(scope="module")
def sections_report(sample_report: Report) -> Report:
    """The sample run with every issue-6 section attached (hand-built, see section_fixtures)."""
    assert set(ROLES) <= {c.column for c in sample_report.columns}
    return with_sections(sample_report, ROLES)


@pytest.fixture(scope="module")
def sections_html(sections_report: Report) -> str:
    return to_html(sections_report)


def _text(fragment: str) -> str:
    """Visible text of a fragment, whitespace collapsed (entities left as written)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def test_new_sections_absent_without_their_data(sample_html: str) -> None:
    for sid in NEW_SECTIONS:
        assert f'id="{sid}"' not in sample_html
        assert f'href="#{sid}"' not in sample_html
    assert 'class="sections"' not in sample_html
    _, data = _blob(sample_html)
    assert not {"windows", "concept", "online"} & set(data)


def test_every_section_present_with_nav_link(sections_html: str) -> None:
    nav = sections_html[sections_html.index('<nav class="top"') : sections_html.index("</nav>")]
    for sid in NEW_SECTIONS:
        assert f'<section id="{sid}">' in sections_html
        assert f'href="#{sid}"' in nav
    _, data = _blob(sections_html)
    assert {"windows", "concept", "online"} <= set(data)


def test_each_section_alone(sample_report: Report) -> None:
    """A section shows only when its own data exists."""
    import dataclasses

    full = with_sections(sample_report, ROLES)
    for field, sid in (
        ("performance", "performance"),
        ("windows", "windows"),
        ("concept_drift", "concept-drift"),
        ("online", "online"),
    ):
        sections = {**sample_report.sections, field: full.section(field)}
        only = dataclasses.replace(sample_report, sections=sections)
        html = to_html(only)
        present = {s for s in NEW_SECTIONS if f'<section id="{s}">' in html}
        assert present == {sid}, field
    # The model's roles alone: the run computes the prediction drift section from them.
    model = {**sample_report.sections, "prediction_drift": full.section("prediction_drift")}
    html = to_html(dataclasses.replace(sample_report, roles=ROLES, sections=model))
    assert {s for s in NEW_SECTIONS if f'<section id="{s}">' in html} == {"model-drift"}


def test_model_columns_apart_from_features(sections_report: Report, sections_html: str) -> None:
    drift = _section(sections_html, "drift")
    names = re.findall(r'data-k="column"><strong>(.*?)</strong>', drift)
    assert sorted(names) == sorted(c.column for c in sections_report.feature_columns)
    assert not set(ROLES) & set(names)
    model = _section(sections_html, "model-drift")
    rows = re.findall(
        r'data-k="column"><strong>(.*?)</strong> <span class="badge role-(\w+)">', model
    )
    assert sorted(rows) == sorted(ROLES.items())
    assert len(re.findall(r'<details class="row(?: nb)?" id="m', model)) == len(ROLES)
    # the same drill-down data as the drift table, under the model rows' ids
    _, data = _blob(sections_html)
    assert {"m0", "m1", "m2"} <= set(data["rows"])
    # compact per-segment matrix: one row per tested segment
    tested = [s for s in sections_report.segments if s.status is SegmentStatus.TESTED]
    assert model.count('<tr><th scope="row" class="wrap">region=') == len(tested)
    # heatmap and segment tables: features only
    heat = _section(sections_html, "segments")
    for name in ROLES:
        assert f'<th scope="row" class="wrap">{name}</th>' not in heat
    for ids in data["tables"].values():
        for row_id in ids:
            assert data["rows"][row_id]["h"][2] not in ROLES


def test_performance_numbers_and_ci(sections_html: str) -> None:
    perf = _section(sections_html, "performance")
    text = _text(perf)
    assert "binary" in text and "positive label 1" in text
    assert "4,000 reference rows used of 4,003" in text
    assert "6 rows without a target excluded" in text
    assert "reference: 3 rows without a target excluded" in text
    # accuracy 0.78 -> 0.74: difference -0.04, CI [-0.07, -0.02] excludes 0: significant, worse
    row = re.search(r'<th scope="row" class="mono">accuracy</th>(.*?)</tr>', perf, re.S)
    assert row is not None
    cells = _text(row.group(1))
    assert cells.startswith("0.78 0.74 -0.04 significant [-0.07, -0.02] higher"), cells
    assert 'class="diff worse sig"' in row.group(1)
    # precision unchanged: CI [-0.03, 0.02] contains 0, not significant, no colour
    row = re.search(r'<th scope="row" class="mono">precision</th>(.*?)</tr>', perf, re.S)
    assert row is not None
    assert "significant" not in row.group(1) and "[-0.03, 0.02]" in row.group(1)
    assert "95% CI of difference" in text
    assert "1,000 resamples" in text and "seed 0" in text and "95% percentile bootstrap" in text
    # confusion matrices, reference and current
    assert perf.count('<table class="cmatrix"') == 2
    assert ">600</td>" in perf and ">190</td>" in perf
    # per segment: the degraded segment with difference and CI; the untested one with reason
    assert "-0.19" in perf and "[-0.22, -0.17]" in perf
    assert "not tested: 4 reference and 2 current rows" in perf
    # f1 undefined in the segment's current rows
    assert "n/a (ref 0.58)" in text


def test_lower_is_better_colours_the_other_way() -> None:
    from driftcli.sections.performance.html import _metric_cell
    from driftcli.sections.performance.metrics import MetricDifference

    def cell(diff: float, lo: float, hi: float, better: bool) -> dict[str, object]:
        d = MetricDifference("m", 1.0, 1.0 + diff, diff, lo, hi, 0.95, 1000, 1000, better)
        return _metric_cell(d)

    assert cell(0.1, 0.05, 0.15, False)["direction"] == "worse"
    assert cell(0.1, 0.05, 0.15, True)["direction"] == "better"
    assert cell(0.1, 0.05, 0.15, True)["significant"] is True
    assert cell(0.1, -0.01, 0.15, True)["significant"] is False
    assert cell(-0.1, -0.2, -0.01, True)["ci"] == "[-0.2, -0.01]"
    assert cell(-0.1, -0.2, -0.01, True)["difference"] == "-0.1"
    assert cell(0.1, 0.05, 0.15, True)["difference"] == "+0.1"


def test_rules_failures_first_passes_collapsed(sections_html: str) -> None:
    perf = _section(sections_html, "performance")
    rules = perf[perf.index("<h3>Rules</h3>") :]
    order = [m for m in re.findall(r"</span> (fail|warn|not evaluated|pass)</span>", rules)]
    assert order == ["fail", "warn", "not evaluated", "pass"]
    passed = rules[rules.index('<details class="passed">') :]
    assert "log_loss" in passed and "accuracy" not in passed
    assert "1 passed rule" in passed


def test_windows_table_rule_and_chart_data(sections_report: Report, sections_html: str) -> None:
    win = _section(sections_html, "windows")
    text = _text(win)
    assert 'class="rulebox st-drift"' in win
    # the fixture has no rule to read the limit from: the outcome's message, after its verb
    assert "fails: dataset drift share above 30% in 2 consecutive windows" in text
    assert "2025-03-02 100" in text and "50%" in text and "60%" in text
    assert "too small" in text
    assert "2 rows without a timestamp" in text
    assert "accuracy (ref 0.78)" in text
    assert win.count('class="exceeds o-st-drift"') == 2  # the failing rule's colour
    # nothing drawn at load: the charts are closed <details> with data in the blob
    assert '<details class="chart" data-chart="wshare">' in win
    assert '<details class="chart" data-chart="wcol">' in win
    _, data = _blob(sections_html)
    w = data["windows"]
    assert isinstance(w, dict)
    assert w["x"] == ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"]
    assert w["share"] == [0.2, 0.5, 0.6, None]  # the too-small window is a gap
    assert w["perf"] == [0.8, 0.7, 0.6, None] and w["perf_ref"] == 0.78
    assert w["ex"] == [1, 2]
    cols = {c[0]: c for c in w["cols"]}
    assert cols["income"][1] == "d" and cols["income"][2] == 0.1  # psi: the statistic
    assert cols["income"][3] == [0.2, 0.5, 0.6, None]
    assert cols["income"][6] == [1, 2]
    assert cols["age"][1] == "p"  # ks: the p-value, log axis
    assert cols["age"][3] == [None, 0.4, 0.4, None]
    assert w["cols"][0][0] == "income"  # most drifted first


def test_window_charts_stay_compact_for_500_columns_30_windows(sample_report: Report) -> None:
    import dataclasses

    from driftcli.results.records import DatasetVerdict
    from driftcli.sections.windows.result import WindowColumn, WindowResult, WindowSection

    names = tuple(f"col_{j:03d}" for j in range(500))
    windows = tuple(
        WindowResult(
            i, f"2025-03-{i + 1:02d}", None, None, i * 1000, 1000, SegmentStatus.TESTED,
            DatasetVerdict(500, 10, 0.02, 0.5, False),
            tuple(WindowColumn(n, Status.OK, "psi", 0.0123456789 * (j % 7), None, 0.1, 0.5)
                  for j, n in enumerate(names)),
        )
        for i in range(30)
    )  # fmt: skip
    section = WindowSection("1d", "time", "t", 0, windows, names)
    sections = {**sample_report.sections, "windows": section}
    html = to_html(dataclasses.replace(sample_report, sections=sections))
    _, data = _blob(html)
    assert len(data["windows"]["cols"]) == 500
    size = len(json.dumps(data["windows"]))
    assert size < 250_000, size  # compact arrays, 4 significant digits


def test_concept_section(sections_html: str) -> None:
    cd = _section(sections_html, "concept-drift")
    text = _text(cd)
    assert "event_time" in text and "misclassification" in text
    assert "row 512 (2025-03-15T01:00:00)" in text
    assert "row 500 (2025-03-14T22:00:00)" in text  # a ddm warning
    assert "no warning zone" in text
    assert "10 events; needs 30" in text
    assert 'class="untested muted"' in cd
    _, data = _blob(sections_html)
    series = data["concept"]["cc0"]
    assert series["y"] == [0.2, 0.34] and series["axis"] == "time"
    assert ["2025-03-15T01:00:00", "adwin"] in series["cp"]
    assert ["2025-03-14T22:00:00", "ddm"] in series["w"]


def test_online_section(sections_html: str) -> None:
    on = _section(sections_html, "online")
    text = _text(on)
    assert "320.5 ms latency p95 reference 160 ms" in text
    assert "95 ms latency p50 reference 80 ms" in text
    assert "5% error rate reference 0.5%" in text
    assert "throughput" in text
    statuses = re.findall(r'<tr class="o-(st-\w+)">', on)
    assert statuses == ["st-drift", "st-error", "st-skipped", "st-ok"]
    _, data = _blob(sections_html)
    assert data["online"]["p95"] == [150.0, 400.0]
    assert data["online"]["rows"] == [450, 450]


def test_header_summarises_rules_and_limits(sections_report: Report, sections_html: str) -> None:
    header = sections_html[
        sections_html.index('<header id="summary">') : sections_html.index("</header>")
    ]
    summary = header[header.index('class="sections"') :]
    text = _text(summary[: summary.index("</ul>")])
    assert "Model performance : 4 rules: 1 failed, 1 warned" in text
    assert "Online metrics : 4 limits: 1 failed, 1 warned" in text
    assert "Drift over time" in text and "2 consecutive windows" in text
    assert "Concept drift : change points in 1 scope (overall)" in text
    assert "Prediction and target drift" in text
    for sid in NEW_SECTIONS:
        assert f'<a href="#{sid}">' in summary
    # the engine's breaches and warnings render as before
    for line in (*sections_report.breaches, *sections_report.warnings):
        assert line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in header


def test_hostile_label_escaped_in_every_section(sections_html: str) -> None:
    assert HOSTILE not in sections_html
    escaped = HOSTILE.replace("<", "&lt;").replace(">", "&gt;")
    for sid in ("performance", "windows", "concept-drift"):
        assert escaped in _section(sections_html, sid), sid
    raw, data = _blob(sections_html)
    assert "<" not in raw and ">" not in raw
    names = [c[0] for c in data["windows"]["cols"]]
    assert HOSTILE in names  # intact after JSON decoding
    # the page's script elements are still only ours: the data blob, plotly.js, the page
    # script and one chart script per section that has charts (windows, concept, online)
    assert len(re.findall(r"<script\b", sections_html, re.I)) == 3 + 3
    ours = re.findall(
        r"<script>\n/\* (?:Drift over time|Concept drift|Online metrics) charts", sections_html
    )
    assert len(ours) == 3


def test_hostile_online_and_model_labels_escaped(sample_report: Report) -> None:
    import dataclasses

    from driftcli.sections.prediction_drift.result import PredictionDriftSection
    from tests.section_fixtures import online_section

    online = online_section()
    limits = tuple(dataclasses.replace(x, scope=HOSTILE, message=HOSTILE) for x in online.limits)
    online = dataclasses.replace(online, limits=limits, latency_unit=HOSTILE)
    roles = {"income": HOSTILE}
    model = PredictionDriftSection(tuple(c for c in sample_report.columns if c.column in roles))
    sections = {**sample_report.sections, "online": online, "prediction_drift": model}
    html = to_html(dataclasses.replace(sample_report, sections=sections, roles=roles))
    assert HOSTILE not in html
    escaped = HOSTILE.replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in _section(html, "online")
    assert escaped in _section(html, "model-drift")
    _, data = _blob(html)
    assert data["online"]["unit"] == HOSTILE


def test_assets_cannot_close_their_elements() -> None:
    for name in ("report.css", "report.js"):
        assert _asset(name)
    bad = template_dir() / "assets" / "report.js"
    assert "</script" not in bad.read_text(encoding="utf-8").lower()


# --------------------------------------------------------------------------- size budget


def wide_frames(n_cols: int, rows: int, segments: int, seed: int = 0) -> tuple[pl.DataFrame, ...]:
    """A reference/current pair with ``n_cols`` mixed columns and ``segments`` segments."""
    import numpy as np

    frames = []
    for side, shift in ((0, 0.0), (1, 0.3)):
        rng = np.random.default_rng(seed + side)
        data: dict[str, object] = {
            "segment": rng.choice([f"seg{i}" for i in range(segments)], rows)
        }
        for j in range(n_cols):
            if j % 4 == 3:
                cats = [f"cat_{k}" for k in range(3 + j % 25)]
                data[f"c{j:03d}"] = rng.choice(cats, rows)
            else:
                data[f"x{j:03d}"] = rng.normal(shift * (j % 3), 1.0 + j % 5, rows)
        frames.append(pl.DataFrame(data))
    return tuple(frames)


def test_100_columns_5_segments_under_6mb() -> None:
    ref, cur = wide_frames(100, 3000, 5)
    report = run_report(ref, cur, DriftConfig(segment_by=("segment",)))
    assert len(report.segments) == 5
    html = to_html(report)
    size = len(html.encode("utf-8"))
    assert size <= 6_000_000, f"{size:,} bytes"
    # 100 columns + the segment column overall; segments do not test their own column and
    # their rows travel in the blob
    assert html.count('<details class="row"') == 101
    _, data = _blob(html)
    assert sum(len(ids) for ids in data["tables"].values()) == 5 * 100


def test_header_shows_the_time_range() -> None:
    from driftcli import run_report, to_html
    from tests.conftest import SAMPLE_CUR, SAMPLE_REF

    page = _text(to_html(run_report(SAMPLE_REF, SAMPLE_CUR)))
    assert "2024-01-01 to 2024-12-31 (signup_date)" in page
    assert "2025-01-01 to 2025-12-31 (signup_date)" in page


# --------------------------------------------------------------------------- one visual language


def full_sample_report() -> Report:
    """The README's sample with sample_data/drift.toml: segments, the model's columns and
    rules, drift over time, concept drift and online metrics (sample_data/README.md)."""
    config = load_config(SAMPLE / "drift.toml")
    return run_report(SAMPLE / "reference.parquet", SAMPLE / "current.parquet", config)


@pytest.fixture(scope="module")
def full_report() -> Report:
    return full_sample_report()


@pytest.fixture(scope="module")
def full_html(full_report: Report) -> str:
    return to_html(full_report)


class _FailOn:
    """A report's config seen with another ``fail_on`` (all the page reads of it)."""

    def __init__(self, config: Any, fail_on: FailOn) -> None:
        self._config, self.fail_on = config, fail_on

    @property
    def segment_by(self) -> tuple[str, ...]:
        segment_by: tuple[str, ...] = self._config.segment_by
        return segment_by

    def to_dict(self) -> dict[str, Any]:
        return {**self._config.to_dict(), "fail_on": str(self.fail_on)}


def _header(html: str) -> str:
    return html[html.index('<header id="summary">') : html.index("</header>")]


def _verdict(html: str) -> str:
    """The verdict's first line: the whole data's dataset drift and the levels that failed,
    as read (inline tags removed, not spaced)."""
    header = _header(html)
    start = header.index('<p class="levels">')
    line = header[start : header.index("</p>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip()


def test_header_says_which_level_failed(full_report: Report, full_html: str) -> None:
    # the whole data has no dataset drift, yet the run fails: the header names every level
    assert full_report.status == "fail" and not full_report.dataset.drifted
    assert _verdict(full_html) == (
        "No dataset drift overall; FAIL from: dataset drift in segment region=south, "
        "a performance rule, an online limit"
    )
    header = _header(full_html)
    levels = header[header.index('<p class="levels">') :]
    levels = levels[: levels.index("</p>")]
    south = next(i for i, s in enumerate(full_report.segments) if s.label == "region=south")
    for href in (f"seg{south}", "performance", "online"):
        assert f'<a href="#{href}" data-go' in levels
    # the engine's reasons are still listed, in full
    for breach in full_report.breaches:
        assert breach.replace(">", "&gt;") in header
    # the green "no dataset drift" says it is the whole data's, and points at the levels above
    card = _text(_header(full_html)[_header(full_html).index('class="card wide"') :])
    assert "no dataset drift overall (the FAIL comes from the levels named above)" in card


def test_header_levels_when_the_whole_data_drifts_or_passes(
    frames: tuple[pl.DataFrame, pl.DataFrame], same_frames: tuple[pl.DataFrame, pl.DataFrame]
) -> None:
    ref, cur = frames
    drifted = run_report(ref, cur, DriftConfig(drift_share=0.3))
    assert drifted.dataset.drifted
    assert _verdict(to_html(drifted)) == "Dataset drift overall; FAIL from: dataset drift overall"
    # fail_on = column: the drifted columns fail; the dataset drift is not a breach there
    by_column = run_report(ref, cur, DriftConfig(drift_share=0.3, fail_on="column"))
    html = to_html(by_column)
    assert _verdict(html) == (
        "Dataset drift overall (not a breach at fail_on = column); "
        "FAIL from: column drift in x, channel"
    )
    card = _header(html)[_header(html).index('class="card wide"') :]
    assert 'class="st st-note"' in card and "not a breach at fail_on = column" in _text(card)
    passing = to_html(run_report(*same_frames, DriftConfig()))
    assert _verdict(passing) == "No dataset drift overall; no breach at fail_on = dataset."
    assert "FAIL from" not in _header(passing)


def test_model_column_drift_is_not_shown_as_a_breach(full_report: Report, full_html: str) -> None:
    assert full_report.config.fail_on is FailOn.DATASET
    drifted = [c for c in full_report.model_columns if c.drifted]
    assert [c.column for c in drifted] == ["score"]
    model = _section(full_html, "model-drift")
    table = model[: model.index("<h3>Per segment</h3>")]
    row = re.search(r'<details class="row nb" id="(m\d+)" data-st="drift">(.*?)</details>', table)
    assert row is not None
    assert '<span class="st st-note">' in row.group(2)
    assert "not a breach at fail_on = dataset" in row.group(2)
    assert "st-drift" not in table  # no breach red among the model's columns
    # nor in its line in the header
    line = re.search(r'<li><span class="st (st-\w+)">.*?href="#model-drift".*?</li>', full_html)
    assert line is not None and line.group(1) == "st-note"
    assert "drift in score (not a breach at fail_on = dataset)" in _text(line.group(0))
    # under fail_on = column the same drift is a breach, and red
    import dataclasses

    as_column = dataclasses.replace(full_report, config=_FailOn(full_report.config, FailOn.COLUMN))
    html = to_html(as_column)
    model = _section(html, "model-drift")
    assert '<details class="row" id="m0" data-st="drift"><summary><span class="st st-drift">' in (
        model
    )
    assert "not a breach" not in model


def test_rule_reads_as_a_sentence(full_report: Report, full_html: str) -> None:
    sentence = "passes: at most 1 consecutive window above 40%; the rule needs 2"
    win = _text(_section(full_html, "windows"))
    assert sentence in win
    assert "(windows above 40%: 2025-03-25; severity warn)" in win
    # the header line says the same (after its own "pass" badge)
    assert "7 windows of 4d; at most 1 consecutive window above 40%; the rule needs 2" in _text(
        _header(full_html)
    )
    # the JSON keeps the engine's message
    from driftcli.outputs.json import to_json

    message = json.loads(to_json(full_report))["windows"]["rule_outcome"]["message"]
    assert message == (
        "dataset drift share above 40% in at most 1 consecutive window (2025-03-25); "
        "rule: 2 (warn) not met"
    )
    assert message not in full_html


def test_window_bars_plain_but_the_one_above_the_limit(full_html: str) -> None:
    _, data = _blob(full_html)
    w = data["windows"]
    assert w["ex"] == [6] and w["hl"] == "note"  # above 40%, but the rule passes: not red
    win = _section(full_html, "windows")
    assert win.count('class="exceeds o-st-note"') == 1
    assert "st-drift" not in win


def test_online_cards_coloured_by_their_limits(full_html: str) -> None:
    online = _section(full_html, "online")
    cards = re.findall(r'<div class="card limit([^"]*)"><div class="n([^"]*)">(.*?)</div>', online)
    by_value = {value: (card.strip(), n.strip()) for card, n, value in cards}
    assert by_value["261 ms"] == ("o-st-drift", "st-drift")  # latency p95: its limit failed
    assert by_value["1.7%"] == ("o-st-ok", "st-ok")  # error rate rose, but within its limit
    assert by_value["88.2 ms"] == ("", "")  # p50 rose, and no limit judges it: neutral
    text = _text(online)
    assert "limit failed (latency_p95_max)" in text
    assert "within its limit (error_rate_max)" in text


def test_no_microseconds_in_the_page(full_report: Report, full_html: str) -> None:
    # the data has microseconds (the JSON keeps them) ...
    assert full_report.reference.time_range is not None
    assert re.search(r"\d{2}:\d{2}:\d{2}\.\d", full_report.reference.time_range.min or "")
    assert any(re.search(r"\d{2}:\d{2}:\d{2}\.\d", w) for w in full_report.warnings)
    # ... the page (text, attributes and its data) shows whole seconds
    page = _outside_plotly(full_html)
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d", page)
    text = _text(_header(full_html))
    assert "2025-02-01T00:11:32 to 2025-02-28T22:56:34 (event_time)" in text
    cd = _text(_section(full_html, "concept-drift"))
    assert "row 1,347 (2025-03-11T16:40:10)" in cd


def test_fmt_time_and_path_breaks() -> None:
    assert fmt_time("2025-03-18T11:50:22.298624") == "2025-03-18T11:50:22"
    assert (
        fmt_time("at 2025-03-18 11:50:22.5+00:00, p 0.05") == "at 2025-03-18 11:50:22+00:00, p 0.05"
    )
    assert fmt_time(None) == "" and fmt_time("1.25 and 3:04:05.6") == "1.25 and 3:04:05.6"
    assert str(path_html("data/2025/ref.parquet")) == "data/<wbr>2025/<wbr>ref.parquet"
    assert str(path_html("C:\\data\\<x>.csv")) == "C:\\<wbr>data\\<wbr>&lt;x&gt;.csv"
    css = _asset("report.css")
    assert ".path { overflow-wrap: break-word;" in css


def test_concept_parameters_behind_a_disclosure(full_html: str) -> None:
    cd = _section(full_html, "concept-drift")
    params = cd[cd.index('<details class="params">') : cd.index("</details>")]
    assert "<summary>Detector parameters</summary>" in params
    assert "delta=0.002" in params and "min_instances=30" in params
    # once for the section, not in every scope's table
    assert cd.count("delta=0.002") == 1
    scope = cd[cd.index('<div class="scope"') :]
    assert '<th scope="col">parameters</th>' not in scope


@pytest.fixture
def fresh_templates() -> Any:
    """The template environment and its cache made again, before and after the test."""
    from driftcli.outputs import html

    html.template_cache.cache_clear()
    html._environment.cache_clear()
    yield html
    html.template_cache.cache_clear()
    html._environment.cache_clear()


def test_compiled_templates_are_kept_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_templates: Any
) -> None:
    """Jinja's bytecode cache in its per-user folder of the temporary directory: a later
    run (a new environment) loads the compiled templates and renders the same page."""
    import os
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    report = run_report(SAMPLE_REF, SAMPLE_CUR)
    first = to_html(report)
    folder = tmp_path / f"_jinja2-cache-{os.getuid()}"
    cached = sorted(folder.glob("driftcli_*.cache"))
    assert cached and oct(folder.stat().st_mode & 0o777) == "0o700"
    fresh_templates._environment.cache_clear()  # as a new process would
    assert to_html(report) == first
    assert sorted(folder.glob("driftcli_*.cache")) == cached


def test_a_cache_folder_that_cannot_be_made_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_templates: Any
) -> None:
    import tempfile

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))
    assert fresh_templates.template_cache() is None
    assert "<html" in to_html(run_report(SAMPLE_REF, SAMPLE_CUR))
