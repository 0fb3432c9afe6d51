"""Benchmark crypto/ against the stock `age` CLI on the same input, in one run.

    python -m bench.crypto [--sizes 256,1024] [--repeat 3]

For each size (MiB) and recipient count (1 and 5, X25519 so that the Debian
`age` can take part), encrypts and decrypts random data with our library and
with `age`, and prints MB/s, the ratio ours/age, and the peak RSS of each run
above the interpreter's baseline. Also prints the in-process ceiling:
`cryptography` sealing 64 KiB chunks with no I/O. Each figure is the best of
`--repeat` runs, taken alternately, because this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

import crypto

MIB = 1024 * 1024

# Runs in a fresh interpreter so ru_maxrss is this operation's own peak.
_OURS = r"""
import json, resource, sys, time
import crypto
op, src_path, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if op == "encrypt":
    recipients = [crypto.parse_recipient(k) for k in keys]
else:
    identities = [crypto.parse_identity(k) for k in keys]
baseline = peak()
with open(src_path, "rb") as src, open("/dev/null", "wb") as dst:
    start = time.perf_counter()
    if op == "encrypt":
        crypto.encrypt(src, dst, recipients)
    else:
        crypto.decrypt(src, dst, identities)
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss": peak() - baseline}))
"""


def _ours(op: str, path: Path, keys: list[str]) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", _OURS, op, str(path), *keys],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    return result["seconds"], result["rss"]


def _age(args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(["age", *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"age {' '.join(args)} failed")
    return seconds, usage.ru_maxrss * 1024


def _ceiling(total: int) -> float:
    aead = ChaCha20Poly1305(os.urandom(32))
    plain = memoryview(bytearray(64 * 1024))
    sealed = memoryview(bytearray(64 * 1024 + 16))
    nonce = bytes(12)
    start = time.perf_counter()
    for _ in range(total // len(plain)):
        aead.encrypt_into(nonce, plain, None, sealed)
    return total / (time.perf_counter() - start) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="256,1024", help="sizes in MiB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("age") is None:
        raise SystemExit("bench.crypto needs the `age` CLI (Debian package `age`)")
    print(f"ChaCha20-Poly1305 ceiling (64 KiB chunks, no I/O): {_ceiling(512 * MIB):.0f} MB/s")
    print(f"{'size':>6} {'rcpt':>4} {'op':>7} {'ours MB/s':>10} {'age MB/s':>9} {'ratio':>6} "
          f"{'ours RSS+':>10} {'age RSS':>8}")
    with tempfile.TemporaryDirectory(prefix="bench-crypto-") as tmp:
        work = Path(tmp)
        for size_mib in (int(s) for s in args.sizes.split(",")):
            plain = work / "plain"
            with open(plain, "wb") as f:
                block = os.urandom(MIB)
                for _ in range(size_mib):
                    f.write(block)
            for count in (1, 5):
                ids = [crypto.generate_identity(pq=False) for _ in range(count)]
                rcpts = [i.recipient().to_string() for i in ids]
                key_file = work / "key"
                key_file.write_text("".join(crypto.identity_file_text(i) for i in ids))
                sealed = work / "sealed.age"
                with open(plain, "rb") as src, open(sealed, "wb") as dst:
                    crypto.encrypt(src, dst, [crypto.parse_recipient(r) for r in rcpts])
                age_r = [a for r in rcpts for a in ("-r", r)]
                rows = {
                    "encrypt": (partial(_ours, "encrypt", plain, rcpts),
                                partial(_age, ["-e", *age_r, "-o", "/dev/null", str(plain)])),
                    "decrypt": (partial(_ours, "decrypt", sealed, [ids[-1].to_string()]),
                                partial(_age, ["-d", "-i", str(key_file), "-o", "/dev/null",
                                               str(sealed)])),
                }
                for op, (ours_fn, age_fn) in rows.items():
                    ours_runs, age_runs = [], []
                    for _ in range(args.repeat):
                        ours_runs.append(ours_fn())
                        age_runs.append(age_fn())
                    ours_s, ours_rss = min(ours_runs)
                    age_s, age_rss = min(age_runs)
                    mb = size_mib * MIB / 1e6
                    print(f"{size_mib:>4}Mi {count:>4} {op:>7} {mb / ours_s:>10.0f} "
                          f"{mb / age_s:>9.0f} {age_s / ours_s:>5.2f}x "
                          f"{ours_rss / MIB:>8.1f}Mi {age_rss / MIB:>6.1f}Mi")


if __name__ == "__main__":
    main()
