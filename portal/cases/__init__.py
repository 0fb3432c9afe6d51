"""Case records: built from reports, two encrypted tiers, anonymized, exported.

Blueprints: ``cases`` for reviewers (/staff/cases, behind the reviewer guard) and
``cases_admin`` for admins (/staff/case-admin: forwarding recipients, custodians).
Staff URLs stay under /staff because the staff session cookie is scoped there.
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask

bp = Blueprint("cases", __name__, url_prefix="/staff/cases")
admin_bp = Blueprint("cases_admin", __name__, url_prefix="/staff/case-admin")


def register(app: Flask) -> None:
    """Install settings and both blueprints (every view behind a guard)."""
    from portal.cases import models, settings, views  # noqa: F401  (tables, routes)

    settings.init_app(app, os.environ)
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)


def _install_guards() -> None:
    from portal.auth.guard import guard_for

    bp.before_request(guard_for("reviewer"))
    admin_bp.before_request(guard_for("admin"))


_install_guards()
