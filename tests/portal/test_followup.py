"""Following up with a codename: status, replies, additions, consent, deletion."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import crypto
from portal import db, documents, intake
from portal.models import Entry, Report
from tests.portal.conftest import login, post_form, submit_report


def _report(app: Flask) -> Report:
    return db.get_session().scalars(select(Report)).one()


def test_login_shows_status_and_replies_only_the_codename_can_read(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity
) -> None:
    name = submit_report(client)
    with app.app_context():
        report = _report(app)
        report.status = "need_info"
        db.get_session().commit()
        entry = intake.add_reply(db.get_session(), app.extensions["portal_blobs"], report,
                                 "Could you tell us the month? 请告诉我们月份。",
                                 [reviewer_identity.recipient()])
        blob = entry.blob_id
    page = login(client, name.upper().replace(" ", "  "))  # case and spacing do not matter
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "More information needed" in html
    assert "请告诉我们月份。" in html
    # Reviewers can read their own reply too; a stranger's key cannot.
    store = app.extensions["portal_blobs"]
    assert b"month" in store.decrypt(blob, [reviewer_identity])


def test_wrong_codename_gets_one_neutral_message(client: FlaskClient) -> None:
    submit_report(client)
    response = post_form(client, "/followup", {"codename": "not my codename at all"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "No report could be opened with this codename" in html


def test_wrong_codenames_are_rate_limited_per_session(make_app: object) -> None:
    app = make_app(ratelimit_login_session="3/hour")  # type: ignore[operator]
    client = app.test_client()
    codes = [post_form(client, "/followup", {"codename": f"wrong guess {i}"}).status_code
             for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    assert "Too many attempts" in post_form(client, "/followup", {"codename": "x"}).get_data(
        as_text=True)


def test_codename_uses_are_limited_across_sessions(
    make_app: object, reviewer_identity: crypto.Identity
) -> None:
    app = make_app(ratelimit_codename="2/hour")  # type: ignore[operator]
    with app.app_context():
        intake.add_reviewer(db.get_session(), reviewer_identity.recipient().to_string())
    name = submit_report(app.test_client())
    codes = [login(app.test_client(), name).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_add_information_and_files_under_the_same_codename(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity
) -> None:
    name = submit_report(client)
    login(client, name)
    response = post_form(client, "/followup/add", {"text": "The date was 3 May."},
                         files=[(b"more notes\n", "more.txt")], token_from="/followup/report")
    assert response.status_code == 200
    assert "What you added was received" in response.get_data(as_text=True)
    with app.app_context():
        kinds = [e.kind for e in db.get_session().scalars(select(Entry).order_by(Entry.seq))]
    assert kinds == ["report", "addition", "file"]
    texts = [app.extensions["portal_blobs"].decrypt(b, [reviewer_identity])
             for b in app.extensions["portal_blobs"].all_ids()]
    assert any(b"The date was 3 May." in t for t in texts)
    assert any(t == b"more notes\n" for t in texts)


def test_change_and_withdraw_consent(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity
) -> None:
    name = submit_report(client, consent_public="named")
    login(client, name)
    changed = post_form(client, "/followup/consent", {"consent_public": "anonymized"},
                        token_from="/followup/report")
    assert "consent choices were updated" in changed.get_data(as_text=True)
    withdrawn = post_form(client, "/followup/consent", {"withdraw": "y"},
                          token_from="/followup/report")
    assert "consent was withdrawn" in withdrawn.get_data(as_text=True)
    store = app.extensions["portal_blobs"]
    consents = []
    for blob in store.all_ids():
        doc = documents.decode(store.decrypt(blob, [reviewer_identity]))
        if doc["kind"] == "consent":
            consents.append(doc["consent"])
    assert {c["secretary_general_public_report"] for c in consents} == {
        "Anonymized", "Confidential"}
    assert any(c["withdrawn"] for c in consents)


def test_delete_removes_rows_and_blobs_and_the_codename_stops_working(
    app: Flask, client: FlaskClient
) -> None:
    name = submit_report(client, files=[(b"abc\n", "a.txt")])
    login(client, name)
    refused = post_form(client, "/followup/delete", {}, token_from="/followup/report")
    assert refused.status_code == 400  # the confirmation box is required
    response = post_form(client, "/followup/delete", {"confirm": "y"},
                         token_from="/followup/report")
    assert "Your report was deleted" in response.get_data(as_text=True)
    assert app.extensions["portal_blobs"].all_ids() == set()
    with app.app_context():
        assert db.get_session().scalars(select(Entry)).first() is None
    assert login(client, name).status_code == 401


def test_follow_up_pages_need_a_login(client: FlaskClient) -> None:
    for path in ("/followup/report",):
        assert client.get(path).status_code == 303
    token_page = client.get("/followup")
    assert token_page.status_code == 200
    for path in ("/followup/add", "/followup/consent", "/followup/delete"):
        response = post_form(client, path, {"text": "x", "confirm": "y"}, token_from="/followup")
        assert response.status_code == 303
