"""All key handling of the staff side, in one module.

Reviewers' age identities
    Generated at enrolment (hybrid post-quantum, ``crypto.generate_identity()``) and
    stored only as an ``age -p`` file (:func:`crypto.protect_identity`, scrypt). Only
    the reviewer's passphrase opens it. An *offline* reviewer registers a public
    recipient only; the server never sees their identity.

The unlocked identity between requests
    After unlocking, the identity string is sealed with AES-256-GCM under a key
    derived from 32 random bytes that exist only in the reviewer's session cookie
    (the server stores a SHA-256 of them as the session id, which does not give the
    key). The sealed bytes live in the session's database row, so every gunicorn
    worker can open them when the cookie comes back. A database dump alone lacks the
    key; a stolen cookie alone lacks the sealed identity and also the server-side
    session (logout, lock and idle expiry delete the row). In a request the identity
    exists only in process memory and is dropped when the request ends.

Server keys
    Small keys derived from SECRET_KEY with HKDF under distinct labels: sealing TOTP
    secrets at rest, and the audit chain's HMAC.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

import crypto

COOKIE_SECRET_BYTES = 32
_NONCE_BYTES = 12
_SESSION_ID_LABEL = b"reprisal-portal/v1/staff-session-id"
_WRAP_LABEL = b"reprisal-portal/v1/staff-identity-wrap"
_TOTP_LABEL = b"reprisal-portal/v1/totp-at-rest"
_AUDIT_LABEL = b"reprisal-portal/v1/audit-chain"


class KeyringError(Exception):
    """A passphrase is wrong, a key does not parse, or sealed data does not open."""


@dataclass(frozen=True)
class NewIdentity:
    """What enrolment stores: the public recipient and the passphrase-protected file."""

    recipient: str
    protected: bytes


# --- reviewers' identities -------------------------------------------------------------

def create_protected_identity(passphrase: str, work_factor: int) -> NewIdentity:
    """Generate a hybrid post-quantum identity and protect it with `passphrase`."""
    identity = crypto.generate_identity(pq=True)
    protected = crypto.protect_identity(identity, passphrase, work_factor)  # type: ignore[arg-type]
    return NewIdentity(identity.recipient().to_string(), protected)


def unlock(protected: bytes, passphrase: str) -> crypto.Identity:
    """Open a protected identity file with its passphrase (KeyringError if wrong)."""
    try:
        identities = crypto.unlock_identity(protected, passphrase)
    except crypto.AgeError:
        raise KeyringError("the passphrase does not open this key") from None
    if len(identities) != 1:
        raise KeyringError("the protected file does not hold exactly one key")
    return identities[0]


def check_recipient(text: str) -> str:
    """The canonical form of an age recipient an offline reviewer registers."""
    try:
        return crypto.parse_recipient(text.strip()).to_string()
    except crypto.AgeError:
        raise KeyringError("not an age recipient") from None


def recipients_of(texts: list[str]) -> list[crypto.Recipient]:
    """Parse stored recipient strings, skipping none silently (KeyringError on a bad one)."""
    try:
        return [crypto.parse_recipient(t) for t in dict.fromkeys(texts)]
    except crypto.AgeError:
        raise KeyringError("a stored recipient does not parse") from None


# --- the session's sealed identity -----------------------------------------------------

def new_cookie_secret() -> bytes:
    """The random secret a staff session cookie carries."""
    return secrets.token_bytes(COOKIE_SECRET_BYTES)


def session_id(cookie_secret: bytes) -> str:
    """The server-side id of a session: a hash that does not reveal the wrap key."""
    return hashlib.sha256(_SESSION_ID_LABEL + cookie_secret).hexdigest()


def _wrap_key(cookie_secret: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=_WRAP_LABEL).derive(cookie_secret)


def seal_identity(identity: crypto.Identity, cookie_secret: bytes) -> bytes:
    """Seal an unlocked identity for the session row (bound to the session id)."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    data = identity.to_string().encode("ascii")
    aad = session_id(cookie_secret).encode("ascii")
    return nonce + AESGCM(_wrap_key(cookie_secret)).encrypt(nonce, data, aad)


def open_sealed_identity(sealed: bytes, cookie_secret: bytes) -> crypto.Identity:
    """Open the session's sealed identity with the cookie's secret."""
    nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    aad = session_id(cookie_secret).encode("ascii")
    try:
        text = AESGCM(_wrap_key(cookie_secret)).decrypt(nonce, body, aad)
        return crypto.parse_identity(text.decode("ascii"))
    except (InvalidTag, ValueError, crypto.AgeError):
        raise KeyringError("the sealed key does not open") from None


# --- server keys -------------------------------------------------------------------------

def server_key(secret_key: str, label: bytes) -> bytes:
    """A 32-byte key derived from SECRET_KEY for one purpose."""
    return HKDF(hashes.SHA256(), 32, salt=None, info=label).derive(secret_key.encode("utf-8"))


def audit_key(secret_key: str) -> bytes:
    """The HMAC key of the audit chain."""
    return server_key(secret_key, _AUDIT_LABEL)


def _totp_fernet(secret_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(server_key(secret_key, _TOTP_LABEL)))


def seal_totp_secret(secret: str, secret_key: str) -> str:
    """Encrypt a TOTP secret for storage."""
    return _totp_fernet(secret_key).encrypt(secret.encode("ascii")).decode("ascii")


def open_totp_secret(sealed: str, secret_key: str) -> str:
    """Decrypt a stored TOTP secret (KeyringError if SECRET_KEY changed)."""
    try:
        return _totp_fernet(secret_key).decrypt(sealed.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise KeyringError("the TOTP secret does not open with this SECRET_KEY") from None
