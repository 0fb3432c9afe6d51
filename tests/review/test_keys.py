"""Keys: the unlocked identity never reaches disk or database; cookie alone and database
alone are useless; re-keying on add and revoke."""

from __future__ import annotations

import base64
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import MetaData, Table, inspect, select

import crypto
from crypto import _bech32
from portal import db, keyring
from portal.models import Entry, Report
from portal.staff_models import StaffAccount, StaffSession
from tests.review.conftest import (
    Staff,
    form_token,
    fresh_code,
    report_ids,
    staff_login,
    submit_report,
    unlock,
)


def _identity(app: Flask, staff: Staff) -> crypto.Identity:
    with app.app_context():
        account = db.get_session().get(StaffAccount, staff.account_id)
        return keyring.unlock(account.protected_identity, staff.passphrase)


def _files_under(root: Path, since: float) -> list[Path]:
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            try:
                if path.stat().st_mtime >= since - 1:
                    found.append(path)
            except OSError:
                continue
    return found


def _database_rows(app: Flask) -> list[bytes]:
    """Every row of every table, as bytes, for searching."""
    rows = []
    with app.app_context():
        session = db.get_session()
        connection = session.connection()
        tables = inspect(connection).get_table_names()
        assert tables, "no tables found: the scan would prove nothing"
        for name in tables:
            table = Table(name, MetaData(), autoload_with=connection)
            for row in session.execute(select(table)):
                rows.append(b"\x00".join(
                    bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                    for value in row
                ))
    return rows


def test_unlocked_identity_never_touches_disk_or_database(
    app: Flask, reviewer: Staff, tmp_path: Path
) -> None:
    started = time.time()
    identity = _identity(app, reviewer)
    text = identity.to_string()
    _hrp, raw = _bech32.decode(text.lower())
    needles = [text.encode(), text.lower().encode(), raw, base64.b64encode(raw), raw.hex().encode()]
    submit_report(app.test_client(), account="read me", files=[(b"abc\n", "a.txt")])
    (report_id,) = report_ids(app)
    client = app.test_client()
    staff_login(client, app, reviewer)
    assert unlock(client, reviewer).status_code == 303
    view = f"/staff/review/r/{report_id}"
    assert "read me" in client.get(view).get_data(as_text=True)
    client.post(f"{view}/note", data={"csrf_token": form_token(client, view), "text": "n"})
    client.post(f"{view}/reply", data={"csrf_token": form_token(client, view), "text": "r"})
    with app.app_context():
        sealed = db.get_session().scalars(select(StaffSession.sealed_identity)).one()
    assert sealed is not None
    scanned = _files_under(tmp_path, 0) + _files_under(Path(tempfile.gettempdir()), started)
    if db.engine_for(app).dialect.name == "sqlite":
        # The scan must cover the database file itself, or it proves nothing.
        assert any(p.name == "portal.db" for p in scanned)
    else:
        # A server database is not a file here: read every row of every table instead.
        for row_bytes in _database_rows(app):
            for needle in needles:
                assert needle not in row_bytes, "identity material found in the database"
    for path in scanned:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for needle in needles:
            assert needle not in data, f"identity material found in {path}"
    client.post("/staff/logout", data={"csrf_token": form_token(client, "/staff/review/inbox")})
    with app.app_context():
        assert db.get_session().scalars(select(StaffSession)).all() == []


