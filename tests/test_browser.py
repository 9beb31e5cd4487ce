"""The HTML report in a real browser: headless Chromium driven by Playwright, offline.

Uses Debian's Chromium (``/usr/bin/chromium``, or ``$DRIFT_CHROMIUM``); no browser is ever
downloaded. Without Chromium or the ``playwright`` package these tests skip with the reason,
so a developer without a browser can still run the suite, except in CI (``CI=true``), where
they fail: ``.ci/run`` installs Chromium, and a silently skipped browser test is no test.

Timing budgets (500 columns interactive in under 3 s) are measured by ``bench/bench_html.py``;
here only a generous sanity bound is asserted.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from driftcli.config import DriftConfig
from driftcli.outputs.html import to_html
from driftcli.results.records import sorted_columns
from driftcli.results.report import Report
from driftcli.run import run_report
from tests.chromium import CHROMIUM, FLAGS
from tests.test_html import (
    HOSTILE_COLUMN,
    HOSTILE_VALUE,
    _hostile_frame,
    full_sample_report,
    wide_frames,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}; .ci/run installs it (apt-get install chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = shutil.which(CHROMIUM)
    if path is None:
        _unavailable(f"no Chromium at {CHROMIUM} (set DRIFT_CHROMIUM to another binary)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    home = tmp_path_factory.mktemp("chromium-home")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path, args=FLAGS, env={**os.environ, "HOME": str(home)}
        )
        try:
            yield b
        finally:
            b.close()


@dataclass
class Visit:
    """An opened page plus everything it tried to do that a report must never do."""

    page: Any
    context: Any
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def canaries(self) -> list[Any]:
        fired: list[Any] = self.page.evaluate("window.__xss")
        return fired

    def check_clean(self) -> None:
        assert self.console_errors == []
        assert self.dialogs == []
        assert self.canaries() == []
        outside = [u for u in self.requests if not u.startswith(("file:", "data:", "about:"))]
        assert outside == []


CANARY = """
window.__xss = [];
window.alert = function () { window.__xss.push(["alert"].concat([].slice.call(arguments))); };
window.confirm = window.prompt = window.alert;
"""


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_page(path: Path, scheme: str = "light", width: int = 1280) -> Visit:
        context = browser.new_context(
            offline=True, viewport={"width": width, "height": 900}, color_scheme=scheme
        )
        contexts.append(context)
        context.add_init_script(CANARY)
        page = context.new_page()
        v = Visit(page, context)

        def on_dialog(d: Any) -> None:
            v.dialogs.append(d.message)
            d.dismiss()

        page.on("console", lambda m: v.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: v.console_errors.append(str(e)))
        page.on("request", lambda r: v.requests.append(r.url))
        page.on("dialog", on_dialog)
        page.goto(path.as_uri())
        page.wait_for_selector("html[data-ready]", timeout=30_000)
        return v

    yield open_page
    for c in contexts:
        c.close()


@pytest.fixture(scope="module")
def sample_page(sample_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pages") / "sample.html"
    path.write_text(to_html(sample_report), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = run_report(
        _hostile_frame(300, 0.0, 1), _hostile_frame(300, 1.0, 2), DriftConfig(segment_by=("seg",))
    )
    path = tmp_path_factory.mktemp("pages") / "hostile.html"
    path.write_text(to_html(report), encoding="utf-8")
    return path


def _no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"page is {width}px wide in a {inner}px window"


# --------------------------------------------------------------------------- the sample report


def test_sample_report_opens_offline_clean(
    visit: Any, sample_page: Path, sample_report: Report
) -> None:
    v = visit(sample_page)
    page = v.page
    assert page.locator("#drift details.row").count() == len(sample_report.columns)
    # segment tables are built when opened, with the same markup as the main table's rows
    assert page.locator("#segments details.row").count() == 0
    page.evaluate("document.querySelectorAll('details.segment').forEach(d => { d.open = true; })")
    segment_rows = sum(len(s.columns) for s in sample_report.segments)
    page.wait_for_function(
        f"document.querySelectorAll('#segments details.row').length === {segment_rows}"
    )
    structure = (
        "sel => Array.from(document.querySelector(sel).querySelectorAll('*'))"
        ".map(e => e.tagName + '.' + e.getAttribute('class') + '.' + e.getAttribute('data-k'))"
        ".join(' ')"
    )
    south = next(i for i, s in enumerate(sample_report.segments) if s.label == "region=south")
    top = sorted_columns(sample_report.segments[south].columns)[0]
    main_idx = [c.column for c in sorted_columns(sample_report.columns)].index(top.column)
    main_struct = page.evaluate(structure, f"#c{main_idx} > summary")
    seg_struct = page.evaluate(structure, f"#s{south}c0 > summary")
    assert seg_struct == main_struct
    names = page.locator(f"#seg{south} [data-k=column]").all_text_contents()
    assert names == [c.column for c in sorted_columns(sample_report.segments[south].columns)]
    _no_horizontal_scroll(page)
    # nothing drawn at load
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.locator("#summary .verdict .big").inner_text().strip().endswith("FAIL")
    _no_horizontal_scroll(page)
    v.check_clean()


def test_drilldown_draws_histogram_and_ecdf(
    visit: Any, sample_page: Path, sample_report: Report
) -> None:
    v = visit(sample_page)
    page = v.page
    first = sorted_columns(sample_report.columns)[0]
    assert first.distribution is not None and first.distribution.type == "histogram"
    page.click("#c0 > summary")
    page.wait_for_selector("#c0 .plot .main-svg")
    assert page.locator("#c0 .plot .barlayer .trace").count() == 2  # reference + current
    assert page.locator("#c0 .plot .scatterlayer .trace").count() == 2  # two ECDF lines
    stats = page.locator("#c0 .facts table").first.inner_text()
    assert "reference" in stats and "median" in stats
    details = page.locator("#c0 .facts table").nth(1).inner_text()
    assert first.test is not None and first.test in details
    _no_horizontal_scroll(page)
    # a categorical column draws grouped bars
    idx = next(i for i, c in enumerate(sorted_columns(sample_report.columns))
               if c.distribution is not None and c.distribution.type == "bars")  # fmt: skip
    page.click(f"#c{idx} > summary")
    page.wait_for_selector(f"#c{idx} .plot .main-svg")
    assert page.locator(f"#c{idx} .plot .barlayer .trace").count() == 2
    # closing and reopening does not draw twice
    page.click("#c0 > summary")
    page.click("#c0 > summary")
    assert page.locator("#c0 .js-plotly-plot").count() == 1
    v.check_clean()


def test_sort_and_filter(visit: Any, sample_page: Path, sample_report: Report) -> None:
    v = visit(sample_page)
    page = v.page
    names = "Array.from(document.querySelectorAll('#drift details.row:not([hidden]) [data-k=column]')).map(e => e.textContent)"  # noqa: E501
    assert page.evaluate(names) == [c.column for c in sorted_columns(sample_report.columns)]
    page.click("#drift .head [data-key=column] button")
    assert page.evaluate(names) == sorted(c.column for c in sample_report.columns)
    page.click("#drift .head [data-key=column] button")
    assert page.evaluate(names) == sorted((c.column for c in sample_report.columns), reverse=True)
    page.click("#drift .head [data-key=statistic] button")  # largest first, blanks last
    stats = [c.statistic for c in sample_report.columns if c.statistic is not None]
    shown = page.evaluate(names)
    assert shown[0] == next(c.column for c in sample_report.columns if c.statistic == max(stats))
    assert set(shown[len(stats) :]) == {
        c.column for c in sample_report.columns if c.statistic is None
    }
    # search box
    page.fill("#drift .tb-search", "inc")
    assert page.evaluate(names) == ["income"]
    assert (
        page.locator("#drift .shown").inner_text() == f"1 of {len(sample_report.columns)} columns"
    )
    page.fill("#drift .tb-search", "")
    # status filter: drift only
    for status in ("ok", "skipped", "error"):
        page.uncheck(f"#drift .tb-status[value={status}]")
    drifted = {c.column for c in sample_report.columns if c.drifted}
    assert set(page.evaluate(names)) == drifted
    page.fill("#drift .tb-search", "no such column")
    assert page.locator("#drift .ctable .none").is_visible()
    v.check_clean()


def test_heatmap_cell_opens_segment_row(
    visit: Any, sample_page: Path, sample_report: Report
) -> None:
    v = visit(sample_page)
    page = v.page
    south = next(i for i, s in enumerate(sample_report.segments) if s.label == "region=south")
    page.click(f'table.heat a[href="#s{south}c0"]')
    page.wait_for_selector(f"#s{south}c0 .plot .main-svg")
    assert page.locator(f"#seg{south}").evaluate("d => d.open")
    assert page.locator(f"#s{south}c0").evaluate("d => d.open")
    # a segment heading opens that segment's table
    page.click('table.heat thead a[href="#seg0"]')
    assert page.locator("#seg0").evaluate("d => d.open")
    v.check_clean()


def test_dark_theme_and_print(visit: Any, sample_page: Path) -> None:
    light = visit(sample_page).page
    dark = visit(sample_page, scheme="dark").page
    bg = "getComputedStyle(document.documentElement).backgroundColor"
    assert light.evaluate(bg) == "rgb(255, 255, 255)"
    assert dark.evaluate(bg) == "rgb(13, 17, 23)"
    dark.emulate_media(media="print")
    assert dark.evaluate(bg) == "rgb(255, 255, 255)"  # audit print: light regardless of theme
    assert dark.locator("#drift .toolbar").is_hidden()
    assert dark.locator("nav.top").is_hidden()


def test_narrow_window_does_not_scroll_sideways(visit: Any, sample_page: Path) -> None:
    v = visit(sample_page, width=800)
    v.page.click("#c0 > summary")
    v.page.wait_for_selector("#c0 .plot .main-svg")
    _no_horizontal_scroll(v.page)


def test_new_and_missing_categories_marked(visit: Any, tmp_path: Path) -> None:
    import polars as pl

    ref = pl.DataFrame({"plan": ["basic", "pro", "legacy"] * 100})
    cur = pl.DataFrame({"plan": ["basic", "pro", "trial"] * 100})
    path = tmp_path / "plans.html"
    path.write_text(to_html(run_report(ref, cur, DriftConfig())), encoding="utf-8")
    v = visit(path)
    v.page.click("#c0 > summary")
    v.page.wait_for_selector("#c0 .plot .main-svg")
    marks = v.page.locator("#c0 .marks").all_inner_texts()
    assert marks == [
        "\u2605 New in current (absent from reference): trial",
        "\u2205 Missing in current (present in reference): legacy",
    ]
    ticks = v.page.evaluate(
        "Array.from(document.querySelectorAll('#c0 .xtick text')).map(t => t.textContent)"
    )
    assert "trial \u2605 new" in ticks and "legacy \u2205 missing" in ticks
    v.check_clean()


# --------------------------------------------------------------------------- hostile strings


def test_xss_canaries_never_fire(visit: Any, hostile_page: Path) -> None:
    v = visit(hostile_page)
    page = v.page
    # open every row and segment: every drill-down builds and every figure draws
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_timeout(100)  # segment tables build on their toggle event; open their rows
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_function(
        "document.querySelectorAll('details.row[data-built]').length === "
        "document.querySelectorAll('details.row').length"
    )
    page.wait_for_timeout(200)
    names = page.locator("#drift [data-k=column]").all_text_contents()
    assert HOSTILE_COLUMN in names  # shown literally, as text
    assert page.locator("img").count() == 0
    ticks = page.evaluate(
        "Array.from(document.querySelectorAll('.xtick text')).map(t => t.textContent)"
    )
    assert any(HOSTILE_VALUE in t for t in ticks)
    heat = page.locator("table.heat").inner_text()
    assert "seg=" + HOSTILE_VALUE in heat
    v.check_clean()


# --------------------------------------------------------------------------- wide report


def test_500_columns_open_and_respond(visit: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    ref, cur = wide_frames(500, 1000, 1)
    report = run_report(ref.drop("segment"), cur.drop("segment"), DriftConfig())
    path = tmp_path_factory.mktemp("pages") / "wide.html"
    path.write_text(to_html(report), encoding="utf-8")
    start = time.perf_counter()
    v = visit(path)
    loaded = time.perf_counter() - start
    # a sanity bound only: the 3 s budget is measured by bench/bench_html.py
    assert loaded < 20, loaded
    page = v.page
    assert page.locator("#drift details.row").count() == 500
    assert page.locator(".js-plotly-plot").count() == 0
    page.click("#c499 > summary")
    page.wait_for_selector("#c499 .plot .main-svg")
    _no_horizontal_scroll(page)
    v.check_clean()


def test_canaries_and_checks_are_live(visit: Any, tmp_path: Path) -> None:
    """The harness itself: an unescaped payload does fire and is caught, so silence means safe."""
    page_path = tmp_path / "bad.html"
    page_path.write_text(
        f"<!DOCTYPE html><p>{HOSTILE_COLUMN}</p><script>document.documentElement"
        ".setAttribute('data-ready', '1')</script>",
        encoding="utf-8",
    )
    v = visit(page_path)
    v.page.wait_for_function("window.__xss.length > 0")
    with pytest.raises(AssertionError):
        v.check_clean()


# --------------------------------------------------------------------------- issue-6 sections


@pytest.fixture(scope="module")
def sections_page(sample_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.section_fixtures import with_sections

    roles = {"target": "target", "prediction": "prediction", "score": "score"}
    path = tmp_path_factory.mktemp("pages") / "sections.html"
    path.write_text(to_html(with_sections(sample_report, roles)), encoding="utf-8")
    return path


def test_sections_open_clean_and_charts_draw_when_opened(visit: Any, sections_page: Path) -> None:
    v = visit(sections_page)
    page = v.page
    for sid in ("model-drift", "performance", "windows", "concept-drift", "online"):
        assert page.locator(f"#{sid}").is_visible()
    assert page.locator(".js-plotly-plot").count() == 0  # nothing drawn at load
    # the dataset drift share per window, and the performance metric per window
    page.click("#windows details[data-chart=wshare] > summary")
    page.wait_for_selector("#windows details[data-chart=wshare] .plot .main-svg")
    assert page.locator("#windows details[data-chart=wshare] .js-plotly-plot").count() == 2
    # one column over time: the first (most drifted) column, then another from the select box
    page.click("#windows details[data-chart=wcol] > summary")
    page.wait_for_selector("#windows details[data-chart=wcol] .plot .main-svg")
    title = "#windows details[data-chart=wcol] .gtitle"
    assert page.locator(title).text_content() == "income"
    page.select_option("#windows .wcol-pick", index=1)
    page.wait_for_function(f"document.querySelector('{title}').textContent === 'age'")
    log_axis = page.evaluate(
        "document.querySelector('#windows details[data-chart=wcol] .js-plotly-plot')"
        ".layout.yaxis.type"
    )
    assert log_axis == "log"  # a p-value test
    # the concept drift error series with its change points as vertical lines
    page.click("#concept-drift details[data-chart=concept] > summary")
    page.wait_for_selector("#concept-drift .plot .main-svg")
    shapes = page.evaluate(
        "document.querySelector('#concept-drift .js-plotly-plot').layout.shapes.length"
    )
    assert shapes == 3  # adwin and ddm change points, one ddm warning
    # online metrics per window
    page.click("#online details[data-chart=online] > summary")
    page.wait_for_selector("#online .plot .main-svg")
    # a model column's drill-down draws like a feature's
    page.click("#m0 > summary")
    page.wait_for_selector("#m0 .plot .main-svg")
    _no_horizontal_scroll(page)
    v.check_clean()


def test_sections_hostile_labels_stay_text(visit: Any, sections_page: Path) -> None:
    from tests.section_fixtures import HOSTILE

    v = visit(sections_page)
    page = v.page
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_function(
        "document.querySelectorAll('details.chart[data-drawn]').length === "
        "document.querySelectorAll('details.chart').length"
    )
    page.select_option("#windows .wcol-pick", label=HOSTILE)
    page.wait_for_timeout(200)
    assert HOSTILE in page.locator("#performance").inner_text()
    assert HOSTILE in page.locator("#concept-drift").inner_text()
    options = page.locator("#windows .wcol-pick option").all_text_contents()
    assert HOSTILE in options
    v.check_clean()


def test_sections_dark_and_print(visit: Any, sections_page: Path) -> None:
    dark = visit(sections_page, scheme="dark").page
    color = "getComputedStyle(document.querySelector('#performance .diff.worse')).color"
    assert dark.evaluate(color) == "rgb(255, 123, 114)"  # --drift in dark mode
    dark.emulate_media(media="print")
    assert dark.locator("#windows details.chart").first.is_hidden()  # closed charts not printed
    assert dark.locator("#performance table.metrics").is_visible()


# --------------------------------------------------------------------------- one visual language


@pytest.fixture(scope="module")
def full_report() -> Report:
    return full_sample_report()


@pytest.fixture(scope="module")
def full_page(full_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README sample with sample_data/drift.toml: every section."""
    path = tmp_path_factory.mktemp("pages") / "full.html"
    path.write_text(to_html(full_report), encoding="utf-8")
    return path


