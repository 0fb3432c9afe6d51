"""An atheris (libFuzzer) target for the age parser: run by test_fuzz with a time budget.

    python -m tests.reliability.atheris_age -max_total_time=15

Any exception other than crypto.AgeError is a crash; so is a decryption that
succeeds with different plaintext than was sealed.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["crypto"]):
    import crypto

IDENTITY = crypto.X25519Identity(bytes(range(32)))
PLAINTEXT = b"a reprisal report " * 50
SEALED = crypto.encrypt_bytes(PLAINTEXT, [IDENTITY.recipient()])


def one_input(data: bytes) -> None:
    """Parse `data` as an age file (and as a mutation of a valid one) and as key text."""
    provider = atheris.FuzzedDataProvider(data)
    choice = provider.ConsumeIntInRange(0, 2)
    if choice == 0:
        candidate = provider.ConsumeBytes(provider.remaining_bytes())
    elif choice == 1:
        position = provider.ConsumeIntInRange(0, len(SEALED) - 1)
        candidate = SEALED[:position] + provider.ConsumeBytes(provider.remaining_bytes())
    else:
        text = provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes())
        for parse in (crypto.parse_recipient, crypto.parse_identity):
            try:
                parse(text)
            except crypto.AgeError:
                pass
        return
    try:
        out = crypto.decrypt_bytes(candidate, [IDENTITY])
    except crypto.AgeError:
        return
    if out != PLAINTEXT:
        raise RuntimeError("a damaged file decrypted to different plaintext")


def main() -> None:
    """libFuzzer entry point (its flags come from the command line)."""
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
