"""The reviewers' dashboard: inbox, report view, notes, tags, replies, triage, delete."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("review", __name__, url_prefix="/staff/review")


def register(app: Flask) -> None:
    """Register the blueprint behind the reviewer guard (no open endpoints)."""
    from portal.review import views  # noqa: F401  (routes register on import)

    app.register_blueprint(bp)


def _install_guard() -> None:
    """Every view of this blueprint needs a logged-in reviewer (no allow-list)."""
    from portal.auth.guard import guard_for

    bp.before_request(guard_for("reviewer"))


_install_guard()
