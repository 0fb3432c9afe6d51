"""The app factory: :func:`create_app` builds the Flask application."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

from portal import config as config_module

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

csrf = CSRFProtect()


class PortalFlask(Flask):
    """Flask with the portal's logging policy for unhandled exceptions."""

    def log_exception(self, exc_info: Any) -> None:
        """Log by type and place only, never the message (see portal.security)."""
        from portal.security import log_exception_safely

        log_exception_safely(self, exc_info)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app.

    `config` is a mapping of raw settings (option names as in portal.config, e.g.
    ``{"secret_key": ..., "database_url": ..., "blob_dir": ...}``); when None the
    settings come from PORTAL_* environment variables and the PORTAL_CONFIG file.
    Raises portal.config.ConfigError on missing or bad values.
    """
    from portal import codename, db, i18n, ratelimit, security
    from portal.public import bp as public_bp
    from portal.storage import BlobStore
    from portal.uploads import InMemoryUploadRequest

    raw = dict(config) if config is not None else config_module.raw_from_environment(
        config_module.environment()
    )
    settings = config_module.parse_config(raw, wordlist_size=len(codename.wordlist()))

    # Named "portal" (not this module): logging and static files key on the package.
    app = PortalFlask("portal", template_folder=str(TEMPLATES_DIR))
    app.config.update(settings)
    app.config.update(
        WTF_CSRF_TIME_LIMIT=None,  # slow writers on slow circuits: valid for the session
        MAX_FORM_PARTS=1000,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.request_class = InMemoryUploadRequest
    security.init_app(app)
    i18n.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    ratelimit.init_app(app)
    app.extensions["portal_blobs"] = BlobStore(app.config["BLOB_DIR"])
    app.register_blueprint(public_bp)
    _register_more_blueprints(app)
    return app


def _register_more_blueprints(app: Flask) -> None:
    """The staff side: login, review, administration and cases."""
    from portal import admin, auth, cases, review

    for module in (auth, review, admin, cases):
        module.register(app)
