"""Keyed fingerprints of identifying strings, and finding them again in a text.

The summary tier must not hold the names it hides, yet the export gate, which
reads only the summary, must notice when a hand edit puts one back. So the summary
keeps keyed fingerprints (BLAKE2b-256 in keyed mode, a MAC, under a key derived from
the organization's secret) of every accepted entity's normalized forms, and the
gate fingerprints every run of one to eight tokens of the text and looks for a
match. Without the key the fingerprints say nothing; with it, only a guess that is
right can be confirmed. To keep the gate fast, a 16-bit keyed tag of each form's
first token lets the scan skip positions that cannot start a hidden form (16 bits
confirm nothing on their own: thousands of words share each tag).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

MAX_TOKENS = 8
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+")


def tokens(text: str) -> list[re.Match[str]]:
    """Tokens of `text`: every Han character alone, every run of other letters/digits."""
    return list(_TOKEN.finditer(unicodedata.normalize("NFKC", text).casefold()))


def normalize(text: str) -> str:
    """The form fingerprints are taken of: NFKC, casefolded, tokens joined by spaces."""
    return " ".join(m.group(0) for m in tokens(text))


def _mac(key: bytes, data: bytes) -> str:
    return hashlib.blake2b(data, key=key, digest_size=32).hexdigest()


def _tag(key: bytes, token: str) -> str:
    return hashlib.blake2b(b"first\x00" + token.encode("utf-8"), key=key,
                           digest_size=2).hexdigest()


def fingerprint(key: bytes, text: str) -> str:
    """Keyed BLAKE2b of the normalized text, hex (empty text gives '')."""
    norm = normalize(text)
    if not norm:
        return ""
    return _mac(key, norm.encode("utf-8"))


def first_tags(key: bytes, forms: Iterable[str]) -> set[str]:
    """16-bit keyed tags of each form's first token (a prefilter for :func:`find`)."""
    tags = set()
    for form in forms:
        found = tokens(form)
        if found:
            tags.add(_tag(key, found[0].group(0)))
    return tags


def token_count(text: str) -> int:
    """How many tokens a form has (the gate only looks at runs of those lengths)."""
    return len(tokens(text))


def fingerprints(key: bytes, forms: Iterable[str]) -> set[str]:
    """Fingerprints of several forms (empty ones dropped)."""
    return {f for f in (fingerprint(key, form) for form in forms) if f}


def find(key: bytes, text: str, targets: set[str],
         lengths: Iterable[int] = range(1, MAX_TOKENS + 1),
         first: set[str] | None = None) -> list[tuple[int, int]]:
    """(start, end) of every run of tokens in `text` whose fingerprint is in `targets`.

    Only runs of the given token `lengths` are tried (the lengths of the forms the
    targets were made of), and, when `first` tags are given, only runs whose first
    token has one of them. Positions refer to the NFKC form of the text, which for
    ordinary text is the text itself.
    """
    if not targets or not text:
        return []
    norm_text = unicodedata.normalize("NFKC", text)
    found = tokens(norm_text)
    words = [m.group(0) for m in found]
    sizes = sorted({n for n in lengths if 0 < n <= MAX_TOKENS})
    hits: list[tuple[int, int]] = []
    tag_cache: dict[str, str] = {}
    for i, word in enumerate(words):
        if first is not None:
            tag = tag_cache.get(word)
            if tag is None:
                tag = tag_cache[word] = _tag(key, word)
            if tag not in first:
                continue
        for n in sizes:
            if i + n > len(words):
                break
            if _mac(key, " ".join(words[i:i + n]).encode("utf-8")) in targets:
                hits.append((found[i].start(), found[i + n - 1].end()))
    return sorted(hits)
