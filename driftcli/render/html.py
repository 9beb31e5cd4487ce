"""Self-contained HTML report: one Jinja2 page, plotly.js inlined once, figures drawn on demand.

The page embeds only pre-aggregated data: per column, the pre-binned counts of its
:class:`~driftcli.model.Distribution`, its formatted summary statistics and its test details,
as one JSON blob. The page's script builds a column's drill-down (tables and a Plotly figure)
the first time its row is opened, so no figure is drawn at load and a report with hundreds of
columns stays small and opens fast. Sparklines and the segment heatmap are plain server-side
markup (no script needed to read them, and they print).

Every user string (column names, category labels, paths, segment values, reasons) reaches the
page through Jinja2 autoescaping or through the JSON blob, whose ``<``, ``>``, ``&``, U+2028
and U+2029 are written as ``\\uXXXX`` escapes so no value can close the ``<script>`` element.
The page script puts blob strings into the DOM only through ``textContent`` and Plotly (with
its HTML subset entity-escaped).

Layout: ``templates/report.html.j2`` includes one partial per section; each section has a
view-model function here (``_header_view``, ``_drift_table_view``, ``_segments_view``,
``_model_drift_view``, ``_performance_view``, ``_windows_view``, ``_concept_drift_view``,
``_online_view``). The model's own columns (``Report.roles``) are left out of the drift table,
heatmap and segment tables and shown in "Prediction and target drift". Charts of the issue-6
sections (windows, concept drift, online metrics) take their series from the same blob
(``windows``, ``concept``, ``online``: compact arrays, 4 significant digits) and are drawn when
their ``<details class="chart">`` is opened. A new section is a new partial plus a new
view function called from :func:`_page_view`. Style and script live in ``templates/assets/``
and are inlined verbatim.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from driftcli.model import (
    ColumnResult,
    Distribution,
    Report,
    SegmentResult,
    SegmentStatus,
    SideSummary,
    Status,
    sorted_columns,
)

if TYPE_CHECKING:
    from driftcli.concept_report import ChangePoint, ConceptScope
    from driftcli.model_perf import ScopePerformance
    from driftcli.performance import ConfusionMatrix, MetricDifference, PerformanceResult
    from driftcli.windows import WindowSection

__all__ = ["template_dir", "to_html"]

#: Icon and text per column status: the text is always shown, colour is never the only signal.
_STATUS_ICONS: dict[Status, str] = {
    Status.DRIFT: "\u2716",  # heavy multiplication x
    Status.OK: "\u2714",  # heavy check mark
    Status.SKIPPED: "\u2013",  # en dash
    Status.ERROR: "\u26a0",  # warning sign
}

_SEGMENT_STATUS_TEXT: dict[SegmentStatus, str] = {
    SegmentStatus.TESTED: "tested",
    SegmentStatus.MISSING_REFERENCE: "missing in reference",
    SegmentStatus.MISSING_CURRENT: "missing in current",
    SegmentStatus.TOO_SMALL: "too small",
}

#: SideSummary fields in display order, with their labels.
_SUMMARY_FIELDS: tuple[tuple[str, str], ...] = (
    ("count", "rows"),
    ("nulls", "nulls"),
    ("unique", "distinct"),
    ("mean", "mean"),
    ("std", "std"),
    ("min", "min"),
    ("p25", "25%"),
    ("p50", "median"),
    ("p75", "75%"),
    ("max", "max"),
    ("top", "most frequent"),
    ("top_share", "most frequent share"),
)

#: Heatmap colour buckets by drift score (threshold-relative, >= 1 is drift): upper bounds.
_HEAT_BOUNDS: tuple[float, ...] = (0.5, 0.8, 1.0, 2.0, 5.0)
_HEAT_LEGEND: tuple[str, ...] = ("< 0.5", "0.5 to 0.8", "0.8 to 1", "1 to 2", "2 to 5", "\u2265 5")

#: Sparkline geometry (SVG user units); bins beyond this many are merged pairwise.
_SPARK_MAX_BINS = 15
_SPARK_H = 20

#: Candidate names of per-result adjusted p-values (multiple-testing correction).
_ADJUSTED_FIELDS = ("pvalue_adjusted", "adjusted_pvalue", "pvalue_corrected")

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")
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


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


# --------------------------------------------------------------------------- formatting


def _fmt_num(value: float | int | None) -> str:
    """A number with 4 significant digits; ``""`` for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    x = float(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "\u221e" if x > 0 else "\u2212\u221e"
    if x == 0:
        return "0"
    magnitude = abs(x)
    if 1e-3 <= magnitude < 1e6:
        exponent = math.floor(math.log10(magnitude))
        decimals = max(0, 3 - exponent)
        text = f"{x:,.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    mantissa, _, exp = f"{x:.3e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{exp}"


def _fmt_pvalue(value: float | None) -> str:
    """p-values: 4 significant digits from 0.001 up, else scientific like ``1.2e-08``."""
    if value is None:
        return ""
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    if value < 1e-3:
        return f"{value:.1e}"
    return _fmt_num(value)


def _fmt_share(value: float) -> str:
    """A share as a percentage with up to one decimal."""
    text = f"{value * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def _fmt_score(value: float | None) -> str:
    """A drift score with 2 significant digits (3 from 100 up); ``""`` for None."""
    if value is None or not math.isfinite(value):
        return ""
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.2g}"


def _fmt_summary_value(name: str, value: object) -> str:
    if value is None:
        return ""
    if name == "top_share" and isinstance(value, float):
        return _fmt_share(value)
    if isinstance(value, (int, float)):
        return _fmt_num(value)
    return str(value)


# --------------------------------------------------------------------------- JSON blob


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _sort_key(value: float | None) -> float | None:
    """A number kept only for sorting: 7 significant digits, None when absent or not finite."""
    return None if value is None else _round_sig(value)


def _round_sig(value: float) -> float | None:
    """7 significant digits: enough for a plot axis, a third of the bytes of a full float."""
    if not math.isfinite(value):
        return None
    return float(f"{value:.7g}")


def _distribution_data(dist: Distribution) -> dict[str, Any]:
    """Compact plot data; histogram labels are rebuilt from the edges by the page script.

    Equal-width edges (the usual case) travel as their two ends; others in full.
    """
    data: dict[str, Any] = {
        "t": dist.type,
        "r": list(dist.reference),
        "c": list(dist.current),
    }
    edges = dist.edges
    if dist.type == "histogram" and len(edges) == len(dist.reference) + 1:
        n = len(edges) - 1
        lo, hi = edges[0], edges[-1]
        step = (hi - lo) / n if n else 0.0
        even = all(math.isfinite(e) for e in edges) and all(
            abs(e - (lo + i * step)) <= 1e-9 * max(abs(lo), abs(hi), 1e-300)
            for i, e in enumerate(edges)
        )
        data["e"] = (
            [_round_sig(lo), _round_sig(hi)] if even and n > 1 else [_round_sig(e) for e in edges]
        )
    else:
        data["l"] = list(dist.labels)
    return data


def _json_for_script(data: object) -> str:
    """JSON that is inert inside ``<script type="application/json">`` (no ``</script>``)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


# --------------------------------------------------------------------------- sparklines


def _spark_bins(counts: Sequence[int]) -> list[int]:
    """Merge neighbouring bins pairwise until at most ``_SPARK_MAX_BINS`` remain."""
    out = list(counts)
    while len(out) > _SPARK_MAX_BINS:
        out = [sum(out[i : i + 2]) for i in range(0, len(out), 2)]
    return out


def _sparkline(dist: Distribution | None) -> Markup:
    """A tiny inline SVG: reference shares as a filled area, current shares as a line.

    Built from numbers only (no user text), so it is safe as Markup. Two different marks
    (area and line) keep the sides apart without relying on colour.
    """
    paths = _spark_paths(dist)
    if paths is None:
        return Markup("")
    width, area, line = paths
    return Markup(
        f'<svg class="spark" viewBox="0 0 {width} {_SPARK_H}" preserveAspectRatio="none" '
        f'aria-hidden="true"><path class="sr" d="{area}"/><path class="sc" d="{line}"/></svg>'
    )


def _spark_paths(dist: Distribution | None) -> tuple[int, str, str] | None:
    """Width and the two SVG path strings (digits and path letters only) of a sparkline."""
    if dist is None or not dist.reference:
        return None
    ref, cur = _spark_bins(dist.reference), _spark_bins(dist.current)
    n = len(ref)
    tot_r, tot_c = sum(ref) or 1, sum(cur) or 1
    shares_r = [v / tot_r for v in ref]
    shares_c = [v / tot_c for v in cur]
    top = max(*shares_r, *shares_c, 1e-12)
    step = 4

    def ys(shares: list[float]) -> list[int]:
        return [round(_SPARK_H - 1 - (_SPARK_H - 2) * s / top) for s in shares]

    def steps(y: list[int], start: int) -> str:
        # a vertical move only where the level changes; runs of one level are one H
        out, prev = [], start
        for i, v in enumerate(y):
            if v != prev:
                out.append(f"H{i * step}V{v}")
                prev = v
        return "".join(out) + f"H{len(y) * step}"

    width = n * step
    y_ref, y_cur = ys(shares_r), ys(shares_c)
    area = f"M0 {_SPARK_H}V{y_ref[0]}{steps(y_ref, y_ref[0])}V{_SPARK_H}Z"
    line = f"M0 {y_cur[0]}{steps(y_cur, y_cur[0])}"
    return width, area, line


# --------------------------------------------------------------------------- view models


def _summary_rows(reference: SideSummary | None, current: SideSummary | None) -> list[list[Any]]:
    """``[field index, reference, current]`` per field present (labels: ``_SUMMARY_FIELDS``)."""
    rows: list[list[Any]] = []
    for i, (name, _label) in enumerate(_SUMMARY_FIELDS):
        ref = getattr(reference, name) if reference is not None else None
        cur = getattr(current, name) if current is not None else None
        if ref is None and cur is None:
            continue
        rows.append([i, _fmt_summary_value(name, ref), _fmt_summary_value(name, cur)])
    return rows


def _adjusted_pvalue(col: ColumnResult) -> float | None:
    """The corrected p-value when the engine recorded one (multiple-testing correction)."""
    for name in _ADJUSTED_FIELDS:
        value = getattr(col, name, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def _test_details(col: ColumnResult, adjusted: float | None) -> list[list[str]]:
    """Label/value pairs that explain the verdict beyond the row's own cells.

    The page script puts the row's test, statistic, p-value, threshold and verdict first.
    """
    details: list[list[str]] = []
    if col.test_type:
        details.append(["test type", col.test_type])
    if adjusted is not None:
        details.append(["adjusted p-value", _fmt_pvalue(adjusted)])
    if col.test_type == "p-value":
        p_used = "adjusted p" if adjusted is not None else "p"
        details.append(["rule", f"drift when {p_used} < threshold"])
    elif col.test_type == "distance":
        details.append(["rule", "drift when statistic ≥ threshold"])
    if col.effect_size is not None and col.effect_size_name:
        details.append(["effect size", f"{col.effect_size_name} = {col.effect_size:.4g}"])
    if col.auto_threshold is not None:
        details.append(["threshold source", col.auto_threshold.description])
    if col.drift_score is not None:
        details.append(["drift score", _fmt_score(col.drift_score)])
    details.append(["kind", f"{col.kind} ({col.kind_source})"])
    if col.reason:
        details.append(["note", col.reason])
    return details


def _column_row(col: ColumnResult, row_id: str, blob: dict[str, Any]) -> dict[str, Any]:
    """One column-table row; stores its drill-down data in ``blob[row_id]``."""
    is_distance = col.test_type == "distance"
    adjusted = _adjusted_pvalue(col)
    entry: dict[str, Any] = {
        # raw sort keys: statistic, p-value, threshold, drift score (null when absent)
        "v": [
            _sort_key(col.statistic),
            None if is_distance else _sort_key(col.pvalue),
            _sort_key(col.threshold),
            _sort_key(col.drift_score),
        ],
        "s": _summary_rows(col.reference, col.current),
        "x": _test_details(col, adjusted),
    }
    has_plot = col.distribution is not None and len(col.distribution.reference) > 0
    if has_plot:
        assert col.distribution is not None
        entry["d"] = _distribution_data(col.distribution)
    blob[row_id] = entry
    return {
        "id": row_id,
        "column": col.column,
        "kind": str(col.kind),
        "kind_source": col.kind_source,
        "test": col.test or "",
        "test_type": col.test_type or "",
        "statistic": _fmt_num(col.statistic),
        "pvalue": "" if is_distance else _fmt_pvalue(col.pvalue),
        "adjusted": _fmt_pvalue(adjusted) if adjusted is not None else "",
        "threshold": _fmt_num(col.threshold),
        "score": _fmt_score(col.drift_score),
        "status": str(col.status),
        "icon": _STATUS_ICONS[col.status],
        "reason": col.reason or "",
        "spark": _sparkline(col.distribution) if has_plot else Markup(""),
        "role": "",
    }


def _column_rows(
    columns: tuple[ColumnResult, ...], prefix: str, blob: dict[str, Any]
) -> list[dict[str, Any]]:
    return [_column_row(col, f"{prefix}{i}", blob) for i, col in enumerate(sorted_columns(columns))]


#: Fields of a lazily built row's summary line, in the order of ``h`` in the blob.
_ROW_HEAD_FIELDS = (
    "status", "icon", "column", "kind", "kind_source", "test",
    "statistic", "pvalue", "adjusted", "threshold", "score", "reason",
)  # fmt: skip


def _lazy_rows(columns: tuple[ColumnResult, ...], prefix: str, blob: dict[str, Any]) -> list[str]:
    """Rows the page script builds when their table is first opened (segment tables).

    Each row's summary-line fields go into the blob as ``h`` (``_ROW_HEAD_FIELDS`` order,
    then the sparkline's width and paths or null); returns the row ids in table order.
    """
    ids = []
    for i, col in enumerate(sorted_columns(columns)):
        row_id = f"{prefix}{i}"
        row = _column_row(col, row_id, blob)
        blob[row_id]["h"] = [row[k] for k in _ROW_HEAD_FIELDS] + [_spark_paths(col.distribution)]
        ids.append(row_id)
    return ids


def _status_counts(columns: Sequence[ColumnResult]) -> dict[str, int]:
    counts = {str(s): 0 for s in Status}
    for col in columns:
        counts[str(col.status)] += 1
    return {
        "total": len(columns),
        "tested": counts["ok"] + counts["drift"],
        "drifted": counts["drift"],
        "ok": counts["ok"],
        "skipped": counts["skipped"],
        "error": counts["error"],
    }


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
        "counts": _status_counts(report.feature_columns),
        "model_columns": len(report.model_columns),
        "sections": _sections_summary(report),
        "dataset": {
            "drifted": ds.drifted,
            "tested": ds.columns_tested,
            "columns_drifted": ds.columns_drifted,
            "share": _fmt_share(ds.drift_share),
            "threshold": _fmt_share(ds.drift_share_threshold),
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
                "rows": _fmt_num(info.rows),
                "columns": _fmt_num(info.columns),
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
    }


def _features(
    columns: tuple[ColumnResult, ...], roles: Mapping[str, str]
) -> tuple[ColumnResult, ...]:
    """The feature columns among ``columns``: the model's own (``roles``) are reported apart."""
    return tuple(c for c in columns if c.column not in roles) if roles else columns


def _drift_table_view(report: Report, blob: dict[str, Any]) -> dict[str, Any]:
    """The whole-dataset table of feature columns, drifted columns first."""
    features = report.feature_columns
    return {
        "rows": _column_rows(features, "c", blob),
        "counts": _status_counts(features),
    }


def _segment_view(
    index: int, seg: SegmentResult, blob: dict[str, Any], roles: Mapping[str, str]
) -> dict[str, Any]:
    tested = seg.status is SegmentStatus.TESTED
    columns = _features(seg.columns, roles)
    dataset: dict[str, Any] | None = None
    if seg.dataset is not None:
        dataset = {
            "drifted": seg.dataset.drifted,
            "tested": seg.dataset.columns_tested,
            "columns_drifted": seg.dataset.columns_drifted,
            "share": _fmt_share(seg.dataset.drift_share),
            "threshold": _fmt_share(seg.dataset.drift_share_threshold),
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
        "status_text": _SEGMENT_STATUS_TEXT.get(seg.status, str(seg.status)),
        "tested": tested,
        "verdict": verdict,
        "icon": icon,
        "rows_reference": _fmt_num(seg.rows_reference),
        "rows_current": _fmt_num(seg.rows_current),
        "reason": seg.reason or "",
        "dataset": dataset,
        # built by the page script on first open: thousands of collapsed rows would
        # otherwise dominate parse time of a wide, segmented report
        "row_ids": _lazy_rows(columns, f"s{index}c", blob),
        "counts": _status_counts(columns),
    }


def _heat_class(col: ColumnResult | None) -> str:
    if col is None or not col.tested or col.drift_score is None:
        return "hn"
    for i, bound in enumerate(_HEAT_BOUNDS):
        if col.drift_score < bound:
            return f"h{i}"
    return f"h{len(_HEAT_BOUNDS)}"


def _heat_cell(col: ColumnResult | None, row_id: str | None) -> dict[str, Any]:
    if col is None:
        return {"cls": "hn", "text": "n/a", "href": None, "label": "not compared in this segment"}
    if col.tested:
        icon = _STATUS_ICONS[col.status]
        text = f"{icon} {_fmt_score(col.drift_score)}"
        label = f"{col.status}, drift score {_fmt_score(col.drift_score)}"
    else:
        text = _STATUS_ICONS[col.status]
        label = f"{col.status}: {col.reason or ''}"
    return {"cls": _heat_class(col), "text": text, "href": row_id, "label": label}


def _heatmap_view(report: Report, entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Columns x (all rows + each tested segment), coloured by drift score.

    Columns are the rows of the matrix so that many columns grow the page downwards, never
    sideways; they are ordered by their strongest drift anywhere.
    """
    roles = report.roles
    tested = [
        (i, seg)
        for i, seg in enumerate(report.segments)
        if seg.status is SegmentStatus.TESTED and _features(seg.columns, roles)
    ]
    if not tested:
        return None
    overall = {c.column: (c, f"c{i}") for i, c in enumerate(sorted_columns(report.feature_columns))}
    per_segment: list[dict[str, tuple[ColumnResult, str]]] = []
    for i, seg in tested:
        cols = sorted_columns(_features(seg.columns, roles))
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
            cells.append(_heat_cell(col, row_id))
        if all(c["cls"] == "hn" and not c["href"] for c in cells):
            continue
        rows.append({"column": name, "cells": cells})
    heads = [{"label": "all rows", "href": "drift"}]
    heads += [{"label": entries[i]["label"], "href": entries[i]["id"]} for i, _ in tested]
    return {
        "heads": heads,
        "rows": rows,
        "legend": [{"cls": f"h{i}", "text": t} for i, t in enumerate(_HEAT_LEGEND)],
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

#: Outcome status -> (css class, icon); shared by performance rules, window rule, online limits.
_OUTCOME_CSS: dict[str, tuple[str, str]] = {
    "fail": ("st-drift", "\u2716"),
    "warn": ("st-error", "\u26a0"),
    "not_evaluated": ("st-skipped", "\u2013"),
    "pass": ("st-ok", "\u2714"),
}
_OUTCOME_ORDER = {"fail": 0, "warn": 1, "not_evaluated": 2, "pass": 3}

#: Metrics shown per segment and per window, by task (the first present ones are used).
_HEADLINE_METRICS: dict[str, tuple[str, ...]] = {
    "binary": ("accuracy", "f1", "roc_auc"),
    "multiclass": ("accuracy", "f1_macro", "f1_weighted"),
    "regression": ("mae", "rmse", "r2"),
}

#: Smallest p-value a window chart draws (log axis): smaller ones, and 0, are drawn here.
_P_FLOOR = 1e-12


def _outcome(status: str) -> dict[str, str]:
    css, icon = _OUTCOME_CSS.get(status, ("st-skipped", "\u2013"))
    return {"status": status.replace("_", " "), "css": css, "icon": icon}


def _fmt_diff(value: float | None) -> str:
    """A difference or interval end: ``_fmt_num``, but fixed-point (``-0.0003``) below 0.001."""
    if value is None:
        return ""
    if value != 0 and math.isfinite(value) and abs(value) < 1e-3:
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "0", "") else text
    return _fmt_num(value)


def _fmt_signed(value: float | None) -> str:
    """A difference with an explicit ``+`` for increases."""
    if value is None:
        return ""
    text = _fmt_diff(value)
    return f"+{text}" if value > 0 and math.isfinite(value) else text


def _fmt_ci(low: float | None, high: float | None) -> str:
    """An interval as ``[-0.05, -0.01]``; ``""`` when it is missing."""
    if low is None or high is None:
        return ""
    return f"[{_fmt_diff(low)}, {_fmt_diff(high)}]"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _chart_num(value: float | None) -> float | None:
    """4 significant digits for a chart point; None (a gap) when missing or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.4g}")


def _significant(d: MetricDifference) -> bool:
    """True when the interval of the difference excludes 0."""
    return d.ci_low is not None and d.ci_high is not None and (d.ci_low > 0 or d.ci_high < 0)


def _direction(d: MetricDifference) -> str:
    """``"worse"``, ``"better"`` or ``""`` (no change or no difference)."""
    if d.difference is None or d.difference == 0 or not math.isfinite(d.difference):
        return ""
    return "better" if (d.difference > 0) == d.higher_is_better else "worse"


def _metric_cell(d: MetricDifference) -> dict[str, Any]:
    sig = _significant(d)
    direction = _direction(d)
    return {
        "metric": d.metric,
        "reference": _fmt_num(d.reference),
        "current": _fmt_num(d.current),
        "difference": _fmt_signed(d.difference),
        "ci": _fmt_ci(d.ci_low, d.ci_high),
        "significant": sig,
        "direction": direction,
        "better": "higher" if d.higher_is_better else "lower",
        "valid": f"{d.n_valid:,} of {d.n_resamples:,} resamples valid"
        if d.n_valid < d.n_resamples
        else "",
    }


def _side_notes(side: str, r: PerformanceResult) -> list[str]:
    """What was left out of one side's metrics, in words."""
    notes: list[str] = []
    if r.n_missing_target:
        notes.append(f"{_plural(r.n_missing_target, 'row')} without a target excluded")
    if r.n_missing_prediction:
        notes.append(f"{_plural(r.n_missing_prediction, 'row')} without a prediction excluded")
    if r.n_missing_score:
        notes.append(
            f"{_plural(r.n_missing_score, 'row')} without a score left out of ROC AUC and log loss"
        )
    if r.n_zero_target:
        notes.append(f"{_plural(r.n_zero_target, 'row')} with a zero target left out of MAPE")
    return [f"{side}: {n}" for n in notes]


def _confusion_view(side: str, m: ConfusionMatrix | None) -> dict[str, Any] | None:
    if m is None or not m.labels:
        return None
    total = sum(sum(row) for row in m.counts) or 1
    labels = [str(x) for x in m.labels]
    return {
        "side": side,
        "labels": labels,
        "rows": [
            {
                "label": labels[i],
                "cells": [
                    {"n": _fmt_num(n), "diag": i == j, "shade": round(min(1.0, n / total * 2), 2)}
                    for j, n in enumerate(row)
                ],
            }
            for i, row in enumerate(m.counts)
        ],
    }


def _headline(task: str, available: Sequence[str]) -> list[str]:
    wanted = [m for m in _HEADLINE_METRICS.get(task, ()) if m in available]
    return wanted or list(available)[:3]


def _scope_perf_row(sp: ScopePerformance, metrics: list[str]) -> dict[str, Any]:
    comp = sp.comparison
    if comp is None:
        return {"scope": sp.scope, "tested": False, "reason": sp.reason or "not computed"}
    cells = []
    for name in metrics:
        d = comp.differences.get(name)
        cells.append(_metric_cell(d) if d is not None else None)
    return {
        "scope": sp.scope,
        "tested": True,
        "rows": f"{comp.reference.n_used:,} / {comp.current.n_used:,}",
        "cells": cells,
        "reason": sp.reason or "",
    }


def _rules_view(rules: Sequence[Any], fmt_limit: Any) -> dict[str, list[dict[str, Any]]]:
    """Rule or limit outcomes: fail, warn, not evaluated first; passes apart (shown collapsed)."""
    ordered = sorted(rules, key=lambda r: _OUTCOME_ORDER.get(r.status, 9))
    items = [{**_outcome(r.status), **fmt_limit(r), "message": r.message} for r in ordered]
    return {
        "open": [r for r in items if r["status"] != "pass"],
        "passed": [r for r in items if r["status"] == "pass"],
    }


def _performance_view(report: Report) -> dict[str, Any] | None:
    """Model performance: cards, metric differences with intervals, matrices, segments, rules."""
    perf = report.performance
    if perf is None:
        return None
    overall = perf.overall
    comp = overall.comparison
    metrics: list[dict[str, Any]] = []
    notes: list[str] = []
    cards: list[dict[str, str]] = [
        {"n": perf.task, "l": "task"
         + (f" (positive label {perf.positive_label})" if perf.positive_label is not None else "")},
    ]  # fmt: skip
    matrices: list[dict[str, Any]] = []
    headline: list[str] = []
    max_rows: int | None = None
    if comp is not None:
        ref, cur = comp.reference, comp.current
        metrics = [_metric_cell(d) for d in comp.differences.values()]
        headline = _headline(perf.task, list(comp.differences))
        cards.append({"n": f"{ref.n_used:,}", "l": f"reference rows used of {ref.n_rows:,}"})
        cards.append({"n": f"{cur.n_used:,}", "l": f"current rows used of {cur.n_rows:,}"})
        excluded = ref.n_missing_target + cur.n_missing_target
        cards.append(
            {
                "n": f"{excluded:,}",
                "l": f"{'row' if excluded == 1 else 'rows'} without a target excluded",
            }
        )
        notes = _side_notes("reference", ref) + _side_notes("current", cur)
        for side, r in (("reference", ref), ("current", cur)):
            notes += [f"{side}: {k} undefined: {v}" for k, v in r.notes.items()]
        matrices = [
            m
            for m in (
                _confusion_view("reference", ref.confusion),
                _confusion_view("current", cur.confusion),
            )
            if m is not None
        ]
        if max(ref.n_used, cur.n_used) > comp.max_rows:
            max_rows = comp.max_rows

    def limit(r: Any) -> dict[str, str]:
        rel = r.limit_kind == "relative"
        fmt = _fmt_share if rel else _fmt_num
        return {
            "metric": r.metric,
            "scope": r.scope,
            "severity": r.severity,
            "reference": _fmt_num(r.reference),
            "current": _fmt_num(r.current),
            "drop": "" if r.drop is None else fmt(r.drop),
            "limit": ("max relative drop " if rel else "max drop ") + fmt(r.limit),
        }

    seg_rows = [_scope_perf_row(sp, headline) for sp in perf.segments]
    return {
        "target": perf.target,
        "prediction": perf.prediction,
        "score": perf.score,
        "cards": cards,
        "reason": (overall.reason or "not computed") if comp is None else "",
        "metrics": metrics,
        "notes": notes,
        "matrices": matrices,
        "headline": headline,
        "segments": seg_rows,
        "rules": _rules_view(perf.rules, limit),
        "ci_label": f"{perf.confidence * 100:g}% CI",
        "bootstrap": (
            f"Difference = current \u2212 reference. Intervals: {perf.confidence * 100:g}% "
            f"percentile bootstrap, {perf.n_resamples:,} resamples of each side, seed "
            f"{perf.seed}"
            + (
                f"; a side above {max_rows:,} rows is resampled from a {max_rows:,}-row pool "
                "scaled to its size"
                if max_rows
                else ""
            )
            + ". A difference is marked significant when its interval excludes 0."
        ),
    }


def _role_cell(col: ColumnResult | None) -> dict[str, Any]:
    """A compact per-segment cell of a model column: icon and drift score, details in title."""
    if col is None:
        return {"cls": "hn", "text": "n/a", "title": "not compared in this segment"}
    cell = _heat_cell(col, None)
    title = f"{col.status}"
    if col.test:
        title += f"; {col.test}"
        if col.statistic is not None:
            title += f" statistic {_fmt_num(col.statistic)}"
        if col.pvalue is not None and col.test_type != "distance":
            title += f", p {_fmt_pvalue(col.pvalue)}"
    if col.reason:
        title += f"; {col.reason}"
    return {"cls": cell["cls"], "text": cell["text"], "title": title}


def _model_drift_view(report: Report, blob: dict[str, Any]) -> dict[str, Any] | None:
    """Drift of the model's own columns (target, prediction, score), overall and per segment."""
    model = report.model_columns
    if not model:
        return None
    roles = report.roles
    rows = _column_rows(model, "m", blob)
    for row, col in zip(rows, sorted_columns(model), strict=True):
        row["role"] = roles.get(col.column, "")
    order = [c.column for c in sorted_columns(model)]
    segs = []
    for seg in report.segments:
        if seg.status is not SegmentStatus.TESTED:
            continue
        by_name = {c.column: c for c in seg.columns if c.column in roles}
        if by_name:
            segs.append(
                {
                    "label": seg.label or "(all rows)",
                    "cells": [_role_cell(by_name.get(n)) for n in order],
                }
            )
    return {
        "rows": rows,
        "counts": _status_counts(model),
        "heads": [{"column": n, "role": roles.get(n, "")} for n in order],
        "segments": segs,
    }


def _test_is_pvalue(test: str | None) -> bool | None:
    """Whether a named test gives p-values (None when the name is not a registered test)."""
    if not test:
        return None
    from driftcli.stats import get_test

    try:
        return get_test(test).has_pvalue
    except Exception:  # noqa: BLE001 - unknown or plugin names: decided from the values
        return None


def _window_columns(ws: WindowSection, report: Report) -> list[list[Any]]:
    """Per column: name, "p" or "d", threshold(s), values per window (statistic or p-value).

    Ordered by the strongest drift in any window. Too-small windows and windows where the column
    was not tested are null (a gap in the line).
    """
    overall_type = {c.column: c.test_type for c in report.columns}
    per_window = [{c.column: c for c in w.columns} for w in ws.windows]
    out: list[tuple[tuple[int, float, str], list[Any]]] = []
    for name in ws.columns:
        cells = [t.get(name) for t in per_window]
        tests = [c.test for c in cells if c is not None and c.test]
        is_p = _test_is_pvalue(tests[0]) if tests else None
        if is_p is None:
            if overall_type.get(name) in ("p-value", "distance"):
                is_p = overall_type[name] == "p-value"
            else:
                is_p = any(c is not None and c.pvalue is not None for c in cells)
        values: list[float | None] = []
        thresholds: list[float | None] = []
        for c in cells:
            if c is None or c.status not in ("ok", "drift"):
                values.append(None)
                thresholds.append(None if c is None else _chart_num(c.threshold))
                continue
            v = c.pvalue if is_p else c.statistic
            if is_p and v is not None and math.isfinite(v):
                v = max(v, _P_FLOOR)
            values.append(_chart_num(v))
            thresholds.append(_chart_num(c.threshold))
        known = [t for t in thresholds if t is not None]
        threshold: Any = known[0] if known and all(t == known[0] for t in known) else thresholds
        if not known:
            threshold = None
        hits = [i for i, c in enumerate(cells) if c is not None and c.status == "drift"]
        drifted = len(hits)
        score = max((c.drift_score or 0.0 for c in cells if c is not None), default=0.0)
        role = report.roles.get(name, "")
        out.append(
            (
                (-drifted, -score, name),
                [name, "p" if is_p else "d", threshold, values, drifted, role, hits],
            )
        )
    out.sort(key=lambda t: t[0])
    return [entry for _, entry in out]


def _windows_view(report: Report, blob: dict[str, Any]) -> dict[str, Any] | None:
    """Drift over time: per-window table, rule outcome, and chart data (drawn when opened)."""
    ws = report.windows
    if ws is None:
        return None
    task = report.performance.task if report.performance is not None else ""
    ref_perf = dict(ws.performance_reference or {})
    seen: list[str] = list(ref_perf)
    for w in ws.windows:
        seen += [k for k in (w.performance or {}) if k not in seen]
    candidates = _headline(task, seen)
    metric = next(
        (
            m
            for m in candidates
            if ref_perf.get(m) is not None
            or any((w.performance or {}).get(m) is not None for w in ws.windows)
        ),
        None,
    )
    rows = []
    for w in ws.windows:
        tested = w.status == "tested"
        ds = w.dataset
        value = (w.performance or {}).get(metric) if metric else None
        rows.append(
            {
                "label": w.label,
                "span": f"{w.start or '?'} to {w.end or '?'}" if w.start or w.end else "",
                "rows": _fmt_num(w.rows),
                "tested": tested,
                "share": _fmt_share(ds.drift_share) if ds is not None else "",
                "drifted": f"{ds.columns_drifted} of {ds.columns_tested}" if ds is not None else "",
                "exceeds": w.exceeds,
                "dataset_drift": bool(ds is not None and ds.drifted),
                "metric": _fmt_num(value),
            }
        )
    max_share = ws.rule.max_drift_share if ws.rule is not None else None
    columns = _window_columns(ws, report)
    blob["windows"] = {
        "x": [w.label for w in ws.windows],
        "rows": [w.rows for w in ws.windows],
        "share": [
            _chart_num(w.dataset.drift_share) if w.dataset is not None else None for w in ws.windows
        ],
        "ex": [i for i, w in enumerate(ws.windows) if w.exceeds],
        "max_share": max_share,
        "metric": metric,
        "perf": [
            _chart_num((w.performance or {}).get(metric)) if metric else None for w in ws.windows
        ],
        "perf_ref": _chart_num(ref_perf.get(metric)) if metric else None,
        "p_floor": _P_FLOOR,
        # name, "p" (p-value, log axis) or "d" (statistic), threshold or per-window list,
        # values per window, windows drifted, role, indices of the windows where it drifted
        "cols": columns,
    }
    outcome = ws.rule_outcome
    return {
        "window": ws.window,
        "by": ws.by,
        "time_column": ws.time_column,
        "rows_without_time": ws.rows_without_time,
        "count": len(ws.windows),
        "tested": sum(1 for w in ws.windows if w.status == "tested"),
        "rows": rows,
        "metric": metric,
        "metric_reference": _fmt_num(ref_perf.get(metric)) if metric else "",
        "max_share": _fmt_share(max_share) if max_share is not None else "",
        "rule": None
        if outcome is None
        else {**_outcome(outcome.status), "message": outcome.message},
        "columns": [
            {
                "index": i,
                "name": c[0],
                "role": c[5],
                "drifted": c[4],
            }
            for i, c in enumerate(columns)
        ],
    }


def _change_points(points: Sequence[ChangePoint] | None) -> str:
    if points is None:
        return ""
    if not points:
        return "none"
    return "; ".join(
        f"row {p.row:,}" + (f" ({p.timestamp})" if p.timestamp else "") for p in points
    )


def _concept_scope(index: int, scope: ConceptScope, blob: dict[str, Any]) -> dict[str, Any]:
    sid = f"cc{index}"
    has_chart = bool(scope.series)
    if has_chart:
        use_time = all(b.start for b in scope.series) and all(
            p.timestamp for d in scope.detectors for p in (*d.drifts, *(d.warnings or ()))
        )

        def x_of(p: ChangePoint) -> Any:
            return p.timestamp if use_time else p.row

        blob.setdefault("concept", {})[sid] = {
            "axis": "time" if use_time else "row",
            "x": [b.start if use_time else b.first_row for b in scope.series],
            "y": [_chart_num(b.mean_error) for b in scope.series],
            "n": [b.rows for b in scope.series],
            "cp": [[x_of(p), d.method] for d in scope.detectors for p in d.drifts],
            "w": [[x_of(p), d.method] for d in scope.detectors for p in (d.warnings or ())],
        }
    first = scope.first_change
    return {
        "id": sid,
        "scope": scope.scope,
        "reason": scope.reason or "",
        "n_events": _fmt_num(scope.n_events),
        "n_excluded": scope.n_excluded,
        "mean_error": _fmt_num(scope.mean_error),
        "changed": first is not None,
        "first": _change_points([first]) if first is not None else "",
        "chart": has_chart,
        "detectors": [
            {
                "method": d.method,
                "params": ", ".join(f"{k}={v}" for k, v in d.params.items()),
                "drifts": _change_points(d.drifts),
                "n_drifts": len(d.drifts),
                "warnings": _change_points(d.warnings)
                if d.warnings is not None
                else "no warning zone",
                "note": d.note or "",
            }
            for d in scope.detectors
        ],
    }


def _concept_drift_view(report: Report, blob: dict[str, Any]) -> dict[str, Any] | None:
    """Concept drift: detectors' change points per scope and the error-rate series chart."""
    concept = report.concept
    if concept is None:
        return None
    scopes = [_concept_scope(i, s, blob) for i, s in enumerate(concept.scopes)]
    stream = (
        "0/1 misclassification (1 = wrong prediction)"
        if concept.stream == "misclassification"
        else "absolute error |target \u2212 prediction|"
    )
    return {
        "time_column": concept.time_column,
        "stream": stream,
        "error_label": "error rate"
        if concept.stream == "misclassification"
        else "mean absolute error",
        "severity": concept.severity,
        "scopes": [s for s in scopes if not s["reason"]],
        "skipped": [s for s in scopes if s["reason"]],
        "changed": sum(1 for s in scopes if s["changed"]),
    }


def _online_view(report: Report, blob: dict[str, Any]) -> dict[str, Any] | None:
    """Online metrics: latency percentiles, error rate and throughput; per window; limits."""
    online = report.online
    if online is None:
        return None
    cur, ref = online.current, online.reference
    unit = online.latency_unit
    cards = []

    def card(label: str, name: str, fmt: Any, higher_is_worse: bool = True) -> None:
        c = getattr(cur, name)
        r = getattr(ref, name) if ref is not None else None
        worse = ""
        if c is not None and r is not None and c != r:
            worse = "worse" if (c > r) == higher_is_worse else "better"
        cards.append(
            {"label": label, "current": fmt(c) if c is not None else "n/a",
             "reference": fmt(r) if r is not None else "", "direction": worse}
        )  # fmt: skip

    def latency(v: float) -> str:
        return f"{_fmt_num(v)} {unit}".strip()

    if online.latency_column is not None:
        for q in ("p50", "p95", "p99"):
            card(f"latency {q}", f"latency_{q}", latency)
    if online.status_column is not None:
        card("error rate", "error_rate", _fmt_share)
    if cur.throughput_per_second is not None:
        # rows/s, or per hour or day when a second holds less than one row
        rate = cur.throughput_per_second
        scale, per = (
            (1.0, "s") if rate >= 1 else (3600.0, "h") if rate * 3600 >= 1 else (86400.0, "day")
        )

        def throughput(v: float) -> str:
            return _fmt_num(v * scale)

        card(f"throughput (rows/{per})", "throughput_per_second", throughput, higher_is_worse=False)

    def limit(x: Any) -> dict[str, str]:
        name = x.name
        if name.startswith("error_rate"):
            fmt: Any = _fmt_share
        elif name.endswith("increase_max"):
            fmt = _fmt_share
        elif name.startswith("latency"):
            fmt = latency
        else:
            fmt = _fmt_num
        value_fmt = (
            _fmt_share
            if name.startswith("error_rate")
            else (latency if name.startswith("latency") else _fmt_num)
        )
        return {
            "name": name,
            "scope": x.scope,
            "limit": fmt(x.limit),
            "value": value_fmt(x.value) if x.value is not None else "",
            "reference": value_fmt(x.reference) if x.reference is not None else "",
        }

    if online.windows:
        blob["online"] = {
            "x": [w.label for w in online.windows],
            "p95": [_chart_num(w.stats.latency_p95) for w in online.windows],
            "err": [_chart_num(w.stats.error_rate) for w in online.windows],
            "rows": [w.stats.rows for w in online.windows],
            "unit": unit,
            "has_latency": online.latency_column is not None,
            "has_errors": online.status_column is not None,
        }
    return {
        "latency_column": online.latency_column,
        "status_column": online.status_column,
        "unit": unit,
        "window": online.window,
        "rows": _fmt_num(cur.rows),
        "reference_rows": _fmt_num(ref.rows) if ref is not None else "",
        "has_reference": ref is not None,
        "cards": cards,
        "windows": len(online.windows),
        "limits": _rules_view(online.limits, limit),
    }


def _sections_summary(report: Report) -> list[dict[str, str]]:
    """One line per issue-6 section for the header: what failed or warned, with a link."""
    out: list[dict[str, str]] = []

    def line(href: str, title: str, fails: int, warns: int, text: str) -> None:
        status = "fail" if fails else "warn" if warns else "pass"
        out.append({"href": href, "title": title, "text": text, **_outcome(status)})

    def counts(fails: int, warns: int, what: str, total: int) -> str:
        if not total:
            return f"no {what}s configured"
        parts = [f"{fails} failed" if fails else "", f"{warns} warned" if warns else ""]
        said = ", ".join(p for p in parts if p)
        return f"{_plural(total, what)}: " + (said or "all passed")

    if report.model_columns:
        drifted = [c.column for c in report.model_columns if c.drifted]
        text = f"drift in {', '.join(drifted)}" if drifted else "no drift in the model's columns"
        out.append(
            {
                "href": "model-drift",
                "title": "Prediction and target drift",
                "text": text,
                "status": "drift" if drifted else "ok",
                "css": "st-drift" if drifted else "st-ok",
                "icon": _STATUS_ICONS[Status.DRIFT if drifted else Status.OK],
            }
        )
    perf = report.performance
    if perf is not None:
        f = sum(1 for r in perf.rules if r.status == "fail")
        w = sum(1 for r in perf.rules if r.status == "warn")
        line("performance", "Model performance", f, w, counts(f, w, "rule", len(perf.rules)))
    ws = report.windows
    if ws is not None:
        o = ws.rule_outcome
        exceeding = sum(1 for x in ws.windows if x.exceeds)
        text = f"{_plural(len(ws.windows), 'window')} of {ws.window}"
        if o is not None:
            text += f"; {o.message}"
        elif exceeding:
            text += f"; {exceeding} above the drift share limit"
        st = o.status if o is not None else "pass"
        line("windows", "Drift over time", int(st == "fail"), int(st == "warn"), text)
    concept = report.concept
    if concept is not None:
        changed = [s.scope for s in concept.scopes if s.first_change is not None]
        n = len(changed)
        sev = concept.severity
        text = (
            f"change points in {_plural(n, 'scope')} ({', '.join(changed)})"
            if n
            else "no change point"
        )
        line("concept-drift", "Concept drift", int(bool(n) and sev == "fail"),
             int(bool(n) and sev == "warn"), text)  # fmt: skip
    online = report.online
    if online is not None:
        f = sum(1 for x in online.limits if x.status == "fail")
        w = sum(1 for x in online.limits if x.status == "warn")
        line("online", "Online metrics", f, w, counts(f, w, "limit", len(online.limits)))
    return out


def _integrity_view(report: Report) -> dict[str, Any]:
    """Integrity counts, root-cause hints and the tripped checks with their offending values."""
    integ = report.integrity
    css = {"fail": "st-drift", "warn": "st-error", "info": "st-skipped"}
    icons = {"fail": "\u2716", "warn": "\u26a0", "info": "\u2139"}

    def value(x: float | str | None) -> str:
        return _fmt_num(x) if isinstance(x, float) else (x or "")

    return {
        "enabled": integ.enabled,
        "checks_run": _fmt_num(len(integ.results)),
        "passed": _fmt_num(integ.count("pass")),
        "failed": _fmt_num(integ.count("fail")),
        "warned": _fmt_num(integ.count("warn")),
        "info": _fmt_num(integ.count("info")),
        "hints": [h.message for h in integ.hints],
        "findings": [
            {
                "status": r.status,
                "css": css[r.status],
                "icon": icons[r.status],
                "check": r.check,
                "column": r.column or "(dataset)",
                "message": r.message,
                "observed": value(r.observed),
                "reference": value(r.reference),
                "limit": value(r.limit),
                "drift_status": r.drift_status or "",
                "offending": [{"value": o.value, "count": _fmt_num(o.count)} for o in r.offending],
            }
            for r in integ.findings
        ],
    }


def _page_view(report: Report) -> dict[str, Any]:
    blob: dict[str, Any] = {}
    rows_extra: dict[str, Any] = {}  # chart data of the issue-6 sections
    header = _header_view(report)
    drift_table = _drift_table_view(report, blob)
    segments = _segments_view(report, blob)
    return {
        "title": f"driftcli report: {header['verdict']}",
        "header": header,
        "drift_table": drift_table,
        "segments": segments,
        "integrity": _integrity_view(report),
        "model_drift": _model_drift_view(report, blob),
        "performance": _performance_view(report),
        "windows": _windows_view(report, rows_extra),
        "concept_drift": _concept_drift_view(report, rows_extra),
        "online": _online_view(report, rows_extra),
        # Markup: already escaped for a <script> element (see _json_for_script).
        "data_json": Markup(
            _json_for_script(
                {
                    "summary_labels": [f[1] for f in _SUMMARY_FIELDS],
                    "rows": blob,
                    "tables": {s["id"]: s["row_ids"] for s in segments["entries"] if s["row_ids"]},
                    **rows_extra,
                }
            )
        ),
        "plotly_js": Markup(_plotly_js()),
        "page_css": Markup(_asset("report.css")),
        "page_js": Markup(_asset("report.js")),
    }


# --------------------------------------------------------------------------- entry point


def to_html(report: Report) -> str:
    """Render ``report`` as one self-contained HTML page (no network needed to open it)."""
    template = _environment().get_template("report.html.j2")
    return template.render(**_page_view(report))
