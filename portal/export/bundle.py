"""Export bundles: the exported file, a manifest, an Ed25519 signature; optionally age.

A bundle is a zip holding the export file, ``manifest.json`` (file names, sizes,
SHA-256 digests, format, date, the signing key) and ``manifest.sig`` (the
organization's Ed25519 signature of the manifest's exact bytes). Encrypted to a
forwarding recipient, the whole zip becomes one age file. ``portal verify-export``
checks the signature against the organization's published public key and every
file against the manifest.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

import crypto
from portal.models import today

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_PREFIX = "ed25519:"
AGE_MAGIC = b"age-encryption.org/v1"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entry times: no clock value leaves


class BundleError(Exception):
    """A key or a bundle is malformed, or a bundle does not verify."""


def generate_signing_key(path: Path) -> str:
    """Write a new Ed25519 private key (PEM, owner-only) and return its public form."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return public_text(key.public_key())


def load_signing_key(path: str | Path) -> Ed25519PrivateKey:
    """Read the organization's private key (BundleError with a clear reason)."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise BundleError(f"cannot read the signing key {path}: {exc.__class__.__name__}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError("the signing key is not an Ed25519 key")
    return key


def public_text(key: Ed25519PublicKey) -> str:
    """``ed25519:<base64 of the 32 raw bytes>``, the form the organization publishes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PUBLIC_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public(text: str) -> Ed25519PublicKey:
    """Parse :func:`public_text` output (BundleError otherwise)."""
    text = text.strip()
    if not text.startswith(PUBLIC_PREFIX):
        raise BundleError("a public key looks like ed25519:BASE64")
    try:
        raw = base64.b64decode(text[len(PUBLIC_PREFIX):], validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise BundleError("the public key does not parse") from None


def make(filename: str, data: bytes, media_type: str, signing_key: Ed25519PrivateKey,
         meta: dict[str, Any], recipient: crypto.Recipient | None = None) -> bytes:
    """A signed bundle of one export file (age-encrypted when `recipient` is given)."""
    manifest = {
        "bundle_version": 1,
        "created_on": today().isoformat(),
        "files": [{"name": filename, "size": len(data), "media_type": media_type,
                   "sha256": hashlib.sha256(data).hexdigest()}],
        "signing_key": public_text(signing_key.public_key()),
        **meta,
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    signature = base64.b64encode(signing_key.sign(manifest_bytes))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in ((filename, data), (MANIFEST, manifest_bytes),
                              (SIGNATURE, signature + b"\n")):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    bundle = buffer.getvalue()
    if recipient is not None:
        bundle = crypto.encrypt_bytes(bundle, [recipient])
    return bundle


@dataclass
class Verified:
    """A bundle that verified: its manifest and files."""

    manifest: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    was_encrypted: bool = False


def verify(bundle: bytes, public_key: Ed25519PublicKey,
           identities: list[crypto.Identity] | None = None) -> Verified:
    """Check a bundle (decrypting it first if it is age); BundleError says what is wrong."""
    encrypted = bundle.startswith(AGE_MAGIC) or bundle.startswith(b"-----BEGIN AGE")
    if encrypted:
        if not identities:
            raise BundleError("the bundle is encrypted: give the identity file that opens it")
        try:
            bundle = crypto.decrypt_bytes(bundle, identities)
        except crypto.AgeError:
            raise BundleError("the bundle does not decrypt with the given identity") from None
    try:
        with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
            contents = {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, KeyError):
        raise BundleError("not an export bundle (not a zip file)") from None
    if MANIFEST not in contents or SIGNATURE not in contents:
        raise BundleError("the bundle has no manifest or no signature")
    try:
        signature = base64.b64decode(contents[SIGNATURE].strip(), validate=True)
        public_key.verify(signature, contents[MANIFEST])
    except (InvalidSignature, ValueError):
        raise BundleError("the signature does not match the organization's key") from None
    manifest = json.loads(contents[MANIFEST])
    listed = {f["name"] for f in manifest.get("files", [])}
    extra = set(contents) - listed - {MANIFEST, SIGNATURE}
    if extra:
        raise BundleError(f"the bundle holds a file the manifest does not list: {sorted(extra)[0]}")
    files = {}
    for item in manifest.get("files", []):
        data = contents.get(item["name"])
        if data is None:
            raise BundleError(f"{item['name']} is listed but missing")
        if hashlib.sha256(data).hexdigest() != item["sha256"] or len(data) != item["size"]:
            raise BundleError(f"{item['name']} does not match the manifest")
        files[item["name"]] = data
    return Verified(manifest, files, encrypted)
