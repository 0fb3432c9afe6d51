"""Per-account lockout with growing delays.

After THRESHOLD failed attempts (wrong password, wrong or replayed code, wrong key
passphrase) the account is locked for BASE seconds, and each further failure
doubles the delay up to MAX. During a lockout even correct credentials are refused.
A success resets the count. Counting per account (not per address) works behind
Tor and does not need addresses; the cost is that an attacker can keep a known
username locked, which an admin can clear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from portal.staff_models import StaffAccount


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def locked(account: StaffAccount, at: dt.datetime) -> bool:
    """True while the account is locked out."""
    return account.locked_until is not None and _aware(account.locked_until) > at


def delay_seconds(failures: int, config: Mapping[str, Any]) -> int:
    """Lockout length after `failures` consecutive failures (0 below the threshold)."""
    threshold = int(config["PORTAL_STAFF_LOCKOUT_THRESHOLD"])
    if failures < threshold:
        return 0
    base = int(config["PORTAL_STAFF_LOCKOUT_BASE_SECONDS"])
    ceiling = int(config["PORTAL_STAFF_LOCKOUT_MAX_SECONDS"])
    return int(min(ceiling, base * 2 ** min(failures - threshold, 30)))


def fail(account: StaffAccount, at: dt.datetime, config: Mapping[str, Any]) -> None:
    """Count a failure and lock the account when the threshold is reached."""
    account.failed_attempts = (account.failed_attempts or 0) + 1
    seconds = delay_seconds(account.failed_attempts, config)
    if seconds:
        account.locked_until = at + dt.timedelta(seconds=seconds)


def succeed(account: StaffAccount) -> None:
    """Reset the count after a success."""
    account.failed_attempts = 0
    account.locked_until = None
