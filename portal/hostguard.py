"""Staff pages only under the staff's own host name (PORTAL_STAFF_HOSTS).

SecureDrop puts its journalist interface on a separate onion service that only
browsers holding a client-authorization key can reach. The same here: Tor publishes
a second onion service (deploy/tor/portal.torrc, with ``authorized_clients``) that
forwards to the same app, and with ``PORTAL_STAFF_HOSTS`` set to its address every
``/staff`` request under any other host name (the public onion, the clearnet mirror)
is an ordinary 404. An adversary then cannot even reach the login form to phish or
guess. Unset, staff pages answer under any host (a small installation's choice).
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request

STAFF_PREFIX = "/staff"


def init_app(app: Flask) -> None:
    """Install the guard when staff hosts are configured."""
    if app.config.get("PORTAL_STAFF_HOSTS"):
        # First of all hooks: before the CSRF check, whose 400 would reveal that a
        # staff form exists here.
        app.before_request_funcs.setdefault(None, []).insert(0, _staff_only_on_staff_hosts)


def _staff_only_on_staff_hosts() -> None:
    path = request.path
    if path != STAFF_PREFIX and not path.startswith(STAFF_PREFIX + "/"):
        return
    host = request.host.rsplit(":", 1)[0].lower() if ":" in request.host else request.host.lower()
    if host not in current_app.config["PORTAL_STAFF_HOSTS"]:
        abort(404)
