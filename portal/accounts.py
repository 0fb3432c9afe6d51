"""Staff accounts: creation, one-time enrolment codes, enrolment, revocation.

No Flask request here: views and CLI commands pass a database session and the
settings. Each function commits what it changed together with its audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, keyring, rekey
from portal.auth import passwords
from portal.auth.sessions import DatabaseSessionStore
from portal.models import Reviewer
from portal.staff_models import StaffAccount, now

USERNAME_RE = re.compile(r"\A[a-z0-9][a-z0-9._-]{1,62}\Z")


class AccountError(ValueError):
    """A request about an account cannot be done; the message says why (English)."""


@dataclass(frozen=True)
class EnrolmentCode:
    """A one-time code, shown once to the admin, and when it expires."""

    account: StaffAccount
    code: str
    expires: dt.datetime


def code_hash(code: str) -> str:
    """What the database keeps of an enrolment code."""
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def normalize_username(username: str) -> str:
    """Lower-case, trimmed; AccountError when it has characters we do not allow."""
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise AccountError(_l("Usernames are 2-63 characters: a-z, 0-9, dot, dash, underscore"))
    return name


def create_account(
    session: Session, secret_key: str, username: str, *, admin: bool, reviewer: bool,
    enrol_hours: int, actor: StaffAccount | None = None,
) -> EnrolmentCode:
    """A new account waiting for enrolment; returns its one-time enrolment code."""
    name = normalize_username(username)
    if not (admin or reviewer):
        raise AccountError(_l("An account needs at least one role"))
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == name)) is not None:
        raise AccountError(_l("This username is taken"))
    account = StaffAccount(username=name, is_admin=admin, is_reviewer=reviewer, active=True)
    session.add(account)
    session.flush()
    audit.record(session, secret_key, audit.Action.ACCOUNT_CREATED, actor=actor,
                 detail=f"account {account.id} {'+'.join(account.roles)}")
    return issue_enrolment(session, secret_key, account, enrol_hours, actor=actor)


def issue_enrolment(
    session: Session, secret_key: str, account: StaffAccount, hours: int,
    actor: StaffAccount | None = None,
) -> EnrolmentCode:
    """A fresh one-time code (the previous one stops working); resets enrolment."""
    if not account.active:
        raise AccountError(_l("This account is revoked"))
    code = secrets.token_urlsafe(24)
    account.enrol_hash = code_hash(code)
    account.enrol_expires = now() + dt.timedelta(hours=hours)
    # A new enrolment replaces the password and the second factor.
    account.password_hash = None
    account.totp_sealed = None
    account.totp_confirmed = False
    DatabaseSessionStore(session).destroy_account(account.id)
    audit.record(session, secret_key, audit.Action.ENROL_LINK, actor=actor,
                 detail=f"account {account.id}")
    session.commit()
    return EnrolmentCode(account, code, account.enrol_expires)


def account_for_code(session: Session, code: str) -> StaffAccount | None:
    """The active account a valid, unexpired enrolment code belongs to."""
    if not code or len(code) > 200:
        return None
    account = session.scalar(select(StaffAccount).where(StaffAccount.enrol_hash == code_hash(code)))
    if account is None or not account.active or account.enrol_expires is None:
        return None
    if _aware(account.enrol_expires) < now():
        return None
    return account


@dataclass(frozen=True)
class KeyChoice:
    """How a reviewer decrypts: a browser key with a passphrase, or offline."""

    mode: str  # "browser" or "offline"
    passphrase: str = ""
    recipient: str = ""


def complete_enrolment(
    session: Session, config: Mapping[str, Any], account: StaffAccount, *,
    password: str, totp_step: int, key: KeyChoice | None,
) -> None:
    """Store the password hash, confirm TOTP, and set up the reviewer's key.

    The caller has checked the policy and the TOTP code (and got its step).
    """
    account.password_hash = passwords.hash_password(
        password, config["PORTAL_STAFF_ARGON2_MEMORY_KIB"], config["PORTAL_STAFF_ARGON2_ITERATIONS"]
    )
    account.totp_confirmed = True
    account.totp_last_step = totp_step
    account.enrol_hash = None
    account.enrol_expires = None
    account.failed_attempts = 0
    account.locked_until = None
    if account.is_reviewer:
        if key is None:
            raise AccountError(_l("A reviewer needs a key"))
        if key.mode == "offline":
            recipient = keyring.check_recipient(key.recipient)
            account.protected_identity = None
        else:
            new = keyring.create_protected_identity(
                key.passphrase, config["PORTAL_STAFF_SCRYPT_WORK_FACTOR"]
            )
            recipient, account.protected_identity = new.recipient, new.protected
        account.key_mode = key.mode
        _attach_reviewer(session, config["SECRET_KEY"], account, recipient)
    audit.record(session, config["SECRET_KEY"], audit.Action.ENROLLED, actor=account,
                 detail=f"account {account.id} key {account.key_mode or 'none'}")
    session.commit()


def _attach_reviewer(session: Session, secret_key: str, account: StaffAccount,
                     recipient: str) -> None:
    """Make the recipient active for new reports and queue a re-key of the backlog."""
    old = session.get(Reviewer, account.reviewer_id) if account.reviewer_id else None
    if old is not None and old.recipient != recipient:
        old.active = False
    reviewer = session.scalar(select(Reviewer).where(Reviewer.recipient == recipient))
    if reviewer is None:
        reviewer = Reviewer(recipient=recipient, active=True)
        session.add(reviewer)
        session.flush()
    elif reviewer.id != account.reviewer_id and session.scalar(
        select(StaffAccount.id).where(StaffAccount.reviewer_id == reviewer.id)
    ) is not None:
        raise AccountError(_l("This recipient belongs to another account"))
    reviewer.active = True
    account.reviewer_id = reviewer.id
    rekey.queue(session, f"reviewer {reviewer.id} added")


def revoke(session: Session, secret_key: str, account: StaffAccount,
           actor: StaffAccount | None) -> None:
    """Disable an account, end its sessions, stop encrypting to its key, queue a re-key."""
    if actor is not None and actor.id == account.id:
        raise AccountError(_l("You cannot revoke your own account"))
    account.active = False
    account.enrol_hash = None
    account.protected_identity = None  # the server copy of the key goes away
    DatabaseSessionStore(session).destroy_account(account.id)
    if account.reviewer_id is not None:
        reviewer = session.get(Reviewer, account.reviewer_id)
        if reviewer is not None and reviewer.active:
            reviewer.active = False
            rekey.queue(session, f"reviewer {reviewer.id} revoked")
    audit.record(session, secret_key, audit.Action.ACCOUNT_REVOKED, actor=actor,
                 detail=f"account {account.id}")
    session.commit()


def clear_lockout(session: Session, secret_key: str, account: StaffAccount,
                  actor: StaffAccount | None) -> None:
    """Let a locked-out person try again (an admin decided they are who they say)."""
    account.failed_attempts = 0
    account.locked_until = None
    audit.record(session, secret_key, audit.Action.ACCOUNT_UNLOCKED, actor=actor,
                 detail=f"account {account.id}")
    session.commit()


def add_standalone_recipient(session: Session, secret_key: str, text: str,
                             actor: StaffAccount | None) -> Reviewer:
    """An organization's offline recipient with no login (e.g. an air-gapped archive key).

    New reports are encrypted to it at once; older ones after the queued re-key.
    """
    recipient = keyring.check_recipient(text)
    reviewer = session.scalar(select(Reviewer).where(Reviewer.recipient == recipient))
    if reviewer is not None and reviewer.active:
        raise AccountError(_l("This recipient is already registered"))
    if reviewer is None:
        reviewer = Reviewer(recipient=recipient, active=True)
        session.add(reviewer)
        session.flush()
    reviewer.active = True
    rekey.queue(session, f"recipient {reviewer.id} added")
    audit.record(session, secret_key, audit.Action.RECIPIENT_ADDED, actor=actor,
                 detail=f"recipient {reviewer.id}")
    session.commit()
    return reviewer


def deactivate_recipient(session: Session, secret_key: str, reviewer: Reviewer,
                         actor: StaffAccount | None) -> None:
    """Stop encrypting to a standalone recipient and queue a re-key."""
    owner = session.scalar(select(StaffAccount.id).where(StaffAccount.reviewer_id == reviewer.id))
    if owner is not None:
        raise AccountError(_l("This key belongs to an account: revoke the account instead"))
    if not reviewer.active:
        return
    reviewer.active = False
    rekey.queue(session, f"recipient {reviewer.id} removed")
    audit.record(session, secret_key, audit.Action.RECIPIENT_REMOVED, actor=actor,
                 detail=f"recipient {reviewer.id}")
    session.commit()
