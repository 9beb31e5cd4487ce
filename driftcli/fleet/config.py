"""fleet.toml: a fleet's models, its tiers' policy, and settings resolved fleet < tier < model.

::

    [fleet]
    name = "risk-models"
    include = ["models/*.toml"]          # one file per model; inline [[models]] tables too
    output_dir = "out"                   # out/<model>/ per model, out/fleet.* for the fleet
    history = "sqlite:///out/history.db" # every run remembered (default: out/history.db)
    audit = "out/audit.jsonl"            # the tamper-evident audit trail (optional)
    parallel = 2                         # models run at once, each in its own process

    [defaults]                           # drift.toml settings for every model, plus
    reference = "data/{model}/reference.parquet"
    current = "data/{model}/current/{date}.parquet"

    [tiers.critical]                     # policy (and, optionally, drift.toml settings)
    fail_job_on = ["drift", "stale"]     # what makes the fleet job exit 1
    escalate_after = 2                   # consecutive breached runs before severity=critical
    max_data_age = "2d"                  # newest data older than this: stale
    max_run_gap = "26h"                  # no completed run for this long: stale
    labels = { team = "risk" }           # added to the model's alerts (routing)

A model (a file named by ``include``, or a ``[[models]]`` table) has ``name``, ``owner``,
``tier``, ``reference`` and ``current`` plus any drift.toml setting. Tables merge key by key:
``[defaults]`` < the tier's settings < the model's own, the more specific level winning (as
dbt's project config does). Relative paths are relative to the fleet file's folder.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from driftcli.config import config_from_mapping, read_toml
from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.sections.history.config import parse_duration

#: A tier's policy keys; every other key of ``[tiers.NAME]`` is a drift.toml setting.
POLICY_KEYS = ("fail_job_on", "escalate_after", "max_data_age", "max_run_gap", "labels")
#: What ``fail_job_on`` may list.
JOB_FAILURES = ("drift", "escalated", "stale")
#: A model's own keys besides drift.toml settings.
MODEL_KEYS = ("name", "owner", "tier", "reference", "current")
FLEET_KEYS = ("name", "include", "output_dir", "history", "audit", "parallel", "on_duplicate")
#: Placeholders a reference or current path may hold.
PLACEHOLDERS = ("model", "owner", "tier", "date", "year", "month", "day")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
DEFAULT_TIER = "standard"


@dataclass(frozen=True)
class TierPolicy:
    """What a tier decides: which outcomes fail the job, when a breach escalates, the
    staleness SLA and the alert routing labels."""

    name: str
    fail_job_on: tuple[str, ...] = ("drift", "stale")
    escalate_after: int = 1
    max_data_age: timedelta | None = None
    max_run_gap: timedelta | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    #: The tier's drift.toml settings (merged between [defaults] and the model's).
    settings: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "fail_job_on": list(self.fail_job_on),
            "escalate_after": self.escalate_after,
            "max_data_age_seconds": _seconds(self.max_data_age),
            "max_run_gap_seconds": _seconds(self.max_run_gap),
            "labels": dict(self.labels),
        }


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


@dataclass(frozen=True)
class ModelSpec:
    """One model of the fleet as declared: its settings already merged fleet < tier < model."""

    name: str
    owner: str
    tier: str
    reference: str  # a template: {model}, {date}, ...
    current: str
    settings: Mapping[str, Any]
    #: Where it was declared (a model file, or "fleet.toml [[models]] #2"), for messages.
    source: str

    def paths(self, run_date: date, base: Path) -> tuple[str, str]:
        """The reference and current paths for ``run_date``, relative ones joined to ``base``."""
        return (
            _resolve(self.reference, self, run_date, base, "reference"),
            _resolve(self.current, self, run_date, base, "current"),
        )


@dataclass(frozen=True)
class BrokenModel:
    """A model whose declaration cannot be read: it becomes an error row, never stops the
    others."""

    name: str
    source: str
    error: str
    owner: str = ""
    tier: str = ""


@dataclass(frozen=True)
class Fleet:
    """A parsed fleet.toml."""

    name: str
    path: Path
    output_dir: Path
    history: str
    audit: Path | None
    parallel: int
    on_duplicate: str
    tiers: Mapping[str, TierPolicy]
    models: tuple[ModelSpec, ...]
    broken: tuple[BrokenModel, ...] = ()

    @property
    def base(self) -> Path:
        """The folder relative paths start from: the fleet file's."""
        return self.path.parent

    def select(self, only: Sequence[str]) -> Fleet:
        """The fleet restricted to the named models (ConfigError naming an unknown one)."""
        if not only:
            return self
        known = {m.name for m in self.models} | {b.name for b in self.broken}
        unknown = [n for n in only if n not in known]
        if unknown:
            raise ConfigError(
                f"--only {unknown[0]!r}: no such model in {self.path}; models: "
                + ", ".join(sorted(known))
            )
        keep = set(only)
        return Fleet(
            self.name,
            self.path,
            self.output_dir,
            self.history,
            self.audit,
            self.parallel,
            self.on_duplicate,
            self.tiers,
            tuple(m for m in self.models if m.name in keep),
            tuple(b for b in self.broken if b.name in keep),
        )


