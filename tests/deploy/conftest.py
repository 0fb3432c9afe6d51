"""Helpers for tests of the shipped deployment: real gunicorn processes, a plain HTTP client."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
GUNICORN = Path(sys.executable).with_name("gunicorn")
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn: its process, port and captured stderr file."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment without the suite's PORTAL_* variables, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(extra)
    return env


def start_gunicorn(env: dict[str, str], log: Path, port: int | None = None) -> Server:
    """Start gunicorn with deploy/gunicorn.conf.py; returns once it answers (or exits)."""
    port = port or free_port()
    env = {**env, "PORTAL_BIND": f"127.0.0.1:{port}"}
    handle = log.open("wb")
    process = subprocess.Popen(  # noqa: S603 - fixed argument list
        [str(GUNICORN), "-c", str(DEPLOY / "gunicorn.conf.py")],
        cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT,
    )
    handle.close()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    return Server(process, port, log)


def stop(server: Server) -> None:
    """Stop a gunicorn and wait for it."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Gunicorns started by a test, stopped afterwards."""
    started: list[Server] = []
    yield started
    for server in started:
        stop(server)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Browser:
    """A cookie-keeping HTTP client that does not follow redirects (like Tor Browser's jar:
    one jar for every server behind the same name)."""

    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def _opener(self) -> urllib.request.OpenerDirector:
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                           _NoRedirect())

    def request(self, url: str, data: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
        """GET (or POST a form); returns status, body text and headers."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
        try:
            with self._opener().open(req, timeout=60) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def token(self, url: str) -> str:
        """The CSRF token of the form at `url`."""
        status, body, _ = self.request(url)
        match = _TOKEN.search(body)
        assert match, f"no CSRF token at {url} ({status})"
        return match.group(1)
