"""Languages: an explicit choice in the URL (``?lang=``), never guessed from headers.

Accept-Language is a fingerprint and may reveal more than the person wants; the
language is chosen by a plain link on every page (works without JavaScript) and
carried in the URLs of the public pages, so no cookie is needed for it.

``PORTAL_LANGUAGES`` (portal.config) picks which of the shipped languages an
installation offers, in order; the first is the default. A ``?lang=`` naming any
other language is ignored, like an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
#: The default when PORTAL_LANGUAGES is not set (then every shipped language is offered).
DEFAULT = "en"
_OFFERED = "portal_languages"


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


def offered() -> dict[str, Language]:
    """The languages this installation offers, the default first."""
    languages: dict[str, Language] = current_app.extensions[_OFFERED]
    return languages


def default_language() -> str:
    """The code of the language shown when none (or one not offered) is asked for."""
    return next(iter(offered()))


def current_language() -> Language:
    """The language of this request (from ``?lang=`` if offered; the default otherwise)."""
    code = g.get("lang")
    if code is None:
        languages = offered()
        requested = request.args.get("lang", "") if has_request_context() else ""
        code = requested if requested in languages else default_language()
        g.lang = code
    return LANGUAGES[code]


def _locale() -> str:
    return current_language().code


def _keep_language(endpoint: str, values: dict[str, Any]) -> None:
    # Links and form actions on the public side keep the chosen language.
    if not endpoint.startswith("public."):
        return
    code = current_language().code
    if code != default_language():
        values.setdefault("lang", code)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogs shipped in the package and the offered
    languages (``PORTAL_LANGUAGES``, already checked by portal.config)."""
    codes = app.config.get("PORTAL_LANGUAGES") or tuple(LANGUAGES)
    languages = {code: LANGUAGES[code] for code in codes}
    app.extensions[_OFFERED] = languages
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", next(iter(languages)))
    babel.init_app(app, locale_selector=_locale)
    app.url_defaults(_keep_language)
    app.jinja_env.globals["current_language"] = current_language
    # The language switch lists only what is offered.
    app.jinja_env.globals["LANGUAGES"] = languages
