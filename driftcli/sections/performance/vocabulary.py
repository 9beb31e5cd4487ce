"""The performance section's words and defaults, without its computing code: the tasks, the
metrics' directions and the bootstrap's defaults, which the config validates against (so
reading a config does not load :mod:`driftcli.sections.performance.metrics`)."""

from __future__ import annotations

from typing import Literal

Task = Literal["binary", "multiclass", "regression"]
TASKS: tuple[Task, ...] = ("binary", "multiclass", "regression")
Label = str | int | float | bool

DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.95

#: Direction of each metric, for rules such as "fail when accuracy drops by 2 points".
HIGHER_IS_BETTER: dict[str, bool] = {
    "accuracy": True,
    "precision": True,
    "recall": True,
    "f1": True,
    "precision_macro": True,
    "recall_macro": True,
    "f1_macro": True,
    "precision_weighted": True,
    "recall_weighted": True,
    "f1_weighted": True,
    "roc_auc": True,
    "log_loss": False,
    "mae": False,
    "rmse": False,
    "mape": False,
    "r2": True,
}
