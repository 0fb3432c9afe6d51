"""The STREAM payload: ChaCha20-Poly1305 over 64 KiB chunks.

"The payload is split in chunks of 64 KiB, and each of them is encrypted with
ChaCha20-Poly1305, using the payload key and a 12-byte nonce composed as
follows: the first 11 bytes are a big endian chunk counter starting at zero and
incrementing by one for each subsequent chunk; the last byte is 0x01 for the
final chunk and 0x00 for all preceding ones. The final chunk MAY be shorter
than 64 KiB but MUST NOT be empty unless the whole payload is empty."

Throughput matters (gigabyte uploads on a 2-core server), so both directions
reuse preallocated buffers with ``encrypt_into``/``decrypt_into`` and never
copy a chunk in Python.
"""

from __future__ import annotations

from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from crypto._source import Source, page_aligned_buffer
from crypto.errors import PayloadError

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
NONCE_SIZE = 16  # the payload nonce that precedes the chunks
_LAST = b"\x01"
_NOT_LAST = b"\x00"
# 11-byte counter: more chunks than this would reuse a nonce.
_MAX_COUNTER = (1 << 88) - 1


def _chunk_nonce(counter: int, last: bool) -> bytes:
    if counter > _MAX_COUNTER:
        raise PayloadError("payload too large: chunk counter overflow")
    return counter.to_bytes(11, "big") + (_LAST if last else _NOT_LAST)


# Large writes are sealed 64 chunks (4 MiB) at a time and written with one call:
# per-batch costs (the write, the reader thread's hand-over in age._pump) then
# vanish next to the sealing. Sealing on a second thread as well was measured
# slower on two cores, where the read-ahead thread already uses the other one.
BATCH_CHUNKS = 64


class StreamWriter:
    """Encrypts bytes written to it into STREAM chunks on ``dst``.

    A chunk is sealed only once the next byte (or ``close``) tells whether it is
    the last one, so ``close`` is what makes the file complete: a writer that is
    never closed leaves a file that fails to decrypt instead of a silently
    truncated one.
    """

    def __init__(self, key: bytes, dst: BinaryIO) -> None:
        self._aead = ChaCha20Poly1305(key)
        self._dst = dst
        self._plain_view = page_aligned_buffer(CHUNK_SIZE)
        self._filled = 0
        self._sealed_view = page_aligned_buffer(BATCH_CHUNKS * ENC_CHUNK_SIZE)
        self._counter = 0
        self._closed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Buffer and encrypt ``data``; returns its length."""
        if self._closed:
            raise ValueError("write to a closed encrypting writer")
        view = memoryview(data).cast("B")
        total = len(view)
        while len(view):
            take = min(CHUNK_SIZE - self._filled, len(view))
            self._plain_view[self._filled : self._filled + take] = view[:take]
            self._filled += take
            view = view[take:]
            if not len(view):
                break  # the buffered chunk may be the last: wait and see
            # The buffered chunk is full and more data follows, so neither it nor
            # any whole chunk before the final byte of ``view`` is the last one.
            whole = min((len(view) - 1) // CHUNK_SIZE, BATCH_CHUNKS - 1)
            batch = [self._plain_view] + [view[i * CHUNK_SIZE : (i + 1) * CHUNK_SIZE]
                                          for i in range(whole)]
            view = view[whole * CHUNK_SIZE :]
            self._seal(batch, last=False)
        return total

    def close(self) -> None:
        """Seal the final chunk (empty only if the whole payload is empty)."""
        if not self._closed:
            self._seal([self._plain_view[: self._filled]], last=True)
            self._closed = True

    def _seal(self, chunks: list[memoryview], last: bool) -> None:
        """Seal ``chunks`` (consecutive counters) and write them in order."""
        offset = 0
        for i, chunk in enumerate(chunks):
            out = self._sealed_view[offset : offset + len(chunk) + TAG_SIZE]
            self._aead.encrypt_into(_chunk_nonce(self._counter + i, last), chunk, None, out)
            offset += len(out)
        self._dst.write(self._sealed_view[:offset])
        self._counter += len(chunks)
        self._filled = 0


def decrypt_stream(key: bytes, src: Source, dst: BinaryIO) -> int:
    """Decrypt every chunk from ``src`` into ``dst``; return bytes released.

    Each chunk is written to ``dst`` only after its tag verifies. A full chunk
    is first opened as non-final, then as final; a short read is the final
    chunk. The stream is complete only when a final chunk verified and nothing
    follows it: anything else raises :class:`PayloadError` carrying the count of
    bytes already released, which are then a prefix, not the file.
    """
    aead = ChaCha20Poly1305(key)
    sealed = page_aligned_buffer(ENC_CHUNK_SIZE)
    plain = page_aligned_buffer(CHUNK_SIZE)
    released = 0
    counter = 0
    while True:
        n = src.readinto(sealed)
        if n == 0:
            # "Streaming decryption MUST signal an error if the end of file is
            # reached without successfully decrypting a final chunk."
            raise PayloadError("payload is truncated: no final chunk", released)
        last = n < ENC_CHUNK_SIZE
        if n < TAG_SIZE:
            raise PayloadError("truncated chunk", released)
        if last and n == TAG_SIZE and counter > 0:
            # "MUST NOT be empty unless the whole payload is empty."
            raise PayloadError("empty final chunk", released)
        size = n - TAG_SIZE
        try:
            aead.decrypt_into(_chunk_nonce(counter, last), sealed[:n], None, plain[:size])
        except InvalidTag:
            if last:
                raise PayloadError("chunk authentication failed", released) from None
            # A full-size chunk may still be the final one.
            last = True
            try:
                aead.decrypt_into(_chunk_nonce(counter, True), sealed, None, plain)
            except InvalidTag:
                raise PayloadError("chunk authentication failed", released) from None
        dst.write(plain[:size])
        released += size
        if last:
            if not src.at_eof():
                raise PayloadError("data after the final chunk", released)
            return released
        counter += 1
