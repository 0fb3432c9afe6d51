"""Migrations: `portal db upgrade` builds exactly the models' schema, on SQLite and PostgreSQL.

The suite's PostgreSQL run (PORTAL_TEST_DATABASE_URL) runs these against PostgreSQL;
the default run against SQLite.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from portal import create_app, db, schema
from tests.ops.conftest import Instance, new_secret


def _empty_instance(instance_of: Callable[..., Instance], database_url: str,
                    tmp_path: object, name: str = "fresh") -> Instance:
    return instance_of(name=name, secret_key=new_secret(), database_url=database_url,
                       blob_dir=f"{tmp_path}/{name}-blobs")


def test_upgrade_builds_exactly_the_models_schema(
    database_url: str, tmp_path: object, instance_of: Callable[..., Instance],
    cli: Callable[..., Result],
) -> None:
    instance = _empty_instance(instance_of, database_url, tmp_path)
    first = cli(instance, "db", "upgrade")
    assert first.exit_code == 0, first.output
    assert f"-> {schema.head()}" in first.output
    again = cli(instance, "db", "upgrade")
    assert again.output.strip() == "database schema: up to date"
    app = create_app({**instance.settings, "testing": True})
    engine = db.engine_for(app)
    assert schema.current(engine) == schema.head()
    with engine.connect() as connection:
        diffs = schema.differences(connection)
    # Every model (reports, staff, cases...) is in the migrations, and nothing else is.
    assert diffs == [], "regenerate migrations (migrations/regenerate-initial.sh): " + repr(
        diffs[:3])
    assert set(schema.metadata().tables) <= set(inspect(engine).get_table_names())


def test_migrated_audit_log_is_append_only_like_a_created_one(
    database_url: str, tmp_path: object, instance_of: Callable[..., Instance],
    cli: Callable[..., Result],
) -> None:
    from portal import audit

    instance = _empty_instance(instance_of, database_url, tmp_path)
    assert cli(instance, "db", "upgrade").exit_code == 0
    app = create_app({**instance.settings, "testing": True})
    with app.app_context():
        session = db.get_session()
        audit.record(session, app.config["SECRET_KEY"], audit.Action.LOGIN)
        session.commit()
    for statement in ("UPDATE audit_event SET detail = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), \
                db.engine_for(app).begin() as connection:
            connection.execute(text(statement))


def test_downgrade_to_nothing_and_back(
    database_url: str, tmp_path: object, instance_of: Callable[..., Instance],
    cli: Callable[..., Result],
) -> None:
    from alembic import command

    instance = _empty_instance(instance_of, database_url, tmp_path)
    assert cli(instance, "db", "upgrade").exit_code == 0
    engine = db.engine_for(create_app({**instance.settings, "testing": True}))
    with engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "base")
    assert set(inspect(engine).get_table_names()) <= {schema.VERSION_TABLE}
    assert cli(instance, "db", "upgrade").exit_code == 0
    assert schema.current(engine) == schema.head()


def test_db_init_and_db_upgrade_agree(
    database_url: str, tmp_path: object, instance_of: Callable[..., Instance],
    cli: Callable[..., Result],
) -> None:
    instance = _empty_instance(instance_of, database_url, tmp_path)
    init = cli(instance, "db", "init")
    assert init.exit_code == 0, init.output
    assert cli(instance, "db", "upgrade").output.strip() == "database schema: up to date"
    assert cli(instance, "db", "current").output.strip() == \
        f"database: {schema.head()}; newest: {schema.head()}"


def test_a_database_made_by_create_all_is_adopted(
    database_url: str, tmp_path: object, instance_of: Callable[..., Instance],
    cli: Callable[..., Result],
) -> None:
    # What the tests' fixtures and older demos do: tables without migration history.
    instance = _empty_instance(instance_of, database_url, tmp_path)
    db.create_all(create_app({**instance.settings, "testing": True}))
    upgrade = cli(instance, "db", "upgrade")
    assert upgrade.exit_code == 0, upgrade.output
    assert upgrade.output.strip() == "database schema: adopted"
    assert cli(instance, "db", "upgrade").output.strip() == "database schema: up to date"


def test_a_database_that_differs_is_not_adopted(
    database_url: str, tmp_path: object, instance_of: Callable[..., Instance],
    cli: Callable[..., Result],
) -> None:
    instance = _empty_instance(instance_of, database_url, tmp_path)
    app = create_app({**instance.settings, "testing": True})
    with db.engine_for(app).begin() as connection:
        connection.execute(text("CREATE TABLE report (id VARCHAR(32) PRIMARY KEY)"))
    result = cli(instance, "db", "upgrade")
    assert result.exit_code == 1
    assert "differ from the models" in result.output and "Traceback" not in result.output
