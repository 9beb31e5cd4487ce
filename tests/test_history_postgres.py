"""Run history with a real PostgreSQL: a throwaway cluster in a temporary folder.

Debian's postgresql package (``.ci/run`` installs it when initdb is missing). initdb refuses
to run as root, so as root the cluster belongs to ``nobody``. Without PostgreSQL the tests
skip, except under CI=true where they fail.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from driftcli.history import HistoryStoreError
from driftcli.history.runs import open_store
from tests.conftest import make_frame
from tests.history_helpers import (
    ROOT,
    SAMPLE_REF,
    invoke,
    split_sample_by_day,
    synthetic_run,
    three_day_config,
)

psycopg = pytest.importorskip("psycopg", reason="pip install 'driftcli[history-postgres]'")


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server on a free loopback port; its base URL (user postgres, trust)."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed")
    folder = tempfile.mkdtemp(prefix="driftcli-pg-")
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to nobody
        shutil.chown(folder, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    data, port = os.path.join(folder, "data"), _free_port()
    subprocess.run(
        [*as_user, initdb, "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*as_user, pg_ctl, "-D", data, "-o", options, "-l", os.path.join(folder, "log"), "-w",
         "start"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


_COUNTER = iter(range(1_000_000))


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh database on the server."""
    name = f"drift{next(_COUNTER)}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    return f"{pg_server}/{name}"


def test_the_three_daily_runs_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    days = split_sample_by_day(tmp_path)
    config = three_day_config(tmp_path, pg_url)
    codes = [
        invoke("report", str(SAMPLE_REF), str(d), "-c", str(config), "-q").exit_code for d in days
    ]
    assert codes == [0, 0, 1]
    shown = invoke("history", "list", "--history", pg_url, "--json")
    assert [r["exit_code"] for r in json.loads(shown.stdout)] == [1, 0, 0]
    col = json.loads(invoke("history", "column", "income", "--history", pg_url, "--json").stdout)
    assert [r["drifted"] for r in col] == [True, True, True]


def test_idempotency_and_prune_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    ref, cur = tmp_path / "ref.parquet", tmp_path / "cur.parquet"
    make_frame(300, 1).write_parquet(ref)
    make_frame(300, 2, shift=1.0).write_parquet(cur)
    base = ("report", str(ref), str(cur), "--history", pg_url, "--fail-on", "never", "-q")
    assert invoke(*base).exit_code == 0
    again = invoke(*base)
    assert again.exit_code == 2 and "already has a run for the same input files" in again.stderr
    assert invoke(*base, "--on-duplicate", "replace").exit_code == 0
    with open_store(pg_url) as store:
        assert [r["id"] for r in store.runs()] == [2]
        assert store.show(2) is not None and store.show(1) is None
    assert invoke("history", "prune", "--keep", "1s", "--history", pg_url).exit_code == 0


WORKER = """
import sys
from driftcli.history.runs import open_store
from tests.history_helpers import synthetic_run
url, worker, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    with open_store(url) as store:
        store.append(synthetic_run("m", worker * 1000 + i, key=f"{worker}-{i}"))
"""


def test_four_processes_append_fifty_runs_each_on_postgresql(pg_url: str) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, pg_url, str(w), "50"], cwd=ROOT)
        for w in range(4)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0, 0]
    with open_store(pg_url) as store:
        assert store.count() == 200
    with psycopg.connect(pg_url) as con:
        row = con.execute("SELECT COUNT(*), COUNT(DISTINCT run_id) FROM column_result").fetchone()
    assert row == (1000, 200)


def test_racing_duplicates_store_one_run(pg_url: str) -> None:
    """Four processes record the same batch at once with refuse: exactly one run is stored."""
    script = """
import sys
from driftcli.history import DuplicateRunError
from driftcli.history.runs import open_store
from tests.history_helpers import synthetic_run
try:
    with open_store(sys.argv[1]) as store:
        store.append(synthetic_run("m", 0, key="same"))
except DuplicateRunError:
    sys.exit(5)
"""
    procs = [subprocess.Popen([sys.executable, "-c", script, pg_url], cwd=ROOT) for _ in range(4)]
    codes = sorted(p.wait(timeout=120) for p in procs)
    assert codes == [0, 5, 5, 5]
    with open_store(pg_url) as store:
        assert store.count() == 1


