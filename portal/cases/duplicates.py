"""Possible duplicates: keyed HMACs of normalized identifiers.

Families and several NGOs often report the same defender. Each case stores
HMAC-SHA256 (under the organization's secret) of its people's normalized ID numbers,
names in Chinese characters, names in pinyin (computed with pypinyin from the
characters, every reading of the surname) and Latin names (word order ignored). Two
cases sharing a digest are "possibly the same person", found without decrypting
either. Without the secret the digests cannot be tested against guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from pypinyin import Style, lazy_pinyin, pinyin
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.cases.models import CaseIdentifier

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SEPARATORS = re.compile(r"[\s\-\u00b7\u30fb.()（）]+")


def normalize_id_number(text: str) -> str:
    """ID and passport numbers: NFKC, upper case, no spaces, dashes or brackets."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


def normalize_han(text: str) -> str:
    """A name in Chinese characters: NFKC, Han characters only."""
    return "".join(_HAN.findall(unicodedata.normalize("NFKC", text)))


def normalize_latin(text: str) -> str:
    """A Latin-script name: accents dropped, lower case, words sorted (order varies)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z]+", ascii_only)
    return " ".join(sorted(words))


def pinyin_forms(han: str) -> set[str]:
    """Latin forms of a Chinese name: every reading of the surname, the given name's usual."""
    if not han:
        return set()
    surname_readings = pinyin(han[0], style=Style.NORMAL, heteronym=True)[0]
    given = "".join(lazy_pinyin(han[1:], style=Style.NORMAL))
    forms = set()
    for reading in surname_readings[:4]:
        forms.add(normalize_latin(f"{reading} {given}"))
    return {f for f in forms if f}


def identifiers(people: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
    """(kind, normalized value) of everything that can identify the people of a case."""
    found: set[tuple[str, str]] = set()
    for person in people:
        name = str(person.get("name") or "")
        han = normalize_han(name)
        if len(han) >= 2:
            found.add(("name_zh", han))
            found.update(("name_latin", form) for form in pinyin_forms(han))
        latin = normalize_latin(str(person.get("name_latin") or "") or
                                ("" if han else name))
        if len(latin) >= 4:
            found.add(("name_latin", latin))
        for number in re.split(r"[,;，；\n]+", str(person.get("id_numbers") or "")):
            value = normalize_id_number(number)
            if len(value) >= 6:
                found.add(("id_number", value))
    return found


def people_of(identity: dict[str, Any]) -> list[dict[str, Any]]:
    """Everyone an identity tier can say is in the case: the people the owner entered,
    the entities accepted as people (every spelling), and every ID or passport number
    the detectors found that was not rejected. So a case made from a report can be
    matched at once, before anyone types its people in."""
    people = [p for p in identity.get("people") or [] if isinstance(p, dict)]
    for entity in identity.get("entities") or []:
        kind, decision = entity.get("kind"), entity.get("decision")
        forms = [str(f) for f in [entity.get("text"), *(entity.get("variants") or [])] if f]
        if kind == "person" and decision == "accepted":
            people += [{"name": form} for form in forms]
        elif kind in ("prc_id", "hk_id", "passport") and decision != "rejected":
            people += [{"id_numbers": form} for form in forms]
    return people


def digest(key: bytes, kind: str, value: str) -> str:
    """The stored HMAC of one identifier (the kind is part of the message)."""
    return hmac.new(key, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()


def replace(session: Session, key: bytes, case_id: str, people: Iterable[dict[str, Any]]) -> None:
    """Store a case's identifier digests (replacing earlier ones; caller commits)."""
    session.execute(delete(CaseIdentifier).where(CaseIdentifier.case_id == case_id))
    for kind, value in sorted(identifiers(people)):
        session.add(CaseIdentifier(case_id=case_id, kind=kind, digest=digest(key, kind, value)))


def possible_duplicates(session: Session, case_id: str) -> dict[str, list[str]]:
    """Other cases sharing an identifier digest: case id -> kinds shared."""
    mine = select(CaseIdentifier.digest).where(CaseIdentifier.case_id == case_id)
    rows = session.execute(
        select(CaseIdentifier.case_id, CaseIdentifier.kind)
        .where(CaseIdentifier.digest.in_(mine), CaseIdentifier.case_id != case_id)
        .order_by(CaseIdentifier.case_id))
    result: dict[str, list[str]] = {}
    for other, group in itertools.groupby(rows, key=lambda r: r.case_id):
        result[other] = sorted({r.kind for r in group})
    return result
