"""Building blocks of the HTML report shared by the page and every section's view: number
formats, status icons, column rows with sparklines and drill-down data, outcome badges.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from driftcli.outputs.text import fmt_share as fmt_share
from driftcli.outputs.text import fmt_time as fmt_time  # section views import it from here
from driftcli.results.records import (
    ColumnResult,
    Distribution,
    SideSummary,
    sorted_columns,
)
from driftcli.results.vocabulary import SegmentStatus, Status

#: Icon and text per column status: the text is always shown, colour is never the only signal.
STATUS_ICONS: dict[Status, str] = {
    Status.DRIFT: "\u2716",  # heavy multiplication x
    Status.OK: "\u2714",  # heavy check mark
    Status.SKIPPED: "\u2013",  # en dash
    Status.ERROR: "\u26a0",  # warning sign
}


SEGMENT_STATUS_TEXT: dict[SegmentStatus, str] = {
    SegmentStatus.TESTED: "tested",
    SegmentStatus.MISSING_REFERENCE: "missing in reference",
    SegmentStatus.MISSING_CURRENT: "missing in current",
    SegmentStatus.TOO_SMALL: "too small",
}


#: SideSummary fields in display order, with their labels.
SUMMARY_FIELDS: tuple[tuple[str, str], ...] = (
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
HEAT_BOUNDS: tuple[float, ...] = (0.5, 0.8, 1.0, 2.0, 5.0)


HEAT_LEGEND: tuple[str, ...] = ("< 0.5", "0.5 to 0.8", "0.8 to 1", "1 to 2", "2 to 5", "\u2265 5")


#: Sparkline geometry (SVG user units); bins beyond this many are merged pairwise.
SPARK_MAX_BINS = 15


SPARK_H = 20


#: Candidate names of per-result adjusted p-values (multiple-testing correction).
ADJUSTED_FIELDS = ("pvalue_adjusted", "adjusted_pvalue", "pvalue_corrected")


JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def fmt_num(value: float | int | None) -> str:
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


def fmt_pvalue(value: float | None) -> str:
    """p-values: 4 significant digits from 0.001 up, else scientific like ``1.2e-08``."""
    if value is None:
        return ""
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    if value < 1e-3:
        return f"{value:.1e}"
    return fmt_num(value)


def fmt_score(value: float | None) -> str:
    """A drift score with 2 significant digits (3 from 100 up); ``""`` for None."""
    if value is None or not math.isfinite(value):
        return ""
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.2g}"


def fmt_summary_value(name: str, value: object) -> str:
    if value is None:
        return ""
    if name == "top_share" and isinstance(value, float):
        return fmt_share(value)
    if isinstance(value, (int, float)):
        return fmt_num(value)
    return fmt_time(str(value))


def breakable(text: str, after: str) -> Markup:
    """``text``, escaped, with a break opportunity (``<wbr>``) after each of the characters in
    ``after``: a long name wraps at its separators rather than anywhere."""
    escaped = str(Markup.escape(text))
    for ch in after:
        # escaping leaves these separators (/ \\ = , : _) as they are
        escaped = escaped.replace(ch, ch + "<wbr>")
    return Markup(escaped)


def path_html(text: str) -> Markup:
    """A path that wraps after its ``/`` and ``\\`` separators (see :func:`breakable`)."""
    return breakable(text, "/\\")


def finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def sort_key(value: float | None) -> float | None:
    """A number kept only for sorting: 7 significant digits, None when absent or not finite."""
    return None if value is None else round_sig(value)


def round_sig(value: float) -> float | None:
    """7 significant digits: enough for a plot axis, a third of the bytes of a full float."""
    if not math.isfinite(value):
        return None
    return float(f"{value:.7g}")


def distribution_data(dist: Distribution) -> dict[str, Any]:
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
            [round_sig(lo), round_sig(hi)] if even and n > 1 else [round_sig(e) for e in edges]
        )
    else:
        data["l"] = list(dist.labels)
    return data


def json_for_script(data: object) -> str:
    """JSON that is inert inside ``<script type="application/json">`` (no ``</script>``)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return JSON_ESCAPE_RE.sub(lambda m: JSON_ESCAPES[m.group(0)], text)


