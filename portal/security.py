"""Security headers, error pages and the logging policy, in one place.

Logging policy: never log content, key material, filenames, IP addresses or
User-Agents. The web server's access log is off (deploy/gunicorn.conf.py) and
Werkzeug's request log is silenced; unhandled errors are logged by type and
place only, without their message (which could quote what a source sent).
"""

from __future__ import annotations

import errno
import logging
import traceback
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.uploads import drain_input

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

STATIC_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

ERROR_TEXT: dict[int, tuple[object, object]] = {
    400: (_l("Something in the request was not right"),
          _l("Nothing was stored. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You cannot open this page.")),
    404: (_l("Page not found"), _l("There is no page at this address.")),
    405: (_l("Not allowed"), _l("This page cannot be used in this way.")),
    413: (_l("Too large"),
          _l("What you sent is larger than this site accepts. Nothing was stored. "
             "Please send fewer or smaller files; you can send more later under the "
             "same codename.")),
    429: (_l("Too many attempts"),
          _l("Please wait a while before trying again. Nothing was stored.")),
    500: (_l("Something went wrong on our side"),
          _l("Nothing was stored. Please try again later.")),
}

CSRF_TEXT = (
    _l("This form has expired"),
    _l("The form was too old or was not sent from this site, so nothing was stored. "
       "Please go back, reload the page and send it again."),
)

# The largest unread body we swallow to show the 413 page instead of a reset.
DRAIN_FACTOR = 2


def set_headers(response: Response) -> Response:
    """Add the security headers to every response; drop anything revealing."""
    for name, value in STATIC_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Server", None)
    onion = current_app.config.get("PORTAL_ONION_LOCATION")
    if onion and request.scheme == "https":
        response.headers["Onion-Location"] = onion.rstrip("/") + request.full_path.rstrip("?")
    return response


def render_error(code: int, title: object, message: object) -> tuple[str, int]:
    """A friendly, localized error page that reveals nothing about the server."""
    return render_template("errors/error.html", code=code, title=title, message=message), code


def handle_http_error(error: HTTPException) -> Any:
    """Every HTTP error becomes our page."""
    code = error.code or 500
    if code == 413:
        limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
        drain_input(request, DRAIN_FACTOR * limit + 1024 * 1024)
    title, message = ERROR_TEXT.get(code, ERROR_TEXT[400 if code < 500 else 500])
    return render_error(code, title, message)


def handle_csrf_error(_error: CSRFError) -> Any:
    """Missing or forged CSRF token: a clear 400 page."""
    return render_error(400, *CSRF_TEXT)


def handle_unexpected(error: Exception) -> Any:
    """Unhandled exceptions: logged by type and place only, answered with the 500 page."""
    # Resources first: with no file descriptor to spare, even the import in
    # _unreadable_body would fail.
    if temporarily_unavailable(error):
        # Disk full or read-only, or no process or memory to spare: nothing was stored
        # (the write rolled back); the operator learns why from the log, the source
        # that it can try again later.
        current_app.logger.error("server unavailable (%s) at %s", type(error).__name__,
                                 request.endpoint)
        page, _code = render_error(503, *ERROR_TEXT[500])
        return page, 503, {"Retry-After": "600"}
    if _unreadable_body(error):
        return render_error(400, *ERROR_TEXT[400])
    log_exception_safely(current_app._get_current_object(),  # type: ignore[attr-defined]
                         (type(error), error, error.__traceback__))
    return render_error(500, *ERROR_TEXT[500])


# Disk full or read-only; and out of processes, memory or file descriptors (e.g. the
# child that scrubs an attachment could not be started).
_UNAVAILABLE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS,
                       errno.EAGAIN, errno.ENOMEM, errno.EMFILE, errno.ENFILE}
_SQLITE_FULL_READONLY_IOERR = {13, 8, 10}  # SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR


def temporarily_unavailable(error: BaseException) -> bool:
    """True when a request failed for want of a resource that may come back: disk space
    or a writable disk (files or database), processes, memory or file descriptors."""
    if isinstance(error, OSError):
        return error.errno in _UNAVAILABLE_ERRNOS
    original = getattr(error, "orig", None)  # SQLAlchemy wraps the driver's exception
    if original is None:
        return False
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _SQLITE_FULL_READONLY_IOERR
    state = getattr(original, "sqlstate", None)  # psycopg: 53xxx out of resources
    return isinstance(state, str) and (state.startswith("53") or state == "25006")


def _unreadable_body(error: Exception) -> bool:
    """The client's body cannot be read (broken chunked encoding, cut off): its fault."""
    try:
        from gunicorn.http.errors import NoMoreData, ParseException
    except ImportError:  # pragma: no cover - another WSGI server
        return False
    return isinstance(error, ParseException | NoMoreData)


def log_exception_safely(app: Flask, exc_info: Any) -> None:
    """Log an unhandled exception without its message (it may quote user data)."""
    exc_type, _exc, tb = exc_info
    name = getattr(exc_type, "__name__", "exception")
    where = "".join(traceback.format_tb(tb, limit=-3)) if tb is not None else ""
    app.logger.error("unhandled %s at %s\n%s", name, request.endpoint, where)


def configure_logging(app: Flask) -> None:
    """Apply the logging policy (called from create_app only, never at import)."""
    level = app.config.get("PORTAL_LOG_LEVEL", "WARNING")
    app.logger.setLevel(level)
    # Werkzeug's development server logs each request with the client address.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def init_app(app: Flask) -> None:
    """Install headers, error pages and the logging policy."""
    app.session_interface = PortalSessionInterface()
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="portal_session",
        # A browser-session cookie: gone when Tor Browser closes.
        SESSION_PERMANENT=False,
    )
    app.after_request(set_headers)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
    # Templates must not be able to print settings such as SECRET_KEY.
    app.jinja_env.globals.pop("config", None)
    configure_logging(app)


class PortalSessionInterface(SecureCookieSessionInterface):
    """Session cookies marked Secure whenever the request came over HTTPS.

    An onion service is plain HTTP to the app (Tor encrypts), so Secure cannot be
    a fixed setting; PORTAL_FORCE_SECURE_COOKIES forces it behind a TLS proxy.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        """True over HTTPS or when forced by configuration."""
        return bool(app.config.get("PORTAL_FORCE_SECURE_COOKIES")) or request.is_secure
