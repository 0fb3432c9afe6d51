"""Staff commands: the first admin, audit verification, offline export of ciphertext."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click

from portal.cli.app_cmds import CONFIG_OPTION, _context

_REPORT_ID = re.compile(r"\A[0-9a-f]{32}\Z")


@click.group("admin")
def admin_group() -> None:
    """Staff accounts."""


@admin_group.command("create")
@CONFIG_OPTION
@click.argument("username")
@click.option("--reviewer", is_flag=True, help="Also a reviewer (can read reports).")
def admin_create(config_file: Path | None, username: str, reviewer: bool) -> None:
    """Create an admin account and print its one-time enrolment link."""
    from portal import accounts, db

    with _context(config_file) as app:
        db.create_all(app)
        try:
            issued = accounts.create_account(
                db.get_session(), app.config["SECRET_KEY"], username, admin=True,
                reviewer=reviewer, enrol_hours=app.config["PORTAL_STAFF_ENROL_HOURS"])
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"account {issued.account.username} created")
        click.echo(f"enrolment path (open on the portal's address, once, before "
                   f"{issued.expires:%Y-%m-%d %H:%M} UTC): /staff/enrol/{issued.code}")


@click.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
@CONFIG_OPTION
@click.option("--expect", "expected", metavar="HASH",
              help="A head hash printed earlier: fail if that event is no longer in the log.")
def audit_verify(config_file: Path | None, expected: str | None) -> None:
    """Check the audit log's hash chain; non-zero exit if it was tampered with."""
    from portal import audit, db

    with _context(config_file) as app:
        session = db.get_session()
        result = audit.verify(session, app.config["SECRET_KEY"])
        missing = bool(expected) and result.ok and not audit.contains(session, expected or "")
    if not result.ok:
        raise click.ClickException(
            f"audit log tampered with: the chain breaks at event {result.first_bad_id} "
            f"({result.checked} events before it verify)")
    if missing:
        raise click.ClickException("audit log cut short: the expected head event is gone")
    click.echo(f"audit log intact: {result.checked} events verify")
    click.echo(f"head: {result.head} (write it down; check later with --expect)")


@click.command("export-blobs")
@CONFIG_OPTION
@click.argument("report_id")
@click.option("--out", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to create for the encrypted files.")
def export_blobs(config_file: Path | None, report_id: str, out_dir: Path) -> None:
    """Copy a report's encrypted files out, for age -d on an offline computer."""
    from portal import audit, db
    from portal.models import Report

    if not _REPORT_ID.match(report_id):
        raise click.ClickException("a report id is 32 hexadecimal characters")
    with _context(config_file) as app:
        session = db.get_session()
        report = session.get(Report, report_id)
        if report is None:
            raise click.ClickException(f"no report {report_id}")
        try:
            out_dir.mkdir(parents=True, exist_ok=False, mode=0o700)
        except FileExistsError:
            raise click.ClickException(f"{out_dir} exists; choose a new folder") from None
        except OSError as exc:
            raise click.ClickException(f"cannot create {out_dir}: {exc.strerror}") from None
        blobs = app.extensions["portal_blobs"]
        manifest = []
        for entry in report.entries:
            name = f"{entry.seq:03d}-{entry.kind}.age"
            fd = os.open(out_dir / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(blobs.read(entry.blob_id))
            manifest.append({"file": name, "kind": entry.kind})
        (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        audit.record(session, app.config["SECRET_KEY"], audit.Action.BLOBS_EXPORTED,
                     report_id=report.id, detail=f"cli {len(manifest)} file(s)")
        session.commit()
    click.echo(f"{len(manifest)} encrypted file(s) written to {out_dir}")


@click.command("rekey")
@CONFIG_OPTION
@click.option("--account", "username", required=True,
              help="The reviewer running the re-key (recorded in the audit log).")
@click.option("--identity", "identity_file", type=click.Path(dir_okay=False),
              help="Use this identity file (offline key; plain or age -p) instead of the "
                   "account's stored key.")
def rekey_command(config_file: Path | None, username: str, identity_file: str | None) -> None:
    """Re-key every stored blob for the current reviewers (for large stores).

    The key is unlocked in this process's memory only: with --identity from the
    file, otherwise from the account's stored key and its passphrase (asked, or
    $PORTAL_PASSPHRASE).
    """
    from sqlalchemy import select

    from portal import db, intake, keyring, rekey
    from portal.cli.crypto_cmds import _load_identities, _passphrase
    from portal.staff_models import StaffAccount

    with _context(config_file) as app:
        session = db.get_session()
        account = session.scalar(select(StaffAccount).where(
            StaffAccount.username == username.strip().lower()))
        if account is None or not account.active or not account.is_reviewer:
            raise click.ClickException(f"no active reviewer {username}")
        if identity_file is not None:
            identities = _load_identities(identity_file)
        elif account.protected_identity is None:
            raise click.ClickException("this reviewer's key is offline: pass --identity FILE")
        else:
            try:
                identities = [keyring.unlock(account.protected_identity, _passphrase(False))]
            except keyring.KeyringError:
                raise click.ClickException("wrong passphrase") from None
        try:
            result = rekey.rekey_all(session, app.extensions["portal_blobs"],
                                     app.config["SECRET_KEY"], identities,
                                     app.config["PORTAL_ORG_RECIPIENT"], account)
        except intake.NotAccepting:
            raise click.ClickException("there is no active recipient to re-key to") from None
    click.echo(f"{result.reports} report(s) re-keyed ({result.blobs} blobs); "
               f"{len(result.skipped_reports)} not readable with this key")
    if result.skipped_reports:
        raise click.ClickException("some reports need a re-key by another reviewer")


def register(group: click.Group) -> None:
    """Add this module's commands to the `portal` group."""
    for command in (admin_group, audit_group, export_blobs, rekey_command):
        group.add_command(command)
