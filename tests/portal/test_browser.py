"""A real browser with JavaScript disabled goes through the whole public flow.

Headless Debian Chromium driven by Playwright (``executable_path``; no browser is
downloaded). It sends a report with an attachment, reads the codename, logs in at
/followup, and sees the friendly "too large" page for an oversized upload. Every
request the browser makes is recorded: none may leave the portal's origin.
"""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from werkzeug.serving import make_server

from portal import db, intake

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
if not Path(CHROMIUM).exists():
    pytest.skip("needs chromium (Debian package chromium)", allow_module_level=True)


@pytest.fixture
def server(make_app: Any, reviewer_identity: Any) -> Iterator[tuple[str, Flask]]:
    app: Flask = make_app(max_report_bytes=3 * 1024 * 1024)
    with app.app_context():
        intake.add_reviewer(db.get_session(), reviewer_identity.recipient().to_string())
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", app
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


def _photo(path: Path) -> Path:
    image = Image.new("RGB", (64, 48), (20, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "BrowserTestCam"
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def test_whole_flow_without_javascript_stays_on_the_origin(
    server: tuple[str, Flask], tmp_path: Path, reviewer_identity: Any
) -> None:
    base, app = server
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))

            page.goto(base + "/")
            assert page.locator("a.quick-exit").is_visible()
            page.click("text=Send a report >> nth=0")
            assert page.url.startswith(base + "/submit")
            page.fill("#account", "They took my passport after Geneva. 他们没收了我的护照。")
            page.check("input[name=reprisals][value=travel_ban]")
            page.check("input[name=consent_public][value=anonymized]")
            page.set_input_files("#files", [str(_photo(tmp_path / "IMG_2041.jpg"))])
            page.click("button[type=submit]")

            assert "Your report was received" in page.content()
            words = page.locator("p.codename span").all_inner_texts()
            assert len(words) == 8
            assert "GPS location" in page.locator("ul.files").inner_text()

            page.click("text=Follow up on this report")
            page.fill("#codename", " ".join(words))
            page.click("button[type=submit]")
            assert page.url.startswith(base + "/followup/report")
            assert "Received" in page.locator("ol.status li.current").inner_text()

            # Switch language by a plain link, still no JavaScript.
            page.goto(base + "/?lang=ug")
            assert page.locator("html").get_attribute("dir") == "rtl"

            # A too-large upload gets our page, not a reset connection.
            big = tmp_path / "big.bin"
            big.write_bytes(b"\0" * (4 * 1024 * 1024))
            page.goto(base + "/submit")
            page.fill("#account", "with a big file")
            page.set_input_files("#files", [str(big)])
            page.click("button[type=submit]")
            assert "larger than this site accepts" in page.content()
            context.close()
        finally:
            browser.close()

    assert requests, "the browser made no requests"
    outside = [url for url in requests if not url.startswith(base + "/")]
    assert not outside, f"requests left the origin: {outside}"
    store = app.extensions["portal_blobs"]
    plain = b"".join(store.decrypt(blob, [reviewer_identity]) for blob in store.all_ids())
    assert "他们没收了我的护照。".encode() in plain
    assert b"BrowserTestCam" not in plain
