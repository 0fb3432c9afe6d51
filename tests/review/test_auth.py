"""Login, TOTP, lockout, sessions: the staff side's front door."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from portal import db, keyring
from portal.auth import totp
from portal.staff_models import StaffAccount, StaffSession
from tests.review.conftest import Staff, form_token, fresh_code, staff_login, unlock


def _sessions(app: Flask) -> list[tuple[str, bytes | None]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.get_session().execute(
                select(StaffSession.id, StaffSession.sealed_identity)
            )
        ]


def test_login_needs_password_and_a_fresh_totp_code(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    assert (
        staff_login(client, app, reviewer, password="wrong " + reviewer.password).status_code == 401
    )
    assert staff_login(client, app, reviewer, code="000000").status_code in (401,)
    response = staff_login(client, app, reviewer)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/review/inbox")
    assert client.get("/staff/review/inbox").status_code == 200


def test_replayed_totp_code_is_refused(app: Flask, reviewer: Staff) -> None:
    code = fresh_code(app, reviewer)
    first = app.test_client()
    assert staff_login(first, app, reviewer, code=code).status_code == 303
    second = app.test_client()
    response = staff_login(second, app, reviewer, code=code)
    assert response.status_code == 401
    assert "portal_staff" not in response.headers.get("Set-Cookie", "")


def test_unknown_user_gets_the_same_answer(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    ghost = Staff("nobody", reviewer.password, reviewer.totp_secret, "", 0)
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": form_token(client),
            "username": ghost.username,
            "password": ghost.password,
            "code": "123456",
        },
    )
    assert response.status_code == 401


def test_lockout_engages_grows_and_refuses_correct_credentials(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    threshold = app.config["PORTAL_STAFF_LOCKOUT_THRESHOLD"]
    for _ in range(threshold):
        assert staff_login(client, app, reviewer, password="not it at all!").status_code == 401  # noqa: S106
    with app.app_context():
        account = db.get_session().get(StaffAccount, reviewer.account_id)
        first_until = account.locked_until.replace(tzinfo=dt.UTC)
        assert first_until > dt.datetime.now(dt.UTC)
    # Locked: the right password and a fresh code do not get in.
    response = staff_login(client, app, reviewer)
    assert response.status_code == 401
    assert "portal_staff" not in response.headers.get("Set-Cookie", "")
    # Another failure while locked is counted and makes the delay longer.
    staff_login(client, app, reviewer, password="still wrong!!")  # noqa: S106
    with app.app_context():
        account = db.get_session().get(StaffAccount, reviewer.account_id)
        # Nothing is checked while locked, so the count stays; clear and fail again:
        account.locked_until = None
        db.get_session().commit()
    staff_login(client, app, reviewer, password="still wrong!!")  # noqa: S106
    with app.app_context():
        account = db.get_session().get(StaffAccount, reviewer.account_id)
        second = account.locked_until.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)
        assert account.failed_attempts == threshold + 1
        assert second > dt.timedelta(seconds=app.config["PORTAL_STAFF_LOCKOUT_BASE_SECONDS"])
        # Time passes (the lock runs out): the right credentials work again.
        account.locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.get_session().commit()
    assert staff_login(client, app, reviewer).status_code == 303


def test_session_fixation_is_impossible(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    planted = "A" * 43
    client.set_cookie("portal_staff", planted, path="/staff")
    form_token(client)
    before_flask = client.get_cookie("portal_session").value
    assert staff_login(client, app, reviewer).status_code == 303
    issued = client.get_cookie("portal_staff", path="/staff").value
    assert issued != planted
    # The signed session (and its CSRF token) is dropped at login, not carried over.
    after_flask = client.get_cookie("portal_session")
    assert after_flask is None or after_flask.value != before_flask
    # The planted value is not a session: a browser holding it is not logged in.
    attacker = app.test_client()
    attacker.set_cookie("portal_staff", planted, path="/staff")
    assert attacker.get("/staff/review/inbox").status_code == 303
    # Logging in again rotates the id and destroys the previous server-side session.
    assert staff_login(client, app, reviewer).status_code == 303
    assert client.get_cookie("portal_staff", path="/staff").value != issued
    assert len(_sessions(app)) == 1
    stale = app.test_client()
    stale.set_cookie("portal_staff", issued, path="/staff")
    assert stale.get("/staff/review/inbox").status_code == 303


def test_logout_destroys_server_state(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    staff_login(client, app, reviewer)
    assert unlock(client, reviewer).status_code == 303
    cookie = client.get_cookie("portal_staff", path="/staff").value
    assert _sessions(app)[0][1] is not None
    response = client.post(
        "/staff/logout", data={"csrf_token": form_token(client, "/staff/review/inbox")}
    )
    assert response.status_code == 303
    assert "cookies" in response.headers["Clear-Site-Data"]
    assert _sessions(app) == []
    replay = app.test_client()
    replay.set_cookie("portal_staff", cookie, path="/staff")
    assert replay.get("/staff/review/inbox").status_code == 303


def test_idle_and_absolute_expiry(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    staff_login(client, app, reviewer)
    assert client.get("/staff/review/inbox").status_code == 200
    with app.app_context():
        record = db.get_session().scalars(select(StaffSession)).one()
        record.last_seen = dt.datetime.now(dt.UTC) - dt.timedelta(
            minutes=app.config["PORTAL_STAFF_IDLE_MINUTES"] + 1
        )
        db.get_session().commit()
    assert client.get("/staff/review/inbox").status_code == 303
    assert _sessions(app) == []
    staff_login(client, app, reviewer)
    with app.app_context():
        record = db.get_session().scalars(select(StaffSession)).one()
        record.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(
            hours=app.config["PORTAL_STAFF_ABSOLUTE_HOURS"], minutes=1
        )
        db.get_session().commit()
    assert client.get("/staff/review/inbox").status_code == 303
    assert _sessions(app) == []


def test_idle_limit_is_configurable(make_app: Callable[..., Flask], monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_STAFF_IDLE_MINUTES", "5")
    assert make_app().config["PORTAL_STAFF_IDLE_MINUTES"] == 5


def test_cookie_flags(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    header = staff_login(client, app, reviewer).headers.get_all("Set-Cookie")
    staff_cookie = next(h for h in header if h.startswith("portal_staff="))
    assert "HttpOnly" in staff_cookie and "SameSite=Strict" in staff_cookie
    assert "Expires" not in staff_cookie and "Max-Age" not in staff_cookie


def test_enrolment_in_the_browser(app: Flask, admin: Staff) -> None:
    admin_client = app.test_client()
    staff_login(admin_client, app, admin)
    response = admin_client.post(
        "/staff/admin/accounts",
        data={
            "csrf_token": form_token(admin_client, "/staff/admin/"),
            "username": "nadia",
            "reviewer": "y",
        },
    )
    assert response.status_code == 200
    link = re.search(
        r'<code class="enrol-link">[^<]*(/staff/enrol/[^<]+)</code>',
        response.get_data(as_text=True),
    ).group(1)
    person = app.test_client()
    page = person.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html
    secret = re.search(r'<code class="totp-secret">([A-Z2-7]+)</code>', html).group(1)
    token = form_token(person, link)
    weak = person.post(
        link,
        data={
            "csrf_token": token,
            "password": "password1234",
            "confirm": "password1234",
            "code": "000000",
            "key_mode": "browser",
            "passphrase": "x",
            "passphrase_confirm": "x",
        },
    )
    assert weak.status_code == 400
    assert "commonly used" in weak.get_data(as_text=True)
    code = totp.code_at(secret, totp.current_step())
    done = person.post(
        link,
        data={
            "csrf_token": token,
            "password": "violet kettle ocean 42",
            "confirm": "violet kettle ocean 42",
            "code": code,
            "key_mode": "browser",
            "passphrase": "seven blue herons at dusk",
            "passphrase_confirm": "seven blue herons at dusk",
        },
    )
    assert done.status_code == 200, done.get_data(as_text=True)[:3000]
    # The link works once.
    assert person.get(link).status_code == 404
    with app.app_context():
        account = (
            db.get_session()
            .scalars(select(StaffAccount).where(StaffAccount.username == "nadia"))
            .one()
        )
        assert account.enrolled and account.key_mode == "browser"
        assert account.password_hash.startswith("$argon2id$")
        assert secret not in (account.totp_sealed or "")
        assert keyring.open_totp_secret(account.totp_sealed, app.config["SECRET_KEY"]) == secret
        identity = keyring.unlock(account.protected_identity, "seven blue herons at dusk")
        assert identity.to_string().startswith("AGE-SECRET-KEY-PQ-")
        account_id = account.id
    nadia = Staff(
        "nadia", "violet kettle ocean 42", secret, "seven blue herons at dusk", account_id
    )
    fresh = app.test_client()
    assert staff_login(fresh, app, nadia).status_code == 303
    assert unlock(fresh, nadia).status_code == 303


def test_staff_pages_keep_the_chosen_language(app: Flask, reviewer: Staff) -> None:
    client = app.test_client()
    page = client.get("/staff/login?lang=zh_Hans").get_data(as_text=True)
    assert 'action="/staff/login?lang=zh_Hans"' in page
    assert 'lang="zh-Hans"' in page and "工作人员登录" in page
    assert "工作人員登入" in client.get("/staff/login?lang=zh_Hant").get_data(as_text=True)


def test_a_session_works_across_workers(app: Flask, reviewer: Staff,
                                        make_app: Callable[..., Flask]) -> None:
    """Two app instances on one database stand for two gunicorn worker processes."""
    other = make_app()
    other.config["SECRET_KEY"] = app.config["SECRET_KEY"]
    client = app.test_client()
    staff_login(client, app, reviewer)
    unlock(client, reviewer)
    cookie = client.get_cookie("portal_staff", path="/staff").value
    from tests.review.conftest import report_ids, submit_report

    submit_report(app.test_client(), account="seen by the other worker")
    (report_id,) = report_ids(app)
    second = other.test_client()
    second.set_cookie("portal_staff", cookie, path="/staff")
    page = second.get(f"/staff/review/r/{report_id}")
    assert page.status_code == 200
    assert "seen by the other worker" in page.get_data(as_text=True)
    # Logging out on one worker ends the session on the other.
    client.post("/staff/logout", data={"csrf_token": form_token(client, "/staff/review/inbox")})
    assert second.get("/staff/review/inbox").status_code == 303


def test_admin_sees_and_clears_a_lockout(app: Flask, reviewer: Staff, admin: Staff) -> None:
    client = app.test_client()
    for _ in range(app.config["PORTAL_STAFF_LOCKOUT_THRESHOLD"]):
        staff_login(client, app, reviewer, password="wrong wrong wrong")  # noqa: S106
    assert staff_login(client, app, reviewer).status_code == 401
    boss = app.test_client()
    staff_login(boss, app, admin)
    page = boss.get("/staff/admin/").get_data(as_text=True)
    assert "locked out" in page
    cleared = boss.post(f"/staff/admin/accounts/{reviewer.account_id}/clear-lockout",
                        data={"csrf_token": form_token(boss, "/staff/admin/")})
    assert cleared.status_code == 303
    assert "locked out" not in boss.get("/staff/admin/").get_data(as_text=True)
    assert staff_login(client, app, reviewer).status_code == 303
