"""Bech32 against BIP 173's published examples, and round trips of any length."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto import _bech32
from crypto.errors import KeyFormatError

VALID = [
    "A12UEL5L",
    "a12uel5l",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
]
INVALID = [
    "pzry9x0s0muk",  # no separator
    "1pzry9x0s0muk",  # empty human-readable part
    "x1b4n0q5v",  # invalid data character
    "li1dgmt3",  # checksum too short
    "A1G7SGD8",  # checksum computed over the upper-case form
    "10a06t8",  # empty HRP
    "1qzzfhee",  # empty HRP
    "a12UEL5L",  # mixed case
]


@pytest.mark.parametrize("text", VALID)
def test_bip173_valid_checksums(text: str) -> None:
    hrp, _ = _bech32.decode_checksum_only(text)
    assert hrp == text.lower()[: text.lower().rfind("1")]


@pytest.mark.parametrize("text", INVALID)
def test_bip173_invalid_strings(text: str) -> None:
    with pytest.raises(KeyFormatError):
        _bech32.decode_checksum_only(text)


@given(st.binary(max_size=1300))
def test_round_trip(data: bytes) -> None:
    text = _bech32.encode("age", data)
    assert _bech32.decode(text) == ("age", data)
    assert _bech32.decode(text.upper()) == ("age", data)


def test_non_zero_padding_is_refused() -> None:
    text = _bech32.encode("age", b"\xff")  # 8 bits -> two groups, 2 bits of padding
    groups = text[4:-6]
    tampered_groups = groups[:-1] + "l"  # 'l' = 31: sets the padding bits
    with pytest.raises(KeyFormatError):
        _bech32.decode(_bech32.encode_groups("age", tampered_groups))
