"""Submitting a report: encryption, codename, confirmation page, what is stored."""

from __future__ import annotations

import io
import math

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

import crypto
from portal import codename, db, documents
from portal.models import Entry, Report
from tests.portal.conftest import codename_of, post_form, submit_report


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (32, 32), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "MarkerCam"  # Make
    exif[0x0110] = "ModelX"  # Model
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _decrypt_all(app: Flask, identity: crypto.Identity) -> dict[str, bytes]:
    store = app.extensions["portal_blobs"]
    return {blob: store.decrypt(blob, [identity]) for blob in store.all_ids()}


def _report_documents(app: Flask, identity: crypto.Identity) -> list[dict[str, object]]:
    docs = []
    for data in _decrypt_all(app, identity).values():
        try:
            docs.append(documents.decode(data))
        except (ValueError, UnicodeDecodeError):
            continue
    return docs


def test_report_is_encrypted_to_reviewer_and_round_trips_every_script(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity
) -> None:
    account = "警察在2023年把我带走。 警察在2023年把我帶走。 ཕ་ཡུལ། ئۇيغۇر تىلى — émigré"
    submit_report(client, account=account, region="tibet", reprisals=["detention", "family"],
                  consent_public="anonymized", consent_ohchr="yes")
    docs = _report_documents(app, reviewer_identity)
    assert len(docs) == 1
    doc = docs[0]
    assert doc["account"] == account
    assert doc["region"] == "Tibet"
    assert doc["reprisals"] == ["Arbitrary arrest or detention",
                                "Harassment or punishment of family members"]
    consent = doc["consent"]
    assert isinstance(consent, dict)
    assert consent["secretary_general_public_report"] == "Anonymized"
    assert consent["share_confidentially_with_ohchr"] == "Yes"
    assert consent["special_procedures_urgent_appeal"].startswith("not answered")


def test_database_keeps_only_date_status_buckets_and_references(
    app: Flask, client: FlaskClient
) -> None:
    submit_report(client, account="x" * 5000, files=[(b"plain words\n", "a.txt")])
    with app.app_context():
        report = db.get_session().scalars(select(Report)).one()
        entries = list(db.get_session().scalars(select(Entry)))
        assert report.status == "received"
        assert report.received_on.isoformat() == report.updated_on.isoformat()
        assert report.size_bucket & (report.size_bucket - 1) == 0  # a power of two
        assert sorted(e.kind for e in entries) == ["file", "report"]
    columns = {c.name for t in ("report", "entry") for c in Report.metadata.tables[t].columns}
    assert not columns & {"ip", "user_agent", "created_at", "timestamp", "language"}


def test_text_is_padded_so_length_does_not_reveal_how_much_was_written(
    app: Flask, client: FlaskClient
) -> None:
    submit_report(client, account="short")
    submit_report(client, account="a somewhat longer account of what happened " * 20)
    store = app.extensions["portal_blobs"]
    sizes = {len(store.read(blob)) for blob in store.all_ids()}
    assert len(sizes) == 1


def test_codename_is_eight_wordlist_words_and_only_a_hash_is_stored(
    app: Flask, client: FlaskClient
) -> None:
    name = submit_report(client)
    words = name.split()
    assert len(words) == app.config["PORTAL_CODENAME_WORDS"] == 8
    assert set(words) <= set(codename.wordlist())
    assert codename.entropy_bits(len(words)) >= 80
    assert len(set(codename.wordlist())) >= 2048
    from tests.portal.test_seized_server import _database_bytes

    assert name.encode() not in _database_bytes(app)


def test_minimum_strength_is_enforced_by_config(make_app: object) -> None:
    from portal.config import ConfigError

    too_few = math.floor(80 / math.log2(len(codename.wordlist())))
    with pytest.raises(ConfigError, match="bits"):
        make_app(codename_words=too_few)  # type: ignore[operator]


def test_confirmation_lists_what_was_removed_per_file(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity
) -> None:
    response = post_form(client, "/submit", {"account": "photo attached"},
                         files=[(_jpeg_with_gps(), "IMG_0001.jpg"), (b"notes\n", "notes.txt")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "GPS location" in html and "camera model" in html
    assert "notes.txt" in html and "nothing needed removing" in html
    stored = _decrypt_all(app, reviewer_identity)
    assert all(b"MarkerCam" not in data for data in stored.values())
    manifest = _report_documents(app, reviewer_identity)[0]["files"]
    assert isinstance(manifest, list) and len(manifest) == 2
    jpeg_report = next(f for f in manifest if f["media_type"] == "image/jpeg")
    assert "GPS location" in jpeg_report["removed"]
    assert stored[jpeg_report["blob"]].startswith(b"\xff\xd8")


def test_codename_shown_once_page_keeps_no_language_switch(client: FlaskClient) -> None:
    response = post_form(client, "/submit", {"account": "x"})
    assert 'class="languages"' not in response.get_data(as_text=True)
    assert codename_of(response.get_data(as_text=True))


def test_no_recipient_means_not_accepting_and_nothing_stored(make_app: object) -> None:
    app = make_app()  # type: ignore[operator]
    client = app.test_client()
    page = client.get("/submit")
    assert page.status_code == 503
    assert "Not accepting reports" in page.get_data(as_text=True)
    response = client.post("/submit", data={"account": "x"}, content_type="multipart/form-data")
    assert response.status_code in (400, 503)
    assert app.extensions["portal_blobs"].all_ids() == set()


def test_organization_recipient_alone_is_enough_and_can_decrypt(make_app: object) -> None:
    org = crypto.generate_identity(pq=True)
    app = make_app(org_recipient=org.recipient().to_string())  # type: ignore[operator]
    client = app.test_client()
    submit_report(client, account="for the offline key")
    docs = _report_documents(app, org)
    assert docs[0]["account"] == "for the offline key"


def test_inactive_reviewer_cannot_read_new_reports(
    app: Flask, client: FlaskClient, reviewer_identity: crypto.Identity
) -> None:
    other = crypto.X25519Identity(b"\x07" * 32)
    with app.app_context():
        from portal import intake
        from portal.models import Reviewer

        intake.add_reviewer(db.get_session(), other.recipient().to_string())
        first = db.get_session().scalars(select(Reviewer).order_by(Reviewer.id)).first()
        assert first is not None
        first.active = False
        db.get_session().commit()
    submit_report(client, account="only for the second reviewer")
    store = app.extensions["portal_blobs"]
    (blob,) = store.all_ids()
    with pytest.raises(crypto.AgeError):
        store.decrypt(blob, [reviewer_identity])
    assert b"second reviewer" in store.decrypt(blob, [other])
