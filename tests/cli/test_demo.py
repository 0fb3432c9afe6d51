"""`make demo` gives a reviewer who can use the dashboard: what it prints really works.

The setup runs into a temporary folder (on PostgreSQL too when the suite does), is run
again through `portal demo --no-serve` as `make demo` would, and then a browser (Flask's
test client, on the printed 127.0.0.1 address) logs in with the printed password and a
TOTP code from the printed secret, unlocks the key with the printed passphrase and reads
a report sent through /submit.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import time
from pathlib import Path

import pyotp
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

import crypto
from portal import audit, db, demo, rekey
from portal.cli import main
from portal.models import Entry, Reviewer
from portal.staff_models import StaffAccount
from tests.portal.conftest import submit_report

REPO = Path(__file__).resolve().parents[2]
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_REPORT_LINK = re.compile(r'href="/staff/review/r/([0-9a-f]{32})')


@pytest.fixture(autouse=True)
def fast_staff_costs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap Argon2id and scrypt (the demo reads these from the environment too)."""
    for key, value in {"PORTAL_STAFF_ARGON2_MEMORY_KIB": "64",
                       "PORTAL_STAFF_ARGON2_ITERATIONS": "1",
                       "PORTAL_STAFF_SCRYPT_WORK_FACTOR": "4"}.items():
        monkeypatch.setenv(key, value)
    # The demo must not care about the shell's settings.
    monkeypatch.setenv("PORTAL_STAFF_HOSTS", "staff.example.onion")
    monkeypatch.setenv("PORTAL_DATABASE_URL", "sqlite:////nonexistent/production.db")


def _printed(output: str, label: str) -> str:
    match = re.search(rf"^\s*{label}:\s+(.+?)\s*$", output, re.M)
    assert match, f"`portal demo` printed no {label}:\n{output}"
    return match.group(1)


def _token(client: FlaskClient, url: str) -> str:
    match = _TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token at {url}"
    return match.group(1)


def _reviewer_reads(app: Flask, staff_url: str, username: str, password: str, code: str,
                    passphrase: str) -> dict[str, str]:
    """Log in and unlock as a browser on `staff_url`; every report page in the inbox."""
    client = app.test_client()
    login = client.post(staff_url, data={"csrf_token": _token(client, staff_url),
                                         "username": username, "password": password,
                                         "code": code})
    assert login.status_code == 303, login.get_data(as_text=True)[:1000]
    assert login.headers["Location"].endswith("/staff/review/inbox")
    base = staff_url.removesuffix("/staff/login")
    unlock = client.post(f"{base}/staff/unlock", data={
        "csrf_token": _token(client, f"{base}/staff/unlock"), "passphrase": passphrase})
    assert unlock.status_code == 303, unlock.get_data(as_text=True)[:1000]
    inbox = client.get(f"{base}/staff/review/inbox")
    assert inbox.status_code == 200
    assert "must be re-keyed" not in inbox.get_data(as_text=True)
    pages = {}
    for report_id in _REPORT_LINK.findall(inbox.get_data(as_text=True)):
        page = client.get(f"{base}/staff/review/r/{report_id}")
        assert page.status_code == 200
        pages[report_id] = page.get_data(as_text=True)
    admin = client.get(f"{base}/staff/admin/")
    assert admin.status_code == 200 and username in admin.get_data(as_text=True)
    return pages


