"""Real monitoring components for the tests: promtool, a Pushgateway and an Alertmanager
(Debian's packages, installed by .ci/run), started on free loopback ports in temporary folders
and stopped at teardown; and a scriptable local HTTP server for webhook payloads.

Outside CI a missing binary skips its tests; with CI=true it fails them, so a broken install
cannot pass silently.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"
PACKAGES = {
    "promtool": "prometheus",
    "prometheus-pushgateway": "prometheus-pushgateway",
    "prometheus-alertmanager": "prometheus-alertmanager",
    "amtool": "prometheus-alertmanager",
}


def binary(name: str) -> str:
    """The path of a monitoring binary; skip (fail under CI=true) when it is missing."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed (apt-get install {PACKAGES.get(name, name)})"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}; .ci/run installs it")
        pytest.skip(reason)
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    """Poll ``url`` until it answers 200; fail with the server's log when it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{proc.args!r} exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{url} not ready after {timeout} s: {log.read_text()[-2000:]}")


@contextlib.contextmanager
def server(args: Sequence[str], ready: str, tmp: Path) -> Iterator[None]:
    """Run ``args`` (a server) until the block ends; ``ready`` is its readiness URL."""
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(list(args), stdout=out, stderr=subprocess.STDOUT, cwd=tmp)
        try:
            wait_ready(ready, proc, log)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def pushgateway(tmp: Path) -> Iterator[str]:
    """A real Pushgateway on a free loopback port; yields its base URL."""
    exe = binary("prometheus-pushgateway")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Debian's build persists to /var/lib/prometheus/pushgateway.data by default: keep each
    # test's pushes in its own memory instead.
    args = [exe, f"--web.listen-address=127.0.0.1:{port}", "--persistence.file="]
    with server(args, f"{url}/-/ready", tmp):
        yield url


ALERTMANAGER_CONFIG = """\
route:
  receiver: "null"
  group_wait: 1s
receivers:
  - name: "null"
"""


@contextlib.contextmanager
def alertmanager(tmp: Path) -> Iterator[str]:
    """A real Alertmanager (no clustering) on a free loopback port; yields its base URL."""
    exe = binary("prometheus-alertmanager")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config = tmp / "alertmanager.yml"
    config.write_text(ALERTMANAGER_CONFIG)
    (tmp / "data").mkdir()
    args = [
        exe,
        f"--config.file={config}",
        f"--storage.path={tmp / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    with server(args, f"{url}/-/ready", tmp):
        yield url


def get_json(url: str) -> Any:
    """GET ``url`` and decode its JSON."""
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def get_text(url: str) -> str:
    """GET ``url`` as text."""
    with urllib.request.urlopen(url, timeout=10) as resp:
        return str(resp.read().decode("utf-8"))


@dataclass
class Received:
    """One request the local server got."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Script:
    """What the local server answers: a status per request in turn (the last repeats) and
    a delay before answering."""

    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)


@contextlib.contextmanager
def http_server() -> Iterator[tuple[str, Script]]:
    """A local HTTP server in a thread that records every request; yields (base URL, script)."""
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            script.received.append(
                Received(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
            )
            index = min(len(script.received), len(script.statuses)) - 1
            status = script.statuses[index]
            if script.delay:
                time.sleep(script.delay)
            payload = b'{"ok": true}' if status < 400 else b'{"error": "scripted failure"}'
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        do_POST = _answer  # noqa: N815
        do_PUT = _answer  # noqa: N815
        do_GET = _answer  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def drift(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``drift`` in a fresh interpreter (separate stdout and stderr, a real exit code)."""
    return subprocess.run(
        [sys.executable, "-m", "driftcli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
