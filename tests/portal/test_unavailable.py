"""Out of resources (here: file descriptors, so the child process that scrubs an
attachment cannot be started) gets the "try again later" page, and nothing is stored."""

from __future__ import annotations

import io
import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from portal import db
from portal.models import Report
from tests.portal.conftest import csrf_token, submit_report


@contextmanager
def _no_spare_file_descriptors() -> Iterator[None]:
    """Lower this process's descriptor limit to what is open now (a real EMFILE)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (len(os.listdir("/proc/self/fd")), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _reports(app: Flask) -> int:
    with app.app_context():
        return db.get_session().scalar(select(func.count()).select_from(Report)) or 0


def test_no_file_descriptors_left_answers_503_and_stores_nothing(
        app: Flask, client: FlaskClient) -> None:
    # What a running worker has already loaded: the error page's template.
    assert client.get("/no-such-page").status_code == 404
    token = csrf_token(client, "/submit")
    body = {"csrf_token": token, "account": "They came at night.",
            "files": [(io.BytesIO(_photo()), "photo.jpg")]}
    with _no_spare_file_descriptors():
        response = client.post("/submit", data=body, content_type="multipart/form-data")
    assert response.status_code == 503, response.status_code
    assert response.headers["Retry-After"] == "600"
    assert "Traceback" not in response.get_data(as_text=True)
    assert _reports(app) == 0
    # The portal recovers as soon as descriptors are free again.
    submit_report(client, files=[(_photo(), "photo.jpg")])
    assert _reports(app) == 1
