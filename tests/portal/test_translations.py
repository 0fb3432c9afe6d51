"""Every catalog is complete for the public side: a half-translated page is an
opsec risk (an English sentence on a Tibetan page stands out over a shoulder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "portal" / "translations"
LANGUAGES = ["zh_Hans", "zh_Hant", "bo", "ug"]

# What a source can see: public templates, error pages, the public views and forms,
# the choices, and the scrubbing labels shown on the confirmation page.
PUBLIC_SOURCES = [
    ("portal/public/**.py", "python"),
    ("portal/vocabulary.py", "python"),
    ("portal/security.py", "python"),
    ("portal/attachments.py", "python"),
    ("portal/scrub/labels.py", "python"),
    ("templates/base.html", "jinja2"),
    ("templates/macros.html", "jinja2"),
    ("templates/errors/**.html", "jinja2"),
    ("templates/public/**.html", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _public_msgids() -> set[str]:
    ids: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=PUBLIC_SOURCES, keywords=KEYWORDS
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.fixture(scope="module")
def public_msgids() -> set[str]:
    ids = _public_msgids()
    assert len(ids) > 200  # the extraction itself works
    return ids


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalog_translates_every_public_message(code: str, public_msgids: set[str]) -> None:
    with (CATALOGS / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    missing = sorted(m for m in public_msgids
                     if catalog.get(m) is None or not catalog.get(m).string
                     or catalog.get(m).fuzzy)
    assert not missing, f"{code}: {len(missing)} untranslated, e.g. {missing[:3]}"
    for msgid in public_msgids:
        translated = catalog.get(msgid).string
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(translated)), (
            code, msgid)


@pytest.mark.parametrize("code", LANGUAGES)
def test_compiled_catalog_matches_its_source(code: str) -> None:
    folder = CATALOGS / code / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as f:
        source = {m.id: m.string for m in read_po(f) if m.id and m.string and not m.fuzzy}
    with (folder / "messages.mo").open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    assert compiled == source, f"run `make translations` to recompile {code}"
