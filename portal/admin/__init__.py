"""The admin area: accounts, enrolment codes, recipients, revocation, the audit log."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")


def register(app: Flask) -> None:
    """Register the blueprint behind the admin guard (no open endpoints)."""
    from portal.admin import views  # noqa: F401  (routes register on import)

    app.register_blueprint(bp)


def _install_guard() -> None:
    """Every view of this blueprint needs a logged-in admin (no allow-list)."""
    from portal.auth.guard import guard_for

    bp.before_request(guard_for("admin"))


_install_guard()
