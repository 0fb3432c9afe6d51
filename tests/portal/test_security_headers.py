"""Tor-friendly by construction: headers, cookies, no external resources, quick exit."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

PUBLIC_PAGES = ["/", "/safety", "/submit", "/followup"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_strict_headers_on_every_public_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Server" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_pages_are_small_and_load_nothing_from_elsewhere(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    assert "<script" not in html and " style=" not in html
    for url in re.findall(r'(?:src|href|action)="([^"]+)"', html):
        assert not re.match(r"^(https?:)?//", url), url
    css = client.get("/static/portal.css")
    assert len(html.encode()) + len(css.data) < 100_000
    css.close()


@pytest.mark.parametrize("path", ["/", "/safety", "/?lang=zh_Hans", "/safety?lang=ug"])
def test_no_cookie_until_a_form_is_started(client: FlaskClient, path: str) -> None:
    assert "Set-Cookie" not in client.get(path).headers


def test_form_cookie_is_httponly_samesite_strict_and_secure_over_https(
    client: FlaskClient,
) -> None:
    cookie = client.get("/submit").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain HTTP, as an onion service is
    client.delete_cookie("portal_session")
    secure = client.get("/submit", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in secure
    assert "Expires" not in secure  # a browser-session cookie only


def test_onion_location_header_from_config(make_app: object) -> None:
    app = make_app(onion_location="http://exampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion")  # type: ignore[operator]
    client = app.test_client()
    response = client.get("/safety", base_url="https://portal.example.org")
    assert response.headers["Onion-Location"].endswith(".onion/safety")


def test_quick_exit_without_javascript_leaves_and_forgets(client: FlaskClient) -> None:
    client.get("/submit")
    response = client.get("/exit")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.wikipedia.org/"
    assert "cookies" in response.headers["Clear-Site-Data"]
    assert "portal_session=;" in response.headers["Set-Cookie"]
    assert 'href="/exit"' in client.get("/").get_data(as_text=True)


def test_config_is_not_reachable_from_templates(app: Flask) -> None:
    assert "config" not in app.jinja_env.globals


def test_error_pages_leak_nothing(client: FlaskClient) -> None:
    response = client.get("/../../etc/passwd")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Traceback" not in html and "werkzeug" not in html.lower()
