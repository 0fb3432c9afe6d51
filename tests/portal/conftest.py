"""Fixtures for the web app: a temporary SQLite database and blob folder, real
encryption to a fast test reviewer identity, a client, a CLI runner, helpers."""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

import crypto
from portal import create_app, db, intake

# Argon2id at its cheapest: the tests check behaviour, not cost.
FAST_KDF = {"kdf_memory_kib": 1024, "kdf_iterations": 1}

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def reviewer_identity() -> crypto.Identity:
    """A fresh reviewer key (X25519: fast, and real)."""
    return crypto.X25519Identity(secrets.token_bytes(32))


@pytest.fixture
def make_app(tmp_path: Path, database_url: str, redis_url: str | None) -> Callable[..., Flask]:
    """Build an app on a temporary database; keyword arguments override settings.

    The database is SQLite, or PostgreSQL and Redis when the suite runs against them
    (tests/conftest.py).
    """

    def build(**overrides: Any) -> Flask:
        settings: dict[str, Any] = {
            "secret_key": secrets.token_urlsafe(40),
            "database_url": database_url,
            "blob_dir": str(tmp_path / "blobs"),
            "testing": True,
            **FAST_KDF,
        }
        if redis_url is not None:
            settings["redis_url"] = redis_url
        settings.update(overrides)
        app = create_app(settings)
        with app.app_context():
            db.create_all(app)
        return app

    return build


@pytest.fixture
def app(make_app: Callable[..., Flask], reviewer_identity: crypto.Identity) -> Flask:
    """An app with one active reviewer."""
    application = make_app()
    with application.app_context():
        intake.add_reviewer(db.get_session(), reviewer_identity.recipient().to_string())
    return application


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    """A test client of `app`."""
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner of `app`."""
    return app.test_cli_runner()


def csrf_token(client: FlaskClient, path: str) -> str:
    """Open a form page and return its CSRF token."""
    response = client.get(path)
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client: FlaskClient, path: str, data: dict[str, Any],
              files: list[tuple[bytes, str]] | None = None,
              token_from: str | None = None, **kwargs: Any) -> Any:
    """POST a multipart form with a fresh CSRF token (from `token_from` or `path`)."""
    payload: dict[str, Any] = {"csrf_token": csrf_token(client, token_from or path), **data}
    if files is not None:
        payload["files"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post(path, data=payload, content_type="multipart/form-data", **kwargs)


_CODENAME = re.compile(r'<p class="codename"[^>]*>(.*?)</p>', re.S)


def codename_of(html: str) -> str:
    """The codename shown on the confirmation page."""
    match = _CODENAME.search(html)
    assert match, "no codename on the page"
    return " ".join(re.findall(r"<span>([a-z]+)</span>", match.group(1)))


def submit_report(client: FlaskClient, account: str = "It happened.",
                  files: list[tuple[bytes, str]] | None = None, **fields: Any) -> str:
    """Submit a report and return its codename."""
    response = post_form(client, "/submit", {"account": account, **fields}, files=files)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return codename_of(response.get_data(as_text=True))


def login(client: FlaskClient, codename: str) -> Any:
    """Log in at /followup and follow the redirect."""
    return post_form(client, "/followup", {"codename": codename}, follow_redirects=True)


def raw_multipart(fields: dict[str, str], files: list[tuple[bytes, str]]) -> tuple[bytes, str]:
    """Encode a multipart body by hand (the test client would spool a big one to disk)."""
    boundary = "portal-test-" + secrets.token_hex(8)
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     .encode() + value.encode() + b"\r\n")
    for content, filename in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
