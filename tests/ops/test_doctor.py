"""`portal doctor` passes a sound deployment and names each broken thing."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

import crypto
from portal import db, doctor, schema
from tests.ops.conftest import Instance


@pytest.fixture
def sound(app: Flask, tmp_path: Path, instance_of: Callable[..., Instance]) -> Instance:
    """A deployment as `portal db upgrade` leaves it, with a reviewer and a backup key."""
    schema.upgrade(db.engine_for(app))
    blobs = app.extensions["portal_blobs"]
    blobs.ensure()
    database = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    if database.exists():
        database.chmod(0o600)
        database.parent.chmod(0o700)
    backup = crypto.X25519Identity(secrets.token_bytes(32)).recipient().to_string()
    return instance_of(app, backup_recipient=backup)


def _lines(result: Result, level: str) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(level.upper())]


def test_a_sound_deployment_has_no_failures(sound: Instance,
                                            cli: Callable[..., Result]) -> None:
    result = cli(sound, "doctor")
    assert _lines(result, "fail") == [], result.output
    assert result.exit_code == 0
    for check in ("database", "audit", "recipients", "files", "leftovers", "config"):
        assert any(line.split()[1] == check for line in _lines(result, "ok")), check


def test_readable_blob_folder_fails(sound: Instance, cli: Callable[..., Result]) -> None:
    Path(sound.settings["blob_dir"]).chmod(0o755)
    result = cli(sound, "doctor")
    assert result.exit_code == 1
    assert any("blob folder" in line and "readable by others" in line
               for line in _lines(result, "fail"))


def test_stray_and_stale_files_are_reported(sound: Instance,
                                            cli: Callable[..., Result]) -> None:
    root = Path(sound.settings["blob_dir"])
    (root / "statement.txt").write_text("plaintext that should never be here")
    stale = root / ".tmp" / "abc.part"
    stale.write_bytes(b"half")
    old = time.time() - 2 * doctor.STALE_SECONDS
    os.utime(stale, (old, old))
    result = cli(sound, "doctor")
    assert result.exit_code == 1
    assert any("unexpected file" in line and "statement.txt" in line
               for line in _lines(result, "fail"))
    assert any("stale temporary" in line for line in _lines(result, "warn"))


def test_broken_recipients_and_no_reviewer_fail(
    make_app: Callable[..., Flask], instance_of: Callable[..., Instance],
    cli: Callable[..., Result],
) -> None:
    app = make_app()
    schema.upgrade(db.engine_for(app))
    app.extensions["portal_blobs"].ensure()
    instance = instance_of(app, backup_recipient="age1notreallyarecipient")
    result = cli(instance, "doctor")
    failures = "\n".join(_lines(result, "fail"))
    assert "PORTAL_BACKUP_RECIPIENT does not parse" in failures
    assert "nobody can read reports" in failures


def test_unmigrated_database_fails_with_the_fix(
    app: Flask, instance_of: Callable[..., Instance], cli: Callable[..., Result],
) -> None:
    result = cli(instance_of(app), "doctor")  # tables from create_all, no history
    assert result.exit_code == 1
    assert any("run portal db upgrade" in line for line in _lines(result, "fail"))


def test_insecure_production_settings_fail(sound: Instance, cli: Callable[..., Result],
                                           instance_of: Callable[..., Instance]) -> None:
    if not sound.settings["database_url"].startswith("sqlite"):
        pytest.skip("the SQLite-with-several-workers rule needs an SQLite database")
    settings = {**sound.settings, "workers": 4}
    result = cli(instance_of(name="four", **settings), "doctor")
    assert any("SQLite with 4 workers" in line for line in _lines(result, "fail"))


def test_unreachable_database_is_one_line(tmp_path: Path, instance_of: Callable[..., Instance],
                                          cli: Callable[..., Result]) -> None:
    instance = instance_of(name="gone", secret_key=secrets.token_urlsafe(40),
                           database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
                           blob_dir=str(tmp_path / "b"))
    result = cli(instance, "doctor")
    assert result.exit_code == 1
    assert "FAIL  database     not reachable" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("torrc", "level", "expected"), [
    ("shipped", "ok", "onion service with PoW defences"),
    ("SocksPort 0\nHiddenServiceDir /x/\nHiddenServicePort 80 127.0.0.1:8000\n", "fail",
     "proof-of-work DoS defence is off"),
    ("SafeLogging 0\nHiddenServiceDir /x/\nHiddenServicePoWDefensesEnabled 1\n"
     "HiddenServicePort 80 10.0.0.5:8000\n", "fail", "use the loopback interface"),
    ("SafeLogging 0\nHiddenServiceDir /x/\nHiddenServicePoWDefensesEnabled 1\n", "fail",
     "Tor may log addresses"),
])
def test_tor_settings_are_checked(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  torrc: str, level: str, expected: str) -> None:
    shipped = Path(__file__).resolve().parents[2] / "deploy" / "tor" / "portal.torrc"
    path = tmp_path / "torrc"
    path.write_text(shipped.read_text() if torrc == "shipped" else torrc)
    monkeypatch.setattr(doctor, "TORRC", path)  # where this machine's torrc would be
    findings = doctor.check_tor(app)
    assert any(f.level == level and expected in f.message for f in findings), findings


@pytest.mark.parametrize(("mode", "level"), [(0o600, "ok"), (0o640, "ok"), (0o644, "fail"),
                                             (0o660, "fail")])
def test_instance_file_may_be_read_by_the_service_group_only(
    sound: Instance, cli: Callable[..., Result], mode: int, level: str,
) -> None:
    sound.config_file.chmod(mode)
    result = cli(sound, "doctor")
    lines = [line for line in _lines(result, level) if "instance file" in line]
    assert lines, result.output
