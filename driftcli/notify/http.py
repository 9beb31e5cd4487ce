"""HTTP for notifiers: JSON requests with a timeout, bounded retries with backoff, and
secret-free messages (urllib: no extra dependency).

Retried: connection errors, timeouts, HTTP 429 and 5xx. Not retried: other 4xx (the request
itself is wrong; sending it again cannot help). Every message and shown URL goes through
:func:`mask_url` / :func:`scrub`, so a token in a URL, a password or an API key never reaches a
log, the terminal or a report.
"""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

#: A path segment shown as is: a short word ("services", "api", "v2", "dagRuns").
#: Anything else (Slack's T.../B.../secret, a key in a path) may be a token and is masked.
_WORD = re.compile(r"^[a-z][a-zA-Z_.\-]{0,23}\d?$")
_MAX_BODY = 200


class DeliveryError(Exception):
    """A delivery failed; the message holds no secret. ``attempts`` were made."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


class _RetryableError(Exception):
    """A failure worth another attempt."""


def mask_url(url: str) -> str:
    """``url`` fit to show: no user or password, no query values, token-like path parts
    replaced by ``***`` (``https://hooks.slack.com/services/***/***/***``)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparseable URL>"
    if ":" in host:
        host = f"[{host}]"
    user = "***@" if parts.username or parts.password else ""
    segments = [s if not s or _WORD.match(s) else "***" for s in parts.path.split("/")]
    query = "?***" if parts.query else ""
    return f"{parts.scheme}://{user}{host}{port}{'/'.join(segments)}{query}"


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret (and each URL's password) replaced by ``***``."""
    for secret in secrets:
        if not secret:
            continue
        text = text.replace(secret, "***")
        try:
            password = urllib.parse.urlsplit(secret).password
        except ValueError:
            password = None
        if password:
            text = text.replace(password, "***")
    return text


def split_credentials(url: str) -> tuple[str, str | None]:
    """``(url without user:password, "Basic ..." header value or None)``."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    clean = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    user = urllib.parse.unquote(parts.username or "")
    password = urllib.parse.unquote(parts.password or "")
    token = b64encode(f"{user}:{password}".encode()).decode("ascii")
    return clean, f"Basic {token}"


@dataclass(frozen=True)
class Retry:
    """How hard to try: ``retries`` extra attempts, ``backoff`` seconds doubled each time."""

    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5


def with_retries(action: Callable[[], T], retry: Retry) -> tuple[T, int]:
    """``(action(), attempts)``; :class:`DeliveryError` after the last failed attempt. The
    action raises :class:`_RetryableError` (via :func:`request`) for failures worth retrying."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return action(), attempt
        except _RetryableError as exc:
            if attempt > retry.retries:
                raise DeliveryError(str(exc), attempt) from None
            time.sleep(retry.backoff * 2 ** (attempt - 1))
        except DeliveryError as exc:
            raise DeliveryError(str(exc), attempt) from None


def classify(exc: BaseException) -> Exception:
    """A urllib/socket failure as a retryable error or a final DeliveryError (no secrets:
    the messages name the status or the kind of failure, never the URL)."""
    if isinstance(exc, urllib.error.HTTPError):
        status = exc.code
        try:
            body = exc.read(_MAX_BODY).decode("utf-8", "replace").strip().replace("\n", " ")
        except (OSError, ValueError):
            body = ""
        detail = f"HTTP {status} {exc.reason}" + (f": {body}" if body else "")
        if status == 429 or status >= 500:
            return _RetryableError(detail)
        return DeliveryError(detail, 1)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return _RetryableError("timed out")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return _RetryableError("timed out")
        if isinstance(reason, ConnectionRefusedError):
            return _RetryableError("connection refused (is the server running?)")
        return _RetryableError(f"cannot connect: {reason}")
    if isinstance(exc, ConnectionError):
        return _RetryableError(f"connection failed: {type(exc).__name__}")
    return _RetryableError(f"{type(exc).__name__}: {exc}")


def request(
    method: str,
    url: str,
    body: Any | None,
    retry: Retry,
    headers: Mapping[str, str] | None = None,
) -> tuple[Any, int]:
    """Send ``body`` as JSON; ``(the decoded JSON response or None, attempts)``."""
    clean, auth = split_credentials(url)
    data = None if body is None else json.dumps(body, allow_nan=False).encode("utf-8")
    sent = {"Content-Type": "application/json", "User-Agent": "driftcli", **(headers or {})}
    if auth is not None:
        sent["Authorization"] = auth

    def once() -> Any:
        req = urllib.request.Request(clean, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=retry.timeout) as resp:
                raw = resp.read()
        except (urllib.error.URLError, OSError) as exc:
            raise classify(exc) from None
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    return with_retries(once, retry)
