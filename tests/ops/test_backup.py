"""Backups: an encrypted archive restores into an empty instance with every report readable."""

from __future__ import annotations

import io
import secrets
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

import crypto
from portal import audit, create_app, db, schema
from portal.models import Entry, Report
from portal.staff_models import AuditEvent
from tests.ops.conftest import Instance
from tests.portal.conftest import login, submit_report

PNG_TEXT = "Detained on return from Geneva.\nNo papers."


def _backup_key(tmp_path: Path) -> tuple[crypto.Identity, Path]:
    identity = crypto.X25519Identity(secrets.token_bytes(32))
    key_file = tmp_path / "backup-key.txt"
    key_file.write_text(identity.to_string() + "\n")
    key_file.chmod(0o600)
    return identity, key_file


def _populate(app: Flask, client: FlaskClient, reviewer: crypto.Identity) -> dict[str, object]:
    """Three reports (one with a file), replies, audit events; returns what to compare."""
    from portal import intake

    codenames = [
        submit_report(client, "First account: 被拘留。"),
        submit_report(client, "Second account", files=[(PNG_TEXT.encode(), "statement.txt")]),
        submit_report(client, "Third account"),
    ]
    with app.app_context():
        session = db.get_session()
        for report in session.scalars(select(Report)).all():
            intake.add_reply(session, app.extensions["portal_blobs"], report,
                             "Thank you; we are looking into it.", [reviewer.recipient()])
            audit.record(session, app.config["SECRET_KEY"], audit.Action.TRIAGE,
                         report_id=report.id, detail="status under_review")
        session.commit()
        plain = {
            entry.blob_id: app.extensions["portal_blobs"].decrypt(entry.blob_id, [reviewer])
            for entry in session.scalars(select(Entry))
        }
        reports = {r.id: (r.lookup_tag, r.status, r.received_on)
                   for r in session.scalars(select(Report))}
    return {"codenames": codenames, "plain": plain, "reports": reports}


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_backup_restores_into_an_empty_instance_and_every_report_reads(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity, tmp_path: Path,
    instance_of: Callable[..., Instance], cli: Callable[..., Result],
    make_database_url: Callable[[str], str],
) -> None:
    before = _populate(app, client, reviewer_identity)
    backup_identity, key_file = _backup_key(tmp_path)
    archive = tmp_path / "portal-backup.age"
    source = instance_of(app, name="source")
    out = _ok(cli(source, "backup", "create", "-o", str(archive),
                  "-r", backup_identity.recipient().to_string()))
    assert "backup written" in out
    assert archive.stat().st_mode & 0o077 == 0

    # A fresh machine: empty database (no tables at all), empty blob folder.
    target = instance_of(name="target", secret_key=app.config["SECRET_KEY"],
                         database_url=make_database_url("restored"),
                         blob_dir=str(tmp_path / "restored-blobs"),
                         kdf_memory_kib=1024, kdf_iterations=1)
    out = _ok(cli(target, "backup", "restore", str(archive), "-i", str(key_file)))
    assert "restored" in out

    restored = create_app({**target.settings, "testing": True})
    with restored.app_context():
        session = db.get_session()
        assert schema.current(db.engine_for(restored)) == schema.head()
        reports = {r.id: (r.lookup_tag, r.status, r.received_on)
                   for r in session.scalars(select(Report))}
        assert reports == before["reports"]
        blobs = restored.extensions["portal_blobs"]
        entries = list(session.scalars(select(Entry)))
        assert {e.blob_id for e in entries} == set(before["plain"])  # type: ignore[arg-type]
        for entry in entries:  # every report, addition, file and reply decrypts as before
            assert blobs.decrypt(entry.blob_id, [reviewer_identity]) == \
                before["plain"][entry.blob_id]  # type: ignore[index]
        chain = audit.verify(session, restored.config["SECRET_KEY"])
        assert chain.ok and chain.checked >= 1
        # The operations themselves are audited, in the same chain.
        actions = list(session.scalars(select(AuditEvent.action)))
        assert "backup_restored" in actions
    # The source's codename still opens the report, with the reply, on the new server.
    page = login(restored.test_client(), before["codenames"][0])  # type: ignore[index]
    assert "we are looking into it" in page.get_data(as_text=True)
    # New rows get fresh ids (PostgreSQL's sequences were moved past the restored ones).
    submit_report(restored.test_client(), "After the restore")
    with restored.app_context():
        assert db.get_session().scalar(select(func.count(Report.id))) == 4

    # Restoring twice is refused: the instance is no longer empty.
    again = cli(target, "backup", "restore", str(archive), "-i", str(key_file))
    assert again.exit_code == 1
    assert "not empty" in again.output and "Traceback" not in again.output


