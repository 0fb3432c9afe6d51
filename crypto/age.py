"""Encrypting and decrypting whole age files, streaming with bounded memory."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from types import TracebackType
from typing import BinaryIO

from crypto._armor import ArmorReader, ArmorWriter, is_armored
from crypto._format import (
    FILE_KEY_SIZE,
    Header,
    Stanza,
    encode_header,
    parse_header,
    payload_key,
    verify_mac,
)
from crypto._mlkem768x25519 import HybridIdentity
from crypto._scrypt import DEFAULT_WORK_FACTOR, ScryptIdentity, ScryptRecipient
from crypto._scrypt import STANZA_TYPE as SCRYPT_TYPE
from crypto._source import Source, page_aligned_buffer
from crypto._stanza_types import Identity, Recipient
from crypto._stream import BATCH_CHUNKS, CHUNK_SIZE, NONCE_SIZE, StreamWriter, decrypt_stream
from crypto._threads import executor
from crypto._x25519 import X25519Identity
from crypto.errors import HeaderError, KeyFormatError, NoMatchError
from crypto.keys import identity_file_text, parse_identity_file

_COPY_SIZE = BATCH_CHUNKS * CHUNK_SIZE  # one read feeds one sealing batch
_DONE: Future[int] = Future()
_DONE.set_result(0)


def _wrap_all(recipients: Iterable[Recipient], file_key: bytes) -> list[Stanza]:
    stanzas = [s for r in recipients for s in r.wrap(file_key)]
    if not stanzas:
        raise ValueError("at least one recipient is required")
    if any(s.type == SCRYPT_TYPE for s in stanzas) and len(stanzas) != 1:
        # A passphrase implies that only its holder wrote the file.
        raise ValueError("a passphrase recipient must be the only recipient")
    return stanzas


class EncryptingWriter:
    """A writable sink that encrypts what is written to it, chunk by chunk.

    ``close()`` (or leaving the ``with`` block normally) seals the final chunk.
    If the block raises, the stream is left unfinished on purpose: the result
    then fails to decrypt rather than passing for a complete file.
    """

    def __init__(self, dst: BinaryIO, recipients: Sequence[Recipient], *,
                 armor: bool = False) -> None:
        self._start(dst, recipients, os.urandom(FILE_KEY_SIZE), os.urandom(NONCE_SIZE), armor)

    @classmethod
    def _from_parts(cls, dst: BinaryIO, stanzas: Sequence[Stanza], file_key: bytes,
                    nonce: bytes, armor: bool = False) -> EncryptingWriter:
        """Deterministic seam for known-answer tests: pinned key, nonce and stanzas."""
        writer = cls.__new__(cls)
        writer._begin(dst, stanzas, file_key, nonce, armor)
        return writer

    def _start(self, dst: BinaryIO, recipients: Sequence[Recipient], file_key: bytes,
               nonce: bytes, armor: bool) -> None:
        self._begin(dst, _wrap_all(recipients, file_key), file_key, nonce, armor)

    def _begin(self, dst: BinaryIO, stanzas: Sequence[Stanza], file_key: bytes,
               nonce: bytes, armor: bool) -> None:
        self._armor = ArmorWriter(dst) if armor else None
        out: BinaryIO = self._armor if self._armor is not None else dst  # type: ignore[assignment]
        out.write(encode_header(stanzas, file_key))
        out.write(nonce)
        self._stream = StreamWriter(payload_key(file_key, nonce), out)
        self.bytes_written = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Encrypt ``data``; returns its length."""
        n = self._stream.write(data)
        self.bytes_written += n
        return n

    def close(self) -> None:
        """Seal the final chunk; the file is complete only after this."""
        self._stream.close()
        if self._armor is not None:
            self._armor.close()
            self._armor = None

    def __enter__(self) -> EncryptingWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()


def encrypt(src: BinaryIO, dst: BinaryIO, recipients: Sequence[Recipient], *,
            armor: bool = False) -> int:
    """Encrypt everything read from ``src`` to ``dst``; return plaintext length."""
    with EncryptingWriter(dst, recipients, armor=armor) as writer:
        _pump(src, writer.write)
    return writer.bytes_written