def _open_everything(page: Any) -> None:
    """Open every disclosure (twice: segment tables build their rows when opened) and wait
    for every chart."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_timeout(100)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_function(
        "document.querySelectorAll('details.chart[data-drawn]').length === "
        "document.querySelectorAll('details.chart').length"
    )


def test_800px_wide_no_horizontal_scroll(visit: Any, full_page: Path) -> None:
    v = visit(full_page, width=800)
    page = v.page
    _no_horizontal_scroll(page)
    _open_everything(page)
    page.wait_for_timeout(300)
    _no_horizontal_scroll(page)
    # nothing but a table's own scroll box is wider than the page's column
    wider = page.evaluate(
        """() => {
        const limit = document.querySelector('main').getBoundingClientRect().right + 0.5;
        return Array.from(document.querySelectorAll('main *')).filter(e => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && r.right > limit
                && !e.closest('.tablescroll, .tablewrap, .heatwrap, .js-plotly-plot');
        }).map(e => e.tagName + '.' + e.className).slice(0, 5);
    }"""
    )
    assert wider == []
    # a column row reads as lines with labelled numbers, not a squeezed 10-column grid
    label = page.evaluate(
        "getComputedStyle(document.querySelector('#c0 [data-k=statistic]'), '::before').content"
    )
    assert label == '"statistic "'
    assert page.locator("#drift .ctable .head").is_hidden()
    v.check_clean()


def test_heatmap_click_target_clears_the_sticky_header(
    visit: Any, full_page: Path, full_report: Report
) -> None:
    v = visit(full_page)
    page = v.page
    south = next(i for i, s in enumerate(full_report.segments) if s.label == "region=south")
    # the first row (the head above it in flow) and one further down (the head stuck on top)
    for row in (0, 5):
        target_id = f"s{south}c{row}"
        page.click(f'table.heat a[href="#{target_id}"]')
        page.wait_for_selector(f"#{target_id} .plot .main-svg")
        page.wait_for_timeout(200)
        target = page.locator(f"#{target_id}").bounding_box()
        head = page.locator(f"#seg{south} .ctable .head").bounding_box()
        assert target is not None and head is not None
        assert target["y"] >= head["y"] + head["height"] - 1, (row, target, head)
        # the row's own first line is what the reader sees there: not hidden behind the head
        hit = page.evaluate(
            f"document.elementFromPoint(300, {target['y'] + 6})?.closest('#{target_id}') != null"
        )
        assert hit, row
    v.check_clean()


def test_online_card_colour_follows_the_limit(visit: Any, full_page: Path) -> None:
    v = visit(full_page)
    page = v.page
    colours = page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('#online .card')).map(
            c => [c.querySelector('.l').firstChild.textContent.trim(),
                  getComputedStyle(c.querySelector('.n')).color]))"""
    )
    css = "getComputedStyle(document.documentElement).getPropertyValue('{}').trim()"
    fg = page.evaluate("getComputedStyle(document.body).color")
    assert colours["latency p95"] == "rgb(198, 40, 40)"  # --drift: its limit failed
    assert colours["error rate"] == "rgb(26, 127, 55)"  # --ok: rose, but within its limit
    for label in ("latency p50", "latency p99"):  # rose, no limit: neutral, never red
        assert colours[label] == fg, label
    assert page.evaluate(css.format("--drift")) == "#c62828"
    # the window bars: the plain series colour, only the window above the limit highlighted
    page.click("#windows details[data-chart=wshare] > summary")
    page.wait_for_selector("#windows details[data-chart=wshare] .plot .main-svg")
    bars = page.evaluate(
        "document.querySelector('#windows details[data-chart=wshare] .js-plotly-plot')"
        ".data[0].marker.color"
    )
    series, note = page.evaluate(css.format("--series")), page.evaluate(css.format("--note"))
    assert bars == [series] * 6 + [note]
    v.check_clean()


