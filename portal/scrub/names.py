"""Safe file names: no paths, no control characters, an extension that matches
the content, and no capture time left in camera-style names."""

from __future__ import annotations

import re
import unicodedata

from portal.scrub.sniff import EXTENSIONS, family

MAX_STEM = 80

# Names that phones, cameras and messengers give files embed the capture time
# ("IMG_20240301_142233", "PXL_20240301_142233123", "WhatsApp Image 2024-03-01 at
# 14.22.33", "Screenshot 2024-03-01 at 14.22.33", "VID-20240301-WA0003").
_DATE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}[-_.]?(?:0[1-9]|1[0-2])[-_.]?(?:0[1-9]|[12]\d|3[01])(?!\d{3})"
)
_TIME = re.compile(r"(?<!\d)(?:[01]\d|2[0-3])[.:_-]?[0-5]\d[.:_-]?[0-5]\d(?!\d{2})")
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]+")
_GENERIC = {"image": "picture", "pdf": "document", "office": "document", "audio": "recording",
            "video": "video", "text": "text"}


def has_capture_time(name: str) -> bool:
    """True when a file name carries a date (and so probably a capture time)."""
    return bool(_DATE.search(name))


def safe_filename(name: str, media_type: str | None = None) -> str:
    """Return a file name safe to show and to offer for download.

    Drops any directory part, control and reserved characters and leading dots;
    normalises Unicode (NFC) and length; replaces the extension with the one
    for ``media_type`` (the detected type) when it does not already match; and
    replaces a stem that contains a date with a generic word, since camera and
    messenger names record the exact capture time.  Chinese, Tibetan and Uyghur
    letters are kept.
    """
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" ._")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    if media_type:
        wanted = EXTENSIONS.get(media_type, "bin")
        if not _extension_fits(ext.lower(), media_type):
            ext = wanted
    fam = family(media_type) if media_type else "other"
    if not stem or has_capture_time(stem):
        stem = _GENERIC.get(fam, "file")
    stem = stem[:MAX_STEM].rstrip(" ._") or "file"
    ext = re.sub(r"[^0-9A-Za-z]", "", ext)[:10].lower()
    return f"{stem}.{ext}" if ext else stem


def _extension_fits(ext: str, media_type: str) -> bool:
    """True when ``ext`` is a usual extension for ``media_type``."""
    from portal.scrub.sniff import ALIASES  # the same table the mismatch check uses

    return ext == EXTENSIONS.get(media_type) or ext in ALIASES.get(media_type, set())
