"""Commands for running the web app: database, recipients, storage, serving, demo.

The app is configured like the web server: PORTAL_* variables and the
PORTAL_CONFIG file, or ``--config FILE`` given to the `portal` command group here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flask import Flask

CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
    help="TOML instance file (default: $PORTAL_CONFIG).",
)


def _app(config_file: Path | None) -> Flask:
    from portal import create_app
    from portal.config import CONFIG_FILE_ENV, ConfigError

    if config_file is not None:
        os.environ[CONFIG_FILE_ENV] = str(config_file)
    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def _context(config_file: Path | None) -> Iterator[Flask]:
    app = _app(config_file)
    try:
        with app.app_context():
            yield app
    finally:
        # Close pooled connections now, not whenever the app is garbage collected.
        from portal import db

        db.engine_for(app).dispose()


@click.group("db")
def db_group() -> None:
    """The database."""


@db_group.command("init")
@CONFIG_OPTION
def db_init(config_file: Path | None) -> None:
    """Create the tables and the blob folder (safe to run again).

    The same as `portal db upgrade`: the schema always comes from the migrations.
    """
    from portal import db, intake, schema

    with _context(config_file) as app:
        try:
            schema.upgrade(db.engine_for(app))
        except schema.SchemaError as exc:
            raise click.ClickException(str(exc)) from None
        intake.installation_salt(db.get_session())
        app.extensions["portal_blobs"].ensure()
    click.echo("database and blob folder ready")


@click.group("recipient")
def recipient_group() -> None:
    """Reviewers' public keys that new reports are encrypted to."""


@recipient_group.command("add")
@CONFIG_OPTION
@click.argument("recipient")
def recipient_add(config_file: Path | None, recipient: str) -> None:
    """Register an organization's age recipient with no login (age1... or age1pq1...).

    As on the admin page: new reports are encrypted to it at once, a re-key of the
    older ones is queued (a reviewer runs it from the inbox or with `portal rekey`),
    and the change is audited. A reviewer with a login gets their key by enrolling.
    """
    from portal import accounts, db, keyring, rekey

    with _context(config_file) as app:
        session = db.get_session()
        try:
            reviewer = accounts.add_standalone_recipient(
                session, app.config["SECRET_KEY"], recipient, actor=None)
        except keyring.KeyringError:
            raise click.ClickException("not an age recipient (age1... or age1pq1...)") from None
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
        reviewer_id, pending = reviewer.id, rekey.pending(session)
    click.echo(f"recipient {reviewer_id} active; re-key of older reports queued "
               f"({pending} change(s) pending)")


@recipient_group.command("list")
@CONFIG_OPTION
def recipient_list(config_file: Path | None) -> None:
    """List reviewer recipients."""
    from sqlalchemy import select

    from portal import db
    from portal.models import Reviewer

    with _context(config_file):
        for reviewer in db.get_session().scalars(select(Reviewer).order_by(Reviewer.id)):
            state = "active" if reviewer.active else "inactive"
            click.echo(f"{reviewer.id}\t{state}\t{reviewer.recipient[:24]}...")


@recipient_group.command("deactivate")
@CONFIG_OPTION
@click.argument("reviewer_id", metavar="ID")
def recipient_deactivate(config_file: Path | None, reviewer_id: str) -> None:
    """Stop encrypting new reports to a recipient with no login (ID from `list`).

    As on the admin page: a re-key is queued so that its key stops opening older
    reports once a reviewer runs it, and the change is audited. A reviewer's own key
    goes away by revoking their account.
    """
    from portal import accounts, db, rekey
    from portal.models import Reviewer

    if not reviewer_id.isdigit():
        raise click.ClickException("a recipient id is a whole number (see portal recipient list)")
    with _context(config_file) as app:
        session = db.get_session()
        reviewer = session.get(Reviewer, int(reviewer_id))
        if reviewer is None:
            raise click.ClickException(f"no recipient {reviewer_id}")
        was_active = reviewer.active
        try:
            accounts.deactivate_recipient(session, app.config["SECRET_KEY"], reviewer, actor=None)
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
        pending = rekey.pending(session)
    if not was_active:
        click.echo(f"recipient {reviewer_id} was already inactive")
        return
    click.echo(f"recipient {reviewer_id} inactive; re-key of older reports queued "
               f"({pending} change(s) pending)")


