"""Renderers of export objects: JSON, CSV, Uwazi CSV, Markdown (PDF in pdf.py).

Each takes a list of export objects (portal.export.document.build) and returns
bytes. Output is deterministic for the same input, so the four-eyes approval can
compare the digest of what was previewed with what is finally written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from portal.cases import record
from portal.export import labels

MULTI_SEPARATOR = "; "
UWAZI_SEPARATOR = "|"


def to_json(cases: list[dict[str, Any]], lang: str = "en") -> bytes:
    """A JSON array, one object per case (validates against the published schema)."""
    del lang  # field names and values are the record's terms in every language
    return (json.dumps(cases, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def _columns() -> list[str]:
    return ["case_reference", *(f.name for f in record.FIELDS), "country_geolocation",
            "follow_ups"]


def _cell(value: Any, separator: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return separator.join(f"{v.get('date', '')} {v.get('text', '')}".strip()
                                  for v in value)
        return separator.join(str(v) for v in value)
    if isinstance(value, dict):
        return f"{value.get('lat')}{separator}{value.get('lon')}"
    return _defuse(str(value))


def _defuse(text: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(cases: list[dict[str, Any]], lang: str = "en") -> bytes:
    """One row per case, the record's field names as header, multi-values joined by '; '."""
    del lang
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = _columns()
    writer.writerow(columns)
    for case in cases:
        writer.writerow([_cell(case.get(c), MULTI_SEPARATOR) for c in columns])
    return out.getvalue().encode("utf-8-sig")


#: Uwazi property names: lower case, no spaces; "title" is required by the importer.
UWAZI_COLUMNS = {
    "title": "title", "case_reference": "case_reference", "type_of_record": "type_of_record",
    "gender": "gender", "victim_minor": "was_the_victim_a_minor",
    "victim_foreign_national": "was_the_victim_a_foreign_national",
    "victim_civil_servant": "was_the_victim_a_civil_servant",
    "activity": "individual_s_organization_s_activity",
    "rights_defended": "type_of_rights_defended", "country": "from_country",
    "country_geolocation": "country_geolocation", "region": "from_region",
    "location_of_reprisals": "location_of_mentioned_reprisals",
    "un_body_engaged": "engagement_with_un_body",
    "type_of_engagement": "type_of_attempted_engagement",
    "un_body_raised_before": "un_body_that_raised_the_case_prior",
    "dates_of_prior_un_action": "dates_of_prior_un_action",
    "dates_of_reprisals": "dates_of_mentioned_reprisals",
    "types_of_reprisals": "types_of_reprisals_suffered",
    "alleged_perpetrators": "alleged_likely_perpetrators",
    "based_on_new_legislation": "was_the_reprisal_based_on_new_legislation",
    "legislation": "legislation", "reprisal_information": "reprisal_information",
    "case_status": "case_status", "government_response_dates": "government_response_dates",
    "government_response": "government_response_content",
    "raised_by_state": "raised_by_a_state", "raised_by_state_details": "raised_by_a_state_details",
    "pattern_of_reprisal": "pattern_of_reprisal_cited",
    "self_censorship": "self_censorship_cited",
    "further_case_development": "further_case_development",
}


def to_uwazi_csv(cases: list[dict[str, Any]], lang: str = "en") -> bytes:
    """CSV for Uwazi's importer: property-name headers, '|' between multiple values,
    geolocation as 'lat|lon'. Consent and risk fields stay in the portal."""
    del lang
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(UWAZI_COLUMNS.values()))
    for case in cases:
        row = []
        for key in UWAZI_COLUMNS:
            value = case.get(key)
            if key == "title" and not value:
                value = case.get("case_reference", "")
            row.append(_cell(value, UWAZI_SEPARATOR))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def to_markdown(cases: list[dict[str, Any]], lang: str = "en") -> bytes:
    """A readable summary per case: the paragraph, then the fields."""
    words = labels.words(lang)
    parts: list[str] = []
    for case in cases:
        parts.append(f"## {_md_escape(case.get('title') or case['case_reference'])}\n")
        parts.append(f"*{words['reference']}: {case['case_reference']}*\n")
        # The paragraph quotes fields a source typed (place, dates): escaped like them.
        parts.append(_md_escape(labels.paragraph(case, lang)) + "\n")
        for key, text in (("reprisal_information", case.get("reprisal_information")),
                          ("government_response", case.get("government_response")),
                          ("further_case_development", case.get("further_case_development"))):
            if text:
                parts.append(f"### {labels.field_label(key, lang)}\n\n{_md_escape(text)}\n")
        for follow in case.get("follow_ups") or []:
            parts.append(f"- **{follow['date']}** {_md_escape(follow['text'])}")
        parts.append(f"\n| {words['field']} | {words['value']} |\n| --- | --- |")
        for f in record.FIELDS:
            if f.kind == "rich":
                continue
            value = case.get(f.name)
            items = value if isinstance(value, list) else [str(value or "")]
            if f.kind == "country":
                shown = labels.country(str(value or ""), lang)
            else:
                shown = ", ".join(labels.value(str(v), lang) for v in items if v)
            if shown:
                parts.append(f"| {labels.field_label(f.name, lang)} | "
                             f"{_md_escape(shown).replace('|', '&#124;')} |")
        parts.append("")
    return ("\n".join(parts).strip() + "\n").encode("utf-8")


def _md_escape(text: str) -> str:
    """Stop text from becoming markup (links, HTML) in a Markdown renderer."""
    return text.replace("<", "&lt;").replace("[", "\\[").replace("]", "\\]")


RENDERERS: dict[str, Callable[[list[dict[str, Any]], str], bytes]] = {
    "json": to_json, "csv": to_csv, "uwazi": to_uwazi_csv, "md": to_markdown,
}
EXTENSIONS = {"json": "json", "csv": "csv", "uwazi": "uwazi.csv", "md": "md", "pdf": "pdf"}
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8",
               "uwazi": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8",
               "pdf": "application/pdf"}
FORMATS = ("json", "csv", "uwazi", "md", "pdf")


def render(fmt: str, cases: list[dict[str, Any]], lang: str = "en") -> bytes:
    """Render in one of FORMATS (ValueError for another)."""
    if fmt == "pdf":
        from portal.export import pdf

        return pdf.to_pdf(cases, lang)
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}")
    return RENDERERS[fmt](cases, lang)
