"""The audit trail: real files in tmp_path, real processes appending at once, the real CLI app."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from driftcli import DriftConfig, Report
from driftcli.audit import (
    CSV_COLUMNS,
    GENESIS,
    ExportFormat,
    append,
    config_hash,
    export,
    input_fingerprint,
    record_hash,
    report_verdict,
    run_record,
    verify,
    write_export,
)
from driftcli.audit.cli import app
from driftcli.errors import ConfigError, InputError

ROOT = Path(__file__).resolve().parents[1]
SECRET_URL = "s3://auditor:hunter2secret@minio.internal:9000/bucket/x.parquet"
runner = CliRunner()


def _body(i: int, *, day: int = 1, **kw: Any) -> dict[str, Any]:
    return run_record(
        command="report",
        exit_code=i % 2,
        model=f"m{i % 3}",
        config={"fail_on": "fail", "i": i},
        verdict={"status": "pass", "exit_code": 0, "breaches": [], "warnings": 0},
        now=datetime(2025, 3, day, 12, 0, i % 60, tzinfo=timezone.utc),
        **kw,
    )


def _trail(tmp_path: Path, n: int = 5) -> Path:
    path = tmp_path / "audit" / "trail.jsonl"
    for i in range(1, n + 1):
        append(path, _body(i, day=i))
    return path


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines), encoding="utf-8")


# -- the chain -------------------------------------------------------------------------------


def test_a_chain_of_records_verifies_and_links_each_to_the_one_before(tmp_path: Path) -> None:
    path = _trail(tmp_path, 5)
    records = [json.loads(line) for line in _lines(path)]
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert records[0]["prev_hash"] == GENESIS
    for before, after in itertools.pairwise(records):
        assert after["prev_hash"] == before["hash"]
    for r in records:
        assert r["hash"] == record_hash(r)
        assert r["config_hash"] == config_hash({"fail_on": "fail", "i": r["seq"]})
    result = verify(path)
    assert result.ok and result.records == 5 and result.first_break is None
    assert (result.last_seq, result.last_hash) == (5, records[-1]["hash"])


def test_append_returns_what_it_wrote_as_one_canonical_line(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "t.jsonl"
    record = append(path, _body(1))
    line = path.read_text(encoding="utf-8")
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line) == record
    assert line[:-1] == json.dumps(
        record, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def test_a_record_holds_who_ran_what_and_the_verdict(tmp_path: Path) -> None:
    body = run_record(
        command="fleet run",
        exit_code=1,
        model="churn",
        verdict={"status": "fail", "breaches": [f"b{i}" for i in range(60)]},
        extra={"fleet": "prod"},
        now=datetime(2025, 3, 1, 12, 0, 0, 999, tzinfo=timezone.utc),
    )
    for key in ("time", "host", "user", "driftcli_version", "command", "model", "config_hash"):
        assert key in body
    assert body["time"] == "2025-03-01T12:00:00Z"
    assert body["verdict"]["breaches"] == [f"b{i}" for i in range(50)]
    assert body["verdict"]["breaches_total"] == 60
    assert body["fleet"] == "prod" and body["exit_code"] == 1
    with pytest.raises(ValueError, match="seq"):
        run_record(command="report", exit_code=0, extra={"seq": 9})


def test_report_verdict_reads_a_real_report(sample_report: Report) -> None:
    verdict = report_verdict(sample_report)
    assert verdict["status"] == sample_report.status.value
    assert verdict["exit_code"] == int(sample_report.exit_code)
    assert verdict["breaches"] == list(sample_report.breaches)[:50]
    assert verdict["warnings"] == len(sample_report.warnings)
    assert verdict["drifted_columns"] == len(sample_report.drifted_columns) > 0
    body = run_record(
        command="report",
        exit_code=verdict["exit_code"],
        config=sample_report.config.to_dict(),
        verdict=verdict,
    )
    assert body["config_hash"] == config_hash(DriftConfig(segment_by=("region",)).to_dict())


# -- what verify catches -----------------------------------------------------------------------


def test_an_edited_field_is_caught_at_that_record(tmp_path: Path) -> None:
    path = _trail(tmp_path)
    lines = _lines(path)
    record = json.loads(lines[2])
    record["exit_code"] = 0 if record["exit_code"] else 1
    lines[2] = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
    _write(path, lines)
    result = verify(path)
    assert not result.ok and result.records == 2
    assert result.first_break is not None
    assert (result.first_break.seq, result.first_break.line) == (3, 3)
    assert result.first_break.reason == "edited: its content does not match its hash"


def test_an_edit_with_its_hash_recomputed_is_caught_at_the_next_record(tmp_path: Path) -> None:
    path = _trail(tmp_path)
    lines = _lines(path)
    record = json.loads(lines[2])
    record["verdict"]["status"] = "fail"
    record["hash"] = record_hash(record)
    lines[2] = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
    _write(path, lines)
    brk = verify(path).first_break
    assert brk is not None and (brk.seq, brk.line) == (4, 4)
    assert "does not follow the record before it" in brk.reason


def test_a_deleted_record_is_caught_at_the_record_after_it(tmp_path: Path) -> None:
    path = _trail(tmp_path)
    lines = _lines(path)
    del lines[2]
    _write(path, lines)
    result = verify(path)
    assert not result.ok and result.records == 2
    assert result.first_break is not None
    assert (result.first_break.seq, result.first_break.line) == (4, 3)
    assert result.first_break.reason.startswith("record(s) 3 missing")
    assert "deleted" in result.first_break.reason


def test_several_deleted_records_are_named_as_a_range(tmp_path: Path) -> None:
    path = _trail(tmp_path, 6)
    lines = _lines(path)
    del lines[1:4]
    _write(path, lines)
    brk = verify(path).first_break
    assert brk is not None and brk.seq == 5 and brk.reason.startswith("record(s) 2..4 missing")


def test_swapped_records_are_caught(tmp_path: Path) -> None:
    path = _trail(tmp_path)
    lines = _lines(path)
    lines[1], lines[2] = lines[2], lines[1]
    _write(path, lines)
    result = verify(path)
    assert not result.ok and result.records == 1
    assert result.first_break is not None and result.first_break.line == 2


def test_a_duplicated_record_is_out_of_order(tmp_path: Path) -> None:
    path = _trail(tmp_path)
    lines = _lines(path)
    lines.insert(3, lines[2])
    _write(path, lines)
    brk = verify(path).first_break
    assert brk is not None and (brk.seq, brk.line) == (3, 4)
    assert brk.reason == "out of order (reordered or duplicated)"


def test_a_deleted_first_record_is_caught(tmp_path: Path) -> None:
    path = _trail(tmp_path)
    _write(path, _lines(path)[1:])
    result = verify(path)
    assert not result.ok and result.records == 0
    assert result.first_break is not None
    assert (result.first_break.seq, result.first_break.line) == (2, 1)
    assert "the first record(s) were deleted" in result.first_break.reason


def test_a_torn_last_line_is_caught_by_verify_and_refused_by_append(tmp_path: Path) -> None:
    path = _trail(tmp_path, 3)
    whole = path.read_bytes()
    path.write_bytes(whole + whole.splitlines(keepends=True)[0][:40])  # a write cut short
    result = verify(path)
    assert not result.ok and result.records == 3
    assert result.first_break is not None
    assert (result.first_break.seq, result.first_break.line) == (None, 4)
    assert "not a JSON record" in result.first_break.reason
    with pytest.raises(InputError, match=r"line 4.*drift audit verify") as info:
        append(path, _body(9))
    assert str(path) in str(info.value)
    assert path.read_bytes().startswith(whole) and len(path.read_bytes()) == len(whole) + 40


def test_a_garbage_last_line_with_a_newline_is_refused_too(tmp_path: Path) -> None:
    path = _trail(tmp_path, 2)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"not": "a record"}\n')
    with pytest.raises(InputError, match="line 3, the last record, is not a valid record"):
        append(path, _body(3))
    brk = verify(path).first_break
    assert brk is not None and brk.line == 3 and "no seq, prev_hash, hash" in brk.reason


def test_a_missing_trail_is_an_input_error_and_an_empty_one_is_intact(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such audit trail"):
        verify(tmp_path / "nope.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = verify(empty)
    assert result.ok and result.records == 0 and result.last_hash is None


def test_expect_last_hash_and_min_records_catch_a_truncated_trail(tmp_path: Path) -> None:
    path = _trail(tmp_path, 5)
    anchor = verify(path)
    assert anchor.last_hash is not None
    append(path, _body(6))  # the trail grew since the anchor was stored: still fine
    assert verify(path, expect_last_hash=anchor.last_hash, min_records=5).ok
    _write(path, _lines(path)[:4])  # the last two records cut off: the chain alone is intact
    assert verify(path).ok
    result = verify(path, expect_last_hash=anchor.last_hash.upper())
    assert not result.ok and result.first_break is not None
    assert result.first_break.line == 5 and "last records were deleted" in result.first_break.reason
    short = verify(path, min_records=5)
    assert not short.ok and short.first_break is not None
    assert "4 records, fewer than the 5 expected" in short.first_break.reason
    with pytest.raises(ConfigError, match="--expect-last-hash"):
        verify(path, expect_last_hash="abc")


# -- concurrency -----------------------------------------------------------------------------

_WRITER = """
import sys
from driftcli.audit import append, run_record
path, who = sys.argv[1], sys.argv[2]
for i in range(25):
    append(path, run_record(command="report", exit_code=0, model=f"{who}-{i}"))