def spark_bins(counts: Sequence[int]) -> list[int]:
    """Merge neighbouring bins pairwise until at most ``SPARK_MAX_BINS`` remain."""
    out = list(counts)
    while len(out) > SPARK_MAX_BINS:
        out = [sum(out[i : i + 2]) for i in range(0, len(out), 2)]
    return out


def sparkline(dist: Distribution | None) -> Markup:
    """A tiny inline SVG: reference shares as a filled area, current shares as a line.

    Built from numbers only (no user text), so it is safe as Markup. Two different marks
    (area and line) keep the sides apart without relying on colour.
    """
    paths = spark_paths(dist)
    if paths is None:
        return Markup("")
    width, area, line = paths
    return Markup(
        f'<svg class="spark" viewBox="0 0 {width} {SPARK_H}" preserveAspectRatio="none" '
        f'aria-hidden="true"><path class="sr" d="{area}"/><path class="sc" d="{line}"/></svg>'
    )


def spark_paths(dist: Distribution | None) -> tuple[int, str, str] | None:
    """Width and the two SVG path strings (digits and path letters only) of a sparkline."""
    if dist is None or not dist.reference:
        return None
    ref, cur = spark_bins(dist.reference), spark_bins(dist.current)
    n = len(ref)
    tot_r, tot_c = sum(ref) or 1, sum(cur) or 1
    shares_r = [v / tot_r for v in ref]
    shares_c = [v / tot_c for v in cur]
    top = max(*shares_r, *shares_c, 1e-12)
    step = 4

    def ys(shares: list[float]) -> list[int]:
        return [round(SPARK_H - 1 - (SPARK_H - 2) * s / top) for s in shares]

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
    area = f"M0 {SPARK_H}V{y_ref[0]}{steps(y_ref, y_ref[0])}V{SPARK_H}Z"
    line = f"M0 {y_cur[0]}{steps(y_cur, y_cur[0])}"
    return width, area, line


def summary_rows(reference: SideSummary | None, current: SideSummary | None) -> list[list[Any]]:
    """``[field index, reference, current]`` per field present (labels: ``SUMMARY_FIELDS``)."""
    rows: list[list[Any]] = []
    for i, (name, _label) in enumerate(SUMMARY_FIELDS):
        ref = getattr(reference, name) if reference is not None else None
        cur = getattr(current, name) if current is not None else None
        if ref is None and cur is None:
            continue
        rows.append([i, fmt_summary_value(name, ref), fmt_summary_value(name, cur)])
    return rows


