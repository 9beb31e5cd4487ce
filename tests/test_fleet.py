"""Fleets: settings fleet < tier < model, tier policy (escalation, staleness, what fails the
job), a broken model isolated to its own row, the scorecard outputs, status from history alone,
labelled alerts in a real Alertmanager, and the audit trail of a fleet run.

The end-to-end tests run the repository's example (examples/fleet/) in a copy."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.parse
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import polars as pl
import pytest
from junitparser import JUnitXml

from driftcli.audit import verify
from driftcli.errors import ConfigError
from driftcli.fleet import FleetResult, fleet_schema, fleet_status, load_fleet, run_fleet
from driftcli.fleet.config import TierPolicy, deep_merge
from driftcli.fleet.policy import breach_streak, decide, staleness
from tests.monitoring import alertmanager, binary, drift, get_json

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "fleet"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example fleet (its data, models and fleet.toml) without outputs."""
    dest = tmp_path / "fleet"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("out", "__pycache__"))
    return dest


def _rows(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in doc["models"]}


# ------------------------------------------------------------------------------ settings


def test_settings_resolve_fleet_then_tier_then_model(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "fleet.toml").write_text(
        '[fleet]\ninclude = ["m/*.toml"]\n'
        '[defaults]\nreference = "r.parquet"\ncurrent = "c.parquet"\ndrift_share = 0.5\n'
        'bins = 12\n[defaults.column.income]\ntest = "ks"\nthreshold = 0.01\n'
        "[tiers.critical]\ndrift_share = 0.2\n[tiers.critical.column.income]\nthreshold = 0.05\n"
        "[tiers.standard]\n"
    )
    (tmp_path / "m" / "a.toml").write_text('name = "a"\ntier = "critical"\nbins = 20\n')
    (tmp_path / "m" / "b.toml").write_text('name = "b"\n')  # standard by default
    (tmp_path / "m" / "c.toml").write_text(
        'name = "c"\ntier = "critical"\ndrift_share = 0.9\n[column.income]\ntest = "psi"\n'
    )
    fleet = load_fleet(tmp_path / "fleet.toml")
    a, b, c = fleet.models
    # the tier beats [defaults], the model beats both; tables merge key by key
    assert (a.settings["drift_share"], a.settings["bins"]) == (0.2, 20)
    assert a.settings["column"]["income"] == {"test": "ks", "threshold": 0.05}
    assert (b.tier, b.settings["drift_share"], b.settings["bins"]) == ("standard", 0.5, 12)
    assert b.settings["column"]["income"] == {"test": "ks", "threshold": 0.01}
    assert c.settings["drift_share"] == 0.9
    assert c.settings["column"]["income"] == {"test": "psi", "threshold": 0.05}
    assert deep_merge({"x": {"y": 1, "z": 2}}, {"x": {"y": 3}}, {"x": 4}) == {"x": 4}


def test_bad_model_declarations_are_that_models_error_not_the_fleets(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "fleet.toml").write_text(
        '[fleet]\ninclude = ["m/*.toml"]\n[defaults]\nreference = "r"\ncurrent = "c"\n'
        "[tiers.standard]\n"
    )
    (tmp_path / "m" / "good.toml").write_text('name = "good"\n')
    (tmp_path / "m" / "syntax.toml").write_text('name = "syntax"\nbins = \n')
    (tmp_path / "m" / "tier.toml").write_text('name = "tier"\ntier = "gold"\n')
    (tmp_path / "m" / "setting.toml").write_text('name = "setting"\nbins = 1\n')
    fleet = load_fleet(tmp_path / "fleet.toml")
    assert [m.name for m in fleet.models] == ["good"]
    broken = {b.name: b.error for b in fleet.broken}
    assert "invalid TOML" in broken["syntax"]
    assert "tier 'gold' is not defined" in broken["tier"]
    assert "bins must be a whole number from 2 to 1000" in broken["setting"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fleet]\nparallel = 0\n", "parallel must be a whole number >= 1"),
        ('[fleet]\ninclude = ["nothing/*.toml"]\n', "matches no model file"),
        ("[fleet]\n", "the fleet has no models"),
        ('[[models]]\nname = "a"\n[[models]]\nname = "a"\n', "names must be unique"),
        ('[tiers.x]\nfail_job_on = ["often"]\n', "fail_job_on must be a list of"),
        ('[tiers.x]\nmax_data_age = "soon"\n', "expected a duration"),
        ("[fleet]\nmodels = 1\n", r"\[fleet\]: unknown key 'models'; valid keys: name, include"),
    ],
)
def test_a_wrong_fleet_file_is_a_clear_config_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "fleet.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_fleet(path)


