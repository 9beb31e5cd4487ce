"""The ``[model]`` config table: the model's columns, task, bootstrap settings and rules.

Config (``[model]`` table, CLI ``--target/--prediction/--score/--task/--positive-label``)::

    [model]
    target = "target"
    prediction = "prediction"
    score = "score"              # optional: probability of the positive class (binary)
    task = "binary"              # optional: binary | multiclass | regression (inferred)
    positive_label = 1           # optional
    n_resamples = 1000           # bootstrap resamples of the difference's interval
    confidence = 0.95
    seed = 0

    [[model.rules]]
    metric = "accuracy"
    segment = "region=south"     # "overall" (default), a segment label, or "*" (overall and
                                 # every tested segment)
    max_drop = 0.02              # absolute drop in the metric's units (direction-aware), or
    # max_relative_drop = 0.05   # drop as a fraction of the reference value
    severity = "fail"            # warn | fail
    significant_only = false     # true: breach only when the bootstrap interval of the
                                 # difference lies wholly on the worse side of zero
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from driftcli.errors import ConfigError, reject_unknown_keys
from driftcli.results.vocabulary import Severity, check_severity
from driftcli.sections.performance.vocabulary import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    HIGHER_IS_BETTER,
    TASKS,
    Label,
    Task,
)

OVERALL = "overall"
EVERY_SCOPE = "*"


#: The metrics each task reports (``roc_auc`` and ``log_loss`` need a score column).
TASK_METRICS: dict[Task, tuple[str, ...]] = {
    "binary": ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"),
    "multiclass": (
        "accuracy",
        "precision_macro",
        "recall_macro",
        "f1_macro",
        "precision_weighted",
        "recall_weighted",
        "f1_weighted",
    ),
    "regression": ("mae", "rmse", "mape", "r2"),
}


SCORE_METRICS = ("roc_auc", "log_loss")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class PerformanceRule:
    """A limit on how much one metric may get worse, in one scope (or every scope)."""

    metric: str
    segment: str = OVERALL  # "overall", "*", or a segment label like "region=south"
    max_drop: float | None = None
    max_relative_drop: float | None = None
    severity: Severity = Severity.FAIL
    significant_only: bool = False

    def __post_init__(self) -> None:
        if self.metric not in HIGHER_IS_BETTER:
            raise ConfigError(
                f"rule metric: unknown metric {self.metric!r}; valid metrics: "
                f"{', '.join(HIGHER_IS_BETTER)}"
            )
        if not isinstance(self.segment, str) or not self.segment:
            raise ConfigError(
                f"rule segment must be 'overall', '*' or a segment label like 'region=south', "
                f"got {self.segment!r}"
            )
        limits = [k for k in ("max_drop", "max_relative_drop") if getattr(self, k) is not None]
        if len(limits) != 1:
            raise ConfigError(
                f"rule on {self.metric}: set exactly one of max_drop (absolute) or "
                f"max_relative_drop (fraction of the reference), got "
                f"{' and '.join(limits) if limits else 'neither'}"
            )
        name = limits[0]
        value = getattr(self, name)
        if not _is_number(value) or not math.isfinite(value) or value < 0:
            raise ConfigError(
                f"rule on {self.metric}: {name} must be a non-negative number, got {value!r}"
            )
        object.__setattr__(self, name, float(value))
        object.__setattr__(
            self, "severity", check_severity(self.severity, f"rule on {self.metric}")
        )
        if not isinstance(self.significant_only, bool):
            raise ConfigError(
                f"rule on {self.metric}: significant_only must be true or false, "
                f"got {self.significant_only!r}"
            )

    @property
    def limit(self) -> float:
        """The configured limit, absolute or relative."""
        value = self.max_drop if self.max_drop is not None else self.max_relative_drop
        assert value is not None
        return value

    @property
    def limit_kind(self) -> Literal["absolute", "relative"]:
        """``absolute`` for max_drop, ``relative`` for max_relative_drop."""
        return "absolute" if self.max_drop is not None else "relative"


@dataclass(frozen=True)
class ModelConfig:
    """Which columns are the model's; performance is computed when target and prediction are set."""

    target: str | None = None
    prediction: str | None = None
    score: str | None = None
    task: Task | None = None
    positive_label: Label | None = None
    n_resamples: int = DEFAULT_RESAMPLES
    confidence: float = DEFAULT_CONFIDENCE
    seed: int = 0
    rules: tuple[PerformanceRule, ...] = ()

    def __post_init__(self) -> None:
        def setf(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        for role in ("target", "prediction", "score"):
            value = getattr(self, role)
            if value is not None and (not isinstance(value, str) or not value):
                raise ConfigError(f"model: {role} must be a column name, got {value!r}")
        if self.task is not None and self.task not in TASKS:
            raise ConfigError(
                f"model: task must be one of {', '.join(TASKS)} (or unset to infer it), "
                f"got {self.task!r}"
            )
        label = self.positive_label
        if label is not None and (
            not isinstance(label, (str, int, float, bool))
            or (isinstance(label, float) and not math.isfinite(label))
        ):
            raise ConfigError(
                f"model: positive_label must be a label value (text, number or boolean), "
                f"got {label!r}"
            )
        n = self.n_resamples
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ConfigError(f"model: n_resamples must be a whole number >= 1, got {n!r}")
        conf = self.confidence
        if not _is_number(conf) or not 0 < conf < 1:
            raise ConfigError(f"model: confidence must be a number in (0, 1), got {conf!r}")
        setf("confidence", float(conf))
        seed = self.seed
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ConfigError(f"model: seed must be a whole number >= 0, got {seed!r}")
        if isinstance(self.rules, (str, bytes)) or not isinstance(self.rules, Sequence):
            raise ConfigError(
                f"model: rules must be a sequence of PerformanceRule, got {self.rules!r}"
            )
        rules = tuple(self.rules)
        for rule in rules:
            if not isinstance(rule, PerformanceRule):
                raise ConfigError(f"model: rules must hold PerformanceRule items, got {rule!r}")
        setf("rules", rules)
        if rules and not self.enabled:
            raise ConfigError(
                "model: rules need both target and prediction; set them ([model] target and "
                "prediction, or --target and --prediction)"
            )
        for rule in rules:
            if self.task is not None and rule.metric not in TASK_METRICS[self.task]:
                raise ConfigError(
                    f"model: rule metric {rule.metric!r} does not apply to a {self.task} task; "
                    f"{self.task} metrics: {', '.join(TASK_METRICS[self.task])}"
                )
            if rule.metric in SCORE_METRICS and self.score is None:
                raise ConfigError(
                    f"model: rule metric {rule.metric!r} needs a score column; set [model] "
                    "score (--score) to the probability of the positive class"
                )

    @property
    def enabled(self) -> bool:
        """True when both target and prediction are configured."""
        return self.target is not None and self.prediction is not None

    @property
    def roles(self) -> dict[str, str]:
        """Column name -> "target" | "prediction" | "score" for the configured columns."""
        out: dict[str, str] = {}
        for role in ("target", "prediction", "score"):
            name = getattr(self, role)
            if name is not None:
                out[name] = role
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        return {
            "target": self.target,
            "prediction": self.prediction,
            "score": self.score,
            "task": self.task,
            "positive_label": self.positive_label,
            "n_resamples": self.n_resamples,
            "confidence": self.confidence,
            "seed": self.seed,
            "rules": [
                {**dataclasses.asdict(rule), "severity": rule.severity.value} for rule in self.rules
            ],
        }


_MODEL_KEYS: dict[str, str] = {
    "target": "column holding the true value (label or number)",
    "prediction": "column holding the model's prediction",
    "score": "column holding the probability of the positive class (binary)",
    "task": "binary | multiclass | regression (default: inferred)",
    "positive_label": "the label that means 'positive' for binary metrics",
    "n_resamples": "bootstrap resamples of each difference's interval (default 1000)",
    "confidence": "confidence of the bootstrap interval (default 0.95)",
    "seed": "seed of the bootstrap (default 0)",
    "rules": "[[model.rules]] tables: metric, segment, max_drop or max_relative_drop, ...",
}


_RULE_KEYS = ("metric", "segment", "max_drop", "max_relative_drop", "severity", "significant_only")


def model_config_from_mapping(data: object, source: str) -> ModelConfig:
    """Validate a parsed ``[model]`` table (ConfigError naming ``source`` and the key)."""
    where = f"{source}: model"
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table: [model]")
    reject_unknown_keys(data, _MODEL_KEYS, where)
    for key in ("target", "prediction", "score", "task"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"{where}: {key} must be a string, got {data[key]!r}")
    kwargs: dict[str, Any] = {k: v for k, v in data.items() if k != "rules"}
    raw = data.get("rules", [])
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: rules must be tables like [[model.rules]]")
    rules: list[PerformanceRule] = []
    for i, table in enumerate(raw):
        rwhere = f"{where} rules[{i}]"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{rwhere} must be a table with {', '.join(_RULE_KEYS)}")
        reject_unknown_keys(table, _RULE_KEYS, rwhere)
        if "metric" not in table:
            raise ConfigError(
                f"{rwhere}: metric is required; valid metrics: {', '.join(HIGHER_IS_BETTER)}"
            )
        try:
            rules.append(PerformanceRule(**table))
        except ConfigError as exc:
            raise ConfigError(f"{rwhere}: {exc}") from None
    try:
        return ModelConfig(**kwargs, rules=tuple(rules))
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


#: The ``drift report`` flags the ``[model]`` table owns.
MODEL_OPTIONS = ("target", "prediction", "score", "task", "positive_label")


def apply_model_options(base: ModelConfig, flags: Mapping[str, Any]) -> ModelConfig | None:
    """``base`` with the model flags given (``--target`` ...) applied; None when none is."""
    given: dict[str, Any] = {k: flags[k] for k in MODEL_OPTIONS if flags.get(k) is not None}
    if not given:
        return None
    task = given.get("task")
    if task is not None and task not in TASKS:
        raise ConfigError(f"--task: unknown task {task!r}; valid tasks: {', '.join(TASKS)}")
    return dataclasses.replace(base, **given)
