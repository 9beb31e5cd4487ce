"""The ``[concept]`` config table: which detectors run on the error stream, and what a change is.

Config::

    [concept]
    detectors = ["adwin", "ddm", "eddm", "page_hinkley"]   # default: all four
    severity = "warn"            # what a detected change point is: warn (default) | fail
    per_segment = true           # also run on each segment's stream (with segment_by)

    [concept.adwin]              # optional per-detector parameters (river's names/defaults)
    delta = 0.002

The parameter tables take exactly the keyword parameters of the detector functions in
:mod:`driftcli.sections.concept_drift.detectors` (river's names and defaults):
``[concept.adwin]`` delta, clock, max_buckets, min_window_length, grace_period;
``[concept.ddm]`` warm_start, warning_threshold, drift_threshold; ``[concept.eddm]``
warm_start, alpha, beta; ``[concept.page_hinkley]`` min_instances, delta, threshold, alpha,
mode. A table for a detector that is not in ``detectors`` is an error (it would be ignored
silently otherwise).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.results.vocabulary import Severity, check_severity

ALL_DETECTORS = ("adwin", "ddm", "eddm", "page_hinkley")


_KEYS = ("detectors", "severity", "per_segment")


ParamValue = float | int | str


def _detector_defaults(name: str) -> dict[str, ParamValue]:
    """A detector's keyword parameters and their defaults, read from its signature."""
    # Imported here: a run without a [concept] table never loads the detectors.
    from driftcli.sections.concept_drift.detectors import DETECTORS

    params = list(inspect.signature(DETECTORS[name]).parameters.values())[1:]  # after `stream`
    return {p.name: p.default for p in params}


def _param_value(where: str, value: object, default: ParamValue) -> ParamValue:
    """``value`` checked against the type of the parameter's default (int, float or str)."""
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number, got {value!r}")
    return float(value)


def _check_params(name: str, given: object) -> Mapping[str, ParamValue]:
    """One detector's configured parameters, validated: names, types and the detector's checks."""
    where = f"concept.{name}"
    defaults = _detector_defaults(name)
    if not isinstance(given, Mapping):
        raise ConfigError(
            f"{where} must be a table [concept.{name}] with keys: {', '.join(defaults)}"
        )
    reject_unknown_keys(given, defaults, where)
    checked = {str(k): _param_value(f"{where}: {k}", v, defaults[str(k)]) for k, v in given.items()}
    from driftcli.sections.concept_drift.detectors import DETECTORS

    try:  # the detectors check their parameters before looking at the stream
        DETECTORS[name](np.empty(0), **checked)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {str(exc).removeprefix(name + ': ')}") from None
    return MappingProxyType(checked)


@dataclass(frozen=True)
class ConceptConfig:
    """Which detectors run, with which parameters, and what a detection means."""

    detectors: tuple[str, ...] = ALL_DETECTORS
    params: Mapping[str, Mapping[str, float | int | str]] = field(default_factory=dict)
    severity: Severity = Severity.WARN
    per_segment: bool = True

    def __post_init__(self) -> None:
        names = self.detectors
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise ConfigError(
                f"concept: detectors must be a list of names from {', '.join(ALL_DETECTORS)}, "
                f"got {names!r}"
            )
        for name in names:
            if name not in ALL_DETECTORS:
                raise ConfigError(
                    f"concept: unknown detector {name!r}; valid detectors: "
                    f"{', '.join(ALL_DETECTORS)}"
                )
        if not names:
            raise ConfigError(
                f"concept: detectors is empty; name at least one of {', '.join(ALL_DETECTORS)}"
            )
        dupes = sorted({n for n in names if list(names).count(n) > 1})
        if dupes:
            raise ConfigError(f"concept: detector {dupes[0]!r} is listed more than once")
        object.__setattr__(self, "detectors", tuple(names))
        object.__setattr__(self, "severity", check_severity(self.severity, "concept"))
        if not isinstance(self.per_segment, bool):
            raise ConfigError(
                f"concept: per_segment must be true or false, got {self.per_segment!r}"
            )
        if not isinstance(self.params, Mapping):
            raise ConfigError(
                f"concept: params must map detector names to parameter tables, got {self.params!r}"
            )
        params: dict[str, Mapping[str, ParamValue]] = {}
        for name, given in self.params.items():
            if name not in ALL_DETECTORS:
                raise ConfigError(
                    f"concept: parameters for unknown detector {name!r}; valid detectors: "
                    f"{', '.join(ALL_DETECTORS)}"
                )
            if name not in names:
                raise ConfigError(
                    f"concept: parameters are set for {name}, which is not in detectors; "
                    f"add it to detectors or remove [concept.{name}]"
                )
            params[name] = _check_params(name, given)
        object.__setattr__(self, "params", MappingProxyType(params))

    def effective_params(self, name: str) -> dict[str, float | int | str]:
        """Every parameter of detector ``name``: the configured ones over the defaults."""
        return {**_detector_defaults(name), **self.params.get(name, {})}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports (``params``: only the configured values)."""
        return {
            "detectors": list(self.detectors),
            "params": {name: dict(p) for name, p in self.params.items()},
            "severity": self.severity.value,
            "per_segment": self.per_segment,
        }


def concept_config_from_mapping(data: object, source: str) -> ConceptConfig:
    """Validate a parsed ``[concept]`` table (ConfigError naming ``source`` and the key)."""
    where = f"{source}: concept"
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table: [concept]")
    valid = (*_KEYS, *ALL_DETECTORS)
    bad = sorted(str(k) for k in set(data) - set(valid))
    if bad:
        raise ConfigError(
            f"{where}: unknown key {bad[0]!r}; valid keys: {', '.join(valid)} "
            f"(the last {len(ALL_DETECTORS)} are per-detector parameter tables)"
        )
    kwargs: dict[str, Any] = {k: data[k] for k in _KEYS if k in data}
    if "detectors" in kwargs and not isinstance(kwargs["detectors"], list):
        raise ConfigError(
            f"{where}: detectors must be a list like {list(ALL_DETECTORS)!r}, "
            f"got {kwargs['detectors']!r}"
        )
    kwargs["params"] = {name: data[name] for name in ALL_DETECTORS if name in data}
    try:
        return ConceptConfig(**kwargs)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
