"""The report view, attachments, notes, tags, replies, triage, delete, offline export."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import crypto
from portal import db, keyring
from portal.models import Entry, Report
from portal.staff_models import AuditEvent, ReportNote, ReportTags, StaffAccount
from tests.conftest import using_postgresql
from tests.review.conftest import (
    Staff,
    form_token,
    fresh_code,
    login,
    report_ids,
    staff_login,
    submit_report,
)

HOSTILE = "<script>alert('x')</script> & <b>bold</b> 拘留"


def _identity(app: Flask, staff: Staff) -> crypto.Identity:
    with app.app_context():
        account = db.get_session().get(StaffAccount, staff.account_id)
        return keyring.unlock(account.protected_identity, staff.passphrase)


def _post(client: FlaskClient, path: str, data: dict[str, str], token_from: str) -> object:
    return client.post(path, data={"csrf_token": form_token(client, token_from), **data})


def test_report_is_decrypted_and_rendered_escaped(
    app: Flask, reviewer: Staff, reviewer_client: FlaskClient
) -> None:
    submit_report(app.test_client(), account=HOSTILE)
    (report_id,) = report_ids(app)
    page = reviewer_client.get(f"/staff/review/r/{report_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "&lt;script&gt;alert(" in html and "<script>alert" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "拘留" in html
    with app.app_context():
        actions = list(
            db.get_session().scalars(
                select(AuditEvent.action).where(AuditEvent.report_id == report_id)
            )
        )
        details = " ".join(db.get_session().scalars(select(AuditEvent.detail)))
    assert "report_decrypted" in actions
    assert "拘留" not in details and "script" not in details


def test_report_needs_an_unlocked_key(app: Flask, reviewer: Staff) -> None:
    submit_report(app.test_client())
    (report_id,) = report_ids(app)
    client = app.test_client()
    staff_login(client, app, reviewer)
    response = client.get(f"/staff/review/r/{report_id}")
    assert response.status_code == 303 and "/staff/unlock" in response.headers["Location"]
    assert client.get("/staff/review/inbox").status_code == 200


def test_attachment_is_a_download_with_its_scrub_report(
    app: Flask, reviewer: Staff, reviewer_client: FlaskClient
) -> None:
    content = b"Names of the officers: see below.\n"
    submit_report(app.test_client(), files=[(content, "notes.txt")])
    (report_id,) = report_ids(app)
    html = reviewer_client.get(f"/staff/review/r/{report_id}").get_data(as_text=True)
    link = re.search(r'href="(/staff/review/r/[0-9a-f]+/file/[0-9a-f]+)"', html).group(1)
    assert "notes.txt" in html  # the scrub report beside the file
    response = reviewer_client.get(link)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.replace(b"\r\n", b"\n").strip() == content.strip()
    # A blob id of another report, or a non-file entry, is not downloadable here.
    with app.app_context():
        report_blob = (
            db.get_session().scalars(select(Entry.blob_id).where(Entry.kind == "report")).one()
        )
    assert reviewer_client.get(f"/staff/review/r/{report_id}/file/{report_blob}").status_code == 404


def test_notes_and_tags_are_stored_encrypted(
    app: Flask, reviewer: Staff, reviewer_client: FlaskClient, tmp_path: Path
) -> None:
    submit_report(app.test_client())
    (report_id,) = report_ids(app)
    view = f"/staff/review/r/{report_id}"
    note = "Called the family; brother detained in Kashgar"
    assert _post(reviewer_client, f"{view}/note", {"text": note}, view).status_code == 303
    assert (
        _post(reviewer_client, f"{view}/tags", {"tags": "detention, travel ban"}, view).status_code
        == 303
    )
    html = reviewer_client.get(view).get_data(as_text=True)
    assert note in html and "travel ban" in html
    with app.app_context():
        note_blob = db.get_session().scalars(select(ReportNote.blob_id)).one()
        tags_blob = db.get_session().get(ReportTags, report_id).blob_id
    if not using_postgresql():  # the SQLite file itself (PostgreSQL keeps its files elsewhere)
        db_bytes = (tmp_path / "portal.db").read_bytes()
        assert b"Kashgar" not in db_bytes and b"travel ban" not in db_bytes
    blobs = app.extensions["portal_blobs"]
    assert b"Kashgar" not in blobs.read(note_blob)
    identity = _identity(app, reviewer)
    assert note.encode() in blobs.decrypt(note_blob, [identity])
    assert b"travel ban" in blobs.decrypt(tags_blob, [identity])


def test_reply_reaches_the_source_at_followup(
    app: Flask, reviewer: Staff, reviewer_client: FlaskClient
) -> None:
    source = app.test_client()
    codename = submit_report(source)
    (report_id,) = report_ids(app)
    view = f"/staff/review/r/{report_id}"
    reply = "Thank you. Is your brother still held in Lhasa?"
    assert _post(reviewer_client, f"{view}/reply", {"text": reply}, view).status_code == 303
    followup = login(app.test_client(), codename).get_data(as_text=True)
    assert reply in followup
    assert reply in reviewer_client.get(view).get_data(as_text=True)


def test_triage_status_urgent_and_inbox_order(
    app: Flask, reviewer: Staff, reviewer_client: FlaskClient
) -> None:
    source = app.test_client()
    for account in ("first", "second", "third"):
        submit_report(source, account=account)
    ids = report_ids(app)
    urgent = ids[1]
    view = f"/staff/review/r/{urgent}"
    response = _post(
        reviewer_client,
        f"{view}/triage",
        {"status": "case_opened", "urgent": "y", "assignee": str(reviewer.account_id)},
        view,
    )
    assert response.status_code == 303
    inbox = reviewer_client.get("/staff/review/inbox").get_data(as_text=True)
    first_row = re.search(r"/staff/review/r/([0-9a-f]{32})", inbox).group(1)
    assert first_row == urgent
    only_urgent = reviewer_client.get("/staff/review/inbox?urgent=1").get_data(as_text=True)
    assert set(re.findall(r'/staff/review/r/([0-9a-f]{32})"', only_urgent)) == {urgent}
    mine = reviewer_client.get(f"/staff/review/inbox?assignee={reviewer.account_id}")
    assert set(re.findall(r'/staff/review/r/([0-9a-f]{32})"', mine.get_data(as_text=True))) == {
        urgent
    }
    opened = reviewer_client.get("/staff/review/inbox?status=case_opened").get_data(as_text=True)
    assert set(re.findall(r'/staff/review/r/([0-9a-f]{32})"', opened)) == {urgent}
    with app.app_context():
        report = db.get_session().get(Report, urgent)
        assert report.status == "case_opened" and report.urgent
    # Bad filter values are ignored, not errors.
    assert (
        reviewer_client.get("/staff/review/inbox?status=<x>&page=-3&assignee=a").status_code == 200
    )


def test_delete_removes_ciphertext_and_rows(
    app: Flask, reviewer: Staff, reviewer_client: FlaskClient
) -> None:
    submit_report(app.test_client(), files=[(b"evidence text\n", "e.txt")])
    (report_id,) = report_ids(app)
    view = f"/staff/review/r/{report_id}"
    _post(reviewer_client, f"{view}/note", {"text": "a note"}, view)
    blobs = app.extensions["portal_blobs"]
    assert len(blobs.all_ids()) == 3
    refused = _post(reviewer_client, f"{view}/delete", {}, view)
    assert refused.status_code == 400 and len(blobs.all_ids()) == 3
    wrong = _post(reviewer_client, f"{view}/delete", {"confirm": "y", "code": "000000"}, view)
    assert wrong.status_code == 400 and len(blobs.all_ids()) == 3
    code = fresh_code(app, reviewer)
    assert _post(reviewer_client, f"{view}/delete", {"confirm": "y", "code": code},
                 view).status_code == 303
    assert blobs.all_ids() == set()
    with app.app_context():
        session = db.get_session()
        assert session.scalars(select(Entry)).all() == []
        assert session.scalars(select(ReportNote)).all() == []
        assert session.get(Report, report_id).status == "deleted"
    assert "was deleted" in reviewer_client.get(view).get_data(as_text=True)
    assert report_id not in reviewer_client.get("/staff/review/inbox").get_data(as_text=True)


def test_offline_reviewer_exports_files_that_stock_age_opens(
    app: Flask, make_staff, tmp_path: Path
) -> None:
    if shutil.which("age") is None:
        pytest.skip("needs the age command-line tool")
    identity = crypto.generate_identity(pq=False)
    offline = make_staff("olga", offline_recipient=identity.recipient().to_string())
    submit_report(app.test_client(), account="offline only")
    (report_id,) = report_ids(app)
    client = app.test_client()
    staff_login(client, app, offline)
    assert "offline" in client.get("/staff/unlock").get_data(as_text=True)
    response = client.get(f"/staff/review/r/{report_id}/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    name = next(n for n in archive.namelist() if n.endswith("-report.age"))
    (tmp_path / "r.age").write_bytes(archive.read(name))
    (tmp_path / "key.txt").write_text(identity.to_string() + "\n")
    out = subprocess.run(
        ["age", "-d", "-i", str(tmp_path / "key.txt"), str(tmp_path / "r.age")],
        capture_output=True,
        check=True,
    ).stdout
    assert b"offline only" in out


def test_inbox_pages_forward_and_back_without_gaps(
    app: Flask, reviewer: Staff, reviewer_client: FlaskClient
) -> None:
    app.config["PORTAL_STAFF_PAGE_SIZE"] = 2
    source = app.test_client()
    for i in range(5):
        submit_report(source, account=f"report {i}")
    link = re.compile(r'/staff/review/r/([0-9a-f]{32})"')
    seen: list[list[str]] = []
    path = "/staff/review/inbox"
    while path:
        html = reviewer_client.get(path).get_data(as_text=True).replace("&amp;", "&")
        seen.append(link.findall(html))
        found = re.search(r'rel="next" href="([^"]+)"', html)
        path = found.group(1) if found else ""
    flat = [i for page in seen for i in page]
    assert [len(p) for p in seen] == [2, 2, 1]
    assert sorted(flat) == sorted(report_ids(app)) and len(set(flat)) == 5
    # Back from the last page gives the middle page again.
    last = reviewer_client.get("/staff/review/inbox").get_data(as_text=True)
    nxt = re.search(r'rel="next" href="([^"]+)"', last).group(1).replace("&amp;", "&")
    middle = reviewer_client.get(nxt).get_data(as_text=True)
    nxt2 = re.search(r'rel="next" href="([^"]+)"', middle).group(1).replace("&amp;", "&")
    final = reviewer_client.get(nxt2).get_data(as_text=True)
    prev = re.search(r'rel="prev" href="([^"]+)"', final).group(1).replace("&amp;", "&")
    assert link.findall(reviewer_client.get(prev).get_data(as_text=True)) == seen[1]
    # A forged cursor is ignored (first page), never an error.
    assert reviewer_client.get("/staff/review/inbox?after=1.2020-99-99.zz").status_code == 200


def test_withdrawn_consent_is_shown_first(app: Flask, reviewer: Staff,
                                          reviewer_client: FlaskClient) -> None:
    source = app.test_client()
    codename = submit_report(source, account="please help")
    (report_id,) = report_ids(app)
    view = f"/staff/review/r/{report_id}"
    assert "withdrew consent" not in reviewer_client.get(view).get_data(as_text=True)
    login(source, codename)
    response = source.post("/followup/consent", data={
        "csrf_token": form_token(source, "/followup/report"), "withdraw": "y"})
    assert response.status_code == 200
    assert "withdrew consent" in reviewer_client.get(view).get_data(as_text=True)


def test_inbox_shows_tags_only_when_asked_and_unlocked(app: Flask, reviewer: Staff,
                                                       reviewer_client: FlaskClient) -> None:
    submit_report(app.test_client())
    (report_id,) = report_ids(app)
    view = f"/staff/review/r/{report_id}"
    _post(reviewer_client, f"{view}/tags", {"tags": "enforced disappearance"}, view)
    assert "enforced disappearance" not in reviewer_client.get(
        "/staff/review/inbox").get_data(as_text=True)
    shown = reviewer_client.get("/staff/review/inbox?tags=1").get_data(as_text=True)
    assert '<span class="tag">enforced disappearance</span>' in shown
    reviewer_client.post("/staff/lock", data={
        "csrf_token": form_token(reviewer_client, "/staff/review/inbox")})
    locked = reviewer_client.get("/staff/review/inbox?tags=1").get_data(as_text=True)
    assert "enforced disappearance" not in locked and "/staff/unlock" in locked


def test_cli_export_blobs_writes_ciphertext_the_reviewer_key_opens(
        app: Flask, reviewer: Staff, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from portal.cli import main

    submit_report(app.test_client(), account="for the offline laptop",
                  files=[(b"attached words\n", "a.txt")])
    (report_id,) = report_ids(app)
    config = tmp_path / "portal.toml"
    config.write_text(
        f'secret_key = "{app.config["SECRET_KEY"]}"\n'
        f'database_url = "{app.config["DATABASE_URL"]}"\n'
        f'blob_dir = "{app.config["BLOB_DIR"]}"\n', encoding="utf-8")
    monkeypatch.setenv("PORTAL_CONFIG", str(config))
    runner = CliRunner()
    out = tmp_path / "export"
    result = runner.invoke(main, ["export-blobs", report_id, "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == ["000-report.age", "001-file.age", "manifest.json"]
    report_bytes = (out / "000-report.age").read_bytes()
    assert b"offline laptop" not in report_bytes
    identity = _identity(app, reviewer)
    assert b"for the offline laptop" in crypto.decrypt_bytes(report_bytes, [identity])
    assert crypto.decrypt_bytes((out / "001-file.age").read_bytes(), [identity]).startswith(
        b"attached words")
    again = runner.invoke(main, ["export-blobs", report_id, "--out", str(out)])
    assert again.exit_code != 0 and "exists" in again.output and "Traceback" not in again.output
    bad = runner.invoke(main, ["export-blobs", "../etc", "--out", str(tmp_path / "x")])
    assert bad.exit_code != 0 and "32 hexadecimal" in bad.output
