"""A real browser (headless Chromium, JavaScript off): login + TOTP + unlock + read a report."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.review.conftest import Staff, fresh_code, submit_report

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on a loopback port, in a thread, for the browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_login_totp_unlock_and_read_a_report(app: Flask, reviewer: Staff, live_server: str) -> None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("needs chromium (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    submit_report(app.test_client(), account="Detained after meeting the Special Rapporteur <b>")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            page.goto(f"{live_server}/staff/review/inbox")
            assert page.url.endswith("/staff/login")
            page.fill("#username", reviewer.username)
            page.fill("#password", reviewer.password)
            page.fill("#code", fresh_code(app, reviewer))
            page.click("button[type=submit]")
            assert page.url.endswith("/staff/review/inbox")
            page.click("text=Unlock my key")
            page.fill("#passphrase", reviewer.passphrase)
            page.click("main button[type=submit]")
            assert page.url.endswith("/staff/review/inbox")
            page.click("table.inbox a")
            text = page.inner_text("pre.account-text")
            assert text == "Detained after meeting the Special Rapporteur <b>"
            assert page.locator("pre.account-text b").count() == 0
            page.click("text=Log out")
            assert page.url.endswith("/staff/login")
            page.goto(f"{live_server}/staff/review/inbox")
            assert page.url.endswith("/staff/login")
        finally:
            browser.close()
