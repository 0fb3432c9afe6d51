"""The "seized server" test: after real submissions, search everything the server
keeps - database file, blob store, temporary folder, logs - for what the sources
sent and for their address and User-Agent. Nothing may be found; decrypting with
a reviewer identity must find every piece of content."""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

import crypto
from portal import db, intake
from tests.portal.conftest import codename_of, csrf_token, post_form, raw_multipart

CLIENT_ADDRESS = "198.51.100.23"


def _database_bytes(app: Flask) -> bytes:
    """The database as an attacker would get it: the file (SQLite) or every row."""
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    from portal.models import Base

    rows: list[str] = []
    with app.app_context():
        session = db.get_session()
        for table in Base.metadata.sorted_tables:
            rows.extend(repr(tuple(row)) for row in session.execute(table.select()))
    return "\n".join(rows).encode("utf-8")


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_seized_server_reveals_nothing(
    make_app: Callable[..., Flask],
    reviewer_identity: crypto.Identity,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    caplog.set_level(logging.DEBUG)
    app = make_app(log_level="DEBUG")
    with app.app_context():
        intake.add_reviewer(db.get_session(), reviewer_identity.recipient().to_string())

    tag = secrets.token_hex(6)
    user_agent = f"SeizureTestBrowser/{tag}"
    content = {
        "account": f"ACCOUNTMARK{tag} 我被警察带走了{tag}",
        "place": f"PLACEMARK{tag}",
        "contact": f"CONTACTMARK{tag}",
        "file": f"FILEMARK{tag}",
        "bigfile": f"BIGFILEMARK{tag}",
        "filename": f"NAMEMARK{tag}",
        "addition": f"ADDITIONMARK{tag} ཕ་ཡུལ{tag}",
        "consent": f"CONSENTMARK{tag}",
    }
    client = app.test_client()
    client.environ_base.update(
        {"REMOTE_ADDR": CLIENT_ADDRESS, "HTTP_USER_AGENT": user_agent,
         "HTTP_ACCEPT_LANGUAGE": f"x-{tag}", "HTTP_X_FORWARDED_FOR": CLIENT_ADDRESS}
    )
    # A big attachment (Werkzeug would spool it to a temporary file) sent raw.
    token = csrf_token(client, "/submit")
    big = (content["bigfile"] + "\n").encode() * 60_000
    body, content_type = raw_multipart(
        {"csrf_token": token, "account": content["account"], "place": content["place"],
         "consent_contact": "yes", "contact_how": content["contact"]},
        [(big, f"{content['filename']}.txt"), ((content["file"] + "\n").encode(), "b.txt")],
    )
    response = client.post("/submit", data=body, content_type=content_type)
    assert response.status_code == 200
    codename = codename_of(response.get_data(as_text=True))
    post_form(client, "/followup", {"codename": codename}, follow_redirects=True)
    added = post_form(client, "/followup/add", {"text": content["addition"]},
                      token_from="/followup/report")
    assert added.status_code == 200
    changed = post_form(client, "/followup/consent",
                        {"consent_contact": "yes", "contact_how": content["consent"]},
                        token_from="/followup/report")
    assert changed.status_code == 200
    # A wrong codename and an error page too, so that failures get logged if they would.
    stranger = app.test_client()
    stranger.environ_base.update(client.environ_base)
    assert post_form(stranger, "/followup", {"codename": f"wrong {tag}"}).status_code == 401
    stranger.get(f"/nothing-here-{tag}")

    seized = {
        "database": _database_bytes(app),
        "blobs": _all_bytes(Path(app.config["BLOB_DIR"])),
        "temporary files": _all_bytes(scratch),
        "logs": (caplog.text + "".join(capfd.readouterr())).encode(),
    }
    needles = [value for value in content.values()] + [CLIENT_ADDRESS, user_agent, codename]
    for place, data in seized.items():
        for needle in needles:
            for encoded in {needle.encode("utf-8"), needle.encode("utf-16-le")}:
                assert encoded not in data, f"{needle!r} found in {place}"
    assert seized["database"] and seized["blobs"]

    store = app.extensions["portal_blobs"]
    plaintext = b"".join(store.decrypt(blob, [reviewer_identity]) for blob in store.all_ids())
    for name, value in content.items():
        assert value.encode("utf-8") in plaintext, name
    assert CLIENT_ADDRESS.encode() not in plaintext
    assert user_agent.encode() not in plaintext
