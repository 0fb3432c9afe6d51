"""Building the summary tier from the identity tier: anonymize, coarsen, fingerprint.

Pure functions on the two tier documents (dicts), so that tests and the benchmark
exercise exactly what the web views and the CLI do.
"""

from __future__ import annotations

import uuid
from typing import Any

from portal import anonymize as an
from portal.anonymize import fingerprints, places
from portal.cases import record, richtext
from portal.cases.consent import NAMED, Consent

SUMMARY_KIND = "case_summary"
IDENTITY_KIND = "case_identity"
PERSON_ROLES = an.ROLES


def new_identity(originals: dict[str, str], report_ids: list[str],
                 fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """An identity-tier document; exact dates from `fields` are kept here (the summary
    gets them coarsened)."""
    exact = {name: list((fields or {}).get(name) or []) for name in record.DATE_FIELDS}
    return {"kind": IDENTITY_KIND, "people": [], "organizations": [],
            "originals": {name: originals.get(name, "") for name in record.TEXT_FIELDS},
            "exact_dates": exact, "follow_ups": [], "entities": [], "report_ids": report_ids,
            "notes": ""}


def new_summary(fields: dict[str, Any], consent: Consent) -> dict[str, Any]:
    """A summary-tier document (its text fields are filled by :func:`rebuild`)."""
    fields = record.clean(fields)
    fields["consent_naming"] = consent.naming
    fields["consent_contact"] = "Yes" if consent.contact else "No"
    return {"kind": SUMMARY_KIND, "record": fields, "follow_ups": [],
            "consent": consent.to_dict(), "guard": {}, "pseudonyms": [], "hand_edited": [],
            "revision": 0}


def entities_of(identity: dict[str, Any]) -> list[an.Entity]:
    """The identity tier's entities (given people first, letters assigned)."""
    entities = [an.Entity.from_dict(e) for e in identity.get("entities") or []]
    an.assign_letters(entities)
    return entities


def given_entities(identity: dict[str, Any]) -> None:
    """Make sure every person and organization the defender gave is an entity."""
    entities = [an.Entity.from_dict(e) for e in identity.get("entities") or []]
    by_text = {e.text.casefold(): e for e in entities}
    for person in identity.get("people") or []:
        forms = [str(person.get("name") or "").strip(), str(person.get("name_latin") or "").strip()]
        forms = [f for f in forms if f]
        if not forms:
            continue
        role = person.get("role") if person.get("role") in PERSON_ROLES else "person"
        entity = next((by_text[f.casefold()] for f in forms if f.casefold() in by_text), None)
        if entity is None:
            entity = an.Entity(id=uuid.uuid4().hex[:12], kind="person", text=forms[0],
                               role=role, source="given")
            entities.append(entity)
            by_text[entity.text.casefold()] = entity
        entity.decision = "accepted"
        entity.role = role
        entity.source = "given"
        # Every form the defender gave, whichever one the detectors found first.
        entity.variants = sorted({*entity.variants, *forms, *_latin_variants(forms)}
                                 - {entity.text})
    for name in identity.get("organizations") or []:
        name = str(name).strip()
        if name and name.casefold() not in by_text:
            entity = an.Entity(id=uuid.uuid4().hex[:12], kind="organization", text=name,
                               source="given")
            entities.append(entity)
            by_text[name.casefold()] = entity
    an.assign_letters(entities)
    identity["entities"] = [e.to_dict() for e in entities]


def _latin_variants(forms: list[str]) -> set[str]:
    """Pinyin spellings of a Chinese name: both word orders."""
    from pypinyin import lazy_pinyin

    from portal.cases.duplicates import normalize_han

    variants: set[str] = set()
    for form in forms:
        han = normalize_han(form)
        if len(han) >= 2:
            syllables = lazy_pinyin(han)
            surname, given = syllables[0].capitalize(), "".join(syllables[1:]).capitalize()
            variants |= {f"{surname} {given}", f"{given} {surname}"}
    return variants


def suggest(identity: dict[str, Any], extra_texts: list[str] = ()) -> list[an.Entity]:
    """Run the detectors over every original text; new hits become pending entities.

    Returns the new entities (also appended to the identity document).
    """
    given_entities(identity)
    entities = [an.Entity.from_dict(e) for e in identity["entities"]]
    known = {form.casefold() for e in entities for form in e.forms()}
    names = [(form, e.kind) for e in entities if e.kind in ("person", "organization")
             for form in e.forms()]
    texts = [*identity["originals"].values(), *(f.get("text", "") for f in
                                                identity.get("follow_ups") or []), *extra_texts]
    new: list[an.Entity] = []
    for text in texts:
        plain = richtext.to_plain(text) if "<" in text else text
        for span in an.detect(plain, known=names):
            if span.text.casefold() in known:
                continue
            known.add(span.text.casefold())
            entity = an.Entity(
                id=uuid.uuid4().hex[:12], kind=span.kind, text=span.text,
                role=(span.hint if span.hint in PERSON_ROLES else "person")
                if span.kind == "person" else "",
                region=span.hint if span.kind == "place" else "",
                decision="pending", source="detector")
            new.append(entity)
    entities += new
    an.assign_letters(entities)
    identity["entities"] = [e.to_dict() for e in entities]
    return [e for e in entities if e.id in {n.id for n in new}]


def _keep(entities: list[an.Entity], consent: Consent) -> frozenset[str]:
    """Entities left as written: the consenting defender's own name, if consent is Named."""
    if consent.naming != NAMED:
        return frozenset()
    return frozenset(e.id for e in entities if e.kind == "person" and e.role == "defender"
                     and e.source == "given")


def anonymize_text(text: str, entities: list[an.Entity], keep: frozenset[str],
                   rich: bool) -> str:
    """One field's original as it may appear in the summary."""
    if rich:
        markup = richtext.sanitize(text) if "<" in text else richtext.from_plain(text)
        return richtext.map_text(
            markup, lambda part: an.coarsen_dates(an.anonymize(part, entities, None, keep).text))
    return an.coarsen_dates(an.anonymize(text, entities, None, keep).text)


def _location(original: str, entities: list[an.Entity], keep: frozenset[str],
              region: str) -> str:
    """The location generalized: a known place becomes its region; else anonymized."""
    text = original.strip()
    if not text:
        return region if region and region != "Abroad" else ""
    found = places.region_of(text)
    if found is not None:
        return found.en
    for span in an.detect(text):
        if span.kind == "place" and span.hint in places.R:
            return places.R[span.hint].en
    named = places.regions_in(text)
    if named:  # "Beijing, Chaoyang District": the region it names
        return named[0]
    return anonymize_text(text, entities, keep, rich=False)


def rebuild(identity: dict[str, Any], summary: dict[str, Any], guard_key: bytes) -> None:
    """Regenerate the summary's text fields, dates and guard from the identity tier.

    Hand edits of text fields are replaced (the originals are the source); the
    structured fields are the summary's own and stay.
    """
    given_entities(identity)
    entities = entities_of(identity)
    consent = Consent.from_dict(summary.get("consent"))
    keep = _keep(entities, consent)
    fields = summary["record"]
    originals = identity.get("originals") or {}
    for name in record.TEXT_FIELDS:
        original = str(originals.get(name) or "")
        if name == "location_of_reprisals":
            fields[name] = _location(original, entities, keep, fields.get("region", ""))
        else:
            fields[name] = anonymize_text(original, entities, keep, name in record.RICH_FIELDS)
    for name in record.DATE_FIELDS:
        fields[name] = list(dict.fromkeys(an.coarsen_dates(v) for v in fields.get(name) or []))
    summary["follow_ups"] = [
        {"date": an.coarsen_dates(str(f.get("date") or "")), "kind": f.get("kind", "development"),
         "text": anonymize_text(str(f.get("text") or ""), entities, keep, rich=True)}
        for f in identity.get("follow_ups") or []
    ]
    summary["hand_edited"] = []
    set_guard(summary, entities, keep, guard_key)


def set_guard(summary: dict[str, Any], entities: list[an.Entity], keep: frozenset[str],
              guard_key: bytes) -> None:
    """Fingerprints the gate needs: hidden forms, names kept by consent, rejected hits."""
    # Names kept by a Named consent are fingerprinted too: if consent later becomes
    # Anonymized, the gate finds them without a rebuild.
    hidden = [f for e in entities if e.accepted for f in e.forms() if e.kind not in ("date",)]
    named = [f for e in entities if e.id in keep for f in e.forms()]
    rejected = [f for e in entities if not e.accepted for f in e.forms()]
    summary["guard"] = {
        "hidden": sorted(fingerprints.fingerprints(guard_key, hidden)),
        "hidden_lengths": sorted({fingerprints.token_count(f) for f in hidden}),
        "hidden_first": sorted(fingerprints.first_tags(guard_key, hidden)),
        "named": sorted(fingerprints.fingerprints(guard_key, named)),
        "rejected": sorted(fingerprints.fingerprints(guard_key, rejected)),
    }
    summary["pseudonyms"] = sorted(an.all_pseudonyms(entities))


def preview(identity: dict[str, Any], consent: Consent) -> list[tuple[str, list[an.Segment]]]:
    """Side-by-side data: for every non-empty original and every follow-up (named
    ``follow_ups[i]``), its segments (changes marked)."""
    entities = entities_of(identity)
    keep = _keep(entities, consent)
    out = []
    texts = list((identity.get("originals") or {}).items())
    texts += [(f"follow_ups[{index}]", str(item.get("text") or ""))
              for index, item in enumerate(identity.get("follow_ups") or [])]
    for name, text in texts:
        plain = richtext.to_plain(text) if "<" in text else text
        if not plain.strip():
            continue
        result = an.anonymize(plain, entities, None, keep)
        out.append((name, result.segments(plain)))
    return out
