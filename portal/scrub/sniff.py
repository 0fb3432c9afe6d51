"""Decide a file's type from its content (magic bytes), never from its name.

A file's name and the browser's declared type are chosen by whoever sent it;
the bytes decide which parser sees it.  Zip-based office formats are told apart
by the names of their parts, which needs the whole file (see :func:`detect`).
"""

from __future__ import annotations

import io
import zipfile

OCTET = "application/octet-stream"
ZIP = "application/zip"
OLE = "application/x-ole-storage"

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
OOXML = (DOCX, XLSX, PPTX)
ODF = (ODT, ODS, ODP)

IMAGES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/tiff", "image/bmp")
HEIF = ("image/heic", "image/avif")
AUDIO = ("audio/mpeg", "audio/mp4", "audio/ogg", "audio/flac", "audio/wav")
VIDEO = ("video/mp4", "video/quicktime", "video/webm")

EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif",
    "image/tiff": "tif", "image/bmp": "bmp", "image/heic": "heic", "image/avif": "avif",
    "application/pdf": "pdf", DOCX: "docx", XLSX: "xlsx", PPTX: "pptx",
    ODT: "odt", ODS: "ods", ODP: "odp", ZIP: "zip", OLE: "doc",
    "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/ogg": "ogg", "audio/flac": "flac",
    "audio/wav": "wav", "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
    "video/x-matroska": "mkv", "video/x-msvideo": "avi",
    "text/plain": "txt", "text/csv": "csv", OCTET: "bin", "application/rtf": "rtf",
    "application/postscript": "ps", "text/html": "html", "image/svg+xml": "svg",
    "application/xml": "xml", "message/rfc822": "eml",
}

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_AUDIO_MP4_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A "}
_QT_BRANDS = {b"qt  "}


def family(media_type: str) -> str:
    """The cleaner family of a media type: image, pdf, office, audio, video, text, other."""
    if media_type in IMAGES or media_type in HEIF:
        return "image"
    if media_type == "application/pdf":
        return "pdf"
    if media_type in OOXML or media_type in ODF:
        return "office"
    if media_type in AUDIO:
        return "audio"
    if media_type in VIDEO:
        return "video"
    if media_type in ("text/plain", "text/csv"):
        return "text"
    return "other"


def _iso_bmff(head: bytes) -> str | None:
    """Type of an ISO base media file (MP4, QuickTime, HEIF, AVIF) from its ftyp box."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    size = int.from_bytes(head[0:4], "big")
    major = head[8:12]
    brands = {major}
    end = min(size, len(head)) if size >= 16 else min(len(head), 64)
    for i in range(16, end - 3, 4):
        brands.add(head[i : i + 4])
    # The major brand says what the file is; compatible brands only break ties.
    if major in _AVIF_BRANDS:
        return "image/avif"
    if major in _HEIF_BRANDS:
        return "image/heic"
    if major in _AUDIO_MP4_BRANDS:
        return "audio/mp4"
    if major in _QT_BRANDS:
        return "video/quicktime"
    if brands & _AVIF_BRANDS and not brands & {b"isom", b"mp41", b"mp42"}:
        return "image/avif"
    if brands & _HEIF_BRANDS and not brands & {b"isom", b"mp41", b"mp42"}:
        return "image/heic"
    return "video/mp4"


def _mp3_frame(head: bytes) -> bool:
    """True if ``head`` starts with an MPEG audio frame header."""
    if len(head) < 4 or head[0] != 0xFF or (head[1] & 0xE0) != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    # Layer III only: bare Layer I/II streams are rare, and their loose sync
    # pattern would also match other files.
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def _looks_like_text(head: bytes) -> bool:
    """True for bytes that decode as text (UTF-8/16 with BOM, or no control bytes)."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls == 0


def sniff_type(head: bytes) -> str:
    """Return the media type of a file from its first bytes (4 KiB are plenty).

    Zip-based formats are only told apart here when ``head`` is the whole file
    (office documents need their part names); otherwise they are ``application/zip``
    or, for OpenDocument, recognised by the ``mimetype`` entry that leads the file.
    """
    if not head:
        return OCTET
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith(b"BM") and len(head) >= 26 and head[14] in (12, 40, 52, 56, 64, 108, 124):
        return "image/bmp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(head)
    bmff = _iso_bmff(head)
    if bmff:
        return bmff
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head.startswith(b"OggS"):
        return OCTET if b"\x80theora" in head[:512] else "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return "text/plain"  # a byte-order mark; before MPEG, whose sync FFE.. it resembles
    if head.startswith(b"ID3") or _mp3_frame(head):
        return "audio/mpeg"
    marked_up = _marked_up_text(head)
    if marked_up:
        return marked_up
    if b"%PDF-" in head[:1024]:
        # Readers accept a PDF header anywhere in the first 1024 bytes; some
        # generators and mail gateways leave bytes before it.
        return "application/pdf"
    if _looks_like_text(head[:4096]):
        return "text/plain"
    return OCTET


