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

import functools
import importlib.resources
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import jinja2
from markupsafe import Markup

from driftcli.outputs.htmlkit import (
    HEAT_LEGEND,
    SEGMENT_STATUS_TEXT,
    SUMMARY_FIELDS,
    PageData,
    column_rows,
    features,
    fmt_num,
    fmt_share,
    heat_cell,
    json_for_script,
    lazy_rows,
    status_counts,
)
from driftcli.results.records import (
    ColumnResult,
    SegmentResult,
    sorted_columns,
)
from driftcli.results.report import Report
from driftcli.results.vocabulary import SegmentStatus
from driftcli.sections.registry import placed, sections

if TYPE_CHECKING:
    pass

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


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
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


def _correction_view(report: Report, config: dict[str, Any]) -> dict[str, str] | None:
    """The multiple-testing correction, when the report records one; None otherwise.

    The correction fields are added by the statistics work (issue 3); this view reads them
    defensively so the page shows them as soon as the model has them.
    """
    corr = getattr(report, "correction", None)
    method: object = None
    count: object = None
    if corr is not None:
        if isinstance(corr, str):
            method = corr
        elif isinstance(corr, dict):
            method = corr.get("method")
            count = corr.get("tests", corr.get("n_tests", corr.get("count")))
        elif isinstance(getattr(corr, "description", None), str):
            return {"text": corr.description}
        else:
            method = getattr(corr, "method", None)
            for name in ("pvalue_tests", "tests", "n_tests", "count"):
                if isinstance(getattr(corr, name, None), int):
                    count = getattr(corr, name)
                    break
    if method is None:
        method = config.get("correction")
    if method is None:
        return None
    text = str(getattr(method, "value", method))
    if isinstance(count, int) and not isinstance(count, bool):
        text += f", over {count:,} p-value test{'s' if count != 1 else ''}"
    return {"text": text}


def _header_view(report: Report) -> dict[str, Any]:
    """Verdict, counts, dataset drift, inputs, version, config and warnings."""
    failed = report.status == "fail"
    ds = report.dataset
    config = report.config.to_dict()
    return {
        "verdict": report.status.upper(),
        "failed": failed,
        "icon": "\u2716" if failed else "\u2714",
        "reasons": list(report.breaches),
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
        "correction": _correction_view(report, config),
        "inputs": [
            {
                "role": role,
                "source": info.source,
                "rows": fmt_num(info.rows),
                "columns": fmt_num(info.columns),
                "time_range": (
                    None
                    if info.time_range is None
                    else f"{info.time_range.min or '?'} to {info.time_range.max or '?'} "
                    f"({info.time_range.column})"
                ),
            }
            for role, info in (("reference", report.reference), ("current", report.current))
        ],
        "version": report.driftcli_version,
        "generated_at": report.generated_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "config": [
            {"key": key, "value": json.dumps(value, ensure_ascii=False, sort_keys=True)}
            for key, value in config.items()
        ],
        "warnings": list(report.warnings),
        "notices": list(report.notices),
    }


def _drift_table_view(report: Report, blob: dict[str, Any]) -> dict[str, Any]:
    """The whole-dataset table of feature columns, drifted columns first."""
    features = report.feature_columns
    return {
        "rows": column_rows(features, "c", blob),
        "counts": status_counts(features),
    }


def _segment_view(
    index: int, seg: SegmentResult, blob: dict[str, Any], roles: Mapping[str, str]
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
        verdict, icon = "not tested", "\u2013"
    elif dataset is not None and dataset["drifted"]:
        verdict, icon = "drift", "\u2716"
    else:
        verdict, icon = "ok", "\u2714"
    return {
        "id": f"seg{index}",
        "label": seg.label or "(all rows)",
        "status": str(seg.status),
        "status_text": SEGMENT_STATUS_TEXT.get(seg.status, str(seg.status)),
        "tested": tested,
        "verdict": verdict,
        "icon": icon,
        "rows_reference": fmt_num(seg.rows_reference),
        "rows_current": fmt_num(seg.rows_current),
        "reason": seg.reason or "",
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
    heads += [{"label": entries[i]["label"], "href": entries[i]["id"]} for i, _ in tested]
    return {
        "heads": heads,
        "rows": rows,
        "legend": [{"cls": f"h{i}", "text": t} for i, t in enumerate(HEAT_LEGEND)],
    }


def _segments_view(report: Report, blob: dict[str, Any]) -> dict[str, Any]:
    """Heatmap, untested segments with reasons, and each segment's (collapsed) column table."""
    items = [_segment_view(i, seg, blob, report.roles) for i, seg in enumerate(report.segments)]
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
