"""The one exception family raised by ``crypto``.

Callers in ``portal/`` catch only :class:`AgeError`. The subclasses mirror the
outcomes that the age test vectors tell apart, so tests (and error messages) can
say *why* a file was refused.
"""

from __future__ import annotations


class AgeError(Exception):
    """Base class: the input is not a valid age file for the given keys."""


class KeyFormatError(AgeError, ValueError):
    """A recipient or identity string is malformed."""


class HeaderError(AgeError):
    """The header is malformed, or a stanza addressed to us is invalid."""


class HMACError(AgeError):
    """The header MAC does not match: the header was tampered with."""


class NoMatchError(AgeError):
    """The header is well formed but none of the identities opens it."""


class PayloadError(AgeError):
    """The STREAM payload is truncated, corrupted, or has trailing data.

    Plaintext already written to the destination before this error is *not* a
    complete file and must be discarded; ``released`` says how many bytes were
    written, so a caller can never mistake a prefix for the whole.
    """

    def __init__(self, message: str, released: int = 0) -> None:
        super().__init__(message)
        self.released = released


class ArmorError(AgeError):
    """The ASCII armor is not strict, canonical PEM."""
