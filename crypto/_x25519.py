"""The X25519 recipient type (``age1...`` / ``AGE-SECRET-KEY-1...``)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto import _bech32
from crypto._format import Stanza, b64decode, b64encode
from crypto._stanza_types import open_file_key, seal_file_key
from crypto.errors import HeaderError, KeyFormatError

STANZA_TYPE = "X25519"
LABEL = b"age-encryption.org/v1/X25519"
RECIPIENT_HRP = "age"
IDENTITY_HRP = "age-secret-key-"
KEY_SIZE = 32


def _wrap_key(shared: bytes, share: bytes, recipient: bytes) -> bytes:
    # salt = ephemeral share || recipient; info = "age-encryption.org/v1/X25519"
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=share + recipient,
                info=LABEL).derive(shared)


class X25519Recipient:
    """An X25519 public key."""

    def __init__(self, public: bytes) -> None:
        if len(public) != KEY_SIZE:
            raise KeyFormatError("an X25519 recipient is 32 bytes")
        self._public = public
        self._key = X25519PublicKey.from_public_bytes(public)

    @classmethod
    def from_string(cls, text: str) -> X25519Recipient:
        hrp, data = _bech32.decode(text)
        if hrp != RECIPIENT_HRP:
            raise KeyFormatError("not an age X25519 recipient")
        return cls(data)

    def to_string(self) -> str:
        return _bech32.encode(RECIPIENT_HRP, self._public)

    def wrap(self, file_key: bytes) -> list[Stanza]:
        # "A new ephemeral secret MUST be generated for each stanza and each file."
        ephemeral = X25519PrivateKey.from_private_bytes(os.urandom(KEY_SIZE))
        share = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(self._key)
        body = seal_file_key(_wrap_key(shared, share, self._public), file_key)
        return [Stanza((STANZA_TYPE, b64encode(share)), body)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, X25519Recipient) and other._public == self._public

    def __hash__(self) -> int:
        return hash(self._public)

    def __repr__(self) -> str:
        return f"X25519Recipient({self.to_string()!r})"


class X25519Identity:
    """An X25519 private key, derived from 32 secret bytes."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) != KEY_SIZE:
            raise KeyFormatError("an X25519 identity is 32 bytes")
        self._secret = secret
        self._key = X25519PrivateKey.from_private_bytes(secret)
        self._public = self._key.public_key().public_bytes_raw()

    @classmethod
    def generate(cls) -> X25519Identity:
        return cls(os.urandom(KEY_SIZE))

    @classmethod
    def from_string(cls, text: str) -> X25519Identity:
        hrp, data = _bech32.decode(text)
        if hrp != IDENTITY_HRP:
            raise KeyFormatError("not an age X25519 identity")
        return cls(data)

    def to_string(self) -> str:
        return _bech32.encode(IDENTITY_HRP, self._secret).upper()

    def recipient(self) -> X25519Recipient:
        return X25519Recipient(self._public)

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != STANZA_TYPE:
                continue
            if len(stanza.args) != 2:
                raise HeaderError("X25519 stanza must have exactly two arguments")
            share = b64decode(stanza.args[1])
            if len(share) != KEY_SIZE:
                raise HeaderError("X25519 ephemeral share must be 32 bytes")
            try:
                shared = self._key.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:
                # "If the shared secret is all 0x00 bytes, the identity
                # implementation MUST abort."
                raise HeaderError("X25519 stanza with a low-order share") from None
            file_key = open_file_key(_wrap_key(shared, share, self._public), stanza.body)
            if file_key is not None:
                return file_key
        return None

    def __repr__(self) -> str:
        return f"X25519Identity(<secret>, recipient={self.recipient().to_string()!r})"
