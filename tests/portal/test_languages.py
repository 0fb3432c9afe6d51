"""Languages: explicit switch without JavaScript, never guessed from headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.config import SHIPPED_LANGUAGES
from portal.i18n import LANGUAGES
from tests.portal.conftest import post_form


@pytest.mark.parametrize(
    ("code", "phrase", "direction"),
    [
        ("zh_Hans", "发送报告", "ltr"),
        ("zh_Hant", "發送報告", "ltr"),
        ("bo", "སྙན་ཞུ", "ltr"),
        ("ug", "دوكلات", "rtl"),
    ],
)
def test_each_language_renders_translated_with_its_direction(
    client: FlaskClient, code: str, phrase: str, direction: str
) -> None:
    for path in ("/", "/safety", "/submit", "/followup"):
        html = client.get(f"{path}?lang={code}").get_data(as_text=True)
        assert f'dir="{direction}"' in html
        assert "Quick exit" not in html, (code, path)
    assert phrase in client.get(f"/?lang={code}").get_data(as_text=True)


def test_accept_language_is_ignored(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in html


def test_the_language_is_kept_in_links_and_form_actions(client: FlaskClient) -> None:
    html = client.get("/submit?lang=ug").get_data(as_text=True)
    assert 'action="/submit?lang=ug"' in html
    assert 'href="/safety?lang=ug"' in html


def test_an_unknown_language_falls_back_to_english(client: FlaskClient) -> None:
    assert 'lang="en"' in client.get("/?lang=xx").get_data(as_text=True)


def test_validation_messages_are_translated(client: FlaskClient) -> None:
    response = post_form(client, "/submit?lang=zh_Hans", {"account": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "this is the one required field" not in html


# --- PORTAL_LANGUAGES: the installation's subset of the shipped languages -------------

def _switch(html: str) -> str:
    """The public language switch of a page."""
    start = html.index('<nav class="languages"')
    return html[start:html.index("</nav>", start)]


def test_the_switch_offers_only_the_configured_languages(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(languages="en,zh_Hans").test_client()
    for path in ("/", "/submit?lang=zh_Hans", "/followup"):
        switch = _switch(client.get(path).get_data(as_text=True))
        assert "English" in switch and "简体中文" in switch, path
        for name in ("繁體中文", "བོད་ཡིག", "ئۇيغۇرچە", "?lang=bo", "?lang=ug", "?lang=zh_Hant"):
            assert name not in switch, (path, name)
    assert "发送报告" in client.get("/?lang=zh_Hans").get_data(as_text=True)


@pytest.mark.parametrize("asked", ["bo", "ug", "zh_Hant", "xx"])
def test_a_language_not_configured_falls_back_to_the_default(
    make_app: Callable[..., Flask], asked: str,
) -> None:
    client = make_app(languages="en,zh_Hans").test_client()
    for path in ("/", "/submit", "/safety"):
        html = client.get(f"{path}?lang={asked}").get_data(as_text=True)
        assert '<html lang="en" dir="ltr">' in html, (path, asked)
        assert "Quick exit" in html
        assert f"lang={asked}" not in html  # links do not carry it on


def test_the_first_configured_language_is_the_default(make_app: Callable[..., Flask]) -> None:
    client = make_app(languages=["zh_Hans", "en"]).test_client()
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-Hans"' in html and "发送报告" in html
    assert 'href="/submit"' in html  # the default needs no ?lang=
    assert 'href="/?lang=en"' in _switch(html)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in english and 'href="/submit?lang=en"' in english
    assert '<html lang="zh-Hans"' in client.get("/?lang=bo").get_data(as_text=True)


def test_staff_pages_offer_only_configured_languages(make_app: Callable[..., Flask]) -> None:
    client = make_app(languages="en,bo").test_client()
    html = client.get("/staff/login").get_data(as_text=True)
    switch = _switch(html)
    assert "English" in switch
    assert "简体中文" not in switch and "繁體中文" not in switch
    assert '<html lang="en"' in client.get("/staff/login?lang=zh_Hans").get_data(as_text=True)


def test_every_shipped_language_is_offered_by_default(client: FlaskClient) -> None:
    switch = _switch(client.get("/").get_data(as_text=True))
    for code in SHIPPED_LANGUAGES:
        assert LANGUAGES[code].name in switch
    assert list(LANGUAGES) == list(SHIPPED_LANGUAGES)  # config and i18n agree
