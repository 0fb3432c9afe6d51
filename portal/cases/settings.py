"""Settings of cases and exports, from PORTAL_CASE_* / PORTAL_EXPORT_* variables.

PORTAL_CASE_SECRET
    The organization's secret for duplicate detection and the export gate's
    fingerprints (at least 32 characters). Give every installation of one
    organization the same value to find duplicates across them. Without it, a key
    derived from SECRET_KEY is used (changing SECRET_KEY then loses the matches).
PORTAL_EXPORT_SIGNING_KEY
    Path of the organization's Ed25519 private key (PEM, from `portal export-key
    generate`); export bundles are signed with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask

from portal.config import ConfigError

SECRET = "PORTAL_CASE_SECRET"  # noqa: S105  (the name of a setting, not a secret)
SIGNING_KEY = "PORTAL_EXPORT_SIGNING_KEY"
_DEDUP_LABEL = b"reprisal-portal/v1/case-duplicates"
_GUARD_LABEL = b"reprisal-portal/v1/export-gate-fingerprints"


def init_app(app: Flask, environ: Mapping[str, str]) -> None:
    """Read the settings (values already in app.config win); a bad secret stops the app."""
    secret = app.config.get(SECRET) or environ.get(SECRET, "").strip() or None
    if secret is not None and len(secret) < 32:
        raise ConfigError(f"{SECRET}: must be at least 32 characters of random text")
    app.config[SECRET] = secret
    app.config.setdefault(SIGNING_KEY, environ.get(SIGNING_KEY, "").strip() or None)


def _derive(config: Mapping[str, Any], label: bytes) -> bytes:
    base = config.get(SECRET) or str(config["SECRET_KEY"])
    return HKDF(hashes.SHA256(), 32, salt=None, info=label).derive(base.encode("utf-8"))


def duplicate_key(config: Mapping[str, Any]) -> bytes:
    """HMAC key of the duplicate-detection digests."""
    return _derive(config, _DEDUP_LABEL)


def guard_key(config: Mapping[str, Any]) -> bytes:
    """HMAC key of the export gate's fingerprints of hidden entities."""
    return _derive(config, _GUARD_LABEL)
