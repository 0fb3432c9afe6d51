"""Benchmark crypto/ against the stock `age` CLI on the same input, in one run.

    python -m bench.crypto [--sizes 256,1024] [--repeat 3]

For each size (MiB) and recipient count (1 and 5, X25519 so that the Debian
`age` can take part), encrypts and decrypts random data with our library and
with `age`, and prints MB/s, the ratio ours/age, and the peak RSS of each run
above the interpreter's resident size just before the operation (and the
absolute peak, comparable with age's). Also prints the in-process ceiling:
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
import threading
import time
from functools import partial
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

import crypto

MIB = 1024 * 1024

# Runs in a fresh interpreter; VmHWM (not ru_maxrss, which a child started by a
# large parent inherits at exec) is this process's own peak.
_OURS = r"""
import json, sys, time
import crypto
op, src_path, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
def status(field):
    with open("/proc/self/status") as lines:
        return int(next(l for l in lines if l.startswith(field)).split()[1]) * 1024
def peak():
    return status("VmHWM:")
def current():
    return status("VmRSS:")
if op == "encrypt":
    recipients = [crypto.parse_recipient(k) for k in keys]
else:
    identities = [crypto.parse_identity(k) for k in keys]
# The interpreter's resident size now, not its peak so far: a transient peak
# while importing could otherwise hide what the operation itself holds.
baseline = current()
with open(src_path, "rb") as src, open("/dev/null", "wb") as dst:
    start = time.perf_counter()
    if op == "encrypt":
        crypto.encrypt(src, dst, recipients)
    else:
        crypto.decrypt(src, dst, identities)
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss": peak() - baseline, "peak": peak()}))
"""


def _ours(op: str, path: Path, keys: list[str]) -> tuple[float, int, int]:
    """Seconds, peak RSS above the interpreter's baseline, and peak RSS."""
    out = subprocess.run([sys.executable, "-c", _OURS, op, str(path), *keys],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    return result["seconds"], result["rss"], result["peak"]


def _age(args: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS of one `age` run.

    The peak is age's own high-water mark (VmHWM), sampled by a thread while it
    runs (the timing waits on the process itself): the ru_maxrss that wait4
    returns would start from this much larger process's RSS, inherited at exec.
    """
    high = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(["age", *args], stdout=subprocess.DEVNULL)
    sampler = threading.Thread(target=_sample_hwm, args=(proc, high), daemon=True)
    sampler.start()
    proc.wait()
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"age {' '.join(args)} failed")
    return seconds, high[0]


def _sample_hwm(proc: subprocess.Popen[bytes], high: list[int]) -> None:
    while proc.returncode is None:
        try:
            with open(f"/proc/{proc.pid}/status") as lines:
                for line in lines:
                    if line.startswith("VmHWM:"):
                        high[0] = max(high[0], int(line.split()[1]) * 1024)
        except (OSError, ValueError):
            return  # it has exited
        time.sleep(0.002)


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
          f"{'ours RSS+':>10} {'ours RSS':>9} {'age RSS':>8}")
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
                    ours_s = min(run[0] for run in ours_runs)
                    ours_rss = max(run[1] for run in ours_runs)  # the worst of the runs
                    ours_peak = max(run[2] for run in ours_runs)
                    age_s = min(run[0] for run in age_runs)
                    age_rss = max(run[1] for run in age_runs)
                    mb = size_mib * MIB / 1e6
                    print(f"{size_mib:>4}Mi {count:>4} {op:>7} {mb / ours_s:>10.0f} "
                          f"{mb / age_s:>9.0f} {age_s / ours_s:>5.2f}x "
                          f"{ours_rss / MIB:>8.1f}Mi {ours_peak / MIB:>7.1f}Mi "
                          f"{age_rss / MIB:>6.1f}Mi")


if __name__ == "__main__":
    main()
