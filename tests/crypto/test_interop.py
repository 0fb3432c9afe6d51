"""Interoperability with the stock `age` CLI (Debian package `age`), both ways."""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

import crypto

PLAINTEXT = os.urandom(200_000) + "报告 · རྒྱལ་ཁབ · ئۇيغۇر".encode()


def _run(*args: str, stdin: bytes = b"") -> bytes:
    return subprocess.run(args, input=stdin, capture_output=True, check=True, timeout=60).stdout


def _with_tty(command: list[str], answers: str) -> None:
    """Run `age` with a pseudo-terminal: it reads passphrases only from /dev/tty."""
    if shutil.which("script") is None:
        pytest.skip("`script` (util-linux) is needed to give `age` a terminal")
    subprocess.run(["script", "-qec", shlex.join(command), "/dev/null"],
                   input=answers.encode(), capture_output=True, check=True, timeout=60)


@pytest.fixture()
def age_key(tmp_path: Path, age_cli: str) -> tuple[Path, str]:
    key = tmp_path / "key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], capture_output=True, check=True)
    recipient = next(line.split(": ")[1] for line in key.read_text().splitlines()
                     if line.startswith("# public key"))
    return key, recipient


@pytest.mark.parametrize("armor", [False, True])
def test_age_decrypts_what_we_encrypt(age_key: tuple[Path, str], tmp_path: Path,
                                      armor: bool) -> None:
    key, recipient = age_key
    sealed = crypto.encrypt_bytes(PLAINTEXT, [crypto.parse_recipient(recipient)], armor=armor)
    path = tmp_path / "ours.age"
    path.write_bytes(sealed)
    assert _run("age", "-d", "-i", str(key), str(path)) == PLAINTEXT


def test_age_decrypts_with_an_identity_we_generated(age_cli: str, tmp_path: Path) -> None:
    identity = crypto.generate_identity(pq=False)
    key = tmp_path / "ours.key"
    key.write_text(crypto.identity_file_text(identity))
    sealed = crypto.encrypt_bytes(PLAINTEXT, [identity.recipient()])
    assert _run("age", "-d", "-i", str(key), stdin=sealed) == PLAINTEXT


@pytest.mark.parametrize("armor", [False, True])
def test_we_decrypt_what_age_encrypts(age_key: tuple[Path, str], armor: bool) -> None:
    key, recipient = age_key
    sealed = _run("age", "-e", "-r", recipient, *(["-a"] if armor else []), stdin=PLAINTEXT)
    identities = crypto.parse_identity_file(key.read_text())
    assert crypto.decrypt_bytes(sealed, identities) == PLAINTEXT


def test_multiple_recipients_from_age(age_key: tuple[Path, str], tmp_path: Path) -> None:
    key, recipient = age_key
    other = crypto.generate_identity(pq=False)
    sealed = _run("age", "-e", "-r", other.recipient().to_string(), "-r", recipient,
                  stdin=PLAINTEXT)
    assert crypto.decrypt_bytes(sealed, crypto.parse_identity_file(key.read_text())) == PLAINTEXT
    assert crypto.decrypt_bytes(sealed, [other]) == PLAINTEXT


def test_we_decrypt_age_passphrase_files(age_cli: str, tmp_path: Path) -> None:
    src, out = tmp_path / "plain", tmp_path / "p.age"
    src.write_bytes(PLAINTEXT)
    _with_tty(["age", "-p", "-o", str(out), str(src)], "a long pass phrase\n" * 2)
    assert crypto.decrypt_bytes(out.read_bytes(), [crypto.ScryptIdentity("a long pass phrase")]) \
        == PLAINTEXT


def test_age_decrypts_our_passphrase_protected_identity(age_cli: str, tmp_path: Path) -> None:
    identity = crypto.generate_identity(pq=False)
    protected = tmp_path / "id.age"
    protected.write_bytes(crypto.protect_identity(identity, "reviewer pass", work_factor=10))
    out = tmp_path / "id.txt"
    _with_tty(["age", "-d", "-o", str(out), str(protected)], "reviewer pass\n")
    assert crypto.parse_identity_file(out.read_text())[0].to_string() == identity.to_string()


def test_age_opens_a_rekeyed_file(age_key: tuple[Path, str]) -> None:
    key, recipient = age_key
    first = crypto.generate_identity()
    sealed = crypto.encrypt_bytes(PLAINTEXT, [first.recipient()])
    out = io.BytesIO()
    crypto.rekey(io.BytesIO(sealed), out, [first], [crypto.parse_recipient(recipient)])
    assert _run("age", "-d", "-i", str(key), stdin=out.getvalue()) == PLAINTEXT
