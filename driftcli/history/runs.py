"""The history store's operations: append a run, find a duplicate, read runs back, prune."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from driftcli.history.capture import OVERALL, RunRecord
from driftcli.history.store import (
    CHILD_TABLES,
    Backend,
    Cursor,
    DuplicateRunError,
    HistoryError,
    HistoryStoreError,
    _driver_errors,
    connect,
    describe,
    migrate,
)
from driftcli.sections.history.config import PastColumn, PastRun, mask_url

#: Columns of ``drift history list`` and ``--json``.
RUN_FIELDS = (
    "id",
    "model",
    "started_at",
    "finished_at",
    "data_start",
    "data_end",
    "status",
    "exit_code",
    "driftcli_version",
    "config_hash",
    "fingerprint",
    "run_key",
    "n_reference",
    "n_current",
    "drift_share",
    "columns_drifted",
    "columns_tested",
)

#: Tries of a write that raced another run of the same batch (replace mode).
RETRIES = 3


class HistoryStore:
    """An open history store (``with open_store(url) as store: ...``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.shown = mask_url(url)
        self.backend: Backend = connect(url)
        with self.errors("migrate"):
            migrate(self.backend)

    def close(self) -> None:
        """Close the connection."""
        with contextlib.suppress(*_driver_errors()):
            self.backend.close()

    @contextlib.contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Driver errors as HistoryStoreError naming the store (password masked)."""
        try:
            yield
        except HistoryError:
            raise
        except _driver_errors() as exc:
            if self.backend.is_duplicate(exc):
                raise  # a racing duplicate run: append() decides
            raise HistoryStoreError(
                f"history store {self.shown}: cannot {doing} ({describe(exc, self.url)}); "
                "check the URL, that the server is up and the file is a driftcli history store"
            ) from None

    # ------------------------------------------------------------------------------ writing

    def find_run(self, model: str, key: str) -> int | None:
        """The stored run of ``model`` with idempotency key ``key``, if any."""
        with self.errors("read"), self.backend.transaction(write=False) as cur:
            cur.execute(
                "SELECT run.id FROM run JOIN model ON model.id = run.model_id "
                "WHERE model.name = ? AND run.dedupe_key = ?",
                (model, key),
            )
            row = cur.fetchone()
        return None if row is None else int(row[0])

    def append(self, rec: RunRecord, on_duplicate: str = "refuse") -> int:
        """Store one run in one transaction; its id. ``on_duplicate``: ``refuse`` (raise
        DuplicateRunError), ``replace`` (delete the stored one first) or ``append`` (keep
        both: no idempotency key)."""
        key = None if on_duplicate == "append" else rec.run_key or rec.fingerprint
        for attempt in range(RETRIES):
            try:
                with self.errors("write the run"), self.backend.transaction(write=True) as cur:
                    return self._append(cur, rec, key, on_duplicate)
            except HistoryError:
                raise
            except Exception as exc:
                if not self.backend.is_duplicate(exc):
                    raise
                if on_duplicate != "replace" or attempt == RETRIES - 1:
                    raise self._duplicate(rec, key, None) from None
        raise AssertionError("unreachable")

    def _duplicate(self, rec: RunRecord, key: str | None, run_id: int | None) -> DuplicateRunError:
        what = f"run key {rec.run_key!r}" if rec.run_key else "the same input files"
        which = f" (run {run_id})" if run_id is not None else ""
        return DuplicateRunError(
            f"history store {self.shown}: model {rec.model!r} already has a run for {what}"
            f"{which}; pass --on-duplicate replace to replace it, --on-duplicate append to "
            "keep both, or a new --run-key"
        )

    def _model_id(self, cur: Cursor, name: str) -> int:
        cur.execute("INSERT INTO model (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (name,))
        cur.execute("SELECT id FROM model WHERE name = ?", (name,))
        return int(cur.fetchone()[0])

    def _delete(self, cur: Cursor, ids: Sequence[int]) -> None:
        marks = ", ".join("?" for _ in ids)
        for table in CHILD_TABLES:
            cur.execute(f"DELETE FROM {table} WHERE run_id IN ({marks})", tuple(ids))
        cur.execute(f"DELETE FROM run WHERE id IN ({marks})", tuple(ids))

    def _append(self, cur: Cursor, rec: RunRecord, key: str | None, on_duplicate: str) -> int:
        model_id = self._model_id(cur, rec.model)
        if key is not None:
            cur.execute("SELECT id FROM run WHERE model_id = ? AND dedupe_key = ?", (model_id, key))
            row = cur.fetchone()
            if row is not None:
                if on_duplicate == "refuse":
                    raise self._duplicate(rec, key, int(row[0]))
                self._delete(cur, [int(row[0])])
        cur.execute(
            "INSERT INTO run (model_id, started_at, finished_at, data_start, data_end, status, "
            "exit_code, driftcli_version, config_hash, fingerprint, inputs, n_reference, "
            "n_current, run_key, dedupe_key, health, report) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            (
                model_id,
                rec.started_at,
                rec.finished_at,
                rec.data_start,
                rec.data_end,
                rec.status,
                rec.exit_code,
                rec.driftcli_version,
                rec.config_hash,
                rec.fingerprint,
                rec.inputs,
                rec.n_reference,
                rec.n_current,
                rec.run_key,
                key,
                rec.health,
                rec.report,
            ),
        )
        run_id = int(cur.fetchone()[0])
        if rec.columns:
            cur.executemany(
                "INSERT INTO column_result (run_id, scope, col, test, status, statistic, pvalue, "
                "threshold, drift_score, drifted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, *_finite(row)) for row in rec.columns],
            )
        if rec.datasets:
            cur.executemany(
                "INSERT INTO dataset_result (run_id, scope, columns_tested, columns_drifted, "
                "drift_share, drifted) VALUES (?, ?, ?, ?, ?, ?)",
                [(run_id, *_finite(row)) for row in rec.datasets],
            )
        if rec.metrics:
            cur.executemany(
                "INSERT INTO metric (run_id, scope, name, value) VALUES (?, ?, ?, ?)",
                [(run_id, *_finite(row)) for row in rec.metrics],
            )
        if rec.findings:
            cur.executemany(
                "INSERT INTO finding (run_id, severity, message) VALUES (?, ?, ?)",
                [(run_id, *row) for row in rec.findings],
            )
        return run_id

    def prune(self, older_than: timedelta, model: str | None = None) -> int:
        """Delete the runs that started more than ``older_than`` ago; how many."""
        cutoff = (datetime.now(timezone.utc) - older_than).replace(microsecond=0).isoformat()
        sql = "SELECT run.id FROM run JOIN model ON model.id = run.model_id WHERE started_at < ?"
        params: tuple[Any, ...] = (cutoff,)
        if model is not None:
            sql += " AND model.name = ?"
            params += (model,)
        with self.errors("prune"), self.backend.transaction(write=True) as cur:
            cur.execute(sql, params)
            ids = [int(r[0]) for r in cur.fetchall()]
            for i in range(0, len(ids), 500):
                self._delete(cur, ids[i : i + 500])
        return len(ids)

    # ------------------------------------------------------------------------------ reading

    def runs(self, model: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """The latest runs (newest first), with the whole data's drift share."""
        sql = (
            "SELECT run.id, model.name, started_at, finished_at, data_start, data_end, status, "
            "exit_code, driftcli_version, config_hash, fingerprint, run_key, n_reference, "
            "n_current, d.drift_share, d.columns_drifted, d.columns_tested "
            "FROM run JOIN model ON model.id = run.model_id "
            "LEFT JOIN dataset_result d ON d.run_id = run.id AND d.scope = ?"
        )
        params: tuple[Any, ...] = (OVERALL,)
        if model is not None:
            sql += " WHERE model.name = ?"
            params += (model,)
        sql += " ORDER BY run.id DESC LIMIT ?"
        with self.errors("read"), self.backend.transaction(write=False) as cur:
            cur.execute(sql, (*params, limit))
            rows = cur.fetchall()
        return [dict(zip(RUN_FIELDS, row, strict=True)) for row in rows]

    def latest(self, model: str, limit: int) -> list[dict[str, Any]]:
        """The model's last ``limit`` runs, newest first, as a fleet scorecard reads them: the
        run's fields, its ``health`` by area (a dict; {} for a run that did not complete), its
        ``report`` location and its failing ``findings`` (at most 5)."""
        rows = self.runs(model, limit)
        if not rows:
            return rows
        ids = [int(r["id"]) for r in rows]
        marks = ", ".join("?" for _ in ids)
        with self.errors("read"), self.backend.transaction(write=False) as cur:
            cur.execute(f"SELECT id, health, report FROM run WHERE id IN ({marks})", tuple(ids))
            extra = {int(i): (h, rep) for i, h, rep in cur.fetchall()}
            cur.execute(
                f"SELECT run_id, message FROM finding WHERE severity = 'fail' AND run_id IN "
                f"({marks}) ORDER BY run_id",
                tuple(ids),
            )
            found: dict[int, list[str]] = {i: [] for i in ids}
            for run_id, message in cur.fetchall():
                found[int(run_id)].append(message)
        for r in rows:
            h, rep = extra[int(r["id"])]
            r["health"] = json.loads(h) if h else {}
            r["report"] = rep
            r["findings"] = found[int(r["id"])][:5]
        return rows

    def count(self) -> int:
        """How many runs the store holds (all models)."""
        with self.errors("read"), self.backend.transaction(write=False) as cur:
            cur.execute("SELECT COUNT(*) FROM run")
            return int(cur.fetchone()[0])

    def past_runs(self, model: str, limit: int) -> tuple[PastRun, ...]:
        """The model's last ``limit`` runs, oldest first, as the history section reads them."""
        with self.errors("read"), self.backend.transaction(write=False) as cur:
            cur.execute(
                "SELECT run.id, started_at, data_end, d.drift_share, d.drifted "
                "FROM run JOIN model ON model.id = run.model_id "
                "LEFT JOIN dataset_result d ON d.run_id = run.id AND d.scope = ? "
                "WHERE model.name = ? ORDER BY run.id DESC LIMIT ?",
                (OVERALL, model, limit),
            )
            heads = cur.fetchall()[::-1]
            if not heads:
                return ()
            ids = [int(h[0]) for h in heads]
            marks = ", ".join("?" for _ in ids)
            cur.execute(
                "SELECT run_id, col, drifted, statistic, pvalue, drift_score FROM column_result "
                f"WHERE scope = ? AND run_id IN ({marks})",
                (OVERALL, *ids),
            )
            cols: dict[int, dict[str, PastColumn]] = {i: {} for i in ids}
            for run_id, col, drifted, stat, p, score in cur.fetchall():
                cols[int(run_id)][col] = PastColumn(bool(drifted), stat, p, score)
            cur.execute(
                f"SELECT run_id, name, value FROM metric WHERE scope = ? AND run_id IN ({marks})",
                (OVERALL, *ids),
            )
            metrics: dict[int, dict[str, float | None]] = {i: {} for i in ids}
            for run_id, name, value in cur.fetchall():
                metrics[int(run_id)][name] = value
        return tuple(
            PastRun(
                id=int(run_id),
                started_at=started,
                data_end=data_end,
                drift_share=share,
                dataset_drifted=None if drifted is None else bool(drifted),
                columns=cols[int(run_id)],
                metrics=metrics[int(run_id)],
            )
            for run_id, started, data_end, share, drifted in heads
        )

    def column(
        self, name: str, model: str | None = None, last: int = 10, scope: str = OVERALL
    ) -> list[dict[str, Any]]:
        """A column's results over the last ``last`` runs that tested it (newest first)."""
        sql = (
            "SELECT run.id, model.name, started_at, data_end, c.test, c.status, c.statistic, "
            "c.pvalue, c.threshold, c.drift_score, c.drifted FROM column_result c "
            "JOIN run ON run.id = c.run_id JOIN model ON model.id = run.model_id "
            "WHERE c.col = ? AND c.scope = ?"
        )
        params: tuple[Any, ...] = (name, scope)
        if model is not None:
            sql += " AND model.name = ?"
            params += (model,)
        sql += " ORDER BY run.id DESC LIMIT ?"
        keys = (
            "run_id",
            "model",
            "started_at",
            "data_end",
            "test",
            "status",
            "statistic",
            "pvalue",
            "threshold",
            "drift_score",
            "drifted",
        )
        with self.errors("read"), self.backend.transaction(write=False) as cur:
            cur.execute(sql, (*params, last))
            rows = cur.fetchall()
        out = [dict(zip(keys, row, strict=True)) for row in rows]
        for r in out:
            r["drifted"] = bool(r["drifted"])
        return out

    def show(self, run_id: int) -> dict[str, Any] | None:
        """One run with its dataset verdicts, column results, metrics and findings."""
        with self.errors("read"), self.backend.transaction(write=False) as cur:
            cur.execute(
                "SELECT run.id, model.name, started_at, finished_at, data_start, data_end, "
                "status, exit_code, driftcli_version, config_hash, fingerprint, run_key, "
                "n_reference, n_current, inputs FROM run JOIN model ON model.id = run.model_id "
                "WHERE run.id = ?",
                (run_id,),
            )
            head = cur.fetchone()
            if head is None:
                return None
            keys = (*RUN_FIELDS[:12], "n_reference", "n_current", "inputs")
            out: dict[str, Any] = dict(zip(keys, head, strict=True))
            cur.execute(
                "SELECT scope, columns_tested, columns_drifted, drift_share, drifted "
                "FROM dataset_result WHERE run_id = ? ORDER BY scope",
                (run_id,),
            )
            out["datasets"] = [
                {
                    "scope": s,
                    "columns_tested": t,
                    "columns_drifted": d,
                    "drift_share": share,
                    "drifted": bool(x),
                }
                for s, t, d, share, x in cur.fetchall()
            ]
            cur.execute(
                "SELECT scope, col, test, status, statistic, pvalue, threshold, drift_score, "
                "drifted FROM column_result WHERE run_id = ? ORDER BY scope, col",
                (run_id,),
            )
            ckeys = ("scope", "column", "test", "status", "statistic", "pvalue", "threshold")
            out["columns"] = [
                {**dict(zip(ckeys, r[:7], strict=True)), "drift_score": r[7], "drifted": bool(r[8])}
                for r in cur.fetchall()
            ]
            cur.execute(
                "SELECT scope, name, value FROM metric WHERE run_id = ? ORDER BY scope, name",
                (run_id,),
            )
            out["metrics"] = [{"scope": s, "name": n, "value": v} for s, n, v in cur.fetchall()]
            cur.execute("SELECT severity, message FROM finding WHERE run_id = ?", (run_id,))
            out["findings"] = [{"severity": s, "message": m} for s, m in cur.fetchall()]
        return out


def _finite(row: Sequence[Any]) -> tuple[Any, ...]:
    """NaN and infinities as NULL (PostgreSQL and JSON readers both choke on them)."""
    return tuple(
        None if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))) else v
        for v in row
    )


@contextlib.contextmanager
def open_store(url: str) -> Iterator[HistoryStore]:
    """Open (and migrate) the history store at ``url`` for the block."""
    store = HistoryStore(url)
    try:
        yield store
    finally:
        store.close()
