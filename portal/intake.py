"""Reports in and out: create, add to, reply to, read status of, and delete reports.

Order of work for every write, so that a crash at any moment leaves either a
complete report or nothing: (1) scrub every file in memory (a refused file stops
everything before anything is written), (2) encrypt each blob to a temporary file,
fsync, rename, (3) only then insert and commit the database rows. If anything
fails, the rows are rolled back and the blobs already written are removed; a crash
between (2) and (3) leaves only unreferenced ciphertext, which `portal storage
sweep` removes. No plaintext is ever written anywhere.

This module knows nothing of Flask requests: views pass it a database session,
the blob store and the recipients.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import crypto
from portal import attachments, codename, documents
from portal.attachments import Prepared, Upload
from portal.models import Entry, EntryKind, Report, Reviewer, Setting, today
from portal.storage import BlobStore

log = logging.getLogger(__name__)

FILE_MIN_BUCKET = 64 * 1024


class NotAccepting(Exception):
    """No reviewer (and no organization) recipient is configured: refuse reports."""


@dataclass(frozen=True)
class Receipt:
    """What the source is told after a successful submission."""

    report_id: str
    codename: str
    files: list[dict[str, Any]]


def installation_salt(session: Session) -> bytes:
    """The per-installation codename salt, created on first use."""
    row = session.get(Setting, codename.SALT_SETTING)
    if row is None:
        session.add(Setting(
            key=codename.SALT_SETTING,
            value=base64.b64encode(secrets.token_bytes(16)).decode("ascii"),
        ))
        try:
            session.commit()
        except IntegrityError:
            # Another worker created it at the same moment: use theirs.
            session.rollback()
        row = session.get(Setting, codename.SALT_SETTING)
        if row is None:  # pragma: no cover - only if the insert failed for another reason
            raise RuntimeError("cannot create the codename salt")
    return base64.b64decode(row.value)


def active_recipients(session: Session, org_recipient: str | None) -> list[crypto.Recipient]:
    """Recipients of every active reviewer plus the organization's offline one.

    Raises NotAccepting when there are none: a report is never stored unencrypted.
    """
    texts = list(session.scalars(select(Reviewer.recipient).where(Reviewer.active)))
    if org_recipient:
        texts.append(org_recipient)
    recipients: list[crypto.Recipient] = []
    for text in dict.fromkeys(texts):
        try:
            recipients.append(crypto.parse_recipient(text))
        except crypto.AgeError:
            # A broken key must not stop intake; it is logged without its value.
            log.error("skipping a reviewer recipient that does not parse")
    if not recipients:
        raise NotAccepting
    return recipients


def add_reviewer(session: Session, recipient: str) -> Reviewer:
    """Register (or re-activate) a reviewer's public recipient; validates it."""
    text = crypto.parse_recipient(recipient.strip()).to_string()
    reviewer = session.scalar(select(Reviewer).where(Reviewer.recipient == text))
    if reviewer is None:
        reviewer = Reviewer(recipient=text, active=True)
        session.add(reviewer)
    reviewer.active = True
    session.commit()
    return reviewer


def create_report(
    session: Session,
    blobs: BlobStore,
    recipients: Sequence[crypto.Recipient],
    document: dict[str, Any],
    uploads: Sequence[Upload],
    *,
    word_count: int,
    kdf: codename.KdfParams,
) -> Receipt:
    """Store a new report; returns the codename (shown once, never stored)."""
    prepared = [attachments.prepare(upload) for upload in uploads]
    salt = installation_salt(session)
    while True:
        new_codename = codename.generate(word_count)
        keys, _seed = codename.derive_keys(new_codename, salt, kdf)
        # A collision is astronomically unlikely; checking costs one indexed query.
        if session.scalar(select(Report.id).where(Report.lookup_tag == keys.lookup_tag)) is None:
            break
    report = Report(lookup_tag=keys.lookup_tag, reply_recipient=keys.reply_recipient)
    _write_entries(session, blobs, recipients, report, EntryKind.REPORT, document, prepared, 0)
    return Receipt(report.id, new_codename, [p.report for p in prepared])


def add_to_report(
    session: Session,
    blobs: BlobStore,
    recipients: Sequence[crypto.Recipient],
    report: Report,
    kind: EntryKind,
    document: dict[str, Any],
    uploads: Sequence[Upload] = (),
) -> list[dict[str, Any]]:
    """Append more information, files or a consent change to a report."""
    prepared = [attachments.prepare(upload) for upload in uploads]
    first_seq = _next_seq(session, report)
    report.updated_on = today()
    _write_entries(session, blobs, recipients, report, kind, document, prepared, first_seq)
    return [p.report for p in prepared]


