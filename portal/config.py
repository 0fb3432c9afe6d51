"""Configuration: one pure function turns raw settings into a checked Flask config.

Raw settings come from ``PORTAL_*`` environment variables and an optional TOML
instance file (keys are the option names in lower case, without the prefix).
Nothing here touches Flask, the database or the disk beyond reading that file, so
every rule can be tested by calling :func:`parse_config` with a dict.

There are no silent insecure defaults: the secret key, the database and the blob
folder must be given explicitly (the demo writes its own, random, into its file).
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MiB = 1024 * 1024

ENV_PREFIX = "PORTAL_"
CONFIG_FILE_ENV = "PORTAL_CONFIG"

#: The UI languages the portal ships catalogs for, in the order the switch lists them
#: (portal.i18n describes each; a test keeps the two in step).
SHIPPED_LANGUAGES = ("en", "zh_Hans", "zh_Hant", "bo", "ug")

#: Size of the shipped codename wordlist is checked at run time; this is the floor
#: the issue sets for a codename's strength.
MIN_CODENAME_BITS = 80


class ConfigError(ValueError):
    """A setting is missing or has a value we refuse to run with."""


_REQUIRED = object()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value.strip()


def _optional_text(value: Any) -> str | None:
    text = _text(value)
    return text or None


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    if isinstance(value, int):
        return value
    try:
        return int(_text(value).replace("_", ""))
    except ValueError:
        raise ValueError("expected a whole number") from None


def _positive_int(value: Any) -> int:
    number = _int(value)
    if number <= 0:
        raise ValueError("must be greater than zero")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true or false")


def _secret(value: Any) -> str:
    text = _text(value)
    if len(text) < 32:
        raise ValueError("must be at least 32 characters of random text")
    if text.lower() in {"dev", "secret", "changeme", "change-me"}:
        raise ValueError("is a well-known placeholder")
    return text


def _database_url(value: Any) -> str:
    text = _text(value)
    if "://" not in text:
        raise ValueError("expected an SQLAlchemy URL such as sqlite:////srv/portal/portal.db")
    return text


def _directory(value: Any) -> str:
    text = _text(value)
    if not text:
        raise ValueError("expected a folder path")
    return str(Path(text).expanduser().resolve())


def _http_url(value: Any) -> str | None:
    text = _optional_text(value)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("expected an http:// or https:// URL")
    return text


def _storage_uri(value: Any) -> str:
    text = _text(value)
    if not (text.startswith("memory://") or text.startswith(("redis://", "rediss://"))):
        raise ValueError("expected memory:// or a redis:// URL")
    return text


def _rate(value: Any) -> str:
    from limits import parse_many  # a pure parser; imported here to keep startup light

    text = _text(value)
    try:
        parse_many(text)
    except ValueError:
        raise ValueError('expected a rate such as "10/hour" or "5/minute;20/hour"') from None
    return text


def _recipient(value: Any) -> str | None:
    text = _optional_text(value)
    if text is None:
        return None
    if not text.startswith("age1"):
        raise ValueError("expected an age recipient (age1... or age1pq1...)")
    return text


def _redis_url(value: Any) -> str | None:
    text = _optional_text(value)
    if text is None:
        return None
    if urlsplit(text).scheme not in {"redis", "rediss"}:
        raise ValueError("expected a redis:// or rediss:// URL")
    return text


def _days(value: Any) -> int:
    number = _int(value)
    if number < 0:
        raise ValueError("expected a number of days (0 turns it off)")
    return number


def _environment(value: Any) -> str:
    text = _text(value).lower()
    if text not in {"production", "development"}:
        raise ValueError("expected production or development")
    return text


def _token(value: Any) -> str | None:
    text = _optional_text(value)
    if text is not None and len(text) < 32:
        raise ValueError("must be at least 32 characters of random text")
    return text


def _hosts(value: Any) -> tuple[str, ...] | None:
    items = value if isinstance(value, list) else _text(value).split(",")
    hosts = tuple(h.strip().lower() for h in items if isinstance(h, str) and h.strip())
    for host in hosts:
        if "/" in host or ":" in host or " " in host:
            raise ValueError("expected host names without scheme or port, e.g. abc...xyz.onion")
    return hosts or None


def _languages(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else _text(value).split(",")
    known = {code.lower(): code for code in SHIPPED_LANGUAGES}
    codes: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError("expected language codes")
        text = item.strip().replace("-", "_")
        if not text:
            continue
        code = known.get(text.lower())
        if code is None:
            raise ValueError(f"unknown language {text!r}; the portal ships "
                             f"{', '.join(SHIPPED_LANGUAGES)}")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValueError(f"name at least one of {', '.join(SHIPPED_LANGUAGES)}")
    return tuple(codes)


def _log_level(value: Any) -> str:
    text = _text(value).upper()
    if text not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError("expected DEBUG, INFO, WARNING or ERROR")
    return text


@dataclass(frozen=True)
class Option:
    """One setting: its Flask config key, how to parse it, and its default."""

    key: str
    parse: Callable[[Any], Any]
    default: Any
    help: str


OPTIONS: dict[str, Option] = {
    "secret_key": Option("SECRET_KEY", _secret, _REQUIRED, "signs sessions and CSRF tokens"),
    "database_url": Option("DATABASE_URL", _database_url, _REQUIRED, "SQLAlchemy URL"),
    "blob_dir": Option("BLOB_DIR", _directory, _REQUIRED, "folder for encrypted blobs"),
    "max_report_bytes": Option(
        "MAX_CONTENT_LENGTH", _positive_int, 500 * MiB, "largest request (a whole report)"
    ),
    "max_file_bytes": Option("PORTAL_MAX_FILE_BYTES", _positive_int, 500 * MiB, "largest file"),
    "max_files": Option("PORTAL_MAX_FILES", _positive_int, 20, "files per submission"),
    "max_form_field_bytes": Option(
        "MAX_FORM_MEMORY_SIZE", _positive_int, 2 * MiB, "largest non-file form field"
    ),
    "org_recipient": Option(
        "PORTAL_ORG_RECIPIENT", _recipient, None, "offline organization age recipient"
    ),
    "onion_location": Option(
        "PORTAL_ONION_LOCATION", _http_url, None, "value of the Onion-Location header"
    ),
    "quick_exit_url": Option(
        "PORTAL_QUICK_EXIT_URL", _http_url, "https://www.wikipedia.org/", "where quick exit goes"
    ),
    "force_https_cookies": Option(
        "PORTAL_FORCE_SECURE_COOKIES", _bool, False, "mark cookies Secure even behind plain HTTP"
    ),
    "ratelimit_enabled": Option("RATELIMIT_ENABLED", _bool, True, "turn rate limits on/off"),
    "ratelimit_storage_url": Option(
        "RATELIMIT_STORAGE_URI", _storage_uri, "memory://", "memory:// or redis://host:port/db"
    ),
    "ratelimit_submit_session": Option(
        "PORTAL_RATELIMIT_SUBMIT_SESSION", _rate, "10/hour", "submissions per browser session"
    ),
    "ratelimit_submit_global": Option(
        "PORTAL_RATELIMIT_SUBMIT_GLOBAL", _rate, "600/hour", "submissions, whole site"
    ),
    "ratelimit_login_session": Option(
        "PORTAL_RATELIMIT_LOGIN_SESSION", _rate, "5/minute;30/hour", "codename tries per session"
    ),
    "ratelimit_login_global": Option(
        "PORTAL_RATELIMIT_LOGIN_GLOBAL", _rate, "120/minute", "codename tries, whole site"
    ),
    "ratelimit_codename": Option(
        "PORTAL_RATELIMIT_CODENAME", _rate, "30/hour", "logins and changes per codename"
    ),
    "codename_words": Option("PORTAL_CODENAME_WORDS", _positive_int, 8, "words per codename"),
    "kdf_memory_kib": Option(
        "PORTAL_KDF_MEMORY_KIB", _positive_int, 19456, "Argon2id memory cost (KiB)"
    ),
    "kdf_iterations": Option("PORTAL_KDF_ITERATIONS", _positive_int, 2, "Argon2id passes"),
    "followup_minutes": Option(
        "PORTAL_FOLLOWUP_MINUTES", _positive_int, 30, "how long a follow-up login lasts"
    ),
    "log_level": Option("PORTAL_LOG_LEVEL", _log_level, "WARNING", "log level"),
    # Operations (issue 7: portal.production, portal.backup, portal.retention, portal.health).
    "environment": Option(
        "PORTAL_ENVIRONMENT", _environment, "production",
        "production refuses an insecure configuration at start",
    ),
    "redis_url": Option(
        "PORTAL_REDIS_URL", _redis_url, None,
        "Redis shared by app servers (rate limits); redis://host:port/db",
    ),
    "workers": Option(
        "PORTAL_WORKERS", _positive_int, 1, "gunicorn worker processes (several need PostgreSQL)"
    ),
    "retention_days": Option(
        "PORTAL_RETENTION_DAYS", _days, 365,
        "delete a report after this many days without activity (0: never)",
    ),
    "retention_reply_days": Option(
        "PORTAL_RETENTION_REPLY_DAYS", _days, 0,
        "delete replies to sources after this many days (0: with their report)",
    ),
    "backup_recipient": Option(
        "PORTAL_BACKUP_RECIPIENT", _recipient, None, "offline age recipient of backups"
    ),
    "staff_hosts": Option(
        "PORTAL_STAFF_HOSTS", _hosts, None,
        "host names (e.g. a client-authorized onion) that alone serve /staff (unset: any)",
    ),
    "health_token": Option(
        "PORTAL_HEALTH_TOKEN", _token, None,
        "bearer token of the operator's /-/health endpoint (unset: no endpoint)",
    ),
    "languages": Option(
        "PORTAL_LANGUAGES", _languages, SHIPPED_LANGUAGES,
        "UI languages offered (comma-separated; the first is the default)",
    ),
}

#: The staff side's settings (portal.auth reads them from the app config). Their Flask
#: keys are their environment names. Every value is a positive whole number.
STAFF_OPTIONS: dict[str, Option] = {
    "staff_idle_minutes": Option(
        "PORTAL_STAFF_IDLE_MINUTES", _positive_int, 30,
        "a staff session (and its unlocked key) ends after this many idle minutes",
    ),
    "staff_absolute_hours": Option(
        "PORTAL_STAFF_ABSOLUTE_HOURS", _positive_int, 12,
        "a staff session ends this many hours after login, however busy",
    ),
    # Argon2id for staff passwords (OWASP's first recommended profile: 46 MiB, t=1,
    # is the floor; we spend more because logins are rare).
    "staff_argon2_memory_kib": Option(
        "PORTAL_STAFF_ARGON2_MEMORY_KIB", _positive_int, 65536,
        "Argon2id memory cost of staff passwords (KiB)",
    ),
    "staff_argon2_iterations": Option(
        "PORTAL_STAFF_ARGON2_ITERATIONS", _positive_int, 3, "Argon2id passes of staff passwords",
    ),
    "staff_scrypt_work_factor": Option(
        "PORTAL_STAFF_SCRYPT_WORK_FACTOR", _positive_int, 18,
        "scrypt work factor (log2 N) of the age -p file protecting a reviewer's key",
    ),
    "staff_password_min": Option(
        "PORTAL_STAFF_PASSWORD_MIN", _positive_int, 12,
        "shortest staff password and key passphrase (at least 10)",
    ),
    "staff_lockout_threshold": Option(
        "PORTAL_STAFF_LOCKOUT_THRESHOLD", _positive_int, 5,
        "failed logins or unlocks before an account is locked",
    ),
    "staff_lockout_base_seconds": Option(
        "PORTAL_STAFF_LOCKOUT_BASE_SECONDS", _positive_int, 60,
        "first lockout; it doubles with each further failure",
    ),
    "staff_lockout_max_seconds": Option(
        "PORTAL_STAFF_LOCKOUT_MAX_SECONDS", _positive_int, 24 * 3600, "longest lockout",
    ),
    "staff_enrol_hours": Option(
        "PORTAL_STAFF_ENROL_HOURS", _positive_int, 72, "how long an enrolment link works",
    ),
    "staff_page_size": Option(
        "PORTAL_STAFF_PAGE_SIZE", _positive_int, 50, "reports per inbox page",
    ),
    "staff_rekey_batch": Option(
        "PORTAL_STAFF_REKEY_BATCH", _positive_int, 300,
        "reports re-keyed per click in the dashboard (the CLI does all at once)",
    ),
}
OPTIONS.update(STAFF_OPTIONS)
STAFF_PASSWORD_FLOOR = 10


def parse_option(name: str, value: Any) -> Any:
    """One setting's checked value; ConfigError naming the setting otherwise."""
    try:
        return OPTIONS[name].parse(value)
    except ValueError as exc:
        raise ConfigError(f"setting {name!r} ({_env_name(name)}): {exc}") from None


