"""Prometheus metrics: the textfile (--prometheus, [outputs] prometheus) checked by the real
promtool, the naming rules, the series limit, and --pushgateway against a real Pushgateway."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from driftcli import ColumnConfig, DriftConfig, run_report
from driftcli.config import load_config
from driftcli.outputs.prometheus import METRICS, PrometheusConfig, samples, to_prometheus
from tests.monitoring import ROOT, binary, drift, get_text, pushgateway

SAMPLE = ROOT / "sample_data"
SAMPLE_ARGS = (
    SAMPLE / "reference.parquet",
    SAMPLE / "current.parquet",
    "-c",
    SAMPLE / "drift.toml",
)


def _names(text: str) -> set[str]:
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line[:1] != "#"}


def _promtool_check(path: Path) -> None:
    proc = subprocess.run(
        [binary("promtool"), "check", "metrics"],
        input=path.read_bytes(),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert proc.stdout.decode() + proc.stderr.decode() == ""  # no lint warning either


def test_textfile_passes_promtool_and_follows_the_naming_rules(tmp_path: Path) -> None:
    out = tmp_path / "driftcli.prom"
    proc = drift("report", *SAMPLE_ARGS, "--prometheus", out, "-q")
    assert proc.returncode == 1, proc.stderr  # the sample has a breach
    _promtool_check(out)
    text = out.read_text()
    names = _names(text) - {""}
    assert names <= set(METRICS)
    # Every family of the sample run (it has segments, a model and integrity checks) is
    # there except the p-value (the sample's tests are distances).
    assert set(METRICS) - names == {"driftcli_column_drift_p_value"}
    assert all(":" not in n and n.startswith("driftcli_") for n in names)
    assert 'driftcli_run_exit_code{model="default"} 1.0' in text
    assert 'segment="region=south",side="current"' in text
    assert re.search(
        r'driftcli_model_metric\{metric="accuracy",model="default",'
        r'segment="region=south",side="current"\} 0\.63',
        text,
    )
    # Label names are the documented set only.
    labels = set(re.findall(r'[{,]([a-z_]+)="', text))
    assert labels <= {"model", "segment", "column", "test", "side", "metric", "version"}


def test_p_value_only_for_p_value_tests(parquet_pair: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cur = parquet_pair
    config = DriftConfig(
        test="ks", segment_by=("region",), column={"y": ColumnConfig(test="wasserstein")}
    )
    report = run_report(ref, cur, config)
    found = samples(report)
    with_pvalue = {(s[1]["segment"], s[1]["column"]) for s in found if s[0].endswith("p_value")}
    scopes = [("overall", report.columns)] + [(s.label, s.columns) for s in report.segments]
    expected = {
        (label, c.column) for label, cols in scopes for c in cols
        if c.tested and c.test_type == "p-value"
    }  # fmt: skip
    assert with_pvalue == expected
    assert ("overall", "x") in with_pvalue and ("overall", "y") not in with_pvalue
    scores = {(s[1]["segment"], s[1]["column"]) for s in found if s[0].endswith("drift_score")}
    assert ("overall", "y") in scores
    out = tmp_path / "ks.prom"
    out.write_text(to_prometheus(report))
    _promtool_check(out)


def test_outputs_table_and_model_name_from_config(tmp_path: Path) -> None:
    config = tmp_path / "drift.toml"
    config.write_text(
        (SAMPLE / "drift.toml").read_text()
        + f'\n[outputs]\nprometheus = "{tmp_path / "m.prom"}"\n\n[prometheus]\nmodel = "loans"\n'
    )
    assert load_config(config).section(PrometheusConfig).model == "loans"
    proc = drift(
        "report", SAMPLE / "reference.parquet", SAMPLE / "current.parquet", "-c", config, "-q"
    )
    assert proc.returncode == 1, proc.stderr
    text = (tmp_path / "m.prom").read_text()
    assert 'driftcli_run_exit_code{model="loans"} 1.0' in text
    # --model-name overrides the config.
    proc = drift(
        "report", SAMPLE / "reference.parquet", SAMPLE / "current.parquet", "-c", config, "-q",
        "--model-name", "loans-v2",
    )  # fmt: skip
    assert 'driftcli_run_exit_code{model="loans-v2"} 1.0' in (tmp_path / "m.prom").read_text()


def test_too_many_series_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "drift.toml"
    config.write_text((SAMPLE / "drift.toml").read_text() + "\n[prometheus]\nmax_series = 50\n")
    out, summary = tmp_path / "m.prom", tmp_path / "s.json"
    proc = drift(
        "report", SAMPLE / "reference.parquet", SAMPLE / "current.parquet", "-c", config,
        "--prometheus", out, "--json", summary, "-q",
    )  # fmt: skip
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "more than max_series = 50" in lines[0] and "[prometheus] max_series" in lines[0]
    assert not out.exists() and not summary.exists()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("max_series = 0", "max_series must be a positive integer"),
        ('model = ""', "model must be a non-empty string"),
        ("colour = 1", "unknown key 'colour'"),
    ],
)
def test_bad_prometheus_table_is_exit_2(tmp_path: Path, table: str, message: str) -> None:
    config = tmp_path / "drift.toml"
    config.write_text(f"[prometheus]\n{table}\n")
    proc = drift("report", *SAMPLE_ARGS[:2], "-c", config, "-q")
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
    assert str(config) in proc.stderr


def test_push_to_a_real_pushgateway(tmp_path: Path) -> None:
    with pushgateway(tmp_path) as url:
        summary = tmp_path / "s.json"
        proc = drift(
            "report", *SAMPLE_ARGS, "--pushgateway", url, "--model-name", "credit/v2",
            "--json", summary, "-q",
        )  # fmt: skip
        assert proc.returncode == 1, proc.stderr
        exposed = get_text(f"{url}/metrics")
        # The grouping key: job="driftcli" and the model (a "/" in it is sent base64-encoded
        # by prometheus_client and decoded by the Pushgateway).
        assert re.search(
            r'driftcli_run_exit_code\{instance="",job="driftcli",model="credit/v2"\} 1', exposed
        )
        assert 'push_time_seconds{instance="",job="driftcli",model="credit/v2"}' in exposed
        pushed = {n for n in _names(exposed) if n.startswith("driftcli_")}
        assert pushed == set(METRICS) - {"driftcli_column_drift_p_value"}
        assert '"name": "pushgateway"' in summary.read_text()
        # A second push (a passing run) replaces the whole group: the drift of the first run
        # does not linger.
        proc = drift(
            "report", SAMPLE / "reference.parquet", SAMPLE / "reference.parquet", "-c",
            SAMPLE / "drift.toml", "--pushgateway", url, "--model-name", "credit/v2", "-q",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        exposed = get_text(f"{url}/metrics")
        assert re.search(r'driftcli_run_exit_code\{[^}]*model="credit/v2"\} 0', exposed)
        assert not re.search(r"driftcli_column_drift_detected\{[^}]*\} 1", exposed)
