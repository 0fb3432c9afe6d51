"""Real gunicorn with the shipped config: serves, logs no requests, refuses bad setups,
and two app servers on one PostgreSQL and one Redis behave as one site."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal import accounts, create_app, db, keyring, schema
from portal.auth import totp
from tests.conftest import configured_database_url, configured_redis_url
from tests.deploy.conftest import Browser, Server, clean_environment, start_gunicorn
from tests.ops.conftest import write_instance
from tests.portal.conftest import FAST_KDF, submit_report

FAST_STAFF = {
    "PORTAL_STAFF_ARGON2_MEMORY_KIB": "64",
    "PORTAL_STAFF_ARGON2_ITERATIONS": "1",
    "PORTAL_STAFF_SCRYPT_WORK_FACTOR": "4",
}


def _instance(tmp_path: Path, database_url: str, redis_url: str | None,
              **extra: Any) -> tuple[dict[str, Any], Path]:
    settings: dict[str, Any] = {
        "secret_key": secrets.token_urlsafe(40),
        "database_url": database_url,
        "blob_dir": str(tmp_path / "blobs"),
        **FAST_KDF,
        **extra,
    }
    if redis_url:
        settings["redis_url"] = redis_url
    return settings, write_instance(tmp_path / "portal.toml", settings)


def _prepare(settings: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Flask:
    """Migrate the database and create the blob folder, as `portal db upgrade` does."""
    for key, value in FAST_STAFF.items():
        monkeypatch.setenv(key, value)
    app = create_app({**settings, "testing": True})
    schema.upgrade(db.engine_for(app))
    app.extensions["portal_blobs"].ensure()
    return app


def _enrol_reviewer(app: Flask) -> dict[str, str]:
    """A reviewer with password, TOTP and a browser key (as the staff tests make them)."""
    password = f"pw {secrets.token_hex(8)} horse"
    passphrase = f"key {secrets.token_hex(8)} staple"
    secret = totp.new_secret()
    with app.app_context():
        session = db.get_session()
        issued = accounts.create_account(session, app.config["SECRET_KEY"], "rita",
                                         admin=False, reviewer=True, enrol_hours=1)
        issued.account.totp_sealed = keyring.seal_totp_secret(secret, app.config["SECRET_KEY"])
        accounts.complete_enrolment(session, app.config, issued.account, password=password,
                                    totp_step=0,
                                    key=accounts.KeyChoice("browser", passphrase=passphrase))
    return {"username": "rita", "password": password, "passphrase": passphrase,
            "totp": secret}


def _env(config_file: Path, workers: int) -> dict[str, str]:
    return clean_environment(PORTAL_CONFIG=str(config_file), PORTAL_WORKERS=str(workers),
                             PORTAL_THREADS="2", **FAST_STAFF)


def _alive(server: Server) -> None:
    assert server.process.poll() is None, server.log.read_text()[-3000:]


def test_gunicorn_serves_the_app_and_logs_no_requests(
    tmp_path: Path, database_url: str, redis_url: str | None,
    monkeypatch: pytest.MonkeyPatch, servers: list[Server],
) -> None:
    settings, config_file = _instance(tmp_path, database_url, redis_url)
    app = _prepare(settings, monkeypatch)
    _enrol_reviewer(app)
    several = not database_url.startswith("sqlite") and redis_url is not None
    server = start_gunicorn(_env(config_file, 2 if several else 1), tmp_path / "gunicorn.log")
    servers.append(server)
    _alive(server)
    browser = Browser()
    status, body, headers = browser.request(server.base + "/")
    assert status == 200 and "<html" in body
    assert headers.get("Server") == "portal"  # no software name or version
    assert browser.request(server.base + "/submit?lang=zh_Hans")[0] == 200
    log = server.log.read_text()
    assert "GET /" not in log and "127.0.0.1" not in log.replace(f"127.0.0.1:{server.port}", "")


def test_gunicorn_refuses_sqlite_with_several_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, servers: list[Server],
) -> None:
    settings, config_file = _instance(tmp_path, f"sqlite:///{tmp_path / 'portal.db'}", None)
    app = _prepare(settings, monkeypatch)
    _enrol_reviewer(app)
    server = start_gunicorn(_env(config_file, 2), tmp_path / "gunicorn.log")
    servers.append(server)
    assert server.process.wait(timeout=120) != 0
    log = server.log.read_text()
    assert re.search(r"^portal: refusing to start in production mode: SQLite with 2 workers",
                     log, re.M), log[-2000:]


def _need_shared_services() -> tuple[str, str]:
    database, redis_url = configured_database_url(), configured_redis_url()
    if database is None or redis_url is None:
        pytest.skip("needs PostgreSQL and Redis: set PORTAL_TEST_DATABASE_URL and "
                    "PORTAL_TEST_REDIS_URL (.ci/run and `make test-pg` do)")
    return database, redis_url


def test_two_app_servers_share_rate_limits_and_reviewer_sessions(
    tmp_path: Path, database_url: str, redis_url: str | None,
    monkeypatch: pytest.MonkeyPatch, servers: list[Server],
) -> None:
    _need_shared_services()
    assert redis_url is not None
    settings, config_file = _instance(tmp_path, database_url, redis_url,
                                      ratelimit_login_session="3/hour")
    app = _prepare(settings, monkeypatch)
    staff = _enrol_reviewer(app)
    # A report, submitted through the app (encrypted to the reviewer just enrolled).
    source_app = create_app({**settings, "testing": True})
    with source_app.test_client() as source:
        submit_report(source, "Seen on the other server: 在另一台服务器上。")
    first = start_gunicorn(_env(config_file, 2), tmp_path / "first.log")
    servers.append(first)
    second = start_gunicorn(_env(config_file, 2), tmp_path / "second.log")
    servers.append(second)
    _alive(first)
    _alive(second)

    # Rate limits: one browser session's codename tries count on both servers together.
    browser = Browser()
    token = browser.token(first.base + "/followup")
    codes = []
    for server in (first, second, first, second, first):
        status, _, _ = browser.request(server.base + "/followup",
                                       {"csrf_token": token, "codename": "wrong guess here"})
        codes.append(status)
    assert codes == [401, 401, 401, 429, 429]

    # Reviewer sessions: log in on one server, unlock on the other, read on the first,
    # log out on the second: the first forgets the session too.
    reviewer = Browser()
    status, _, headers = reviewer.request(first.base + "/staff/login", {
        "csrf_token": reviewer.token(first.base + "/staff/login"),
        "username": staff["username"], "password": staff["password"],
        "code": totp.code_at(staff["totp"], totp.current_step()),
    })
    assert status == 303, headers
    assert reviewer.request(second.base + "/staff/review/inbox")[0] == 200
    status, _, _ = reviewer.request(second.base + "/staff/unlock", {
        "csrf_token": reviewer.token(second.base + "/staff/unlock"),
        "passphrase": staff["passphrase"],
    })
    assert status == 303
    _, inbox, _ = reviewer.request(first.base + "/staff/review/inbox")
    (report_id,) = set(re.findall(r"/staff/review/r/([0-9a-f]{32})", inbox))
    status, page, _ = reviewer.request(f"{first.base}/staff/review/r/{report_id}")
    assert status == 200 and "在另一台服务器上" in page
    status, _, _ = reviewer.request(second.base + "/staff/logout", {
        "csrf_token": reviewer.token(second.base + "/staff/review/inbox")})
    assert status == 303
    status, _, headers = reviewer.request(first.base + "/staff/review/inbox")
    assert status == 303 and headers["Location"].endswith("/staff/login")
    for server in (first, second):
        assert "Traceback" not in server.log.read_text()
    assert os.environ.get("PORTAL_CONFIG") != str(config_file)  # nothing leaked into the suite
