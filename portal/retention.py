"""Retention: delete what nobody has touched for a configured number of days.

``portal retention run`` (daily, from the systemd timer in deploy/) does three things:

1. **Reports** with no activity for ``PORTAL_RETENTION_DAYS`` days are deleted
   entirely: the row (so the codename no longer finds anything), every row that
   refers to it, and every blob those rows name. Activity is the latest of: the
   receipt date, the source's last addition, any entry, note, the last change of
   a case built from it, and any audited staff action on the report (reading it
   counts). A report a reviewer deleted earlier
   stays as an empty "deleted" row (so its source is told); that row goes too, the
   same number of days after the deletion.
2. **Replies** older than ``PORTAL_RETENTION_REPLY_DAYS`` (when set) are deleted
   even if the report lives on: the source had that long to read them.
3. **Orphaned blobs** (no row refers to them: left behind by a crash, or by a
   deletion whose unlink failed) older than an hour are removed.

Rows and their audit events are committed together, then the blobs are unlinked;
a crash in between leaves only unreferenced ciphertext for the next run's step 3.
A report that another table still refers to without cascading (e.g. a case) is
kept and counted, never half-deleted (tables whose foreign key cascades, such as
notes and tags, belong to the report and go with it). Every deletion is audited (report id and
counts only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from portal import audit, backup, schema
from portal.models import Entry, EntryKind, Report, today
from portal.staff_models import AuditEvent
from portal.storage import BlobStore

#: Audit actions of this module (not activity: a retention event must not keep a report).
REPORT_EXPIRED = "retention_report_deleted"
REPLIES_EXPIRED = "retention_replies_deleted"
RUN = "retention_run"
_OWN_ACTIONS = (REPORT_EXPIRED, REPLIES_EXPIRED, RUN)
ORPHAN_GRACE_SECONDS = 3600


@dataclass
class RetentionResult:
    """What a run deleted (or would delete, in a dry run)."""

    reports: list[str] = field(default_factory=list)
    kept_referenced: list[str] = field(default_factory=list)
    replies: int = 0
    blobs: int = 0
    orphans: int = 0

    def summary(self) -> str:
        """One line for the operator."""
        text = (f"{len(self.reports)} report(s), {self.replies} reply(ies), "
                f"{self.blobs} blob(s), {self.orphans} orphaned file(s)")
        if self.kept_referenced:
            text += f"; {len(self.kept_referenced)} report(s) kept: still referenced"
        return text


def last_activity(session: Session) -> dict[str, dt.date]:
    """Every report's latest activity date."""
    latest: dict[str, dt.date] = {}

    def bump(rows: Iterable[tuple[str, dt.date | dt.datetime | None]]) -> None:
        for report_id, when in rows:
            if when is None:
                continue
            day = when.date() if isinstance(when, dt.datetime) else when
            if report_id in latest and latest[report_id] >= day:
                continue
            latest[report_id] = day

    bump(session.execute(select(Report.id, Report.received_on)).all())
    bump(session.execute(select(Report.id, Report.updated_on)).all())
    bump(session.execute(
        select(Entry.report_id, func.max(Entry.added_on)).group_by(Entry.report_id)
    ).all())
    for table in _report_tables():
        if "added_on" in table.c:
            bump(session.execute(
                select(table.c.report_id, func.max(table.c.added_on)).group_by(table.c.report_id)
            ).all())
    tables = schema.metadata().tables
    if "case_report" in tables and "case_record" in tables:
        # A report in a case lives as long as the case is worked on.
        links, cases = tables["case_report"], tables["case_record"]
        bump(session.execute(
            select(links.c.report_id, func.max(cases.c.updated_on))
            .join(cases, cases.c.id == links.c.case_id)
            .group_by(links.c.report_id)
        ).all())
    bump(session.execute(
        select(AuditEvent.report_id, func.max(AuditEvent.at))
        .where(AuditEvent.report_id.is_not(None), AuditEvent.action.not_in(_OWN_ACTIONS))
        .group_by(AuditEvent.report_id)
    ).all())
    return latest


