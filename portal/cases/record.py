"""The case record's fields, an empty record, and prefilling one from reports.

One dict per tier. The summary record uses exactly the field names below (they are
the export's field names and the JSON Schema's properties); the identity tier keeps
the originals of the free-text fields, the people and the entities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.cases import vocab


@dataclass(frozen=True)
class Field:
    """One field of the record: name, group, kind (text, rich, choice, country, multi,
    list), choices."""

    name: str
    group: str
    kind: str
    label: object
    choices: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("title", "identity", "text", _l("Title")),
    Field("type_of_record", "identity", "choice", _l("Type of record"), vocab.TYPE_OF_RECORD),
    Field("gender", "identity", "choice", _l("Gender"), vocab.GENDER),
    Field("victim_minor", "identity", "choice", _l("Victim a minor?"), vocab.YES_NO_UNKNOWN),
    Field("victim_foreign_national", "identity", "choice", _l("Victim a foreign national?"),
          vocab.YES_NO_UNKNOWN),
    Field("victim_civil_servant", "identity", "choice",
          _l("Victim a civil servant, member of the security forces or of the judiciary?"),
          vocab.YES_NO_UNKNOWN),
    Field("activity", "identity", "multi", _l("Individual's / organization's activity"),
          vocab.ACTIVITY),
    Field("rights_defended", "identity", "multi", _l("Type of rights defended"), vocab.RIGHTS),
    Field("country", "where", "country", _l("Country"), vocab.COUNTRIES),
    Field("region", "where", "choice", _l("Region"), vocab.REGION),
    Field("location_of_reprisals", "where", "text", _l("Location of the reprisals")),
    Field("un_body_engaged", "un", "multi", _l("UN body engaged"), vocab.UN_BODY),
    Field("type_of_engagement", "un", "multi", _l("Type of engagement"), vocab.ENGAGEMENT),
    Field("un_body_raised_before", "un", "multi", _l("UN body that raised the case before"),
          vocab.UN_BODY),
    Field("dates_of_prior_un_action", "un", "list", _l("Dates of prior UN action")),
    Field("dates_of_reprisals", "reprisal", "list", _l("Dates of the reprisals")),
    Field("types_of_reprisals", "reprisal", "multi", _l("Types of reprisals"), vocab.REPRISAL),
    Field("alleged_perpetrators", "reprisal", "multi", _l("Alleged perpetrators"),
          vocab.PERPETRATOR),
    Field("based_on_new_legislation", "reprisal", "choice", _l("Based on new legislation?"),
          vocab.YES_NO_UNKNOWN),
    Field("legislation", "reprisal", "text", _l("Name of the law")),
    Field("reprisal_information", "reprisal", "rich", _l("Reprisal information")),
    Field("case_status", "follow_up", "choice", _l("Case status"), vocab.CASE_STATUS),
    Field("government_response_dates", "follow_up", "list", _l("Government response dates")),
    Field("government_response", "follow_up", "rich", _l("Government response content")),
    Field("raised_by_state", "follow_up", "choice", _l("Raised by a State at the UN?"),
          vocab.YES_NO),
    Field("raised_by_state_details", "follow_up", "text", _l("Which State, when")),
    Field("pattern_of_reprisal", "follow_up", "choice", _l("Pattern of reprisal cited?"),
          vocab.YES_NO),
    Field("self_censorship", "follow_up", "choice", _l("Self-censorship cited?"), vocab.YES_NO),
    Field("further_case_development", "follow_up", "rich", _l("Further case development")),
    Field("consent_naming", "consent", "choice", _l("May the UN name the person?"),
          vocab.CONSENT_NAMING),
    Field("consent_contact", "consent", "choice",
          _l("May the UN contact the person (through our organization)?"), vocab.YES_NO),
    Field("risk_assessment", "consent", "multi", _l("Risk assessment"), vocab.RISK),
)
BY_NAME = {f.name: f for f in FIELDS}
#: Free-text fields: anonymized from the identity tier's originals.
TEXT_FIELDS = tuple(f.name for f in FIELDS if f.kind in ("text", "rich")
                    and f.name not in ("country", "legislation"))
RICH_FIELDS = tuple(f.name for f in FIELDS if f.kind == "rich")
DATE_FIELDS = ("dates_of_prior_un_action", "dates_of_reprisals", "government_response_dates")
#: Fields only the defender's choice may set (never edited by a reviewer).
CONSENT_FIELDS = ("consent_naming", "consent_contact")
GROUPS = (("identity", _l("The person or group")), ("where", _l("Where")),
          ("un", _l("The UN engagement")), ("reprisal", _l("The reprisal")),
          ("follow_up", _l("Follow-up")), ("consent", _l("Consent and risk")))


def empty() -> dict[str, Any]:
    """A record with every field present: lists empty, everything else ''."""
    return {f.name: [] if f.kind in ("multi", "list") else "" for f in FIELDS}


def _first(values: list[str]) -> str:
    return values[0] if values else ""


def _split_dates(text: str) -> list[str]:
    return [part.strip() for part in text.replace("；", ";").split(";") if part.strip()]


def prefill(documents: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """(structured fields, original texts) from reports' decrypted documents.

    Structured answers already hold the record's terms (portal.vocabulary maps the
    public form's plain choices); multi-values from several reports are merged.
    Free text (the account, the place, the dates) goes to the originals: it is
    anonymized before it may enter the summary.
    """
    record = empty()
    originals: dict[str, str] = {name: "" for name in TEXT_FIELDS}
    accounts: list[str] = []
    places: list[str] = []
    for doc in documents:
        profile = doc.get("profile") or {}
        about = doc.get("about")
        if about and not record["type_of_record"]:
            record["type_of_record"] = about if about in vocab.TYPE_OF_RECORD else ""
        for key, source in (("gender", profile.get("gender")),
                            ("victim_minor", profile.get("minor")),
                            ("victim_foreign_national", profile.get("foreign_national"))):
            if source and not record[key]:
                record[key] = source
        _merge(record, "activity", profile.get("activity"), vocab.ACTIVITY)
        _merge(record, "type_of_engagement", doc.get("un_engagement"), vocab.ENGAGEMENT)
        _merge(record, "un_body_engaged", [_un_body(b) for b in doc.get("un_body") or []],
               vocab.UN_BODY)
        _merge(record, "types_of_reprisals", [_reprisal(r) for r in doc.get("reprisals") or []],
               vocab.REPRISAL)
        _merge(record, "alleged_perpetrators", doc.get("perpetrators"), vocab.PERPETRATOR)
        region = doc.get("region")
        if region in vocab.REGION and not record["region"]:
            record["region"] = region
        for text in (doc.get("account"), doc.get("text"), doc.get("perpetrator_details")):
            if isinstance(text, str) and text.strip():
                accounts.append(text.strip())
        if isinstance(doc.get("place"), str) and doc["place"].strip():
            places.append(doc["place"].strip())
        record["dates_of_reprisals"] += _split_dates(str(doc.get("when") or ""))
        record["dates_of_prior_un_action"] += _split_dates(str(doc.get("un_engagement_when") or ""))
    record["country"] = "CN" if record["region"] != "Abroad" else ""
    originals["reprisal_information"] = "\n\n".join(dict.fromkeys(accounts))
    originals["location_of_reprisals"] = "; ".join(dict.fromkeys(places))
    record["case_status"] = "Unresolved"
    return record, originals


def merge(target: dict[str, Any], fields: dict[str, Any]) -> None:
    """Fill a case record from another report's prefilled fields, in place.

    Multi-values are added; a choice or text is taken only where the record has
    none (what a reviewer set stays); dates are added (the caller keeps the exact
    ones in the identity tier). Consent fields are left to the caller.
    """
    for f in FIELDS:
        if f.name in CONSENT_FIELDS or f.name in TEXT_FIELDS:
            continue
        value = fields.get(f.name)
        if f.kind in ("multi", "list"):
            current = list(target.get(f.name) or [])
            target[f.name] = current + [v for v in value or [] if v not in current]
        elif value and not target.get(f.name):
            target[f.name] = value


def join_original(name: str, old: str, new: str) -> str:
    """An original text with another report's text added (once)."""
    new = new.strip()
    if not new or new in old:
        return old
    if not old.strip():
        return new
    if name == "location_of_reprisals":
        return f"{old}; {new}"
    if "<" in old:  # the owner keeps this original as rich text
        from portal.cases import richtext

        return old + richtext.from_plain(new)
    return f"{old}\n\n{new}"


def _merge(record: dict[str, Any], key: str, values: Any, allowed: tuple[str, ...]) -> None:
    for value in values or []:
        if value in allowed and value not in record[key]:
            record[key].append(value)


def _un_body(value: str) -> str:
    return "Treaty bodies" if value.startswith("Treaty bodies") else value


def _reprisal(value: str) -> str:
    # The public form says "Threats / intimidation"; the record adds the gloss.
    return {"Threats / intimidation (incl. fear of reprisal)": "Threats / intimidation"}.get(
        value, value)


def clean(record: dict[str, Any]) -> dict[str, Any]:
    """Only known fields, choice values within their vocabulary, text as str."""
    out = empty()
    for f in FIELDS:
        value = record.get(f.name)
        if f.kind == "choice":
            out[f.name] = value if value in f.choices else ""
        elif f.kind == "country":
            code = str(value or "").strip().upper()
            out[f.name] = code if code in f.choices else ""
        elif f.kind == "multi":
            out[f.name] = [v for v in dict.fromkeys(value or []) if v in f.choices]
        elif f.kind == "list":
            out[f.name] = [str(v).strip() for v in value or [] if str(v).strip()]
        else:
            out[f.name] = str(value or "")
    return out