def check_staff(config: Mapping[str, Any]) -> None:
    """Rules across the staff settings (ConfigError when one is broken)."""
    if config["PORTAL_STAFF_PASSWORD_MIN"] < STAFF_PASSWORD_FLOOR:
        raise ConfigError(
            f"setting 'staff_password_min' (PORTAL_STAFF_PASSWORD_MIN): at least "
            f"{STAFF_PASSWORD_FLOOR} characters are required"
        )


def parse_config(raw: Mapping[str, Any], *, wordlist_size: int | None = None) -> dict[str, Any]:
    """Check raw settings (option name -> value) and return a Flask config dict.

    Unknown option names are refused (a typo must not silently leave a default in
    place). Raises :class:`ConfigError` naming the option and the problem.
    """
    unknown = sorted(set(raw) - set(OPTIONS) - {"testing"})
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r}")
    config: dict[str, Any] = {}
    for name, option in OPTIONS.items():
        if name in raw and raw[name] is not None:
            config[option.key] = parse_option(name, raw[name])
        elif option.default is _REQUIRED:
            raise ConfigError(f"setting {name!r} is required (set {_env_name(name)})")
        else:
            config[option.key] = option.default
    if wordlist_size is not None:
        bits = config["PORTAL_CODENAME_WORDS"] * math.log2(wordlist_size)
        if bits < MIN_CODENAME_BITS:
            raise ConfigError(
                f"setting 'codename_words': {config['PORTAL_CODENAME_WORDS']} words give "
                f"{bits:.0f} bits, at least {MIN_CODENAME_BITS} are required"
            )
    check_staff(config)
    if config["PORTAL_REDIS_URL"] and raw.get("ratelimit_storage_url") is None:
        # One Redis for everything shared by several app servers, unless told otherwise.
        config["RATELIMIT_STORAGE_URI"] = config["PORTAL_REDIS_URL"]
    if config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        # Redis down: each process keeps limiting in its own memory instead of failing
        # every request (or, worse, letting floods through).
        config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    if config["PORTAL_MAX_FILE_BYTES"] > config["MAX_CONTENT_LENGTH"]:
        config["PORTAL_MAX_FILE_BYTES"] = config["MAX_CONTENT_LENGTH"]
    config["TESTING"] = bool(raw.get("testing", False))
    return config


def _env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def raw_from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Collect raw settings from the instance file (if any) and PORTAL_* variables.

    The file named by ``PORTAL_CONFIG`` is read first; environment variables win.
    """
    raw: dict[str, Any] = {}
    path = environ.get(CONFIG_FILE_ENV)
    if path:
        raw.update(read_instance_file(Path(path)))
    for name in OPTIONS:
        value = environ.get(_env_name(name))
        if value is not None:
            raw[name] = value
    return raw


def read_instance_file(path: Path) -> dict[str, Any]:
    """Read a TOML instance file; a clear error if it is missing or malformed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from None
    return data


def environment() -> dict[str, str]:
    """The process environment (a seam so tests never depend on the real one)."""
    return dict(os.environ)