_EMAIL_HEADERS = (b"received:", b"return-path:", b"from:", b"mime-version:", b"message-id:",
                  b"delivered-to:", b"x-", b"date:", b"subject:", b"to:")


def _marked_up_text(head: bytes) -> str | None:
    """Text formats that carry metadata of their own (never "plain" text).

    RTF has an {\\info} group with author and company, HTML and SVG have meta and
    metadata elements (SVG editors store the author's file paths), PostScript
    has %%For (the user name), e-mail has headers with addresses and servers.
    """
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512]
    lower = start.lower()
    if lower.startswith(b"{\\rtf"):
        return "application/rtf"
    if lower.startswith(b"%!ps"):
        return "application/postscript"
    if lower.startswith((b"<!doctype html", b"<html")) or b"<html" in lower[:256]:
        return "text/html"
    if b"<svg" in lower:
        return "image/svg+xml"
    if lower.startswith(b"<?xml"):
        return "application/xml"
    first_line = lower.split(b"\n", 1)[0]
    if first_line.startswith(_EMAIL_HEADERS) and b":" in first_line and b"\n" in lower and (
            lower.count(b"\n") >= 2 and any(h in lower for h in (b"\nfrom:", b"\nreceived:",
                                                                   b"\nsubject:", b"\nto:"))):
        return "message/rfc822"
    return None


def _zip_type(data: bytes) -> str:
    """Tell OpenDocument and Office Open XML apart from other zip files."""
    # OpenDocument stores an uncompressed "mimetype" entry first (ODF 1.2, 3.3).
    if data[30:38] == b"mimetype":
        start = 30 + 8 + int.from_bytes(data[28:30], "little")
        declared = data[start : start + 60].split(b"PK", 1)[0].decode("ascii", "replace")
        for odf in ODF:
            if declared.strip() == odf:
                return odf
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except Exception:  # noqa: BLE001 - sniffing must never raise, whatever the bytes say
        return ZIP
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        if "ppt/presentation.xml" in names:
            return PPTX
    return ZIP


def matches(media_type: str, filename: str, declared_type: str | None) -> bool:
    """False when the name's extension or the declared type contradict the content."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    allowed = ALIASES.get(media_type, set()) | {EXTENSIONS.get(media_type, "")}
    if ext and ext not in allowed:
        return False
    if declared_type:
        declared = declared_type.split(";", 1)[0].strip().lower()
        if declared not in ("", OCTET) and declared != media_type:
            return declared in _TYPE_ALIASES.get(media_type, set())
    return True


ALIASES: dict[str, set[str]] = {
    "image/jpeg": {"jpg", "jpeg", "jpe", "jfif"},
    "image/tiff": {"tif", "tiff"},
    "image/heic": {"heic", "heif", "hif"},
    "text/plain": {"txt", "text", "csv", "tsv", "md", "log"},
    "text/csv": {"csv", "txt"},
    "video/mp4": {"mp4", "m4v"},
    "audio/mp4": {"m4a", "m4b", "mp4", "aac"},
    "audio/ogg": {"ogg", "oga", "opus"},
    "audio/wav": {"wav", "wave"},
    "video/quicktime": {"mov", "qt"},
    "text/html": {"html", "htm"},
    "application/postscript": {"ps", "eps"},
    "message/rfc822": {"eml", "msg", "mbox"},
}
_TYPE_ALIASES: dict[str, set[str]] = {
    "image/jpeg": {"image/jpg", "image/pjpeg"},
    "image/heic": {"image/heif", "image/heic-sequence", "image/heif-sequence"},
    "audio/mpeg": {"audio/mp3"},
    "audio/wav": {"audio/x-wav", "audio/wave", "audio/vnd.wave"},
    "audio/mp4": {"audio/x-m4a", "audio/m4a", "audio/aac"},
    "audio/flac": {"audio/x-flac"},
    "text/plain": {"text/csv", "text/markdown", "text/tab-separated-values"},
    "text/csv": {"text/plain", "application/vnd.ms-excel"},
}