def test_archive_opens_with_the_age_tool_and_hides_file_times(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity, tmp_path: Path,
    instance_of: Callable[..., Instance], cli: Callable[..., Result],
) -> None:
    if shutil.which("age") is None:
        pytest.skip("needs the age command-line tool (apt package age)")
    _populate(app, client, reviewer_identity)
    backup_identity, key_file = _backup_key(tmp_path)
    archive = tmp_path / "b.age"
    _ok(cli(instance_of(app), "backup", "create", "-o", str(archive),
            "-r", backup_identity.recipient().to_string()))
    plain = subprocess.run(["age", "-d", "-i", str(key_file), str(archive)],
                           capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        members = tar.getmembers()
    names = {m.name for m in members}
    assert {"manifest.json", "database/report.jsonl", "database/audit_event.jsonl"} <= names
    blob_names = {n for n in names if n.startswith("blobs/")}
    with app.app_context():
        assert len(blob_names) == db.get_session().scalar(select(func.count(Entry.id)))
    # No file times, owners or modes that could date or attribute a report.
    assert all(m.mtime == 0 and m.uid == 0 and m.uname == "" for m in members)
    # The blobs inside are still ciphertext for the reviewers: no plaintext in the archive.
    assert b"Geneva" not in plain and "被拘留".encode() not in plain


@pytest.mark.parametrize("damage", ["wrong_identity", "tampered", "not_an_archive"])
def test_a_bad_restore_is_one_line_and_leaves_the_instance_empty(
    damage: str, app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity,
    tmp_path: Path, instance_of: Callable[..., Instance], cli: Callable[..., Result],
    make_database_url: Callable[[str], str],
) -> None:
    _populate(app, client, reviewer_identity)
    backup_identity, key_file = _backup_key(tmp_path)
    archive = tmp_path / "b.age"
    _ok(cli(instance_of(app), "backup", "create", "-o", str(archive),
            "-r", backup_identity.recipient().to_string()))
    if damage == "wrong_identity":
        key_file.write_text(crypto.X25519Identity(secrets.token_bytes(32)).to_string() + "\n")
    elif damage == "tampered":
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0x01
        archive.write_bytes(bytes(data))
    else:
        archive.write_bytes(crypto.encrypt_bytes(b"just some bytes" * 100,
                                                 [backup_identity.recipient()]))
    blob_dir = tmp_path / "target-blobs"
    target = instance_of(name="target", secret_key=app.config["SECRET_KEY"],
                         database_url=make_database_url("target"), blob_dir=str(blob_dir))
    result = cli(target, "backup", "restore", str(archive), "-i", str(key_file))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    restored = create_app({**target.settings, "testing": True})
    assert schema.is_empty(db.engine_for(restored))
    leftovers = [p for p in blob_dir.rglob("*") if p.is_file()] if blob_dir.exists() else []
    assert leftovers == []


def test_backup_needs_a_recipient(
    app: Flask, tmp_path: Path, instance_of: Callable[..., Instance],
    cli: Callable[..., Result],
) -> None:
    result = cli(instance_of(app), "backup", "create", "-o", str(tmp_path / "b.age"))
    assert result.exit_code == 1
    assert "PORTAL_BACKUP_RECIPIENT" in result.output
    assert not (tmp_path / "b.age").exists()


def test_an_older_archive_restores_into_a_prepared_instance_and_is_upgraded(
    tmp_path: Path, instance_of: Callable[..., Instance], cli: Callable[..., Result],
    make_database_url: Callable[[str], str], reviewer_identity: crypto.Identity,
) -> None:
    # The source runs an older schema revision; the new server already ran
    # `portal db upgrade` (newest revision) before the restore, as deploy/README.md says.
    secret = secrets.token_urlsafe(40)
    source = instance_of(name="old", secret_key=secret, database_url=make_database_url("old"),
                         blob_dir=str(tmp_path / "old-blobs"), kdf_memory_kib=1024,
                         kdf_iterations=1)
    assert cli(source, "db", "upgrade", "--revision", "0001").exit_code == 0
    old_app = create_app({**source.settings, "testing": True})
    from portal import intake

    with old_app.app_context():
        intake.add_reviewer(db.get_session(), reviewer_identity.recipient().to_string())
    with old_app.test_client() as client:
        codename = submit_report(client, "From the old server")
    backup_identity, key_file = _backup_key(tmp_path)
    archive = tmp_path / "old.age"
    _ok(cli(source, "backup", "create", "-o", str(archive),
            "-r", backup_identity.recipient().to_string()))
    target = instance_of(name="new", secret_key=secret, database_url=make_database_url("new"),
                         blob_dir=str(tmp_path / "new-blobs"), kdf_memory_kib=1024,
                         kdf_iterations=1)
    _ok(cli(target, "db", "upgrade"))
    out = _ok(cli(target, "backup", "restore", str(archive), "-i", str(key_file)))
    assert "(schema 0001, now upgraded to the newest)" in out
    restored = create_app({**target.settings, "testing": True})
    assert schema.current(db.engine_for(restored)) == schema.head()
    page = login(restored.test_client(), codename)
    assert page.status_code == 200 and "No report could be opened" not in page.get_data(
        as_text=True)
