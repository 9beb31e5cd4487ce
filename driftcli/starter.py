"""``drift init``: a commented starter config written from the reference data.

Besides every column with its kind and test, the starter recognises the model's columns (a
target, a prediction, a score) and a time column by their names and dtypes, and writes them
as a commented ``[model]`` table and ``time_column`` line with a note of what was detected:
the file stays valid as written and the user opts in by uncommenting.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from driftcli._version import __version__
from driftcli.config import DriftConfig
from driftcli.inputs.sources import SourceLike, TypesChangedError, open_source
from driftcli.results.vocabulary import Status
from driftcli.run import run_report
from driftcli.stats import get_test

#: Names (lower case) that say a column is the target, the prediction or a score; a name
#: made of one of these words and others (``churn_label``, ``pred_class``) counts less.
TARGET_NAMES = frozenset(
    {"target", "label", "y", "y_true", "ytrue", "actual", "actuals", "ground_truth",
     "groundtruth", "truth", "true_label", "class_label"}
)  # fmt: skip
PREDICTION_NAMES = frozenset(
    {"prediction", "predictions", "pred", "preds", "predicted", "y_pred", "ypred", "y_hat",
     "yhat", "predicted_label", "pred_label", "prediction_label", "predicted_class"}
)  # fmt: skip
SCORE_NAMES = frozenset(
    {"score", "scores", "proba", "probability", "prob", "y_score", "y_proba", "y_prob",
     "pred_proba", "predicted_proba", "predicted_probability", "prediction_score",
     "model_score", "probabilities"}
)  # fmt: skip
_TARGET_WORDS = frozenset({"target", "label"})
_PREDICTION_WORDS = frozenset({"pred", "prediction", "predicted"})
_SCORE_WORDS = frozenset({"score", "proba", "probability", "prob"})
#: Names of a timestamp: these, or a name ending in one of ``_TIME_WORDS`` (``scored_at``).
TIME_NAMES = frozenset(
    {"timestamp", "ts", "time", "datetime", "date", "event_time", "event_ts",
     "event_timestamp", "event_date", "created_at", "updated_at"}
)  # fmt: skip
_TIME_WORDS = frozenset({"time", "timestamp", "ts", "at", "datetime"})


@dataclass(frozen=True)
class Detected:
    """A column recognised as the target, prediction, score or time column, and why."""

    role: str  # "target" | "prediction" | "score" | "time"
    column: str
    why: str


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", name.strip().lower()) if w]


def _is_numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() and not isinstance(dtype, pl.Decimal)


def _is_temporal(dtype: pl.DataType) -> bool:
    return dtype == pl.Date or dtype == pl.Datetime


def _score_rank(
    name: str, dtype: pl.DataType, unit_range: Callable[[str], bool]
) -> tuple[int, str] | None:
    """0 for a score's name, 1 for a float in [0, 1] named with a score's word; else None."""
    if not _is_numeric(dtype):
        return None
    low, words = name.strip().lower(), _words(name)
    prefixed = any(low.startswith(f"{w}_") for w in ("prob", "proba", "probability"))
    suffixed = any(low.endswith(f"_{w}") for w in ("prob", "proba", "probability"))
    if low in SCORE_NAMES or prefixed or suffixed:
        return 0, "named like a score" + (", values in [0, 1]" if unit_range(name) else "")
    if dtype.is_float() and _SCORE_WORDS & set(words) and unit_range(name):
        return 1, "a float in [0, 1] named like a score"
    return None


def _prediction_rank(name: str, dtype: pl.DataType) -> tuple[int, str] | None:
    if _is_temporal(dtype):
        return None
    low, words = name.strip().lower(), _words(name)
    if low in PREDICTION_NAMES:
        return 0, "named like a prediction"
    if words and (words[0] in _PREDICTION_WORDS or words[-1] in _PREDICTION_WORDS):
        return 1, "named like a prediction"
    return None


def _target_rank(name: str, dtype: pl.DataType) -> tuple[int, str] | None:
    if _is_temporal(dtype):
        return None
    low, words = name.strip().lower(), _words(name)
    if low in TARGET_NAMES:
        return 0, "named like a target"
    if words and (words[0] == "target" or words[-1] in _TARGET_WORDS):
        return 1, "named like a target"
    return None


def _time_rank(name: str, dtype: pl.DataType) -> tuple[int, str] | None:
    """Datetimes named like a timestamp first, then any Datetime, Dates named like one, text
    named like one (ISO 8601 text is parsed), any Date."""
    low, words = name.strip().lower(), _words(name)
    named = low in TIME_NAMES or bool(words and words[-1] in _TIME_WORDS)
    if dtype == pl.Datetime:
        return (
            (0, "a Datetime column named like a timestamp") if named else (1, "a Datetime column")
        )
    if dtype == pl.Date:
        return (2, "a Date column named like a timestamp") if named else (4, "a Date column")
    if dtype == pl.String and named:
        return 3, "text named like a timestamp (ISO 8601 text is parsed)"
    return None


def detect_columns(
    schema: Mapping[str, pl.DataType], unit_range: Callable[[str], bool]
) -> dict[str, Detected]:
    """The columns that look like the model's target, prediction and score, and the time
    column, by name and dtype; ``unit_range(name)`` says whether a float column's values lie
    in [0, 1]. Each column takes one role at most (a score's name wins over a prediction's:
    ``pred_proba`` is a score); of several candidates for a role, the best named first."""
    found: dict[str, Detected] = {}
    taken: set[str] = set()

    def pick(role: str, rank: Callable[[str, pl.DataType], tuple[int, str] | None]) -> None:
        best: tuple[int, int, str, str] | None = None
        for i, (name, dtype) in enumerate(schema.items()):
            if name in taken:
                continue
            r = rank(name, dtype)
            if r is not None and (best is None or (r[0], i) < best[:2]):
                best = (r[0], i, name, r[1])
        if best is not None:
            found[role] = Detected(role, best[2], best[3])
            taken.add(best[2])

    pick("score", lambda n, d: _score_rank(n, d, unit_range))
    pick("prediction", _prediction_rank)
    pick("target", _target_rank)
    pick("time", _time_rank)
    return found


def _unit_range(lazy: pl.LazyFrame, names: Sequence[str]) -> set[str]:
    """The columns among ``names`` whose values all lie in [0, 1] (nulls aside)."""
    if not names:
        return set()
    exprs = []
    for i, name in enumerate(names):
        exprs += [pl.col(name).min().alias(f"lo{i}"), pl.col(name).max().alias(f"hi{i}")]
    row = lazy.select(exprs).collect().row(0)
    return {
        name
        for i, name in enumerate(names)
        if row[2 * i] is not None and row[2 * i] >= 0 and row[2 * i + 1] <= 1
    }


def _detected(
    reference: SourceLike,
    reference_format: str | None,
    separator: str | None = None,
    decimal_comma: bool = False,
) -> dict[str, Detected]:
    source = open_source(reference, reference_format, "reference", separator, decimal_comma)
    while True:
        schema = dict(source.schema())
        floats = [n for n, d in schema.items() if d.is_float() and _SCORE_WORDS & set(_words(n))]
        try:
            in_unit = _unit_range(source.lazy, floats)
        except Exception as exc:
            error = source.read_error(exc)
            if not isinstance(error, TypesChangedError):
                raise error from exc
            source = source.retyped()  # as run_report reads it (once: then an InputError)
            continue
        return detect_columns(schema, in_unit.__contains__)


def _toml_key(name: str) -> str:
    # A JSON string without ASCII escaping is a valid TOML basic string.
    return json.dumps(name, ensure_ascii=False)


def _note(text: str) -> list[str]:
    """A comment paragraph wrapped to the file's width."""
    return [f"# {line}" for line in textwrap.wrap(text, width=90)]


