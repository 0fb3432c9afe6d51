"""The hybrid post-quantum recipient type: MLKEM768-X25519 through HPKE.

``age1pq1...`` / ``AGE-SECRET-KEY-PQ-1...``. "To produce a mlkem768x25519
recipient stanza, the file key is encrypted with the HPKE SealBase function
[...] KEM: MLKEM768-X25519, KDF: HKDF-SHA256, AEAD: ChaCha20Poly1305,
info = "age-encryption.org/mlkem768x25519"". State adversaries record
ciphertext today to decrypt it later; this type keeps that recording useless.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PrivateKey, MLKEM768PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from crypto import _bech32
from crypto._format import FILE_KEY_SIZE, Stanza, b64decode, b64encode
from crypto._stanza_types import WRAPPED_KEY_SIZE
from crypto.errors import HeaderError, KeyFormatError

STANZA_TYPE = "mlkem768x25519"
INFO = b"age-encryption.org/mlkem768x25519"
RECIPIENT_HRP = "age1pq"
IDENTITY_HRP = "age-secret-key-pq-"
SEED_SIZE = 32
MLKEM_PUBLIC_SIZE = 1184
X25519_SIZE = 32
PUBLIC_SIZE = MLKEM_PUBLIC_SIZE + X25519_SIZE
ENC_SIZE = 1088 + X25519_SIZE  # ML-KEM ciphertext || X25519 ephemeral share

_SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def _expand_seed(seed: bytes) -> tuple[MLKEM768PrivateKey, X25519PrivateKey]:
    # The hybrid KEM's private key is a 32-byte seed expanded with SHAKE256 to
    # the ML-KEM seed (d || z, 64 bytes) and the X25519 scalar (32 bytes).
    expanded = hashlib.shake_256(seed).digest(64 + X25519_SIZE)
    return (MLKEM768PrivateKey.from_seed_bytes(expanded[:64]),
            X25519PrivateKey.from_private_bytes(expanded[64:]))


class HybridRecipient:
    """An ML-KEM-768 + X25519 public key (1216 bytes)."""

    def __init__(self, public: bytes) -> None:
        if len(public) != PUBLIC_SIZE:
            raise KeyFormatError("a hybrid recipient is 1216 bytes")
        try:
            mlkem = MLKEM768PublicKey.from_public_bytes(public[:MLKEM_PUBLIC_SIZE])
            x25519 = X25519PublicKey.from_public_bytes(public[MLKEM_PUBLIC_SIZE:])
        except ValueError:
            raise KeyFormatError("invalid hybrid recipient key") from None
        self._public = public
        self._key = hpke.MLKEM768X25519PublicKey(mlkem, x25519)

    @classmethod
    def from_string(cls, text: str) -> HybridRecipient:
        hrp, data = _bech32.decode(text)
        if hrp != RECIPIENT_HRP:
            raise KeyFormatError("not an age hybrid post-quantum recipient")
        return cls(data)

    def to_string(self) -> str:
        return _bech32.encode(RECIPIENT_HRP, self._public)

    def wrap(self, file_key: bytes) -> list[Stanza]:
        sealed = _SUITE.encrypt(file_key, self._key, info=INFO)
        enc, body = sealed[:ENC_SIZE], sealed[ENC_SIZE:]
        return [Stanza((STANZA_TYPE, b64encode(enc)), body)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HybridRecipient) and other._public == self._public

    def __hash__(self) -> int:
        return hash(self._public)

    def __repr__(self) -> str:
        return f"HybridRecipient({self.to_string()[:24]}...)"


class HybridIdentity:
    """An ML-KEM-768 + X25519 private key, derived from a 32-byte seed."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != SEED_SIZE:
            raise KeyFormatError("a hybrid identity is a 32-byte seed")
        self._seed = seed
        mlkem, x25519 = _expand_seed(seed)
        self._x25519 = x25519
        self._key = hpke.MLKEM768X25519PrivateKey(mlkem, x25519)
        self._public = (mlkem.public_key().public_bytes_raw()
                        + x25519.public_key().public_bytes_raw())

    @classmethod
    def generate(cls) -> HybridIdentity:
        return cls(os.urandom(SEED_SIZE))

    @classmethod
    def from_string(cls, text: str) -> HybridIdentity:
        hrp, data = _bech32.decode(text)
        if hrp != IDENTITY_HRP:
            raise KeyFormatError("not an age hybrid post-quantum identity")
        return cls(data)

    def to_string(self) -> str:
        return _bech32.encode(IDENTITY_HRP, self._seed).upper()

    def recipient(self) -> HybridRecipient:
        return HybridRecipient(self._public)

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != STANZA_TYPE:
                continue
            if len(stanza.args) != 2:
                raise HeaderError("mlkem768x25519 stanza must have exactly two arguments")
            enc = b64decode(stanza.args[1])
            if len(enc) != ENC_SIZE:
                raise HeaderError("mlkem768x25519 encapsulated key must be 1120 bytes")
            if len(stanza.body) != WRAPPED_KEY_SIZE:
                raise HeaderError("mlkem768x25519 stanza body is not a 16-byte file key")
            try:
                # The KEM combiner would hide an all-zero X25519 secret; the
                # spec treats it as a malformed stanza, so check it first.
                self._x25519.exchange(X25519PublicKey.from_public_bytes(enc[-X25519_SIZE:]))
            except ValueError:
                raise HeaderError("mlkem768x25519 stanza with a low-order share") from None
            try:
                file_key = _SUITE.decrypt(enc + stanza.body, self._key, info=INFO)
            except InvalidTag:
                continue
            if len(file_key) == FILE_KEY_SIZE:
                return file_key
        return None

    def __repr__(self) -> str:
        return "HybridIdentity(<secret>)"
