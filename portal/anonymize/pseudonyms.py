"""Entities the reviewer accepted, and the consistent pseudonym each one gets.

A person keeps one letter for the whole case ("Defender A" in every field and every
export; "捍卫者A" in Chinese), so a reader can follow who did what without learning
who it was. Places become their region ("City in Guangdong Province"), exact dates
their month, and identifiers a bracketed label.
"""

from __future__ import annotations

import string
from dataclasses import asdict, dataclass, field
from typing import Any

from portal.anonymize import dates, places

ROLES = ("defender", "lawyer", "relative", "journalist", "health", "person")

_PERSON = {
    "en": {"defender": "Defender", "lawyer": "Lawyer", "relative": "Relative",
           "journalist": "Journalist", "health": "Health worker", "person": "Person",
           "organization": "Organization"},
    "zh": {"defender": "捍卫者", "lawyer": "律师", "relative": "亲属", "journalist": "记者",
           "health": "医护人员", "person": "人士", "organization": "组织"},
}
_LABELS = {
    "en": {"email": "[email address]", "phone": "[phone number]", "prc_id": "[ID number]",
           "hk_id": "[ID number]", "passport": "[passport number]", "url": "[web address]",
           "handle": "[social media account]", "ip": "[IP address]", "gps": "[coordinates]",
           "address": "[address]", "place": "a place", "date": "[date]"},
    "zh": {"email": "[电子邮箱]", "phone": "[电话号码]", "prc_id": "[身份证号]",
           "hk_id": "[身份证号]", "passport": "[护照号码]", "url": "[网址]",
           "handle": "[社交媒体账号]", "ip": "[IP地址]", "gps": "[坐标]", "address": "[地址]",
           "place": "某地", "date": "[日期]"},
}


@dataclass
class Entity:
    """Something identifying in a case, and what the reviewer decided about it."""

    id: str
    kind: str
    text: str
    variants: list[str] = field(default_factory=list)
    role: str = ""
    letter: str = ""
    region: str = ""
    #: "accepted", "pending" (suggested, not yet looked at: replaced, to be safe) or
    #: "rejected" (not identifying: stays as written).
    decision: str = "accepted"
    source: str = "detector"  # detector, reviewer, given (identity tier)

    @property
    def accepted(self) -> bool:
        """True when the entity is replaced in the summary (pending ones are, to be safe)."""
        return self.decision != "rejected"

    def forms(self) -> list[str]:
        """Every spelling to replace: the text and its variants, longest first."""
        return sorted({f for f in [self.text, *self.variants] if f.strip()}, key=len, reverse=True)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (stored in the identity tier)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        """Rebuild from :meth:`to_dict` output, ignoring unknown keys."""
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def next_letter(used: set[str]) -> str:
    """The first free letter (A..Z, then AA, AB...)."""
    alphabet = string.ascii_uppercase
    candidates = list(alphabet) + [a + b for a in alphabet for b in alphabet]
    for letter in candidates:
        if letter not in used:
            return letter
    raise ValueError("too many pseudonyms in one case")


def assign_letters(entities: list[Entity]) -> None:
    """Give every person and organization without a letter the next free one."""
    used = {e.letter for e in entities if e.letter}
    for entity in entities:
        if entity.kind in ("person", "organization") and not entity.letter:
            entity.letter = next_letter(used)
            used.add(entity.letter)


def language_of(text: str) -> str:
    """"zh" when a fifth or more of the letters are Han characters, else "en"."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    han = sum(1 for c in letters if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")
    return "zh" if han * 5 >= len(letters) else "en"


def pseudonym(entity: Entity, lang: str, original: str | None = None) -> str:
    """What replaces `entity` (or one occurrence, `original`) in a text of language `lang`."""
    lang = "zh" if lang == "zh" else "en"
    if entity.kind in ("person", "organization"):
        role = "organization" if entity.kind == "organization" else (entity.role or "person")
        label = _PERSON[lang].get(role, _PERSON[lang]["person"])
        return f"{label}{entity.letter}" if lang == "zh" else f"{label} {entity.letter}"
    if entity.kind == "date":
        coarse = dates.coarsen_dates(original or entity.text)
        return coarse if coarse != (original or entity.text) else _LABELS[lang]["date"]
    if entity.kind == "place":
        region = places.R.get(entity.region)
        if region is not None and entity.region in ("hong_kong", "macao"):
            return f"{region.zh}某区" if lang == "zh" else f"a district of {region.en}"
        if region is not None:
            return f"{region.zh}某市" if lang == "zh" else f"a city in {region.en}"
        return _LABELS[lang]["place"]
    return _LABELS[lang].get(entity.kind, "[…]")


def all_pseudonyms(entities: list[Entity]) -> set[str]:
    """Every person/organization pseudonym of the case, in both languages."""
    return {pseudonym(e, lang) for e in entities if e.kind in ("person", "organization")
            for lang in ("en", "zh")}
