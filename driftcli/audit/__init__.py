"""A tamper-evident audit trail of runs: one chained JSON Lines record per run.

Each ``drift report`` or ``drift fleet run`` appends a record (who, where, which driftcli,
the config's hash, the inputs' fingerprints, the verdict) carrying the hash of the record
before it, so an edited, deleted or reordered record breaks the chain at that point::

    from driftcli.audit import append, input_fingerprint, report_verdict, run_record, verify

    body = run_record(
        command="report",
        exit_code=int(report.exit_code),
        model="churn",
        config=report.config.to_dict(),
        inputs=[input_fingerprint("ref.parquet", rows=1000), ...],
        verdict=report_verdict(report),
    )
    append("audit/drift-audit.jsonl", body)
    verify("audit/drift-audit.jsonl").ok

See docs/audit.md.

The package loads lazily (``drift audit --help`` imports ``driftcli.audit.cli``, hence this
package): the names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcli._lazy import lazy_names

if TYPE_CHECKING:
    from driftcli.audit.exports import (
        CSV_COLUMNS,
        ExportFormat,
        export,
        parse_since,
        render_export,
        write_export,
    )
    from driftcli.audit.record import (
        DEFAULT_HASH_LIMIT_BYTES,
        GENESIS,
        config_hash,
        input_fingerprint,
        mask_text,
        report_verdict,
        run_record,
    )
    from driftcli.audit.trail import Break, VerifyResult, append, record_hash, verify

#: The re-exported names and their modules, imported on first use (PEP 562).
_LAZY = {
    "CSV_COLUMNS": "driftcli.audit.exports",
    "ExportFormat": "driftcli.audit.exports",
    "export": "driftcli.audit.exports",
    "parse_since": "driftcli.audit.exports",
    "render_export": "driftcli.audit.exports",
    "write_export": "driftcli.audit.exports",
    "DEFAULT_HASH_LIMIT_BYTES": "driftcli.audit.record",
    "GENESIS": "driftcli.audit.record",
    "config_hash": "driftcli.audit.record",
    "input_fingerprint": "driftcli.audit.record",
    "mask_text": "driftcli.audit.record",
    "report_verdict": "driftcli.audit.record",
    "run_record": "driftcli.audit.record",
    "Break": "driftcli.audit.trail",
    "VerifyResult": "driftcli.audit.trail",
    "append": "driftcli.audit.trail",
    "record_hash": "driftcli.audit.trail",
    "verify": "driftcli.audit.trail",
}

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_HASH_LIMIT_BYTES",
    "GENESIS",
    "Break",
    "ExportFormat",
    "VerifyResult",
    "append",
    "config_hash",
    "export",
    "input_fingerprint",
    "mask_text",
    "parse_since",
    "record_hash",
    "render_export",
    "report_verdict",
    "run_record",
    "verify",
    "write_export",
]


__getattr__, __dir__ = lazy_names(_LAZY, __all__, globals())
