"""The body of one audit record: who ran what, on which inputs and config, and the verdict.

A body is plain JSON data. :func:`driftcli.audit.trail.append` numbers it and chains it onto
the trail; nothing here touches the trail file.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import socket
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from driftcli._version import __version__
from driftcli.history.capture import input_files
from driftcli.sections.history.config import mask_url

if TYPE_CHECKING:
    from driftcli.results.report import Report

#: The ``prev_hash`` of the first record of a trail.
GENESIS = "0" * 64

#: Inputs larger than this in total are listed (path, size, mtime) but not content-hashed.
DEFAULT_HASH_LIMIT_BYTES = 256 * 1024 * 1024

#: At most this many breach messages are kept in a record's verdict.
MAX_BREACHES = 50

#: Keys :func:`driftcli.audit.trail.append` sets; a body must not carry them.
RESERVED = ("seq", "prev_hash", "hash")

_CHUNK = 1024 * 1024
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>`]+")
_QUERY_VALUE = re.compile(r"(^|&)([^=&#]+)=[^&#]*")


def mask_text(text: str) -> str:
    """``text`` with every URL in it shown without its secrets: the password in the user
    part (``s3://user:***@host/x``, via the history store's ``mask_url``) and every query
    value (``?sig=***``: signed URLs carry their token there)."""

    def one(match: re.Match[str]) -> str:
        url = mask_url(match.group(0))
        head, sep, query = url.partition("?")
        if not sep:
            return url
        return head + "?" + _QUERY_VALUE.sub(r"\1\2=***", query)

    return _URL.sub(one, text)


def scrub(value: Any) -> Any:
    """``value`` (JSON data) with :func:`mask_text` applied to every string in it, keys too."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {scrub(str(k)): scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    """The one text form of JSON data that hashes are taken of: sorted keys, no spaces,
    non-ASCII kept as is, anything else JSON cannot hold written as ``str()``."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def config_hash(config_dict: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of a run's effective config (``config.to_dict()``)."""
    text = json.dumps(config_dict, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"


def input_fingerprint(
    source: str, *, rows: int | None, hash_limit_bytes: int = DEFAULT_HASH_LIMIT_BYTES
) -> dict[str, Any]:
    """What a run read from one source: the source (secrets masked), its row count, and each
    local file's path, size and modification time.

    When the files total at most ``hash_limit_bytes`` each one's sha256 is taken (streamed, 1
    MiB at a time), ``content_hash`` is ``"sha256"`` and ``sha256`` is the digest of the one
    file, or for several files the digest of their ``sha256sum`` listing (``"<hex>  <path>\\n"``
    per file, in path order). Otherwise ``sha256`` is None and ``content_hash`` gives the
    reason: ``"skipped: larger than 256 MiB"``, ``"skipped: no local files"`` (an URL) or
    ``"skipped: cannot read <path> (...)"``.
    """
    out: dict[str, Any] = {"source": mask_text(source), "rows": rows, "files": [], "sha256": None}
    try:
        files = input_files(source)
    except OSError as exc:  # a file vanished between listing and stat
        out["content_hash"] = f"skipped: cannot list the files ({exc.strerror})"
        return out
    listed = [{**f, "path": mask_text(str(f["path"])), "sha256": None} for f in files]
    out["files"] = listed
    if not files:
        out["content_hash"] = "skipped: no local files"
        return out
    total = sum(int(f["size"]) for f in files)
    if total > hash_limit_bytes:
        out["content_hash"] = f"skipped: larger than {_mib(hash_limit_bytes)}"
        return out
    for raw, entry in zip(files, listed, strict=True):
        try:
            entry["sha256"] = _sha256_file(str(raw["path"]))
        except OSError as exc:
            for e in listed:
                e["sha256"] = None
            out["content_hash"] = f"skipped: cannot read {entry['path']} ({exc.strerror})"
            return out
    out["content_hash"] = "sha256"
    if len(listed) == 1:
        out["sha256"] = listed[0]["sha256"]
    else:
        manifest = "".join(f"{f['sha256']}  {f['path']}\n" for f in listed)
        out["sha256"] = hashlib.sha256(manifest.encode("utf-8")).hexdigest()
    return out


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):  # no login name, no passwd entry
        return f"uid {os.getuid()}"


def iso_time(t: datetime) -> str:
    """UTC, whole seconds, ``Z``: ``2025-03-01T12:00:00Z``. A naive time is taken as UTC."""
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _verdict(verdict: Mapping[str, Any]) -> dict[str, Any]:
    """``verdict`` with its breach messages capped at :data:`MAX_BREACHES` (the full count
    kept in ``breaches_total``)."""
    out = dict(verdict)
    breaches = out.get("breaches")
    if isinstance(breaches, (list, tuple)):
        out["breaches"] = [str(b) for b in breaches[:MAX_BREACHES]]
        if len(breaches) > MAX_BREACHES:
            out["breaches_total"] = len(breaches)
    return out


def report_verdict(report: Report) -> dict[str, Any]:
    """The verdict of a finished report: status, exit code, breaches (at most 50, the count
    in ``breaches_total`` when more), the number of warnings and of drifted columns."""
    return _verdict(
        {
            "status": report.status.value,
            "exit_code": int(report.exit_code),
            "breaches": list(report.breaches),
            "warnings": len(report.warnings),
            "drifted_columns": len(report.drifted_columns),
        }
    )


def run_record(
    *,
    command: str,
    exit_code: int,
    model: str | None = None,
    config: Mapping[str, Any] | None = None,
    inputs: Sequence[Mapping[str, Any]] = (),
    verdict: Mapping[str, Any] | None = None,
    error: str | None = None,
    extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The body of one run's record, before :func:`~driftcli.audit.trail.append` chains it.

    ``config`` is the effective config as a dict (only its hash is kept); ``inputs`` are
    :func:`input_fingerprint` results; ``verdict`` is :func:`report_verdict` for a finished
    report, None for a run that failed (then ``error`` says why). Every URL in the body has
    its password and query values masked. ``extra`` keys are added as they are.
    """
    body: dict[str, Any] = {
        "time": iso_time(now or datetime.now(timezone.utc)),
        "host": socket.gethostname(),
        "user": _user(),
        "driftcli_version": __version__,
        "command": command,
        "model": model,
        "config_hash": config_hash(config) if config is not None else None,
        "inputs": [dict(i) for i in inputs],
        "verdict": _verdict(verdict) if verdict is not None else None,
        "error": error,
        "exit_code": int(exit_code),
    }
    for key, value in (extra or {}).items():
        if key in body or key in RESERVED:
            raise ValueError(f"run_record: extra key {key!r} would replace a record field")
        body[key] = value
    scrubbed: dict[str, Any] = scrub(body)
    return scrubbed
