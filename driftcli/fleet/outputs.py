"""A fleet's own outputs: ``fleet.json`` (with a schema), ``fleet.html`` (the scorecard),
``fleet.xml`` (JUnit, one testsuite per model) and ``fleet.prom`` (Prometheus metrics labelled
by model, tier and owner). Each renders a :class:`FleetResult`; none recomputes."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from driftcli.fleet.result import AREAS, FleetResult, ModelRow
from driftcli.outputs.junit import xml_safe

SCHEMA_PATH = Path(__file__).with_name("fleet.schema.json")
#: The files a fleet run writes in its output folder, format -> file name.
FILES = {
    "json": "fleet.json",
    "html": "fleet.html",
    "junit": "fleet.xml",
    "prometheus": "fleet.prom",
}


def fleet_schema() -> dict[str, Any]:
    """The JSON Schema of ``fleet.json``."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def to_json(result: FleetResult) -> str:
    """``fleet.json``."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# ------------------------------------------------------------------------------------ JUnit


def _case(suite: ET.Element, model: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=f"fleet.{model}", name=name, time="0.000")


def _suite(root: ET.Element, row: ModelRow) -> tuple[int, int]:
    suite = ET.SubElement(root, "testsuite", name=f"fleet.{row.name}")
    props = ET.SubElement(suite, "properties")
    for key, value in (("tier", row.tier), ("owner", row.owner), ("state", row.state),
                       ("report", row.report or "")):  # fmt: skip
        ET.SubElement(props, "property", name=key, value=value)
    failures = errors = 0
    if row.status == "error":
        case = _case(suite, row.name, "run")
        err = ET.SubElement(case, "error", type="error", message=_line(row.error or "error"))
        err.text = row.error
        errors += 1
    breach_fails = bool({"drift", "escalated"} & set(row.job_reasons))
    for area in AREAS:
        outcome = row.health.get(area)
        if outcome is None or outcome == "not_evaluated":
            continue
        case = _case(suite, row.name, area)
        if area == "staleness":
            failing, why = row.stale, row.stale_reason or "stale"
            fails = "stale" in row.job_reasons
        else:
            failing, why = outcome == "fail", _area_text(row, area)
            fails = breach_fails
        if failing and fails:
            ET.SubElement(case, "failure", type=area, message=_line(why)).text = why
            failures += 1
        elif failing or outcome == "warn":
            policy = "does not fail the job" if failing else "warning"
            ET.SubElement(case, "system-out").text = f"{why} ({row.tier} tier: {policy})"
    tests = len(suite.findall("testcase"))
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    suite.set("time", f"{row.duration_seconds or 0.0:.3f}")
    return failures, errors


def _area_text(row: ModelRow, area: str) -> str:
    if area == "drift":
        if row.columns_drifted is not None:
            base = f"{row.columns_drifted} of {row.columns_tested} columns drifted"
            return base + (f" (consecutive breached runs: {row.streak})" if row.streak else "")
        return "drift"
    found = row.area_findings.get(area, ())
    return "; ".join(found) if found else f"{area}: {row.health.get(area)}"


def _line(text: str) -> str:
    return " ".join(text.split())[:500]


def to_junit(result: FleetResult) -> str:
    """JUnit XML: one ``<testsuite name="fleet.MODEL">`` per model, one test case per area
    (drift, performance, integrity, staleness; ``run`` for a model that could not run). A
    finding fails its case only when the model's tier fails the job on it; otherwise it
    passes with the finding in ``<system-out>``."""
    root = ET.Element("testsuites", name=f"drift fleet {result.name}")
    failures = errors = tests = 0
    for row in result.rows:
        f, e = _suite(root, row)
        failures, errors = failures + f, errors + e
        tests += int(root[-1].get("tests", "0"))
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    root.set("time", f"{result.duration_seconds or 0.0:.3f}")
    for el in root.iter():  # messages may hold characters XML 1.0 cannot carry
        el.text = xml_safe(el.text) if el.text else el.text
        for key, value in el.attrib.items():
            el.set(key, xml_safe(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


# ------------------------------------------------------------------------------- Prometheus

_LABELS = ("fleet", "model", "tier", "owner")
#: name -> (help, value of a row or None to leave the series out)
_ROW_METRICS: dict[str, tuple[str, Callable[[ModelRow], float | None]]] = {
    "driftcli_fleet_model_up": (
        "1 when the model's run completed, 0 when it could not run.",
        lambda r: 0.0 if r.status == "error" else 1.0,
    ),
    "driftcli_fleet_model_breach": (
        "1 when the model's run breached (its own verdict), else 0.",
        lambda r: 1.0 if r.status == "fail" else 0.0,
    ),
    "driftcli_fleet_model_escalated": (
        "1 when the breach reached the tier's escalate_after consecutive runs.",
        lambda r: 1.0 if r.escalated else 0.0,
    ),
    "driftcli_fleet_model_stale": (
        "1 when the model breaks its tier's staleness SLA.",
        lambda r: 1.0 if r.stale else 0.0,
    ),
    "driftcli_fleet_model_fails_job": (
        "1 when the tier policy makes this model fail the fleet job.",
        lambda r: 1.0 if r.fails_job else 0.0,
    ),
    "driftcli_fleet_model_breach_streak_runs": (
        "Consecutive breached runs ending with this one.",
        lambda r: float(r.streak),
    ),
    "driftcli_fleet_model_drift_share_ratio": (
        "Share of the model's tested columns that drifted.",
        lambda r: r.drift_share,
    ),
    "driftcli_fleet_model_drifted_columns": (
        "Drifted columns of the model's whole data.",
        lambda r: None if r.columns_drifted is None else float(r.columns_drifted),
    ),
    "driftcli_fleet_model_data_age_seconds": (
        "Age of the model's newest data at the run's as-of time.",
        lambda r: r.data_age_seconds,
    ),
    "driftcli_fleet_model_last_success_timestamp_seconds": (
        "When the model's last completed run finished (Unix time).",
        lambda r: _timestamp(r.last_success),
    ),
}


#: Every metric name fleet.prom holds.
FLEET_METRICS = (*_ROW_METRICS, "driftcli_fleet_models", "driftcli_fleet_exit_code")


def _timestamp(text: str | None) -> float | None:
    from driftcli.fleet.policy import parse_time

    t = parse_time(text)
    return None if t is None else t.timestamp()


def to_prometheus(result: FleetResult) -> str:
    """The fleet's metrics in the Prometheus text format, one series per model and metric
    labelled ``fleet``, ``model``, ``tier``, ``owner``; ``driftcli_fleet_models`` counts the
    models per state and ``driftcli_fleet_exit_code`` is the job's exit code."""
    from prometheus_client import CollectorRegistry, Gauge, generate_latest

    registry = CollectorRegistry(auto_describe=True)
    for name, (help_text, value_of) in _ROW_METRICS.items():
        gauge = Gauge(name, help_text, _LABELS, registry=registry)
        for row in result.rows:
            value = value_of(row)
            if value is not None and math.isfinite(value):
                gauge.labels(result.name, row.name, row.tier, row.owner).set(value)
    models = Gauge(
        "driftcli_fleet_models", "Models of the fleet per state.", ("fleet", "state"),
        registry=registry,
    )  # fmt: skip
    for state, n in result.counts().items():
        models.labels(result.name, state).set(n)
    code = Gauge(
        "driftcli_fleet_exit_code", "Exit code of the fleet job after tier policy.", ("fleet",),
        registry=registry,
    )  # fmt: skip
    code.labels(result.name).set(int(result.exit_code))
    return generate_latest(registry).decode("utf-8")


