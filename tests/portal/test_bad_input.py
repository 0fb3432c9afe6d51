"""Bad input gets a clear 4xx page, never a 500, and nothing half-stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.models import Report
from tests.portal.conftest import codename_of, csrf_token, post_form, raw_multipart


def _nothing_stored(app: Flask) -> bool:
    with app.app_context():
        no_rows = db.get_session().scalars(select(Report)).first() is None
    return no_rows and app.extensions["portal_blobs"].all_ids() == set()


def test_missing_csrf_token_is_refused_and_typed_text_is_kept(
    app: Flask, client: FlaskClient
) -> None:
    client.get("/submit")
    response = client.post("/submit", data={"account": "my words 我的话"},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form has expired" in html
    assert "my words 我的话" in html
    assert _nothing_stored(app)


def test_forged_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    client.get("/submit")
    response = client.post("/submit", data={"account": "x", "csrf_token": "forged"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert _nothing_stored(app)


def test_missing_account_rerenders_with_input_kept(app: Flask, client: FlaskClient) -> None:
    response = post_form(client, "/submit", {"account": "", "when": "May 2021", "region": "tibet"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "this is the one required field" in html
    assert 'value="May 2021"' in html
    assert 'value="tibet" checked' in html or 'checked id="region-3"' in html or (
        "checked" in html.split('value="tibet"')[0][-200:] + html.split('value="tibet"')[1][:50])
    assert _nothing_stored(app)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"account": "nul\x00byte"}, "NUL character"),
        ({"account": "x" * 50_001}, "under 50000 characters"),
        ({"account": "ok", "when": "y" * 301}, "under 300 characters"),
        ({"account": "ok", "region": "atlantis"}, "choose one of the options"),
        ({"account": "ok", "reprisals": ["made_up"]}, "choose one of the options"),
    ],
)
def test_bad_fields_get_messages_beside_them(
    app: Flask, client: FlaskClient, fields: dict[str, object], message: str
) -> None:
    response = post_form(client, "/submit", fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _nothing_stored(app)


def test_invalid_utf8_is_refused(app: Flask, client: FlaskClient) -> None:
    token = csrf_token(client, "/submit")
    boundary = "XyZ"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"account\"\r\n\r\n"
    ).encode() + b"bad \xff\xfe bytes\r\n" + f"--{boundary}--\r\n".encode()
    response = client.post("/submit", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "not valid text (UTF-8)" in response.get_data(as_text=True)
    assert _nothing_stored(app)


def test_empty_file_and_too_many_files(make_app: object, app: Flask, client: FlaskClient) -> None:
    response = post_form(client, "/submit", {"account": "x"}, files=[(b"", "empty.txt")])
    assert response.status_code == 400
    assert "File 1 is empty" in response.get_data(as_text=True)
    many = [(b"a\n", f"{i}.txt") for i in range(app.config["PORTAL_MAX_FILES"] + 1)]
    response = post_form(client, "/submit", {"account": "x"}, files=many)
    assert response.status_code == 400
    assert "at most 20 files" in response.get_data(as_text=True)
    assert _nothing_stored(app)


def test_oversized_request_gets_the_friendly_413_page(
    make_app: object, reviewer_identity: object
) -> None:
    from portal import intake

    app = make_app(max_report_bytes=64 * 1024)  # type: ignore[operator]
    with app.app_context():
        intake.add_reviewer(db.get_session(), reviewer_identity.recipient().to_string())  # type: ignore[attr-defined]
    client = app.test_client()
    response = post_form(client, "/submit", {"account": "x"}, files=[(b"z" * 100_000, "big.txt")])
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)
    assert _nothing_stored(app)


def test_file_over_the_per_file_limit(make_app: object, reviewer_identity: object) -> None:
    from portal import intake

    app = make_app(max_file_bytes=1000)  # type: ignore[operator]
    with app.app_context():
        intake.add_reviewer(db.get_session(), reviewer_identity.recipient().to_string())  # type: ignore[attr-defined]
    client = app.test_client()
    response = post_form(client, "/submit", {"account": "x"}, files=[(b"z" * 2000, "big.txt")])
    assert response.status_code == 400
    assert "larger than" in response.get_data(as_text=True)
    assert _nothing_stored(app)


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd", "a\x00b.txt", "x" * 5000 + ".txt", "evil\u202egnp.exe", "/abs/path.txt",
     "..\\..\\windows\\system.ini"],
)
def test_path_like_filenames_never_reach_the_disk(
    app: Flask, client: FlaskClient, filename: str
) -> None:
    response = post_form(client, "/submit", {"account": "x"}, files=[(b"hello\n", filename)])
    assert response.status_code in (200, 400)
    assert response.status_code != 500
    root = Path(app.config["BLOB_DIR"])
    for path in root.rglob("*"):
        assert path.resolve().is_relative_to(root.resolve())
        assert "passwd" not in path.name and "evil" not in path.name
    assert not Path("/abs/path.txt").exists()
    html = response.get_data(as_text=True)
    assert "\u202e" not in html


def test_a_rejected_file_stores_nothing(app: Flask, client: FlaskClient) -> None:
    bogus_pdf = b"%PDF-1.7\n" + b"\x00garbage" * 10
    response = post_form(client, "/submit", {"account": "x"},
                         files=[(b"fine\n", "fine.txt"), (bogus_pdf, "broken.pdf")])
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert _nothing_stored(app)


def test_unknown_page_and_method(client: FlaskClient) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)
    assert client.delete("/submit").status_code == 405


def test_uploads_are_buffered_in_memory_never_in_a_temporary_file(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import werkzeug.formparser

    def no_disk(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an upload was about to be spooled to a temporary file")

    # Werkzeug's default factory would spool this 2 MiB upload to disk.
    monkeypatch.setattr(werkzeug.formparser, "SpooledTemporaryFile", no_disk)
    monkeypatch.setattr(werkzeug.formparser, "TemporaryFile", no_disk, raising=False)
    token = csrf_token(client, "/submit")
    body, content_type = raw_multipart({"csrf_token": token, "account": "big file"},
                                       [(b"B" * (2 * 1024 * 1024), "big.txt")])
    response = client.post("/submit", data=body, content_type=content_type)
    assert response.status_code == 200
    assert codename_of(response.get_data(as_text=True))