def adjusted_pvalue(col: ColumnResult) -> float | None:
    """The corrected p-value when the engine recorded one (multiple-testing correction)."""
    for name in ADJUSTED_FIELDS:
        value = getattr(col, name, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def test_details(col: ColumnResult, adjusted: float | None) -> list[list[str]]:
    """Label/value pairs that explain the verdict beyond the row's own cells.

    The page script puts the row's test, statistic, p-value, threshold and verdict first.
    """
    details: list[list[str]] = []
    if col.test_type:
        details.append(["test type", col.test_type])
    if adjusted is not None:
        details.append(["adjusted p-value", fmt_pvalue(adjusted)])
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
        details.append(["drift score", fmt_score(col.drift_score)])
    details.append(["kind", f"{col.kind} ({col.kind_source})"])
    if col.reason:
        details.append(["note", fmt_time(col.reason)])
    return details


def column_row(col: ColumnResult, row_id: str, blob: dict[str, Any]) -> dict[str, Any]:
    """One column-table row; stores its drill-down data in ``blob[row_id]``."""
    is_distance = col.test_type == "distance"
    adjusted = adjusted_pvalue(col)
    entry: dict[str, Any] = {
        # raw sort keys: statistic, p-value, threshold, drift score (null when absent)
        "v": [
            sort_key(col.statistic),
            None if is_distance else sort_key(col.pvalue),
            sort_key(col.threshold),
            sort_key(col.drift_score),
        ],
        "s": summary_rows(col.reference, col.current),
        "x": test_details(col, adjusted),
    }
    has_plot = col.distribution is not None and len(col.distribution.reference) > 0
    if has_plot:
        assert col.distribution is not None
        entry["d"] = distribution_data(col.distribution)
    blob[row_id] = entry
    return {
        "id": row_id,
        "column": col.column,
        "kind": str(col.kind),
        "kind_source": col.kind_source,
        "test": col.test or "",
        "test_type": col.test_type or "",
        "statistic": fmt_num(col.statistic),
        "pvalue": "" if is_distance else fmt_pvalue(col.pvalue),
        "adjusted": fmt_pvalue(adjusted) if adjusted is not None else "",
        "threshold": fmt_num(col.threshold),
        "score": fmt_score(col.drift_score),
        "status": str(col.status),
        "st_css": f"st-{col.status}",
        "not_breach": False,
        "icon": STATUS_ICONS[col.status],
        "reason": fmt_time(col.reason),
        "spark": sparkline(col.distribution) if has_plot else Markup(""),
        "role": "",
    }


def column_rows(
    columns: tuple[ColumnResult, ...], prefix: str, blob: dict[str, Any]
) -> list[dict[str, Any]]:
    return [column_row(col, f"{prefix}{i}", blob) for i, col in enumerate(sorted_columns(columns))]


#: Fields of a lazily built row's summary line, in the order of ``h`` in the blob.
ROW_HEAD_FIELDS = (
    "status", "icon", "column", "kind", "kind_source", "test",
    "statistic", "pvalue", "adjusted", "threshold", "score", "reason",
)  # fmt: skip


def lazy_rows(columns: tuple[ColumnResult, ...], prefix: str, blob: dict[str, Any]) -> list[str]:
    """Rows the page script builds when their table is first opened (segment tables).

    Each row's summary-line fields go into the blob as ``h`` (``ROW_HEAD_FIELDS`` order,
    then the sparkline's width and paths or null); returns the row ids in table order.
    """
    ids = []
    for i, col in enumerate(sorted_columns(columns)):
        row_id = f"{prefix}{i}"
        row = column_row(col, row_id, blob)
        blob[row_id]["h"] = [row[k] for k in ROW_HEAD_FIELDS] + [spark_paths(col.distribution)]
        ids.append(row_id)
    return ids


def status_counts(columns: Sequence[ColumnResult]) -> dict[str, int]:
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


def features(
    columns: tuple[ColumnResult, ...], roles: Mapping[str, str]
) -> tuple[ColumnResult, ...]:
    """The feature columns among ``columns``: the model's own (``roles``) are reported apart."""
    return tuple(c for c in columns if c.column not in roles) if roles else columns


def heat_class(col: ColumnResult | None) -> str:
    if col is None or not col.tested or col.drift_score is None:
        return "hn"
    for i, bound in enumerate(HEAT_BOUNDS):
        if col.drift_score < bound:
            return f"h{i}"
    return f"h{len(HEAT_BOUNDS)}"


def heat_cell(col: ColumnResult | None, row_id: str | None) -> dict[str, Any]:
    if col is None:
        return {"cls": "hn", "text": "n/a", "href": None, "label": "not compared in this segment"}
    if col.tested:
        icon = STATUS_ICONS[col.status]
        text = f"{icon} {fmt_score(col.drift_score)}"
        label = f"{col.status}, drift score {fmt_score(col.drift_score)}"
    else:
        text = STATUS_ICONS[col.status]
        label = f"{col.status}: {col.reason or ''}"
    return {"cls": heat_class(col), "text": text, "href": row_id, "label": label}


#: Outcome status -> (css class, icon); shared by performance rules, window rule, online limits.
OUTCOME_CSS: dict[str, tuple[str, str]] = {
    "fail": ("st-drift", "\u2716"),
    "note": ("st-note", "\u2716"),
    "warn": ("st-error", "\u26a0"),
    "not_evaluated": ("st-skipped", "\u2013"),
    "pass": ("st-ok", "\u2714"),
}


OUTCOME_ORDER = {"fail": 0, "warn": 1, "not_evaluated": 2, "pass": 3}


#: Metrics shown per segment and per window, by task (the first present ones are used).
HEADLINE_METRICS: dict[str, tuple[str, ...]] = {
    "binary": ("accuracy", "f1", "roc_auc"),
    "multiclass": ("accuracy", "f1_macro", "f1_weighted"),
    "regression": ("mae", "rmse", "r2"),
}


#: Smallest p-value a window chart draws (log axis): smaller ones, and 0, are drawn here.
P_FLOOR = 1e-12


def outcome_badge(status: str) -> dict[str, str]:
    css, icon = OUTCOME_CSS.get(status, ("st-skipped", "\u2013"))
    return {"status": status.replace("_", " "), "css": css, "icon": icon}


def fmt_diff(value: float | None) -> str:
    """A difference or interval end: ``fmt_num``, but fixed-point (``-0.0003``) below 0.001."""
    if value is None:
        return ""
    if value != 0 and math.isfinite(value) and abs(value) < 1e-3:
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "0", "") else text
    return fmt_num(value)


