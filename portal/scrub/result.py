"""The outcome of scrubbing one file, and the exceptions cleaners raise."""

from __future__ import annotations

import functools
from dataclasses import dataclass

CLEANED = "cleaned"
UNCHANGED = "unchanged"
NOT_SCRUBBED = "not_scrubbed"
REJECTED = "rejected"


@dataclass(frozen=True)
class ScrubResult:
    """What :func:`portal.scrub.scrub` decided for one file.

    ``outcome`` is one of ``"cleaned"`` (rewritten without its metadata; ``removed``
    says what was found and removed, possibly nothing), ``"unchanged"`` (a format
    with no metadata, e.g. plain text; ``data`` may be re-encoded to UTF-8),
    ``"not_scrubbed"`` (stored as sent, metadata NOT removed; ``warnings`` says why)
    or ``"rejected"`` (refused; ``data`` is None and ``reason`` says why).
    All strings are English msgids (see :mod:`portal.scrub.labels`).
    """

    outcome: str
    data: bytes | None
    filename: str
    media_type: str
    removed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def metadata_removed(self) -> bool:
        """True when the stored bytes are free of the metadata we know about."""
        return self.outcome in (CLEANED, UNCHANGED)

    def report(self) -> dict[str, object]:
        """The result without its bytes, as JSON-ready English msgids."""
        return {
            "outcome": self.outcome,
            "filename": self.filename,
            "media_type": self.media_type,
            "size": None if self.data is None else len(self.data),
            "removed": list(self.removed),
            "warnings": list(self.warnings),
            "reason": self.reason,
        }


class Rejected(Exception):
    """A cleaner refuses the file; ``reason`` is a labels msgid."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unscrubbable(Exception):
    """A cleaner cannot clean the file but it may be stored as sent."""

    def __init__(self, *warnings: str) -> None:
        super().__init__(*warnings)
        self.warnings = warnings


@dataclass
class Cleaned:
    """What a format cleaner returns: new bytes, their type and what it removed."""

    data: bytes
    media_type: str
    removed: list[str]
    warnings: list[str]
    unchanged: bool = False


@functools.cache
def _rank() -> dict[str, int]:
    """Each label's position in labels.py, where the most revealing come first."""
    from portal.scrub import labels

    names = [n for n in vars(labels) if n.isupper()]
    return {getattr(labels, n): i for i, n in reversed(list(enumerate(names)))}


def ordered(found: list[str]) -> tuple[str, ...]:
    """Labels without duplicates, most revealing first (the order of labels.py)."""
    rank = _rank()
    return tuple(sorted(dict.fromkeys(found), key=lambda label: rank.get(label, len(rank))))
