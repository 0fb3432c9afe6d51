"""Fixtures shared by every test package: which database and Redis the apps use.

By default each test gets its own SQLite file and in-memory rate limits. When
``PORTAL_TEST_DATABASE_URL`` is set (a PostgreSQL URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) each test gets a fresh
PostgreSQL schema in that database instead, dropped afterwards; when
``PORTAL_TEST_REDIS_URL`` is set, rate limits live in that Redis, emptied before
each test. `.ci/run` runs the suite both ways.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

TEST_DATABASE_ENV = "PORTAL_TEST_DATABASE_URL"
TEST_REDIS_ENV = "PORTAL_TEST_REDIS_URL"
_SCHEMA_PREFIX = "portal_test_"

# Every engine a test opens, held (strongly: an engine collected mid-test would leave
# psycopg connections to the garbage collector, a ResourceWarning) until the test
# ends and its pooled connections are closed, so PostgreSQL does not run out of
# connections and schemas can be dropped.
_ENGINES: dict[int, Engine] = {}


@event.listens_for(Engine, "engine_connect")
def _track(connection: object) -> None:
    engine = connection.engine  # type: ignore[attr-defined]
    _ENGINES[id(engine)] = engine


def configured_database_url() -> str | None:
    """The PostgreSQL URL tests should use, or None for SQLite."""
    url = os.environ.get(TEST_DATABASE_ENV, "").strip()
    if not url:
        return None
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def configured_redis_url() -> str | None:
    """The Redis URL tests should use, or None for in-memory rate limits."""
    return os.environ.get(TEST_REDIS_ENV, "").strip() or None


def using_postgresql() -> bool:
    """True when the suite runs against PostgreSQL."""
    return configured_database_url() is not None


@pytest.fixture(scope="session")
def _postgres_admin() -> Iterator[Engine | None]:
    url = configured_database_url()
    if url is None:
        yield None
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    # Schemas left behind by interrupted earlier runs (never those of a run still going:
    # the name carries the pid of the pytest process that made it).
    with engine.connect() as connection:
        names = connection.scalars(text(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE :prefix"
        ), {"prefix": _SCHEMA_PREFIX + "%"}).all()
        for name in names:
            if not _owner_alive(name):
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    yield engine
    engine.dispose()


def _owner_alive(schema: str) -> bool:
    """True when the pytest process that made `schema` is still running (this machine)."""
    pid = schema.removeprefix(_SCHEMA_PREFIX).partition("_")[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_database_url(admin: Engine | None, sqlite_path: Path) -> tuple[str, str | None]:
    """A clean database: (URL, PostgreSQL schema name or None for SQLite)."""
    if admin is None:
        return f"sqlite:///{sqlite_path}", None
    schema = f"{_SCHEMA_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(str(configured_database_url())).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    return url.render_as_string(hide_password=False), schema


def drop_database(admin: Engine | None, schema: str | None) -> None:
    """Close every engine's connections and drop a test schema."""
    for engine in list(_ENGINES.values()):
        engine.dispose()
    _ENGINES.clear()
    if admin is None or schema is None:
        return
    with admin.connect() as connection:
        connection.execute(text("SET lock_timeout = '10s'"))
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture
def database_url(tmp_path: Path, _postgres_admin: Engine | None) -> Iterator[str]:
    """URL of a clean database for this test (SQLite file, or a fresh PostgreSQL schema)."""
    url, schema = new_database_url(_postgres_admin, tmp_path / "portal.db")
    yield url
    drop_database(_postgres_admin, schema)


@pytest.fixture
def redis_url() -> str | None:
    """URL of an emptied Redis database, or None when the tests run without Redis.

    Emptied before every test, so two suites running at once need two Redis databases
    (``make test-pg TEST_REDIS_URL=redis://127.0.0.1:6379/14``).
    """
    url = configured_redis_url()
    if url is None:
        return None
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()
    return url


@pytest.fixture
def sqlite_only() -> None:
    """Skip a test that inspects the SQLite file itself when running on PostgreSQL."""
    if using_postgresql():
        pytest.skip("inspects the SQLite database file; this run uses PostgreSQL "
                    f"({TEST_DATABASE_ENV})")


@pytest.fixture
def make_database_url(tmp_path: Path, _postgres_admin: Engine | None) -> Iterator[Any]:
    """A factory of further clean databases (e.g. an empty instance to restore into)."""
    schemas: list[str | None] = []

    def make(name: str) -> str:
        url, schema = new_database_url(_postgres_admin, tmp_path / f"{name}.db")
        schemas.append(schema)
        return url

    yield make
    for schema in schemas:
        drop_database(_postgres_admin, schema)
