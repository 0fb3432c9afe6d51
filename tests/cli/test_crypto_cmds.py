"""`portal keygen / encrypt / decrypt`: real files, real keys, the `age` CLI as a checker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import crypto
from portal.cli import main

PORTAL = str(Path(sys.executable).with_name("portal"))


@pytest.fixture()
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("PORTAL_PASSPHRASE", raising=False)
    return CliRunner()


def _keygen(runner: CliRunner, path: Path, *args: str) -> str:
    result = runner.invoke(main, ["keygen", "-o", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_keygen_defaults_to_post_quantum(runner: CliRunner, tmp_path: Path) -> None:
    recipient = _keygen(runner, tmp_path / "k")
    assert recipient.startswith("age1pq1")
    assert (tmp_path / "k").stat().st_mode & 0o777 == 0o600
    [identity] = crypto.parse_identity_file((tmp_path / "k").read_text())
    assert identity.recipient().to_string() == recipient


def test_keygen_refuses_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    _keygen(runner, tmp_path / "k", "--x25519")
    result = runner.invoke(main, ["keygen", "-o", str(tmp_path / "k")])
    assert result.exit_code == 1 and "already exists" in result.output


def test_keygen_to_stdout_prints_the_recipient_on_stderr(runner: CliRunner) -> None:
    result = runner.invoke(main, ["keygen", "--x25519"])
    assert result.exit_code == 0
    assert result.stdout.count("AGE-SECRET-KEY-1") == 1
    assert result.stderr.startswith("Public key: age1")


def test_encrypt_decrypt_round_trip_with_armor(runner: CliRunner, tmp_path: Path) -> None:
    recipient = _keygen(runner, tmp_path / "k")
    plain = tmp_path / "plain.txt"
    plain.write_text("被拘留的律师 — detained lawyer", encoding="utf-8")
    sealed, out = tmp_path / "p.age", tmp_path / "out.txt"
    assert runner.invoke(main, ["encrypt", "-r", recipient, "-a", "-o", str(sealed),
                                str(plain)]).exit_code == 0
    assert sealed.read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    result = runner.invoke(main, ["decrypt", "-i", str(tmp_path / "k"), "-o", str(out),
                                  str(sealed)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == plain.read_text(encoding="utf-8")


def test_recipients_file(runner: CliRunner, tmp_path: Path) -> None:
    a = _keygen(runner, tmp_path / "a")
    b = _keygen(runner, tmp_path / "b", "--x25519")
    (tmp_path / "recipients").write_text(f"# reviewers\n{a}\n\n{b}\n")
    result = runner.invoke(main, ["encrypt", "-R", str(tmp_path / "recipients"), "-o",
                                  str(tmp_path / "x.age")], input=b"hello")
    assert result.exit_code == 0, result.output
    for key in ("a", "b"):
        [identity] = crypto.parse_identity_file((tmp_path / key).read_text())
        assert crypto.decrypt_bytes((tmp_path / "x.age").read_bytes(), [identity]) == b"hello"


def test_passphrase_protected_identity(runner: CliRunner, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_PASSPHRASE", "several words of passphrase")
    recipient = _keygen(runner, tmp_path / "k.age", "--passphrase")
    assert (tmp_path / "k.age").read_bytes().startswith(b"age-encryption.org/v1\n-> scrypt ")
    sealed = crypto.encrypt_bytes(b"secret", [crypto.parse_recipient(recipient)])
    (tmp_path / "s.age").write_bytes(sealed)
    args = ["decrypt", "-i", str(tmp_path / "k.age"), str(tmp_path / "s.age")]
    result = runner.invoke(main, args)
    assert result.exit_code == 0 and result.stdout_bytes == b"secret"
    monkeypatch.setenv("PORTAL_PASSPHRASE", "wrong words")
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and "wrong passphrase" in result.output


def test_failed_decryption_leaves_no_output_file(runner: CliRunner, tmp_path: Path) -> None:
    recipient = _keygen(runner, tmp_path / "k", "--x25519")
    sealed = crypto.encrypt_bytes(os.urandom(200_000), [crypto.parse_recipient(recipient)])
    (tmp_path / "cut.age").write_bytes(sealed[:-100])
    result = runner.invoke(main, ["decrypt", "-i", str(tmp_path / "k"), "-o",
                                  str(tmp_path / "out"), str(tmp_path / "cut.age")])
    assert result.exit_code == 1 and "truncated or corrupted" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.age", "k"]


@pytest.mark.parametrize("args, message", [
    (["encrypt", "-r", "age1notakey", "/etc/hostname"], "invalid recipient"),
    (["encrypt", "/etc/hostname"], "at least one recipient"),
    (["decrypt", "-i", "/nonexistent/key", "/etc/hostname"], "No such file"),
    (["decrypt", "-i", "/etc/hostname", "/etc/hostname"], "identity"),
])
def test_bad_input_is_one_line_and_non_zero(args: list[str], message: str) -> None:
    result = subprocess.run([PORTAL, *args], capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_wrong_key_and_garbage_input(runner: CliRunner, tmp_path: Path) -> None:
    _keygen(runner, tmp_path / "k", "--x25519")
    other = crypto.generate_identity(pq=False)
    (tmp_path / "x.age").write_bytes(crypto.encrypt_bytes(b"x", [other.recipient()]))
    result = runner.invoke(main, ["decrypt", "-i", str(tmp_path / "k"), str(tmp_path / "x.age")])
    assert result.exit_code == 1 and "no identity matches" in result.output
    result = runner.invoke(main, ["decrypt", "-i", str(tmp_path / "k")], input=b"garbage")
    assert result.exit_code == 1 and "cannot decrypt" in result.output


def test_stock_age_reads_portal_output(runner: CliRunner, tmp_path: Path) -> None:
    if shutil.which("age") is None:
        pytest.skip("the `age` CLI is not installed (Debian package `age`)")
    recipient = _keygen(runner, tmp_path / "k", "--x25519")
    result = runner.invoke(main, ["encrypt", "-r", recipient, "-o", str(tmp_path / "x.age")],
                           input=b"for the air-gapped laptop")
    assert result.exit_code == 0
    out = subprocess.run(["age", "-d", "-i", str(tmp_path / "k"), str(tmp_path / "x.age")],
                         capture_output=True, check=True)
    assert out.stdout == b"for the air-gapped laptop"
