"""The exception tree of driftcli.

Every error a user can cause is a :class:`DriftError` subclass and maps to exit code 2;
anything else escaping the library is a bug and maps to exit code 3::

    DriftError                 base of all errors driftcli raises on purpose
    ├── ConfigError            bad option, config file, test name or threshold
    └── InputError             unreadable, missing, empty or incompatible data

Messages are one line, name the file or column concerned and say how to fix it.
Lower-level errors (Polars, OS, TOML) are re-raised as these with ``raise ... from exc``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable


class DriftError(Exception):
    """Base class of the errors driftcli raises for a user's mistake."""


class ConfigError(DriftError):
    """A configuration value, option or config file is invalid."""


class InputError(DriftError):
    """A data source cannot be read or cannot be compared."""


def reject_unknown_keys(table: Iterable[object], valid: Collection[str], where: str) -> None:
    """ConfigError ``"<where>: unknown key 'k'; valid keys: a, b"`` for a TOML table's first
    (sorted) key that is not in ``valid``: the one check every config table makes."""
    bad = sorted(str(k) for k in set(table) - set(valid))
    if bad:
        raise ConfigError(f"{where}: unknown key {bad[0]!r}; valid keys: {', '.join(valid)}")
