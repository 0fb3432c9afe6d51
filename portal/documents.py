"""Encoding of the JSON documents stored (encrypted) for a report, with padding.

Text is padded to a power-of-two bucket before encryption so that the length of
the ciphertext says only roughly how much someone wrote. JSON ignores trailing
whitespace, so the padding is spaces after the document: any JSON reader (and a
reviewer using plain ``age -d``) reads the document unchanged.
"""

from __future__ import annotations

import json
from typing import Any

#: Smallest bucket: a short report and an empty one look the same.
MIN_BUCKET = 4096
FORMAT_VERSION = 1


def size_bucket(size: int, minimum: int = MIN_BUCKET) -> int:
    """Upper bound of the power-of-two bucket holding `size` bytes (>= `minimum`)."""
    bucket = minimum
    while bucket < size:
        bucket *= 2
    return bucket


def encode(document: dict[str, Any]) -> bytes:
    """UTF-8 JSON of `document`, padded with spaces to its size bucket."""
    body = json.dumps(
        {"format": FORMAT_VERSION, **document}, ensure_ascii=False, sort_keys=True
    ).encode("utf-8")
    return body + b" " * (size_bucket(len(body)) - len(body))


def decode(data: bytes) -> dict[str, Any]:
    """Parse a stored document (padding is ignored)."""
    value = json.loads(data.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("not a portal document")
    return value
