"""The blob store: atomic, verified paths, random names, nothing left on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

import crypto
from portal.storage import BlobStore, StorageError


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


@pytest.fixture
def identity() -> crypto.Identity:
    return crypto.X25519Identity(b"\x05" * 32)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "", "A" * 32, "0" * 31, "0" * 32 + "/",
                                 "..", "0" * 31 + "\x00"])
def test_malformed_ids_are_refused(store: BlobStore, bad: str) -> None:
    with pytest.raises(StorageError):
        store.path(bad)


def test_put_then_decrypt_with_the_age_format(store: BlobStore, identity: crypto.Identity) -> None:
    stored = store.put(b"secret words", [identity.recipient()])
    assert store.read(stored.blob_id).startswith(b"age-encryption.org/v1\n")
    assert store.decrypt(stored.blob_id, [identity]) == b"secret words"
    assert store.path(stored.blob_id).stat().st_mode & 0o077 == 0


def test_failure_mid_write_leaves_nothing(store: BlobStore, identity: crypto.Identity) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.writer([identity.recipient()]) as writer:
        writer.write(b"half of a report")
        raise Boom
    assert store.all_ids() == set()
    assert list((store.root / ".tmp").iterdir()) == []


def test_no_recipients_is_refused(store: BlobStore) -> None:
    with pytest.raises(StorageError):
        store.put(b"x", [])


def test_sweep_removes_orphans_and_stale_temporaries(
    store: BlobStore, identity: crypto.Identity
) -> None:
    kept = store.put(b"kept", [identity.recipient()]).blob_id
    orphan = store.put(b"orphan", [identity.recipient()]).blob_id
    (store.root / ".tmp" / "stale.part").write_bytes(b"x")
    assert store.sweep({kept}, older_than_seconds=-1) == 2
    assert store.all_ids() == {kept}
    assert orphan not in store.all_ids()
