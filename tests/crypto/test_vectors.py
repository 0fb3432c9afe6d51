"""Every public age test vector (C2SP CCTV), read from ../shared/testdata/age-cctv."""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import crypto
from tests.crypto.conftest import VECTORS

OUTCOMES = {
    "success": None,
    "header failure": crypto.HeaderError,
    "HMAC failure": crypto.HMACError,
    "no match": crypto.NoMatchError,
    "payload failure": crypto.PayloadError,
    "armor failure": crypto.ArmorError,
}


@dataclass
class Vector:
    name: str
    expect: str
    payload: str | None = None
    identities: list[str] = field(default_factory=list)
    passphrases: list[str] = field(default_factory=list)
    armored: bool = False
    body: bytes = b""


def _load(path: Path) -> Vector:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n\n")
    vector = Vector(name=path.name, expect="")
    compressed = False
    for line in head.decode().splitlines():
        key, _, value = line.partition(": ")
        if key == "expect":
            vector.expect = value
        elif key == "payload":
            vector.payload = value
        elif key == "identity":
            vector.identities.append(value)
        elif key == "passphrase":
            vector.passphrases.append(value)
        elif key == "armored":
            vector.armored = value == "yes"
        elif key == "compressed":
            compressed = value == "zlib"
    vector.body = zlib.decompress(body) if compressed else body
    return vector


def _names() -> list[str]:
    if not VECTORS.is_dir():
        return []
    return sorted(p.name for p in VECTORS.iterdir() if p.name != "README.md")


pytestmark = pytest.mark.skipif(
    not VECTORS.is_dir(), reason=f"age test vectors not found at {VECTORS} (set PORTAL_AGE_VECTORS)"
)


def test_the_vector_folder_is_complete() -> None:
    # The README counts 143 vectors: a partial copy would silently test less.
    assert len(_names()) == 143


@pytest.mark.parametrize("name", _names())
def test_vector(name: str) -> None:
    vector = _load(VECTORS / name)
    identities: list[crypto.Identity] = [crypto.parse_identity(i) for i in vector.identities]
    identities += [crypto.ScryptIdentity(p) for p in vector.passphrases]
    out = io.BytesIO()
    expected = OUTCOMES[vector.expect]
    if expected is None:
        crypto.decrypt(io.BytesIO(vector.body), out, identities, armor=vector.armored)
    else:
        with pytest.raises(crypto.AgeError) as info:
            crypto.decrypt(io.BytesIO(vector.body), out, identities, armor=vector.armored)
        # Exactly the outcome the vector names, not merely some failure.
        assert type(info.value) is expected, f"{type(info.value).__name__}: {info.value}"
        if isinstance(info.value, crypto.PayloadError):
            assert info.value.released == len(out.getvalue())
    # Every byte the API released, also on partial failure, hashes as expected.
    if vector.payload is not None:
        assert hashlib.sha256(out.getvalue()).hexdigest() == vector.payload
    elif expected is not crypto.PayloadError:
        assert out.getvalue() == b""
