"""With PORTAL_STAFF_HOSTS, staff pages exist only under the staff's private onion."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from portal import hostguard

PUBLIC = "a" * 56 + ".onion"
STAFF = "s" * 56 + ".onion"


@pytest.fixture
def guarded(make_app: Callable[..., Flask]) -> Flask:
    """An app whose staff pages answer only under STAFF, as production_app builds it."""
    app = make_app(staff_hosts=STAFF)
    hostguard.init_app(app)
    return app


@pytest.mark.parametrize("path", ["/staff/login", "/staff", "/staff/review/inbox",
                                  "/staff/enrol/abc"])
def test_staff_pages_are_a_plain_404_under_the_public_onion(guarded: Flask, path: str) -> None:
    client = guarded.test_client()
    response = client.get(path, base_url=f"http://{PUBLIC}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    # Before the CSRF check too: a POST gets the same 404, not "this form has expired".
    assert client.post(path, base_url=f"http://{PUBLIC}").status_code == 404


def test_staff_pages_answer_under_the_staff_onion(guarded: Flask) -> None:
    client = guarded.test_client()
    assert client.get("/staff/login", base_url=f"http://{STAFF}").status_code == 200
    assert client.get("/staff/login", base_url=f"http://{STAFF.upper()}:80").status_code == 200


def test_public_pages_are_unaffected(guarded: Flask) -> None:
    client = guarded.test_client()
    for host in (PUBLIC, STAFF):
        assert client.get("/", base_url=f"http://{host}").status_code == 200
        assert client.get("/staffing-news", base_url=f"http://{host}").status_code == 404


def test_without_the_setting_staff_pages_answer_anywhere(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    hostguard.init_app(app)
    assert app.test_client().get("/staff/login",
                                 base_url=f"http://{PUBLIC}").status_code == 200
