"""What detectors report: a span of text, what kind of identifier it is, how sure."""

from __future__ import annotations

from dataclasses import dataclass

CERTAIN = "certain"  # a checksum or an unambiguous format (email, valid ID number)
LIKELY = "likely"  # a strong pattern or a cue word (a name after "lawyer")
POSSIBLE = "possible"  # a shape that often is, and sometimes is not, an identifier

#: Kinds of identifying information, in the order the reviewer sees them.
KINDS = ("person", "organization", "email", "phone", "prc_id", "hk_id", "passport", "url",
         "handle", "ip", "gps", "date", "address", "place")


@dataclass(frozen=True)
class Span:
    """One detector hit in one text."""

    start: int
    end: int
    text: str
    kind: str
    certainty: str
    #: For names: the role a cue word suggests (lawyer, relative, ...); for places:
    #: the region key; for dates: the coarse form.
    hint: str = ""

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end
