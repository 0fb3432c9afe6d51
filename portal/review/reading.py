"""Decrypting a report for the report view, in memory only.

Every blob is decrypted into a bytes object and parsed; nothing is written
anywhere. A blob the reviewer's key cannot open (it arrived before they joined and
was not re-keyed yet) is listed as unreadable instead of failing the page.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from portal import documents
from portal.models import Entry, EntryKind, Report
from portal.staff_models import ReportNote, ReportTags
from portal.storage import BlobStore, StorageError

log = logging.getLogger(__name__)


@dataclass
class Part:
    """One decrypted document of a report (the report, an addition, consent, a reply)."""

    entry: Entry
    document: dict[str, Any] | None  # None when the key cannot open it


@dataclass
class Attachment:
    """A stored file and the scrub report that came with it."""

    entry: Entry
    scrub: dict[str, Any] | None

    @property
    def unscrubbed(self) -> bool:
        """True when the file still has its metadata (or nothing is known)."""
        return self.scrub is None or self.scrub.get("outcome") not in {"cleaned", "unchanged"}


@dataclass
class ReadReport:
    """Everything the report view shows."""

    report: Report
    parts: list[Part] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    notes: list[tuple[ReportNote, str | None]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    unreadable: int = 0
    #: The source's most recent consent answers (a later change overrides the report's).
    consent: dict[str, Any] | None = None

    @property
    def consent_withdrawn(self) -> bool:
        """True when the source withdrew consent: nothing may be shared."""
        return bool(self.consent and self.consent.get("withdrawn"))


def decrypt_document(blobs: BlobStore, blob_id: str,
                     identities: Sequence[crypto.Identity]) -> dict[str, Any] | None:
    """Decrypt and parse one stored JSON document; None if this key cannot open it."""
    try:
        return documents.decode(blobs.decrypt(blob_id, identities))
    except crypto.NoMatchError:
        return None
    except (crypto.AgeError, StorageError, ValueError, OSError):
        log.error("a stored document could not be read")
        return None


def read(session: Session, blobs: BlobStore, report: Report,
         identities: Sequence[crypto.Identity]) -> ReadReport:
    """Decrypt the report's documents, notes and tags; pair files with scrub reports."""
    result = ReadReport(report)
    scrub_reports: dict[str, dict[str, Any]] = {}
    files: list[Entry] = []
    for entry in report.entries:
        if entry.kind == EntryKind.FILE.value:
            files.append(entry)
            continue
        document = decrypt_document(blobs, entry.blob_id, identities)
        if document is None:
            result.unreadable += 1
        else:
            for item in document.get("files") or []:
                if isinstance(item, dict) and isinstance(item.get("blob"), str):
                    scrub_reports[item["blob"]] = item
        result.parts.append(Part(entry, document))
        if document is not None and isinstance(document.get("consent"), dict):
            result.consent = document["consent"]  # entries are in order: the last one wins
    result.attachments = [Attachment(e, scrub_reports.get(e.blob_id)) for e in files]
    for note in session.scalars(select(ReportNote).where(ReportNote.report_id == report.id)
                                .order_by(ReportNote.id)):
        document = decrypt_document(blobs, note.blob_id, identities)
        result.notes.append((note, None if document is None else str(document.get("text", ""))))
    tags_row = session.get(ReportTags, report.id)
    if tags_row is not None:
        document = decrypt_document(blobs, tags_row.blob_id, identities)
        if document is not None:
            result.tags = [str(t) for t in document.get("tags") or []]
    return result


#: Keys of a stored document that are not shown as fields (shown elsewhere or internal).
HIDDEN_KEYS = frozenset({"account", "text", "files", "format", "kind"})


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def label(key: str) -> str:
    """A stored key as a heading: the record's own English term ("un_body" -> "Un body")."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def pretty(value: Any) -> str:
    """A structured field as readable text: lists joined, nested fields one per line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(pretty(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{label(str(k))}: {pretty(v)}" for k, v in value.items()
                         if not _empty(v))
    return str(value)


def fields(document: dict[str, Any]) -> list[tuple[str, str]]:
    """The document's structured fields that have a value, as (label, text)."""
    return [(label(str(key)), pretty(value)) for key, value in document.items()
            if key not in HIDDEN_KEYS and not _empty(value)
            and not (isinstance(value, dict) and not pretty(value))]
