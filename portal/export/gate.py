"""The export gate: scan exactly what would leave, refuse with the offending spots.

Runs on every export, from the web and from the CLI, after the export objects are
built and before a single byte is written; there is no switch to turn it off. It
refuses when:

* the defender's consent does not allow this export (Confidential for publication;
  no consent to share with OHCHR for a confidential OHCHR export);
* a form of an accepted entity is in the text (found by keyed fingerprints, so a
  hand edit that puts a hidden name back is caught without the summary knowing it);
* a detector still fires, unless the hit is the consenting defender's own name on a
  Named case or a hit the reviewer rejected as not identifying (certain hits such as
  an ID number with a valid checksum or an email address can never be rejected);
* the JSON object does not validate against the published schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal import anonymize as an
from portal.anonymize import fingerprints
from portal.cases import record
from portal.cases.consent import Consent, violation
from portal.export import document, schema

#: Fields holding only the record's vocabulary (the schema checks them): not free text.
_NOT_SCANNED = {"case_reference", "country", *(f.name for f in record.FIELDS
                                             if f.kind in ("choice", "multi"))}


@dataclass(frozen=True)
class Problem:
    """One reason to refuse: where (field path, character range), what, the text."""

    field: str
    start: int
    end: int
    reason: str  # consent, hidden_entity, detector, schema
    kind: str
    text: str

    def describe(self) -> str:
        """One line for the CLI and logs of the reviewer's own terminal."""
        where = f"{self.field}[{self.start}:{self.end}]" if self.field else "case"
        return f"{where}: {self.reason} {self.kind} {self.text!r}".strip()


def check(case_object: dict[str, Any], summary: dict[str, Any], consent: Consent,
          purpose: str, guard_key: bytes) -> list[Problem]:
    """Every problem of one case's export object (empty list: it may leave)."""
    problems: list[Problem] = []
    reason = violation(consent, purpose)
    if reason is not None:
        problems.append(Problem("", 0, 0, "consent", reason, consent.naming))
    guard = summary.get("guard") or {}
    hidden = set(guard.get("hidden") or [])
    lengths = guard.get("hidden_lengths") or range(1, fingerprints.MAX_TOKENS + 1)
    first = set(guard["hidden_first"]) if "hidden_first" in guard else None
    allowed = set(guard.get("named") or []) if consent.naming == "Named" else set()
    rejected = set(guard.get("rejected") or [])
    pseudonyms = list(summary.get("pseudonyms") or [])
    for path, text in document.strings(case_object):
        if path.split("[")[0] in _NOT_SCANNED or not text.strip():
            continue
        for start, end in fingerprints.find(guard_key, text, hidden, lengths, first):
            if fingerprints.fingerprint(guard_key, text[start:end]) in allowed:
                continue
            problems.append(Problem(path, start, end, "hidden_entity", "entity", text[start:end]))
        for span in an.detect(text, ignore=pseudonyms):
            if any(p.field == path and p.start < span.end and span.start < p.end
                   for p in problems):
                continue
            mark = fingerprints.fingerprint(guard_key, span.text)
            if mark in allowed:
                continue
            if mark in rejected and span.certainty != an.CERTAIN:
                continue
            problems.append(Problem(path, span.start, span.end, "detector", span.kind, span.text))
    for message in schema.errors([case_object]):
        problems.append(Problem("", 0, 0, "schema", "json", message))
    return problems
