"""Apply accepted entities to a text: replacements, the changes made, a diff preview."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from portal.anonymize.pseudonyms import Entity, language_of, pseudonym


@dataclass(frozen=True)
class Change:
    """One replacement, in the original text's coordinates."""

    start: int
    end: int
    original: str
    replacement: str
    entity_id: str


@dataclass(frozen=True)
class Segment:
    """A piece of the side-by-side preview: unchanged text, or a change."""

    original: str
    replacement: str
    changed: bool
    entity_id: str = ""


@dataclass(frozen=True)
class Result:
    """An anonymized text and how it was made."""

    text: str
    changes: list[Change]

    def segments(self, original: str) -> list[Segment]:
        """The original split into unchanged pieces and marked changes."""
        parts: list[Segment] = []
        last = 0
        for change in self.changes:
            if change.start > last:
                parts.append(Segment(original[last:change.start], original[last:change.start],
                                     False))
            parts.append(Segment(change.original, change.replacement, True, change.entity_id))
            last = change.end
        if last < len(original):
            parts.append(Segment(original[last:], original[last:], False))
        return parts


#: Role words that the pseudonym already says: "lawyer Wang" becomes "Lawyer A",
#: not "lawyer Lawyer A".
_ROLE_WORDS = {
    "lawyer": ("human rights lawyer", "lawyer", "人权律师", "维权律师", "人權律師", "律师", "律師"),
    "journalist": ("journalist", "reporter", "记者", "記者"),
    "health": ("doctor", "nurse", "medic", "医生", "护士", "醫生", "護士"),
    "defender": ("human rights defender", "activist", "defender", "人权捍卫者", "维权人士",
                 "活动人士", "捍卫者"),
}


def _absorb_role(text: str, start: int, entity: Entity) -> int:
    """Where the replacement should start, swallowing a role word just before it."""
    if entity.kind != "person":
        return start
    for word in _ROLE_WORDS.get(entity.role, ()):
        if word.isascii():
            before = text[max(0, start - len(word) - 1):start]
            if before.lower() == word + " " and (start - len(before) == 0
                                                 or not text[start - len(before) - 1].isalnum()):
                return start - len(before)
        elif text[max(0, start - len(word)):start] == word:
            return start - len(word)
    return start


def _absorb_role_after(text: str, end: int, entity: Entity) -> int:
    """Where the replacement should end, swallowing a Chinese role word after it."""
    if entity.kind != "person":
        return end
    for word in _ROLE_WORDS.get(entity.role, ()):
        if not word.isascii() and text[end:end + len(word)] == word:
            return end + len(word)
    return end


@functools.lru_cache(maxsize=256)
def _patterns(forms: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Alternations of the Latin forms (ASCII word boundaries, any case) and the others.

    ASCII boundaries: a Chinese character right before a phone number is a boundary.
    """
    latin = [re.escape(f) for f in forms if f.isascii()]
    other = [re.escape(f) for f in forms if not f.isascii()]
    return (re.compile(rf"(?<![A-Za-z0-9_])(?:{'|'.join(latin)})(?![A-Za-z0-9_])", re.I)
            if latin else None,
            re.compile("|".join(other)) if other else None)


def anonymize(text: str, entities: list[Entity], lang: str | None = None,
              keep: frozenset[str] = frozenset()) -> Result:
    """Replace every form of every accepted entity (except ids in `keep`) in `text`.

    Longer forms win over shorter ones that overlap them, so "Wang Quanzhang" is
    replaced whole before "Wang" could be.
    """
    lang = lang or language_of(text)
    by_form: dict[str, Entity] = {}
    for entity in entities:
        if not entity.accepted or entity.id in keep:
            continue
        for form in entity.forms():
            by_form.setdefault(form.casefold(), entity)
    forms = tuple(sorted(by_form, key=lambda f: (-len(f), f)))
    candidates: list[tuple[int, int, Entity]] = []
    for pattern in _patterns(forms) if forms else ():
        if pattern is not None:
            candidates += [(m.start(), m.end(), by_form[m.group(0).casefold()])
                           for m in pattern.finditer(text)]
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    chosen: list[tuple[int, int, Entity]] = []
    for start, end, entity in candidates:
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, entity))
    chosen.sort(key=lambda c: c[0])
    out: list[str] = []
    changes: list[Change] = []
    last = 0
    for index, (start, end, entity) in enumerate(chosen):
        start = max(last, _absorb_role(text, start, entity))
        following = chosen[index + 1][0] if index + 1 < len(chosen) else len(text)
        end = min(following, _absorb_role_after(text, end, entity))
        original = text[start:end]
        replacement = pseudonym(entity, lang, original)
        out.append(text[last:start])
        out.append(replacement)
        changes.append(Change(start, end, original, replacement, entity.id))
        last = end
    out.append(text[last:])
    return Result("".join(out), changes)