def _pump(src: BinaryIO, sink: Callable[[memoryview], object]) -> None:
    """Feed ``src`` to ``sink`` in 4 MiB blocks, reading the next block on a
    worker thread while ``sink`` encrypts the current one."""
    buffers = [page_aligned_buffer(_COPY_SIZE), page_aligned_buffer(_COPY_SIZE)]
    reader = Source(src)
    pending = executor().submit(reader.readinto, buffers[0])
    current = 0
    while n := pending.result():
        if n == _COPY_SIZE:
            pending = executor().submit(reader.readinto, buffers[1 - current])
        else:
            pending = _DONE  # a short read is end of file
        sink(buffers[current][:n])
        current = 1 - current


def _open(src: BinaryIO, armor: bool | None) -> Source:
    """``armor``: True or False to insist, None to detect the armor header."""
    source = Source(src)
    if armor is None:
        armor = is_armored(source)
    return Source(ArmorReader(source)) if armor else source


def _unwrap(header: Header, identities: Iterable[Identity]) -> bytes:
    # "The identity implementation MUST reject headers where an scrypt stanza
    # is present alongside any other stanza."
    if any(s.type == SCRYPT_TYPE for s in header.stanzas) and len(header.stanzas) != 1:
        raise HeaderError("an scrypt stanza must be the only stanza")
    for identity in identities:
        file_key = identity.unwrap(header.stanzas)
        if file_key is not None:
            verify_mac(header, file_key)
            return file_key
    raise NoMatchError("no identity matched any of the file's recipients")


def _read_nonce(source: Source) -> bytes:
    nonce = source.read(NONCE_SIZE)
    if len(nonce) != NONCE_SIZE:
        raise HeaderError("file ends before the payload nonce")
    return nonce


def decrypt(src: BinaryIO, dst: BinaryIO, identities: Sequence[Identity], *,
            armor: bool | None = None) -> int:
    """Decrypt ``src`` into ``dst``; return plaintext length.

    ``armor`` None accepts binary files and files that start (after white
    space) with the armor header; True or False requires one form.

    Chunks are written to ``dst`` as they authenticate. If any :class:`AgeError`
    is raised, what ``dst`` received is NOT the file: discard it.
    """
    source = _open(src, armor)
    file_key = _unwrap(parse_header(source), identities)
    nonce = _read_nonce(source)
    return decrypt_stream(payload_key(file_key, nonce), source, dst)


def encrypt_bytes(data: bytes, recipients: Sequence[Recipient], *, armor: bool = False) -> bytes:
    """Encrypt a byte string in memory."""
    out = io.BytesIO()
    with EncryptingWriter(out, recipients, armor=armor) as writer:
        writer.write(data)
    return out.getvalue()


def decrypt_bytes(data: bytes, identities: Sequence[Identity]) -> bytes:
    """Decrypt a byte string; returns only a complete, authenticated plaintext."""
    out = io.BytesIO()
    decrypt(io.BytesIO(data), out, identities)
    return out.getvalue()


def rekey(src: BinaryIO, dst: BinaryIO, identities: Sequence[Identity],
          recipients: Sequence[Recipient]) -> None:
    """Write ``src`` to ``dst`` with a new header for ``recipients``.

    The file key and the payload are unchanged (the payload bytes are copied,
    not re-encrypted), so adding or revoking a reviewer costs one header.
    Armored input is written back binary. Revoking only prevents *future*
    reads of this copy: anyone who kept the old file keeps their access.
    """
    source = _open(src, None)
    header = parse_header(source)
    file_key = _unwrap(header, identities)
    dst.write(encode_header(_wrap_all(recipients, file_key), file_key))
    buf = page_aligned_buffer(_COPY_SIZE)
    while n := source.readinto(buf):
        dst.write(buf[:n])


def protect_identity(identity: X25519Identity | HybridIdentity, passphrase: str,
                     work_factor: int = DEFAULT_WORK_FACTOR, *, armor: bool = False) -> bytes:
    """An identity file encrypted under a passphrase, as ``age -p`` writes it."""
    text = identity_file_text(identity).encode("ascii")
    return encrypt_bytes(text, [ScryptRecipient(passphrase, work_factor)], armor=armor)


def unlock_identity(data: bytes, passphrase: str) -> list[X25519Identity | HybridIdentity]:
    """Decrypt a passphrase-protected identity file (raises NoMatchError if wrong)."""
    text = decrypt_bytes(data, [ScryptIdentity(passphrase)])
    try:
        return parse_identity_file(text.decode("utf-8"))
    except UnicodeDecodeError:
        raise KeyFormatError("the protected file does not hold an identity") from None
