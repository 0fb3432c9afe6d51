"""Settings of the staff side, with safe defaults, overridable by PORTAL_STAFF_* variables.

They are kept apart from portal.config's OPTIONS (owned by the app skeleton) and
checked the same way: a bad value stops the app with a clear message.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from portal.config import ConfigError

#: Flask config key -> default. Every value is a positive whole number.
DEFAULTS: dict[str, int] = {
    "PORTAL_STAFF_IDLE_MINUTES": 30,
    "PORTAL_STAFF_ABSOLUTE_HOURS": 12,
    # Argon2id for staff passwords (OWASP's first recommended profile: 46 MiB, t=1,
    # is the floor; we spend more because logins are rare).
    "PORTAL_STAFF_ARGON2_MEMORY_KIB": 65536,
    "PORTAL_STAFF_ARGON2_ITERATIONS": 3,
    # scrypt work factor of the age -p file that protects a reviewer's identity.
    "PORTAL_STAFF_SCRYPT_WORK_FACTOR": 18,
    "PORTAL_STAFF_PASSWORD_MIN": 12,
    "PORTAL_STAFF_LOCKOUT_THRESHOLD": 5,
    "PORTAL_STAFF_LOCKOUT_BASE_SECONDS": 60,
    "PORTAL_STAFF_LOCKOUT_MAX_SECONDS": 24 * 3600,
    "PORTAL_STAFF_ENROL_HOURS": 72,
    "PORTAL_STAFF_PAGE_SIZE": 50,
    # Reports re-keyed per click in the web dashboard (the CLI does all at once).
    "PORTAL_STAFF_REKEY_BATCH": 300,
}


def parse(environ: Mapping[str, str]) -> dict[str, int]:
    """Defaults overridden by environment variables of the same name."""
    values = dict(DEFAULTS)
    for key in DEFAULTS:
        raw = environ.get(key)
        if raw is None:
            continue
        try:
            number = int(raw.strip().replace("_", ""))
        except ValueError:
            raise ConfigError(f"{key}: expected a whole number") from None
        if number <= 0:
            raise ConfigError(f"{key}: must be greater than zero")
        values[key] = number
    if values["PORTAL_STAFF_PASSWORD_MIN"] < 10:
        raise ConfigError("PORTAL_STAFF_PASSWORD_MIN: at least 10 characters are required")
    return values


def init_app(app: Flask, environ: Mapping[str, str]) -> None:
    """Put the staff settings into the app config (values already set there win)."""
    for key, value in parse(environ).items():
        app.config.setdefault(key, value)
