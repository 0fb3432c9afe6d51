"""The exported object of one case: the summary tier in the record's field names.

Every format (JSON, CSV, Uwazi CSV, Markdown, PDF) renders this one dict, and the
export gate scans this dict, so what is checked is what leaves.
"""

from __future__ import annotations

from typing import Any

from portal.cases import record, richtext

SCHEMA_ID = "https://reprisal-portal.invalid/schemas/case-export.schema.json"
SCHEMA_VERSION = 1
#: Latitude/longitude of countries (never of a person): the record's country geolocation.
COUNTRY_GEOLOCATION = {"CN": (35.86166, 104.195397)}


def case_reference(case_id: str) -> str:
    """A short reference for the outside body (not our database key in full)."""
    return "case-" + case_id[:12]


def build(case_id: str, summary: dict[str, Any]) -> dict[str, Any]:
    """The export object: every record field, rich text as plain text, follow-ups."""
    fields = record.clean(summary.get("record") or {})
    out: dict[str, Any] = {"case_reference": case_reference(case_id)}
    for f in record.FIELDS:
        value = fields[f.name]
        out[f.name] = richtext.to_plain(value) if f.kind == "rich" else value
    geo = COUNTRY_GEOLOCATION.get(str(fields.get("country") or "").upper())
    out["country_geolocation"] = {"lat": geo[0], "lon": geo[1]} if geo else None
    out["follow_ups"] = [
        {"date": str(f.get("date") or ""), "kind": str(f.get("kind") or "development"),
         "text": richtext.to_plain(str(f.get("text") or ""))}
        for f in summary.get("follow_ups") or []
    ]
    return out


def strings(document: dict[str, Any], path: str = "") -> list[tuple[str, str]]:
    """(field path, text) of every string in an export object, for the gate."""
    found: list[tuple[str, str]] = []
    if isinstance(document, dict):
        for key, value in document.items():
            found += strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += strings(value, f"{path}[{index}]")
    elif isinstance(document, str):
        found.append((path, document))
    return found
