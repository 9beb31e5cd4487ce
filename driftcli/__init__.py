"""driftcli: batch data and model drift reports, as a library and the ``drift`` command.

Typical use::

    from driftcli import DriftConfig, run_report, write_outputs

    report = run_report("ref.parquet", "cur.parquet", DriftConfig(segment_by=("region",)))
    write_outputs(report, {"json": "summary.json", "html": "report.html"})
    print(report.status, report.exit_code)
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

from driftcli import _loader
from driftcli._version import __version__


def _load_registries() -> None:
    from driftcli import registries

    registries.load()


# A submodule imported directly (``from driftcli.config import load_config``) still finds
# every config table registered when it first reads them.
_loader.set_loader(_load_registries)

if TYPE_CHECKING:
    from driftcli.columns.thresholds import AutoThresholdConfig
    from driftcli.config import ColumnConfig, DriftConfig, load_config
    from driftcli.errors import ConfigError, DriftError, InputError
    from driftcli.exitcodes import ExitCode
    from driftcli.outputs.atomic import write_text_atomic
    from driftcli.outputs.builtin import to_text
    from driftcli.outputs.html import to_html
    from driftcli.outputs.json import report_schema, to_dict, to_json
    from driftcli.outputs.write import render_outputs, write_outputs
    from driftcli.results.records import ColumnResult, DatasetVerdict, SegmentResult
    from driftcli.results.report import Report
    from driftcli.results.section import Finding, Section
    from driftcli.results.vocabulary import (
        Correction,
        FailOn,
        Kind,
        Outcome,
        SegmentStatus,
        Severity,
        Status,
    )
    from driftcli.run import run_report
    from driftcli.sections.concept_drift.config import ConceptConfig
    from driftcli.sections.concept_drift.result import ConceptSection
    from driftcli.sections.integrity.config import IntegrityConfig
    from driftcli.sections.integrity.result import IntegrityReport
    from driftcli.sections.online.config import OnlineConfig
    from driftcli.sections.online.result import OnlineSection
    from driftcli.sections.performance.config import ModelConfig, PerformanceRule
    from driftcli.sections.performance.result import PerformanceSection
    from driftcli.sections.prediction_drift.result import PredictionDriftSection
    from driftcli.sections.windows.config import WindowRule
    from driftcli.sections.windows.result import WindowSection

__all__ = [
    "AutoThresholdConfig",
    "ColumnConfig",
    "ColumnResult",
    "ConceptConfig",
    "ConceptSection",
    "ConfigError",
    "Correction",
    "DatasetVerdict",
    "DriftConfig",
    "DriftError",
    "ExitCode",
    "FailOn",
    "Finding",
    "InputError",
    "IntegrityConfig",
    "IntegrityReport",
    "Kind",
    "ModelConfig",
    "OnlineConfig",
    "OnlineSection",
    "Outcome",
    "PerformanceRule",
    "PerformanceSection",
    "PredictionDriftSection",
    "Report",
    "Section",
    "SegmentResult",
    "SegmentStatus",
    "Severity",
    "Status",
    "WindowRule",
    "WindowSection",
    "__version__",
    "load_config",
    "render_outputs",
    "report_schema",
    "run_report",
    "to_dict",
    "to_html",
    "to_json",
    "to_text",
    "write_outputs",
    "write_text_atomic",
]


def _load() -> None:
    """Import the public API (driftcli/_api.py) into this module: the first use of any of its
    names registers the input formats, notify, output formats and sections, as before."""
    from driftcli import _api

    globals().update({name: getattr(_api, name) for name in __all__})


def __getattr__(name: str) -> object:
    """PEP 562: the public API loads on first use, so ``import driftcli.cli`` (``drift
    --help``) stays light. A submodule's name (``from driftcli import cli``) imports only it."""
    if name in __all__:
        _load()
        return globals()[name]
    if not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
