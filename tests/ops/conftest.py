"""Fixtures for operations tests: instance files and the real `portal` CLI.

The apps come from tests/portal/conftest.py (SQLite, or PostgreSQL and Redis when
the suite runs against them); commands run through click's runner with the app's
settings written to a TOML instance file, as an operator would.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask

from portal.cli import main
from tests.portal.conftest import (  # noqa: F401  (fixtures re-exported for this package)
    FAST_KDF,
    app,
    client,
    make_app,
    reviewer_identity,
)


@dataclass
class Instance:
    """An instance as the operator sees it: its settings and instance file."""

    settings: dict[str, Any]
    config_file: Path


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_instance(path: Path, settings: dict[str, Any]) -> Path:
    """Write settings (option names of portal.config) as a TOML instance file."""
    path.write_text("".join(f"{k} = {_toml_value(v)}\n" for k, v in settings.items()
                            if v is not None), encoding="utf-8")
    path.chmod(0o600)
    return path


def settings_of(built: Flask, redis_url: str | None) -> dict[str, Any]:
    """The raw settings an app was built with (those the CLI needs)."""
    settings = {
        "secret_key": built.config["SECRET_KEY"],
        "database_url": built.config["DATABASE_URL"],
        "blob_dir": built.config["BLOB_DIR"],
        **FAST_KDF,
    }
    if redis_url:
        settings["redis_url"] = redis_url
    return settings


@pytest.fixture
def instance_of(tmp_path: Path, redis_url: str | None) -> Callable[..., Instance]:
    """The instance file of an app (or of explicit settings), plus overrides."""

    def make(built: Flask | None = None, name: str = "portal", **overrides: Any) -> Instance:
        settings = settings_of(built, redis_url) if built is not None else {}
        settings.update(overrides)
        return Instance(settings, write_instance(tmp_path / f"{name}.toml", settings))

    return make


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `portal ARGS...` against an instance (PORTAL_CONFIG is restored afterwards)."""

    def run(instance: Instance, *args: str, input: str | None = None) -> Result:
        monkeypatch.setenv("PORTAL_CONFIG", str(instance.config_file))
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)

    return run


def new_secret() -> str:
    """A random secret key."""
    return secrets.token_urlsafe(40)
