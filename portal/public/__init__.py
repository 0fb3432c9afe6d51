"""The public side: what a defender at risk sees (submit and follow up)."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import views  # noqa: E402,F401  (routes register on import)