def _report_tables(*, owned: bool = True) -> list[Table]:
    """Tables (other than entry) with a report_id foreign key to report.id.

    ``owned=True``: those deleted with the report (ON DELETE CASCADE: notes, tags);
    ``owned=False``: those that only point at it (e.g. a case), which keep it alive.
    """
    tables = []
    for table in schema.metadata().sorted_tables:
        if table.name in {"report", "entry"} or "report_id" not in table.c:
            continue
        keys = [fk for fk in table.c.report_id.foreign_keys if fk.column.table.name == "report"]
        if keys and all((fk.ondelete or "").upper() == "CASCADE" for fk in keys) == owned:
            tables.append(table)
    return tables


def _still_referenced(session: Session, report_id: str) -> bool:
    return any(
        session.scalar(select(table.c.report_id).where(table.c.report_id == report_id).limit(1))
        is not None
        for table in _report_tables(owned=False)
    )


def _blobs_of(session: Session, report_id: str) -> list[str]:
    ids = list(session.scalars(select(Entry.blob_id).where(Entry.report_id == report_id)))
    for table in _report_tables():
        for column in backup.blob_columns(table):
            ids.extend(v for v in session.scalars(
                select(table.c[column]).where(table.c.report_id == report_id)) if v)
    return ids


def expired_reports(session: Session, days: int, on: dt.date) -> list[str]:
    """Ids of reports whose last activity is `days` or more days before `on`."""
    if days <= 0:
        return []
    cutoff = on - dt.timedelta(days=days)
    return sorted(rid for rid, day in last_activity(session).items() if day <= cutoff)


def _delete_report(session: Session, secret_key: str, report_id: str) -> list[str]:
    """Delete one report and the rows it owns; returns their blob ids."""
    blob_ids = _blobs_of(session, report_id)
    for table in _report_tables():
        session.execute(delete(table).where(table.c.report_id == report_id))
    session.execute(delete(Entry).where(Entry.report_id == report_id))
    session.execute(delete(Report).where(Report.id == report_id))
    audit.record(session, secret_key, REPORT_EXPIRED, report_id=report_id,
                 detail=f"{len(blob_ids)} blob(s)")
    return blob_ids


def _expire_replies(session: Session, secret_key: str, days: int, on: dt.date,
                    dry_run: bool) -> tuple[int, list[str]]:
    if days <= 0:
        return 0, []
    cutoff = on - dt.timedelta(days=days)
    rows = session.execute(
        select(Entry.id, Entry.report_id, Entry.blob_id)
        .where(Entry.kind == EntryKind.REPLY.value, Entry.added_on <= cutoff)
        .order_by(Entry.report_id, Entry.id)
    ).all()
    if dry_run or not rows:
        return len(rows), []
    per_report: dict[str, int] = {}
    for row in rows:
        per_report[row.report_id] = per_report.get(row.report_id, 0) + 1
    session.execute(delete(Entry).where(Entry.id.in_([row.id for row in rows])))
    for report_id, count in per_report.items():
        audit.record(session, secret_key, REPLIES_EXPIRED, report_id=report_id,
                     detail=f"{count} reply(ies)")
    return len(rows), [row.blob_id for row in rows]


def run(session: Session, blobs: BlobStore, secret_key: str, *, days: int,
        reply_days: int = 0, on: dt.date | None = None, dry_run: bool = False) -> RetentionResult:
    """Apply the retention rules as of the date `on` (default: today, UTC)."""
    on = on or today()
    result = RetentionResult()
    doomed_blobs: list[str] = []
    for report_id in expired_reports(session, days, on):
        if _still_referenced(session, report_id):
            result.kept_referenced.append(report_id)
            continue
        result.reports.append(report_id)
        if dry_run:
            result.blobs += len(_blobs_of(session, report_id))
            continue
        doomed_blobs.extend(_delete_report(session, secret_key, report_id))
    result.replies, reply_blobs = _expire_replies(session, secret_key, reply_days, on, dry_run)
    doomed_blobs.extend(reply_blobs)
    if dry_run:
        session.rollback()
        return result
    result.blobs = len(doomed_blobs)
    audit.record(session, secret_key, RUN, detail=result.summary()[:200])
    session.commit()
    blobs.delete_many(doomed_blobs)
    referenced = backup.referenced_blob_ids(session.connection())
    session.rollback()  # end the read transaction
    result.orphans = blobs.sweep(referenced, ORPHAN_GRACE_SECONDS)
    return result
