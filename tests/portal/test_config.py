"""Configuration parsing: required values, clear errors, no insecure defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from portal.auth import settings as staff_settings
from portal.config import (
    SHIPPED_LANGUAGES,
    STAFF_OPTIONS,
    ConfigError,
    parse_config,
    raw_from_environment,
)

REPO = Path(__file__).resolve().parents[2]

BASE = {"secret_key": "k" * 40, "database_url": "sqlite:///x.db", "blob_dir": "/tmp/blobs"}


@pytest.mark.parametrize("missing", ["secret_key", "database_url", "blob_dir"])
def test_required_settings(missing: str) -> None:
    raw = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        parse_config(raw)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("secret_key", "dev"),
        ("max_report_bytes", "lots"),
        ("max_files", "0"),
        ("ratelimit_storage_url", "mysql://x"),
        ("ratelimit_submit_session", "often"),
        ("onion_location", "ftp://x"),
        ("org_recipient", "ssh-ed25519 AAAA"),
        ("force_https_cookies", "maybe"),
    ],
)
def test_bad_values_name_the_setting(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        parse_config({**BASE, name: value})


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ConfigError, match="secert_key"):
        parse_config({**BASE, "secert_key": "x"})


def test_defaults_and_environment_over_file(tmp_path: Path) -> None:
    config_file = tmp_path / "portal.toml"
    config_file.write_text('secret_key = "' + "f" * 40 + '"\nmax_files = 3\n'
                           'database_url = "sqlite:///f.db"\nblob_dir = "/tmp/b"\n')
    raw = raw_from_environment({"PORTAL_CONFIG": str(config_file), "PORTAL_MAX_FILES": "7"})
    config = parse_config(raw)
    assert config["PORTAL_MAX_FILES"] == 7
    assert config["MAX_CONTENT_LENGTH"] == 500 * 1024 * 1024
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_missing_or_broken_instance_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        raw_from_environment({"PORTAL_CONFIG": str(tmp_path / "nope.toml")})
    broken = tmp_path / "broken.toml"
    broken.write_text("secret_key = \n")
    with pytest.raises(ConfigError, match="cannot be read"):
        raw_from_environment({"PORTAL_CONFIG": str(broken)})


def test_languages_default_to_every_shipped_one_and_are_checked() -> None:
    assert parse_config(BASE)["PORTAL_LANGUAGES"] == SHIPPED_LANGUAGES
    config = parse_config({**BASE, "languages": " zh-hans, en ,ZH_HANS "})
    assert config["PORTAL_LANGUAGES"] == ("zh_Hans", "en")
    assert parse_config({**BASE, "languages": ["bo", "ug"]})["PORTAL_LANGUAGES"] == ("bo", "ug")
    for bad, problem in (("en,fr", "unknown language 'fr'"), (" , ", "at least one"),
                         (["en", 3], "expected language codes")):
        with pytest.raises(ConfigError) as caught:
            parse_config({**BASE, "languages": bad})
        message = str(caught.value)
        assert message.startswith("setting 'languages' (PORTAL_LANGUAGES): ")
        assert problem in message and "\n" not in message


def test_an_unknown_language_refuses_to_start(tmp_path: Path) -> None:
    """Through the WSGI entry point: one line on stderr, no traceback, no app."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(PORTAL_SECRET_KEY="s" * 20 + "e" * 20, PORTAL_DATABASE_URL="sqlite:///x.db",
               PORTAL_BLOB_DIR=str(tmp_path), PORTAL_LANGUAGES="en,zh_Hans,klingon")
    result = subprocess.run([sys.executable, "-c", "import portal.wsgi"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "portal: setting 'languages' (PORTAL_LANGUAGES): unknown language 'klingon'; "
        "the portal ships en, zh_Hans, zh_Hant, bo, ug")


def test_staff_settings_are_known_to_the_configuration(tmp_path: Path) -> None:
    config = parse_config(BASE)
    assert config["PORTAL_STAFF_IDLE_MINUTES"] == 30 and config["PORTAL_STAFF_PAGE_SIZE"] == 50
    assert {option.key for option in STAFF_OPTIONS.values()} == set(staff_settings.DEFAULTS)
    config_file = tmp_path / "portal.toml"
    config_file.write_text('staff_idle_minutes = 5\nstaff_page_size = "20"\n')
    raw = raw_from_environment({"PORTAL_CONFIG": str(config_file),
                                "PORTAL_STAFF_PAGE_SIZE": "25"})
    config = parse_config({**BASE, **raw})
    assert config["PORTAL_STAFF_IDLE_MINUTES"] == 5 and config["PORTAL_STAFF_PAGE_SIZE"] == 25
    for name, value, problem in (("staff_page_size", "many", "expected a whole number"),
                                 ("staff_enrol_hours", "0", "greater than zero"),
                                 ("staff_password_min", "8", "at least 10")):
        with pytest.raises(ConfigError, match=rf"setting '{name}' \(PORTAL_{name.upper()}\): "
                                              rf".*{problem}"):
            parse_config({**BASE, name: value})
    with pytest.raises(ConfigError, match="unknown setting 'staff_idle_minute'"):
        parse_config({**BASE, "staff_idle_minute": 5})


def test_staff_settings_reach_the_app_and_the_environment_wins(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PORTAL_STAFF_PAGE_SIZE", raising=False)
    monkeypatch.setenv("PORTAL_STAFF_IDLE_MINUTES", "7")
    app = make_app(staff_page_size=12, staff_idle_minutes=40)
    assert app.config["PORTAL_STAFF_PAGE_SIZE"] == 12
    assert app.config["PORTAL_STAFF_IDLE_MINUTES"] == 7
    monkeypatch.setenv("PORTAL_STAFF_IDLE_MINUTES", "soon")
    with pytest.raises(ConfigError, match="PORTAL_STAFF_IDLE_MINUTES"):
        make_app()
