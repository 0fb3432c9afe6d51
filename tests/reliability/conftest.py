"""Fixtures of the reliability suites: installations served by a real gunicorn.

The database is SQLite (one worker, four threads: what production allows with
SQLite), or PostgreSQL plus Redis with two workers when the suite runs against
them (PORTAL_TEST_DATABASE_URL / PORTAL_TEST_REDIS_URL, see tests/conftest.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import configured_redis_url, drop_database, new_database_url
from tests.reliability.harness import FAST_STAFF, Instance, Server, make_instance


@pytest.fixture(autouse=True)
def _fast_staff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap staff key derivation for apps built in the test process too."""
    for key, value in FAST_STAFF.items():
        monkeypatch.setenv(key, value)


@pytest.fixture(scope="module")
def new_instance(tmp_path_factory: pytest.TempPathFactory,
                 _postgres_admin: Engine | None) -> Iterator[Callable[..., Instance]]:
    """A factory of installations (each with its own database), cleaned up afterwards."""
    schemas: list[str | None] = []

    def make(name: str, **overrides: object) -> Instance:
        root = tmp_path_factory.mktemp(name)
        url, schema = new_database_url(_postgres_admin, root / "portal.db")
        schemas.append(schema)
        redis_url = configured_redis_url()
        if redis_url is not None:
            import redis

            client = redis.Redis.from_url(redis_url)
            try:
                client.flushdb()
            finally:
                client.close()
        return make_instance(root, url, redis_url, **overrides)

    yield make
    for schema in schemas:
        drop_database(_postgres_admin, schema)


@pytest.fixture(scope="module")
def serve() -> Iterator[Callable[[Instance], Server]]:
    """Start gunicorn for an installation; every server is stopped afterwards."""
    servers: list[Server] = []

    def start(instance: Instance) -> Server:
        server = Server(instance)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here is a reliability test (`make reliability` selects them)."""
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.reliability)


_DURATIONS: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each suite's time (setup, call, teardown) for the reliability table."""
    path = Path(report.location[0])
    if path.parent.name == "reliability" and path.name.startswith("test_"):
        _DURATIONS[path.stem] = _DURATIONS.get(path.stem, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the durations next to the suites' figures (`make reliability`)."""
    folder = os.environ.get("RELIABILITY_FIGURES")
    if folder and _DURATIONS:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "durations.json").write_text(json.dumps(_DURATIONS, indent=1))