def fmt_signed(value: float | None) -> str:
    """A difference with an explicit ``+`` for increases."""
    if value is None:
        return ""
    text = fmt_diff(value)
    return f"+{text}" if value > 0 and math.isfinite(value) else text


def fmt_ci(low: float | None, high: float | None) -> str:
    """An interval as ``[-0.05, -0.01]``; ``""`` when it is missing."""
    if low is None or high is None:
        return ""
    return f"[{fmt_diff(low)}, {fmt_diff(high)}]"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def chart_num(value: float | None) -> float | None:
    """4 significant digits for a chart point; None (a gap) when missing or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.4g}")


def headline_metrics(task: str, available: Sequence[str]) -> list[str]:
    wanted = [m for m in HEADLINE_METRICS.get(task, ()) if m in available]
    return wanted or list(available)[:3]


def rules_view(rules: Sequence[Any], fmt_limit: Any) -> dict[str, list[dict[str, Any]]]:
    """Rule or limit outcomes: fail, warn, not evaluated first; passes apart (shown collapsed)."""
    ordered = sorted(rules, key=lambda r: OUTCOME_ORDER.get(r.status, 9))
    items = [
        {**outcome_badge(r.status), **fmt_limit(r), "message": fmt_time(r.message)} for r in ordered
    ]
    return {
        "open": [r for r in items if r["status"] != "pass"],
        "passed": [r for r in items if r["status"] == "pass"],
    }


def test_is_pvalue(test: str | None) -> bool | None:
    """Whether a named test gives p-values (None when the name is not a registered test)."""
    if not test:
        return None
    from driftcli.stats import get_test

    try:
        return get_test(test).has_pvalue
    except Exception:  # noqa: BLE001 - unknown or plugin names: decided from the values
        return None


@dataclass
class PageData:
    """The data the page embeds as JSON, filled by the views: ``rows`` (each column row's
    drill-down) and ``charts`` (sections' chart series, merged into the page's data)."""

    rows: dict[str, Any] = field(default_factory=dict)
    charts: dict[str, Any] = field(default_factory=dict)


def summary_line(href: str, title: str, fails: int, warns: int, text: str) -> dict[str, str]:
    """A section's line in the page header: its outcome badge, title, text and link."""
    status = "fail" if fails else "warn" if warns else "pass"
    return {"href": href, "title": title, "text": text, **outcome_badge(status)}


def counts_text(fails: int, warns: int, what: str, total: int) -> str:
    """``"3 rules: 1 failed, 1 warned"`` (or ``all passed``, or ``no rules configured``)."""
    if not total:
        return f"no {what}s configured"
    parts = [f"{fails} failed" if fails else "", f"{warns} warned" if warns else ""]
    said = ", ".join(p for p in parts if p)
    return f"{plural(total, what)}: " + (said or "all passed")