def add_reply(
    session: Session,
    blobs: BlobStore,
    report: Report,
    text: str,
    reviewer_recipients: Sequence[crypto.Recipient],
) -> Entry:
    """A reviewer's reply: readable by the source (codename key) and by reviewers."""
    recipients = [crypto.parse_recipient(report.reply_recipient), *reviewer_recipients]
    data = documents.encode({"kind": EntryKind.REPLY.value, "text": text})
    stored = blobs.put(data, recipients)
    entry = Entry(
        report_id=report.id,
        seq=_next_seq(session, report),
        kind=EntryKind.REPLY.value,
        blob_id=stored.blob_id,
        size_bucket=documents.size_bucket(len(data)),
    )
    try:
        session.add(entry)
        session.commit()
    except BaseException:
        session.rollback()
        blobs.delete(stored.blob_id)
        raise
    return entry


def _next_seq(session: Session, report: Report) -> int:
    current = session.scalar(select(func.max(Entry.seq)).where(Entry.report_id == report.id))
    return 0 if current is None else current + 1


def _write_entries(
    session: Session,
    blobs: BlobStore,
    recipients: Sequence[crypto.Recipient],
    report: Report,
    kind: EntryKind,
    document: dict[str, Any],
    prepared: list[Prepared],
    first_seq: int,
) -> None:
    written: list[str] = []
    try:
        entries: list[Entry] = []
        total = 0
        for offset, item in enumerate(prepared, start=1):
            attachments.store(item, blobs, list(recipients))
            if item.blob_id is None:  # pragma: no cover - store() always sets it
                raise RuntimeError("file not stored")
            written.append(item.blob_id)
            total += item.stored_size
            entries.append(
                Entry(
                    seq=first_seq + offset,
                    kind=EntryKind.FILE.value,
                    blob_id=item.blob_id,
                    size_bucket=documents.size_bucket(item.stored_size, FILE_MIN_BUCKET),
                )
            )
        data = documents.encode(
            {**document, "kind": kind.value, "files": [p.report for p in prepared]}
        )
        stored = blobs.put(data, recipients)
        written.append(stored.blob_id)
        total += len(data)
        entries.insert(
            0,
            Entry(
                seq=first_seq,
                kind=kind.value,
                blob_id=stored.blob_id,
                size_bucket=documents.size_bucket(len(data)),
            ),
        )
        report.size_bucket = documents.size_bucket(max(total, report.size_bucket or 0))
        if any(p.result.outcome == attachments.NOT_SCRUBBED for p in prepared):
            report.metadata_kept = True  # triage shows it; the file keeps its metadata
        if report not in session:
            session.add(report)
        report.entries.extend(entries)
        session.commit()
    except BaseException:
        session.rollback()
        blobs.delete_many(written)
        raise


def find_report(session: Session, typed_codename: str, kdf: codename.KdfParams) -> tuple[
    Report | None, str, bytes
]:
    """Look a report up by codename: (report or None, lookup tag, reply seed)."""
    keys, seed = codename.derive_keys(typed_codename, installation_salt(session), kdf)
    report = session.scalar(select(Report).where(Report.lookup_tag == keys.lookup_tag))
    return report, keys.lookup_tag, seed


def read_replies(blobs: BlobStore, report: Report, seed: bytes) -> list[dict[str, Any]]:
    """Decrypt the replies of a report with the source's reply key (from its seed)."""
    identity = codename.reply_identity(seed)
    replies: list[dict[str, Any]] = []
    for entry in report.entries:
        if entry.kind != EntryKind.REPLY.value:
            continue
        try:
            document = documents.decode(blobs.decrypt(entry.blob_id, [identity]))
        except (crypto.AgeError, ValueError, OSError):
            log.error("a reply could not be read")
            continue
        replies.append({"text": str(document.get("text", "")), "date": entry.added_on})
    return replies


def delete_report(session: Session, blobs: BlobStore, report: Report) -> None:
    """Delete a report: rows first (committed), then its blobs."""
    blob_ids = [entry.blob_id for entry in report.entries]
    session.delete(report)
    session.commit()
    blobs.delete_many(blob_ids)
