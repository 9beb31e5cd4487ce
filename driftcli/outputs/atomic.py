"""Atomic file output: write temporary files beside the targets, then rename them into place.

A run that is killed part-way leaves either the old file or no file, never half of one. Many
outputs are written together (:func:`write_all_atomic`): every target is checked first, then
every temporary file is written, and only when all of them are complete are they renamed, so
an output that cannot be written leaves none of the others behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from driftcli.errors import InputError


def _existing_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _folder(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def check_writable(path: str | os.PathLike[str]) -> None:
    """InputError unless a file can be written at ``path``: its folder exists, it is not a
    folder itself, and a file can be created beside it (tried, then removed)."""
    target = Path(path)
    directory = _folder(target)
    if not directory.is_dir():
        raise InputError(f"{target}: the folder {directory} does not exist; create it first")
    if target.is_dir():
        raise InputError(f"{target}: is a folder; give a file name for this output")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(
            f"{target}: cannot write in {directory} ({exc.strerror}); choose a writable folder"
        ) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def _stage(target: Path, text: str) -> str:
    """Write ``text`` to a temporary file beside ``target``; its path."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=_folder(target))
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror})") from exc
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.fchmod(fd, _existing_mode(target))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(f"{target}: cannot write ({exc.strerror})") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_all_atomic(items: Sequence[tuple[str | os.PathLike[str], str]]) -> None:
    """Write each ``(path, text)``: all checked, all staged, then all renamed into place."""
    targets = [(Path(p), text) for p, text in items]
    for target, _ in targets:
        check_writable(target)
    staged: list[tuple[str, Path]] = []
    try:
        for target, text in targets:
            staged.append((_stage(target, text), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write the outputs ({exc.strerror})") from exc
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; OS errors become InputError."""
    write_all_atomic([(path, text)])