# ------------------------------------------------------------------------------------- HTML


def _spark(trend: tuple[float | None, ...]) -> str:
    """An inline SVG polyline of the drift shares (0 at the bottom, 1 at the top)."""
    pts = [(i, v) for i, v in enumerate(trend) if v is not None]
    if len(pts) < 2:
        return ""
    w, h = 80, 20
    step = w / max(1, len(trend) - 1)
    coords = " ".join(f"{i * step:.1f},{h - 2 - v * (h - 4):.1f}" for i, v in pts)
    return (
        f'<svg class="spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="drift share over the last {len(trend)} runs">'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{coords}"/></svg>'
    )


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds >= 86_400:
        return f"{seconds / 86_400:.1f} d"
    return f"{seconds / 3_600:.1f} h"


def _view(row: ModelRow) -> dict[str, Any]:
    share = "" if row.drift_share is None else f"{row.drift_share:.0%}"
    return {
        "row": row,
        "state": row.state,
        "share": share,
        "drifted": (
            "" if row.columns_drifted is None else f"{row.columns_drifted}/{row.columns_tested}"
        ),
        "areas": [(a, row.health.get(a, "")) for a in AREAS],
        "age": _age(row.data_age_seconds),
        "spark": _spark(row.trend),
        "note": row.why,
        "last_run": (row.last_run or "").replace("+00:00", "Z"),
    }


def to_html(result: FleetResult) -> str:
    """``fleet.html``: the scorecard, one self-contained page (no network), sortable and
    filterable, each model linking to its own report."""
    import jinja2
    from markupsafe import Markup

    from driftcli.outputs.html import template_cache, template_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        bytecode_cache=template_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    views = [_view(r) for r in result.rows]
    for v in views:
        v["spark"] = Markup(v["spark"])  # built above from numbers only
    return env.get_template("fleet.html.j2").render(
        result=result,
        rows=views,
        counts=result.counts(),
        areas=AREAS,
        tiers=sorted({r.tier for r in result.rows}),
        failing=[r.name for r in result.rows if r.exit_code],
    )


RENDERERS: Mapping[str, Callable[[FleetResult], str]] = {
    "json": to_json,
    "html": to_html,
    "junit": to_junit,
    "prometheus": to_prometheus,
}


def write_fleet_outputs(result: FleetResult, output_dir: Path) -> dict[str, str]:
    """Render and write every fleet output into ``output_dir`` atomically; format -> path."""
    from driftcli.outputs.atomic import write_all_atomic

    paths = {fmt: str(output_dir / name) for fmt, name in FILES.items()}
    write_all_atomic([(paths[fmt], render(result)) for fmt, render in RENDERERS.items()])
    return paths
