"""Bech32 (BIP 173) without the 90-character limit, as the age spec uses it.

"Bech32 is as specified in BIP173, but without length limits on the data part.
Note that Bech32 strings can only be all uppercase or all lowercase, but the
checksum is always computed over the lowercase string."
"""

from __future__ import annotations

import base64
import binascii

from crypto.errors import KeyFormatError

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CHARSET_REV = {c: i for i, c in enumerate(_CHARSET)}
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _generator_table() -> tuple[int, ...]:
    # XOR of the generator terms selected by each 5-bit value of the top bits,
    # so the checksum needs one lookup per character instead of five tests.
    table = []
    for top in range(32):
        value = 0
        for i in range(5):
            if (top >> i) & 1:
                value ^= _GENERATOR[i]
        table.append(value)
    return tuple(table)


_TABLE = _generator_table()


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        chk = ((chk & 0x1FFFFFF) << 5 ^ value) ^ _TABLE[chk >> 25]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


# Bech32's 5-bit groups are RFC 4648 base32 groups in another alphabet, so the
# standard library's C base32 codec does the bit regrouping (keys are ~2,000
# characters for post-quantum recipients: a Python loop cost milliseconds).
_B32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_BECH32 = str.maketrans(_B32_ALPHABET, _CHARSET)
_FROM_BECH32 = str.maketrans(_CHARSET, _B32_ALPHABET)


def _to_groups(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=").translate(_TO_BECH32)


def _from_groups(text: str) -> bytes:
    b32 = text.translate(_FROM_BECH32)
    try:
        data = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    except (binascii.Error, ValueError):
        raise KeyFormatError("invalid Bech32 data length") from None
    # BIP 173: at most 4 bits of padding, all zero; re-encoding checks both.
    if _to_groups(data) != text:
        raise KeyFormatError("invalid Bech32 padding")
    return data


def encode(hrp: str, data: bytes) -> str:
    """Encode ``data`` under the lowercase human-readable part ``hrp``."""
    return encode_groups(hrp, _to_groups(data))


def encode_groups(hrp: str, groups: str) -> str:
    """Append the checksum to already-grouped data characters (tests use it)."""
    hrp = hrp.lower()
    values = [_CHARSET_REV[c] for c in groups]
    polymod = _polymod(_hrp_expand(hrp) + values + [0] * 6) ^ 1
    checksum = "".join(_CHARSET[(polymod >> 5 * (5 - i)) & 31] for i in range(6))
    return hrp + "1" + groups + checksum


def decode_checksum_only(text: str) -> tuple[str, str]:
    """Check case, characters and checksum; return the HRP and data characters."""
    if text.lower() != text and text.upper() != text:
        raise KeyFormatError("mixed-case Bech32 string")
    if any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise KeyFormatError("invalid character in Bech32 string")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text):
        raise KeyFormatError("malformed Bech32 string")
    hrp = text[:pos]
    try:
        values = [_CHARSET_REV[c] for c in text[pos + 1 :]]
    except KeyError:
        raise KeyFormatError("invalid character in Bech32 data") from None
    if _polymod(_hrp_expand(hrp) + values) != 1:
        raise KeyFormatError("invalid Bech32 checksum")
    return hrp, text[pos + 1 : -6]


def decode(text: str) -> tuple[str, bytes]:
    """Decode a Bech32 string; return the lowercase HRP and the data bytes."""
    hrp, groups = decode_checksum_only(text)
    return hrp, _from_groups(groups)
