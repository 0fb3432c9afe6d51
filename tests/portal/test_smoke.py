"""The app starts, serves its pages and refuses bad configuration."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_home_page_is_served_without_a_cookie(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Quick exit" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