@click.group("storage")
def storage_group() -> None:
    """The encrypted blob store."""


@storage_group.command("sweep")
@CONFIG_OPTION
@click.option("--older-than", default=3600, show_default=True, help="Seconds.")
def storage_sweep(config_file: Path | None, older_than: int) -> None:
    """Remove blobs no report refers to and stale temporary files (crash leftovers)."""
    from portal import db
    from portal.backup import referenced_blob_ids

    with _context(config_file) as app:
        # Every table's blob columns (entries, notes, tags, cases), not only entries.
        referenced = referenced_blob_ids(db.get_session().connection())
        removed = app.extensions["portal_blobs"].sweep(referenced, older_than)
    click.echo(f"removed {removed} file(s)")


@click.command("run")
@CONFIG_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def run(config_file: Path | None, host: str, port: int) -> None:
    """Serve the app with the development server (use gunicorn in production)."""
    app = _app(config_file)
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl-C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


@click.command("demo")
@click.option("--data", "data_dir", default="demo-data", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set up only, do not start the server.")
def demo(data_dir: Path, port: int, no_serve: bool) -> None:
    """Set up a demo under DATA (SQLite, blobs, a staff account) and serve it.

    The staff account is an admin and a reviewer with a password, a TOTP secret and a
    passphrase-protected key: all printed, and kept in DATA/demo-account.toml (0600).
    Safe to run again: it reuses what is there. Reads only DATA/portal.toml, never the
    shell's PORTAL_* settings.
    """
    from portal import demo as demo_setup

    try:
        made = demo_setup.setup(data_dir, port=port)
    except demo_setup.DemoError as exc:
        raise click.ClickException(str(exc)) from None
    python = sys.executable or "python3"
    secret = made.totp_secret
    click.echo(f"Demo data:        {made.data_dir} (demo secrets in "
               f"{made.credentials_file.name}, mode 0600; demo only, never reuse them)")
    if made.set_aside:
        click.echo(f"Kept:             {', '.join(p.name for p in made.set_aside)} (the earlier "
                   "demo's key, no login; it still opens the reports sent to it)")
    click.echo(f"Public site:      {made.public_url}")
    click.echo(f"Staff login:      {made.staff_login_url}")
    click.echo(f"  username:       {made.username}   (admin and reviewer)")
    click.echo(f"  password:       {made.password}")
    click.echo(f"  TOTP secret:    {secret}")
    click.echo(f"  otpauth URI:    {made.otpauth_uri}")
    click.echo("                  add it to an authenticator app, or get a code now with:")
    click.echo(f"                  oathtool --totp -b {secret}")
    click.echo(f"                  {python} -c "
               f"\"import pyotp; print(pyotp.TOTP('{secret}').now())\"")
    click.echo(f"Key passphrase:   {made.passphrase}")
    click.echo("                  (after logging in, Unlock with it to read reports)")
    click.echo(f"Reviewer key:     {made.identity_file} (the same key as an age -p file)")
    click.echo(f"                  portal decrypt -i {made.identity_file} "
               f"{made.data_dir / 'blobs'}/<xx>/<blob id>   (asks for the passphrase)")
    if no_serve:
        return
    try:
        app = demo_setup.app_for(made.data_dir)
    except demo_setup.DemoError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Serving {made.public_url} (Tor Browser or any browser; Ctrl-C to stop)")
    app.run(host=demo_setup.HOST, port=port, debug=False, use_reloader=False, threaded=True)


def register(group: click.Group) -> None:
    """Add this module's commands to the `portal` group."""
    for command in (db_group, recipient_group, storage_group, run, demo):
        group.add_command(command)
