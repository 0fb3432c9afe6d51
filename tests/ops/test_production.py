"""Production mode refuses an insecure configuration, with one clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal import production
from portal.config import ConfigError, parse_config
from tests.ops.conftest import new_secret, settings_of, write_instance

REPO = Path(__file__).resolve().parents[2]


def _config(**overrides: Any) -> dict[str, Any]:
    raw = {"secret_key": new_secret(), "database_url": "postgresql+psycopg://db/portal",
           "blob_dir": "/srv/portal/blobs", **overrides}
    return parse_config(raw)


def test_a_sound_configuration_has_no_problems() -> None:
    config = _config(workers=4, redis_url="redis://127.0.0.1:6379/0")
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert production.config_problems(config) == []


@pytest.mark.parametrize(("overrides", "debug", "expected"), [
    ({}, True, "debug mode is on"),
    ({"testing": True}, False, "testing mode is on"),
    ({"secret_key": "change-this-to-a-long-random-string-please"}, False, "placeholder"),
    ({"secret_key": "ab" * 30}, False, "too little variety"),
    ({"database_url": "sqlite:////srv/portal/portal.db", "workers": 3}, False,
     "SQLite with 3 workers"),
    ({"workers": 2}, False, "in-memory rate limits with 2 workers"),
])
def test_each_insecure_setting_is_named(overrides: dict[str, Any], debug: bool,
                                        expected: str) -> None:
    problems = production.config_problems(_config(**overrides), debug=debug)
    assert any(expected in p for p in problems), problems


def test_one_worker_on_sqlite_is_fine() -> None:
    config = _config(database_url="sqlite:////srv/portal/portal.db", workers=1)
    assert production.config_problems(config) == []


def test_build_app_refuses_without_reviewers_and_names_the_fix(
    make_app: Callable[..., Flask], tmp_path: Path,
) -> None:
    app = make_app()  # tables exist (create_all), nobody to read reports
    raw = {"secret_key": new_secret(), "database_url": app.config["DATABASE_URL"],
           "blob_dir": str(tmp_path / "blobs")}
    with pytest.raises(production.InsecureConfig) as caught:
        production.build_app(raw)
    message = str(caught.value)
    assert message.startswith("refusing to start in production mode")
    assert "nobody could read reports" in message
    # Development mode starts anyway (for a test machine), and says so in the docs.
    assert production.build_app({**raw, "environment": "development"}) is not None


def test_build_app_starts_with_a_reviewer_and_migrated_schema(
    app: Flask, tmp_path: Path,
) -> None:
    from portal import db, schema

    schema.upgrade(db.engine_for(app))  # adopt the fixture's create_all schema
    raw = {"secret_key": new_secret(), "database_url": app.config["DATABASE_URL"],
           "blob_dir": str(tmp_path / "blobs")}
    with pytest.raises(production.InsecureConfig, match="blob folder .* is missing"):
        production.build_app(raw)
    app.extensions["portal_blobs"].ensure()
    assert production.build_app(raw).config["PORTAL_ENVIRONMENT"] == "production"


def test_an_unmigrated_database_is_refused(app: Flask, tmp_path: Path) -> None:
    raw = {"secret_key": new_secret(), "database_url": app.config["DATABASE_URL"],
           "blob_dir": str(tmp_path / "blobs")}
    with pytest.raises(production.InsecureConfig, match="run: portal db upgrade"):
        production.build_app(raw)


def test_wsgi_entry_prints_one_line_and_stops_gunicorn(
    make_app: Callable[..., Flask], tmp_path: Path, redis_url: str | None,
) -> None:
    app = make_app()
    placeholder = "replace-me-with-64-random-characters-xyz1234"
    config_file = write_instance(tmp_path / "portal.toml",
                                 {**settings_of(app, redis_url), "secret_key": placeholder})
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env["PORTAL_CONFIG"] = str(config_file)
    result = subprocess.run([sys.executable, "-c", "import portal.wsgi"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == production.WORKER_BOOT_ERROR
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("portal: refusing to start in production mode")
    assert "placeholder" in line and "nobody could read reports" in line


def test_a_bad_setting_is_one_line_too(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(PORTAL_SECRET_KEY=new_secret(), PORTAL_DATABASE_URL="sqlite:///x.db",
               PORTAL_BLOB_DIR=str(tmp_path), PORTAL_RETENTION_DAYS="-3")
    result = subprocess.run([sys.executable, "-c", "import portal.wsgi"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == production.WORKER_BOOT_ERROR
    assert result.stderr.strip() == ("portal: setting 'retention_days' (PORTAL_RETENTION_DAYS): "
                                     "expected a number of days (0 turns it off)")


@pytest.mark.parametrize(("name", "value"), [
    ("redis_url", "http://localhost:6379"),
    ("health_token", "short"),
    ("environment", "staging"),
    ("workers", "0"),
    ("backup_recipient", "ssh-ed25519 AAAA"),
])
def test_operations_settings_are_checked(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        _config(**{name: value})
