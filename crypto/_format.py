"""The age v1 header: version line, recipient stanzas, and the header MAC.

    header = v1-line 1*stanza end
    stanza = arg-line *full-line final-line
    end = "--- " 43base64char LF
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto._source import Source
from crypto.errors import HeaderError, HMACError

VERSION_PREFIX = b"age-encryption.org/"
VERSION_LINE = b"age-encryption.org/v1\n"
STANZA_PREFIX = b"-> "
MAC_PREFIX = b"---"
COLUMNS = 64
FILE_KEY_SIZE = 16
MAC_SIZE = 32

# Bounds that keep a hostile header from costing unbounded memory or time.
# Real headers are a few KiB: one stanza per reviewer, ~1.6 KiB for hybrid ones.
MAX_LINE = 16 * 1024
MAX_STANZAS = 4096
MAX_BODY_LINES = 1024

_B64_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: its arguments (the first is the type) and body."""

    args: tuple[str, ...]
    body: bytes

    @property
    def type(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Header:
    """A parsed header; ``covered`` is every byte the MAC authenticates."""

    stanzas: tuple[Stanza, ...]
    mac: bytes
    covered: bytes


def b64encode(data: bytes) -> str:
    """Unpadded standard base64, as the header uses it."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64decode(text: str | bytes) -> bytes:
    """Strict unpadded base64: "decoders MUST reject non-canonical encodings
    and encodings ending with `=` padding characters"."""
    raw = text.encode("ascii") if isinstance(text, str) else bytes(text)
    if not set(raw) <= _B64_ALPHABET or len(raw) % 4 == 1:
        raise HeaderError("invalid base64")
    try:
        data = base64.b64decode(raw + b"=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise HeaderError("invalid base64") from None
    # Non-zero trailing bits would make two strings decode to the same bytes.
    if b64encode(data).encode("ascii") != raw:
        raise HeaderError("non-canonical base64")
    return data


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def header_mac(file_key: bytes, covered: bytes) -> bytes:
    """HMAC-SHA-256 keyed with HKDF(ikm = file key, salt = empty, info = "header")."""
    key = _hkdf(file_key, b"", b"header")
    return hmac.new(key, covered, "sha256").digest()


def verify_mac(header: Header, file_key: bytes) -> None:
    """Raise :class:`HMACError` unless the header MAC matches ``file_key``."""
    if not hmac.compare_digest(header_mac(file_key, header.covered), header.mac):
        raise HMACError("header MAC mismatch: the header was modified")


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    """HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload")."""
    return _hkdf(file_key, nonce, b"payload")


def _is_argument(arg: bytes) -> bool:
    # argument = 1*VCHAR
    return bool(arg) and all(0x21 <= c <= 0x7E for c in arg)


def _read_line(src: Source) -> bytes:
    line = src.readline(MAX_LINE)
    if not line.endswith(b"\n"):
        raise HeaderError("truncated or over-long header line")
    return line


def _parse_body(src: Source, covered: bytearray) -> bytes:
    """Body lines are 64 base64 columns; the first shorter line ends the body.

    Each line is decoded on its own, so "full-line = 64base64char" holds even
    when the concatenation would happen to decode.
    """
    body = bytearray()
    for _ in range(MAX_BODY_LINES):
        line = _read_line(src)
        covered += line
        text = line[:-1]
        if len(text) > COLUMNS:
            raise HeaderError("stanza body line longer than 64 columns")
        body += b64decode(text)
        if len(text) < COLUMNS:
            return bytes(body)
    raise HeaderError("stanza body too long")


def parse_header(src: Source) -> Header:
    """Parse the header from ``src``, leaving it positioned at the payload."""
    version = _read_line(src) if src.peek(len(VERSION_PREFIX)) == VERSION_PREFIX else b""
    if not version:
        raise HeaderError("not an age file (no age-encryption.org version line)")
    if version != VERSION_LINE:
        raise HeaderError("unsupported age format version")
    covered = bytearray(version)
    stanzas: list[Stanza] = []
    while True:
        line = _read_line(src)
        if line.startswith(MAC_PREFIX):
            covered += MAC_PREFIX
            mac = _parse_mac_line(line)
            break
        if not line.startswith(STANZA_PREFIX):
            raise HeaderError("malformed header line")
        if len(stanzas) >= MAX_STANZAS:
            raise HeaderError("too many recipient stanzas")
        args = line[len(STANZA_PREFIX) : -1].split(b" ")
        if not all(_is_argument(a) for a in args):
            raise HeaderError("malformed stanza arguments")
        covered += line
        body = _parse_body(src, covered)
        stanzas.append(Stanza(tuple(a.decode("ascii") for a in args), body))
    if not stanzas:
        raise HeaderError("header has no recipient stanza")
    return Header(tuple(stanzas), mac, bytes(covered))


def _parse_mac_line(line: bytes) -> bytes:
    if not line.startswith(MAC_PREFIX + b" ") or len(line) != len(MAC_PREFIX) + 1 + 43 + 1:
        raise HeaderError("malformed header MAC line")
    mac = b64decode(line[len(MAC_PREFIX) + 1 : -1])
    if len(mac) != MAC_SIZE:
        raise HeaderError("malformed header MAC")
    return mac


def _encode_body(body: bytes) -> bytes:
    text = b64encode(body).encode("ascii")
    lines = [text[i : i + COLUMNS] for i in range(0, len(text), COLUMNS)]
    if not lines or len(lines[-1]) == COLUMNS:
        lines.append(b"")  # the body MUST end with a line shorter than 64 columns
    return b"".join(line + b"\n" for line in lines)


def encode_stanza(stanza: Stanza) -> bytes:
    """Serialize one stanza: its argument line, then its wrapped body."""
    arg_line = STANZA_PREFIX + " ".join(stanza.args).encode("ascii") + b"\n"
    return arg_line + _encode_body(stanza.body)


def encode_header(stanzas: Sequence[Stanza], file_key: bytes) -> bytes:
    """Serialize a header for ``stanzas`` and append its MAC."""
    covered = VERSION_LINE + b"".join(encode_stanza(s) for s in stanzas) + MAC_PREFIX
    return covered + b" " + b64encode(header_mac(file_key, covered)).encode("ascii") + b"\n"
