"""Attachments: scrub in memory, then hand to the blob store.

Each file is scrubbed in a child process (:func:`portal.scrub.scrub_isolated`):
the parsers are C libraries, and a hostile file that hangs or crashes one must
cost a refused file, not a web worker.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

import crypto
from portal import scrub
from portal.scrub import ScrubResult
from portal.storage import BlobStore

NOT_SCRUBBED = "not_scrubbed"
REJECTED = "rejected"


class AttachmentRefused(Exception):
    """The whole submission is refused because of one file (nothing is stored)."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class Upload:
    """One uploaded file as it arrived: in memory, never on disk."""

    filename: str
    declared_type: str | None
    stream: BinaryIO
    size: int


@dataclass
class Prepared:
    """A file after scrubbing, ready to be encrypted and stored."""

    result: ScrubResult
    original: BinaryIO | None = None  # streamed as sent when over the in-memory cap
    blob_id: str | None = None
    stored_size: int = 0
    report: dict[str, Any] = field(default_factory=dict)


def prepare(upload: Upload, keep_original: bool = False) -> Prepared:
    """Scrub one upload in memory; raises AttachmentRefused if it is rejected."""
    upload.stream.seek(0)
    head = upload.stream.read(4096)
    media_type = scrub.sniff_type(head)
    if upload.size > scrub.Limits().cap_for(media_type):
        # Too big to rewrite in memory: streamed to encryption as sent, and said so.
        upload.stream.seek(0)
        result = scrub.oversize_result(upload.filename, media_type)
        return Prepared(result=result, original=upload.stream)
    upload.stream.seek(0)
    data = upload.stream.read()
    result = scrub.scrub_isolated(data, upload.filename, upload.declared_type,
                                   keep_original=keep_original)
    if result.outcome == REJECTED:
        raise AttachmentRefused(
            _l("%(name)s was refused: %(reason)s", name=result.filename,
               reason=_translated(result.reason or "The file could not be accepted."))
        )
    return Prepared(result=result)


def _translated(msgid: str) -> object:
    from flask_babel import gettext

    return gettext(msgid)


def store(prepared: Prepared, blobs: BlobStore, recipients: list[crypto.Recipient]) -> None:
    """Encrypt and store one prepared file; fills in its blob id and report."""
    with blobs.writer(recipients) as writer:
        if prepared.original is not None:
            writer.copy_from(prepared.original)
        else:
            writer.write(prepared.result.data or b"")
    if writer.stored is None:  # pragma: no cover - writer() always sets it
        raise RuntimeError("blob not stored")
    prepared.blob_id = writer.stored.blob_id
    prepared.stored_size = writer.stored.plaintext_size
    result = prepared.result
    prepared.report = {
        "blob": prepared.blob_id,
        "filename": result.filename,
        "media_type": result.media_type,
        "outcome": result.outcome,
        "removed": list(result.removed),
        "warnings": list(result.warnings),
        "size": prepared.stored_size,
    }


def memory_stream(data: bytes = b"") -> io.BytesIO:
    """An in-memory binary buffer (the only kind of spool uploads ever get)."""
    return io.BytesIO(data)
