"""The single entry point: detect the type, pick the cleaner, report the outcome."""

from __future__ import annotations

import logging

from portal.scrub import labels as L
from portal.scrub.limits import Limits
from portal.scrub.names import has_capture_time, safe_filename
from portal.scrub.result import (
    CLEANED,
    NOT_SCRUBBED,
    REJECTED,
    UNCHANGED,
    Cleaned,
    Rejected,
    ScrubResult,
    Unscrubbable,
    ordered,
)
from portal.scrub.sniff import OCTET, OLE, ZIP, family, matches, sniff_type

log = logging.getLogger(__name__)


def scrub(data: bytes, filename: str, declared_type: str | None = None, *,
          keep_original: bool = False, limits: Limits | None = None) -> ScrubResult:
    """Remove identifying metadata from one file held in memory.

    The type is decided from the content; ``filename`` and ``declared_type`` only
    serve to report a mismatch and to start the safe name.  Never raises for bad
    input: every damaged, hostile or unsupported file gets an outcome (see
    :class:`ScrubResult`).  ``keep_original`` stores the bytes as sent, on the
    defender's explicit request.
    """
    limits = limits or Limits()
    try:
        media_type = sniff_type(data)
    except Exception:  # noqa: BLE001 - defence in depth: sniffing is written not to raise
        media_type = OCTET
    warns: list[str] = []
    if not matches(media_type, filename, declared_type):
        warns.append(L.TYPE_MISMATCH)
    if not data:
        return ScrubResult(REJECTED, None, safe_filename(filename, media_type), media_type,
                           warnings=tuple(warns), reason=L.R_EMPTY)
    if keep_original:
        return _as_sent(data, filename, media_type, warns, L.KEPT_ORIGINAL)
    if len(data) > limits.cap_for(media_type):
        return _as_sent(data, filename, media_type, warns, L.TOO_BIG)
    try:
        cleaned = _clean(data, media_type, limits)
    except Rejected as exc:
        return ScrubResult(REJECTED, None, safe_filename(filename, media_type), media_type,
                           warnings=ordered(warns), reason=exc.reason)
    except Unscrubbable as exc:
        return _as_sent(data, filename, media_type, warns, *exc.warnings)
    except (RecursionError, MemoryError):
        return ScrubResult(REJECTED, None, safe_filename(filename, media_type), media_type,
                           warnings=ordered(warns), reason=L.R_TOO_COMPLEX)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not become a 500 or a crash
        # Only the type and the exception's class are logged: messages and
        # tracebacks can quote the file's content (logging policy).
        log.error("scrubbing failed for a %s file: %s", media_type, type(exc).__name__)
        return ScrubResult(REJECTED, None, safe_filename(filename, media_type), media_type,
                           warnings=ordered(warns), reason=L.R_DAMAGED)
    removed = list(cleaned.removed) + _name_labels(filename)
    name = safe_filename(filename, cleaned.media_type)
    outcome = UNCHANGED if cleaned.unchanged else CLEANED
    return ScrubResult(outcome, cleaned.data, name, cleaned.media_type, ordered(removed),
                       ordered(warns + cleaned.warnings))


def oversize_result(filename: str, media_type: str) -> ScrubResult:
    """The result the intake records for a file it streamed unscrubbed (over the cap).

    ``data`` is None: the bytes went straight into the encrypting sink.
    """
    return ScrubResult(NOT_SCRUBBED, None, safe_filename(filename, media_type), media_type,
                       warnings=(L.TOO_BIG, L.NOT_REMOVED))


def _as_sent(data: bytes, filename: str, media_type: str, warns: list[str],
             *why: str) -> ScrubResult:
    """Stored exactly as sent, with the reasons and the plain 'not removed' warning."""
    return ScrubResult(NOT_SCRUBBED, data, safe_filename(filename, media_type), media_type,
                       removed=ordered(_name_labels(filename)),
                       warnings=ordered([*warns, *why, L.NOT_REMOVED]))


def _name_labels(filename: str) -> list[str]:
    """The capture time a camera-style name carried (safe_filename drops it)."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return [L.NAME_DATE] if has_capture_time(stem) else []


def _clean(data: bytes, media_type: str, limits: Limits) -> Cleaned:
    """Dispatch to the cleaner for the type's family (imports kept lazy: each
    family pulls in a heavy library)."""
    fam = family(media_type)
    if fam == "image":
        from portal.scrub.images import clean_image

        return clean_image(data, media_type, limits)
    if fam == "pdf":
        from portal.scrub.pdf import clean_pdf

        return clean_pdf(data, limits)
    if fam == "office":
        from portal.scrub.office import clean_office

        return clean_office(data, media_type, limits)
    if fam == "audio":
        from portal.scrub.audio import clean_audio

        return clean_audio(data, media_type, limits)
    if fam == "video":
        from portal.scrub.video import clean_video

        return clean_video(data, media_type, limits)
    if fam == "text":
        from portal.scrub.text import clean_text

        return clean_text(data, media_type)
    if media_type == ZIP:
        from portal.scrub.office import zip_is_encrypted, zip_is_readable

        if not zip_is_readable(data):
            raise Rejected(L.R_DAMAGED)  # e.g. a truncated office document
        if zip_is_encrypted(data):
            raise Unscrubbable(L.PASSWORD, L.ARCHIVE)
        raise Unscrubbable(L.UNSUPPORTED, L.ARCHIVE)
    if media_type == OLE:
        if "EncryptionInfo".encode("utf-16-le") in data:
            # A password-protected docx/xlsx/pptx is an OLE file with this stream.
            raise Unscrubbable(L.PASSWORD)
        raise Unscrubbable(L.UNSUPPORTED, L.OLD_OFFICE)
    raise Unscrubbable(L.UNSUPPORTED)
