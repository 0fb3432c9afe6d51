"""Languages: an explicit choice in the URL (``?lang=``), never guessed from headers.

Accept-Language is a fingerprint and may reveal more than the person wants; the
language is chosen by a plain link on every page (works without JavaScript) and
carried in the URLs of the public pages, so no cookie is needed for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_babel import Babel

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    """A UI language: its code (also the catalog folder), its own name, direction."""

    code: str
    name: str
    html_lang: str
    rtl: bool = False


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "en"),
        Language("zh_Hans", "简体中文", "zh-Hans"),
        Language("zh_Hant", "繁體中文", "zh-Hant"),
        Language("bo", "བོད་ཡིག", "bo"),
        Language("ug", "ئۇيغۇرچە", "ug", rtl=True),
    )
}

babel = Babel()


def current_language() -> Language:
    """The language of this request (from ``?lang=``; English otherwise)."""
    code = g.get("lang")
    if code is None:
        requested = request.args.get("lang", DEFAULT) if request else DEFAULT
        code = requested if requested in LANGUAGES else DEFAULT
        g.lang = code
    return LANGUAGES[code]


def _locale() -> str:
    return current_language().code


def _keep_language(endpoint: str, values: dict[str, Any]) -> None:
    # Links and form actions on the public side keep the chosen language.
    if not endpoint.startswith("public."):
        return
    code = current_language().code
    if code != DEFAULT:
        values.setdefault("lang", code)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogs shipped in the package."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=_locale)
    app.url_defaults(_keep_language)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