# -------------------------------------------------------------------------------- policy


def test_breach_streak_counts_consecutive_breaches_and_skips_errors() -> None:
    assert breach_streak(False, ["fail", "fail"]) == 0
    assert breach_streak(True, []) == 1
    assert breach_streak(True, ["fail", "error", "fail", "pass", "fail"]) == 3
    assert breach_streak(True, ["warn", "fail"]) == 1


def test_tier_policy_decides_escalation_severity_and_the_job() -> None:
    critical = TierPolicy("critical", ("drift", "stale"), escalate_after=2)
    standard = TierPolicy("standard", (), escalate_after=3)
    late = TierPolicy("late", ("escalated",), escalate_after=2)
    first, second = decide(critical, "fail", 1, False), decide(critical, "fail", 2, False)
    assert (first.escalated, first.severity, first.exit_code) == (False, "warning", 1)
    assert (second.escalated, second.severity, second.reasons) == (True, "critical", ("drift",))
    # a standard-tier breach is reported and never fails the job, even escalated
    assert decide(standard, "fail", 5, True).exit_code == 0
    assert decide(standard, "fail", 5, True).severity == "critical"
    # fail only once escalated
    assert decide(late, "fail", 1, False).exit_code == 0
    assert decide(late, "fail", 2, False).exit_code == 1
    # stale fails a tier that lists it; a model that could not run is exit 2 in every tier
    assert decide(critical, "pass", 0, True).reasons == ("stale",)
    assert decide(standard, "error", 0, False).exit_code == 2


def test_staleness_by_data_age_and_by_run_gap() -> None:
    tier = TierPolicy("t", max_data_age=timedelta(days=2), max_run_gap=timedelta(hours=26))
    now = datetime(2026, 11, 29, tzinfo=timezone.utc)
    fresh = staleness(tier, now, "2026-11-28T12:00:00", "2026-11-28T23:00:00+00:00")
    assert (fresh.stale, fresh.data_age_seconds) == (False, 12 * 3600)
    old = staleness(tier, now, "2026-11-20", "2026-11-28T23:00:00+00:00")
    assert old.stale and old.reason is not None and "newest data 9.0 days old" in old.reason
    gap = staleness(tier, now, None, "2026-11-27T00:00:00+00:00")
    assert gap.stale and gap.reason is not None and "last completed run 2.0 days ago" in gap.reason
    never = staleness(tier, now, None, None)
    assert never.stale and never.reason == "no completed run (tier t)"
    # a tier without limits is never stale
    assert not staleness(TierPolicy("u"), now, "2000-01-01", None).stale


# ----------------------------------------------------------------------------- end to end


