"""Rate limits in Redis: shared by app instances, and still enforced when Redis is down."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import configured_redis_url
from tests.portal.conftest import post_form

REPO = Path(__file__).resolve().parents[2]


def _dead_redis() -> str:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


def _tries(app: Flask, count: int) -> list[int]:
    client = app.test_client()
    return [post_form(client, "/followup", {"codename": f"wrong guess {i}"}).status_code
            for i in range(count)]


_DEAD_REDIS_SCRIPT = """
import json, secrets, sys
from portal import create_app, db
from tests.portal.conftest import post_form
app = create_app({"secret_key": secrets.token_urlsafe(40), "database_url": sys.argv[1],
                  "blob_dir": sys.argv[2], "redis_url": sys.argv[3], "testing": True,
                  "ratelimit_login_session": "3/hour", "kdf_memory_kib": 1024,
                  "kdf_iterations": 1})
db.create_all(app)
client = app.test_client()
print(json.dumps([post_form(client, "/followup", {"codename": f"wrong {i}"}).status_code
                  for i in range(5)]))
"""


def test_redis_down_falls_back_to_per_process_limits(tmp_path: Path) -> None:
    # In a separate process: the limiter is one object per process, and its "storage is
    # dead" state must not leak into the rest of the suite.
    result = subprocess.run(
        [sys.executable, "-c", _DEAD_REDIS_SCRIPT, f"sqlite:///{tmp_path / 'p.db'}",
         str(tmp_path / "blobs"), _dead_redis()],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=True,
    )
    # Not a 500 for everyone, and not a free-for-all either.
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [401, 401, 401, 429, 429]


def test_counters_live_in_redis(make_app: Callable[..., Flask]) -> None:
    # (Sharing between processes is tested with two real gunicorns in tests/deploy.)
    url = configured_redis_url()
    if url is None:
        pytest.skip("needs Redis: set PORTAL_TEST_REDIS_URL (.ci/run and `make test-pg` do)")
    import redis

    app = make_app(ratelimit_login_global="4/hour")
    assert app.config["RATELIMIT_STORAGE_URI"] == url
    client = redis.Redis.from_url(url)
    try:
        assert client.keys("LIMITS*") == []
        assert _tries(app, 5) == [401, 401, 401, 401, 429]
        keys = client.keys("LIMITS*")
    finally:
        client.close()
    assert keys  # the counters are in Redis, where every app server sees them
    assert not any(b"127.0.0.1" in key for key in keys)  # keyed by session/site, never IP
