"""The blob store: encrypted files with random names under one root folder.

Every blob is written through ``crypto.EncryptingWriter`` into a temporary file in
the store's own ``.tmp`` folder (same file system), flushed, fsync'ed and renamed
into place, then the folder is fsync'ed. Plaintext only ever exists in memory.
A blob that failed half-way is never renamed: its temporary file is removed, and
because the age stream is only finalised on success it would not decrypt anyway.

Blob ids are random; a client's filename never reaches the disk. Every path is
resolved and checked to lie under the root before it is used.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import crypto

_BLOB_ID = re.compile(r"\A[0-9a-f]{32}\Z")
_TMP = ".tmp"


class StorageError(Exception):
    """A blob id is malformed, points outside the store, or does not exist."""


@dataclass(frozen=True)
class StoredBlob:
    """A durable encrypted blob: its id and plaintext/ciphertext sizes."""

    blob_id: str
    plaintext_size: int
    ciphertext_size: int


class BlobWriter:
    """Write plaintext here; it is encrypted on the fly. Obtained from `BlobStore.writer`."""

    def __init__(self, encrypting: crypto.EncryptingWriter) -> None:
        self._encrypting = encrypting
        self.size = 0
        #: Set once the blob is durable (after the `with` block).
        self.stored: StoredBlob | None = None

    def write(self, data: bytes) -> int:
        """Encrypt and append `data`."""
        self._encrypting.write(data)
        self.size += len(data)
        return len(data)

    def copy_from(self, src: BinaryIO, chunk: int = 1024 * 1024) -> None:
        """Stream a whole file object through the encryption."""
        while block := src.read(chunk):
            self.write(block)


class BlobStore:
    """Encrypted blobs under `root`, fanned out by the first two hex digits."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def ensure(self) -> None:
        """Create the root and temporary folders (owner-only)."""
        (self.root / _TMP).mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.root, 0o700)

    def path(self, blob_id: str) -> Path:
        """The verified on-disk path of a blob id."""
        if not isinstance(blob_id, str) or not _BLOB_ID.match(blob_id):
            raise StorageError("malformed blob id")
        path = (self.root / blob_id[:2] / blob_id).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError("blob path escapes the store")
        return path

    @contextlib.contextmanager
    def writer(self, recipients: Sequence[crypto.Recipient]) -> Iterator[BlobWriter]:
        """Yield a writer; on clean exit the blob is durable, else nothing remains.

        The `StoredBlob` is available afterwards as ``writer.stored``.
        """
        if not recipients:
            raise StorageError("refusing to store a blob with no recipients")
        self.ensure()
        blob_id = secrets.token_hex(16)
        final = self.path(blob_id)
        tmp = (self.root / _TMP / f"{secrets.token_hex(16)}.part").resolve()
        if not tmp.is_relative_to(self.root):
            raise StorageError("temporary path escapes the store")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                with crypto.EncryptingWriter(out, list(recipients)) as encrypting:
                    writer = BlobWriter(encrypting)
                    yield writer
                out.flush()
                os.fsync(out.fileno())
                ciphertext_size = out.tell()
            final.parent.mkdir(exist_ok=True, mode=0o700)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        writer.stored = StoredBlob(blob_id, writer.size, ciphertext_size)

    def put(self, data: bytes, recipients: Sequence[crypto.Recipient]) -> StoredBlob:
        """Encrypt `data` to `recipients` and store it durably."""
        with self.writer(recipients) as writer:
            writer.write(data)
        if writer.stored is None:
            raise StorageError("blob was not stored")
        return writer.stored

    def open(self, blob_id: str) -> BinaryIO:
        """Open a blob's ciphertext for reading."""
        try:
            return self.path(blob_id).open("rb")
        except FileNotFoundError:
            raise StorageError("no such blob") from None

    def read(self, blob_id: str) -> bytes:
        """A blob's whole ciphertext."""
        with self.open(blob_id) as f:
            return f.read()

    def decrypt(self, blob_id: str, identities: Sequence[crypto.Identity]) -> bytes:
        """Decrypt a whole blob (raises crypto.AgeError if no identity matches)."""
        return crypto.decrypt_bytes(self.read(blob_id), list(identities))

    def delete(self, blob_id: str) -> None:
        """Remove a blob if present."""
        with contextlib.suppress(FileNotFoundError):
            self.path(blob_id).unlink()

    def delete_many(self, blob_ids: Iterable[str]) -> None:
        """Remove several blobs (best effort; missing ones are fine)."""
        for blob_id in blob_ids:
            self.delete(blob_id)

    def all_ids(self) -> set[str]:
        """Ids of every blob on disk."""
        ids: set[str] = set()
        if not self.root.is_dir():
            return ids
        for sub in self.root.iterdir():
            if sub.name == _TMP or not sub.is_dir():
                continue
            ids.update(p.name for p in sub.iterdir() if _BLOB_ID.match(p.name))
        return ids

    def sweep(self, referenced: set[str], older_than_seconds: float = 3600) -> int:
        """Remove leftovers of crashes: unreferenced blobs and stale temporary files.

        A crash between "blob durable" and "row committed" leaves an encrypted,
        unreferenced blob; this is how it goes away. Only files older than
        `older_than_seconds` are touched, so in-flight submissions are safe.
        """
        cutoff = time.time() - older_than_seconds
        removed = 0
        candidates = [self.path(b) for b in self.all_ids() - referenced]
        tmp_dir = self.root / _TMP
        if tmp_dir.is_dir():
            candidates.extend(tmp_dir.iterdir())
        for path in candidates:
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
