"""The database schema's versions: Alembic migrations, run by `portal db upgrade`.

Every model module joins one ``MetaData`` (portal.models.Base); :func:`metadata`
imports them all so Alembic and the checks see the whole schema. The migrations
live in ``migrations/`` next to the package (``PORTAL_MIGRATIONS`` may point
elsewhere, e.g. in a container).

A database made by ``create_all`` before it knew about migrations (an old demo, a
test) is *adopted*: if it matches the models exactly it is stamped with the head
revision, otherwise upgrading stops with the list of differences rather than guess.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, inspect

#: Every module that defines tables (optional ones are skipped when absent).
MODEL_MODULES = ("portal.models", "portal.staff_models", "portal.cases.models")
_OPTIONAL = {"portal.cases.models"}
VERSION_TABLE = "alembic_version"
MIGRATIONS_ENV = "PORTAL_MIGRATIONS"


class SchemaError(Exception):
    """The database's schema cannot be brought to the models' (message says why)."""


def metadata() -> MetaData:
    """The metadata of every model module."""
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if name not in _OPTIONAL or exc.name not in {name, name.rpartition(".")[0]}:
                raise
    from portal.models import Base

    return Base.metadata


def migrations_dir() -> Path:
    """Where the Alembic scripts are."""
    override = os.environ.get(MIGRATIONS_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic Config for our scripts, bound to `connection` if given."""
    from alembic.config import Config

    directory = migrations_dir()
    if not (directory / "env.py").is_file():
        raise SchemaError(f"migrations not found at {directory} (set {MIGRATIONS_ENV})")
    config = Config()
    config.set_main_option("script_location", str(directory))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision of the scripts."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if revision is None:
        raise SchemaError("there are no migrations")
    return str(revision)


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def differences(connection: Connection) -> list[Any]:
    """What differs between the database and the models (empty: identical)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, metadata()) if not _ignorable(d)]


def _ignorable(diff: Any) -> bool:
    # Alembic's own bookkeeping table is not a model.
    return isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name == VERSION_TABLE


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Bring the database to `revision` (default: the newest); returns what it did."""
    from alembic import command

    with engine.begin() as connection:
        tables = set(inspect(connection).get_table_names())
        if tables - {VERSION_TABLE} and VERSION_TABLE not in tables:
            diffs = differences(connection)
            if diffs:
                raise SchemaError(
                    "the database has tables but no migration history, and they differ "
                    f"from the models ({len(diffs)} difference(s), first: {diffs[0]!r})"
                )
            command.stamp(alembic_config(connection), "head")
            return "adopted"
        before = _current_in(connection)
        command.upgrade(alembic_config(connection), revision)
        after = _current_in(connection)
    return "up to date" if before == after else f"upgraded {before or 'empty'} -> {after}"


def _current_in(connection: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def is_empty(engine: Engine) -> bool:
    """True when no model table holds a row (a fresh instance to restore into)."""
    from sqlalchemy import func, select

    meta = metadata()
    existing = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in meta.sorted_tables:
            if table.name in existing and connection.scalar(
                select(func.count()).select_from(table)
            ):
                return False
    return True
