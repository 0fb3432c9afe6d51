"""STREAM payload properties: chunk boundaries, truncation, reordering, bit flips."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crypto
from crypto._stream import CHUNK_SIZE, ENC_CHUNK_SIZE

IDENTITY = crypto.X25519Identity(bytes(range(32)))
RECIPIENT = IDENTITY.recipient()
BOUNDARIES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE]
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _split(sealed: bytes) -> tuple[bytes, bytes]:
    """Header+nonce, then the chunks, for an X25519 file (header ends at '---' line)."""
    end = sealed.index(b"\n---") + 1
    end = sealed.index(b"\n", end) + 1 + 16
    return sealed[:end], sealed[end:]


@pytest.mark.parametrize("size", BOUNDARIES)
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    data = os.urandom(size)
    sealed = crypto.encrypt_bytes(data, [RECIPIENT])
    _, payload = _split(sealed)
    chunks = max(1, -(-size // CHUNK_SIZE))
    assert len(payload) == size + 16 * chunks  # no empty final chunk after a full one
    assert crypto.decrypt_bytes(sealed, [IDENTITY]) == data


@pytest.mark.parametrize("size", BOUNDARIES)
def test_writer_in_odd_pieces_matches(size: int) -> None:
    data = os.urandom(size)
    out = io.BytesIO()
    with crypto.EncryptingWriter(out, [RECIPIENT]) as writer:
        for start in range(0, size, 7777):
            writer.write(data[start:start + 7777])
    assert crypto.decrypt_bytes(out.getvalue(), [IDENTITY]) == data


@SETTINGS
@given(size=st.sampled_from(BOUNDARIES[1:]), data=st.data())
def test_any_truncation_fails_and_never_completes(size: int, data: st.DataObject) -> None:
    plain = os.urandom(size)
    sealed = crypto.encrypt_bytes(plain, [RECIPIENT])
    cut = data.draw(st.integers(0, len(sealed) - 1))
    out = io.BytesIO()
    with pytest.raises(crypto.AgeError) as info:
        crypto.decrypt(io.BytesIO(sealed[:cut]), out, [IDENTITY])
    released = out.getvalue()
    assert plain.startswith(released) and len(released) < len(plain)
    if isinstance(info.value, crypto.PayloadError):
        assert info.value.released == len(released)


@SETTINGS
@given(data=st.data())
def test_any_bit_flip_is_detected(data: st.DataObject) -> None:
    plain = os.urandom(data.draw(st.sampled_from([1, CHUNK_SIZE + 5, 2 * CHUNK_SIZE])))
    sealed = bytearray(crypto.encrypt_bytes(plain, [RECIPIENT]))
    header, _ = _split(bytes(sealed))
    position = data.draw(st.integers(0, len(sealed) - 1))
    sealed[position] ^= 1 << data.draw(st.integers(0, 7))
    out = io.BytesIO()
    with pytest.raises(crypto.AgeError) as info:
        crypto.decrypt(io.BytesIO(bytes(sealed)), out, [IDENTITY])
    if position >= len(header):
        assert isinstance(info.value, crypto.PayloadError)
    assert plain.startswith(out.getvalue()) and len(out.getvalue()) < len(plain)


def test_reordered_chunks_fail() -> None:
    plain = os.urandom(3 * CHUNK_SIZE + 10)
    header, payload = _split(crypto.encrypt_bytes(plain, [RECIPIENT]))
    chunks = [payload[i:i + ENC_CHUNK_SIZE] for i in range(0, len(payload), ENC_CHUNK_SIZE)]
    swapped = chunks[1] + chunks[0] + chunks[2] + chunks[3]
    out = io.BytesIO()
    with pytest.raises(crypto.PayloadError) as info:
        crypto.decrypt(io.BytesIO(header + swapped), out, [IDENTITY])
    assert info.value.released == 0


def test_dropping_the_final_chunk_is_truncation_not_success() -> None:
    plain = os.urandom(2 * CHUNK_SIZE + 1)
    header, payload = _split(crypto.encrypt_bytes(plain, [RECIPIENT]))
    out = io.BytesIO()
    with pytest.raises(crypto.PayloadError) as info:
        crypto.decrypt(io.BytesIO(header + payload[: 2 * ENC_CHUNK_SIZE]), out, [IDENTITY])
    # Two authentic chunks were released, but the error says the file is not whole.
    assert info.value.released == 2 * CHUNK_SIZE == len(out.getvalue())


def test_chunks_from_another_file_fail() -> None:
    header_a, payload_a = _split(crypto.encrypt_bytes(b"a" * 100, [RECIPIENT]))
    _, payload_b = _split(crypto.encrypt_bytes(b"b" * 100, [RECIPIENT]))
    with pytest.raises(crypto.PayloadError):
        crypto.decrypt_bytes(header_a + payload_b, [IDENTITY])
    assert crypto.decrypt_bytes(header_a + payload_a, [IDENTITY]) == b"a" * 100


@pytest.mark.parametrize("tamper", [
    lambda h: h.replace(b"-> X25519 ", b"-> X25519 A", 1),  # argument changed
    lambda h: h.replace(b"\n---", b"\n-> grease x\n\n---", 1),  # stanza added
])
def test_header_tampering(tamper) -> None:  # type: ignore[no-untyped-def]
    header, payload = _split(crypto.encrypt_bytes(b"report", [RECIPIENT]))
    with pytest.raises((crypto.HeaderError, crypto.HMACError)):
        crypto.decrypt_bytes(tamper(header) + payload, [IDENTITY])


def test_added_stanza_is_an_hmac_failure() -> None:
    other = crypto.generate_identity(pq=False)
    header, payload = _split(crypto.encrypt_bytes(b"report", [RECIPIENT]))
    extra = crypto.encrypt_bytes(b"", [other.recipient()])
    stanza = extra[extra.index(b"-> "):extra.index(b"---")]
    forged = header.replace(b"---", stanza + b"---", 1)
    with pytest.raises(crypto.HMACError):
        crypto.decrypt_bytes(forged + payload, [IDENTITY])


def test_aborted_writer_leaves_an_undecryptable_file() -> None:
    out = io.BytesIO()
    with pytest.raises(RuntimeError), crypto.EncryptingWriter(out, [RECIPIENT]) as writer:
        writer.write(os.urandom(CHUNK_SIZE * 2))
        raise RuntimeError("connection dropped mid-upload")
    with pytest.raises(crypto.PayloadError):
        crypto.decrypt_bytes(out.getvalue(), [IDENTITY])


def test_writer_refuses_writes_after_close() -> None:
    writer = crypto.EncryptingWriter(io.BytesIO(), [RECIPIENT])
    writer.close()
    with pytest.raises(ValueError):
        writer.write(b"late")