"""


def test_four_processes_appending_at_once_make_one_intact_chain(tmp_path: Path) -> None:
    path = tmp_path / "shared.jsonl"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), f"p{n}"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    result = verify(path)
    assert result.ok, result.first_break
    assert result.records == 100 and result.last_seq == 100
    models = sorted(json.loads(line)["model"] for line in _lines(path))
    assert models == sorted(f"p{n}-{i}" for n in range(4) for i in range(25))


# -- inputs and secrets ----------------------------------------------------------------------


def test_content_hash_is_the_files_sha256_and_skipped_above_the_limit(tmp_path: Path) -> None:
    data = tmp_path / "ref.csv"
    data.write_bytes(b"a,b\n" + b"".join(f"{i},{i * 7 % 13}\n".encode() for i in range(500)))
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    fp = input_fingerprint(str(data), rows=500)
    assert fp["content_hash"] == "sha256" and fp["sha256"] == digest and fp["rows"] == 500
    assert fp["files"] == [
        {
            "path": str(data.resolve()),
            "size": data.stat().st_size,
            "mtime_ns": data.stat().st_mtime_ns,
            "sha256": digest,
        }
    ]
    big = input_fingerprint(str(data), rows=500, hash_limit_bytes=100)
    assert big["sha256"] is None and big["files"][0]["sha256"] is None
    assert big["content_hash"].startswith("skipped: larger than")


def test_a_folder_source_hashes_every_file_as_a_sha256sum_listing(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("b.csv", "a.csv"):
        (folder / name).write_text(f"x\n{name}\n", encoding="utf-8")
    fp = input_fingerprint(str(folder), rows=2)
    listing = "".join(
        f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {(folder / n).resolve()}\n"
        for n in ("a.csv", "b.csv")
    )
    assert [Path(f["path"]).name for f in fp["files"]] == ["a.csv", "b.csv"]
    assert fp["sha256"] == hashlib.sha256(listing.encode()).hexdigest()


def test_passwords_in_sources_and_errors_never_reach_the_trail(tmp_path: Path) -> None:
    fp = input_fingerprint(SECRET_URL, rows=None)
    assert fp["files"] == [] and fp["content_hash"] == "skipped: no local files"
    assert fp["source"] == "s3://auditor:***@minio.internal:9000/bucket/x.parquet"
    signed = input_fingerprint("https://h/x.parquet?X-Amz-Signature=deadbeef&a=1", rows=1)
    assert "deadbeef" not in json.dumps(signed)
    path = tmp_path / "t.jsonl"
    append(
        path,
        run_record(
            command="report",
            exit_code=2,
            inputs=[fp],
            error=f"cannot read {SECRET_URL}: access denied",
            extra={"history": "postgresql://drift:pgsecret@db/drift"},
        ),
    )
    append(path, {"error": f"raw body {SECRET_URL}"})  # append masks a body built by hand
    text = path.read_text(encoding="utf-8")
    assert "hunter2secret" not in text and "pgsecret" not in text
    assert "auditor:***@minio.internal" in text
    assert verify(path).ok
    formats: tuple[ExportFormat, ...] = ("jsonl", "json", "csv")
    for fmt in formats:
        assert "hunter2secret" not in export(path, None, fmt)


# -- export ----------------------------------------------------------------------------------


def test_export_since_a_date_keeps_only_later_records(tmp_path: Path) -> None:
    path = _trail(tmp_path, 5)  # one record a day, 2025-03-01 .. 2025-03-05
    lines = export(path, date(2025, 3, 3), "jsonl").splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [3, 4, 5]
    assert lines == [line.rstrip("\n") for line in _lines(path)[2:]]  # as written
    later = export(path, datetime(2025, 3, 4, 12, 0, 0, tzinfo=timezone.utc), "jsonl")
    assert [json.loads(line)["seq"] for line in later.splitlines()] == [4, 5]
    doc = json.loads(export(path, date(2025, 3, 4), "json"))
    assert doc["verified"] is True and doc["first_break"] is None
    assert [r["seq"] for r in doc["records"]] == [4, 5]
    assert (doc["exported"], doc["records_intact"], doc["last_seq"]) == (2, 5, 5)


def test_the_csv_export_parses_with_the_csv_module(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    data = tmp_path / "cur.csv"
    data.write_text("x\n1\n", encoding="utf-8")
    body = run_record(
        command="report",
        exit_code=1,
        model="churn, EU",  # a comma and a quote inside cells
        inputs=[input_fingerprint(str(data), rows=1)],
        verdict={"status": "fail", "breaches": ['income: "drift"', "age: drift"]},
        now=datetime(2025, 3, 2, tzinfo=timezone.utc),
    )
    append(path, body)
    rows = list(csv.DictReader(io.StringIO(export(path, date(2025, 3, 1), "csv"))))
    assert len(rows) == 1
    row = rows[0]
    assert tuple(row) == CSV_COLUMNS
    assert row["seq"] == "1" and row["model"] == "churn, EU" and row["status"] == "fail"
    assert row["breaches"] == 'income: "drift"; age: drift'
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    assert row["inputs"] == f"{data}:1:{digest}"
    assert row["prev_hash"] == GENESIS


def test_a_broken_trail_still_exports_with_its_verification(tmp_path: Path) -> None:
    path = _trail(tmp_path, 4)
    lines = _lines(path)
    del lines[1]
    _write(path, lines)
    out = tmp_path / "out" / "export.json"
    out.parent.mkdir()
    result = write_export(path, out, None, "json")
    assert not result.ok
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["verified"] is False
    assert doc["first_break"] == {"seq": 3, "line": 2, "reason": doc["first_break"]["reason"]}
    assert [r["seq"] for r in doc["records"]] == [1, 3, 4]


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_verify_exit_codes(tmp_path: Path) -> None:
    path = _trail(tmp_path, 3)
    last = verify(path).last_hash
    ok = runner.invoke(app, ["verify", str(path)])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == (
        f"audit trail {path}: 3 records, chain intact; last record seq 3 hash {last}"
    )
    assert runner.invoke(app, ["verify", str(path), "--expect-last-hash", str(last)]).exit_code == 0
    lines = _lines(path)
    _write(path, lines[:2])
    cut = runner.invoke(app, ["verify", str(path), "--expect-last-hash", str(last)])
    assert cut.exit_code == 1 and "last records were deleted" in cut.stdout
    few = runner.invoke(app, ["verify", str(path), "--min-records", "3"])
    assert few.exit_code == 1 and "fewer than the 3 expected" in few.stdout
    _write(path, [lines[0], lines[2]])
    broken = runner.invoke(app, ["verify", str(path)])
    assert broken.exit_code == 1
    assert broken.stdout.startswith(f"audit trail {path} is broken at record 3 (line 2): record")
    missing = runner.invoke(app, ["verify", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr.startswith("error: ") and "nope.jsonl" in missing.stderr
    bad_hash = runner.invoke(app, ["verify", str(path), "--expect-last-hash", "xyz"])
    assert bad_hash.exit_code == 2 and "--expect-last-hash" in bad_hash.stderr


def test_cli_export_exit_codes_and_outputs(tmp_path: Path) -> None:
    path = _trail(tmp_path, 4)
    out = tmp_path / "q1.csv"
    done = runner.invoke(
        app, ["export", str(path), "--since", "2025-03-02", "--format", "csv", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert [r["seq"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))] == [
        "2",
        "3",
        "4",
    ]
    stdout = runner.invoke(app, ["export", str(path), "--since", "2025-03-03T12:00:00Z"])
    assert stdout.exit_code == 0
    assert [json.loads(line)["seq"] for line in stdout.stdout.splitlines()] == [3, 4]
    lines = _lines(path)
    lines[1] = lines[1].replace('"exit_code":0', '"exit_code":1')
    _write(path, lines)
    broken = runner.invoke(app, ["export", str(path), "--since", "2025-01-01", "-f", "json"])
    assert broken.exit_code == 1
    assert json.loads(broken.stdout)["verified"] is False
    assert broken.stderr.startswith(f"warning: audit trail {path} is broken at record 2 (line 2)")
    bad = runner.invoke(app, ["export", str(path), "--since", "March 1st"])
    assert bad.exit_code == 2
    assert "--since 'March 1st'" in bad.stderr and "YYYY-MM-DD" in bad.stderr
    missing = runner.invoke(app, ["export", str(tmp_path / "x.jsonl"), "--since", "2025-01-01"])
    assert missing.exit_code == 2 and "no such audit trail" in missing.stderr
    no_folder = runner.invoke(
        app, ["export", str(path), "--since", "2025-01-01", "-o", str(tmp_path / "no" / "x")]
    )
    assert no_folder.exit_code == 2 and "does not exist" in no_folder.stderr


def test_the_cli_module_imports_only_typer_and_the_standard_library_at_load() -> None:
    """``drift --help`` loads it: the trail code is imported by the commands when they run."""
    source = (ROOT / "driftcli" / "audit" / "cli.py").read_text(encoding="utf-8")
    top = [
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from ")) and "__future__" not in line
    ]
    assert top and set(top) <= {"typer", "enum", "collections", "pathlib", "typing"}, top


def test_drift_report_appends_its_runs_and_its_errors_to_the_trail(tmp_path: Path) -> None:
    """`drift report --audit` (or $DRIFT_AUDIT) records a finished run with its verdict and
    inputs, and a run stopped by an input error with the error and exit code 2."""
    root = Path(__file__).resolve().parents[1]
    trail = tmp_path / "audit.jsonl"
    ref, cur = root / "sample_data" / "reference.parquet", root / "sample_data" / "current.parquet"
    config = root / "sample_data" / "drift.toml"
    run = [sys.executable, "-m", "driftcli", "report", str(ref), str(cur), "-q",
           "-c", str(config), "--json", str(tmp_path / "s.json")]  # fmt: skip
    done = subprocess.run([*run, "--audit", str(trail)], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    env = {**os.environ, "DRIFT_AUDIT": str(trail)}
    missing = [sys.executable, "-m", "driftcli", "report", str(ref), str(tmp_path / "nope.parquet")]
    failed = subprocess.run([*missing, "-q"], capture_output=True, text=True, env=env)
    assert failed.returncode == 2 and "nope.parquet" in failed.stderr
    result = verify(trail)
    assert result.ok and result.records == 2
    first, second = (json.loads(line) for line in trail.read_text().splitlines())
    assert first["command"] == "report" and first["exit_code"] == 1
    assert first["verdict"]["status"] == "fail" and first["verdict"]["breaches"]
    assert [i["side"] for i in first["inputs"]] == ["reference", "current"]
    assert first["inputs"][0]["sha256"] == hashlib.sha256(ref.read_bytes()).hexdigest()
    assert first["inputs"][1]["rows"] == json.loads((tmp_path / "s.json").read_text())[
        "current"]["rows"]  # fmt: skip
    assert second["exit_code"] == 2 and "nope.parquet" in second["error"]
    assert second["verdict"] is None and second["prev_hash"] == first["hash"]


def test_drift_report_with_a_torn_trail_writes_its_files_and_exits_2(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    trail = tmp_path / "audit.jsonl"
    trail.write_text('{"seq": 1, "tor')
    ref = root / "sample_data" / "reference.parquet"
    summary = tmp_path / "s.json"
    cmd = [sys.executable, "-m", "driftcli", "report", str(ref), str(ref), "-q",
           "--json", str(summary), "--audit", str(trail)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "audit trail" in proc.stderr and "the run alone would exit 0" in proc.stderr
    assert json.loads(summary.read_text())["status"] == "pass"
    assert trail.read_text() == '{"seq": 1, "tor'  # nothing chained onto the torn line
