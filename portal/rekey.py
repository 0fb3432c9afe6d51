"""Re-keying: give every stored blob a header for the current set of reviewers.

When a reviewer is added or revoked, the recipients of new reports change at once
(intake encrypts to the active reviewers). Existing blobs keep their old headers
until an unlocked reviewer runs a re-key: for each blob the file key is unwrapped
with that reviewer's identity and wrapped again for the current recipients
(:func:`crypto.rekey`; the payload bytes are copied, not re-encrypted). So a
revoked reviewer's key opens nothing re-keyed afterwards, and a new reviewer can
read the backlog only after someone who already could has re-keyed it.

Each blob is replaced atomically (temporary file in the store, fsync, rename); a
crash leaves every blob either old or new, both valid. Replies keep the source's
codename recipient. Every re-keyed report is audited, and so is each run.
Caveat, stated plainly: re-keying cannot take back what a revoked reviewer already
downloaded or copied; it only stops their key from opening the stored files.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import crypto
from portal import audit, intake
from portal.models import Entry, EntryKind, Report
from portal.staff_models import RekeyJob, ReportNote, ReportTags, StaffAccount, now
from portal.storage import BlobStore


@dataclass
class RekeyResult:
    """Counts of one run, report ids this identity could not open, and whether the pass
    over all reports still has more to do (web runs go in batches)."""

    blobs: int = 0
    reports: int = 0
    skipped_reports: list[str] = field(default_factory=list)
    remaining: bool = False


def pending(session: Session) -> int:
    """How many reviewer changes still wait for a re-key."""
    return len(list(session.scalars(select(RekeyJob.id).where(RekeyJob.done_at.is_(None)))))


def queue(session: Session, reason: str) -> None:
    """Record that the recipients changed: a full pass over the reports starts again."""
    session.execute(update(RekeyJob).where(RekeyJob.done_at.is_(None))
                    .values(cursor=None, skipped=0))
    session.add(RekeyJob(reason=reason))


def rekey_blob(blobs: BlobStore, blob_id: str, identities: Sequence[crypto.Identity],
               recipients: Sequence[crypto.Recipient]) -> None:
    """Replace one blob by a copy with a new header (atomic; raises crypto.AgeError)."""
    final = blobs.path(blob_id)
    blobs.ensure()
    tmp = (blobs.root / ".tmp" / f"{secrets.token_hex(16)}.rekey").resolve()
    if not tmp.is_relative_to(blobs.root):
        raise ValueError("temporary path escapes the store")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, blobs.open(blob_id) as src:
            crypto.rekey(src, out, list(identities), list(recipients))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _report_blobs(session: Session, report_id: str) -> Iterator[tuple[str, bool]]:
    """(blob id, is a reply) of everything stored for a report."""
    for blob_id, kind in session.execute(
        select(Entry.blob_id, Entry.kind).where(Entry.report_id == report_id)
    ):
        yield blob_id, kind == EntryKind.REPLY.value
    for blob_id in session.scalars(select(ReportNote.blob_id).where(
            ReportNote.report_id == report_id)):
        yield blob_id, False
    for blob_id in session.scalars(select(ReportTags.blob_id).where(
            ReportTags.report_id == report_id)):
        yield blob_id, False


def rekey_all(session: Session, blobs: BlobStore, secret_key: str,
              identities: Sequence[crypto.Identity], org_recipient: str | None,
              actor: StaffAccount, limit: int | None = None) -> RekeyResult:
    """Re-key reports to the current recipients, continuing the pending jobs' pass.

    At most `limit` reports are done per call (None: all that remain); the result
    says whether more remain. When a pass ends with nothing skipped, the pending
    jobs are done. Reports this identity cannot open are skipped whole (listed in
    the result): another reviewer who can must run a pass too.
    """
    recipients = intake.active_recipients(session, org_recipient)
    jobs = list(session.scalars(select(RekeyJob).where(RekeyJob.done_at.is_(None))))
    cursors = [job.cursor for job in jobs]
    start = None if not cursors or None in cursors else min(c for c in cursors if c)
    result = RekeyResult()
    query = select(Report.id).order_by(Report.id)
    if start is not None:
        query = query.where(Report.id > start)
    if limit is not None:
        query = query.limit(limit + 1)
    report_ids = list(session.scalars(query))
    if limit is not None and len(report_ids) > limit:
        report_ids, result.remaining = report_ids[:limit], True
    for report_id in report_ids:
        report = session.get(Report, report_id)
        if report is None:
            continue
        reply_recipient = crypto.parse_recipient(report.reply_recipient)
        done_here = 0
        try:
            for blob_id, is_reply in _report_blobs(session, report_id):
                targets = [reply_recipient, *recipients] if is_reply else recipients
                rekey_blob(blobs, blob_id, identities, targets)
                done_here += 1
        except crypto.AgeError:
            result.skipped_reports.append(report_id)
        if done_here:
            result.blobs += done_here
            result.reports += 1
            audit.record(session, secret_key, audit.Action.REKEY, actor=actor,
                         report_id=report_id, detail=f"{done_here} blob(s)")
            session.commit()
    for job in jobs:
        job.skipped = (job.skipped or 0) + len(result.skipped_reports)
        if result.remaining:
            job.cursor = report_ids[-1]
        elif job.skipped == 0:
            job.done_at = now()
        else:
            # Another reviewer, whose key opens what this one could not, must do a pass.
            job.cursor, job.skipped = None, 0
    audit.record(session, secret_key, audit.Action.REKEY_RUN, actor=actor,
                 detail=f"{result.reports} report(s), {len(result.skipped_reports)} skipped")
    session.commit()
    return result
