"""Hostile input: a catalog of attacks against every public and reviewer endpoint.

Each case is answered with the right status (a 4xx for what must be refused), never
a 5xx; after each case the store is consistent (every row's blob exists and no blob
or temporary file is left without a row), and a refused request stored nothing. XSS
payloads typed by a source or a reviewer are then rendered where they end up: the
dashboard, the follow-up page and every export format.

The app is the real one in this process (real SQLite or PostgreSQL, real encryption);
slow clients and raw malformed HTTP go to a real gunicorn (tests/reliability/harness).
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import socket
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import Engine, func, select

import crypto
from portal import accounts, create_app, db, documents, intake, keyring
from portal.auth import totp
from portal.backup import referenced_blob_ids
from portal.models import Entry, Report
from tests.conftest import configured_redis_url, drop_database, new_database_url
from tests.reliability.harness import (
    FAST_KDF,
    Instance,
    Server,
    codename_of,
    multipart,
    record_figures,
)

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# What must never reach a page unescaped.
LIVE_MARKUP = ("<script>alert", "<img src=x", "<svg/onload", 'href="javascript:',
               "href='javascript:", "<iframe", "<a href=\"javascript")
XSS = {
    "account": "<script>alert('account')</script>",
    "when": '"><img src=x onerror=alert(1)>',
    "place": "<svg/onload=alert('place')>",
    "un_when": "</textarea><script>alert('unwhen')</script>",
    "perpetrator_details": "<a href=\"javascript:alert('p')\">click</a> {{7*7}} ${7*7}",
    "contact_how": "'-alert(1)-'<iframe src=//evil.example>",
}


@dataclass
class World:
    """The installation the catalog attacks, and its visitors."""

    app: Flask
    source: FlaskClient
    codename: str
    report_id: str
    file_blob: str
    reviewer: FlaskClient
    admin: FlaskClient
    identity: crypto.Identity
    reviewer_account: int
    results: dict[str, bool] = field(default_factory=dict)

    def client(self) -> FlaskClient:
        """A fresh anonymous visitor."""
        return self.app.test_client()


def _token(client: FlaskClient, path: str) -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def _staff(app: Flask, name: str, *, admin: bool, reviewer: bool) -> tuple[Any, str, str, str]:
    password = f"pw {secrets.token_hex(8)} horse"
    passphrase = f"key {secrets.token_hex(8)} staple"
    secret = totp.new_secret()
    with app.app_context():
        session = db.get_session()
        issued = accounts.create_account(session, app.config["SECRET_KEY"], name, admin=admin,
                                         reviewer=reviewer, enrol_hours=1)
        account = issued.account
        account.totp_sealed = keyring.seal_totp_secret(secret, app.config["SECRET_KEY"])
        key = accounts.KeyChoice("browser", passphrase=passphrase) if reviewer else None
        accounts.complete_enrolment(session, app.config, account, password=password,
                                    totp_step=0, key=key)
        session.commit()
        return account.id, password, secret, passphrase


def _login(app: Flask, name: str, password: str, secret: str, passphrase: str | None
           ) -> FlaskClient:
    client = app.test_client()
    response = client.post("/staff/login", data={
        "csrf_token": _token(client, "/staff/login"), "username": name, "password": password,
        "code": totp.code_at(secret, totp.current_step())})
    assert response.status_code == 303
    if passphrase is not None:
        response = client.post("/staff/unlock", data={
            "csrf_token": _token(client, "/staff/unlock"), "passphrase": passphrase})
        assert response.status_code == 303
    return client


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, _postgres_admin: Engine | None,
          ) -> Iterator[World]:
    """A report full of XSS with a file, a reviewer (unlocked), an admin, a source."""
    root = tmp_path_factory.mktemp("hostile")
    url, schema = new_database_url(_postgres_admin, root / "portal.db")
    settings: dict[str, Any] = {
        "secret_key": secrets.token_urlsafe(40), "database_url": url,
        "blob_dir": str(root / "blobs"), "testing": True, **FAST_KDF,
        "max_report_bytes": 8 * 1024 * 1024, "max_file_bytes": 4 * 1024 * 1024,
        "ratelimit_submit_session": "10000/hour", "ratelimit_login_session": "10000/minute",
        "ratelimit_codename": "10000/hour",
    }
    if configured_redis_url():
        settings["redis_url"] = configured_redis_url()
    app = create_app(settings)
    identity = crypto.X25519Identity(secrets.token_bytes(32))
    with app.app_context():
        db.create_all(app)
        intake.add_reviewer(db.get_session(), identity.recipient().to_string())
    reviewer_id, password, secret, passphrase = _staff(app, "rita", admin=False, reviewer=True)
    admin_id, admin_password, admin_secret, _ = _staff(app, "adam", admin=True, reviewer=False)
    source = app.test_client()
    response = source.post("/submit", data={
        "csrf_token": _token(source, "/submit"), **XSS,
        "consent_ohchr": "yes", "consent_public": "anonymized", "consent_urgent": "yes",
        "consent_contact": "yes",
        "files": [(io.BytesIO(b"evidence <script>alert('file')</script>\n"),
                   "<img src=x onerror=alert(1)>.txt")]},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    codename = codename_of(response.get_data(as_text=True))
    assert codename
    source.post("/followup", data={"csrf_token": _token(source, "/followup"),
                                   "codename": codename})
    with app.app_context():
        session = db.get_session()
        report_id = session.scalars(select(Report.id)).one()
        file_blob = session.scalars(select(Entry.blob_id).where(Entry.kind == "file")).one()
    reviewer = _login(app, "rita", password, secret, passphrase)
    admin = _login(app, "adam", admin_password, admin_secret, None)
    found = World(app, source, codename, report_id, file_blob, reviewer, admin, identity,
                  reviewer_id)
    yield found
    record_figures("hostile", {"tried": len(found.results),
                               "passed": sum(found.results.values())})
    drop_database(_postgres_admin, schema)


# ---------------------------------------------------------------------------- checks


def _state(app: Flask) -> tuple[int, int, frozenset[str]]:
    with app.app_context():
        session = db.get_session()
        reports = session.scalar(select(func.count()).select_from(Report)) or 0
        entries = session.scalar(select(func.count()).select_from(Entry)) or 0
    return reports, entries, frozenset(app.extensions["portal_blobs"].all_ids())


def _consistent(app: Flask) -> list[str]:
    store = app.extensions["portal_blobs"]
    problems = []
    tmp = store.root / ".tmp"
    if tmp.is_dir() and any(tmp.iterdir()):
        problems.append("temporary blob files left")
    with app.app_context():
        referenced = referenced_blob_ids(db.get_session().connection())
    on_disk = store.all_ids()
    if on_disk - referenced:
        problems.append("unreferenced blobs")
    if referenced - on_disk:
        problems.append("rows without blobs")
    return problems


def _html_safe(response: Any) -> None:
    if response.mimetype == "text/html":
        lowered = response.get_data(as_text=True).lower()
        for live in LIVE_MARKUP:
            assert live not in lowered, f"unescaped {live!r} in a page"


def refused(response: Any, *codes: int) -> None:
    """The answer is one of `codes` (a 4xx), a page of ours, safe to show."""
    assert response.status_code in codes, (response.status_code, codes)
    _html_safe(response)


# ---------------------------------------------------------------------------- catalog

Case = Callable[[World], None]
CATALOG: dict[str, tuple[Case, bool]] = {}  # name -> (case, stores something)


def case(name: str, stores: bool = False) -> Callable[[Case], Case]:
    """Add a case to the catalog (`stores`: a successful case may add rows)."""

    def add(function: Case) -> Case:
        if name in CATALOG:
            raise ValueError(name)
        CATALOG[name] = (function, stores)
        return function

    return add


def _escaped_in(html: str, payload: str) -> bool:
    escaped = (payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    variants = {escaped, escaped.replace('"', "&#34;").replace("'", "&#39;"),
                escaped.replace('"', "&quot;").replace("'", "&#x27;")}
    return any(v in html for v in variants)


# XSS typed by the source, shown to the reviewer.
for _field, _payload in XSS.items():
    def _xss_in_dashboard(world: World, payload: str = _payload) -> None:
        page = world.reviewer.get(f"/staff/review/r/{world.report_id}")
        assert page.status_code == 200
        _html_safe(page)
        assert _escaped_in(page.get_data(as_text=True), payload), "payload not shown escaped"

    case(f"xss-{_field}-dashboard-report")(_xss_in_dashboard)


@case("xss-filename-dashboard-report")
def _xss_filename(world: World) -> None:
    page = world.reviewer.get(f"/staff/review/r/{world.report_id}")
    _html_safe(page)
    assert "onerror=alert(1)&gt;" not in page.get_data(as_text=True) or \
        "<img src=x" not in page.get_data(as_text=True)


@case("xss-filename-download-header")
def _xss_download(world: World) -> None:
    response = world.reviewer.get(f"/staff/review/r/{world.report_id}/file/{world.file_blob}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "<" not in disposition and "onerror" not in disposition
    assert response.mimetype == "application/octet-stream"
    assert "sandbox" in response.headers["Content-Security-Policy"]


@case("xss-inbox-page")
def _xss_inbox(world: World) -> None:
    page = world.reviewer.get("/staff/review/inbox?tags=1")
    assert page.status_code == 200
    _html_safe(page)


@case("xss-reviewer-note", stores=True)
def _xss_note(world: World) -> None:
    payload = "<script>alert('note')</script>"
    token = _token(world.reviewer, f"/staff/review/r/{world.report_id}")
    response = world.reviewer.post(f"/staff/review/r/{world.report_id}/note",
                                   data={"csrf_token": token, "text": payload})
    assert response.status_code in (200, 303)
    page = world.reviewer.get(f"/staff/review/r/{world.report_id}")
    _html_safe(page)
    assert _escaped_in(page.get_data(as_text=True), payload)


@case("xss-reviewer-tags", stores=True)
def _xss_tags(world: World) -> None:
    payload = "<svg/onload=alert('tag')>"
    token = _token(world.reviewer, f"/staff/review/r/{world.report_id}")
    response = world.reviewer.post(f"/staff/review/r/{world.report_id}/tags",
                                   data={"csrf_token": token, "tags": payload})
    assert response.status_code in (200, 303, 400)
    for path in (f"/staff/review/r/{world.report_id}", "/staff/review/inbox?tags=1"):
        _html_safe(world.reviewer.get(path))


@case("xss-reply-on-followup-page", stores=True)
def _xss_reply(world: World) -> None:
    payload = "<script>alert('reply')</script><img src=x onerror=alert(2)>"
    token = _token(world.reviewer, f"/staff/review/r/{world.report_id}")
    response = world.reviewer.post(f"/staff/review/r/{world.report_id}/reply",
                                   data={"csrf_token": token, "text": payload})
    assert response.status_code in (200, 303)
    page = world.source.get("/followup/report")
    assert page.status_code == 200
    _html_safe(page)
    assert _escaped_in(page.get_data(as_text=True), "<script>alert('reply')</script>")


@case("xss-addition-on-dashboard", stores=True)
def _xss_addition(world: World) -> None:
    payload = "<script>alert('addition')</script>"
    response = world.source.post("/followup/add", data={
        "csrf_token": _token(world.source, "/followup/report"), "text": payload},
        content_type="multipart/form-data")
    assert response.status_code == 200
    _html_safe(response)
    page = world.reviewer.get(f"/staff/review/r/{world.report_id}")
    _html_safe(page)
    assert _escaped_in(page.get_data(as_text=True), payload)


@case("xss-review-zip-export")
def _xss_zip(world: World) -> None:
    response = world.reviewer.get(f"/staff/review/r/{world.report_id}/export")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert all(re.fullmatch(r"\d{3}-[a-z]+\.age|README\.txt|manifest\.json", n)
                   for n in names), names
        json.loads(archive.read("manifest.json"))


def _summary(world: World) -> tuple[dict[str, Any], Any]:
    from portal.cases import build, consent, record

    store = world.app.extensions["portal_blobs"]
    with world.app.app_context():
        report = db.get_session().get(Report, world.report_id)
        main = next(e for e in report.entries if e.kind == "report")
        document = documents.decode(store.decrypt(main.blob_id, [world.identity]))
    fields, originals = record.prefill([document])
    given = consent.from_report(document["consent"])
    identity = build.new_identity(originals, ["r"])
    summary = build.new_summary(fields, given)
    build.rebuild(identity, summary, b"k" * 32)
    return summary, given


def _export(world: World, fmt: str) -> bytes:
    from portal.export import service

    summary, given = _summary(world)
    prepared = service.prepare(secrets.token_hex(16), summary, given, fmt, "publication", "en",
                               b"k" * 32)
    if not prepared.ok:
        # The gate may hold a case back; then nothing is rendered, which is safe too.
        return b""
    return bytes(prepared.data)


@case("xss-export-json")
def _xss_json(world: World) -> None:
    data = _export(world, "json")
    if data:
        # Markup stays a JSON string (data); the file is served as application/json.
        json.loads(data.decode("utf-8-sig"))


@case("xss-export-csv-formula")
def _xss_csv(world: World) -> None:
    data = _export(world, "csv")
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell[:40]


@case("xss-export-uwazi")
def _xss_uwazi(world: World) -> None:
    data = _export(world, "uwazi")
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        for cell in row:
            assert cell[:1] not in ("=", "+", "@"), cell[:40]


@case("xss-export-markdown")
def _xss_md(world: World) -> None:
    text = _export(world, "md").decode("utf-8-sig").lower()
    for live in ("<script", "<img", "<svg", "<iframe", "](javascript:"):
        assert live not in text, live


@case("xss-export-pdf")
def _xss_pdf(world: World) -> None:
    data = _export(world, "pdf")
    if data:
        assert data.startswith(b"%PDF")
        for active in (b"/JavaScript", b"/JS", b"/Launch", b"/AA", b"javascript:"):
            assert active not in data, active


# SQL injection.
@case("sqli-codename-login")
def _sqli_codename(world: World) -> None:
    client = world.client()
    refused(client.post("/followup", data={"csrf_token": _token(client, "/followup"),
                                           "codename": "' OR '1'='1' --"}), 401)


@case("sqli-staff-username")
def _sqli_username(world: World) -> None:
    client = world.client()
    refused(client.post("/staff/login", data={
        "csrf_token": _token(client, "/staff/login"), "username": "rita' --",
        "password": "x' OR 1=1 --", "code": "000000"}), 401, 400)


@case("sqli-inbox-filters")
def _sqli_filters(world: World) -> None:
    response = world.reviewer.get("/staff/review/inbox?status=' OR 1=1 --&assignee=1 OR 1=1"
                                  "&after=1.2020-01-01.x' OR '1'='1")
    assert response.status_code == 200  # unknown filters are ignored, never run
    _html_safe(response)


@case("sqli-report-id")
def _sqli_report(world: World) -> None:
    refused(world.reviewer.get("/staff/review/r/1' OR '1'='1"), 404)


@case("sqli-blob-id")
def _sqli_blob(world: World) -> None:
    refused(world.reviewer.get(f"/staff/review/r/{world.report_id}/file/x' OR 1=1"), 404)


# Header injection.
@case("header-crlf-next")
def _crlf_next(world: World) -> None:
    response = world.reviewer.get("/staff/unlock?next=/staff/%0d%0aSet-Cookie:%20evil=1")
    assert response.status_code in (200, 303, 400)
    assert "evil" not in response.headers.get("Set-Cookie", "")
    assert "\n" not in response.headers.get("Location", "")


@case("header-host-evil")
def _host(world: World) -> None:
    client = world.client()
    response = client.get("/followup/report", headers={"Host": "evil.example"})
    location = response.headers.get("Location", "")
    assert "evil.example" not in location
    assert response.status_code in (303, 400)


@case("header-forwarded-host")
def _forwarded_host(world: World) -> None:
    response = world.client().get("/exit", headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 303
    assert "evil.example" not in response.headers["Location"]


@case("header-crlf-in-field", stores=True)
def _crlf_field(world: World) -> None:
    client = world.client()
    response = client.post("/submit", data={"csrf_token": _token(client, "/submit"),
                                            "account": "a\r\nSet-Cookie: evil=1\r\n\r\nbody"},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "evil" not in response.headers.get("Set-Cookie", "")


# Path traversal and Unicode tricks in filenames.
HOSTILE_NAMES = {
    "dotdot": "../../../../etc/passwd.txt",
    "backslash": "..\\..\\windows\\win.ini.txt",
    "rtl-override": "photo\u202egnp.exe.txt",
    "absolute": "/etc/shadow.txt",
    "encoded": "%2e%2e%2f%2e%2e%2fportal.db.txt",
    "long": ("a" * 5000) + ".txt",
    "zero-width": "re\u200bport\ufeff.txt",
    "fullwidth-dots": "\uff0e\uff0e\uff0fescape.txt",
    "newline": "name\r\nContent-Type: text/html.txt",
}
for _label, _name in HOSTILE_NAMES.items():
    def _filename(world: World, name: str = _name) -> None:
        client = world.client()
        before = set(Path(world.app.config["BLOB_DIR"]).parent.rglob("*"))
        response = client.post("/submit", data={
            "csrf_token": _token(client, "/submit"), "account": "file name test",
            "files": [(io.BytesIO(b"plain words\n"), name)]},
            content_type="multipart/form-data")
        assert response.status_code in (200, 400)
        _html_safe(response)
        after = set(Path(world.app.config["BLOB_DIR"]).parent.rglob("*"))
        for path in after - before:
            assert path.is_relative_to(world.app.config["BLOB_DIR"]), path
            assert "passwd" not in path.name and "escape" not in path.name
        if response.status_code == 200:
            listed = re.findall(r"<li[^>]*>(.*?)</li>", response.get_data(as_text=True), re.S)
            assert not any("\u202e" in item or "../" in item for item in listed)

    case(f"filename-{_label}", stores=True)(_filename)


@case("traversal-static")
def _static(world: World) -> None:
    for path in ("/static/../portal.toml", "/static/..%2f..%2fpyproject.toml",
                 "/static/%2e%2e/%2e%2e/etc/passwd"):
        response = world.client().get(path)
        assert response.status_code == 404, path


@case("traversal-blob-id")
def _blob_traversal(world: World) -> None:
    refused(world.reviewer.get(f"/staff/review/r/{world.report_id}/file/..%2f..%2fportal.db"),
            404)


# Huge and deeply nested form data.
@case("huge-account")
def _huge_account(world: World) -> None:
    client = world.client()
    refused(client.post("/submit", data={"csrf_token": _token(client, "/submit"),
                                         "account": "x" * 50_001},
                        content_type="multipart/form-data"), 400)


@case("huge-field-over-form-memory")
def _huge_field(world: World) -> None:
    client = world.client()
    body, content_type = multipart({"csrf_token": _token(client, "/submit"),
                                    "account": "y" * (3 * 1024 * 1024)})
    refused(client.post("/submit", data=body, content_type=content_type), 413)


@case("huge-many-parts")
def _many_parts(world: World) -> None:
    client = world.client()
    fields: dict[str, str | list[str]] = {"csrf_token": _token(client, "/submit"),
                                          "account": "x", "junk": ["j"] * 5000}
    body, content_type = multipart(fields)
    refused(client.post("/submit", data=body, content_type=content_type), 413, 400)


@case("huge-body-over-limit")
def _huge_body(world: World) -> None:
    client = world.client()
    body, content_type = multipart({"csrf_token": _token(client, "/submit"), "account": "x"},
                                   [("big.txt", b"z" * (9 * 1024 * 1024))])
    refused(client.post("/submit", data=body, content_type=content_type), 413)


@case("huge-too-many-files")
def _too_many_files(world: World) -> None:
    client = world.client()
    body, content_type = multipart({"csrf_token": _token(client, "/submit"), "account": "x"},
                                   [(f"{n}.txt", b"f\n") for n in range(21)])
    refused(client.post("/submit", data=body, content_type=content_type), 400)


@case("nested-field-names")
def _nested(world: World) -> None:
    client = world.client()
    name = "a" + "[b]" * 5000
    body, content_type = multipart({"csrf_token": _token(client, "/submit"), name: "x"})
    refused(client.post("/submit", data=body, content_type=content_type), 400)


@case("repeated-account-field", stores=True)
def _repeated(world: World) -> None:
    client = world.client()
    body, content_type = multipart({"csrf_token": _token(client, "/submit"),
                                    "account": ["first", "second"] * 200})
    response = client.post("/submit", data=body, content_type=content_type)
    assert response.status_code == 200


@case("huge-codename")
def _huge_codename(world: World) -> None:
    client = world.client()
    refused(client.post("/followup", data={"csrf_token": _token(client, "/followup"),
                                           "codename": "word " * 10_000}), 400)


# Malformed multipart.
MALFORMED = {
    "no-boundary": (b"--x\r\nContent-Disposition: form-data; name=\"account\"\r\n\r\nx\r\n--x--",
                    "multipart/form-data"),
    "wrong-boundary": (b"--y\r\nContent-Disposition: form-data; name=\"account\"\r\n\r\nx\r\n"
                       b"--y--\r\n", "multipart/form-data; boundary=x"),
    "unterminated": (b"--x\r\nContent-Disposition: form-data; name=\"account\"\r\n\r\nx",
                     "multipart/form-data; boundary=x"),
    "garbage": (bytes(range(256)) * 40, "multipart/form-data; boundary=x"),
    "no-disposition": (b"--x\r\nContent-Type: text/plain\r\n\r\nx\r\n--x--\r\n",
                       "multipart/form-data; boundary=x"),
    "bad-header-line": (b"--x\r\nContent-Disposition form-data name=account\r\n\r\nx\r\n--x--\r\n",
                        "multipart/form-data; boundary=x"),
    "huge-boundary": (b"--" + b"b" * 5000 + b"\r\n\r\n", "multipart/form-data; boundary="
                      + "b" * 5000),
}
for _label, (_body, _type) in MALFORMED.items():
    def _malformed(world: World, body: bytes = _body, content_type: str = _type) -> None:
        client = world.client()
        client.get("/submit")
        refused(client.post("/submit", data=body, content_type=content_type), 400, 413)

    case(f"multipart-{_label}")(_malformed)


@case("content-encoding-gzip-bomb")
def _gzip_body(world: World) -> None:
    client = world.client()
    body, content_type = multipart({"csrf_token": _token(client, "/submit"),
                                    "account": "z" * 1000})
    bomb = zlib.compress(body + b"\0" * (50 * 1024 * 1024), 9)
    response = client.post("/submit", data=bomb, content_type=content_type,
                           headers={"Content-Encoding": "gzip"})
    refused(response, 400, 415)


# Decompression bombs and malformed files.
def _png_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (40_000, 40_000)).save(out, "PNG")
    return out.getvalue()


def _zip_bomb_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w>" + b" " * (300 * 1024 * 1024) + b"</w>")
    return out.getvalue()


def _truncated_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 300), "red").save(out, "JPEG")
    return out.getvalue()[:700]


def _broken_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nxref\n0 99999999\ntrailer\n"


def _bad_crc_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w>hello</w>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    data = bytearray(out.getvalue())
    data[data.index(b"<w>hello")] ^= 0xFF
    return bytes(data)


def _xml_bomb_docx() -> bytes:
    lol = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)
    ) + "]><w>&j;</w>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", lol)
    return out.getvalue()


HOSTILE_FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "png-decompression-bomb": (_png_bomb, "bomb.png"),
    "docx-zip-bomb": (_zip_bomb_docx, "bomb.docx"),
    "docx-billion-laughs": (_xml_bomb_docx, "laughs.docx"),
    "truncated-jpeg": (_truncated_jpeg, "cut.jpg"),
    "broken-pdf": (_broken_pdf, "broken.pdf"),
    "zip-bad-crc": (_bad_crc_zip, "crc.docx"),
    "pdf-named-jpeg": (_broken_pdf, "photo.jpg"),
}
for _label, (_make, _name) in HOSTILE_FILES.items():
    def _hostile_file(world: World, make: Callable[[], bytes] = _make, name: str = _name) -> None:
        client = world.client()
        before = _state(world.app)
        response = client.post("/submit", data={
            "csrf_token": _token(client, "/submit"), "account": "hostile file",
            "files": [(io.BytesIO(make()), name)]}, content_type="multipart/form-data")
        # Refused with a reason beside the field, or kept encrypted and marked unscrubbed.
        assert response.status_code in (200, 400), response.status_code
        _html_safe(response)
        if response.status_code == 400:
            assert _state(world.app) == before

    case(f"file-{_label}", stores=True)(_hostile_file)


# Forged, missing and replayed CSRF tokens on every form.
CSRF_ENDPOINTS = {
    "submit": ("public", "/submit"),
    "followup-login": ("public", "/followup"),
    "followup-add": ("source", "/followup/add"),
    "followup-consent": ("source", "/followup/consent"),
    "followup-delete": ("source", "/followup/delete"),
    "followup-logout": ("source", "/followup/logout"),
    "staff-login": ("public", "/staff/login"),
    "staff-unlock": ("reviewer", "/staff/unlock"),
    "review-triage": ("reviewer", "/staff/review/r/{report}/triage"),
    "review-note": ("reviewer", "/staff/review/r/{report}/note"),
    "review-reply": ("reviewer", "/staff/review/r/{report}/reply"),
    "review-delete": ("reviewer", "/staff/review/r/{report}/delete"),
    "admin-accounts": ("admin", "/staff/admin/accounts"),
}


def _who(world: World, kind: str) -> FlaskClient:
    return {"public": world.client(), "source": world.source, "reviewer": world.reviewer,
            "admin": world.admin}[kind]


for _label, (_kind, _path) in CSRF_ENDPOINTS.items():
    def _forged(world: World, kind: str = _kind, path: str = _path) -> None:
        client = _who(world, kind)
        target = path.format(report=world.report_id)
        before = _state(world.app)
        refused(client.post(target, data={"csrf_token": "forged." + secrets.token_hex(20),
                                          "account": "x", "text": "x", "confirm": "y",
                                          "username": "u", "password": "p", "code": "1"}),
                400)
        assert _state(world.app) == before

    case(f"csrf-forged-{_label}")(_forged)


@case("csrf-missing-review-delete")
def _missing(world: World) -> None:
    before = _state(world.app)
    refused(world.reviewer.post(f"/staff/review/r/{world.report_id}/delete",
                                data={"confirm": "y"}), 400)
    assert _state(world.app) == before


@case("csrf-replayed-from-other-session")
def _replayed(world: World) -> None:
    stolen = _token(world.client(), "/submit")  # a token of another browser session
    victim = world.client()
    victim.get("/submit")
    before = _state(world.app)
    refused(victim.post("/submit", data={"csrf_token": stolen, "account": "x"},
                        content_type="multipart/form-data"), 400)
    assert _state(world.app) == before


@case("csrf-staff-token-on-delete-of-source")
def _cross_side(world: World) -> None:
    token = _token(world.reviewer, "/staff/login")
    before = _state(world.app)
    refused(world.source.post("/followup/delete", data={"csrf_token": token, "confirm": "y"}),
            400)
    assert _state(world.app) == before


# Session fixation.
@case("session-fixation-staff-cookie")
def _fixation(world: World) -> None:
    client = world.client()
    chosen = "A" * 43
    client.set_cookie("portal_staff", chosen)
    response = client.get("/staff/review/inbox")
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/login")
    other = world.client()
    other.set_cookie("portal_staff", chosen)
    assert other.get("/staff/review/inbox").status_code == 303


@case("session-forged-public-cookie")
def _forged_session(world: World) -> None:
    client = world.client()
    client.set_cookie("portal_session", "eyJyZXBvcnQiOiJ4In0.forged.signature")
    response = client.get("/followup/report")
    assert response.status_code == 303


@case("session-tampered-staff-cookie")
def _tampered(world: World) -> None:
    (value,) = [c.value for c in world.reviewer._cookies.values() if c.key == "portal_staff"]
    flipped = ("B" if value[0] != "B" else "C") + value[1:]
    twin = world.client()
    twin.set_cookie("portal_staff", flipped)
    response = twin.get("/staff/review/inbox")
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/login")


# Open redirects.
for _label, _target in {"absolute": "https://evil.example/", "scheme-relative": "//evil.example",
                        "backslash": "/\\evil.example", "no-slash": "https:evil.example"}.items():
    def _open_redirect(world: World, target: str = _target) -> None:
        response = world.reviewer.get(f"/staff/unlock?next={target}")
        assert response.status_code in (200, 303)
        if response.status_code == 200:
            html = response.get_data(as_text=True)
            assert "evil.example" not in html or _escaped_in(html, target)
        location = response.headers.get("Location", "")
        assert "evil.example" not in location

    case(f"open-redirect-{_label}")(_open_redirect)


@case("open-redirect-quick-exit")
def _exit(world: World) -> None:
    response = world.client().get("/exit?next=https://evil.example/")
    assert response.status_code == 303
    assert response.headers["Location"] == world.app.config["PORTAL_QUICK_EXIT_URL"]


# Role escalation by URL.
@case("role-reviewer-to-admin")
def _reviewer_admin(world: World) -> None:
    token = _token(world.reviewer, "/staff/login")
    refused(world.reviewer.get("/staff/admin/"), 403)
    refused(world.reviewer.post("/staff/admin/accounts", data={
        "csrf_token": token, "username": "mallory", "admin": "y"}), 403)


@case("role-admin-to-reports")
def _admin_reports(world: World) -> None:
    refused(world.admin.get(f"/staff/review/r/{world.report_id}"), 403)
    refused(world.admin.get(f"/staff/review/r/{world.report_id}/file/{world.file_blob}"), 403)


@case("role-source-to-dashboard")
def _source_dashboard(world: World) -> None:
    for path in ("/staff/review/inbox", f"/staff/review/r/{world.report_id}", "/staff/admin/"):
        response = world.source.get(path)
        assert response.status_code == 303 and response.headers["Location"].endswith(
            "/staff/login")


@case("role-reviewer-revokes-account")
def _reviewer_revoke(world: World) -> None:
    token = _token(world.reviewer, "/staff/login")
    refused(world.reviewer.post(f"/staff/admin/accounts/{world.reviewer_account}/revoke",
                                data={"csrf_token": token}), 403)


@case("role-anonymous-audit")
def _anonymous_audit(world: World) -> None:
    response = world.client().get("/staff/admin/audit")
    assert response.status_code == 303


# Methods and bytes that are not text.
@case("method-put-submit")
def _put(world: World) -> None:
    refused(world.client().put("/submit", data="x"), 405)


@case("method-delete-report")
def _delete_method(world: World) -> None:
    refused(world.reviewer.delete(f"/staff/review/r/{world.report_id}"), 405)


@case("method-trace")
def _trace(world: World) -> None:
    refused(world.client().open("/", method="TRACE"), 405)


@case("invalid-utf8-field")
def _bad_utf8(world: World) -> None:
    client = world.client()
    boundary = "b" + secrets.token_hex(6)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{_token(client, '/submit')}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            "name=\"account\"\r\n\r\n").encode() + b"\xff\xfe\xc0\xaf bad" + \
        f"\r\n--{boundary}--\r\n".encode()
    refused(client.post("/submit", data=body,
                        content_type=f"multipart/form-data; boundary={boundary}"), 400)


@case("nul-in-codename")
def _nul(world: World) -> None:
    client = world.client()
    refused(client.post("/followup", data={"csrf_token": _token(client, "/followup"),
                                           "codename": "abc\x00def"}), 400)


@case("forged-choice-value")
def _forged_choice(world: World) -> None:
    client = world.client()
    refused(client.post("/submit", data={"csrf_token": _token(client, "/submit"),
                                         "account": "x", "region": "../../etc",
                                         "reprisals": ["detention", "<script>"]},
                        content_type="multipart/form-data"), 400)


@case("bidi-and-combining-in-account", stores=True)
def _bidi(world: World) -> None:
    client = world.client()
    response = client.post("/submit", data={
        "csrf_token": _token(client, "/submit"),
        "account": "\u202e\u0301" * 1000 + "Z\u0351\u0352\u0353" * 2000},
        content_type="multipart/form-data")
    assert response.status_code == 200


# ---------------------------------------------------------------------------- raw HTTP


@pytest.fixture(scope="module")
def http_server(new_instance: Callable[..., Instance],
                serve: Callable[[Instance], Server]) -> Server:
    """A real gunicorn for what only raw sockets can do."""
    return serve(new_instance("hostile-http", staff=0))


# The raw cases come from their own loopback address, which no log may then contain.
RAW_ADDRESS = f"127.{secrets.randbelow(200) + 20}.{secrets.randbelow(200) + 20}.9"


def _raw(port: int, data: bytes, read: bool = True) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30,
                                  source_address=(RAW_ADDRESS, 0)) as sock:
        sock.sendall(data)
        if not read:
            return b""
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


RAW_CASES = {
    "request-line-injection": b"GET /\r\nHost: x HTTP/1.1\r\n\r\n",
    "huge-header": b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 20000 + b"\r\n\r\n",
    "many-headers": b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: a\r\n" * 500 + b"\r\n",
    "lying-content-length": b"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/"
                            b"form-data; boundary=x\r\nContent-Length: 5\r\n\r\n--x\r\nContent-"
                            b"Disposition: form-data; name=\"account\"\r\n\r\nx\r\n--x--\r\n",
    "smuggling-cl-te": b"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n"
                       b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
    "bad-chunk-size": b"POST /submit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                      b"Content-Type: multipart/form-data; boundary=x\r\n\r\n"
                      b"zz\r\nabc\r\n0\r\n\r\n",
}


def _status(raw: bytes) -> int:
    match = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(match.group(1)) if match else 0


@pytest.mark.parametrize("label", sorted(RAW_CASES))
def test_raw_http(label: str, http_server: Server, world: World) -> None:
    answer = _raw(http_server.port, RAW_CASES[label])
    status = _status(answer)
    passed = 400 <= status < 500 or status == 0  # a 4xx, or the connection closed
    world.results[f"raw-{label}"] = passed
    assert passed, answer[:200]
    assert b"Traceback" not in answer
    ok = _raw(http_server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert _status(ok) == 200


def test_invalid_requests_leave_no_client_address_in_logs(http_server: Server,
                                                         world: World) -> None:
    for data in RAW_CASES.values():
        _raw(http_server.port, data)
    log = http_server.instance.log_file.read_text(errors="replace")
    passed = RAW_ADDRESS not in log and "Traceback" not in log
    world.results["raw-no-address-in-log"] = passed
    assert RAW_ADDRESS not in log
    assert "Traceback" not in log


def test_slow_clients_do_not_stop_others(http_server: Server, world: World) -> None:
    """Two slowloris connections (a header byte at a time) while a source submits."""
    port = http_server.port
    slow = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(2)]
    try:
        for sock in slow:
            sock.sendall(b"POST /submit HTTP/1.1\r\nHost: x\r\n")
        from tests.reliability.harness import Browser

        browser = Browser(port)
        response = browser.post("/submit", {"account": "sent while slow clients hang on"})
        for sock in slow:
            sock.sendall(b"X-Slow: 1\r\n")
        browser.close()
    finally:
        for sock in slow:
            sock.close()
    world.results["slow-clients"] = response.status == 200
    assert response.status == 200
    assert codename_of(response.text)


def test_slow_upload_completes(http_server: Server, world: World) -> None:
    """A body trickling in (a Tor circuit) is received whole or not at all."""
    from tests.reliability.harness import Browser

    browser = Browser(http_server.port)
    token = browser.token("/submit")
    browser.close()
    body, content_type = multipart({"csrf_token": token, "account": "slow upload"},
                                   [("slow.txt", b"slowly\n" * 20_000)])
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    with socket.create_connection(("127.0.0.1", http_server.port), timeout=60) as sock:
        sock.sendall(f"POST /submit HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n"
                     f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                     "Connection: close\r\n\r\n".encode())
        for start in range(0, len(body), 16384):
            sock.sendall(body[start:start + 16384])
            time.sleep(0.02)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    passed = _status(answer) == 200 and b'class="codename"' in answer
    world.results["slow-upload"] = passed
    assert passed


# ---------------------------------------------------------------------------- the runner


@pytest.mark.parametrize("name", list(CATALOG))
def test_hostile_case(name: str, world: World) -> None:
    function, stores = CATALOG[name]
    before = _state(world.app)
    world.results[name] = False
    try:
        function(world)
    except AssertionError:
        raise
    problems = _consistent(world.app)
    assert problems == [], problems
    if not stores:
        assert _state(world.app) == before, "a refused request stored something"
    world.results[name] = True


def test_catalog_is_large_enough() -> None:
    assert len(CATALOG) + len(RAW_CASES) + 3 >= 60
