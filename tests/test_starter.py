"""``drift init``: the model's columns and the time column detected, written commented out."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from driftcli import load_config
from driftcli.sections.performance.config import ModelConfig
from driftcli.starter import detect_columns, starter_config

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_REF = ROOT / "sample_data" / "reference.parquet"

#: The lines a user uncomments to opt in: the [model] table and its keys, the time column.
OPT_IN = re.compile(r"^# (\[model\]|(target|prediction|score|time_column) = .*)$")


def _opt_in(text: str) -> str:
    """The starter file with the detected settings uncommented, as a user would."""
    return "\n".join(
        m.group(1) if (m := OPT_IN.match(line)) else line for line in text.splitlines()
    )


def test_sample_model_and_time_columns_detected(tmp_path: Path) -> None:
    text = starter_config(SAMPLE_REF)
    # written commented out, with a note of what was detected
    detected = 'Detected the model\'s columns: target "target", prediction "prediction", score'
    assert f"# {detected}" in text
    assert "# [model]" in text.splitlines()
    assert '# target = "target"          # named like a target' in text
    assert '# prediction = "prediction"  # named like a prediction' in text
    assert '# score = "score"            # named like a score, values in [0, 1]' in text
    assert '# time_column = "event_time"' in text.splitlines()
    assert 'Detected time column: "event_time" (a Datetime column named like a timestamp)' in text
    # credit_score (integers 300 to 850) is not the model's score, signup_date not the time
    assert '"credit_score"' not in text.split("[column.")[0]
    assert '"signup_date"' not in text.split("[column.")[0]
    # as written the file is valid and sets none of it
    as_written = tmp_path / "drift.toml"
    as_written.write_text(text)
    cfg = load_config(as_written)
    assert cfg.time_column is None
    assert cfg.section(ModelConfig).target is None
    # uncommented, it loads with the detected columns
    opted = tmp_path / "opted.toml"
    opted.write_text(_opt_in(text))
    cfg = load_config(opted)
    assert cfg.time_column == "event_time"
    model = cfg.section(ModelConfig)
    assert (model.target, model.prediction, model.score) == ("target", "prediction", "score")
    # the time column sits among the top-level keys, before any table
    lines = text.splitlines()
    first_table = next(i for i, line in enumerate(lines) if line.startswith("[column."))
    assert lines.index('# time_column = "event_time"') < lines.index("# [model]") < first_table


def test_no_model_section_without_such_columns(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    df = pl.DataFrame(
        {
            "age": rng.integers(18, 90, 300),
            "income": rng.normal(50_000, 10_000, 300),
            "credit_score": rng.integers(300, 850, 300),  # a score's word, not a score
            "channel": rng.choice(["web", "branch"], 300),
        }
    )
    text = starter_config(df)
    assert "[model]" not in text
    assert "target =" not in text and "prediction =" not in text and "score =" not in text
    assert "time_column" not in text
    assert "Detected" not in text
    path = tmp_path / "drift.toml"
    path.write_text(_opt_in(text))
    assert load_config(path).time_column is None


@pytest.mark.parametrize(
    ("schema", "unit", "expected"),
    [
        # names from the common vocabularies
        ({"label": pl.Int64, "pred": pl.Int64, "proba": pl.Float64}, {"proba"},
         {"target": "label", "prediction": "pred", "score": "proba"}),
        ({"y": pl.Int64, "y_pred": pl.Int64, "prob_1": pl.Float64}, set(),
         {"target": "y", "prediction": "y_pred", "score": "prob_1"}),
        ({"ground_truth": pl.String, "predicted": pl.String}, set(),
         {"target": "ground_truth", "prediction": "predicted"}),
        ({"actual": pl.Float64, "prediction": pl.Float64}, set(),
         {"target": "actual", "prediction": "prediction"}),
        # a float in [0, 1] named like a score; not one outside [0, 1], nor an integer
        ({"risk_score": pl.Float64, "credit_score": pl.Int64}, {"risk_score"},
         {"score": "risk_score"}),
        ({"risk_score": pl.Float64}, set(), {}),
        # pred_proba is a score, not a prediction; the better name wins a role
        ({"pred_proba": pl.Float64, "churn_label": pl.Int64, "target": pl.Int64}, {"pred_proba"},
         {"score": "pred_proba", "target": "target"}),
        # time: a Datetime named like a timestamp before another Datetime or any Date
        ({"signup_date": pl.Date, "updated": pl.Datetime, "event_time": pl.Datetime}, set(),
         {"time": "event_time"}),
        ({"signup_date": pl.Date}, set(), {"time": "signup_date"}),
        ({"created_at": pl.String, "ts": pl.Int64}, set(), {"time": "created_at"}),
        ({"timestamp": pl.Datetime("us", "UTC")}, set(), {"time": "timestamp"}),
        # nothing of the kind
        ({"age": pl.Int64, "city": pl.String, "labelled": pl.Boolean}, set(), {}),
    ],
)  # fmt: skip
def test_detect_columns(
    schema: dict[str, pl.DataType], unit: set[str], expected: dict[str, str]
) -> None:
    found = detect_columns(schema, unit.__contains__)
    assert {role: d.column for role, d in found.items()} == expected


@pytest.mark.parametrize("separator", [";", "\t"])
def test_init_reads_a_csv_with_another_separator_and_keeps_it(
    tmp_path: Path, separator: str
) -> None:
    # `drift report` on a ';' file read with ',' says "use --separator ';'"; `drift init`
    # takes it too, and the config it writes has it, so the report it starts reads the data.
    from typer.testing import CliRunner

    from driftcli.cli import app

    rng = np.random.default_rng(5)
    data = tmp_path / "ref.csv"
    frame = pl.DataFrame({"x": rng.normal(size=300), "city": rng.choice(["a", "b"], 300)})
    frame.write_csv(data, separator=separator)
    runner = CliRunner()
    plain = runner.invoke(app, ["init", str(data), "-o", str(tmp_path / "no.toml")])
    typed = "\\t" if separator == "\t" else separator  # as typed on a command line
    assert plain.exit_code == 2 and f"use --separator '{typed}'" in plain.output
    out = tmp_path / "drift.toml"
    run = runner.invoke(app, ["init", str(data), "--separator", typed, "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert load_config(out).separator == separator
    assert '[column."x"]' in out.read_text(encoding="utf-8")
    report = runner.invoke(app, ["report", str(data), str(data), "-c", str(out), "-q"])
    assert report.exit_code == 0, report.output


def test_init_and_report_read_decimal_commas_and_keep_the_setting(tmp_path: Path) -> None:
    # A ';' CSV with decimal commas: `drift init --decimal-comma` writes decimal_comma = true
    # beside the separator, and the report it starts tests the column as numbers.
    import json

    from typer.testing import CliRunner

    from driftcli.cli import app

    rng = np.random.default_rng(6)
    data = tmp_path / "ref.csv"
    values = [f"{v:.3f}".replace(".", ",") for v in rng.normal(size=300)]
    data.write_text("x;city\n" + "\n".join(f"{v};{'ab'[i % 2]}" for i, v in enumerate(values)))
    runner = CliRunner()
    out = tmp_path / "drift.toml"
    alone = runner.invoke(app, ["init", str(data), "--decimal-comma", "-o", str(out)])
    assert alone.exit_code == 2 and "decimal_comma needs a separator other than ','" in alone.output
    run = runner.invoke(
        app, ["init", str(data), "--separator", ";", "--decimal-comma", "-o", str(out)]
    )
    assert run.exit_code == 0, run.output
    config = load_config(out)
    assert config.separator == ";" and config.decimal_comma
    summary = tmp_path / "s.json"
    report = runner.invoke(
        app, ["report", str(data), str(data), "-c", str(out), "--json", str(summary), "-q"]
    )
    assert report.exit_code == 0, report.output
    x = next(c for c in json.loads(summary.read_text())["columns"] if c["column"] == "x")
    assert x["kind"] == "numeric" and x["status"] == "ok", x


def test_init_reads_a_csv_whose_values_change_type_past_the_first_rows(tmp_path: Path) -> None:
    # A score column of floats that holds "n/a" in row 301: the report part of `drift init`
    # read it again with types from every row, but the look for a score in [0, 1] read it
    # with the first rows' types, and the parse error reached the user as "a bug in driftcli".
    path = tmp_path / "ref.csv"
    rows = [f"{i},0.{i % 10}" for i in range(300)] + ["300,n/a"]
    path.write_text("\n".join(["id,score", *rows]) + "\n", encoding="utf-8")
    text = starter_config(path)
    assert '[column."score"]\n# kind = "categorical"' in text  # text, as every row makes it
    (tmp_path / "drift.toml").write_text(text, encoding="utf-8")
    load_config(tmp_path / "drift.toml")  # a config that loads
