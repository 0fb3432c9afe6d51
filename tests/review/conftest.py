"""Fixtures for the staff side: real accounts (Argon2id, TOTP, age keys), real logins.

Costs are lowered through the staff settings' environment variables (an autouse
fixture): the tests check behaviour, not cost.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import accounts, db, keyring
from portal.auth import totp
from portal.staff_models import StaffAccount
from tests.portal.conftest import (  # noqa: F401  (fixtures re-exported for this package)
    FAST_KDF,
    codename_of,
    csrf_token,
    login,
    make_app,
    post_form,
    reviewer_identity,
    submit_report,
)

FAST_STAFF = {
    "PORTAL_STAFF_ARGON2_MEMORY_KIB": "64",
    "PORTAL_STAFF_ARGON2_ITERATIONS": "1",
    "PORTAL_STAFF_SCRYPT_WORK_FACTOR": "4",
}
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(autouse=True)
def fast_staff_costs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap Argon2id and scrypt for every app built in these tests."""
    for key, value in FAST_STAFF.items():
        monkeypatch.setenv(key, value)


@dataclass
class Staff:
    """A staff member as the tests know them: credentials and factors."""

    username: str
    password: str
    totp_secret: str
    passphrase: str
    account_id: int
    recipient: str | None = None


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:  # noqa: F811
    """An app with no reviewer yet (staff fixtures add them)."""
    return make_app()


@pytest.fixture
def make_staff(app: Flask) -> Callable[..., Staff]:
    """Create and enrol an account directly (the browser enrolment has its own test)."""

    def build(
        username: str,
        *,
        admin: bool = False,
        reviewer: bool = True,
        offline_recipient: str | None = None,
    ) -> Staff:
        password = f"pw {secrets.token_hex(8)} horse"
        passphrase = f"key {secrets.token_hex(8)} staple"
        secret = totp.new_secret()
        with app.app_context():
            session = db.get_session()
            issued = accounts.create_account(
                session,
                app.config["SECRET_KEY"],
                username,
                admin=admin,
                reviewer=reviewer,
                enrol_hours=1,
            )
            account = issued.account
            account.totp_sealed = keyring.seal_totp_secret(secret, app.config["SECRET_KEY"])
            key = None
            if reviewer:
                key = (
                    accounts.KeyChoice("offline", recipient=offline_recipient)
                    if offline_recipient
                    else accounts.KeyChoice("browser", passphrase=passphrase)
                )
            accounts.complete_enrolment(
                session, app.config, account, password=password, totp_step=0, key=key
            )
            recipient = None
            if account.reviewer_id is not None:
                from portal.models import Reviewer

                recipient = session.get(Reviewer, account.reviewer_id).recipient
            return Staff(username, password, secret, passphrase, account.id, recipient)

    return build


def fresh_code(app: Flask, staff: Staff) -> str:
    """A TOTP code the server has not seen yet.

    Logins in one test come faster than 30-second steps; when the current window is
    used up, the account's last step is moved back, which is what waiting would do.
    """
    with app.app_context():
        session = db.get_session()
        account = session.get(StaffAccount, staff.account_id)
        now = totp.current_step()
        # The current step first: the previous one may fall out of the server's window
        # if a 30-second boundary passes before the code is checked.
        candidates = [s for s in (now, now + 1, now - 1) if s > account.totp_last_step]
        if not candidates:
            account.totp_last_step = now - 2
            session.commit()
            candidates = [now]
        return totp.code_at(staff.totp_secret, candidates[0])


def form_token(client: FlaskClient, path: str = "/staff/login") -> str:
    """The CSRF token of the client's session, read from a form page."""
    page = client.get(path).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def staff_login(
    client: FlaskClient,
    app: Flask,
    staff: Staff,
    code: str | None = None,
    password: str | None = None,
) -> Any:
    """Log in (username, password, TOTP) without following the redirect."""
    return client.post(
        "/staff/login",
        data={
            "csrf_token": form_token(client),
            "username": staff.username,
            "password": staff.password if password is None else password,
            "code": code if code is not None else fresh_code(app, staff),
        },
    )


def unlock(client: FlaskClient, staff: Staff, passphrase: str | None = None) -> Any:
    """Unlock the reviewer's key for this session."""
    return client.post(
        "/staff/unlock",
        data={
            "csrf_token": form_token(client, "/staff/unlock"),
            "passphrase": staff.passphrase if passphrase is None else passphrase,
        },
    )


@pytest.fixture
def reviewer(make_staff: Callable[..., Staff]) -> Staff:
    """An enrolled reviewer with a browser key."""
    return make_staff("rita")


@pytest.fixture
def admin(make_staff: Callable[..., Staff]) -> Staff:
    """An enrolled admin who is not a reviewer."""
    return make_staff("adam", admin=True, reviewer=False)


@pytest.fixture
def reviewer_client(app: Flask, reviewer: Staff) -> FlaskClient:
    """A browser logged in as the reviewer, key unlocked.

    Not used as a context manager: a kept request context would share `g` with
    requests of other clients in the same test.
    """
    client = app.test_client()
    assert staff_login(client, app, reviewer).status_code == 303
    assert unlock(client, reviewer).status_code == 303
    return client


def report_ids(app: Flask) -> list[str]:
    """Ids of every report."""
    from portal.models import Report

    with app.app_context():
        return list(db.get_session().scalars(select(Report.id)))


def blob_dir(tmp_path: Path) -> Path:
    """The blob folder make_app uses."""
    return tmp_path / "blobs"
