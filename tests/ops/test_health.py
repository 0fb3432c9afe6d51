"""The operator's health endpoint: invisible without its token, never via the onion."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable

import pytest
from flask import Flask

from portal import db, health, schema

TOKEN = secrets.token_urlsafe(32)
ONION = "http://" + "a" * 56 + ".onion"


@pytest.fixture
def health_app(make_app: Callable[..., Flask]) -> Flask:
    """An app with the health endpoint installed, as production_app does."""
    app = make_app(health_token=TOKEN, onion_location=ONION)
    schema.upgrade(db.engine_for(app))  # as `portal db upgrade` does
    app.extensions["portal_blobs"].ensure()
    health.init_app(app)
    return app


def _get(app: Flask, token: str | None = TOKEN, host: str = "127.0.0.1:8000") -> object:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return app.test_client().get(health.PATH, headers=headers, base_url=f"http://{host}")


def test_healthy_instance_answers_with_named_checks_only(health_app: Flask) -> None:
    response = _get(health_app)
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.get_json()  # type: ignore[attr-defined]
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok" and body["checks"]["blobs"] == "ok"
    assert body["checks"]["schema"] == "ok"
    assert body["checks"]["redis"] in {"ok", "off"}
    assert response.headers["Cache-Control"] == "no-store"  # type: ignore[attr-defined]


@pytest.mark.parametrize("token", [None, "", "wrong-" + TOKEN, TOKEN[:-1]])
def test_without_the_right_token_it_is_an_ordinary_404(health_app: Flask,
                                                       token: str | None) -> None:
    unknown = health_app.test_client().get("/no-such-page")
    response = _get(health_app, token)
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert response.get_data() == unknown.get_data()  # type: ignore[attr-defined]


@pytest.mark.parametrize("host", ["a" * 56 + ".onion", "other" + "b" * 51 + ".onion:80"])
def test_never_answers_through_the_onion(health_app: Flask, host: str) -> None:
    assert _get(health_app, host=host).status_code == 404  # type: ignore[attr-defined]


def test_not_installed_without_a_token(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    health.init_app(app)
    assert _get(app).status_code == 404  # type: ignore[attr-defined]
    assert "health.health" not in app.view_functions


def test_unreachable_redis_is_a_503(make_app: Callable[..., Flask]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(health_token=TOKEN, redis_url=f"redis://127.0.0.1:{port}/0",
                   ratelimit_storage_url="memory://")
    schema.upgrade(db.engine_for(app))
    app.extensions["portal_blobs"].ensure()
    health.init_app(app)
    response = _get(app)
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert response.get_json()["checks"]["redis"] == "fail"  # type: ignore[attr-defined]
