"""Rate limits that never look at IP addresses.

Behind an onion service every client is 127.0.0.1, and an IP is something we
must not even process for identification. Limits are therefore kept per browser
session (keyed by a hash of the session's CSRF token, which exists from the
moment someone starts a form), per codename (keyed by the lookup tag) and
globally. Storage is in memory by default, Redis when configured.
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, session
from flask_limiter import Limiter
from limits import parse_many

GLOBAL_KEY = "global"

_CSRF_SESSION_KEY = "csrf_token"


def session_key() -> str:
    """Rate-limit key of the current browser session (a hash, never the token)."""
    token = session.get(_CSRF_SESSION_KEY)
    if not token:
        # No session: such requests share one bucket (they fail CSRF anyway).
        return "no-session"
    return "s:" + hashlib.sha256(str(token).encode()).hexdigest()[:32]


def global_key() -> str:
    """One bucket for the whole site (per decorated endpoint)."""
    return GLOBAL_KEY


limiter = Limiter(key_func=global_key, headers_enabled=False)


def init_app(app: Flask) -> None:
    """Attach the limiter (storage and on/off come from the app config)."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)


def setting(name: str) -> str:
    """A rate string from the app config (callable form for the decorators)."""
    return str(current_app.config[name])


def hit_codename(lookup_tag: str) -> bool:
    """Count one use of a codename; False when its limit is exhausted."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    allowed = True
    for item in parse_many(setting("PORTAL_RATELIMIT_CODENAME")):
        if not limiter.limiter.hit(item, "codename", lookup_tag[:32]):
            allowed = False
    return allowed
