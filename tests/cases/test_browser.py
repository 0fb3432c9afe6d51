"""A real browser with JavaScript off: tick reports in the inbox, build a case, press
"Create a case" on a report, tick cases and ask for one export bundle."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask

from tests.cases.conftest import Staff, store_report
from tests.cases.reports import CHINESE, ENGLISH
from tests.cases.test_workflow import SISTER
from tests.review.conftest import fresh_code
from tests.review.test_browser import CHROMIUM, CHROMIUM_ARGS, live_server  # noqa: F401

pytestmark = pytest.mark.browser


def test_cases_and_a_bundle_without_javascript(app: Flask, reviewer: Staff,
                                                live_server: str) -> None:  # noqa: F811
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("needs chromium (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    first = store_report(app, ENGLISH.document)
    second = store_report(app, SISTER)
    third = store_report(app, CHINESE.document)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto(f"{live_server}/staff/login")
            page.fill("#username", reviewer.username)
            page.fill("#password", reviewer.password)
            page.fill("#code", fresh_code(app, reviewer))
            page.click("button[type=submit]")
            page.click("text=Unlock my key")
            page.fill("#passphrase", reviewer.passphrase)
            page.click("main button[type=submit]")
            # Inbox: tick two reports, one case.
            page.goto(f"{live_server}/staff/review/inbox")
            page.check(f"input[name=report][value='{first}']")
            page.check(f"input[name=report][value='{second}']")
            page.click("text=Create a case from the ticked reports")
            assert "/staff/cases/new?" in page.url
            page.click("text=Create the case")
            assert "/staff/cases/c/" in page.url
            assert "Consent in force: Anonymized" in page.inner_text("main")
            two_reports = page.url.rsplit("/", 1)[1]
            # A report page: one press.
            page.goto(f"{live_server}/staff/review/r/{third}")
            page.click("text=Create a case from this report")
            assert "/staff/cases/c/" in page.url
            one_report = page.url.rsplit("/", 1)[1]
            assert one_report != two_reports
            # The case list: tick both, one bundle, the gate, a request for approval.
            page.goto(f"{live_server}/staff/cases/")
            page.check(f"input[name=case][value='{two_reports}']")
            page.check(f"input[name=case][value='{one_report}']")
            page.click("text=Export the ticked cases in one bundle")
            assert "Export 2 cases in one bundle" in page.inner_text("h1")
            page.select_option("#format", "md")
            page.fill("#recipient_body", "OHCHR")
            page.click("text=Check and ask for approval")
            text = page.inner_text("main")
            assert "/staff/cases/x/" in page.url, text[:2000]
            assert "Another reviewer must approve" in text
            assert f"case-{two_reports[:12]}" in text and f"case-{one_report[:12]}" in text
        finally:
            browser.close()