def _time_lines(found: Mapping[str, Detected]) -> list[str]:
    """The commented ``time_column`` line (top-level: before any table), with its note."""
    t = found.get("time")
    if t is None:
        return []
    note = (
        f"Detected time column: {_toml_key(t.column)} ({t.why}). Uncomment to order rows by it: "
        'drift over time (with window = "1d") and concept drift need one.'
    )
    return [*_note(note), f"# time_column = {_toml_key(t.column)}", ""]


def _model_lines(found: Mapping[str, Detected]) -> list[str]:
    """The commented ``[model]`` table with the detected columns, or nothing."""
    roles = [found[r] for r in ("target", "prediction", "score") if r in found]
    if not roles:
        return []
    said = ", ".join(f"{d.role} {_toml_key(d.column)}" for d in roles)
    note = (
        f"Detected the model's columns: {said}. Uncomment to use them: their drift is reported "
        "apart from the features' (prediction and target drift), and with a target and a "
        "prediction the model's performance is compared too ([[model.rules]] add limits)."
    )
    if "target" not in found or "prediction" not in found:
        note += " Performance needs both a target and a prediction: add the missing one."
    lines = [*_note(note), "# [model]"]
    width = max(len(f"{d.role} = {_toml_key(d.column)}") for d in roles)
    for d in roles:
        setting = f"{d.role} = {_toml_key(d.column)}"
        lines.append(f"# {setting.ljust(width)}  # {d.why}")
    lines.append("")
    return lines


