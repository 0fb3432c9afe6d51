"""Disk full and read-only storage: a submission fails with a clear "try again later"
page (503), nothing is half-stored, and the portal recovers when space returns.

The blob store (and, in the second test, the SQLite database) lives on a 4 MiB
tmpfs mounted for the test; that needs root, so the tests skip with that reason
otherwise. The app is the real one, in this process.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

import crypto
from portal import create_app, db, documents, intake
from portal.codename import KdfParams
from portal.models import Report
from tests.conftest import using_postgresql
from tests.reliability.harness import FAST_KDF, TOKEN, codename_of, multipart, record_figures

MiB = 1024 * 1024
RESULTS: dict[str, bool] = {}


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "4m") -> Iterator[Path]:
    """Mount a small tmpfs at `path` for the duration (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (disk-full and read-only tests)")
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                              str(path)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def remount(path: Path, mode: str) -> None:
    """Make a mounted tmpfs read-only ("ro") or writable again ("rw")."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True)


def fill(path: Path, leave: int = 0) -> None:
    """Write zeros into `path` until the disk is full, then free `leave` bytes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        block = b"\0" * 4096
        while True:
            try:
                os.write(fd, block)
            except OSError:
                break
        if leave:
            os.ftruncate(fd, max(0, os.lseek(fd, 0, os.SEEK_CUR) - leave))
    finally:
        os.close(fd)


def _app(tmp_path: Path, blob_dir: Path, database_url: str) -> tuple[Flask, crypto.Identity]:
    app = create_app({"secret_key": secrets.token_urlsafe(40), "database_url": database_url,
                      "blob_dir": str(blob_dir), "testing": True, **FAST_KDF,
                      "ratelimit_enabled": False})
    identity = crypto.X25519Identity(secrets.token_bytes(32))
    with app.app_context():
        db.create_all(app)
        intake.add_reviewer(db.get_session(), identity.recipient().to_string())
    return app, identity


def _submit(client: FlaskClient, account: str, attachment: bytes | None = None) -> Any:
    page = client.get("/submit").get_data(as_text=True)
    match = TOKEN.search(page)
    assert match
    # Encoded by hand: the test client would spool a big body to a temporary file.
    body, content_type = multipart({"csrf_token": match.group(1), "account": account},
                                   [("evidence.txt", attachment)] if attachment else [])
    return client.post("/submit", data=body, content_type=content_type)


def _reports(app: Flask) -> int:
    with app.app_context():
        return db.get_session().scalar(select(func.count()).select_from(Report)) or 0


def _leftovers(app: Flask) -> list[str]:
    store = app.extensions["portal_blobs"]
    tmp = store.root / ".tmp"
    found = [p.name for p in tmp.iterdir()] if tmp.is_dir() else []
    with app.app_context():
        from portal.backup import referenced_blob_ids

        referenced = referenced_blob_ids(db.get_session().connection())
    found += sorted(store.all_ids() - referenced)
    return found


def _readable(app: Flask, identity: crypto.Identity, codename: str, account: str) -> bool:
    with app.app_context():
        report, _tag, _seed = intake.find_report(
            db.get_session(), codename,
            KdfParams(memory_kib=FAST_KDF["kdf_memory_kib"],
                      iterations=FAST_KDF["kdf_iterations"]))
        if report is None:
            return False
        main = report.entries[0]
        document = documents.decode(app.extensions["portal_blobs"].decrypt(main.blob_id,
                                                                           [identity]))
    return document.get("account") == account


def _refused_cleanly(app: Flask, response: Any, reports_before: int) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503, response.status_code
    assert "try again later" in html
    assert "Traceback" not in html
    assert _reports(app) == reports_before
    assert _leftovers(app) == []


def test_blob_disk_full_then_read_only_then_recovery(tmp_path: Path, database_url: str) -> None:
    with small_tmpfs(tmp_path / "blobs") as blobs:
        app, identity = _app(tmp_path, blobs, database_url)
        client = app.test_client()
        first = _submit(client, "before the disk filled up", b"small file\n")
        assert first.status_code == 200

        # Fill the disk to the brim, leaving less than the next attachment needs.
        filler = blobs / "filler"
        fill(filler, leave=512 * 1024)
        before = _reports(app)
        full = _submit(client, "while the disk is full", b"x" * MiB)
        _refused_cleanly(app, full, before)
        RESULTS["disk-full"] = True

        # Space returns: the portal works again, without a restart.
        filler.unlink()
        account = "after space returned"
        again = _submit(client, account, b"y" * MiB)
        assert again.status_code == 200
        assert _readable(app, identity, codename_of(again.get_data(as_text=True)), account)
        RESULTS["recovered-after-full"] = True

        remount(blobs, "ro")
        try:
            before = _reports(app)
            readonly = _submit(client, "while storage is read-only", b"z\n")
            _refused_cleanly(app, readonly, before)
            RESULTS["read-only"] = True
        finally:
            remount(blobs, "rw")
        account = "after storage became writable"
        back = _submit(client, account)
        assert back.status_code == 200
        assert _readable(app, identity, codename_of(back.get_data(as_text=True)), account)
        RESULTS["recovered-after-read-only"] = True


def test_database_disk_full_then_recovery(tmp_path: Path) -> None:
    if using_postgresql():
        pytest.skip("fills the disk under an SQLite database; this run uses PostgreSQL")
    with small_tmpfs(tmp_path / "dbdisk", size="2m") as disk:
        app, identity = _app(tmp_path, tmp_path / "blobs", f"sqlite:///{disk / 'portal.db'}")
        client = app.test_client()
        assert _submit(client, "before").status_code == 200
        filler = disk / "filler"
        fill(filler)
        before = _reports(app)
        # Long text makes the rows and journal need more pages than are left.
        refused = None
        for _ in range(5):
            response = _submit(client, "database full " + secrets.token_hex(20000))
            if response.status_code != 200:
                refused = response
                break
        assert refused is not None, "the full disk never refused a submission"
        assert refused.status_code == 503
        assert "try again later" in refused.get_data(as_text=True)
        assert _leftovers(app) == []
        RESULTS["database-full"] = True
        filler.unlink()
        account = "database has space again"
        response = _submit(client, account)
        assert response.status_code == 200
        assert _readable(app, identity, codename_of(response.get_data(as_text=True)), account)
        assert _reports(app) >= before + 1
        RESULTS["recovered-after-database-full"] = True


def teardown_module() -> None:
    """Figures for `make reliability`."""
    record_figures("storage", {"tried": 6, "passed": sum(RESULTS.values())})
