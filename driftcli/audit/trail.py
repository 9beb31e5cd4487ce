"""The trail file: append-only JSON Lines, each record carrying the hash of the one before.

A record is one line of canonical JSON (sorted keys, no spaces)::

    {"seq": 7, ...body..., "prev_hash": "<hash of record 6>", "hash": "<sha256 of this record
    without its hash>"}

:func:`append` numbers and chains a body under an exclusive ``flock``, so runs appending at
the same time from several processes still make one chain; :func:`verify` walks the chain
and names the first record that does not fit. POSIX only (``fcntl``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftcli.audit.record import GENESIS, RESERVED, canonical_json, scrub
from driftcli.errors import ConfigError, InputError

_CHUNK = 64 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Break:
    """Where a chain breaks: the record's own ``seq`` (None when it cannot be read), its
    1-based ``line`` in the file, and why."""

    seq: int | None
    line: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"seq": self.seq, "line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`. ``records`` counts the records found intact (all of
    them when ``ok``); ``last_seq``/``last_hash`` are those of the last intact record (None
    for an empty trail); ``first_break`` is None when ``ok``."""

    ok: bool
    records: int
    first_break: Break | None = None
    last_seq: int | None = None
    last_hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "verified": self.ok,
            "records": self.records,
            "first_break": self.first_break.to_dict() if self.first_break else None,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
        }


