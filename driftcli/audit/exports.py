"""Export the records of a trail from a date on, for compliance reporting.

The chain is verified first; the records are exported either way, and the verification goes
with them: inside the JSON export, and as the CLI's warning and exit code for JSON Lines and
CSV (which hold only records).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from datetime import date, datetime, timezone
from typing import Any, Literal

from driftcli.audit.trail import VerifyResult, read_records, verify
from driftcli.errors import ConfigError
from driftcli.outputs.atomic import write_text_atomic

ExportFormat = Literal["jsonl", "json", "csv"]
FORMATS: tuple[str, ...] = ("jsonl", "json", "csv")

#: The CSV export's columns, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "seq",
    "time",
    "host",
    "user",
    "driftcli_version",
    "command",
    "model",
    "config_hash",
    "exit_code",
    "status",
    "breaches",
    "inputs",
    "error",
    "prev_hash",
    "hash",
)


def parse_since(text: str, option: str = "--since") -> datetime:
    """``2025-03-01`` (that day's start, UTC) or an ISO date-time (``2025-03-01T12:00:00Z``;
    a time without offset is UTC) as an aware datetime; ConfigError otherwise."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            return _start(date.fromisoformat(raw))
        return _aware(datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00")))
    except ValueError:
        raise ConfigError(
            f"{option} {text!r}: not a date; use YYYY-MM-DD or an ISO date-time such as "
            "2025-03-01T12:00:00Z"
        ) from None


def _aware(t: datetime) -> datetime:
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t


def _start(d: date | datetime) -> datetime:
    if isinstance(d, datetime):
        return _aware(d)
    return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)


def _record_time(record: dict[str, Any]) -> datetime | None:
    value = record.get("time")
    if not isinstance(value, str):
        return None
    try:
        return _aware(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _selected(
    path: str | os.PathLike[str], since: datetime | date | None
) -> list[tuple[bytes, dict[str, Any]]]:
    """The records at or after ``since`` with their lines as written. Lines that are not
    records cannot be exported (the verification names the first); records whose time
    cannot be read are kept, so none is hidden by a bad time."""
    start = _start(since) if since is not None else None
    out = []
    for _, raw, record in read_records(path):
        if record is None:
            continue
        when = _record_time(record)
        if start is None or when is None or when >= start:
            out.append((raw, record))
    return out


def _input_cell(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    digest = item.get("sha256") or item.get("content_hash") or ""
    return f"{item.get('source', '')}:{item.get('rows', '')}:{digest}"


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _csv(records: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        verdict = r.get("verdict") if isinstance(r.get("verdict"), dict) else {}
        assert isinstance(verdict, dict)
        breaches = verdict.get("breaches") or []
        inputs = r.get("inputs") or []
        row = {k: _cell(r.get(k)) for k in CSV_COLUMNS}
        row["status"] = _cell(verdict.get("status") or ("error" if r.get("error") else None))
        row["breaches"] = "; ".join(str(b) for b in breaches)
        row["inputs"] = "; ".join(_input_cell(i) for i in inputs)
        writer.writerow([row[k] for k in CSV_COLUMNS])
    return buf.getvalue()


def render_export(
    path: str | os.PathLike[str],
    since: datetime | date | None = None,
    fmt: ExportFormat = "jsonl",
) -> tuple[str, VerifyResult]:
    """The export's text and the verification of the whole trail."""
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    result = verify(path)
    selected = _selected(path, since)
    if fmt == "jsonl":
        text = "".join(raw.decode("utf-8") + "\n" for raw, _ in selected)
    elif fmt == "csv":
        text = _csv([r for _, r in selected])
    else:
        doc = {
            "trail": os.fspath(path),
            "since": _start(since).isoformat() if since is not None else None,
            "verified": result.ok,
            "first_break": result.first_break.to_dict() if result.first_break else None,
            "records_intact": result.records,
            "last_seq": result.last_seq,
            "last_hash": result.last_hash,
            "exported": len(selected),
            "records": [r for _, r in selected],
        }
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return text, result


def export(
    path: str | os.PathLike[str],
    since: datetime | date | None = None,
    fmt: ExportFormat = "jsonl",
) -> str:
    """The records of the trail at ``path`` from ``since`` on (a date: from its start, UTC;
    None: all) as JSON Lines (the lines as written, re-verifiable), JSON (``{"verified",
    "first_break", ..., "records"}``) or CSV (:data:`CSV_COLUMNS`)."""
    return render_export(path, since, fmt)[0]


def write_export(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    since: datetime | date | None = None,
    fmt: ExportFormat = "jsonl",
) -> VerifyResult:
    """Write :func:`export` to ``output`` atomically; the trail's verification."""
    text, result = render_export(path, since, fmt)
    write_text_atomic(output, text)
    return result
