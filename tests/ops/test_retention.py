"""Retention deletes exactly what has had no activity for the configured days, and audits it."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable

from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

import crypto
from portal import audit, db, intake, retention
from portal.codename import KdfParams
from portal.models import Entry, Report, ReportStatus, today
from portal.staff_models import AuditEvent, ReportNote
from tests.ops.conftest import Instance
from tests.portal.conftest import login, submit_report

OLD = today() - dt.timedelta(days=400)


def _backdate(report_id: str, *, received: dt.date = OLD, updated: dt.date = OLD) -> None:
    session = db.get_session()
    session.execute(update(Report).where(Report.id == report_id)
                    .values(received_on=received, updated_on=updated))
    session.execute(update(Entry).where(Entry.report_id == report_id).values(added_on=received))
    session.commit()


def _scenario(app: Flask, client: FlaskClient, reviewer: crypto.Identity) -> dict[str, object]:
    """Seven reports, each with a different history; returns names -> ids and codenames."""
    names = ["stale", "source_came_back", "reviewer_read", "note", "deleted_shell",
             "old_reply", "in_case"]
    codenames = {name: submit_report(client, f"Account {name}") for name in names}
    blobs = app.extensions["portal_blobs"]
    with app.app_context():
        session = db.get_session()
        kdf = KdfParams(app.config["PORTAL_KDF_MEMORY_KIB"], app.config["PORTAL_KDF_ITERATIONS"])
        ids = {}
        for name, codename in codenames.items():
            found, _tag, _seed = intake.find_report(session, codename, kdf)
            assert found is not None
            ids[name] = found.id
        for name in names:
            _backdate(ids[name])
        _backdate(ids["source_came_back"], updated=today() - dt.timedelta(days=10))
        audit.record(session, app.config["SECRET_KEY"], audit.Action.DECRYPT,
                     report_id=ids["reviewer_read"])
        note_blob = blobs.put(b"note", [reviewer.recipient()]).blob_id
        session.add(ReportNote(report_id=ids["note"], blob_id=note_blob,
                               added_on=today() - dt.timedelta(days=5)))
        shell = session.get(Report, ids["deleted_shell"])
        shell_blobs = [e.blob_id for e in shell.entries]
        shell.entries.clear()
        shell.status = ReportStatus.DELETED.value
        session.commit()
        blobs.delete_many(shell_blobs)
        # A reply older than the reply period, on an otherwise active report, and a new one.
        report = session.get(Report, ids["old_reply"])
        report.updated_on = today()
        old_reply = intake.add_reply(session, blobs, report, "old", [reviewer.recipient()])
        old_reply.added_on = today() - dt.timedelta(days=40)
        new_reply = intake.add_reply(session, blobs, report, "new", [reviewer.recipient()])
        session.commit()
        in_case = _attach_to_recent_case(session, blobs, ids["in_case"], reviewer)
        session.commit()
        stale_blobs = list(session.scalars(select(Entry.blob_id).where(
            Entry.report_id == ids["stale"])))
        replies = {"old_reply": old_reply.blob_id, "new_reply": new_reply.blob_id}
    return {"ids": ids, "codenames": codenames, "stale_blobs": stale_blobs,
            "note_blob": note_blob, "in_case": in_case, **replies}


def _attach_to_recent_case(session: object, blobs: object, report_id: str,
                           reviewer: crypto.Identity) -> bool:
    """Put the report in a case worked on today (when the cases package exists)."""
    try:
        from portal.cases.models import CaseRecord, CaseReport
    except ModuleNotFoundError:
        return False
    summary = blobs.put(b"{}", [reviewer.recipient()]).blob_id  # type: ignore[attr-defined]
    case = CaseRecord(summary_blob_id=summary, updated_on=today())
    session.add(case)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    session.add(CaseReport(case_id=case.id, report_id=report_id))  # type: ignore[attr-defined]
    return True


def test_retention_deletes_exactly_the_inactive_reports_and_old_replies(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity,
    instance_of: Callable[..., Instance], cli: Callable[..., Result],
) -> None:
    state = _scenario(app, client, reviewer_identity)
    ids: dict[str, str] = state["ids"]  # type: ignore[assignment]
    blobs = app.extensions["portal_blobs"]
    # An orphaned blob from a crash long ago goes; one being written right now stays.
    old_orphan = blobs.put(b"orphan", [reviewer_identity.recipient()]).blob_id
    an_hour_ago = time.time() - 2 * retention.ORPHAN_GRACE_SECONDS
    os.utime(blobs.path(old_orphan), (an_hour_ago, an_hour_ago))
    fresh_orphan = blobs.put(b"in flight", [reviewer_identity.recipient()]).blob_id

    instance = instance_of(app, retention_days=365, retention_reply_days=30)
    dry = cli(instance, "retention", "run", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("would delete: 2 report(s), 1 reply(ies)")
    with app.app_context():
        assert len(db.get_session().scalars(select(Report.id)).all()) == 7  # nothing yet

    result = cli(instance, "retention", "run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("deleted: 2 report(s), 1 reply(ies)")

    with app.app_context():
        session = db.get_session()
        left = set(session.scalars(select(Report.id)))
        assert left == set(ids.values()) - {ids["stale"], ids["deleted_shell"]}
        entry_blobs = set(session.scalars(select(Entry.blob_id)))
        assert state["old_reply"] not in entry_blobs and state["new_reply"] in entry_blobs
        assert session.scalar(select(Entry.id).where(Entry.report_id == ids["stale"])) is None
        events = session.execute(select(AuditEvent.action, AuditEvent.report_id)).all()
        assert (retention.REPORT_EXPIRED, ids["stale"]) in events
        assert (retention.REPORT_EXPIRED, ids["deleted_shell"]) in events
        assert (retention.REPLIES_EXPIRED, ids["old_reply"]) in events
        assert any(action == retention.RUN for action, _ in events)
        assert audit.verify(session, app.config["SECRET_KEY"]).ok
    on_disk = blobs.all_ids()
    for blob_id in state["stale_blobs"]:  # type: ignore[attr-defined]
        assert blob_id not in on_disk
    assert state["old_reply"] not in on_disk and state["new_reply"] in on_disk
    assert state["note_blob"] in on_disk
    assert old_orphan not in on_disk and fresh_orphan in on_disk
    # The stale report's codename opens nothing any more; a kept one still works.
    gone = login(client, state["codenames"]["stale"])  # type: ignore[index]
    assert "No report could be opened" in gone.get_data(as_text=True)
    kept = login(client, state["codenames"]["note"])  # type: ignore[index]
    assert "No report could be opened" not in kept.get_data(as_text=True)

    # A second run finds nothing more to do.
    again = cli(instance, "retention", "run")
    assert again.output.startswith("deleted: 0 report(s), 0 reply(ies), 0 blob(s)")


def test_retention_off_deletes_nothing(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity,
    instance_of: Callable[..., Instance], cli: Callable[..., Result],
) -> None:
    submit_report(client, "Kept forever")
    with app.app_context():
        (report_id,) = db.get_session().scalars(select(Report.id)).all()
        _backdate(report_id, received=OLD - dt.timedelta(days=5000))
    result = cli(instance_of(app, retention_days=0), "retention", "run")
    assert result.exit_code == 0 and result.output.startswith("deleted: 0 report(s)")
    with app.app_context():
        assert db.get_session().get(Report, report_id) is not None


def test_last_activity_counts_every_kind_of_activity(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity,
) -> None:
    state = _scenario(app, client, reviewer_identity)
    ids: dict[str, str] = state["ids"]  # type: ignore[assignment]
    with app.app_context():
        latest = retention.last_activity(db.get_session())
    assert latest[ids["stale"]] == OLD
    assert latest[ids["source_came_back"]] == today() - dt.timedelta(days=10)
    assert latest[ids["reviewer_read"]] == today()
    assert latest[ids["note"]] == today() - dt.timedelta(days=5)
    if state["in_case"]:
        assert latest[ids["in_case"]] == today()
