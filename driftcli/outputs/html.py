"""Self-contained HTML report: one Jinja2 page, plotly.js inlined once, figures drawn on demand.

The page embeds only pre-aggregated data: per column, the pre-binned counts of its
:class:`~driftcli.results.records.Distribution`, its formatted summary statistics and its test
details, as one JSON blob. The page's script builds a column's drill-down (tables and a Plotly
figure) the first time its row is opened, so no figure is drawn at load and a report with
hundreds of columns stays small and opens fast. Sparklines and the segment heatmap are plain
server-side markup (no script needed to read them, and they print).

Every user string (column names, category labels, paths, segment values, reasons) reaches the
page through Jinja2 autoescaping or through the JSON blob, whose ``<``, ``>``, ``&``, U+2028
and U+2029 are written as ``\\uXXXX`` escapes so no value can close the ``<script>`` element.
The page script puts blob strings into the DOM only through ``textContent`` and Plotly (with
its HTML subset entity-escaped).

Layout: ``templates/report.html.j2`` is the page: the header, the column drift table and the
segments have their view functions here (``_header_view``, ``_drift_table_view``,
``_segments_view``); every registered section brings its own partial and view function
(:class:`~driftcli.sections.registry.HtmlView`, in the section's ``html.py`` and
``section.html.j2``), included before the column table (``early``) or after it (``late``). The
model's own columns (``Report.roles``) are left out of the drift table, heatmap and segment
tables and shown in "Prediction and target drift". Section charts take their series from the
same blob (``PageData.charts``: compact arrays, 4 significant digits) and are drawn when their
``<details class="chart">`` is opened. Style and script live in ``templates/assets/`` and are
inlined verbatim.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup

from driftcli.outputs.htmlkit import (
    HEAT_LEGEND,
    SEGMENT_STATUS_TEXT,
    SUMMARY_FIELDS,
    PageData,
    breakable,
    column_rows,
    features,
    fmt_num,
    fmt_share,
    fmt_time,
    heat_cell,
    json_for_script,
    lazy_rows,
    path_html,
    plural,
    status_counts,
)
from driftcli.results.records import (
    ColumnResult,
    SegmentResult,
    SourceInfo,
    sorted_columns,
)
from driftcli.results.report import Report
from driftcli.results.vocabulary import FailOn, Outcome, SegmentStatus, Severity, Status
from driftcli.sections.registry import placed, sections

__all__ = ["template_dir", "to_html"]


_SCRIPT_CLOSE_RE = re.compile(r"</(script)", re.IGNORECASE)


# --------------------------------------------------------------------------- resources


def template_dir() -> Path:
    """The templates folder: packaged in the wheel, else the source tree's top-level one."""
    try:
        packaged = importlib.resources.files("driftcli") / "templates"
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - odd import setups
        packaged = None
    if packaged is not None and packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "templates"


@functools.lru_cache(maxsize=1)
def _plotly_js() -> str:
    """The plotly.js bundle shipped with the plotly package, safe to inline in ``<script>``."""
    import plotly.offline

    js: str = plotly.offline.get_plotlyjs()
    # The bundle has no "</script" today; guard so a future one cannot end the element early.
    return _SCRIPT_CLOSE_RE.sub(r"<\\/\1", js)


@functools.lru_cache(maxsize=4)
def _asset(name: str) -> str:
    """A file from ``templates/assets``, checked so it cannot end its inline element."""
    text = (template_dir() / "assets" / name).read_text(encoding="utf-8")
    if re.search(r"</(script|style)", text, re.IGNORECASE):
        raise ValueError(f"templates/assets/{name} must not contain '</script' or '</style'")
    return text


@functools.lru_cache(maxsize=16)
def _script_text(path: Path) -> str:
    """A section's page script, checked so it cannot end its inline element."""
    text = path.read_text(encoding="utf-8")
    if re.search(r"</(script|style)", text, re.IGNORECASE):
        raise ValueError(f"{path} must not contain '</script' or '</style'")
    return text


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates, kept between runs in Jinja's own per-user folder of the
    temporary directory (``_jinja2-cache-<uid>``, mode 0700, checked to be the user's).

    A cached entry is keyed by the template's name and checked against its source, so an
    edited template is compiled again. A cache that cannot be written (a read-only or full
    disk) is skipped: it never fails a report."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@functools.lru_cache(maxsize=1)
def template_cache() -> jinja2.BytecodeCache | None:
    """The shared cache of compiled templates; None where no safe folder can be had."""
    try:
        return _TemplateCache(pattern="driftcli_%s.cache")
    except (OSError, RuntimeError):  # Jinja's check of the folder's owner and mode failed
        return None


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        bytecode_cache=template_cache(),
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(template_dir())),
                jinja2.FunctionLoader(_section_template),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


