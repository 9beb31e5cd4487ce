"""The data integrity section in the HTML report."""

from __future__ import annotations

from typing import Any

from driftcli.outputs.htmlkit import PageData, fmt_num
from driftcli.results.report import Report
from driftcli.sections.integrity.result import IntegrityReport


def view(integ: IntegrityReport, report: Report, page: PageData) -> dict[str, Any]:
    """Integrity counts, root-cause hints and the tripped checks with their offending values."""
    css = {"fail": "st-drift", "warn": "st-error", "info": "st-skipped"}
    icons = {"fail": "\u2716", "warn": "\u26a0", "info": "\u2139"}

    def value(x: float | str | None) -> str:
        return fmt_num(x) if isinstance(x, float) else (x or "")

    return {
        "enabled": integ.enabled,
        "checks_run": fmt_num(len(integ.results)),
        "passed": fmt_num(integ.count("pass")),
        "failed": fmt_num(integ.count("fail")),
        "warned": fmt_num(integ.count("warn")),
        "info": fmt_num(integ.count("info")),
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
                "offending": [{"value": o.value, "count": fmt_num(o.count)} for o in r.offending],
            }
            for r in integ.tripped
        ],
    }
