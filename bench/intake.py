"""Intake under gunicorn: submissions with a 1 MiB attachment vs a trivial endpoint.

Starts gunicorn with the shipped deploy/gunicorn.conf.py on a temporary database,
with production Argon2id costs and a post-quantum (ML-KEM-768 + X25519) reviewer
key, then drives it with 8 concurrent clients (each with its own session and CSRF
token, as a browser would). Prints requests per second, p50/p95 latency, and the
ratio of the submission rate to the trivial endpoint's (/healthz) in the same run.

Run: python -m bench.intake   (rate limits are switched off for the measurement)
"""

from __future__ import annotations

import http.client
import io
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
SUBMISSIONS_PER_CLIENT = int(os.environ.get("BENCH_SUBMISSIONS", "12"))
TRIVIAL_PER_CLIENT = int(os.environ.get("BENCH_TRIVIAL", "250"))
TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


def _photo_of_about_one_mib() -> bytes:
    """A JPEG of ~1 MiB with EXIF (camera model, GPS), like a phone photo."""
    exif = Image.Exif()
    exif[0x0110] = "BenchCam"
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}
    side = 760
    while True:
        image = Image.frombytes("RGB", (side, side), secrets.token_bytes(side * side * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90, exif=exif)
        if out.tell() >= 1024 * 1024:
            return out.getvalue()
        side += 100


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "bench" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"'
        f"\r\nContent-Type: image/jpeg\r\n\r\n".encode() + content + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _wait_until_up(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _run_clients(port: int, per_client: int, make_worker: Callable[[int], Callable[[
        http.client.HTTPConnection], None]]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS + 1)
    errors: list[BaseException] = []

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            once = make_worker(index)
            barrier.wait()
            mine = []
            for _ in range(per_client):
                start = time.perf_counter()
                once(conn)
                mine.append(time.perf_counter() - start)
            with lock:
                latencies.extend(mine)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"client error: {errors[0]!r}")
    return elapsed, latencies


def _trivial(_index: int) -> Callable[[http.client.HTTPConnection], None]:
    def once(conn: http.client.HTTPConnection) -> None:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"/healthz answered {response.status}")

    return once


def _submitter(port: int, photo: bytes) -> Callable[[int], Callable[[http.client.HTTPConnection],
                                                                      None]]:
    def make(_index: int) -> Callable[[http.client.HTTPConnection], None]:
        setup = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        setup.request("GET", "/submit")
        response = setup.getresponse()
        page = response.read()
        cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
        match = TOKEN.search(page)
        setup.close()
        if not cookie or not match:
            raise RuntimeError("no session or CSRF token from /submit")
        body, content_type = _multipart(
            {"csrf_token": match.group(1).decode(), "account": "Benchmark report. 基准测试。"},
            "IMG_0001.jpg", photo,
        )

        def once(conn: http.client.HTTPConnection) -> None:
            conn.request("POST", "/submit", body=body,
                         headers={"Content-Type": content_type, "Cookie": cookie})
            result = conn.getresponse()
            html = result.read()
            if result.status != 200 or b'class="codename"' not in html:
                raise RuntimeError(f"/submit answered {result.status}")

        return once

    return make


def _figures(name: str, count: int, elapsed: float, latencies: list[float]) -> float:
    rate = count / elapsed
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{name:<34} {count:5d} req in {elapsed:6.2f} s = {rate:8.1f} req/s   "
          f"p50 {cuts[49] * 1000:7.1f} ms   p95 {cuts[94] * 1000:7.1f} ms")
    return rate


def main() -> None:
    """Run the benchmark and print the figures."""
    import crypto

    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    photo = _photo_of_about_one_mib()
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        data = Path(tmp)
        config = data / "portal.toml"
        config.write_text(
            f'secret_key = "{secrets.token_urlsafe(40)}"\n'
            f'database_url = "sqlite:///{data / "portal.db"}"\n'
            f'blob_dir = "{data / "blobs"}"\n'
            "ratelimit_enabled = false\n"
        )
        env = {**os.environ, "PORTAL_CONFIG": str(config)}
        reviewer = crypto.generate_identity(pq=True)
        _init(env, reviewer.recipient().to_string())
        port = _free_port()
        proc = subprocess.Popen(
            [gunicorn, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "portal:create_app()"],
            cwd=ROOT, env=env,
        )
        try:
            _wait_until_up(port, proc)
            print(f"gunicorn (deploy/gunicorn.conf.py), {os.cpu_count()} CPUs, {CLIENTS} clients,"
                  f" attachment {len(photo) / 1048576:.2f} MiB JPEG, Argon2id defaults,"
                  " ML-KEM-768+X25519 reviewer key")
            _run_clients(port, 20, _trivial)  # warm-up
            elapsed, lat = _run_clients(port, TRIVIAL_PER_CLIENT, _trivial)
            trivial = _figures("trivial GET /healthz", len(lat), elapsed, lat)
            elapsed, lat = _run_clients(port, SUBMISSIONS_PER_CLIENT, _submitter(port, photo))
            submit = _figures("POST /submit + 1 MiB attachment", len(lat), elapsed, lat)
            print(f"ratio submissions/s : trivial req/s = {submit / trivial:.3f}"
                  "  (issue target >= 0.5; p95 target < 250 ms)")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _init(env: dict[str, str], recipient: str) -> None:
    old = dict(os.environ)
    os.environ.update(env)
    try:
        from portal import create_app, db, intake

        app = create_app()
        with app.app_context():
            db.create_all(app)
            intake.installation_salt(db.get_session())
            app.extensions["portal_blobs"].ensure()
            intake.add_reviewer(db.get_session(), recipient)
    finally:
        os.environ.clear()
        os.environ.update(old)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    main()
