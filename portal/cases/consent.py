"""The defender's consent, carried from the report, and what it allows.

Reports store the public form's answers (portal.public.views._consent): the
Secretary-General's-report question holds a record term ("Named", "Anonymized",
"Confidential") or "not answered ...", which counts as the most protective choice.
A later consent change (an entry of kind "consent") replaces the earlier answers;
withdrawing sets every answer to the most protective one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

NAMED, ANONYMIZED, CONFIDENTIAL = "Named", "Anonymized", "Confidential"
_ORDER = {NAMED: 0, ANONYMIZED: 1, CONFIDENTIAL: 2}

PUBLICATION = "publication"  # the SG's report, a public database, an NGO's Uwazi collection
OHCHR_CONFIDENTIAL = "ohchr_confidential"  # shared in confidence with OHCHR only
PURPOSES = (PUBLICATION, OHCHR_CONFIDENTIAL)


@dataclass(frozen=True)
class Consent:
    """What the defender agreed to."""

    naming: str = CONFIDENTIAL
    share_with_ohchr: bool = False
    contact: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (kept in the summary tier)."""
        return {"naming": self.naming, "share_with_ohchr": self.share_with_ohchr,
                "contact": self.contact}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Consent:
        """Rebuild; anything unknown becomes the protective choice."""
        data = data or {}
        naming = data.get("naming")
        return cls(naming if naming in _ORDER else CONFIDENTIAL,
                   data.get("share_with_ohchr") is True, data.get("contact") is True)


def from_report(answers: dict[str, Any] | None) -> Consent:
    """A report's consent answers (a missing or unknown answer is the protective one)."""
    answers = answers or {}
    naming = answers.get("secretary_general_public_report")
    return Consent(
        naming if naming in _ORDER else CONFIDENTIAL,
        answers.get("share_confidentially_with_ohchr") == "Yes",
        answers.get("organization_may_contact") == "Yes",
    )


def latest_answers(documents: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The consent answers in force: those of the last document that carries any."""
    found = None
    for doc in documents:
        if isinstance(doc.get("consent"), dict):
            found = doc["consent"]
    return found


def most_protective(consents: Iterable[Consent]) -> Consent:
    """Combine several reports' (or the case's and the reports') consent: the strictest."""
    items = list(consents)
    if not items:
        return Consent()
    return Consent(
        max((c.naming for c in items), key=_ORDER.__getitem__),
        all(c.share_with_ohchr for c in items),
        all(c.contact for c in items),
    )


def violation(consent: Consent, purpose: str) -> str | None:
    """Why an export for `purpose` is not allowed (a stable code), or None."""
    if purpose not in PURPOSES:
        return "unknown_purpose"
    if purpose == PUBLICATION and consent.naming == CONFIDENTIAL:
        return "confidential"
    if purpose == OHCHR_CONFIDENTIAL and not consent.share_with_ohchr:
        return "no_ohchr_consent"
    return None