def test_the_example_fleet_end_to_end(example: Path) -> None:
    """Two daily runs of the repository's example: an escalating drift, a stale feed, a
    broken model isolated to its own row, a passing model; every output checked by a reader."""
    first = drift("fleet", "run", example / "fleet.toml", "--date", "2026-11-27", "-q")
    assert first.returncode == 2, first.stderr
    day1 = _rows(json.loads((example / "out" / "fleet.json").read_text()))
    assert (day1["credit-risk"]["streak"], day1["credit-risk"]["severity"]) == (1, "warning")
    proc = drift("fleet", "run", example / "fleet.toml", "--date", "2026-11-28")
    # the broken model makes it 2; the others still ran
    assert proc.returncode == 2, proc.stderr
    out = example / "out"
    doc = json.loads((out / "fleet.json").read_text())
    jsonschema.validate(doc, fleet_schema())
    rows = _rows(doc)
    assert {n: r["state"] for n, r in rows.items()} == {
        "churn": "pass", "credit-risk": "fail", "nlp-intent": "error", "recsys": "stale",
    }  # fmt: skip
    credit = rows["credit-risk"]
    assert (credit["streak"], credit["escalated"], credit["severity"]) == (2, True, "critical")
    assert credit["job_reasons"] == ["drift"] and credit["exit_code"] == 1
    assert credit["health"]["drift"] == "fail" and "performance" in credit["health"]
    assert credit["report"] == "credit-risk/report.html"
    assert (out / "credit-risk" / "report.html").is_file()
    assert (out / "credit-risk" / "summary.json").is_file()
    recsys = rows["recsys"]
    assert recsys["stale_reason"].startswith("newest data 8.0 days old")
    assert recsys["exit_code"] == 1 and recsys["job_reasons"] == ["stale"]
    nlp = rows["nlp-intent"]
    assert "no column 'language'" in nlp["error"] and nlp["exit_code"] == 2
    assert rows["churn"]["exit_code"] == 0 and rows["churn"]["rows_current"] == 1000
    assert doc["jobs_failed_by"] == ["credit-risk", "nlp-intent", "recsys"]
    assert doc["counts"] == {"pass": 1, "warn": 0, "fail": 1, "stale": 1, "error": 1}
    # the terminal scorecard is what README shows (all but the paths of the last line)
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```text\nSTATE  MODEL", 1)[1].split("```", 1)[0]
    shown = ("STATE  MODEL" + block).splitlines()[:-1]
    assert proc.stderr.splitlines()[:-1] == shown

    # JUnit: one testsuite per model, failures only where the tier fails the job
    xml = JUnitXml.fromfile(str(out / "fleet.xml"))
    suites = {s.name: s for s in xml}
    assert set(suites) == {f"fleet.{n}" for n in rows}
    assert suites["fleet.credit-risk"].failures >= 1
    assert suites["fleet.nlp-intent"].errors == 1
    assert suites["fleet.churn"].failures == suites["fleet.churn"].errors == 0
    assert suites["fleet.recsys"].failures == 1

    # Prometheus: promtool accepts it, series labelled by model, tier and owner
    prom = (out / "fleet.prom").read_text()
    check = subprocess.run(
        [binary("promtool"), "check", "metrics"], input=prom.encode(), capture_output=True
    )
    assert check.returncode == 0 and not check.stdout + check.stderr, check.stderr
    assert (
        'driftcli_fleet_model_escalated{fleet="example",model="credit-risk",owner="team-risk",'
        'tier="critical"} 1.0' in prom
    )
    assert 'driftcli_fleet_exit_code{fleet="example"} 2.0' in prom

    # HTML: links to each model's report, sortable and filterable
    html = (out / "fleet.html").read_text()
    assert '<a href="credit-risk/report.html">credit-risk</a>' in html
    assert 'id="q"' in html and 'id="tier"' in html and "aria-sort" in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # self-contained

    # status from history alone: the same states, nothing recomputed
    # (as of the end of the run's day, as the run judged it: the data's dates are fixed)
    status = drift("fleet", "status", example / "fleet.toml", "--json", "-", "--date", "2026-11-28")
    assert status.returncode == 2, status.stderr
    again = json.loads(status.stdout)
    jsonschema.validate(again, fleet_schema())
    assert again["mode"] == "status"
    assert {n: r["state"] for n, r in _rows(again).items()} == {
        n: r["state"] for n, r in rows.items()
    }
    assert _rows(again)["credit-risk"]["streak"] == 2

    # the audit trail: one record per model and one per fleet run, chain intact
    result = verify(out / "audit.jsonl")
    assert result.ok and result.records == 10
    records = [json.loads(line) for line in (out / "audit.jsonl").read_text().splitlines()]
    credit_records = [r for r in records if r.get("model") == "credit-risk"]
    assert credit_records[-1]["verdict"]["escalated"] is True
    assert credit_records[-1]["inputs"][1]["rows"] == 1000


