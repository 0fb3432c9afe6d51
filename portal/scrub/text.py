"""Plain text and CSV: nothing to remove; normalise the encoding to UTF-8."""

from __future__ import annotations

from portal.scrub import labels as L
from portal.scrub.result import Cleaned

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def clean_text(data: bytes, media_type: str) -> Cleaned:
    """Return the text as UTF-8 without a byte-order mark.

    UTF-8 and UTF-16 (with a BOM) are decoded exactly.  Legacy Chinese encodings
    are only converted when exactly one of GB18030 and Big5 decodes the bytes:
    most Big5 text is also valid GB18030 and would become nonsense, and a
    garbled statement is worse than one in its original encoding.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _utf8(data[len(bom) :].decode(codec, errors="replace"), media_type)
    try:
        return _utf8(data.decode("utf-8"), media_type)
    except UnicodeDecodeError:
        pass
    decoded = []
    for codec in ("gb18030", "big5"):
        try:
            decoded.append(data.decode(codec))
        except UnicodeDecodeError:
            continue
    if len(decoded) == 1:
        return _utf8(decoded[0], media_type)
    return Cleaned(data, media_type, [], [L.TEXT_ENCODING], unchanged=True)


def _utf8(text: str, media_type: str) -> Cleaned:
    return Cleaned(text.encode("utf-8"), media_type, [], [], unchanged=True)
