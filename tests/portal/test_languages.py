"""Languages: explicit switch without JavaScript, never guessed from headers."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

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