def record_hash(record: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of ``record`` without its ``hash`` field."""
    rest = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(canonical_json(rest).encode("utf-8")).hexdigest()


def _os_error(path: Path, exc: OSError, doing: str) -> InputError:
    return InputError(f"{path}: cannot {doing} the audit trail ({exc.strerror or exc})")


def _count_lines(fd: int, end: int) -> int:
    """Lines in the first ``end`` bytes (a last line without newline counts)."""
    lines, pos, last = 0, 0, b"\n"
    while pos < end:
        chunk = os.pread(fd, min(_CHUNK * 16, end - pos), pos)
        if not chunk:
            break
        lines += chunk.count(b"\n")
        last = chunk[-1:]
        pos += len(chunk)
    return lines + (0 if last == b"\n" else 1)


def _last_line(fd: int, size: int) -> tuple[bytes, bool]:
    """The file's last line (without its newline) and whether it ends with a newline; read
    backwards in chunks, never the whole file."""
    complete = os.pread(fd, 1, size - 1) == b"\n"
    end = size - 1 if complete else size
    parts: list[bytes] = []
    pos = end
    while pos > 0:
        start = max(0, pos - _CHUNK)
        chunk = os.pread(fd, pos - start, start)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            parts.append(chunk[cut + 1 :])
            break
        parts.append(chunk)
        pos = start
    return b"".join(reversed(parts)), complete


def _tail(path: Path, fd: int) -> tuple[int, str]:
    """The seq and hash of the trail's last record, ``(0, GENESIS)`` for an empty file;
    InputError when the last line is not a whole record (a torn write or an edit)."""
    size = os.fstat(fd).st_size
    if size == 0:
        return 0, GENESIS
    line, complete = _last_line(fd, size)
    try:
        last = json.loads(line.decode("utf-8")) if complete else None
    except ValueError:
        last = None
    seq = last.get("seq") if isinstance(last, dict) else None
    digest = last.get("hash") if isinstance(last, dict) else None
    if (
        isinstance(seq, int)
        and not isinstance(seq, bool)
        and isinstance(digest, str)
        and _HEX64.fullmatch(digest)
    ):
        return seq, digest
    number = _count_lines(fd, size)
    what = "is cut short (a write was interrupted)" if not complete else "is not a valid record"
    raise InputError(
        f"{path}: line {number}, the last record, {what}; nothing was appended. Run "
        f"`drift audit verify {path}` and repair or rotate the trail before the next run"
    )


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def append(path: str | os.PathLike[str], body: Mapping[str, Any]) -> dict[str, Any]:
    """Chain ``body`` (a :func:`~driftcli.audit.record.run_record`) onto the trail at
    ``path`` and return the full record written.

    The record is ``{"seq": last seq + 1, **body, "prev_hash": last hash, "hash": ...}``,
    written as one line with a single write, then flushed to disk (fsync), all under an
    exclusive lock on the file. The folders and the file are created when missing. A last
    line that is not a whole record stops it with InputError: a chain is never extended
    from a record it cannot read.
    """
    for key in RESERVED:
        if key in body:
            raise ValueError(f"append: the body must not carry {key!r}; append sets it")
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target}: is a folder; give the audit trail a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        created = not target.exists()
        fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _os_error(target, exc, "open") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last_seq, last_hash = _tail(target, fd)
        # Through JSON and back: the record kept is exactly the one verify will re-read.
        clean = json.loads(canonical_json(scrub(dict(body))))
        record: dict[str, Any] = {"seq": last_seq + 1, **clean, "prev_hash": last_hash}
        record["hash"] = record_hash(record)
        data = (canonical_json(record) + "\n").encode("utf-8")
        written = os.write(fd, data)
        while written < len(data):  # a regular file takes it whole; a short write is rare
            written += os.write(fd, data[written:])
        os.fsync(fd)
    except OSError as exc:
        raise _os_error(target, exc, "append to") from exc
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    if created:
        _fsync_folder(target.parent)
    return record


def _lines(path: Path) -> Iterator[bytes]:
    """The trail's lines without their newlines, streamed; InputError when it is missing."""
    if not path.exists():
        raise InputError(
            f"{path}: no such audit trail; check the path (a run creates it with its first record)"
        )
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an audit trail file")
    try:
        with path.open("rb") as fh:
            for raw in fh:
                yield raw[:-1] if raw.endswith(b"\n") else raw
    except OSError as exc:
        raise _os_error(path, exc, "read") from exc


def parse_line(raw: bytes) -> dict[str, Any] | None:
    """The record on one line, or None when it is not a JSON object."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def read_records(
    path: str | os.PathLike[str],
) -> Iterator[tuple[int, bytes, dict[str, Any] | None]]:
    """Each line of the trail: its 1-based number, its bytes, and its record (None when the
    line is not a JSON object)."""
    for number, raw in enumerate(_lines(Path(path)), start=1):
        yield number, raw, parse_line(raw)


def _problem(record: dict[str, Any] | None) -> str | None:
    """Why ``record`` is not a well-formed record, or None."""
    if record is None:
        return "not a JSON record (a torn write or a hand edit)"
    missing = [k for k in ("seq", "prev_hash", "hash") if k not in record]
    if missing:
        return f"not a record: no {', '.join(missing)}"
    seq = record["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return "not a record: its seq is not a positive whole number"
    if not isinstance(record["hash"], str) or not isinstance(record["prev_hash"], str):
        return "not a record: its hashes are not text"
    return None


def _records(n: int) -> str:
    return f"{n} record{'' if n == 1 else 's'}"


def check_hex(value: str, option: str) -> str:
    """``value`` lower-cased when it is a sha256 hex digest, else ConfigError."""
    digest = value.strip().lower()
    if not _HEX64.fullmatch(digest):
        raise ConfigError(
            f"{option} {value!r}: not a record hash; give the 64 hex digits "
            "`drift audit verify` printed"
        )
    return digest


def verify(
    path: str | os.PathLike[str],
    *,
    expect_last_hash: str | None = None,
    min_records: int | None = None,
) -> VerifyResult:
    """Walk the trail at ``path`` and return where its chain first breaks, if anywhere.

    Per line, in order: a JSON object with ``seq``, ``prev_hash`` and ``hash``; its hash
    matches its content (else it was edited); its seq follows the one before (else records
    were deleted, or moved); its ``prev_hash`` is the hash of the record before. The first
    record must be seq 1 chained to :data:`GENESIS`.

    A chain in one file cannot tell that its last records were cut off. ``expect_last_hash``
    (a hash stored elsewhere earlier, e.g. by a cron job from ``drift audit verify``) must be
    the hash of one of the records, and ``min_records`` the least number of records; either
    failing is a break after the last record. A missing file is InputError; an empty one is
    an intact trail of 0 records.
    """
    target = Path(path)
    expected = check_hex(expect_last_hash, "--expect-last-hash") if expect_last_hash else None
    if min_records is not None and min_records < 0:
        raise ConfigError(f"--min-records {min_records}: give 0 or more")
    count, prev_seq, prev_hash, line = 0, 0, GENESIS, 0
    seen_expected = False
    for line, _raw, record in read_records(target):
        problem = _problem(record)
        seq = record.get("seq") if record is not None else None
        own = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
        if problem is None and record is not None:
            if record_hash(record) != record["hash"]:
                problem = "edited: its content does not match its hash"
            elif count == 0 and own != 1:
                problem = "the first record(s) were deleted: the trail does not start at seq 1"
            elif own is not None and own > prev_seq + 1:
                gap = f"{prev_seq + 1}" if own == prev_seq + 2 else f"{prev_seq + 1}..{own - 1}"
                problem = f"record(s) {gap} missing (deleted, or moved further down)"
            elif own is not None and own <= prev_seq:
                problem = "out of order (reordered or duplicated)"
            elif record["prev_hash"] != prev_hash:
                problem = "does not follow the record before it (deleted, inserted or reordered)"
        if problem is not None:
            return VerifyResult(
                False, count, Break(own, line, problem), prev_seq or None, _last(count, prev_hash)
            )
        assert record is not None
        count, prev_seq, prev_hash = count + 1, record["seq"], record["hash"]
        seen_expected = seen_expected or prev_hash == expected
    last_seq, last_hash = prev_seq or None, _last(count, prev_hash)
    if expected is not None and not seen_expected:
        reason = (
            f"no record has the expected hash {expected[:12]}…: the last records were "
            f"deleted, or the trail was rewritten or replaced ({_records(count)} left)"
        )
        return VerifyResult(False, count, Break(None, line + 1, reason), last_seq, last_hash)
    if min_records is not None and count < min_records:
        reason = (
            f"{_records(count)}, fewer than the {min_records} expected: "
            "the last records were deleted"
        )
        return VerifyResult(False, count, Break(None, line + 1, reason), last_seq, last_hash)
    return VerifyResult(True, count, None, last_seq, last_hash)


def _last(count: int, digest: str) -> str | None:
    return digest if count else None
