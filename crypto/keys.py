"""Generating and parsing recipients and identities (the Bech32 strings)."""

from __future__ import annotations

from crypto import _bech32
from crypto._mlkem768x25519 import HybridIdentity, HybridRecipient
from crypto._stanza_types import Identity, Recipient
from crypto._x25519 import X25519Identity, X25519Recipient
from crypto.errors import KeyFormatError

_RECIPIENT_TYPES: dict[str, type[X25519Recipient] | type[HybridRecipient]] = {
    "age": X25519Recipient,
    "age1pq": HybridRecipient,
}
_IDENTITY_TYPES: dict[str, type[X25519Identity] | type[HybridIdentity]] = {
    "age-secret-key-": X25519Identity,
    "age-secret-key-pq-": HybridIdentity,
}


def generate_identity(pq: bool = True) -> X25519Identity | HybridIdentity:
    """Generate a new identity: hybrid post-quantum by default, else X25519."""
    return HybridIdentity.generate() if pq else X25519Identity.generate()


def parse_recipient(text: str) -> X25519Recipient | HybridRecipient:
    """Parse an ``age1...`` or ``age1pq1...`` recipient string."""
    text = text.strip()
    hrp, data = _bech32.decode(text)
    kind = _RECIPIENT_TYPES.get(hrp)
    if kind is None or text != text.lower():
        raise KeyFormatError("not an age recipient (expected age1... or age1pq1...)")
    return kind(data)


def parse_identity(text: str) -> X25519Identity | HybridIdentity:
    """Parse an ``AGE-SECRET-KEY-1...`` or ``AGE-SECRET-KEY-PQ-1...`` identity."""
    text = text.strip()
    hrp, data = _bech32.decode(text)
    kind = _IDENTITY_TYPES.get(hrp)
    if kind is None or text != text.upper():
        raise KeyFormatError("not an age identity (expected AGE-SECRET-KEY-...)")
    return kind(data)


def parse_identity_file(text: str) -> list[X25519Identity | HybridIdentity]:
    """Parse an identity file: one identity per line, ``#`` comments and blanks skipped."""
    identities = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(parse_identity(line))
        except KeyFormatError as exc:
            raise KeyFormatError(f"identity file line {number}: {exc}") from None
    if not identities:
        raise KeyFormatError("no identity found in the identity file")
    return identities


def identity_file_text(identity: X25519Identity | HybridIdentity) -> str:
    """The identity file ``age-keygen`` would write, without its timestamp."""
    return f"# public key: {identity.recipient().to_string()}\n{identity.to_string()}\n"


__all__ = [
    "Identity",
    "Recipient",
    "generate_identity",
    "identity_file_text",
    "parse_identity",
    "parse_identity_file",
    "parse_recipient",
]
