"""Step-up confirmation: destructive actions need a fresh TOTP code, not just a session.

A stolen session cookie is the attack the dashboard must expect. Deleting a report
or revoking an account therefore asks for the current code from the person's
authenticator; codes cannot be replayed, and wrong ones count towards the lockout.
"""

from __future__ import annotations

from flask import current_app

from portal import audit, db, keyring
from portal.auth import lockout, totp
from portal.staff_models import StaffAccount, now


def confirm(account: StaffAccount, code: str) -> bool:
    """True when `code` is a fresh TOTP code of `account` (records failures)."""
    config = current_app.config
    session = db.get_session()
    at = now()
    step = None
    if account.totp_sealed and not lockout.locked(account, at):
        secret = keyring.open_totp_secret(account.totp_sealed, config["SECRET_KEY"])
        step = totp.accept(secret, code, account.totp_last_step)
    if step is None:
        lockout.fail(account, at, config)
        audit.record(session, config["SECRET_KEY"], audit.Action.STEP_UP_FAILED, actor=account)
        session.commit()
        return False
    account.totp_last_step = step
    session.commit()
    return True