# --------------------------------------------------------------------------- formatting


# --------------------------------------------------------------------------- JSON blob


# --------------------------------------------------------------------------- sparklines


# --------------------------------------------------------------------------- view models


def _correction_view(report: Report) -> dict[str, str]:
    """The multiple-testing correction and how many p-value results it covered; a run of
    distance tests only says so rather than "over 0 p-value tests"."""
    c = report.correction
    if c.tests == 0:
        return {"text": f"{c.method.value} (none needed: no p-value tests)"}
    return {"text": c.description}


#: How a section's failed checks read in the header's "FAIL from" line: (one, many), by the
#: section's key; ``{n}`` is the count, ``{scope}`` the one check's name (its scope).
_SECTION_FAILS: dict[str, tuple[str, str]] = {
    "performance": ("a performance rule", "{n} performance rules"),
    "windows": ("the consecutive-window rule", "the consecutive-window rule"),
    "online": ("an online limit", "{n} online limits"),
    "integrity": ("an integrity check", "{n} integrity checks"),
    "concept_drift": ("concept drift ({scope})", "concept drift in {n} scopes"),
}


def _drift_fail_sources(report: Report) -> list[dict[str, str]]:
    """The column drift behind a FAIL, at the ``fail_on`` level (as results/verdict.py
    decides it): dataset drift overall and per segment, or the drifted columns."""
    config = report.config
    out: list[dict[str, str]] = []
    if config.to_dict().get("column_errors") == "fail":
        errors = [c for c in report.columns if c.status is Status.ERROR]
        errors += [c for s in report.segments for c in s.columns if c.status is Status.ERROR]
        if errors:
            out.append({"text": plural(len(errors), "column test") + " without a result",
                        "href": "drift"})  # fmt: skip
    if config.fail_on is FailOn.DATASET:
        if report.dataset.drifted:
            out.append({"text": "dataset drift overall", "href": "drift"})
        for i, seg in enumerate(report.segments):
            if seg.dataset is not None and seg.dataset.drifted:
                out.append({"text": f"dataset drift in segment {seg.label}", "href": f"seg{i}"})
    elif config.fail_on is FailOn.COLUMN:
        names = [c.column for c in report.columns if c.drifted]
        for seg in report.segments:
            names += [c.column for c in seg.columns if c.drifted and c.column not in names]
        if names:
            text = ", ".join(names) if len(names) <= 3 else plural(len(names), "column")
            out.append({"text": f"column drift in {text}", "href": "drift"})
    return out


def _fail_sources(report: Report) -> list[dict[str, str]]:
    """What made the run fail, one short phrase per level, each with the anchor to read it at:
    ``dataset drift in segment region=south``, ``a performance rule``, ``an online limit``."""
    if report.status != "fail" or report.config.fail_on is FailOn.NEVER:
        return []
    out = _drift_fail_sources(report)
    for spec in sections():
        section = report.sections.get(spec.key)
        if section is None:
            continue
        failed = [c for c in section.checks() if c.outcome is Outcome.FAIL]
        n = len(failed) or sum(1 for f in section.findings() if f.severity is Severity.FAIL)
        if not n:
            continue
        one, many = _SECTION_FAILS.get(
            spec.key, (f"{section.title}: a failed check", f"{section.title}: {{n}} failed checks")
        )
        scope = failed[0].name if failed else ""
        text = (one if n == 1 else many).format(n=n, scope=scope)
        out.append({"text": text, "href": spec.html.anchor if spec.html is not None else ""})
    if not out:  # a section without checks or findings that still failed the run
        out.append({"text": "the reasons below", "href": ""})
    return out


def _verdict_line(report: Report) -> str:
    """The whole data's dataset drift, said next to the verdict: a green "no dataset drift"
    never sits under a red FAIL without the levels that did fail beside it."""
    if report.dataset.drifted:
        fail_on = report.config.fail_on
        if fail_on is FailOn.DATASET:
            return "Dataset drift overall"
        return f"Dataset drift overall (not a breach at fail_on = {fail_on})"
    if report.dataset.columns_tested:
        return "No dataset drift overall"
    return "No columns tested overall"


def _time_range(info: SourceInfo) -> dict[str, str] | None:
    """First and last timestamp (whole seconds) and the time column."""
    tr = info.time_range
    if tr is None:
        return None
    return {"first": fmt_time(tr.min) or "?", "last": fmt_time(tr.max) or "?", "column": tr.column}