def test_an_unreachable_server_is_named_with_its_password_masked(tmp_path: Path) -> None:
    ref, cur = tmp_path / "ref.parquet", tmp_path / "cur.parquet"
    make_frame(300, 1).write_parquet(ref)
    make_frame(300, 2).write_parquet(cur)
    url = f"postgresql://drift:s3cret-pw@127.0.0.1:{_free_port()}/drift"
    out = tmp_path / "s.json"
    result = invoke("report", str(ref), str(cur), "--history", url, "--json", str(out))
    assert result.exit_code == 2
    masked = url.replace("s3cret-pw", "***")
    assert f"error: history store {masked}: cannot open it (" in result.stderr
    assert "s3cret" not in result.output and "s3cret" not in out.read_text()
    assert json.loads(out.read_text())["config"]["history"]["url"] == masked
    with pytest.raises(HistoryStoreError, match=r"drift:\*\*\*@127\.0\.0\.1"):
        open_store(url).__enter__()


KILLED = """
import sys
from driftcli.history.runs import open_store
from tests.history_helpers import synthetic_run
with open_store(sys.argv[1]) as store:
    store.append(synthetic_run("m", 0, columns=10))
    big = synthetic_run("m", 1, columns=400_000)
    print("writing", flush=True)
    store.append(big)
    print("written", flush=True)
"""


def test_a_process_killed_while_writing_leaves_the_run_absent_or_complete_on_postgresql(
    pg_url: str,
) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", KILLED, pg_url], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "writing\n"
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # the server notices the dropped connection and rolls its transaction back
    with psycopg.connect(pg_url) as con:
        for _ in range(100):
            busy = con.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchone()
            if busy == (0,):
                break
            time.sleep(0.1)
        runs = con.execute("SELECT id FROM run ORDER BY id").fetchall()
        rows = dict(
            con.execute("SELECT run_id, COUNT(*) FROM column_result GROUP BY run_id").fetchall()
        )
    if rest == "":
        assert runs == [(1,)] and rows == {1: 10}
    else:
        assert runs == [(1,), (2,)] and rows == {1: 10, 2: 400_000}
    with open_store(pg_url) as store:
        assert store.count() == len(runs)
        store.append(synthetic_run("m", 2))
        assert store.count() == len(runs) + 1


def test_a_fleet_on_postgresql_runs_escalates_and_reads_its_status(
    tmp_path: Path, pg_url: str
) -> None:
    """The example fleet with its history in PostgreSQL: two daily runs in worker processes
    escalate credit-risk, a broken model's error run is stored, and `drift fleet status`
    reads the same scorecard back from the store."""
    from datetime import date, datetime, timezone

    from driftcli.fleet import fleet_status, load_fleet, run_fleet

    example = tmp_path / "fleet"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "fleet", example,
                    ignore=shutil.ignore_patterns("out"))  # fmt: skip
    text = (example / "fleet.toml").read_text()
    (example / "fleet.toml").write_text(
        text.replace('history = "sqlite:///out/history.db"', f'history = "{pg_url}"')
    )
    fleet = load_fleet(example / "fleet.toml")
    assert fleet.history == pg_url
    run_fleet(fleet, date(2026, 11, 27), parallel=2)
    result = run_fleet(fleet, date(2026, 11, 28), parallel=2)
    rows = {r.name: r for r in result.rows}
    assert (rows["credit-risk"].streak, rows["credit-risk"].escalated) == (2, True)
    assert rows["nlp-intent"].status == "error" and rows["recsys"].stale
    # Status as of the moment the run for 2026-11-28 measured staleness at (the end of that
    # day), not the calendar's now: the example's data has fixed dates.
    as_of = datetime(2026, 11, 29, tzinfo=timezone.utc)
    status = {r.name: r for r in fleet_status(fleet, now=as_of).rows}
    assert {n: r.state for n, r in status.items()} == {n: r.state for n, r in rows.items()}
    assert status["credit-risk"].health["drift"] == "fail"
    assert status["credit-risk"].report == "credit-risk/report.html"
    with open_store(pg_url) as store:
        assert [r["status"] for r in store.runs("nlp-intent")] == ["error", "error"]
