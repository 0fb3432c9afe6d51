"""Who may see staff pages, and the unlocked identity of the current request.

Staff blueprints install :func:`guard_for` as their ``before_request``: every view
is protected unless it is in the blueprint's short allow-list.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from flask import abort, g, redirect, request, url_for
from werkzeug.wrappers import Response

import crypto
from portal import keyring
from portal.auth import sessions
from portal.auth.sessions import StaffContext


def guard_for(role: str | None, allow: Collection[str] = ()) -> Callable[[], Response | None]:
    """A before_request hook: log in first (redirect), then have `role` (else 403)."""

    def guard() -> Response | None:
        if request.endpoint in allow:
            return None
        context = sessions.load()
        if context is None:
            return redirect(url_for("auth.login"), code=303)
        if role == "admin" and not context.account.is_admin:
            abort(403)
        if role == "reviewer" and not context.account.is_reviewer:
            abort(403)
        return None

    return guard


def staff() -> StaffContext:
    """The logged-in staff member (views behind a guard only)."""
    context = sessions.load()
    if context is None:
        abort(403)
    return context


def identities() -> list[crypto.Identity]:
    """The unlocked identity of this session, in memory for this request only."""
    if "staff_identities" in g:
        cached: list[crypto.Identity] = g.staff_identities
        return cached
    context = staff()
    found: list[crypto.Identity] = []
    if context.record.sealed_identity is not None:
        try:
            found = [keyring.open_sealed_identity(context.record.sealed_identity,
                                                  context.cookie_secret)]
        except keyring.KeyringError:
            sessions.store().set_sealed(context.record, None)
    g.staff_identities = found
    return found
