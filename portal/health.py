"""The operator's health endpoint: ``GET /-/health`` with a bearer token.

Monitoring wants one URL that says "the database, Redis and the blob store work".
Sources must never see it, and it must not tell an onion visitor anything:

* it exists only when ``PORTAL_HEALTH_TOKEN`` is set (production_app installs it);
* without ``Authorization: Bearer <token>`` (compared in constant time) it answers
  404 exactly like any unknown page, so its existence is not revealed;
* a request whose Host is the configured onion address gets 404 even with the
  token: monitoring talks to the loopback or Unix-socket bind, never via Tor;
* the answer names checks and ok/fail only: no versions, counts or paths.
"""

from __future__ import annotations

import hmac
import os
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, jsonify, request

PATH = "/-/health"

bp = Blueprint("health", __name__)


def init_app(app: Flask) -> None:
    """Install the endpoint if a health token is configured."""
    if not app.config.get("PORTAL_HEALTH_TOKEN"):
        return
    from portal import csrf
    from portal.ratelimit import limiter

    limiter.exempt(bp)
    csrf.exempt(bp)
    app.register_blueprint(bp)


def _authorized() -> bool:
    token = str(current_app.config.get("PORTAL_HEALTH_TOKEN") or "")
    given = request.headers.get("Authorization", "")
    if not token or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given.removeprefix("Bearer ").encode(), token.encode())


def _via_onion() -> bool:
    onion = current_app.config.get("PORTAL_ONION_LOCATION")
    host = request.host.split(":")[0].lower()
    if host.endswith(".onion"):
        return True
    return bool(onion) and host == (urlsplit(str(onion)).hostname or "").lower()


def checks(app: Flask) -> dict[str, str]:
    """Run the checks: name -> "ok" | "fail" | "off"."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from portal import db, schema

    results: dict[str, str] = {}
    try:
        with db.engine_for(app).connect() as connection:
            connection.execute(text("SELECT 1"))
        results["database"] = "ok"
        results["schema"] = "ok" if schema.current(db.engine_for(app)) == schema.head() \
            else "fail"
    except (SQLAlchemyError, schema.SchemaError):
        results.setdefault("database", "fail")
        results["schema"] = "fail"
    results["redis"] = _redis_state(app.config.get("PORTAL_REDIS_URL"))
    blobs = app.extensions["portal_blobs"]
    results["blobs"] = "ok" if os.access(blobs.root, os.W_OK | os.X_OK) else "fail"
    return results


def _redis_state(url: Any) -> str:
    if not url:
        return "off"
    import redis

    client = redis.Redis.from_url(str(url), socket_timeout=2, socket_connect_timeout=2)
    try:
        return "ok" if client.ping() else "fail"
    except redis.RedisError:
        return "fail"
    finally:
        client.close()


@bp.get(PATH)
def health() -> Any:
    """200 with the checks when all pass, 503 otherwise; 404 to anyone else."""
    if not _authorized() or _via_onion():
        abort(404)
    results = checks(current_app._get_current_object())  # type: ignore[attr-defined]
    healthy = all(state in {"ok", "off"} for state in results.values())
    response = jsonify({"status": "ok" if healthy else "fail", "checks": results})
    response.status_code = 200 if healthy else 503
    return response
