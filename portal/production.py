"""Production mode: refuse to serve with a configuration that would endanger sources.

`portal.wsgi` (what gunicorn loads) builds the app with :func:`production_app`,
which in production mode (``PORTAL_ENVIRONMENT=production``, the default) stops
with one clear message listing every problem found:

* debug or testing mode on (the debugger runs code; tracebacks leak content),
* a secret key that looks like a placeholder or has little variety,
* nobody who could read reports (no active reviewer and no organization recipient),
* SQLite with several worker processes (SQLite serialises writers; use PostgreSQL),
* in-memory rate limits with several workers (each worker would count apart; use Redis).

The checks are plain functions of the config (and the database for reviewers) so
`portal doctor` and the tests use the very same rules.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask

#: Words that betray a copied example instead of a generated secret.
_PLACEHOLDER_WORDS = ("change", "example", "secret", "replace", "default", "password", "xxxx")
_MIN_DISTINCT = 12
#: What gunicorn exits with when a worker cannot boot (stops the master instead of retrying).
WORKER_BOOT_ERROR = 3
_GENERATE_HINT = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


class InsecureConfig(Exception):
    """The configuration must not be used in production (the message lists why)."""


def secret_problem(secret: str) -> str | None:
    """Why a secret key is unfit for production, or None."""
    lowered = secret.lower()
    for word in _PLACEHOLDER_WORDS:
        if word in lowered:
            return (f"the secret key contains {word!r}: it looks like a placeholder; "
                    f"{_GENERATE_HINT}")
    if len(set(secret)) < _MIN_DISTINCT:
        return f"the secret key has too little variety to be random; {_GENERATE_HINT}"
    return None


def config_problems(config: Mapping[str, Any], *, debug: bool = False) -> list[str]:
    """Problems visible from the configuration alone."""
    problems: list[str] = []
    if debug or config.get("DEBUG"):
        problems.append("debug mode is on (unset FLASK_DEBUG)")
    if config.get("TESTING"):
        problems.append("testing mode is on")
    secret = secret_problem(str(config.get("SECRET_KEY", "")))
    if secret:
        problems.append(secret)
    workers = int(config.get("PORTAL_WORKERS", 1))
    if workers > 1 and str(config.get("DATABASE_URL", "")).startswith("sqlite"):
        problems.append(
            f"SQLite with {workers} workers: SQLite allows one writer at a time; use "
            "PostgreSQL (PORTAL_DATABASE_URL=postgresql+psycopg://...) or PORTAL_WORKERS=1"
        )
    if workers > 1 and str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://") \
            and config.get("RATELIMIT_ENABLED", True):
        problems.append(
            f"in-memory rate limits with {workers} workers: each worker would count apart; "
            "set PORTAL_REDIS_URL"
        )
    return problems


def database_problems(app: Flask) -> list[str]:
    """Problems that need the database: reachable, migrated, someone can read reports."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from portal import db, schema
    from portal.models import Reviewer

    engine = db.engine_for(app)
    try:
        head = schema.head()
        revision = schema.current(engine)
        with engine.connect() as connection:
            readers = connection.scalar(
                select(Reviewer.id).where(Reviewer.active).limit(1)
            )
    except schema.SchemaError as exc:
        return [str(exc)]
    except SQLAlchemyError as exc:
        return [f"the database is not reachable or not set up ({type(exc).__name__}); "
                "run: portal db upgrade"]
    problems: list[str] = []
    if revision != head:
        problems.append(f"the database is at revision {revision or 'none'}, the code needs "
                        f"{head}; run: portal db upgrade")
    if readers is None and not app.config.get("PORTAL_ORG_RECIPIENT"):
        problems.append("no active reviewer and no organization recipient: nobody could read "
                        "reports; enrol a reviewer (portal staff ...) or set "
                        "PORTAL_ORG_RECIPIENT")
    return problems


def enforce(app: Flask) -> None:
    """Raise InsecureConfig listing every problem (nothing in development mode)."""
    if app.config.get("PORTAL_ENVIRONMENT") != "production":
        return
    problems = config_problems(app.config, debug=app.debug) + database_problems(app)
    blobs = app.extensions["portal_blobs"].root
    if not os.access(blobs, os.W_OK | os.X_OK):
        problems.append(f"the blob folder {blobs} is missing or not writable; run: "
                        "portal db upgrade (as the service's user)")
    if problems:
        raise InsecureConfig(
            "refusing to start in production mode: " + "; ".join(problems)
            + " (PORTAL_ENVIRONMENT=development skips these checks on a test machine)"
        )


def build_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app as production serves it: health endpoint and staff-host guard installed,
    insecure configurations refused."""
    from portal import create_app, health, hostguard

    app = create_app(config)
    health.init_app(app)
    hostguard.init_app(app)
    enforce(app)
    return app


def production_app() -> Flask:
    """`build_app` for a WSGI server: print one clear line and stop on a bad config."""
    from portal.config import ConfigError

    try:
        return build_app()
    except (ConfigError, InsecureConfig) as exc:
        print(f"portal: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(WORKER_BOOT_ERROR) from None
