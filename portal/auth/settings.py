"""Settings of the staff side: PORTAL_STAFF_* (declared in portal.config.STAFF_OPTIONS).

portal.config parses them like every other setting, from the instance file and the
environment. An app built from an explicit settings mapping (``create_app({...})``:
tests, tools) still takes PORTAL_STAFF_* environment variables over that mapping, as
the staff side always has. A bad value stops the app with one clear line.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from portal.config import STAFF_OPTIONS, check_staff, parse_option

#: Flask config key -> default.
DEFAULTS: dict[str, int] = {option.key: option.default for option in STAFF_OPTIONS.values()}


def parse(environ: Mapping[str, str], base: Mapping[str, int] | None = None) -> dict[str, int]:
    """`base` (defaults when None) overridden by environment variables of the same name."""
    values = {key: (base or DEFAULTS).get(key, default) for key, default in DEFAULTS.items()}
    for name, option in STAFF_OPTIONS.items():
        raw = environ.get(option.key)
        if raw is not None:
            values[option.key] = parse_option(name, raw)
    check_staff(values)
    return values


def init_app(app: Flask, environ: Mapping[str, str]) -> None:
    """Put the staff settings into the app config (the environment's win)."""
    base = {key: app.config[key] for key in DEFAULTS if key in app.config}
    app.config.update(parse(environ, base))