def starter_config(
    reference: SourceLike,
    reference_format: str | None = None,
    separator: str | None = None,
    decimal_comma: bool = False,
) -> str:
    """TOML text listing every column with its inferred kind and automatically chosen test.
    ``separator``: the CSV field separator the data needs, ``decimal_comma``: its numbers are
    written with a decimal comma (both written into the config too)."""
    config = DriftConfig(
        reference_format=reference_format,
        current_format=reference_format,
        separator=separator,
        decimal_comma=decimal_comma,
    )
    report = run_report(reference, reference, config)
    found = _detected(reference, reference_format, config.separator, decimal_comma)
    read_with = (
        [f"separator = {_toml_key(config.separator)}   # CSV field separator of the inputs"]
        if config.separator is not None
        else []
    )
    if decimal_comma:
        read_with.append("decimal_comma = true   # CSV numbers are written 1,5")
    lines = [
        f"# drift.toml written by `drift init` (driftcli {__version__})",
        f"# from {report.reference.source} ({report.reference.rows} rows).",
        "# Use: drift report REFERENCE CURRENT --config drift.toml",
        "# Each column shows its inferred kind and the test chosen automatically for this many",
        "# reference rows; uncomment a line to override it. `drift tests` lists every test.",
        "",
        '# columns = ["age", "income"]   # test only these (default: all shared columns)',
        "exclude = []",
        'segment_by = []         # e.g. ["region"]: test each segment on its own too',
        "drift_share = 0.5       # dataset drift when this share of tested columns drifted",
        'fail_on = "dataset"     # dataset | column | never  (what makes exit code 1)',
        "# min_segment_rows = 30",
        "# bins = 10             # reference-quantile bins for psi and jensenshannon",
        *read_with,
        "",
        *_time_lines(found),
        *_model_lines(found),
    ]
    for col in report.columns:
        lines.append(f"[column.{_toml_key(col.column)}]")
        lines.append(f'# kind = "{col.kind.value}"')
        if col.test is not None:
            t = get_test(col.test)
            rule = "drift when p <" if t.has_pvalue else "drift when >="
            lines.append(f'# test = "{col.test}"')
            lines.append(f"# threshold = {col.threshold}    # {t.kind_label}: {rule} threshold")
        elif col.status in (Status.SKIPPED, Status.ERROR):
            lines.append(f"# not tested: {col.reason}")
        lines.append("")
    lines += _integrity_lines()
    return "\n".join(lines)


def _integrity_lines() -> list[str]:
    """The [integrity] table with every default commented out (README, "Data integrity")."""
    from driftcli.sections.integrity.config import CHECKS, IntegrityConfig

    defaults = IntegrityConfig().to_dict()
    out = ["# Data integrity checks learned from the reference; defaults shown.", "# [integrity]"]
    for key, value in defaults.items():
        if key not in ("severity", "column"):
            out.append(f"# {key} = {json.dumps(value)}")
    out.append("# [integrity.severity]  # per check: fail | warn | info | off")
    out += [f'# {name} = "{spec.severity.value}"' for name, spec in CHECKS.items()]
    out.append("")
    return out
