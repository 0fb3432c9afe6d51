"""The audit log: hash chain, append-only, `portal audit verify`, no content in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from portal import audit, db
from portal.cli import main
from portal.staff_models import AuditEvent
from tests.review.conftest import Staff, staff_login


def _events(app: Flask, n: int) -> None:
    with app.app_context():
        session = db.get_session()
        for i in range(n):
            audit.record(
                session, app.config["SECRET_KEY"], audit.Action.DECRYPT, report_id=f"{i:032x}"
            )
        session.commit()


def _verify(app: Flask) -> audit.VerifyResult:
    with app.app_context():
        return audit.verify(db.get_session(), app.config["SECRET_KEY"])


def _raw(tmp_path: Path) -> sqlite3.Connection:
    """The attacker's view: the database file, triggers dropped."""
    conn = sqlite3.connect(tmp_path / "portal.db")
    conn.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    return conn


def test_login_events_are_chained_and_verify(app: Flask, reviewer: Staff) -> None:
    staff_login(app.test_client(), app, reviewer, password="wrong password!")  # noqa: S106
    staff_login(app.test_client(), app, reviewer)
    with app.app_context():
        actions = list(db.get_session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["login_failed", "login"]
    result = _verify(app)
    assert result.ok and result.checked == len(actions)


def test_database_refuses_changes_to_the_log(app: Flask) -> None:
    _events(app, 2)
    with app.app_context():
        session = db.get_session()
        event = session.get(AuditEvent, 1)
        event.detail = "changed"
        with pytest.raises(DatabaseError):
            session.commit()
        session.rollback()
        session.delete(session.get(AuditEvent, 2))
        with pytest.raises(DatabaseError):
            session.commit()


@pytest.mark.parametrize("tamper", ["edit", "delete_middle", "insert_forged", "reorder"])
@pytest.mark.usefixtures("sqlite_only")  # the attacker edits the SQLite file directly
def test_tampering_is_detected(app: Flask, tmp_path: Path, tamper: str) -> None:
    _events(app, 5)
    assert _verify(app).ok
    conn = _raw(tmp_path)
    if tamper == "edit":
        conn.execute("UPDATE audit_event SET report_id = ? WHERE id = 3", ("f" * 32,))
        bad = 3
    elif tamper == "delete_middle":
        conn.execute("DELETE FROM audit_event WHERE id = 2")
        bad = 3
    elif tamper == "insert_forged":
        # A forged row with a plain SHA-256 where the HMAC (key from SECRET_KEY) belongs.
        row = conn.execute("SELECT hash FROM audit_event WHERE id = 5").fetchone()
        conn.execute(
            "INSERT INTO audit_event (id, at, actor_id, actor, action, report_id, "
            "detail, prev_hash, hash) VALUES (6, '2026-01-01 00:00:00', NULL, 'x', "
            "'login', NULL, '', ?, ?)",
            (row[0], "0" * 64),
        )
        bad = 6
    else:
        conn.execute("UPDATE audit_event SET action = 'login' WHERE id = 4")
        bad = 4
    conn.commit()
    conn.close()
    result = _verify(app)
    assert not result.ok and result.first_bad_id == bad


@pytest.mark.usefixtures("sqlite_only")  # the attacker edits the SQLite file directly
def test_cli_verify_reports_intact_and_tampered(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "portal.toml"
    config.write_text(
        f'secret_key = "{app.config["SECRET_KEY"]}"\n'
        f'database_url = "{app.config["DATABASE_URL"]}"\n'
        f'blob_dir = "{app.config["BLOB_DIR"]}"\n',
        encoding="utf-8",
    )
    # The CLI's --config sets PORTAL_CONFIG; setting it here first makes pytest restore it.
    monkeypatch.setenv("PORTAL_CONFIG", str(config))
    _events(app, 3)
    runner = CliRunner()
    ok = runner.invoke(main, ["audit", "verify", "--config", str(config)])
    assert ok.exit_code == 0 and "3 events verify" in ok.output
    head = ok.output.split("head: ", 1)[1].split()[0]
    _events(app, 1)
    assert (
        runner.invoke(
            main, ["audit", "verify", "--config", str(config), "--expect", head]
        ).exit_code
        == 0
    )
    # Cutting off the tail keeps a valid chain, but the recorded head is gone.
    conn = _raw(tmp_path)
    conn.execute("DELETE FROM audit_event WHERE id >= 3")
    conn.commit()
    conn.close()
    cut = runner.invoke(main, ["audit", "verify", "--config", str(config), "--expect", head])
    assert cut.exit_code != 0 and "cut short" in cut.output
    _events(app, 2)
    conn = _raw(tmp_path)
    conn.execute("UPDATE audit_event SET detail = 'x' WHERE id = 2")
    conn.commit()
    conn.close()
    bad = runner.invoke(main, ["audit", "verify", "--config", str(config)])
    assert bad.exit_code != 0 and "breaks at event 2" in bad.output
    assert "Traceback" not in bad.output


def test_cli_admin_create_prints_a_working_enrolment_path(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "portal.toml"
    config.write_text(
        f'secret_key = "{app.config["SECRET_KEY"]}"\n'
        f'database_url = "{app.config["DATABASE_URL"]}"\n'
        f'blob_dir = "{app.config["BLOB_DIR"]}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PORTAL_CONFIG", str(config))
    runner = CliRunner()
    result = runner.invoke(main, ["admin", "create", "first.admin", "--config", str(config)])
    assert result.exit_code == 0, result.output
    path = result.output.strip().split()[-1]
    assert path.startswith("/staff/enrol/")
    assert app.test_client().get(path).status_code == 200
    again = runner.invoke(main, ["admin", "create", "first.admin", "--config", str(config)])
    assert again.exit_code != 0 and "taken" in again.output and "Traceback" not in again.output
    bad = runner.invoke(main, ["admin", "create", "Bad Name!", "--config", str(config)])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
