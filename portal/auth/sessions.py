"""Server-side staff sessions: the browser holds a random secret, the server the state.

The cookie (``portal_staff``; HttpOnly, SameSite=Strict, Secure over HTTPS, a
browser-session cookie) carries 32 random bytes. The server stores only their
hash as the session id (portal.keyring.session_id), the account, the times, and
the sealed identity. Several gunicorn workers share the state through the
database; :class:`SessionStore` is the seam for another backend (issue 7: Redis).

A session id is only ever created by a successful login, never taken from the
client, so fixation is impossible; any earlier session of that browser is
destroyed at login. Idle and absolute expiry are checked on every request, and
expiry, logout and revocation delete the row (and with it the sealed identity).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from flask import Flask, Response, current_app, g, request
from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal import db, keyring
from portal.staff_models import StaffAccount, StaffSession, now

COOKIE = "portal_staff"
COOKIE_PATH = "/staff"
#: last_seen is written at most this often (fewer writes; idle expiry is per minute).
TOUCH_SECONDS = 30


class SessionStore(Protocol):
    """Where staff sessions live (the database here; Redis may implement this later)."""

    def create(self, session_id: str, account_id: int, at: dt.datetime) -> StaffSession: ...
    def get(self, session_id: str) -> StaffSession | None: ...
    def touch(self, record: StaffSession, at: dt.datetime) -> None: ...
    def set_sealed(self, record: StaffSession, sealed: bytes | None) -> None: ...
    def destroy(self, session_id: str) -> None: ...
    def destroy_account(self, account_id: int) -> None: ...


class DatabaseSessionStore:
    """Sessions as rows of ``staff_session``, committed at once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, session_id: str, account_id: int, at: dt.datetime) -> StaffSession:
        """Insert a new session row."""
        record = StaffSession(id=session_id, account_id=account_id, created_at=at, last_seen=at)
        self.session.add(record)
        self.session.commit()
        return record

    def get(self, session_id: str) -> StaffSession | None:
        """The row of a session id, if any."""
        return self.session.get(StaffSession, session_id)

    def touch(self, record: StaffSession, at: dt.datetime) -> None:
        """Record activity."""
        record.last_seen = at
        self.session.commit()

    def set_sealed(self, record: StaffSession, sealed: bytes | None) -> None:
        """Store or remove the sealed identity."""
        record.sealed_identity = sealed
        self.session.commit()

    def destroy(self, session_id: str) -> None:
        """Delete a session (and its sealed identity)."""
        self.session.execute(delete(StaffSession).where(StaffSession.id == session_id))
        self.session.commit()

    def destroy_account(self, account_id: int) -> None:
        """Delete every session of an account (revocation, password change)."""
        self.session.execute(delete(StaffSession).where(StaffSession.account_id == account_id))
        self.session.commit()


#: app.extensions key of an optional store factory (e.g. Redis, issue 7); the
#: factory gets the request's database session and returns a SessionStore.
STORE_FACTORY_KEY = "portal_staff_session_store"


def store() -> SessionStore:
    """The session store of this request (the database unless a factory is installed)."""
    factory = current_app.extensions.get(STORE_FACTORY_KEY)
    if factory is not None:
        custom: SessionStore = factory(db.get_session())
        return custom
    return DatabaseSessionStore(db.get_session())


@dataclass
class StaffContext:
    """The logged-in staff member of this request."""

    account: StaffAccount
    record: StaffSession
    cookie_secret: bytes

    @property
    def unlocked(self) -> bool:
        """True when an unlocked identity is sealed in this session."""
        return self.record.sealed_identity is not None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _cookie_secret() -> bytes | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        secret = base64.urlsafe_b64decode(raw.encode("ascii") + b"==")
    except (binascii.Error, ValueError):
        return None
    return secret if len(secret) == keyring.COOKIE_SECRET_BYTES else None


def expired(record: StaffSession, at: dt.datetime) -> bool:
    """True when the session is past its idle or absolute limit."""
    config = current_app.config
    idle = dt.timedelta(minutes=config["PORTAL_STAFF_IDLE_MINUTES"])
    absolute = dt.timedelta(hours=config["PORTAL_STAFF_ABSOLUTE_HOURS"])
    return at - _aware(record.last_seen) > idle or at - _aware(record.created_at) > absolute


def load() -> StaffContext | None:
    """The staff member of this request, or None (expired sessions are destroyed)."""
    if "staff" in g:
        context: StaffContext | None = g.staff
        return context
    g.staff = None
    secret = _cookie_secret()
    if secret is None:
        return None
    sessions = store()
    record = sessions.get(keyring.session_id(secret))
    if record is None:
        g.staff_clear_cookie = True
        return None
    at = now()
    account = db.get_session().get(StaffAccount, record.account_id)
    if account is None or not account.active or expired(record, at):
        from portal import audit

        sessions.destroy(record.id)
        if account is not None:
            audit.record(db.get_session(), current_app.config["SECRET_KEY"],
                         audit.Action.SESSION_EXPIRED, actor=account)
            db.get_session().commit()
        g.staff_clear_cookie = True
        return None
    if (at - _aware(record.last_seen)).total_seconds() >= TOUCH_SECONDS:
        sessions.touch(record, at)
    g.staff = StaffContext(account, record, secret)
    return g.staff


def start(account: StaffAccount) -> StaffContext:
    """Log `account` in: destroy this browser's old session, issue a brand-new one."""
    from flask import session as flask_session

    old = _cookie_secret()
    sessions = store()
    if old is not None:
        sessions.destroy(keyring.session_id(old))
    # The signed cookie session (CSRF token, any follow-up login) starts afresh too.
    flask_session.clear()
    secret = keyring.new_cookie_secret()
    record = sessions.create(keyring.session_id(secret), account.id, now())
    g.staff = StaffContext(account, record, secret)
    g.staff_set_cookie = base64.urlsafe_b64encode(secret).decode("ascii").rstrip("=")
    return g.staff


def end() -> None:
    """Log out: delete the server-side state and the cookie."""
    from flask import session as flask_session

    secret = _cookie_secret()
    if secret is not None:
        store().destroy(keyring.session_id(secret))
    flask_session.clear()
    g.staff = None
    g.staff_clear_cookie = True


def _secure(app: Flask) -> bool:
    return bool(app.config.get("PORTAL_FORCE_SECURE_COOKIES")) or request.is_secure


def write_cookie(response: Response) -> Response:
    """after_request: set or clear the staff cookie as the request decided."""
    app = current_app
    value = g.pop("staff_set_cookie", None)
    if value is not None:
        response.set_cookie(COOKIE, value, path=COOKIE_PATH, httponly=True,
                            samesite="Strict", secure=_secure(app))
    elif g.pop("staff_clear_cookie", False):
        response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="Strict",
                               secure=_secure(app))
    return response
