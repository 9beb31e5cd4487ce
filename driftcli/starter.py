"""``drift init``: a commented starter config written from the reference data."""

from __future__ import annotations

import json

from driftcli._version import __version__
from driftcli.config import DriftConfig
from driftcli.inputs.sources import SourceLike
from driftcli.results.vocabulary import Status
from driftcli.run import run_report
from driftcli.stats import get_test


def _toml_key(name: str) -> str:
    # A JSON string without ASCII escaping is a valid TOML basic string.
    return json.dumps(name, ensure_ascii=False)


def starter_config(reference: SourceLike, reference_format: str | None = None) -> str:
    """TOML text listing every column with its inferred kind and automatically chosen test."""
    config = DriftConfig(reference_format=reference_format, current_format=reference_format)
    report = run_report(reference, reference, config)
    lines = [
        f"# drift.toml written by `drift init` (driftcli {__version__})",
        f"# from {report.reference.source} ({report.reference.rows} rows).",
        "# Use: drift report REFERENCE CURRENT --config drift.toml",
        "# Each column shows its inferred kind and the test chosen automatically for this many",
        "# reference rows; uncomment a line to override it. `drift tests` lists every test.",
        "",
        '# columns = ["age", "income"]   # test only these (default: all shared columns)',
        "exclude = []",
        'segment_by = []         # e.g. ["region"]: test each segment on its own too',
        "drift_share = 0.5       # dataset drift when this share of tested columns drifted",
        'fail_on = "dataset"     # dataset | column | never  (what makes exit code 1)',
        "# min_segment_rows = 30",
        "# bins = 10             # reference-quantile bins for psi and jensenshannon",
        "",
    ]
    for col in report.columns:
        lines.append(f"[column.{_toml_key(col.column)}]")
        lines.append(f'# kind = "{col.kind.value}"')
        if col.test is not None:
            t = get_test(col.test)
            rule = "drift when p <" if t.has_pvalue else "drift when >="
            lines.append(f'# test = "{col.test}"')
            lines.append(f"# threshold = {col.threshold}    # {t.kind_label}: {rule} threshold")
        elif col.status in (Status.SKIPPED, Status.ERROR):
            lines.append(f"# not tested: {col.reason}")
        lines.append("")
    lines += _integrity_lines()
    return "\n".join(lines)


def _integrity_lines() -> list[str]:
    """The [integrity] table with every default commented out (README, "Data integrity")."""
    from driftcli.sections.integrity.config import CHECKS, IntegrityConfig

    defaults = IntegrityConfig().to_dict()
    out = ["# Data integrity checks learned from the reference; defaults shown.", "# [integrity]"]
    for key, value in defaults.items():
        if key not in ("severity", "column"):
            out.append(f"# {key} = {json.dumps(value)}")
    out.append("# [integrity.severity]  # per check: fail | warn | info | off")
    out += [f'# {name} = "{spec.severity.value}"' for name, spec in CHECKS.items()]
    out.append("")
    return out
