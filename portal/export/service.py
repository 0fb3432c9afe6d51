"""Preparing an export: build the objects, run the gate, render, digest.

Used by the web views (preview, four-eyes approval, download) and by `portal
export`. Nothing is rendered for a case the gate refuses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from portal.cases.consent import Consent
from portal.export import document, formats, gate


@dataclass
class Prepared:
    """A rendered export, or the problems that stopped it."""

    problems: list[gate.Problem] = field(default_factory=list)
    data: bytes = b""
    filename: str = ""
    media_type: str = ""
    digest: str = ""
    case_object: dict[str, Any] = field(default_factory=dict)
    #: SHA-256 of the gated content, format and language: what a second reviewer
    #: approves (renderers are deterministic, so it fixes the bytes too).
    content_digest: str = ""

    @property
    def ok(self) -> bool:
        """True when the gate let it through."""
        return not self.problems and bool(self.content_digest)


def consent_basis(consent: Consent, purpose: str) -> str:
    """What the audit log records as the basis of an export."""
    return f"{consent.naming} / {purpose}"[:40]


def content_digest(case_object: dict[str, Any], fmt: str, lang: str) -> str:
    """SHA-256 of the canonical export object with its format and language."""
    canonical = json.dumps({"case": case_object, "format": fmt, "lang": lang},
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def prepare(case_id: str, summary: dict[str, Any], consent: Consent, fmt: str, purpose: str,
            lang: str, guard_key: bytes, render: bool = True) -> Prepared:
    """Gate then (unless `render` is False) render one case; never renders when the
    gate finds a problem."""
    if fmt not in formats.FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    case_object = document.build(case_id, summary)
    problems = gate.check(case_object, summary, consent, purpose, guard_key)
    if problems:
        return Prepared(problems=problems, case_object=case_object)
    name = f"{document.case_reference(case_id)}.{formats.EXTENSIONS[fmt]}"
    digest = content_digest(case_object, fmt, lang)
    if not render:
        return Prepared([], b"", name, formats.MEDIA_TYPES[fmt], "", case_object, digest)
    data = formats.render(fmt, [case_object], lang)
    return Prepared([], data, name, formats.MEDIA_TYPES[fmt], hashlib.sha256(data).hexdigest(),
                    case_object, digest)


def prepare_many(items: list[tuple[str, dict[str, Any], Consent]], fmt: str, purpose: str,
                 lang: str, guard_key: bytes) -> Prepared:
    """Several cases in one file (a JSON array, one CSV row each...): every case passes
    the gate or nothing is rendered; problems name their case."""
    if len(items) == 1:
        case_id, summary, consent = items[0]
        return prepare(case_id, summary, consent, fmt, purpose, lang, guard_key)
    if fmt not in formats.FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    objects = []
    problems: list[gate.Problem] = []
    for case_id, summary, consent in items:
        case_object = document.build(case_id, summary)
        reference = document.case_reference(case_id)
        problems += [dataclasses.replace(p, field=f"{reference}:{p.field}")
                     for p in gate.check(case_object, summary, consent, purpose, guard_key)]
        objects.append(case_object)
    if problems:
        return Prepared(problems=problems)
    data = formats.render(fmt, objects, lang)
    name = f"cases-{len(objects)}.{formats.EXTENSIONS[fmt]}"
    digest = content_digest({"cases": objects}, fmt, lang)
    return Prepared([], data, name, formats.MEDIA_TYPES[fmt], hashlib.sha256(data).hexdigest(),
                    {}, digest)
