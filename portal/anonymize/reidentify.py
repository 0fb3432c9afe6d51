"""Re-identification warnings: rare combinations that can point to one person.

Names gone, a person can still be singled out by what remains: a minor who is a
health worker in a small town, arrested on an exact date. Each field that narrows
the group of people who fit the summary counts as a quasi-identifier; when three or
more remain, or one very rare attribute meets an exact place or date, the reviewer
is told which fields to generalize.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.anonymize import dates, places
from portal.anonymize.detectors import EN_SMALL_PLACE, ZH_SMALL_PLACE, place_names

#: Activities shared by few people in a given place.
RARE_ACTIVITIES = frozenset({
    "Health worker / first aider", "Academic", "Journalist / media worker", "Trade unionist",
    "Religious or ethnic minority representative", "Environmental / land defender",
})
TEXT_FIELDS = ("title", "reprisal_information", "further_case_development",
               "location_of_reprisals")


@dataclass(frozen=True)
class Warning:
    """Which quasi-identifiers remain together, and the fields to generalize."""

    code: str  # "rare_combination"
    factors: tuple[str, ...]  # e.g. ("minor", "activity", "exact_place", "exact_date")
    fields: tuple[str, ...]  # record fields to generalize


def _precise_place(record: dict[str, Any]) -> bool:
    location = str(record.get("location_of_reprisals") or "").strip()
    if location and not places.is_region(location):
        return True
    texts = " ".join(str(record.get(f) or "") for f in TEXT_FIELDS)
    return bool(place_names(texts) or ZH_SMALL_PLACE.search(texts) or EN_SMALL_PLACE.search(texts))


def _exact_date(record: dict[str, Any]) -> bool:
    values = [str(v) for v in record.get("dates_of_reprisals") or []]
    texts = " ".join(values + [str(record.get(f) or "") for f in TEXT_FIELDS])
    return bool(dates.find_dates(texts))


def check(record: dict[str, Any]) -> list[Warning]:
    """Warnings for a summary-tier record (field names of the case record)."""
    factors: list[tuple[str, tuple[str, ...]]] = []
    if record.get("victim_minor") == "Yes":
        factors.append(("minor", ("victim_minor",)))
    if record.get("victim_foreign_national") == "Yes":
        factors.append(("foreign_national", ("victim_foreign_national",)))
    if record.get("victim_civil_servant") == "Yes":
        factors.append(("civil_servant", ("victim_civil_servant",)))
    if set(record.get("activity") or []) & RARE_ACTIVITIES:
        factors.append(("activity", ("activity",)))
    individual = record.get("type_of_record") in (None, "", "Individual case")
    if individual and record.get("gender") in ("Female", "Male", "Non-binary / other"):
        factors.append(("gender", ("gender",)))
    if _precise_place(record):
        factors.append(("exact_place", ("location_of_reprisals", "reprisal_information")))
    if _exact_date(record):
        factors.append(("exact_date", ("dates_of_reprisals", "reprisal_information")))
    names = {name for name, _ in factors}
    rare = names & {"minor", "foreign_national", "civil_servant"}
    precise = names & {"exact_place", "exact_date"}
    if len(factors) >= 3 or (rare and precise):
        fields = tuple(dict.fromkeys(f for _, group in factors for f in group))
        return [Warning("rare_combination", tuple(n for n, _ in factors), fields)]
    return []
