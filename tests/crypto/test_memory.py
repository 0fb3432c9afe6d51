"""Streaming keeps memory bounded: 1 GiB through encrypt and decrypt.

Peak RSS is measured in a fresh interpreter (ru_maxrss), so the figure is a
count of bytes held, not a timing, and holds on a busy machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.crypto.conftest import REPO

GIB = 1024 ** 3
LIMIT = 64 * 1024 * 1024

_SCRIPT = r"""
import hashlib, json, os, resource, sys
import crypto

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

class Random:
    # 1 GiB of input without holding it: one random MiB, repeated with a counter.
    def __init__(self, size):
        self.left = size
        self.block = bytearray(os.urandom(1 << 20))
        self.digest = hashlib.sha256()
    def readinto(self, view):
        n = min(len(view), self.left, len(self.block))
        self.block[:8] = (self.left).to_bytes(8, "big")
        view[:n] = self.block[:n]
        self.digest.update(view[:n])
        self.left -= n
        return n

class Hashing:
    def __init__(self):
        self.digest = hashlib.sha256()
    def write(self, data):
        self.digest.update(data)
        return len(data)

size, path = int(sys.argv[1]), sys.argv[2]
identity = crypto.generate_identity()
recipients = [identity.recipient()] + [crypto.generate_identity().recipient() for _ in range(4)]
baseline = peak()
src = Random(size)
with open(path, "wb") as dst:
    crypto.encrypt(src, dst, recipients)
after_encrypt = peak()
sink = Hashing()
with open(path, "rb") as sealed:
    crypto.decrypt(sealed, sink, [identity])
print(json.dumps({"baseline": baseline, "encrypt": after_encrypt, "decrypt": peak(),
                  "same": src.digest.digest() == sink.digest.digest()}))
"""


def test_one_gibibyte_streams_within_64_mib(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", _SCRIPT, str(GIB), str(tmp_path / "big.age")],
                         capture_output=True, text=True, check=True, cwd=REPO, timeout=600)
    figures = json.loads(out.stdout)
    assert figures["same"], "decrypted data differs from what was encrypted"
    assert figures["encrypt"] - figures["baseline"] <= LIMIT
    assert figures["decrypt"] - figures["baseline"] <= LIMIT
    assert (tmp_path / "big.age").stat().st_size > GIB