def _header_view(report: Report) -> dict[str, Any]:
    """Verdict, counts, dataset drift, inputs, version, config and warnings."""
    failed = report.status == "fail"
    ds = report.dataset
    config = report.config.to_dict()
    sources = _fail_sources(report)
    return {
        "verdict": report.status.upper(),
        "failed": failed,
        "icon": "\u2716" if failed else "\u2714",
        "overall": _verdict_line(report),
        "fail_from": sources,
        "reasons": [fmt_time(r) for r in report.breaches],
        "counts": status_counts(report.feature_columns),
        "model_columns": len(report.model_columns),
        "sections": _sections_summary(report),
        "dataset": {
            "drifted": ds.drifted,
            "tested": ds.columns_tested,
            "columns_drifted": ds.columns_drifted,
            "share": fmt_share(ds.drift_share),
            "threshold": fmt_share(ds.drift_share_threshold),
            "bar": min(100.0, round(ds.drift_share * 100, 1)),
            "mark": min(100.0, round(ds.drift_share_threshold * 100, 1)),
        },
        "exit_code": int(report.exit_code),
        "exit_name": report.exit_code.name,
        "fail_on": config.get("fail_on", ""),
        "correction": _correction_view(report),
        "inputs": [
            {
                "role": role,
                "source": path_html(info.source),
                "rows": fmt_num(info.rows),
                "columns": fmt_num(info.columns),
                "time_range": _time_range(info),
            }
            for role, info in (("reference", report.reference), ("current", report.current))
        ],
        "version": report.driftcli_version,
        "generated_at": report.generated_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "config": [
            {"key": key, "value": json.dumps(value, ensure_ascii=False, sort_keys=True)}
            for key, value in config.items()
        ],
        "warnings": [fmt_time(w) for w in report.warnings],
        "notices": [fmt_time(n) for n in report.notices]
        + ([report.engine.description] if report.engine is not None else []),
    }


def _drift_table_view(report: Report, blob: dict[str, Any]) -> dict[str, Any]:
    """The whole-dataset table of feature columns, drifted columns first."""
    features = report.feature_columns
    return {
        "rows": column_rows(features, "c", blob),
        "counts": status_counts(features),
    }


def _segment_view(
    index: int,
    seg: SegmentResult,
    blob: dict[str, Any],
    roles: Mapping[str, str],
    fail_on: FailOn = FailOn.DATASET,
) -> dict[str, Any]:
    tested = seg.status is SegmentStatus.TESTED
    columns = features(seg.columns, roles)
    dataset: dict[str, Any] | None = None
    if seg.dataset is not None:
        dataset = {
            "drifted": seg.dataset.drifted,
            "tested": seg.dataset.columns_tested,
            "columns_drifted": seg.dataset.columns_drifted,
            "share": fmt_share(seg.dataset.drift_share),
            "threshold": fmt_share(seg.dataset.drift_share_threshold),
        }
    if not tested:
        verdict, icon, css = "not tested", "\u2013", "st-skipped"
    elif dataset is not None and dataset["drifted"]:
        # a segment's dataset drift is a breach only at fail_on = dataset
        verdict, icon = "drift", "\u2716"
        css = "st-drift" if fail_on is FailOn.DATASET else "st-note"
    else:
        verdict, icon, css = "ok", "\u2714", "st-ok"
    return {
        "id": f"seg{index}",
        "label": seg.label or "(all rows)",
        "status": str(seg.status),
        "status_text": SEGMENT_STATUS_TEXT.get(seg.status, str(seg.status)),
        "tested": tested,
        "verdict": verdict,
        "css": css,
        "icon": icon,
        "rows_reference": fmt_num(seg.rows_reference),
        "rows_current": fmt_num(seg.rows_current),
        "reason": fmt_time(seg.reason),
        "dataset": dataset,
        # built by the page script on first open: thousands of collapsed rows would
        # otherwise dominate parse time of a wide, segmented report
        "row_ids": lazy_rows(columns, f"s{index}c", blob),
        "counts": status_counts(columns),
    }


