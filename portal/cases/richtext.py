"""Rich text of summaries: a small safe subset of HTML, sanitized on save and on render.

Paragraphs, line breaks, emphasis, lists and links (http, https, mailto) only.
Everything else is stripped (its text kept); attributes other than a link's href
are dropped. Exports turn it into plain text or Markdown.
"""

from __future__ import annotations

import html
import re

import bleach

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_TAG = re.compile(r"(<[^>]*>)")


def sanitize(text: str) -> str:
    """The safe subset of `text` (plain text comes back escaped; newlines kept)."""
    return bleach.clean(text or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True)


def from_plain(text: str) -> str:
    """Plain text (a report's account) as paragraphs of safe HTML."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join("<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>"
                   for p in paragraphs)


def map_text(markup: str, func: object) -> str:
    """Apply `func(str) -> str` to the text between tags, leaving the tags alone."""
    parts = _TAG.split(markup)
    return "".join(part if part.startswith("<") else func(part)  # type: ignore[operator]
                   for part in parts)


def to_plain(markup: str) -> str:
    """Readable plain text: paragraphs separated by blank lines, list items with '- '.

    No HTML survives (every tag is removed, entities unescaped), so this needs no
    sanitizer pass; the result is text for JSON, CSV and PDF, escaped again by any
    renderer that could read markup (see portal.export.formats).
    """
    text = markup or ""
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"<li>", "- ", text)
    text = re.sub(r"</li>", "\n", text)
    text = re.sub(r"</(p|ul|ol)>", "\n\n", text)
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = re.sub(r"<[^>]*>", "", text)
    text = html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def to_markdown(markup: str) -> str:
    """Markdown of the safe subset (links, emphasis, lists, paragraphs)."""
    text = sanitize(markup)
    text = re.sub(r"<br\s*/?>", "  \n", text)
    text = re.sub(r"</?strong>", "**", text)
    text = re.sub(r"</?em>", "*", text)
    text = re.sub(r"<li>", "- ", text)
    text = re.sub(r"</(p|ul|ol)>", "\n\n", text)
    text = re.sub(r"</li>", "\n", text)
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: f"[{m.group(2)}]({m.group(1)})", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
