"""Staff login: passwords, TOTP, lockout, server-side sessions, enrolment, key unlock."""

from __future__ import annotations

import os

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__, url_prefix="/staff")


def register(app: Flask) -> None:
    """Install the staff settings, the staff cookie hook and the auth blueprint."""
    from portal import staff_models  # noqa: F401  (tables join the metadata)
    from portal.auth import sessions, settings, views  # noqa: F401  (routes register)

    settings.init_app(app, os.environ)
    app.after_request(sessions.write_cookie)
    app.context_processor(_staff_globals)
    app.url_defaults(_keep_staff_language)
    app.register_blueprint(bp)


STAFF_BLUEPRINTS = frozenset({"auth", "review", "admin"})


def _keep_staff_language(endpoint: str, values: dict[str, object]) -> None:
    """Links between staff pages keep the chosen language (as the public side does)."""
    from flask import has_request_context

    from portal.i18n import current_language, default_language

    if endpoint.split(".", 1)[0] not in STAFF_BLUEPRINTS or not has_request_context():
        return
    code = current_language().code
    if code != default_language():
        values.setdefault("lang", code)


def _staff_globals() -> dict[str, object]:
    """The logged-in staff member and a CSRF-only form for the header's buttons.

    Nothing is created for public pages (no CSRF token, so no cookie, there).
    """
    from flask import g

    from portal.auth.forms import EmptyForm

    context = g.get("staff")
    if context is None:
        return {"staff_context": None}
    return {"staff_context": context, "csrf_form": EmptyForm()}
