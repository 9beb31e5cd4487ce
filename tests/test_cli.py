"""The drift command end to end through Typer's runner: exit codes, outputs, bad inputs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from driftcli import cli
from driftcli.cli import app
from driftcli.exitcodes import ExitCode
from tests.conftest import SAMPLE_CUR, SAMPLE_REF

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_exit_codes_are_the_documented_contract() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3]
    assert {c.name for c in ExitCode} == {"OK", "BREACH", "USAGE", "INTERNAL"}


def test_exit_0_when_nothing_drifted(
    tmp_path: Path, same_frames: tuple[pl.DataFrame, pl.DataFrame]
) -> None:
    ref, cur = tmp_path / "r.parquet", tmp_path / "c.parquet"
    same_frames[0].write_parquet(ref)
    same_frames[1].write_parquet(cur)
    code, _, err = run("report", str(ref), str(cur), "--json", str(tmp_path / "s.json"))
    assert code == ExitCode.OK, err
    assert "PASS" in err
    assert json.loads((tmp_path / "s.json").read_text())["status"] == "pass"


def test_exit_1_on_dataset_drift(parquet_pair: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cur = parquet_pair
    out = tmp_path / "s.json"
    code, _, err = run("report", str(ref), str(cur), "--json", str(out), "--drift-share", "0.3")
    assert code == ExitCode.BREACH, err
    summary = json.loads(out.read_text())
    assert summary["status"] == "fail" and summary["exit_code"] == 1
    drifted = {c["column"] for c in summary["columns"] if c["drifted"]}
    assert drifted == {"x", "channel"}
    assert summary["columns"][0]["drifted"], "drifted columns come first"


def test_fail_on_levels(parquet_pair: tuple[Path, Path]) -> None:
    ref, cur = parquet_pair
    # 2 of 5 tested columns drift (x, channel): share 0.4.
    assert run("report", str(ref), str(cur), "-q")[0] == ExitCode.OK
    assert run("report", str(ref), str(cur), "-q", "--drift-share", "0.4")[0] == ExitCode.BREACH
    assert run("report", str(ref), str(cur), "-q", "--fail-on", "column")[0] == ExitCode.BREACH
    assert (
        run("report", str(ref), str(cur), "-q", "--drift-share", "0.4", "--fail-on", "never")[0]
        == ExitCode.OK
    )


def test_exit_2_usage_error_unknown_option(parquet_pair: tuple[Path, Path]) -> None:
    code, _, _ = run("report", str(parquet_pair[0]), str(parquet_pair[1]), "--no-such-flag")
    assert code == ExitCode.USAGE


def test_exit_2_missing_file(tmp_path: Path, parquet_pair: tuple[Path, Path]) -> None:
    code, _, err = run("report", str(tmp_path / "nope.parquet"), str(parquet_pair[1]))
    assert code == ExitCode.USAGE
    assert "nope.parquet" in err and "no such file" in err
    assert "Traceback" not in err


def test_exit_2_corrupt_parquet(tmp_path: Path, parquet_pair: tuple[Path, Path]) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"this is not parquet at all")
    code, _, err = run("report", str(parquet_pair[0]), str(bad))
    assert code == ExitCode.USAGE
    assert "current" in err and "bad.parquet" in err and "cannot read" in err
    assert "Traceback" not in err


def test_exit_2_empty_file(tmp_path: Path, parquet_pair: tuple[Path, Path]) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, _, err = run("report", str(parquet_pair[0]), str(empty))
    assert code == ExitCode.USAGE
    assert "empty.csv" in err and "empty" in err


def test_header_only_current_is_an_input_error(tmp_path: Path) -> None:
    ref, cur = tmp_path / "r.csv", tmp_path / "c.csv"
    ref.write_text("a,b\n1,2\n3,4\n")
    cur.write_text("a,b\n")
    # An empty current is "no rows to compare" (exit 2), with or without integrity checks.
    code, _, err = run("report", str(ref), str(cur))
    assert code == ExitCode.USAGE, err
    assert "c.csv" in err and "no rows" in err
    off = tmp_path / "drift.toml"
    off.write_text("[integrity]\nenabled = false\n")
    code, _, err = run("report", str(ref), str(cur), "--config", str(off))
    assert code == ExitCode.USAGE
    assert "c.csv" in err and "no rows" in err


def test_exit_2_no_shared_columns(tmp_path: Path) -> None:
    ref, cur = tmp_path / "r.csv", tmp_path / "c.csv"
    ref.write_text("a,b\n1,2\n")
    cur.write_text("c,d\n1,2\n")
    code, _, err = run("report", str(ref), str(cur))
    assert code == ExitCode.USAGE
    assert "share no columns" in err


def test_exit_2_unknown_test_lists_valid(parquet_pair: tuple[Path, Path]) -> None:
    code, _, err = run("report", str(parquet_pair[0]), str(parquet_pair[1]), "--test", "nosuch")
    assert code == ExitCode.USAGE
    assert "unknown test 'nosuch'" in err
    for name in ("ks", "psi", "chisquare", "wasserstein", "jensenshannon", "z"):
        assert name in err


def test_exit_2_threshold_without_test(parquet_pair: tuple[Path, Path]) -> None:
    code, _, err = run("report", str(parquet_pair[0]), str(parquet_pair[1]), "--threshold", "0.2")
    assert code == ExitCode.USAGE
    assert "threshold needs a test" in err


def test_exit_2_unknown_column(parquet_pair: tuple[Path, Path]) -> None:
    code, _, err = run("report", str(parquet_pair[0]), str(parquet_pair[1]), "--columns", "x,nope")
    assert code == ExitCode.USAGE
    assert "'nope'" in err


def test_exit_3_internal_error_without_traceback(
    parquet_pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import driftcli.run

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(driftcli.run, "run_report", boom)
    code, _, err = run("report", str(parquet_pair[0]), str(parquet_pair[1]))
    assert code == ExitCode.INTERNAL
    assert "internal error" in err and "simulated bug" in err and "--debug" in err
    assert "Traceback" not in err
    code, _, err = run("report", str(parquet_pair[0]), str(parquet_pair[1]), "--debug")
    assert code == ExitCode.INTERNAL
    assert "Traceback" in err


def test_json_to_stdout(parquet_pair: tuple[Path, Path]) -> None:
    code, out, err = run(
        "report",
        str(parquet_pair[0]),
        str(parquet_pair[1]),
        "--json",
        "-",
        "--quiet",
        "--fail-on",
        "never",
    )
    assert code == ExitCode.OK
    assert err == ""
    summary = json.loads(out)
    assert summary["reference"]["rows"] == 600 and summary["current"]["rows"] == 500


def test_html_is_written_and_self_contained(
    parquet_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    html = tmp_path / "report.html"
    code, _, err = run(
        "report",
        str(parquet_pair[0]),
        str(parquet_pair[1]),
        "--html",
        str(html),
        "-q",
        "--fail-on",
        "column",
    )
    assert code == ExitCode.BREACH, err
    text = html.read_text()
    assert "<script src" not in text.lower()
    assert "<link" not in text.lower()
    assert "channel" in text


def test_quiet_prints_nothing(parquet_pair: tuple[Path, Path]) -> None:
    code, out, err = run(
        "report", str(parquet_pair[0]), str(parquet_pair[1]), "-q", "--fail-on", "column"
    )
    assert code == ExitCode.BREACH
    assert out == "" and err == ""


def test_summary_has_no_colour_codes_without_tty(parquet_pair: tuple[Path, Path]) -> None:
    _, _, err = run("report", str(parquet_pair[0]), str(parquet_pair[1]), "--fail-on", "column")
    assert "\x1b[" not in err
    assert err.index("FAIL") < err.index("Drifted columns")


def test_no_output_at_all_when_one_output_folder_is_missing(
    parquet_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    json_path = tmp_path / "s.json"
    code, _, err = run(
        "report",
        str(parquet_pair[0]),
        str(parquet_pair[1]),
        "--json",
        str(json_path),
        "--html",
        str(tmp_path / "missing" / "r.html"),
    )
    assert code == ExitCode.USAGE and "does not exist" in err
    assert not json_path.exists()


def test_no_partial_output_when_html_target_folder_missing(
    parquet_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    code, _, err = run(
        "report",
        str(parquet_pair[0]),
        str(parquet_pair[1]),
        "--html",
        str(tmp_path / "missing" / "r.html"),
    )
    assert code == ExitCode.USAGE
    assert "does not exist" in err


def test_config_file_and_cli_override(parquet_pair: tuple[Path, Path], tmp_path: Path) -> None:
    cfg = tmp_path / "drift.toml"
    cfg.write_text(
        'exclude = ["id"]\nfail_on = "column"\n[column.x]\ntest = "psi"\nthreshold = 0.2\n'
    )
    out = tmp_path / "s.json"
    code, _, err = run(
        "report",
        str(parquet_pair[0]),
        str(parquet_pair[1]),
        "-c",
        str(cfg),
        "--json",
        str(out),
        "--fail-on",
        "never",
    )
    assert code == ExitCode.OK, err  # the flag overrides fail_on from the file
    summary = json.loads(out.read_text())
    cols = {c["column"]: c for c in summary["columns"]}
    assert "id" not in cols
    assert cols["x"]["test"] == "psi" and cols["x"]["threshold"] == 0.2
    assert summary["config"]["fail_on"] == "never"


def test_config_unknown_key_is_exit_2(parquet_pair: tuple[Path, Path], tmp_path: Path) -> None:
    cfg = tmp_path / "drift.toml"
    cfg.write_text("drift_shar = 0.3\n")
    code, _, err = run("report", str(parquet_pair[0]), str(parquet_pair[1]), "-c", str(cfg))
    assert code == ExitCode.USAGE
    assert "unknown key 'drift_shar'" in err and "drift_share" in err


def test_pyproject_tool_drift_is_discovered(
    parquet_pair: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.drift]\nexclude = ["x", "channel"]\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("report", str(parquet_pair[0]), str(parquet_pair[1]), "--json", "-", "-q")
    assert code == ExitCode.OK
    assert {c["column"] for c in json.loads(out)["columns"]} == {"id", "y", "flag", "region"}


def test_segments_on_sample_data(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    code, _, err = run(
        "report", str(SAMPLE_REF), str(SAMPLE_CUR), "--segment-by", "region", "--json", str(out)
    )
    assert code == ExitCode.BREACH
    summary = json.loads(out.read_text())
    assert not summary["dataset"]["drifted"]
    segs = {s["segment"]["region"]: s for s in summary["segments"]}
    assert set(segs) == {"north", "south", "east", "west"}
    assert segs["south"]["dataset"]["drifted"]
    assert not any(segs[r]["dataset"]["drifted"] for r in ("north", "east", "west"))
    south = {c["column"]: c for c in segs["south"]["columns"]}
    for col in ("credit_score", "loan_amount", "has_mortgage"):
        assert south[col]["drifted"], col
        for other in ("north", "east", "west"):
            other_cols = {c["column"]: c for c in segs[other]["columns"]}
            assert not other_cols[col]["drifted"], (col, other)
    assert "segment region=south" in err


def test_init_writes_loadable_config(tmp_path: Path) -> None:
    from driftcli.config import load_config

    out = tmp_path / "drift.toml"
    code, _, err = run("init", str(SAMPLE_REF), "-o", str(out))
    assert code == 0, err
    text = out.read_text()
    assert '[column."income"]' in text and '# kind = "numeric"' in text
    assert '# test = "wasserstein"' in text
    assert "customer_id" in text and "id-like" in text
    cfg = load_config(out)
    assert set(cfg.column) >= {"income", "channel"}
    code, _, err = run("init", str(SAMPLE_REF), "-o", str(out))
    assert code == ExitCode.USAGE and "--force" in err


def test_tests_command_lists_registry() -> None:
    code, out, _ = run("tests")
    assert code == 0
    for name in ("ks", "psi", "chisquare", "wasserstein", "jensenshannon", "z"):
        assert name in out
    assert "p-value" in out and "distance" in out


def test_every_command_has_help_with_example() -> None:
    for command in ("report", "init", "tests"):
        code, out, _ = run(command, "--help")
        assert code == 0
        assert "Example" in out, command
    code, out, _ = run("report", "--help")
    assert "Exit codes" in out


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("driftcli ")


def test_python_dash_m_works() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "driftcli", "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert proc.returncode == 0 and "driftcli" in proc.stdout


def test_cli_module_holds_no_statistics() -> None:
    source = Path(cli.__file__).read_text()
    for word in ("scipy", "numpy", "import polars"):
        assert word not in source


def test_summary_shows_effect_size_and_learned_threshold(
    parquet_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    cfg = tmp_path / "drift.toml"
    cfg.write_text('threshold = "auto"\n[column.y]\ntest = "psi"\n')
    code, _, err = run(
        "report", str(parquet_pair[0]), str(parquet_pair[1]), "--fail-on", "column", "-c", str(cfg)
    )
    assert code == ExitCode.BREACH, err
    assert "KS D" in err  # ks on x (600 reference rows) reports its effect size
    html = tmp_path / "r.html"
    run(
        "report",
        str(parquet_pair[0]),
        str(parquet_pair[1]),
        "-c",
        str(cfg),
        "-q",
        "--html",
        str(html),
    )
    assert "learned: mean" in html.read_text()
