"""Metadata scrubbing for attachments, in memory, before they are encrypted.

One entry point, :func:`scrub`, takes the bytes of one file with the name and
type its sender gave, and returns a :class:`ScrubResult`: the bytes to store, a
safe file name, the type detected from the content, and a report of what was
removed in human terms (English msgids, see :mod:`portal.scrub.labels`).
The package imports no Flask; one module per family of formats.
"""

from portal.scrub.isolation import scrub_isolated
from portal.scrub.limits import Limits
from portal.scrub.names import safe_filename
from portal.scrub.pipeline import oversize_result, scrub
from portal.scrub.result import ScrubResult
from portal.scrub.sniff import sniff_type

__all__ = ["Limits", "ScrubResult", "oversize_result", "safe_filename", "scrub", "scrub_isolated",
           "sniff_type"]