def _fleet_page(tmp_path: Path) -> Path:
    """A scorecard of four models in two tiers, one per state but warn."""
    from driftcli.fleet.outputs import to_html as fleet_html
    from driftcli.fleet.result import FleetResult, ModelRow

    def row(name: str, tier: str, owner: str, status: str, **kw: Any) -> ModelRow:
        return ModelRow(name=name, owner=owner, tier=tier, status=status,
                        exit_code=kw.pop("exit_code", 0), fails_job=kw.pop("fails_job", False),
                        health={"drift": "pass", "staleness": "pass"}, **kw)  # fmt: skip

    rows = (
        row("churn", "standard", "team-growth", "pass", drift_share=0.0, report="churn/r.html"),
        row("credit-risk", "critical", "team-risk", "fail", exit_code=1, fails_job=True,
            drift_share=0.5, streak=2, escalated=True, trend=(0.4, 0.5, 0.5)),
        row("nlp-intent", "standard", "team-nlp", "error", exit_code=2, fails_job=True,
            error="no column 'language'"),
        row("recsys", "critical", "team-reco", "pass", exit_code=1, fails_job=True,
            stale=True, stale_reason="newest data 8.0 days old", drift_share=0.1),
    )  # fmt: skip
    result = FleetResult("demo", "fleet.toml", "2026-11-28", "2026-11-29T00:00:00+00:00", rows)
    path = tmp_path / "fleet.html"
    path.write_text(fleet_html(result), encoding="utf-8")
    return path


