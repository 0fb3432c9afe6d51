"""TOTP two-factor codes (RFC 6238 via pyotp), with replays refused.

A code is accepted for the current 30-second step or one step either side (clock
drift), and only if its step is later than the last step accepted for the account:
a code seen by a shoulder-surfer or a phishing proxy cannot be used again.
"""

from __future__ import annotations

import hmac
import time

import pyotp
import segno

ISSUER = "Reprisal portal"
STEP_SECONDS = 30
DRIFT_STEPS = 1


def new_secret() -> str:
    """A fresh random base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup, drawn on the server (nothing external)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, title="TOTP"))


def current_step(at: float | None = None) -> int:
    """The 30-second step number of `at` (now by default)."""
    return int((time.time() if at is None else at) // STEP_SECONDS)


def accept(secret: str, code: str, last_step: int, at: float | None = None) -> int | None:
    """The step `code` belongs to if it is valid and newer than `last_step`, else None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = current_step(at)
    matched: int | None = None
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        # Compare every candidate (no early exit) so timing says nothing.
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code) and step > last_step:
            matched = step
    return matched


def code_at(secret: str, step: int) -> str:
    """The code of a given step (for enrolment checks and tests)."""
    return str(pyotp.TOTP(secret).at(step * STEP_SECONDS))