def test_a_rerun_of_the_same_date_replaces_its_run(example: Path) -> None:
    fleet = load_fleet(example / "fleet.toml").select(["credit-risk"])
    for _ in range(2):
        result = run_fleet(fleet, date(2026, 11, 27), parallel=1)
        assert result.rows[0].streak == 1  # not 2: the same day's run was replaced
    result = run_fleet(fleet, date(2026, 11, 28), parallel=1)
    assert (result.rows[0].streak, result.rows[0].escalated) == (2, True)


def test_a_standard_tier_drift_does_not_fail_the_job(example: Path) -> None:
    text = (example / "fleet.toml").read_text()
    (example / "fleet.toml").write_text(text.replace('tier = "critical"', 'tier = "standard"'))
    (example / "models" / "credit-risk.toml").write_text(
        (example / "models" / "credit-risk.toml").read_text().replace("critical", "standard")
    )
    proc = drift(
        "fleet", "run", example / "fleet.toml", "--date", "2026-11-28", "--only", "credit-risk",
        "--only", "churn", "-q",
    )  # fmt: skip
    rows = _rows(json.loads((example / "out" / "fleet.json").read_text()))
    # In full (a tuple of dicts would be cut short): this failed twice in CI with exit 2 and a
    # row with status "error", and never here.
    errors = {name: row.get("error") for name, row in rows.items() if row["status"] == "error"}
    assert proc.returncode == 0, f"stderr {proc.stderr!r}; errors {errors}; rows {rows}"
    assert rows["credit-risk"]["state"] == "fail" and not rows["credit-risk"]["fails_job"]
    xml = JUnitXml.fromfile(str(example / "out" / "fleet.xml"))
    assert all(s.failures == 0 and s.errors == 0 for s in xml)


def test_one_failing_model_never_stops_the_others(example: Path) -> None:
    """A missing reference, a template with an unknown placeholder and unreadable data each
    become their model's error row while the rest run (in worker processes)."""
    models = example / "models"
    (models / "gone.toml").write_text('name = "gone"\nreference = "data/nowhere.parquet"\n')
    (models / "typo.toml").write_text('name = "typo"\ncurrent = "data/{modle}/x.parquet"\n')
    (example / "data" / "garbage.parquet").write_bytes(b"not a parquet file")
    (models / "garbage.toml").write_text(
        'name = "garbage"\nreference = "data/churn/reference.parquet"\n'
        'current = "data/garbage.parquet"\n'
    )
    fleet = load_fleet(example / "fleet.toml")
    result = run_fleet(fleet, date(2026, 11, 28), parallel=2)
    rows = {r.name: r for r in result.rows}
    assert rows["gone"].status == "error" and "nowhere.parquet" in (rows["gone"].error or "")
    assert "{modle}" in (rows["typo"].error or "")
    assert rows["garbage"].status == "error" and "garbage.parquet" in (rows["garbage"].error or "")
    assert {rows[n].status for n in ("churn", "credit-risk")} == {"pass", "fail"}
    assert result.exit_code == 2


def test_status_applies_the_run_gap_sla_as_of_now(example: Path) -> None:
    fleet = load_fleet(example / "fleet.toml").select(["credit-risk", "churn"])
    with pytest.raises(ConfigError, match=r"no run history yet .* run `drift fleet run"):
        fleet_status(fleet)
    run_fleet(fleet, date(2026, 11, 28), parallel=1)
    later = datetime.now(timezone.utc) + timedelta(days=3)
    status: FleetResult = fleet_status(fleet, now=later)
    rows = {r.name: r for r in status.rows}
    # credit-risk (critical: max_run_gap 26h) is stale three days later. The age of the data
    # (fixed dates in November 2026) grows with the calendar, so only its form is checked;
    # churn (standard: no run-gap limit) is never stale for the run gap.
    reason = rows["credit-risk"].stale_reason or ""
    assert rows["credit-risk"].stale
    assert re.search(r"newest data \d+\.\d days old \(tier critical: at most 2\.0 days\)", reason)
    assert "last completed run 3.0 days ago (tier critical: at most 1.1 days)" in reason
    assert "last completed run" not in (rows["churn"].stale_reason or "")
    assert status.mode == "status" and status.exit_code == 1


