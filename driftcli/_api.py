"""The public API's imports, loaded on first use of a name of ``driftcli`` (see its
``__getattr__``): it registers the input formats, ``[notify]`` and ``[trigger]``, the output
formats and the report sections (driftcli/registries.py), as ``import driftcli`` did eagerly
before. ``driftcli.cli`` does not import this module at start-up, so ``drift --help``
does not load Polars, NumPy, SciPy, Jinja2 or rich.
"""

# ruff: noqa: F401, E402  (the names are re-exported by driftcli/__init__.py; registries first)

from driftcli import registries

# First, as the old eager imports did: the config tables keep their order ([notify] first).
registries.load()

from driftcli._version import __version__
from driftcli.columns.thresholds import AutoThresholdConfig
from driftcli.config import ColumnConfig, DriftConfig, load_config
from driftcli.errors import ConfigError, DriftError, InputError
from driftcli.exitcodes import ExitCode
from driftcli.outputs.atomic import write_text_atomic
from driftcli.outputs.builtin import to_text
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


def to_html(report: Report) -> str:
    """The self-contained HTML report of a run."""
    from driftcli.outputs.html import to_html as _to_html

    return _to_html(report)
