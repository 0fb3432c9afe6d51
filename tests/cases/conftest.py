"""Fixtures for cases: two reviewers (four eyes), an admin, seed-based reports stored
through the real intake (real encryption), a signing key, logged-in browsers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import codename, db, intake
from portal.export import bundle
from tests.review.conftest import (  # noqa: F401  (fixtures re-exported for this package)
    Staff,
    admin,
    app,
    fast_staff_costs,
    form_token,
    make_app,
    make_staff,
    reviewer,
    reviewer_client,
    staff_login,
    unlock,
)

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def second_reviewer(make_staff: Callable[..., Staff]) -> Staff:  # noqa: F811
    """Another reviewer: the second pair of eyes."""
    return make_staff("sam")


def logged_in(app: Flask, staff: Staff) -> FlaskClient:  # noqa: F811
    """A browser logged in as `staff`, key unlocked."""
    client = app.test_client()
    assert staff_login(client, app, staff).status_code == 303
    if staff.passphrase and staff.recipient:
        assert unlock(client, staff).status_code == 303
    return client


def store_report(app: Flask, document: dict[str, Any]) -> str:  # noqa: F811
    """Store a report document through the real intake; returns its id."""
    with app.app_context():
        session = db.get_session()
        recipients = intake.active_recipients(session, app.config["PORTAL_ORG_RECIPIENT"])
        receipt = intake.create_report(session, app.extensions["portal_blobs"], recipients,
                                       dict(document), [], word_count=8,
                                       kdf=codename.KdfParams(1024, 1))
        return receipt.report_id


def post(client: FlaskClient, path: str, data: dict[str, Any], token_from: str) -> Any:
    """POST with the CSRF token of the page `token_from`."""
    page = client.get(token_from).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, f"no CSRF token on {token_from}"
    return client.post(path, data={"csrf_token": match.group(1), **data})


@pytest.fixture
def signing_key(app: Flask, tmp_path: Path) -> str:  # noqa: F811
    """An organization signing key; returns the public key text."""
    path = tmp_path / "org-signing.pem"
    public = bundle.generate_signing_key(path)
    app.config["PORTAL_EXPORT_SIGNING_KEY"] = str(path)
    return public