def test_validate_checks_configs_and_paths_without_computing(example: Path) -> None:
    proc = drift("fleet", "validate", example / "fleet.toml", "--date", "2026-11-27")
    assert proc.returncode == 2
    assert "nlp-intent: segment_by: no column 'language'" in proc.stderr
    assert "1 of 4 models" in proc.stderr
    (example / "models" / "nlp-intent.toml").unlink()
    valid = drift("fleet", "validate", example / "fleet.toml", "--date", "2026-11-27")
    assert valid.returncode == 0, valid.stderr
    # a date with no data for a templated path
    missing = drift("fleet", "validate", example / "fleet.toml", "--date", "2026-12-25")
    assert missing.returncode == 2 and "2026-12-25.parquet" in missing.stderr
    assert not (example / "out").exists()  # nothing computed, nothing written


def test_fleet_alerts_carry_owner_tier_and_escalated_severity(
    example: Path, tmp_path: Path
) -> None:
    with alertmanager(tmp_path) as url:
        text = (example / "fleet.toml").read_text()
        text += f'\n[defaults.notify]\nalertmanager = "{url}"\n'
        (example / "fleet.toml").write_text(text)
        fleet = load_fleet(example / "fleet.toml").select(["credit-risk"])
        query = urllib.parse.urlencode({"filter": 'model="credit-risk"'})
        severities = []
        for day in (27, 28):
            run_fleet(fleet, date(2026, 11, day), parallel=1)
            alerts = [
                a for a in get_json(f"{url}/api/v2/alerts?{query}")
                if a["status"]["state"] == "active"
            ]  # fmt: skip
            assert alerts, "no alert reached Alertmanager"
            labels = alerts[0]["labels"]
            assert (labels["owner"], labels["tier"], labels["oncall"]) == (
                "team-risk", "critical", "risk-oncall",
            )  # fmt: skip
            severities.append({a["labels"]["severity"] for a in alerts})
        assert severities == [{"warning"}, {"critical"}]


def test_example_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    """examples/fleet/data is reproducible from make_data.py (seeded)."""
    shutil.copy(EXAMPLE / "make_data.py", tmp_path / "make_data.py")
    subprocess.run([sys.executable, str(tmp_path / "make_data.py")], check=True, cwd=tmp_path)
    made = sorted(p.relative_to(tmp_path / "data") for p in (tmp_path / "data").rglob("*.parquet"))
    kept = sorted(p.relative_to(EXAMPLE / "data") for p in (EXAMPLE / "data").rglob("*.parquet"))
    assert made == kept
    for rel in kept:
        made_frame = pl.read_parquet(tmp_path / "data" / rel)
        assert made_frame.equals(pl.read_parquet(EXAMPLE / "data" / rel))


def test_an_audit_trail_that_cannot_be_appended_to_is_exit_2_after_the_outputs(
    example: Path,
) -> None:
    (example / "out").mkdir()
    (example / "out" / "audit.jsonl").write_text('{"seq": 1, "torn')  # a torn last line
    proc = drift(
        "fleet", "run", example / "fleet.toml", "--date", "2026-11-28", "--only", "churn", "-q"
    )
    assert proc.returncode == 2
    assert "audit trail" in proc.stderr and "drift audit verify" in proc.stderr
    doc = json.loads((example / "out" / "fleet.json").read_text())
    assert doc["exit_code"] == 2 and doc["audit_error"].startswith("audit trail")
    assert _rows(doc)["churn"]["state"] == "pass"


def test_status_shows_a_model_whose_declaration_broke_since_its_last_run(example: Path) -> None:
    run_fleet(load_fleet(example / "fleet.toml").select(["churn"]), date(2026, 11, 28), parallel=1)
    (example / "models" / "churn.toml").write_text('name = "churn"\ntier = "gold"\n')
    rows = {r.name: r for r in fleet_status(load_fleet(example / "fleet.toml")).rows}
    churn = rows["churn"]
    assert churn.status == "error" and churn.exit_code == 2 and churn.last_run is not None
    assert "its declaration is broken" in (churn.error or "") and "'gold'" in (churn.error or "")
    assert "no run in the history store yet" in (rows["recsys"].error or "")