def test_the_printed_demo_reviewer_logs_in_unlocks_and_reads_a_report(
    tmp_path: Path, database_url: str,
) -> None:
    data = tmp_path / "demo-data"
    made = demo.setup(data, port=8000, database_url=database_url)

    # Again, as `make demo` runs it (minus the server): nothing new, the same secrets.
    result = CliRunner().invoke(main, ["demo", "--data", str(data), "--no-serve"])
    assert result.exit_code == 0, result.output
    output = result.output
    assert _printed(output, "Public site") == "http://127.0.0.1:8000/"
    staff_url = _printed(output, "Staff login")
    assert staff_url == "http://127.0.0.1:8000/staff/login"
    username = _printed(output, "username").split()[0]
    password = _printed(output, "password")
    secret = _printed(output, "TOTP secret")
    passphrase = _printed(output, "Key passphrase")
    uri = _printed(output, "otpauth URI")
    assert (username, password, secret, passphrase) == (
        made.username, made.password, made.totp_secret, made.passphrase)
    assert pyotp.parse_uri(uri).secret == secret
    assert f"oathtool --totp -b {secret}" in output and "import pyotp" in output
    assert str(made.identity_file) in output

    # Secrets: 0600 files in the (gitignored) demo folder, nowhere in the repository.
    for name in ("portal.toml", "demo-account.toml", "reviewer-identity.age"):
        assert (data / name).stat().st_mode & 0o777 == 0o600, name
    assert password in (data / "demo-account.toml").read_text()
    ignored = subprocess.run(["git", "check-ignore", "-q", "demo-data/demo-account.toml"],
                             cwd=REPO, check=False)
    assert ignored.returncode == 0, "demo-data/ must stay out of git"

    app = demo.app_for(data)
    marker = "Detained after Geneva 日内瓦 " + secrets.token_hex(8)
    submit_report(app.test_client(), account=marker)
    pages = _reviewer_reads(app, staff_url, username, password, pyotp.TOTP(secret).now(),
                            passphrase)
    assert len(pages) == 1 and marker in next(iter(pages.values()))

    # The printed key file opens the stored report offline with the same passphrase.
    identity = crypto.unlock_identity(made.identity_file.read_bytes(), passphrase)
    with app.app_context():
        session = db.get_session()
        blob_id = session.scalar(select(Entry.blob_id).where(Entry.seq == 0))
        assert marker.encode() in app.extensions["portal_blobs"].decrypt(blob_id, identity)
        account = session.scalar(select(StaffAccount).where(StaffAccount.username == username))
        assert account.is_admin and account.is_reviewer and account.key_mode == "browser"
        assert rekey.pending(session) == 0  # nothing to re-key in a fresh demo
        assert audit.verify(session, app.config["SECRET_KEY"]).ok
    db.engine_for(app).dispose()


def test_setup_runs_again_on_the_same_folder(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "demo-data"
    first = demo.setup(data, database_url=database_url)
    app = demo.app_for(data)
    submit_report(app.test_client(), account="sent to the first run")
    db.engine_for(app).dispose()

    again = demo.setup(data, port=8001)

    assert (again.password, again.totp_secret, again.passphrase) == (
        first.password, first.totp_secret, first.passphrase)
    assert again.identity_file.read_bytes() == first.identity_file.read_bytes()
    assert again.staff_login_url == "http://127.0.0.1:8001/staff/login"
    app = demo.app_for(data)
    with app.app_context():
        session = db.get_session()
        assert session.scalar(select(func.count()).select_from(StaffAccount)) == 1
        assert session.scalar(select(func.count()).select_from(Reviewer)) == 1
    submit_report(app.test_client(), account="sent to the second run")
    # The first login used this 30-second step's code; the next step's is also accepted.
    code = pyotp.TOTP(again.totp_secret).at(time.time() + 30)
    pages = _reviewer_reads(app, again.staff_login_url, again.username, again.password, code,
                            again.passphrase)
    texts = " ".join(pages.values())
    assert "sent to the first run" in texts and "sent to the second run" in texts
    db.engine_for(app).dispose()


def test_changed_secrets_or_an_older_demo_folder(tmp_path: Path, database_url: str) -> None:
    # An older demo left a key without a login: kept under another name, not overwritten.
    data = tmp_path / "demo-data"
    data.mkdir()
    (data / "reviewer-identity.age").write_bytes(b"older key")
    (data / "reviewer-passphrase.txt").write_text("older passphrase\n")
    made = demo.setup(data, database_url=database_url)
    assert {p.name for p in made.set_aside} == {"old-reviewer-identity.age",
                                                "old-reviewer-passphrase.txt"}
    assert (data / "old-reviewer-identity.age").read_bytes() == b"older key"
    assert made.identity_file.read_bytes() != b"older key"
    assert demo.setup(data).set_aside == ()

    # Secrets that no longer match the database: one clear line, nothing changed.
    credentials = data / "demo-account.toml"
    credentials.write_text(credentials.read_text().replace(made.password, "something-else"))
    result = CliRunner().invoke(main, ["demo", "--data", str(data), "--no-serve"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    (line,) = result.output.strip().splitlines()
    assert line == ("Error: demo-account.toml does not match the demo database (changed or "
                    "deleted?); start afresh: make clean-demo")
