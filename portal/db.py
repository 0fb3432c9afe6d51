"""Database engine and a session per request; views decide when to commit."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from portal.models import Base

_EXTENSION_KEY = "portal_db"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys and secure deletion turned on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros instead of lingering in free pages:
    # a deleted report should not be recoverable from a seized database file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def init_app(app: Flask) -> None:
    """Attach an engine and session factory to the app, and close sessions on teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[_EXTENSION_KEY] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine_for(app: Flask) -> Engine:
    """The app's engine (for CLI commands such as `portal db init`)."""
    factory: sessionmaker[Session] = app.extensions[_EXTENSION_KEY]
    bind = factory.kw["bind"]
    if not isinstance(bind, Engine):
        raise RuntimeError("database not initialised")
    return bind


def create_all(app: Flask) -> None:
    """Create missing tables (idempotent)."""
    Base.metadata.create_all(engine_for(app))


def get_session() -> Session:
    """The session of the current request (or CLI app context), created on first use."""
    if "db_session" not in g:
        factory: sessionmaker[Session] = current_app.extensions[_EXTENSION_KEY]
        g.db_session = factory()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        # Anything not committed by the view is rolled back: nothing half-stored.
        session.rollback()
        session.close()
