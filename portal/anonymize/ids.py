"""Check digits of identity numbers: PRC resident ID (GB 11643) and Hong Kong ID."""

from __future__ import annotations

_PRC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_PRC_CHECK = "10X98765432"


def prc_id_valid(number: str) -> bool:
    """True when an 18-character PRC resident ID has a correct ISO 7064 check character."""
    text = number.upper()
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(text[:17], _PRC_WEIGHTS, strict=True))
    return _PRC_CHECK[total % 11] == text[17]


def prc_id_check_char(first17: str) -> str:
    """The check character for 17 digits (used by tests and benchmarks to build valid IDs)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _PRC_WEIGHTS, strict=True))
    return _PRC_CHECK[total % 11]


def hk_id_valid(letters: str, digits: str, check: str) -> bool:
    """True when a Hong Kong identity card number's check digit is right.

    One-letter prefixes count as if a space (value 36) came first; letters are
    10..35; weights run 9..2 over the eight positions; the check is 11 minus the sum
    modulo 11, with 10 written "A".
    """
    letters = letters.upper()
    if len(letters) == 1:
        values = [36, ord(letters) - 55]
    elif len(letters) == 2:
        values = [ord(letters[0]) - 55, ord(letters[1]) - 55]
    else:
        return False
    values += [int(d) for d in digits]
    if len(values) != 8:
        return False
    total = sum(value * weight for value, weight in zip(values, range(9, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return check.upper() == ("A" if expected == 10 else str(expected))
