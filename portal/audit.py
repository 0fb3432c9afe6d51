"""The append-only audit log of security events, hash-chained.

Each event records who (account id and username), what (an action name), which
report id and a short non-content detail such as "reviewer 3" or a status value.
Never content, key material, passwords, codes or IP addresses.

Every row carries ``hash = HMAC(key, prev_hash || canonical row)`` where the key is
derived from SECRET_KEY, and ``prev_hash`` is the previous row's hash (a fixed
genesis value for the first). Changing, inserting or deleting any row breaks the
chain from there on, and someone holding only the database cannot recompute it.
The database also refuses UPDATE and DELETE on the table (triggers).

What a chain cannot show by itself is a cut-off tail (the newest events deleted).
`portal audit verify` prints the head hash; keep it somewhere else (a notebook, a
ticket) and pass it later as ``--expect``: the command then fails if that event is
no longer part of the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import keyring
from portal.staff_models import AuditEvent, StaffAccount, now

GENESIS = "0" * 64
_APPEND_ATTEMPTS = 5


class Action:
    """Names of audited actions (stable strings: they are part of the chain)."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_LOCKED = "login_refused_locked"
    LOGOUT = "logout"
    STEP_UP_FAILED = "confirmation_code_failed"
    SESSION_EXPIRED = "session_expired"
    UNLOCK = "key_unlocked"
    UNLOCK_FAILED = "key_unlock_failed"
    LOCK = "key_locked"
    DECRYPT = "report_decrypted"
    DOWNLOAD = "attachment_downloaded"
    EXPORT = "report_exported"
    NOTE = "note_added"
    TAGS = "tags_changed"
    TAGS_READ = "inbox_tags_decrypted"
    REPLY = "reply_sent"
    TRIAGE = "triage_changed"
    DELETE = "report_deleted"
    REKEY = "report_rekeyed"
    REKEY_RUN = "rekey_run"
    ACCOUNT_CREATED = "account_created"
    ENROL_LINK = "enrolment_link_issued"
    ENROLLED = "account_enrolled"
    ACCOUNT_REVOKED = "account_revoked"
    ACCOUNT_UNLOCKED = "account_lockout_cleared"
    BLOBS_EXPORTED = "blobs_exported"
    RECIPIENT_ADDED = "recipient_added"
    RECIPIENT_REMOVED = "recipient_removed"


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of checking the chain: ok, rows checked, and the first bad row id."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    head: str = GENESIS  # hash of the last verified event


def _canonical(event: AuditEvent) -> bytes:
    at = event.at
    if at.tzinfo is None:  # SQLite returns naive values; they were stored as UTC
        at = at.replace(tzinfo=dt.UTC)
    body = {
        "id": event.id,
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "actor_id": event.actor_id,
        "actor": event.actor,
        "action": event.action,
        "report_id": event.report_id,
        "detail": event.detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _digest(key: bytes, prev_hash: str, event: AuditEvent) -> str:
    return hmac.new(key, prev_hash.encode("ascii") + _canonical(event), hashlib.sha256).hexdigest()


def record(
    session: Session,
    secret_key: str,
    action: str,
    *,
    actor: StaffAccount | None = None,
    report_id: str | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append an event to the session's transaction (the caller commits).

    Appending in the caller's transaction makes the event and the action it records
    commit or roll back together. Two workers that read the same predecessor cannot
    both append (the id and prev_hash are unique); the loser retries in a savepoint.
    """
    key = keyring.audit_key(secret_key)
    for attempt in range(_APPEND_ATTEMPTS):
        last = session.execute(
            select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        ).first()
        prev_hash = last.hash if last is not None else GENESIS
        event = AuditEvent(
            id=(last.id + 1) if last is not None else 1,
            at=now().replace(microsecond=0),
            actor_id=actor.id if actor is not None else None,
            actor=actor.username if actor is not None else "",
            action=action,
            report_id=report_id,
            detail=detail[:200],
            prev_hash=prev_hash,
        )
        event.hash = _digest(key, prev_hash, event)
        try:
            with session.begin_nested():
                session.add(event)
        except IntegrityError:
            if attempt == _APPEND_ATTEMPTS - 1:
                raise
            continue
        return event
    raise RuntimeError("unreachable")  # pragma: no cover


def contains(session: Session, event_hash: str) -> bool:
    """True when an event with this hash is in the log (use after a successful verify)."""
    return session.scalar(select(AuditEvent.id).where(AuditEvent.hash == event_hash)) is not None


def verify(session: Session, secret_key: str, batch: int = 1000) -> VerifyResult:
    """Walk the chain from the start; report the first row that does not fit."""
    key = keyring.audit_key(secret_key)
    expected_prev = GENESIS
    expected_id = 1
    checked = 0
    last_id = 0
    while True:
        rows = list(session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ))
        if not rows:
            return VerifyResult(True, checked, head=expected_prev)
        for event in rows:
            if (
                event.id != expected_id
                or event.prev_hash != expected_prev
                or not hmac.compare_digest(event.hash, _digest(key, expected_prev, event))
            ):
                return VerifyResult(False, checked, event.id)
            expected_prev = event.hash
            expected_id += 1
            checked += 1
            last_id = event.id
