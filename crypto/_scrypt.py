"""The scrypt passphrase recipient type, as ``age -p`` writes it.

"wrap key = scrypt(N = work factor, r = 8, p = 1, dkLen = 32,
S = "age-encryption.org/v1/scrypt" || salt, P = passphrase)"
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from crypto._format import Stanza, b64decode, b64encode
from crypto._stanza_types import open_file_key, seal_file_key
from crypto.errors import HeaderError

STANZA_TYPE = "scrypt"
LABEL = b"age-encryption.org/v1/scrypt"
SALT_SIZE = 16
DEFAULT_WORK_FACTOR = 18  # what `age -p` uses: about a second on a laptop
MAX_WORK_FACTOR = 22  # "SHOULD apply an upper limit to the work factor"
_DECIMAL = re.compile(r"[1-9][0-9]*")


def _wrap_key(passphrase: str, salt: bytes, work_factor: int) -> bytes:
    kdf = Scrypt(salt=LABEL + salt, length=32, n=1 << work_factor, r=8, p=1)
    return kdf.derive(passphrase.encode("utf-8"))


class ScryptRecipient:
    """Encrypts the file key under a passphrase."""

    def __init__(self, passphrase: str, work_factor: int = DEFAULT_WORK_FACTOR) -> None:
        if not passphrase:
            raise ValueError("the passphrase must not be empty")
        if not 1 <= work_factor <= MAX_WORK_FACTOR:
            raise ValueError(f"scrypt work factor must be between 1 and {MAX_WORK_FACTOR}")
        self._passphrase = passphrase
        self._work_factor = work_factor

    def wrap(self, file_key: bytes) -> list[Stanza]:
        # "A new salt MUST be generated for each stanza and each file."
        salt = os.urandom(SALT_SIZE)
        body = seal_file_key(_wrap_key(self._passphrase, salt, self._work_factor), file_key)
        return [Stanza((STANZA_TYPE, b64encode(salt), str(self._work_factor)), body)]

    def __repr__(self) -> str:
        return f"ScryptRecipient(<passphrase>, work_factor={self._work_factor})"


class ScryptIdentity:
    """Decrypts files encrypted with :class:`ScryptRecipient` and the same passphrase."""

    def __init__(self, passphrase: str, max_work_factor: int = MAX_WORK_FACTOR) -> None:
        self._passphrase = passphrase
        self._max_work_factor = max_work_factor

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != STANZA_TYPE:
                continue
            if len(stanza.args) != 3:
                raise HeaderError("scrypt stanza must have exactly three arguments")
            salt = b64decode(stanza.args[1])
            if len(salt) != SALT_SIZE:
                raise HeaderError("scrypt salt must be 16 bytes")
            if not _DECIMAL.fullmatch(stanza.args[2]):
                raise HeaderError("scrypt work factor must be a plain decimal number")
            # Check the length before int() so a huge number costs nothing.
            if len(stanza.args[2]) > 2 or int(stanza.args[2]) > self._max_work_factor:
                raise HeaderError("scrypt work factor is too large")
            work_factor = int(stanza.args[2])
            if len(stanza.body) != 32:
                raise HeaderError("scrypt stanza body is not a 16-byte file key")
            file_key = open_file_key(_wrap_key(self._passphrase, salt, work_factor), stanza.body)
            if file_key is not None:
                return file_key
        return None

    def __repr__(self) -> str:
        return "ScryptIdentity(<passphrase>)"
