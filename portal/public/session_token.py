"""The follow-up login kept in the session cookie, encrypted and short-lived.

After a codename is checked the source should not type it again for every
action, but the server must not remember anything either. So the browser keeps
(in its non-persistent session cookie) a Fernet token, encrypted under a key
derived from SECRET_KEY, holding the report id and the reply-key seed. It expires
after PORTAL_FOLLOWUP_MINUTES; the cookie alone (e.g. from a seized laptop) reveals
nothing without the server's key, and the server keeps no copy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, session

SESSION_KEY = "followup"
_LABEL = b"reprisal-portal/v1/followup-session"


@dataclass(frozen=True)
class FollowupLogin:
    """Who is logged in at /followup: a report id and the reply-key seed."""

    report_id: str
    seed: bytes


def _fernet() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    key = hmac.new(secret, _LABEL, hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def store(login: FollowupLogin) -> None:
    """Put the login into the session cookie."""
    payload = json.dumps({"r": login.report_id, "s": login.seed.hex()}).encode()
    session[SESSION_KEY] = _fernet().encrypt(payload).decode("ascii")


def load() -> FollowupLogin | None:
    """The current login, or None if absent, forged or expired."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    ttl = int(current_app.config["PORTAL_FOLLOWUP_MINUTES"]) * 60
    try:
        data = json.loads(_fernet().decrypt(token.encode("ascii"), ttl=ttl))
        return FollowupLogin(str(data["r"]), bytes.fromhex(str(data["s"])))
    except (InvalidToken, ValueError, KeyError, TypeError):
        session.pop(SESSION_KEY, None)
        return None


def clear() -> None:
    """Forget the login."""
    session.pop(SESSION_KEY, None)
