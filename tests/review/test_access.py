"""Every protected staff path, for every kind of visitor, by direct URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import db
from portal.staff_models import StaffAccount
from tests.review.conftest import (
    Staff,
    form_token,
    fresh_code,
    login,
    report_ids,
    staff_login,
    submit_report,
)

REVIEW_PATHS = [
    ("GET", "/staff/review/"),
    ("GET", "/staff/review/inbox"),
    ("GET", "/staff/review/r/{report}"),
    ("GET", "/staff/review/r/{report}/file/{blob}"),
    ("GET", "/staff/review/r/{report}/export"),
    ("POST", "/staff/review/r/{report}/triage"),
    ("POST", "/staff/review/r/{report}/note"),
    ("POST", "/staff/review/r/{report}/tags"),
    ("POST", "/staff/review/r/{report}/reply"),
    ("POST", "/staff/review/r/{report}/delete"),
    ("POST", "/staff/review/rekey"),
]
ADMIN_PATHS = [
    ("GET", "/staff/admin/"),
    ("GET", "/staff/admin/audit"),
    ("POST", "/staff/admin/accounts"),
    ("POST", "/staff/admin/accounts/{account}/enrolment"),
    ("POST", "/staff/admin/accounts/{account}/revoke"),
    ("POST", "/staff/admin/accounts/{account}/clear-lockout"),
    ("POST", "/staff/admin/recipients"),
    ("POST", "/staff/admin/recipients/{recipient}/deactivate"),
]
STAFF_PATHS = [
    ("GET", "/staff/"),
    ("GET", "/staff/unlock"),
    ("POST", "/staff/unlock"),
    ("POST", "/staff/lock"),
    ("POST", "/staff/logout"),
]
ALL_PATHS = REVIEW_PATHS + ADMIN_PATHS + STAFF_PATHS
VISITORS = ["anonymous", "source", "locked_out", "revoked", "reviewer", "admin"]


def _expected(visitor: str, path: str) -> str:
    if visitor in {"anonymous", "source", "locked_out", "revoked"}:
        return "login"
    if path.startswith("/staff/admin") and visitor == "reviewer":
        return "forbidden"
    if path.startswith("/staff/review") and visitor == "admin":
        return "forbidden"
    if path == "/staff/unlock" and visitor == "admin":
        return "forbidden"
    return "allowed"


@pytest.fixture
def world(app: Flask, make_staff: Callable[..., Staff]) -> dict[str, object]:
    """A report with a file, a reviewer, an admin, a locked-out and a revoked reviewer."""
    rita = make_staff("rita")
    adam = make_staff("adam", admin=True, reviewer=False)
    lou = make_staff("lou")
    rex = make_staff("rex")
    victim = make_staff("victim")
    source = app.test_client()
    codename = submit_report(source, files=[(b"file words\n", "f.txt")])
    login(source, codename)
    (report,) = report_ids(app)
    from sqlalchemy import select

    from portal.models import Entry

    with app.app_context():
        blob = db.get_session().scalars(select(Entry.blob_id).where(Entry.kind == "file")).one()
    clients: dict[str, FlaskClient] = {"anonymous": app.test_client(), "source": source}
    for name, staff in (("reviewer", rita), ("admin", adam), ("revoked", rex)):
        clients[name] = app.test_client()
        assert staff_login(clients[name], app, staff).status_code == 303
    # lou is locked out: a right password does not get a session.
    with app.app_context():
        account = db.get_session().get(StaffAccount, lou.account_id)
        account.failed_attempts = 10
        account.locked_until = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        db.get_session().commit()
    clients["locked_out"] = app.test_client()
    assert staff_login(clients["locked_out"], app, lou).status_code == 401
    # rex was logged in when an admin revoked him: his session is gone.
    assert (
        clients["admin"]
        .post(
            f"/staff/admin/accounts/{rex.account_id}/revoke",
            data={"csrf_token": form_token(clients["admin"], "/staff/admin/"),
                  "code": fresh_code(app, adam)},
        )
        .status_code
        == 200
    )
    return {"report": report, "blob": blob, "account": victim.account_id, "clients": clients}


def test_every_path_for_every_visitor(world: dict[str, object]) -> None:
    clients: dict[str, FlaskClient] = world["clients"]  # type: ignore[assignment]
    outcomes = []
    for visitor in VISITORS:
        client = clients[visitor]
        for method, template in ALL_PATHS:
            path = template.format(
                report=world["report"], blob=world["blob"], account=world["account"], recipient=1
            )
            if method == "GET":
                response = client.get(path)
            else:
                # A valid CSRF token of this browser: the guard, not CSRF, must stop them.
                token = form_token(client, "/staff/login")
                response = client.post(path, data={"csrf_token": token})
            expected = _expected(visitor, template)
            if expected == "login":
                ok = response.status_code == 303 and response.headers["Location"].endswith(
                    "/staff/login"
                )
            elif expected == "forbidden":
                ok = response.status_code == 403
            else:
                ok = response.status_code not in (401, 403) and not (
                    response.status_code in (302, 303)
                    and response.headers["Location"].endswith("/staff/login")
                    and "logout" not in path
                )
            outcomes.append((visitor, method, path, expected, response.status_code, ok))
    failures = [o for o in outcomes if not o[-1]]
    assert not failures, failures
    # Logout comes last for each visitor, so every earlier path ran in a live session.
    assert ALL_PATHS[-1] == ("POST", "/staff/logout")
    assert len(outcomes) == len(VISITORS) * len(ALL_PATHS)


def test_source_session_never_opens_staff_pages(world: dict[str, object]) -> None:
    source: FlaskClient = world["clients"]["source"]  # type: ignore[index]
    assert "portal_staff" not in {c.key for c in source._cookies.values()}  # noqa: SLF001
    assert source.get("/followup/report").status_code == 200


def test_post_without_csrf_token_is_refused(world: dict[str, object]) -> None:
    reviewer: FlaskClient = world["clients"]["reviewer"]  # type: ignore[index]
    response = reviewer.post(f"/staff/review/r/{world['report']}/delete", data={"confirm": "y"})
    assert response.status_code == 400
    assert reviewer.get("/staff/review/inbox").status_code == 200