def _resolve(template: str, spec: ModelSpec, run_date: date, base: Path, key: str) -> str:
    values = {
        "model": spec.name,
        "owner": spec.owner,
        "tier": spec.tier,
        "date": run_date.isoformat(),
        "year": f"{run_date.year:04d}",
        "month": f"{run_date.month:02d}",
        "day": f"{run_date.day:02d}",
    }
    try:
        text = template.format_map(values)
    except KeyError as exc:
        raise ConfigError(
            f"{spec.source}: {key} {template!r} has an unknown placeholder {{{exc.args[0]}}}; "
            f"use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
        ) from None
    except (ValueError, IndexError):
        raise ConfigError(
            f"{spec.source}: {key} {template!r} is not a valid template; write literal braces "
            "as {{ and }}"
        ) from None
    if "://" in text or Path(text).is_absolute():
        return text
    return str(base / text)


def deep_merge(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """The layers merged key by key, later ones winning; tables merge, other values replace."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
                out[key] = deep_merge(out[key], value)
            else:
                out[key] = value
    return out


def _string(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a non-empty string, got {value!r}")
    return value.strip()


def _whole(value: object, where: str, lo: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise ConfigError(f"{where} must be a whole number >= {lo}, got {value!r}")
    return value


def _tier(name: str, raw: object, source: str) -> TierPolicy:
    where = f"{source}: [tiers.{name}]"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where} must be a table, e.g. escalate_after = 2")
    fails = raw.get("fail_job_on", ["drift", "stale"])
    if isinstance(fails, str):
        fails = [fails]
    if not isinstance(fails, list) or any(f not in JOB_FAILURES for f in fails):
        raise ConfigError(
            f"{where}: fail_job_on must be a list of {', '.join(JOB_FAILURES)} "
            f"(empty: this tier never fails the job), got {fails!r}"
        )
    labels = raw.get("labels", {})
    if not isinstance(labels, Mapping) or not all(
        isinstance(k, str) and _LABEL.match(k) and isinstance(v, str) for k, v in labels.items()
    ):
        raise ConfigError(
            f'{where}: labels must be a table of label = "value" (names like team or '
            f"oncall_channel), got {labels!r}"
        )
    return TierPolicy(
        name=name,
        fail_job_on=tuple(dict.fromkeys(fails)),
        escalate_after=_whole(raw.get("escalate_after", 1), f"{where}: escalate_after"),
        max_data_age=(
            parse_duration(raw["max_data_age"], f"{where}: max_data_age")
            if "max_data_age" in raw
            else None
        ),
        max_run_gap=(
            parse_duration(raw["max_run_gap"], f"{where}: max_run_gap")
            if "max_run_gap" in raw
            else None
        ),
        labels=dict(labels),
        settings={k: v for k, v in raw.items() if k not in POLICY_KEYS},
    )


def _model(
    raw: Mapping[str, Any],
    source: str,
    defaults: Mapping[str, Any],
    tiers: Mapping[str, TierPolicy],
) -> ModelSpec:
    name = _string(raw.get("name"), f"{source}: name")
    if not _NAME.match(name):
        raise ConfigError(
            f"{source}: name {name!r} may hold only letters, digits, '.', '_' and '-' "
            "(it names the model's output folder and its metrics)"
        )
    tier_name = raw.get("tier", defaults.get("tier"))
    if tier_name is None:
        raise ConfigError(
            f"{source}: model {name!r} has no tier; set tier = one of {', '.join(sorted(tiers))}"
        )
    tier_name = _string(tier_name, f"{source}: tier")
    if tier_name not in tiers:
        raise ConfigError(
            f"{source}: tier {tier_name!r} is not defined; add [tiers.{tier_name}] to the fleet "
            f"file or use one of: {', '.join(sorted(tiers))}"
        )
    merged = deep_merge(
        {k: v for k, v in defaults.items() if k != "tier"},
        tiers[tier_name].settings,
        {k: v for k, v in raw.items() if k != "tier"},
    )
    owner = _string(merged.get("owner", "unowned"), f"{source}: owner")
    for key in ("reference", "current"):
        if key not in merged:
            raise ConfigError(
                f"{source}: model {name!r} has no {key} path; set it on the model or as a "
                'template in [defaults] (e.g. current = "data/{model}/{date}.parquet")'
            )
        _string(merged[key], f"{source}: {key}")
    settings = {k: v for k, v in merged.items() if k not in MODEL_KEYS}
    config_from_mapping(settings, f"{source} (model {name})")  # fail now, not mid-run
    return ModelSpec(
        name=name,
        owner=owner,
        tier=tier_name,
        reference=merged["reference"],
        current=merged["current"],
        settings=settings,
        source=source,
    )


def _history_url(value: object, base: Path, source: str) -> str:
    url = _string(value, f"{source}: [fleet] history")
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + str((base / url[len(prefix) :]).resolve())
    return url


def load_fleet(path: str | Path) -> Fleet:
    """Read a fleet file and every model it names. A model file that cannot be read or whose
    settings are wrong becomes a :class:`BrokenModel`; a wrong fleet file raises ConfigError."""
    p = Path(path)
    data = read_toml(p, "fleet file", "the path")
    source = str(p)
    reject_unknown_keys(data, ("fleet", "defaults", "tiers", "models"), source)
    head = data.get("fleet", {})
    if not isinstance(head, Mapping):
        raise ConfigError(f"{source}: [fleet] must be a table")
    reject_unknown_keys(head, FLEET_KEYS, f"{source}: [fleet]")
    base = p.parent
    parallel = _whole(head.get("parallel", 2), f"{source}: [fleet] parallel")
    on_duplicate = head.get("on_duplicate", "replace")
    if on_duplicate not in ("refuse", "replace", "append"):
        raise ConfigError(
            f"{source}: [fleet] on_duplicate must be refuse, replace or append, got "
            f"{on_duplicate!r}"
        )
    defaults = data.get("defaults", {})
    if not isinstance(defaults, Mapping):
        raise ConfigError(f"{source}: [defaults] must be a table of drift.toml settings")
    raw_tiers = data.get("tiers", {DEFAULT_TIER: {}})
    if not isinstance(raw_tiers, Mapping) or not raw_tiers:
        raise ConfigError(f"{source}: [tiers] must hold at least one [tiers.NAME] table")
    tiers = {name: _tier(name, raw, source) for name, raw in raw_tiers.items()}
    if "tier" not in defaults and (DEFAULT_TIER in tiers or len(tiers) == 1):
        # a model without a tier gets "standard", or the fleet's only tier
        defaults = {
            **defaults,
            "tier": DEFAULT_TIER if DEFAULT_TIER in tiers else next(iter(tiers)),
        }
    declared: list[tuple[str, Mapping[str, Any] | None, str | None]] = []
    include = head.get("include", [])
    if isinstance(include, str):
        include = [include]
    if not isinstance(include, list) or not all(isinstance(g, str) for g in include):
        raise ConfigError(f"{source}: [fleet] include must be a list of globs, got {include!r}")
    for pattern in include:
        full = pattern if Path(pattern).is_absolute() else str(base / pattern)
        files = sorted(glob.glob(full, recursive=True))
        if not files:
            raise ConfigError(
                f"{source}: include {pattern!r} matches no model file (looked in {base})"
            )
        for f in files:
            try:
                declared.append((f, read_toml(Path(f), "model file", "the path"), None))
            except ConfigError as exc:
                declared.append((f, None, str(exc)))
    inline = data.get("models", [])
    if not isinstance(inline, list) or not all(isinstance(m, Mapping) for m in inline):
        raise ConfigError(f"{source}: models must be [[models]] tables")
    declared += [(f"{source} [[models]] #{i}", m, None) for i, m in enumerate(inline, 1)]
    models: list[ModelSpec] = []
    broken: list[BrokenModel] = []
    seen: dict[str, str] = {}
    for where, raw, error in declared:
        name = _guess_name(where, raw)
        if name in seen:
            raise ConfigError(
                f"{where}: model name {name!r} is also used by {seen[name]}; names must be unique"
            )
        seen[name] = where
        if raw is None:
            broken.append(BrokenModel(name, where, error or "unreadable"))
            continue
        try:
            models.append(_model(raw, where, defaults, tiers))
        except ConfigError as exc:
            tier = raw.get("tier", defaults.get("tier", ""))
            broken.append(BrokenModel(name, where, str(exc), str(raw.get("owner", "")), str(tier)))
    if not declared:
        raise ConfigError(
            f'{source}: the fleet has no models; add include = ["models/*.toml"] to [fleet] '
            "or [[models]] tables"
        )
    out = Path(_string(head.get("output_dir", "out"), f"{source}: [fleet] output_dir"))
    out = out if out.is_absolute() else base / out
    history = head.get("history", "sqlite:///" + str((out / "history.db").resolve()))
    audit = head.get("audit")
    return Fleet(
        name=_string(head.get("name", p.stem), f"{source}: [fleet] name"),
        path=p,
        output_dir=out,
        history=_history_url(history, base, source),
        audit=None if audit is None else _audit_path(audit, base, source),
        parallel=parallel,
        on_duplicate=on_duplicate,
        tiers=tiers,
        models=tuple(sorted(models, key=lambda m: m.name)),
        broken=tuple(sorted(broken, key=lambda b: b.name)),
    )


def _audit_path(value: object, base: Path, source: str) -> Path:
    p = Path(_string(value, f"{source}: [fleet] audit"))
    return p if p.is_absolute() else base / p


def _guess_name(where: str, raw: Mapping[str, Any] | None) -> str:
    """The model's name for its row: its ``name``, else its file's stem."""
    if raw is not None and isinstance(raw.get("name"), str) and raw["name"].strip():
        return str(raw["name"]).strip()
    return Path(where.split(" [[")[0]).stem if "[[models]]" not in where else where
