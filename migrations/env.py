"""Alembic environment: the portal's models, on the connection `portal db upgrade` gives.

Run by ``portal db upgrade`` (portal.schema), which hands over an open connection,
or by the ``alembic`` command for developers, which reads the database URL from
the portal's own configuration (PORTAL_* variables / PORTAL_CONFIG file).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from portal import schema


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=schema.metadata(),
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from portal import config as config_module
    from portal.db import make_engine

    raw = config_module.raw_from_environment(config_module.environment())
    engine = make_engine(config_module.parse_config(raw)["DATABASE_URL"])
    with engine.connect() as fresh:
        _run(fresh)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; use portal db upgrade")
_online()
