"""driftcli: batch data and model drift reports, as a library and the ``drift`` command.

Typical use::

    from driftcli import DriftConfig, run_report, to_json

    report = run_report("ref.parquet", "cur.parquet", DriftConfig(segment_by=("region",)))
    print(report.status, report.exit_code)
"""

from driftcli._version import __version__
from driftcli.atomic import write_text_atomic
from driftcli.concept_report import ConceptConfig
from driftcli.config import ColumnConfig, DriftConfig, FailOn, load_config
from driftcli.correction import Correction
from driftcli.engine import run_report
from driftcli.errors import ConfigError, DriftError, InputError
from driftcli.exitcodes import ExitCode
from driftcli.kinds import Kind
from driftcli.model import (
    ColumnResult,
    DatasetVerdict,
    Report,
    SegmentResult,
    SegmentStatus,
    Status,
)
from driftcli.model_perf import ModelConfig, PerformanceRule
from driftcli.online import OnlineConfig
from driftcli.render.json import to_dict, to_json
from driftcli.thresholds import AutoThresholdConfig
from driftcli.windows import WindowRule

__all__ = [
    "AutoThresholdConfig",
    "ColumnConfig",
    "ColumnResult",
    "ConceptConfig",
    "ConfigError",
    "Correction",
    "DatasetVerdict",
    "DriftConfig",
    "DriftError",
    "ExitCode",
    "FailOn",
    "InputError",
    "Kind",
    "ModelConfig",
    "OnlineConfig",
    "PerformanceRule",
    "Report",
    "SegmentResult",
    "SegmentStatus",
    "Status",
    "WindowRule",
    "__version__",
    "load_config",
    "run_report",
    "to_dict",
    "to_html",
    "to_json",
    "write_text_atomic",
]


def to_html(report: Report) -> str:
    """The self-contained HTML report of a run."""
    from driftcli.render.html import to_html as _to_html

    return _to_html(report)