def test_cookie_alone_and_database_alone_are_useless(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    staff_login(client, app, reviewer)
    unlock(client, reviewer)
    cookie = client.get_cookie("portal_staff", path="/staff").value
    secret = base64.urlsafe_b64decode(cookie + "==")
    with app.app_context():
        record = db.get_session().scalars(select(StaffSession)).one()
        sealed, session_id = record.sealed_identity, record.id
    # Both together open it (this is what each request does).
    assert (
        keyring.open_sealed_identity(sealed, secret).to_string()
        == _identity(app, reviewer).to_string()
    )
    # The database alone: the id is a hash, not the key; any other secret fails.
    assert session_id != cookie and secret not in bytes.fromhex(session_id)
    with pytest.raises(keyring.KeyringError):
        keyring.open_sealed_identity(sealed, os.urandom(32))
    # The cookie alone, once the server state is gone (lock, logout, expiry): nothing.
    client.post("/staff/lock", data={"csrf_token": form_token(client, "/staff/review/inbox")})
    with app.app_context():
        assert db.get_session().scalars(select(StaffSession.sealed_identity)).one() is None
    submit_report(app.test_client())
    (report_id,) = report_ids(app)
    response = client.get(f"/staff/review/r/{report_id}")
    assert response.status_code == 303 and "/staff/unlock" in response.headers["Location"]


def test_wrong_passphrase_counts_towards_lockout(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    staff_login(client, app, reviewer)
    for _ in range(app.config["PORTAL_STAFF_LOCKOUT_THRESHOLD"] - 1):
        assert unlock(client, reviewer, passphrase="not the passphrase").status_code == 401  # noqa: S106
    # The last failure locks the account and ends this session.
    response = unlock(client, reviewer, passphrase="not the passphrase")  # noqa: S106
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/login")
    assert client.get("/staff/review/inbox").status_code == 303


def _readable_by(app: Flask, identity: crypto.Identity) -> dict[str, bool]:
    blobs = app.extensions["portal_blobs"]
    with app.app_context():
        ids = list(db.get_session().scalars(select(Entry.blob_id)))
    result = {}
    for blob_id in ids:
        try:
            blobs.decrypt(blob_id, [identity])
            result[blob_id] = True
        except crypto.NoMatchError:
            result[blob_id] = False
    return result


def test_new_reviewer_reads_the_backlog_only_after_a_rekey(
    app: Flask, reviewer: Staff, reviewer_client, make_staff: Callable[..., Staff]
) -> None:
    submit_report(app.test_client(), account="before nadia joined")
    (old_report,) = report_ids(app)
    nadia = make_staff("nadia")
    nadia_id = _identity(app, nadia)
    assert not any(_readable_by(app, nadia_id).values())
    nadia_client = app.test_client()
    staff_login(nadia_client, app, nadia)
    unlock(nadia_client, nadia)
    page = nadia_client.get(f"/staff/review/r/{old_report}").get_data(as_text=True)
    assert "before nadia joined" not in page and "not encrypted to your key" in page
    inbox = reviewer_client.get("/staff/review/inbox").get_data(as_text=True)
    assert "Re-key now" in inbox
    done = reviewer_client.post(
        "/staff/review/rekey",
        data={"csrf_token": form_token(reviewer_client, "/staff/review/inbox")},
    )
    assert done.status_code == 200
    assert all(_readable_by(app, nadia_id).values())
    assert "before nadia joined" in nadia_client.get(f"/staff/review/r/{old_report}").get_data(
        as_text=True
    )
    assert "Re-key now" not in reviewer_client.get("/staff/review/inbox").get_data(as_text=True)
    with app.app_context():
        from portal.staff_models import AuditEvent

        rekeyed = (
            db.get_session()
            .scalars(select(AuditEvent.report_id).where(AuditEvent.action == "report_rekeyed"))
            .all()
        )
    assert old_report in rekeyed


def test_revoked_reviewer_key_opens_nothing_after_rekey(
    app: Flask, make_staff: Callable[..., Staff]
) -> None:
    boss = make_staff("boss", admin=True, reviewer=True)
    mallory = make_staff("mallory")
    source = app.test_client()
    from tests.review.conftest import login

    codename = submit_report(source, account="both can read this")
    (report_id,) = report_ids(app)
    mallory_id = _identity(app, mallory)
    assert all(_readable_by(app, mallory_id).values())
    boss_client = app.test_client()
    staff_login(boss_client, app, boss)
    unlock(boss_client, boss)
    view = f"/staff/review/r/{report_id}"
    boss_client.post(
        f"{view}/reply", data={"csrf_token": form_token(boss_client, view), "text": "a reply"}
    )
    revoked = boss_client.post(
        f"/staff/admin/accounts/{mallory.account_id}/revoke",
        data={"csrf_token": form_token(boss_client, "/staff/admin/"), "code": "000000"},
    )
    assert revoked.status_code == 400 and "code is not right" in revoked.get_data(as_text=True)
    with app.app_context():
        assert db.get_session().get(StaffAccount, mallory.account_id).active
    revoked = boss_client.post(
        f"/staff/admin/accounts/{mallory.account_id}/revoke",
        data={"csrf_token": form_token(boss_client, "/staff/admin/"),
              "code": fresh_code(app, boss)},
    )
    assert revoked.status_code == 200 and "re-keyed" in revoked.get_data(as_text=True)
    submit_report(app.test_client(), account="after mallory left")
    assert len(_readable_by(app, mallory_id)) == 3
    assert not any(_readable_by(app, mallory_id).values())
    assert all(_readable_by(app, _identity(app, boss)).values())
    # The source still reads the (re-keyed) reply with the codename.
    assert "a reply" in login(app.test_client(), codename).get_data(as_text=True)
    with app.app_context():
        account = db.get_session().get(StaffAccount, mallory.account_id)
        assert not account.active and account.protected_identity is None
        assert db.get_session().get(Report, report_id) is not None


def test_admin_adds_an_offline_organization_recipient(
    app: Flask, make_staff: Callable[..., Staff]
) -> None:
    boss = make_staff("boss", admin=True, reviewer=True)
    submit_report(app.test_client(), account="older report")
    archive = crypto.X25519Identity(os.urandom(32))
    client = app.test_client()
    staff_login(client, app, boss)
    bad = client.post(
        "/staff/admin/recipients",
        data={"csrf_token": form_token(client, "/staff/admin/"), "recipient": "age1notakey"},
    )
    assert bad.status_code == 400 and "not an age recipient" in bad.get_data(as_text=True)
    added = client.post(
        "/staff/admin/recipients",
        data={
            "csrf_token": form_token(client, "/staff/admin/"),
            "recipient": archive.recipient().to_string(),
        },
    )
    assert added.status_code == 303
    submit_report(app.test_client(), account="newer report")
    readable = _readable_by(app, archive)
    assert sorted(readable.values()) == [False, True]
    unlock(client, boss)
    client.post(
        "/staff/review/rekey", data={"csrf_token": form_token(client, "/staff/review/inbox")}
    )
    assert all(_readable_by(app, archive).values())


def test_cli_rekey_with_the_stored_key_and_a_passphrase(
        app: Flask, reviewer: Staff, make_staff: Callable[..., Staff], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from portal.cli import main

    submit_report(app.test_client(), account="backlog")
    nadia = make_staff("nadia")
    assert not any(_readable_by(app, _identity(app, nadia)).values())
    config = tmp_path / "portal.toml"
    config.write_text(
        f'secret_key = "{app.config["SECRET_KEY"]}"\n'
        f'database_url = "{app.config["DATABASE_URL"]}"\n'
        f'blob_dir = "{app.config["BLOB_DIR"]}"\n', encoding="utf-8")
    monkeypatch.setenv("PORTAL_CONFIG", str(config))
    runner = CliRunner()
    monkeypatch.setenv("PORTAL_PASSPHRASE", "wrong passphrase")
    wrong = runner.invoke(main, ["rekey", "--account", "rita", "--config", str(config)])
    assert wrong.exit_code != 0 and "wrong passphrase" in wrong.output
    monkeypatch.setenv("PORTAL_PASSPHRASE", reviewer.passphrase)
    done = runner.invoke(main, ["rekey", "--account", "rita", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert "1 report(s) re-keyed" in done.output
    assert all(_readable_by(app, _identity(app, nadia)).values())
    unknown = runner.invoke(main, ["rekey", "--account", "ghost", "--config", str(config)])
    assert unknown.exit_code != 0 and "Traceback" not in unknown.output


def test_web_rekey_goes_in_batches_and_restarts_when_reviewers_change(
        app: Flask, reviewer: Staff, reviewer_client, make_staff: Callable[..., Staff]) -> None:
    from portal import rekey

    app.config["PORTAL_STAFF_REKEY_BATCH"] = 2
    source = app.test_client()
    for i in range(5):
        submit_report(source, account=f"backlog {i}")
    nadia = make_staff("nadia")
    nadia_key = _identity(app, nadia)
    token = form_token(reviewer_client, "/staff/review/inbox")
    first = reviewer_client.post("/staff/review/rekey", data={"csrf_token": token})
    assert "Continue re-keying" in first.get_data(as_text=True)
    assert sorted(_readable_by(app, nadia_key).values()) == [False] * 3 + [True] * 2
    # Someone else joins mid-pass: the pass starts over so they get everything too.
    olga = make_staff("olga")
    olga_key = _identity(app, olga)
    clicks = 0
    while True:
        clicks += 1
        page = reviewer_client.post("/staff/review/rekey", data={"csrf_token": token})
        if "Continue re-keying" not in page.get_data(as_text=True):
            break
        assert clicks < 10
    assert clicks == 3
    assert all(_readable_by(app, nadia_key).values())
    assert all(_readable_by(app, olga_key).values())
    with app.app_context():
        assert rekey.pending(db.get_session()) == 0
