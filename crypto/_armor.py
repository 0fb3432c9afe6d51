"""ASCII armor: strict PEM with the label "AGE ENCRYPTED FILE".

"age implementations SHOULD reject non-canonical ASCII armor encodings except
for whitespace before and after the PEM block, and MAY choose to accept both LF
and CRLF line endings." Armored files are otherwise malleable, so every rule
below is enforced while streaming, one 64-column line at a time.
"""

from __future__ import annotations

import base64
import binascii
from typing import BinaryIO

from crypto._source import Source
from crypto.errors import ArmorError

BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
END = b"-----END AGE ENCRYPTED FILE-----"
COLUMNS = 64
_BYTES_PER_LINE = COLUMNS // 4 * 3
_WHITESPACE = frozenset(b" \t\r\n")
_MAX_LEADING_WHITESPACE = 1024


def is_armored(src: Source) -> bool:
    """True if ``src`` starts (after optional whitespace) with the armor header."""
    head = src.peek(_MAX_LEADING_WHITESPACE + len(BEGIN))
    return head.lstrip(b" \t\r\n").startswith(BEGIN)


def _strip_eol(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    if line.endswith(b"\n"):
        return line[:-1]
    raise ArmorError("armor line is too long or not terminated")


class ArmorReader:
    """Decodes an armored age file; a readable object for :class:`Source`."""

    def __init__(self, src: Source) -> None:
        self._src = src
        self._pending = bytearray()
        self._done = False
        self._last_seen = False
        for _ in range(_MAX_LEADING_WHITESPACE):
            if src.peek(1) and src.peek(1)[0] in _WHITESPACE:
                src.read(1)
            else:
                break
        if _strip_eol(src.readline(len(BEGIN) + 2)) != BEGIN:
            raise ArmorError("missing or malformed armor header line")

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._pending) < size):
            self._next_line()
        if size < 0:
            size = len(self._pending)
        data = bytes(self._pending[:size])
        del self._pending[:size]
        return data

    def _next_line(self) -> None:
        raw = self._src.readline(COLUMNS + 2)
        if raw == END:  # the end line may close the file without a newline
            line = raw
        elif not raw:
            raise ArmorError("armor ends without its end line")
        else:
            line = _strip_eol(raw)
        if line == END:
            self._check_trailer()
            self._done = True
            return
        if self._last_seen:
            raise ArmorError("armor line after the last (short or padded) line")
        if len(line) > COLUMNS or not line:
            raise ArmorError("armor line has the wrong length")
        if len(line) < COLUMNS or line.endswith(b"="):
            self._last_seen = True  # padding or a short line ends the data
        try:
            data = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise ArmorError("invalid base64 in armor") from None
        if base64.b64encode(data) != line:
            raise ArmorError("non-canonical base64 in armor")
        self._pending += data

    def _check_trailer(self) -> None:
        while True:
            block = self._src.read(64 * 1024)
            if not block:
                return
            if not set(block) <= _WHITESPACE:
                raise ArmorError("data after the armor end line")


class ArmorWriter:
    """Encodes everything written to it as armor on ``dst``; ``close`` ends it."""

    def __init__(self, dst: BinaryIO) -> None:
        self._dst = dst
        self._pending = bytearray()
        dst.write(BEGIN + b"\n")

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._pending += data
        whole = len(self._pending) // _BYTES_PER_LINE * _BYTES_PER_LINE
        if whole:
            encoded = base64.b64encode(self._pending[:whole])
            self._dst.write(b"".join(encoded[i : i + COLUMNS] + b"\n"
                                     for i in range(0, len(encoded), COLUMNS)))
            del self._pending[:whole]
        return len(data)

    def close(self) -> None:
        if self._pending:
            self._dst.write(base64.b64encode(self._pending) + b"\n")
            self._pending.clear()
        self._dst.write(END + b"\n")
