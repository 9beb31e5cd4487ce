"""The JSON summary: a documented, versioned view of a Report.

Its schema is the base schema (driftcli/outputs/schema/report.schema.json) with every
registered section's ``schema.json`` fragment added under the section's key:
:func:`report_schema` (also ``drift schema``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from driftcli.results.records import FEATURE, sorted_columns
from driftcli.results.report import SCHEMA_VERSION, Report
from driftcli.sections.registry import placed, sections

__all__ = ["SCHEMA_VERSION", "report_schema", "to_dict", "to_json"]

_BASE_SCHEMA = Path(__file__).resolve().parent / "schema" / "report.schema.json"


def _sections(report: Report, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in placed("early" if where == "early" else "late"):
        section = report.sections.get(spec.key)
        out[spec.key] = None if section is None else section.to_dict()
    return out


def to_dict(report: Report) -> dict[str, Any]:
    """The summary as plain JSON-ready data (see :func:`report_schema`)."""
    roles = report.roles
    return {
        "schema_version": SCHEMA_VERSION,
        "driftcli_version": report.driftcli_version,
        "generated_at": report.generated_at.isoformat().replace("+00:00", "Z"),
        "status": report.status.value,
        "exit_code": int(report.exit_code),
        "breaches": list(report.breaches),
        "warnings": list(report.warnings),
        "notices": list(report.notices),
        "reference": report.reference.to_dict(),
        "current": report.current.to_dict(),
        "config": report.config.to_dict(),
        "dataset": report.dataset.to_dict(),
        "columns": [
            c.to_dict(roles.get(c.column, FEATURE)) for c in sorted_columns(report.columns)
        ],
        "segments": [s.to_dict(roles) for s in report.segments],
        **_sections(report, "early"),
        "correction": report.correction.to_dict(),
        **_sections(report, "late"),
        # Only when a notification was attempted: runs without any keep their JSON unchanged.
        **({"deliveries": [d.to_dict() for d in report.deliveries]} if report.deliveries else {}),
        # Only for a run in column passes: in-memory runs keep their JSON unchanged.
        **({"engine": report.engine.to_dict()} if report.engine is not None else {}),
    }


def to_json(report: Report) -> str:
    """The summary as a JSON document (strict: no NaN or Infinity)."""
    return json.dumps(to_dict(report), indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the summary: the base schema plus each registered section's."""
    schema: dict[str, Any] = json.loads(_BASE_SCHEMA.read_text(encoding="utf-8"))
    for spec in sections():
        if spec.schema is None:  # a section without a schema: any object, or null
            schema["properties"][spec.key] = {"type": ["object", "null"]}
            schema["required"].append(spec.key)
            continue
        fragment = json.loads(spec.schema.read_text(encoding="utf-8"))
        schema["properties"][spec.key] = fragment["property"]
        schema["required"].append(spec.key)
        schema["$defs"].update(fragment.get("$defs", {}))
    return schema
