"""Entities the reviewer accepted, and the consistent pseudonym each one gets.

A person keeps one letter for the whole case ("Defender A" in every field and every
export; "捍卫者A" in Chinese, "捍衛者A" in a text in traditional characters), so a
reader can follow who did what without learning who it was. Places become their
region ("City in Guangdong Province") or, abroad, their country; exact dates their
month; identifiers a bracketed label.
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
    "zh_Hant": {"email": "[電子郵箱]", "phone": "[電話號碼]", "prc_id": "[身份證號]",
                "hk_id": "[身份證號]", "passport": "[護照號碼]", "url": "[網址]",
                "handle": "[社交媒體帳號]", "ip": "[IP地址]", "gps": "[座標]",
                "address": "[地址]", "place": "某地", "date": "[日期]"},
}
_PERSON["zh_Hant"] = {"defender": "捍衛者", "lawyer": "律師", "relative": "親屬",
                      "journalist": "記者", "health": "醫護人員", "person": "人士",
                      "organization": "組織"}
#: Simplified -> traditional for the characters of region names and labels above.
_TO_HANT = str.maketrans("区东广龙门宁维尔庆苏贵陕辽湾壮兰国亚萨马来时",
                         "區東廣龍門寧維爾慶蘇貴陝遼灣壯蘭國亞薩馬來時")
#: Characters that exist in only one script (frequent in reports), to tell them apart.
_HANT_ONLY = frozenset("們這說時對為會來國過後還體點車長門開關電話發經問題學與從讓認識見覺頭員險"
                       "護醫療證號碼謝處總將專業區東廣龍寧維爾慶蘇貴陝遼灣壯蘭亞議義務兒親屬記"
                       "聯絡網狀態準備現實際變應該當警察")
_HANS_ONLY = frozenset("们这说时对为会来国过后还体点车长门开关电话发经问题学与从让认识见觉头员险"
                       "护医疗证号码谢处总将专业区东广龙宁维尔庆苏贵陕辽湾壮兰亚议义务儿亲属记"
                       "联络网状态准备现实际变应该当")


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
    """"zh" (simplified) or "zh_Hant" (traditional characters) when a fifth or more of
    the letters are Han characters, else "en"."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    han = sum(1 for c in letters if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")
    if han * 5 < len(letters):
        return "en"
    traditional = sum(1 for c in letters if c in _HANT_ONLY)
    simplified = sum(1 for c in letters if c in _HANS_ONLY)
    return "zh_Hant" if traditional > simplified else "zh"


def pseudonym(entity: Entity, lang: str, original: str | None = None) -> str:
    """What replaces `entity` (or one occurrence, `original`) in a text of language `lang`."""
    lang = lang if lang in ("zh", "zh_Hant") else "en"
    chinese = lang != "en"
    if entity.kind in ("person", "organization"):
        role = "organization" if entity.kind == "organization" else (entity.role or "person")
        label = _PERSON[lang].get(role, _PERSON[lang]["person"])
        return f"{label}{entity.letter}" if chinese else f"{label} {entity.letter}"
    if entity.kind == "date":
        coarse = dates.coarsen_dates(original or entity.text)
        return coarse if coarse != (original or entity.text) else _LABELS[lang]["date"]
    if entity.kind == "place":
        region = places.R.get(entity.region)
        if region is not None:
            where = "某区" if entity.region in ("hong_kong", "macao") else "某市"
            zh = region.zh + where
            if lang == "zh_Hant":
                return zh.translate(_TO_HANT)
            if chinese:
                return zh
            if entity.region in ("hong_kong", "macao"):
                return f"a district of {region.en}"
            return f"a city in {region.en}"
        return _LABELS[lang]["place"]
    return _LABELS[lang].get(entity.kind, "[…]")


def all_pseudonyms(entities: list[Entity]) -> set[str]:
    """Every person/organization pseudonym of the case, in both languages."""
    return {pseudonym(e, lang) for e in entities if e.kind in ("person", "organization")
            for lang in ("en", "zh", "zh_Hant")}
