"""Configuration parsing: required values, clear errors, no insecure defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.config import ConfigError, parse_config, raw_from_environment

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
