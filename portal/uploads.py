"""A request class whose uploads never touch the disk in the clear.

Werkzeug spools any upload of a request over 500 KiB into a temporary file; for
us that would be a plaintext copy of a source's file on disk. Every file part is
kept in memory instead; the request size is bounded by MAX_CONTENT_LENGTH and
non-file fields by MAX_FORM_MEMORY_SIZE, both checked by Werkzeug while parsing.
"""

from __future__ import annotations

from typing import IO

from flask import Request
from werkzeug.exceptions import HTTPException

from portal.attachments import memory_stream


class InMemoryUploadRequest(Request):
    """Flask request that buffers every uploaded file in memory."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return memory_stream()


def drain_input(request: Request, limit: int) -> None:
    """Read and discard the unread rest of a request body (at most `limit` bytes).

    Answering 413 while the browser is still sending makes the server close the
    connection with unread data, which browsers show as "connection reset"
    instead of our page. Reading the rest (into nothing) lets the page arrive.
    """
    length = request.content_length
    if not length:
        return
    max_length = request.max_content_length
    if max_length is not None and length > max_length:
        # Refused before anything was read: exactly `length` bytes are pending.
        stream = request.environ.get("wsgi.input")
        remaining = min(length, limit)
    else:
        # Refused part-way through parsing: Werkzeug's limited stream knows the rest.
        stream = request.stream
        remaining = limit
    if stream is None:
        return
    while remaining > 0:
        try:
            chunk = stream.read(min(remaining, 1024 * 1024))
        except (OSError, ValueError, HTTPException):
            return
        if not chunk:
            return
        remaining -= len(chunk)