def _heatmap_view(report: Report, entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Columns x (all rows + each tested segment), coloured by drift score.

    Columns are the rows of the matrix so that many columns grow the page downwards, never
    sideways; they are ordered by their strongest drift anywhere.
    """
    roles = report.roles
    tested = [
        (i, seg)
        for i, seg in enumerate(report.segments)
        if seg.status is SegmentStatus.TESTED and features(seg.columns, roles)
    ]
    if not tested:
        return None
    overall = {c.column: (c, f"c{i}") for i, c in enumerate(sorted_columns(report.feature_columns))}
    per_segment: list[dict[str, tuple[ColumnResult, str]]] = []
    for i, seg in tested:
        cols = sorted_columns(features(seg.columns, roles))
        per_segment.append({c.column: (c, f"s{i}c{j}") for j, c in enumerate(cols)})
    names = list(overall)
    for table in per_segment:
        names.extend(n for n in table if n not in overall and n not in names)

    def strongest(name: str) -> tuple[int, float, str]:
        cols = [t[name][0] for t in [overall, *per_segment] if name in t]
        drifted = any(c.drifted for c in cols)
        tested_any = any(c.tested for c in cols)
        score = max((c.drift_score or 0.0 for c in cols if c.tested), default=0.0)
        return (0 if drifted else 1 if tested_any else 2, -score, name)

    rows = []
    for name in sorted(names, key=strongest):
        cells = []
        for table in [overall, *per_segment]:
            col, row_id = table.get(name, (None, None))
            cells.append(heat_cell(col, row_id))
        if all(c["cls"] == "hn" and not c["href"] for c in cells):
            continue
        rows.append({"column": name, "cells": cells})
    heads = [{"label": "all rows", "href": "drift"}]
    heads += [
        {"label": breakable(entries[i]["label"], "=,"), "href": entries[i]["id"]} for i, _ in tested
    ]
    return {
        "heads": heads,
        "rows": rows,
        "legend": [{"cls": f"h{i}", "text": t} for i, t in enumerate(HEAT_LEGEND)],
    }


def _segments_view(report: Report, blob: dict[str, Any]) -> dict[str, Any]:
    """Heatmap, untested segments with reasons, and each segment's (collapsed) column table."""
    fail_on = report.config.fail_on
    items = [
        _segment_view(i, seg, blob, report.roles, fail_on) for i, seg in enumerate(report.segments)
    ]
    return {
        "segment_by": list(report.config.segment_by),
        "entries": items,
        "untested": [s for s in items if not s["tested"]],
        "tested": sum(1 for s in items if s["tested"]),
        "drifted": sum(1 for s in items if s["verdict"] == "drift"),
        "heatmap": _heatmap_view(report, items),
    }


# --------------------------------------------------------------------------- issue 6 sections


def _section_views(report: Report, page: PageData, where: Literal["early", "late"]) -> list[Any]:
    """The sections placed ``where`` that ran and have an HTML view: anchor, nav label,
    template and the view's context (None hides the section and its nav link)."""
    out: list[dict[str, Any]] = []
    for spec in placed(where):
        section = report.sections.get(spec.key)
        if section is None or spec.html is None:
            continue
        out.append(
            {
                "anchor": spec.html.anchor,
                "nav": spec.html.nav,
                "template": f"section:{spec.key}",
                "view": spec.html.view(section, report, page),
                "script": spec.html.script,
            }
        )
    return out


def _page_view(report: Report) -> dict[str, Any]:
    page = PageData()
    header = _header_view(report)
    drift_table = _drift_table_view(report, page.rows)
    segments = _segments_view(report, page.rows)
    early = _section_views(report, page, "early")
    late = _section_views(report, page, "late")
    scripts = [s["script"] for s in early + late if s["view"] and s["script"] is not None]
    return {
        "title": f"driftcli report: {header['verdict']}",
        "header": header,
        "drift_table": drift_table,
        "segments": segments,
        "early_sections": early,
        "late_sections": late,
        # Markup: already escaped for a <script> element (see json_for_script).
        "data_json": Markup(
            json_for_script(
                {
                    "summary_labels": [f[1] for f in SUMMARY_FIELDS],
                    "rows": page.rows,
                    "tables": {s["id"]: s["row_ids"] for s in segments["entries"] if s["row_ids"]},
                    **page.charts,
                }
            )
        ),
        "plotly_js": Markup(_plotly_js()),
        "page_css": Markup(_asset("report.css")),
        "page_js": Markup(_asset("report.js")),
        "section_js": [Markup(_script_text(path)) for path in scripts],
    }


def _sections_summary(report: Report) -> list[dict[str, str]]:
    """Each late section's line in the page header (what failed or warned, with a link)."""
    out: list[dict[str, str]] = []
    for spec in sections():
        section = report.sections.get(spec.key)
        if section is None or spec.html is None or spec.html.summary is None:
            continue
        line = spec.html.summary(section, report)
        if line is not None:
            out.append(line)
    return out


def _section_template(name: str) -> str | None:
    """The partial of a registered section, loaded as ``section:<key>``."""
    if not name.startswith("section:"):
        return None
    for spec in sections():
        if spec.key == name.removeprefix("section:") and spec.html is not None:
            return spec.html.template.read_text(encoding="utf-8")
    return None


# --------------------------------------------------------------------------- entry point


def to_html(report: Report) -> str:
    """Render ``report`` as one self-contained HTML page (no network needed to open it)."""
    template = _environment().get_template("report.html.j2")
    return template.render(**_page_view(report))
