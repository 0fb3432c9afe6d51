"""The reprisal-report portal: a Flask application built by :func:`create_app`.

The package itself imports nothing heavy, so that commands which need no web app
(``portal scrub``, ``portal keygen``) start as fast as the tools they stand beside;
the app factory and its singletons load on first use from :mod:`portal.app`.
"""

from __future__ import annotations

from typing import Any

_LAZY = ("create_app", "csrf", "PortalFlask", "TEMPLATES_DIR")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from portal import app

        return getattr(app, name)
    raise AttributeError(f"module 'portal' has no attribute {name!r}")