def test_fleet_scorecard_sorts_and_filters_offline(visit: Any, tmp_path: Path) -> None:
    v = visit(_fleet_page(tmp_path))
    page = v.page
    names = "Array.from(document.querySelectorAll('#fleet tbody tr:not([hidden]) td:nth-child(2)')).map(e => e.textContent.trim())"  # noqa: E501
    assert page.evaluate(names) == ["churn", "credit-risk", "nlp-intent", "recsys"]
    page.click("#fleet th[data-key=state] button")  # worst first
    assert page.evaluate(names) == ["nlp-intent", "recsys", "credit-risk", "churn"]
    page.click("#fleet th[data-key=state] button")
    assert page.evaluate(names) == ["churn", "credit-risk", "recsys", "nlp-intent"]
    page.click("#fleet th[data-key=share] button")  # largest drift share first, blank last
    assert page.evaluate(names) == ["credit-risk", "recsys", "churn", "nlp-intent"]
    page.fill("#q", "team-risk")
    assert page.evaluate(names) == ["credit-risk"]
    assert page.locator("#shown").inner_text() == "1 of 4 models shown"
    page.fill("#q", "")
    page.select_option("#tier", "critical")
    assert sorted(page.evaluate(names)) == ["credit-risk", "recsys"]
    page.select_option("#state", "stale")
    assert page.evaluate(names) == ["recsys"]
    assert page.locator("a[href='churn/r.html']").count() == 1
    v.check_clean()
