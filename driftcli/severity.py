"""What a finding of the model sections means: ``warn`` (reported) or ``fail`` (exit code 1)."""

from __future__ import annotations

from typing import Literal

from driftcli.errors import ConfigError

Severity = Literal["warn", "fail"]
SEVERITIES: tuple[Severity, ...] = ("warn", "fail")


def check_severity(value: object, where: str) -> None:
    """ConfigError naming ``where`` unless ``value`` is ``"warn"`` or ``"fail"``."""
    if value not in SEVERITIES:
        raise ConfigError(f"{where}: severity must be warn or fail, got {value!r}")