def _spawned_workers(parent: int) -> list[int]:
    """The pids of ``parent``'s spawned pool workers (not its resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if int(stat[1]) == parent and "spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def test_a_killed_worker_process_costs_no_model_its_row(example: Path) -> None:
    """The OOM killer (here: SIGKILL from the test) takes a worker and its pool down; the
    models that had not finished are rerun one at a time, so every model still gets its own
    row and the verdict is the same as an undisturbed run."""
    import os
    import signal
    import time

    cmd = [sys.executable, "-m", "driftcli", "fleet", "run", str(example / "fleet.toml"),
           "--date", "2026-11-28", "--parallel", "2", "-q"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while not workers and time.monotonic() < deadline and proc.poll() is None:
        workers = _spawned_workers(proc.pid)
        time.sleep(0.02)
    assert workers, "no worker process appeared"
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 2, stderr  # as undisturbed: the broken model's exit 2
    assert "notice: a worker process died;" in stderr and "rerun one at a time" in stderr
    doc = json.loads((example / "out" / "fleet.json").read_text())
    assert {n: r["state"] for n, r in _rows(doc).items()} == {
        "churn": "pass", "credit-risk": "fail", "nlp-intent": "error", "recsys": "stale",
    }  # fmt: skip
    assert doc["notices"] and "rerun one at a time" in doc["notices"][0]
    assert "worker process" not in json.dumps(doc["models"])  # no model lost its row


def test_junit_names_each_areas_own_findings_and_fails_only_what_the_tier_fails() -> None:
    from driftcli.fleet.outputs import to_junit
    from driftcli.fleet.result import ModelRow

    def row(name: str, reasons: tuple[str, ...]) -> ModelRow:
        return ModelRow(
            name=name, owner="o", tier="t", status="fail", exit_code=1 if reasons else 0,
            fails_job=bool(reasons), job_reasons=reasons,
            health={"drift": "pass", "performance": "fail", "integrity": "warn",
                    "staleness": "pass"},
            area_findings={"performance": ("accuracy fell 0.08, beyond 0.05",)},
        )  # fmt: skip

    result = FleetResult("f", "fleet.toml", "2026-11-28", "2026-11-28T00:00:00+00:00",
                         (row("gate", ("drift",)), row("watch", ())))  # fmt: skip
    xml = JUnitXml.fromstring(to_junit(result))
    suites = {s.name: {c.name: c for c in s} for s in xml}
    failed = suites["fleet.gate"]["performance"].result
    assert failed and failed[0].message == "accuracy fell 0.08, beyond 0.05"
    assert not suites["fleet.watch"]["performance"].result  # reported, not failed
    assert "does not fail the job" in (suites["fleet.watch"]["performance"].system_out or "")
    assert not suites["fleet.gate"]["drift"].result
    # a message with a character XML 1.0 cannot carry is escaped, not a broken document
    broken = FleetResult("f", "fleet.toml", "2026-11-28", "2026-11-28T00:00:00+00:00",
                         (ModelRow(name="x", owner="o", tier="t", status="error", exit_code=2,
                                   fails_job=True, error="no column 'a\x01b'"),))  # fmt: skip
    case = next(iter(next(iter(JUnitXml.fromstring(to_junit(broken))))))
    assert case.result[0].message == "no column 'a\\x01b'"


def test_a_failed_rerun_of_the_same_date_replaces_its_run_and_its_last_success(
    example: Path,
) -> None:
    from driftcli.history import open_store

    fleet = load_fleet(example / "fleet.toml").select(["churn"])
    assert run_fleet(fleet, date(2026, 11, 28), parallel=1).rows[0].status == "pass"
    (example / "data" / "churn" / "current" / "2026-11-28.parquet").unlink()
    row = run_fleet(fleet, date(2026, 11, 28), parallel=1).rows[0]
    assert row.status == "error" and "2026-11-28.parquet" in (row.error or "")
    assert row.last_success is None  # the day's successful run was replaced by this one
    with open_store(fleet.history) as store:
        assert [r["status"] for r in store.runs("churn")] == ["error"]
