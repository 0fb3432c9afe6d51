"""`portal recipient add|deactivate` do what the admin page does: queue a re-key, audit.

Real reports, real keys and the real CLI against an instance file; the queued re-key
is then run (`portal rekey`) and the stored blobs are opened with the keys.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select

import crypto
from portal import accounts, audit, db, rekey
from portal.models import Entry, EntryKind, Reviewer
from portal.staff_models import AuditEvent, RekeyJob
from tests.ops.conftest import Instance
from tests.portal.conftest import submit_report


@pytest.fixture
def instance(app: Flask, instance_of: Callable[..., Instance]) -> Instance:
    """The app's instance file; the app has one active reviewer and one report."""
    submit_report(app.test_client(), account="sent before the change")
    return instance_of(app)


def _events(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(e.action, e.actor, e.detail) for e in db.get_session().scalars(
            select(AuditEvent).order_by(AuditEvent.id))]


def _pending_jobs(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.get_session().scalars(
            select(RekeyJob.reason).where(RekeyJob.done_at.is_(None)).order_by(RekeyJob.id)))


def _readable(app: Flask, identity: crypto.Identity) -> list[bool]:
    """For each stored report entry (not replies), whether `identity` opens it."""
    blobs = app.extensions["portal_blobs"]
    with app.app_context():
        ids = list(db.get_session().scalars(
            select(Entry.blob_id).where(Entry.kind != EntryKind.REPLY.value)
            .order_by(Entry.report_id, Entry.seq)))
    found = []
    for blob_id in ids:
        try:
            blobs.decrypt(blob_id, [identity])
            found.append(True)
        except crypto.NoMatchError:
            found.append(False)
    return found


def _reviewer_account(app: Flask, identity: crypto.Identity) -> str:
    """A reviewer account owning the fixture's recipient (who can run `portal rekey`)."""
    with app.app_context():
        session = db.get_session()
        issued = accounts.create_account(session, app.config["SECRET_KEY"], "rita",
                                         admin=False, reviewer=True, enrol_hours=1)
        issued.account.reviewer_id = session.scalar(select(Reviewer.id).where(
            Reviewer.recipient == identity.recipient().to_string()))
        session.commit()
    return "rita"


def _rekey(cli: Callable[..., Result], instance: Instance, identity: crypto.Identity,
           tmp_path: Path) -> Result:
    key_file = tmp_path / "rita.key"
    key_file.write_text(identity.to_string() + "\n")
    key_file.chmod(0o600)
    return cli(instance, "rekey", "--account", "rita", "--identity", str(key_file))


def _one_line_error(result: Result, expected: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    (line,) = result.output.strip().splitlines()
    assert line == f"Error: {expected}"


def test_add_queues_a_rekey_and_is_audited_like_the_admin_page(
    app: Flask, instance: Instance, cli: Callable[..., Result],
    reviewer_identity: crypto.Identity, tmp_path: Path,
) -> None:
    archive = crypto.X25519Identity(os.urandom(32))
    _reviewer_account(app, reviewer_identity)
    before = _events(app)

    result = cli(instance, "recipient", "add", archive.recipient().to_string())

    assert result.exit_code == 0, result.output
    with app.app_context():
        added = db.get_session().scalar(select(Reviewer).where(
            Reviewer.recipient == archive.recipient().to_string()))
        assert added is not None and added.active
        added_id = added.id
        assert rekey.pending(db.get_session()) == 1
        assert audit.verify(db.get_session(), app.config["SECRET_KEY"]).ok
    assert result.output.strip() == (f"recipient {added_id} active; re-key of older reports "
                                     "queued (1 change(s) pending)")
    # What the admin page's add_standalone_recipient records: the job and one event.
    assert _pending_jobs(app) == [f"recipient {added_id} added"]
    assert _events(app)[len(before):] == [("recipient_added", "", f"recipient {added_id}")]

    # New reports are encrypted to it at once, the older one after the queued re-key.
    submit_report(app.test_client(), account="sent after the change")
    assert sorted(_readable(app, archive)) == [False, True]
    done = _rekey(cli, instance, reviewer_identity, tmp_path)
    assert done.exit_code == 0, done.output
    assert _readable(app, archive) == [True, True]
    assert _pending_jobs(app) == []


def test_deactivate_queues_a_rekey_and_is_audited_like_the_admin_page(
    app: Flask, instance: Instance, cli: Callable[..., Result],
    reviewer_identity: crypto.Identity, tmp_path: Path,
) -> None:
    archive = crypto.X25519Identity(os.urandom(32))
    _reviewer_account(app, reviewer_identity)
    assert cli(instance, "recipient", "add", archive.recipient().to_string()).exit_code == 0
    assert _rekey(cli, instance, reviewer_identity, tmp_path).exit_code == 0
    assert _readable(app, archive) == [True]
    with app.app_context():
        archive_id = db.get_session().scalar(select(Reviewer.id).where(
            Reviewer.recipient == archive.recipient().to_string()))
    before = _events(app)

    result = cli(instance, "recipient", "deactivate", str(archive_id))

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"recipient {archive_id} inactive; re-key of older "
                                     "reports queued (1 change(s) pending)")
    assert _pending_jobs(app) == [f"recipient {archive_id} removed"]
    assert _events(app)[len(before):] == [("recipient_removed", "", f"recipient {archive_id}")]
    listed = cli(instance, "recipient", "list").output
    assert f"{archive_id}\tinactive\t" in listed

    # New reports no longer go to it; once re-keyed, neither does the older one.
    submit_report(app.test_client(), account="sent after it left")
    assert sorted(_readable(app, archive)) == [False, True]
    assert _rekey(cli, instance, reviewer_identity, tmp_path).exit_code == 0
    assert _readable(app, archive) == [False, False]
    assert all(_readable(app, reviewer_identity))

    # Again: nothing to do, nothing queued or audited.
    events = _events(app)
    again = cli(instance, "recipient", "deactivate", str(archive_id))
    assert again.exit_code == 0 and "already inactive" in again.output
    assert _events(app) == events and _pending_jobs(app) == []
    with app.app_context():
        assert audit.verify(db.get_session(), app.config["SECRET_KEY"]).ok


def test_errors_are_one_line_and_change_nothing(
    app: Flask, instance: Instance, cli: Callable[..., Result],
    reviewer_identity: crypto.Identity,
) -> None:
    _reviewer_account(app, reviewer_identity)
    with app.app_context():
        owned = db.get_session().scalar(select(Reviewer.id))
    events = _events(app)

    _one_line_error(cli(instance, "recipient", "add", "age1notakey"),
                    "not an age recipient (age1... or age1pq1...)")
    _one_line_error(cli(instance, "recipient", "add", reviewer_identity.recipient().to_string()),
                    "This recipient is already registered")
    _one_line_error(cli(instance, "recipient", "deactivate", "999"), "no recipient 999")
    _one_line_error(cli(instance, "recipient", "deactivate", "three"),
                    "a recipient id is a whole number (see portal recipient list)")
    _one_line_error(cli(instance, "recipient", "deactivate", str(owned)),
                    "This key belongs to an account: revoke the account instead")

    assert _events(app) == events and _pending_jobs(app) == []
    with app.app_context():
        assert db.get_session().get(Reviewer, owned).active
