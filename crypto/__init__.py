"""age v1 file encryption for the portal, on the ``cryptography`` package only.

Everything the portal stores is encrypted here to reviewers' public keys, in
the standard age format (age-encryption.org/v1), so that the stock ``age``
tool can open an export on an air-gapped laptop and a seized server yields
ciphertext only. This package imports nothing from ``portal``.

Callers catch :class:`AgeError`; its subclasses tell apart the outcomes that
the public age test vectors distinguish.
"""

from crypto._mlkem768x25519 import HybridIdentity, HybridRecipient
from crypto._scrypt import ScryptIdentity, ScryptRecipient
from crypto._stanza_types import Identity, Recipient
from crypto._x25519 import X25519Identity, X25519Recipient
from crypto.age import (
    EncryptingWriter,
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    protect_identity,
    rekey,
    unlock_identity,
)
from crypto.errors import (
    AgeError,
    ArmorError,
    HeaderError,
    HMACError,
    KeyFormatError,
    NoMatchError,
    PayloadError,
)
from crypto.keys import (
    generate_identity,
    identity_file_text,
    parse_identity,
    parse_identity_file,
    parse_recipient,
)

__all__ = [
    "AgeError",
    "ArmorError",
    "EncryptingWriter",
    "HMACError",
    "HeaderError",
    "HybridIdentity",
    "HybridRecipient",
    "Identity",
    "KeyFormatError",
    "NoMatchError",
    "PayloadError",
    "Recipient",
    "ScryptIdentity",
    "ScryptRecipient",
    "X25519Identity",
    "X25519Recipient",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypt_bytes",
    "generate_identity",
    "identity_file_text",
    "parse_identity",
    "parse_identity_file",
    "parse_recipient",
    "protect_identity",
    "rekey",
    "unlock_identity",
]
