"""Hostile input never escapes the AgeError family (no crash, no other exception)."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

import crypto

IDENTITY = crypto.X25519Identity(bytes(range(1, 33)))
VALID = crypto.encrypt_bytes(b"x" * 100, [IDENTITY.recipient()])
ARMORED = crypto.encrypt_bytes(b"x" * 100, [IDENTITY.recipient()], armor=True)


def _decrypt(data: bytes) -> None:
    try:
        crypto.decrypt(io.BytesIO(data), io.BytesIO(), [IDENTITY, crypto.ScryptIdentity("pw")])
    except crypto.AgeError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    _decrypt(data)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_valid_files(data: st.DataObject) -> None:
    base = bytearray(data.draw(st.sampled_from([VALID, ARMORED])))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(base) - 1))
        action = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip":
            base[position] ^= data.draw(st.integers(1, 255))
        elif action == "insert":
            base[position:position] = data.draw(st.binary(min_size=1, max_size=8))
        elif len(base) > 1:
            del base[position]
    _decrypt(bytes(base))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_key_strings(text: str) -> None:
    for parse in (crypto.parse_recipient, crypto.parse_identity):
        try:
            parse(text)
        except crypto.KeyFormatError:
            pass
