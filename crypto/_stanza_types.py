"""The two roles every recipient type plays, as typed protocols.

A *recipient* wraps a file key into stanzas; an *identity* recognises the
stanzas addressed to its type and unwraps the file key from one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from crypto._format import FILE_KEY_SIZE, Stanza
from crypto.errors import HeaderError

WRAPPED_KEY_SIZE = FILE_KEY_SIZE + 16
_ZERO_NONCE = bytes(12)


@runtime_checkable
class Recipient(Protocol):
    """Something a file can be encrypted to."""

    def wrap(self, file_key: bytes) -> list[Stanza]:
        """Return the stanzas that carry ``file_key`` for this recipient."""
        ...


@runtime_checkable
class Identity(Protocol):
    """Something that can open files encrypted to its recipient."""

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        """Return the file key from a stanza addressed to us, or None.

        Raises :class:`HeaderError` for a malformed stanza of our own type:
        "MUST otherwise reject any stanza that has more or less than N
        arguments, or ..." A stanza of another type is ignored.
        """
        ...


def seal_file_key(wrap_key: bytes, file_key: bytes) -> bytes:
    """ChaCha20-Poly1305 with the fixed all-zero nonce, as every native type uses."""
    return ChaCha20Poly1305(wrap_key).encrypt(_ZERO_NONCE, file_key, None)


def open_file_key(wrap_key: bytes, body: bytes) -> bytes | None:
    """Unwrap a stanza body; None if it was not sealed with ``wrap_key``."""
    # "It MUST check that the body length is exactly 32 bytes before attempting
    # to decrypt it, to mitigate partitioning oracle attacks."
    if len(body) != WRAPPED_KEY_SIZE:
        raise HeaderError("stanza body is not a 16-byte file key")
    try:
        return ChaCha20Poly1305(wrap_key).decrypt(_ZERO_NONCE, body, None)
    except InvalidTag:
        return None
