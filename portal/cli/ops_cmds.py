"""Operations: schema migrations, backups, retention, and checking a deployment.

`portal db upgrade`, `portal backup create|restore`, `portal retention run` and
`portal doctor`. Like every command they print one clear line and exit non-zero
on a problem, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flask import Flask

from portal.cli.app_cmds import CONFIG_OPTION, _context, db_group


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database failure becomes one line, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"database error ({type(exc).__name__}); is it reachable and upgraded "
            "(portal db upgrade)?") from None


@click.command("upgrade")
@CONFIG_OPTION
@click.option("--revision", default="head", show_default=True,
              help="Schema revision to reach.")
def db_upgrade(config_file: Path | None, revision: str) -> None:
    """Create or migrate the database schema (Alembic), and the blob folder."""
    from sqlalchemy.exc import SQLAlchemyError

    from portal import db, schema

    with _context(config_file) as app:
        try:
            outcome = schema.upgrade(db.engine_for(app), revision)
        except schema.SchemaError as exc:
            raise click.ClickException(str(exc)) from None
        except SQLAlchemyError as exc:
            raise click.ClickException(
                f"the database refused the migration ({type(exc).__name__})") from None
        app.extensions["portal_blobs"].ensure()
        _private_sqlite_file(app.config["DATABASE_URL"])
    click.echo(f"database schema: {outcome}")


def _private_sqlite_file(url: str) -> None:
    """An SQLite database file is the whole database: owner-only, whatever the umask."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database))
        if path.exists():
            path.chmod(0o600)


@click.command("current")
@CONFIG_OPTION
def db_current(config_file: Path | None) -> None:
    """Show the database's schema revision and the newest one."""
    from portal import db, schema

    with _context(config_file) as app, _database_errors():
        click.echo(f"database: {schema.current(db.engine_for(app)) or 'none'}; "
                   f"newest: {schema.head()}")


@click.group("backup")
def backup_group() -> None:
    """Encrypted backups of the database and blobs."""


@backup_group.command("create")
@CONFIG_OPTION
@click.option("--output", "-o", "output", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Archive to write (must not exist).")
@click.option("--recipient", "-r", "recipients", multiple=True,
              help="Offline backup recipient (age1...); default PORTAL_BACKUP_RECIPIENT.")
def backup_create(config_file: Path | None, output: Path, recipients: tuple[str, ...]) -> None:
    """Write one age-encrypted archive of the database and every blob."""
    import crypto
    from portal import backup, db

    with _context(config_file) as app, _database_errors():
        texts = list(recipients) or [
            r for r in [app.config.get("PORTAL_BACKUP_RECIPIENT")] if r]
        if not texts:
            raise click.ClickException(
                "no backup recipient: set PORTAL_BACKUP_RECIPIENT or give --recipient")
        try:
            parsed = [crypto.parse_recipient(text) for text in texts]
        except crypto.AgeError as exc:
            raise click.ClickException(f"not a valid age recipient: {exc}") from None
        try:
            summary = backup.create(db.engine_for(app), app.extensions["portal_blobs"],
                                    parsed, output)
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
        _audit(app, "backup_created",
               f"{sum(summary.rows.values())} rows, {summary.blobs} blobs")
    missing = f", {summary.missing_blobs} deleted meanwhile" if summary.missing_blobs else ""
    click.echo(f"backup written: {output} ({sum(summary.rows.values())} rows, "
               f"{summary.blobs} blobs{missing})")


@backup_group.command("restore")
@CONFIG_OPTION
@click.argument("archive", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--identity", "-i", "identity_file", required=True,
              type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The backup identity: an age identity file, or an `age -p` protected one.")
def backup_restore(config_file: Path | None, archive: Path, identity_file: Path) -> None:
    """Restore an archive into this (empty) instance."""
    from sqlalchemy.exc import SQLAlchemyError

    from portal import backup, db, schema

    data = identity_file.read_bytes()
    passphrase = None
    if b"AGE-SECRET-KEY-" not in data:
        passphrase = click.prompt("Passphrase of the identity file", hide_input=True,
                                  err=True)
    try:
        identities = backup.read_identities(data, passphrase)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    with _context(config_file) as app:
        try:
            summary = backup.restore(db.engine_for(app), app.extensions["portal_blobs"],
                                     archive, identities)
        except (backup.BackupError, schema.SchemaError) as exc:
            raise click.ClickException(str(exc)) from None
        except SQLAlchemyError as exc:
            raise click.ClickException(
                f"the database refused the restore ({type(exc).__name__})") from None
        _audit(app, "backup_restored",
               f"{sum(summary.rows.values())} rows, {summary.blobs} blobs")
    click.echo(f"restored {sum(summary.rows.values())} rows and {summary.blobs} blobs "
               f"(schema {summary.revision}, now upgraded to the newest)")


def _audit(app: Flask, action: str, detail: str) -> None:
    """Record an operations event in the audit chain."""
    from portal import audit, db

    session = db.get_session()
    audit.record(session, app.config["SECRET_KEY"], action, detail=detail)
    session.commit()


@click.group("retention")
def retention_group() -> None:
    """Automatic deletion of what nobody touched for too long."""


@retention_group.command("run")
@CONFIG_OPTION
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def retention_run(config_file: Path | None, dry_run: bool) -> None:
    """Delete reports, replies and blobs past the retention periods (audited)."""
    from portal import db, retention

    with _context(config_file) as app, _database_errors():
        result = retention.run(
            db.get_session(), app.extensions["portal_blobs"], app.config["SECRET_KEY"],
            days=app.config["PORTAL_RETENTION_DAYS"],
            reply_days=app.config["PORTAL_RETENTION_REPLY_DAYS"], dry_run=dry_run,
        )
    prefix = "would delete" if dry_run else "deleted"
    click.echo(f"{prefix}: {result.summary()}")


@click.command("doctor")
@CONFIG_OPTION
def doctor(config_file: Path | None) -> None:
    """Check this deployment: config, database, Redis, keys, files, clock."""
    from portal import doctor as doctor_module

    with _context(config_file) as app, _database_errors():
        findings = doctor_module.run(app)
    for finding in findings:
        click.echo(finding.line())
    failed = [f for f in findings if f.level == doctor_module.FAIL]
    if failed:
        click.echo(f"{len(failed)} problem(s) found", err=True)
        sys.exit(1)


def register(group: click.Group) -> None:
    """Add this module's commands to the `portal` group (`db upgrade` joins app_cmds' `db`)."""
    db_group.add_command(db_upgrade)
    db_group.add_command(db_current)
    for command in (db_group, backup_group, retention_group, doctor):
        group.add_command(command)

