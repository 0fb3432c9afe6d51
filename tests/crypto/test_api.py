"""The public surface of `crypto`: keys, re-keying, passphrases, known answers."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import crypto
from crypto._format import parse_header
from crypto._source import Source
from crypto.age import EncryptingWriter
from tests.crypto.conftest import REPO, VECTORS


@pytest.mark.parametrize("pq", [True, False])
def test_generated_keys_round_trip_through_strings(pq: bool) -> None:
    identity = crypto.generate_identity(pq=pq)
    again = crypto.parse_identity(identity.to_string())
    assert again.recipient() == identity.recipient()
    recipient = crypto.parse_recipient(identity.recipient().to_string())
    assert recipient == identity.recipient()
    prefix = "age1pq1" if pq else "age1"
    assert recipient.to_string().startswith(prefix)
    assert identity.to_string().startswith("AGE-SECRET-KEY-PQ-1" if pq else "AGE-SECRET-KEY-1")


def test_default_identity_is_post_quantum() -> None:
    assert isinstance(crypto.generate_identity(), crypto.HybridIdentity)


@pytest.mark.parametrize("text", [
    "", "age1", "age1qqqq", "AGE1PQ1", "not a key",
    "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwX",
    "Age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj",
    "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX",
])
def test_malformed_recipients_are_refused(text: str) -> None:
    with pytest.raises(crypto.KeyFormatError):
        crypto.parse_recipient(text)


def test_spec_example_keys_parse() -> None:
    identity = crypto.parse_identity(
        "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX")
    assert identity.recipient().to_string() == \
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"


def test_identity_strings_must_be_upper_case() -> None:
    identity = crypto.generate_identity(pq=False)
    with pytest.raises(crypto.KeyFormatError):
        crypto.parse_identity(identity.to_string().lower())


def test_identity_file_skips_comments_and_reports_bad_lines() -> None:
    a, b = crypto.generate_identity(), crypto.generate_identity(pq=False)
    text = f"# created by a test\n\n{a.to_string()}\n  {b.to_string()}  \n"
    assert [i.to_string() for i in crypto.parse_identity_file(text)] == \
        [a.to_string(), b.to_string()]
    with pytest.raises(crypto.KeyFormatError, match="line 2"):
        crypto.parse_identity_file(f"{a.to_string()}\nAGE-SECRET-KEY-1BROKEN\n")
    with pytest.raises(crypto.KeyFormatError):
        crypto.parse_identity_file("# nothing here\n")


def test_seeded_identities_are_deterministic() -> None:
    seed = os.urandom(32)
    assert crypto.HybridIdentity(seed).recipient() == crypto.HybridIdentity(seed).recipient()
    assert crypto.X25519Identity(seed).recipient() == crypto.X25519Identity(seed).recipient()
    with pytest.raises(crypto.KeyFormatError):
        crypto.HybridIdentity(seed[:31])


def test_hybrid_and_mixed_recipients() -> None:
    pq, classic = crypto.generate_identity(), crypto.generate_identity(pq=False)
    sealed = crypto.encrypt_bytes(b"case file", [pq.recipient(), classic.recipient()])
    assert crypto.decrypt_bytes(sealed, [pq]) == b"case file"
    assert crypto.decrypt_bytes(sealed, [classic]) == b"case file"
    assert b"-> mlkem768x25519 " in sealed
    with pytest.raises(crypto.NoMatchError):
        crypto.decrypt_bytes(sealed, [crypto.generate_identity()])


def test_rekey_adds_and_revokes_without_touching_the_payload() -> None:
    alice, bob, carol = (crypto.generate_identity() for _ in range(3))
    plain = os.urandom(300_000)
    sealed = crypto.encrypt_bytes(plain, [alice.recipient(), bob.recipient()])
    out = io.BytesIO()
    # Bob is revoked and Carol joins; Alice's key is the one that opens it.
    crypto.rekey(io.BytesIO(sealed), out, [alice], [alice.recipient(), carol.recipient()])
    rekeyed = out.getvalue()
    old_header_len = len(parse_header(Source(io.BytesIO(sealed))).covered)
    new_header_len = len(parse_header(Source(io.BytesIO(rekeyed))).covered)
    old_tail = sealed[sealed.index(b"\n", old_header_len) + 1:]
    new_tail = rekeyed[rekeyed.index(b"\n", new_header_len) + 1:]
    assert old_tail == new_tail  # nonce and every chunk byte-identical
    assert crypto.decrypt_bytes(rekeyed, [carol]) == plain
    assert crypto.decrypt_bytes(rekeyed, [alice]) == plain
    with pytest.raises(crypto.NoMatchError):
        crypto.decrypt_bytes(rekeyed, [bob])


def test_rekey_needs_an_identity_that_opens_the_file() -> None:
    sealed = crypto.encrypt_bytes(b"x", [crypto.generate_identity().recipient()])
    with pytest.raises(crypto.NoMatchError):
        crypto.rekey(io.BytesIO(sealed), io.BytesIO(), [crypto.generate_identity()],
                     [crypto.generate_identity().recipient()])


def test_protected_identity_unlocks_only_with_its_passphrase() -> None:
    identity = crypto.generate_identity()
    protected = crypto.protect_identity(identity, "correct horse battery", work_factor=10)
    assert b"-> scrypt " in protected and identity.to_string().encode() not in protected
    [unlocked] = crypto.unlock_identity(protected, "correct horse battery")
    assert unlocked.to_string() == identity.to_string()
    with pytest.raises(crypto.NoMatchError):
        crypto.unlock_identity(protected, "wrong horse battery")


def test_scrypt_recipient_must_be_alone() -> None:
    with pytest.raises(ValueError):
        crypto.encrypt_bytes(b"x", [crypto.ScryptRecipient("pw", 10),
                                    crypto.generate_identity().recipient()])
    with pytest.raises(ValueError):
        crypto.encrypt_bytes(b"x", [])


def test_scrypt_work_factor_limit_is_enforced() -> None:
    sealed = crypto.encrypt_bytes(b"x", [crypto.ScryptRecipient("pw", 12)])
    with pytest.raises(crypto.HeaderError):
        crypto.decrypt_bytes(sealed, [crypto.ScryptIdentity("pw", max_work_factor=11)])
    assert crypto.decrypt_bytes(sealed, [crypto.ScryptIdentity("pw")]) == b"x"


def test_armor_detection_and_insistence() -> None:
    identity = crypto.generate_identity(pq=False)
    armored = crypto.encrypt_bytes(b"text", [identity.recipient()], armor=True)
    assert armored.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert crypto.decrypt_bytes(b"\n  " + armored + b"\n", [identity]) == b"text"
    with pytest.raises(crypto.ArmorError):
        crypto.decrypt(io.BytesIO(crypto.encrypt_bytes(b"t", [identity.recipient()])),
                       io.BytesIO(), [identity], armor=True)


def test_known_answer_reproduces_a_published_vector() -> None:
    """Re-encrypting the x25519 vector's plaintext with its pinned file key,
    stanza and nonce must reproduce the published file byte for byte."""
    if not VECTORS.is_dir():
        pytest.skip(f"age test vectors not found at {VECTORS}")
    raw = (VECTORS / "x25519").read_bytes()
    meta, _, sealed = raw.partition(b"\n\n")
    fields = dict(line.split(": ", 1) for line in meta.decode().splitlines())
    identity = crypto.parse_identity(fields["identity"])
    plain = crypto.decrypt_bytes(sealed, [identity])
    source = Source(io.BytesIO(sealed))
    header = parse_header(source)  # consumes through the MAC line
    nonce = source.read(16)
    out = io.BytesIO()
    writer = EncryptingWriter._from_parts(out, header.stanzas, bytes.fromhex(fields["file key"]),
                                          nonce)
    writer.write(plain)
    writer.close()
    assert out.getvalue() == sealed


def test_crypto_imports_nothing_from_the_app() -> None:
    code = ("import sys, crypto; bad = [m for m in ('flask', 'sqlalchemy', 'portal') "
            "if m in sys.modules]; print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=REPO)
    assert result.stdout.strip() == ""


def test_crypto_has_no_asserts_and_passes_mypy_strict() -> None:
    for path in Path(REPO, "crypto").glob("*.py"):
        assert "assert " not in path.read_text(), f"{path.name}: use if ...: raise, not assert"
    mypy = Path(sys.executable).with_name("mypy")
    if not mypy.exists():
        pytest.skip("mypy is not installed in this environment")
    result = subprocess.run([str(mypy), "--strict", "crypto"], capture_output=True, text=True,
                            cwd=REPO)
    assert result.returncode == 0, result.stdout
