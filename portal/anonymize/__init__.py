"""Anonymization of case texts: detectors, pseudonyms, coarsening, warnings (no Flask).

The public surface: :func:`detect` finds what may identify someone, :class:`Entity`
records the reviewer's decision, :func:`anonymize` applies the decisions with
consistent pseudonyms, :func:`coarsen_dates` reduces dates to months,
:func:`reidentify.check` warns about rare combinations, and :mod:`fingerprints`
lets the export gate recognise a hidden name without knowing it.
"""

from __future__ import annotations

from portal.anonymize import fingerprints, reidentify
from portal.anonymize.apply import Change, Result, Segment, anonymize
from portal.anonymize.dates import coarsen_dates, find_dates
from portal.anonymize.detectors import detect
from portal.anonymize.pseudonyms import (
    ROLES,
    Entity,
    all_pseudonyms,
    assign_letters,
    language_of,
    pseudonym,
)
from portal.anonymize.spans import CERTAIN, KINDS, LIKELY, POSSIBLE, Span

__all__ = [
    "CERTAIN", "KINDS", "LIKELY", "POSSIBLE", "ROLES", "Change", "Entity", "Result", "Segment",
    "Span", "all_pseudonyms", "anonymize", "assign_letters", "coarsen_dates", "detect",
    "find_dates", "fingerprints", "language_of", "pseudonym", "reidentify",
]
