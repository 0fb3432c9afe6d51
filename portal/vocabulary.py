"""Plain-language choices offered on the public form, mapped to the record's terms.

Defenders may not know UN vocabulary, so each choice has a short plain label (shown,
translated) and the term of the case record (docs/reprisal-record.md) it maps to
(stored inside the encrypted report, in English, for reviewers).
"""

# ruff: noqa: E501  (a table of choices reads best one per line)
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice


@dataclass(frozen=True)
class Choice:
    """One option: stored value, plain label (lazy msgid), record term."""

    value: str
    label: object
    record: str


def _choices(*items: tuple[str, object, str]) -> tuple[Choice, ...]:
    return tuple(Choice(*item) for item in items)


ABOUT = _choices(
    ("self", _l("Myself"), "Individual case"),
    ("relative", _l("A member of my family"), "Individual case"),
    ("other_person", _l("Another person"), "Individual case"),
    ("group", _l("A group of people or an organization"), "Group of individuals"),
)

REGION = _choices(
    ("mainland", _l("Mainland China"), "China (mainland)"),
    ("hong_kong", _l("Hong Kong"), "Hong Kong SAR"),
    ("macao", _l("Macao"), "Macao SAR"),
    ("tibet", _l("Tibet"), "Tibet"),
    ("xinjiang", _l("Xinjiang / East Turkestan"), "Xinjiang"),
    ("abroad", _l("Outside China"), "Abroad"),
)

ENGAGEMENT = _choices(
    ("sent_info", _l("I (or they) sent information to the UN"), "Submission of information to the UN"),
    ("attended", _l("Went to, or tried to travel to, a UN meeting"), "Attending or travelling to a UN session"),
    ("met", _l("Met UN staff or experts"), "Meeting UN officials or experts"),
    ("wrote_sp", _l("Wrote to a UN Special Rapporteur or working group"), "Communication with a Special Procedure"),
    ("named", _l("Was named in a UN document"), "Being named in a UN document"),
    ("other", _l("Something else"), "Other"),
)

UN_BODY = _choices(
    ("ohchr", _l("The UN Human Rights Office (OHCHR)"), "OHCHR"),
    ("hrc", _l("The Human Rights Council in Geneva"), "Human Rights Council"),
    ("upr", _l("The Universal Periodic Review"), "Universal Periodic Review"),
    ("sp", _l("A Special Rapporteur or expert"), "Special Procedures (thematic)"),
    ("treaty", _l("A treaty committee (for example on torture)"), "Treaty bodies"),
    ("wgad", _l("The Working Group on Arbitrary Detention"), "Working Group on Arbitrary Detention"),
    ("unsure", _l("Not sure / other"), "UN country team / other"),
)

REPRISAL = _choices(
    ("threats", _l("Threats or intimidation"), "Threats / intimidation"),
    ("detention", _l("Arrest or detention"), "Arbitrary arrest or detention"),
    ("disappearance", _l("Taken away, whereabouts unknown"), "Enforced disappearance"),
    ("torture", _l("Torture or ill-treatment"), "Torture or ill-treatment"),
    ("death", _l("Death in custody or killing"), "Killing / death in custody"),
    ("travel_ban", _l("Stopped from travelling, passport refused"), "Travel ban / exit ban / passport denied"),
    ("surveillance", _l("Watched or followed"), "Surveillance"),
    ("charges", _l("Criminal charges or trials"), "Judicial harassment / criminal charges"),
    ("smear", _l("Public smears"), "Smear campaign / stigmatization"),
    ("online", _l("Online attacks or hacking"), "Online attacks / hacking"),
    ("family", _l("Family members harassed or punished"), "Harassment or punishment of family members"),
    ("job", _l("Lost a job or a licence"), "Loss of employment or licence"),
    ("money", _l("Bank accounts or property frozen"), "Asset freeze / financial"),
    ("stopped", _l("Stopped working with the UN out of fear"), "Self-censorship / ceased engagement"),
    ("other", _l("Something else"), "Other"),
)

PERPETRATOR = _choices(
    ("state", _l("Police, state security or officials"), "State actors"),
    ("non_state", _l("Other people or groups"), "Non-state actors"),
    ("unknown", _l("I do not know"), "Unknown"),
)

GENDER = _choices(
    ("female", _l("Woman"), "Female"),
    ("male", _l("Man"), "Male"),
    ("other", _l("Non-binary or other"), "Non-binary / other"),
    ("group", _l("A mixed group"), "Mixed group"),
    ("unsaid", _l("Prefer not to say"), "Gender unclear"),
)

YES_NO_UNKNOWN = _choices(
    ("yes", _l("Yes"), "Yes"),
    ("no", _l("No"), "No"),
    ("unknown", _l("Not sure"), "Unknown"),
)

ACTIVITY = _choices(
    ("hrd", _l("Human rights work"), "Human rights defender"),
    ("lawyer", _l("Lawyer"), "Lawyer"),
    ("journalist", _l("Journalist or writer"), "Journalist / media worker"),
    ("civil_society", _l("Community or civil society work"), "Civil society actor"),
    ("health", _l("Doctor, nurse or first aider"), "Health worker / first aider"),
    ("academic", _l("Teacher or academic"), "Academic"),
    ("relative", _l("Relative of an activist"), "Family member of a defender"),
    ("minority", _l("Religious or ethnic community representative"), "Religious or ethnic minority representative"),
    ("labour", _l("Workers' rights"), "Trade unionist"),
    ("environment", _l("Environment or land rights"), "Environmental / land defender"),
    ("other", _l("Something else"), "Other"),
)

YES_NO = _choices(
    ("yes", _l("Yes"), "Yes"),
    ("no", _l("No"), "No"),
)

PUBLIC_REPORT = _choices(
    ("named", _l("Yes, with the name"), "Named"),
    ("anonymized", _l("Yes, but only without names or details that identify anyone"), "Anonymized"),
    ("no", _l("No, not at all"), "Confidential"),
)

STATUS_LABELS = {
    "received": _l("Received"),
    "under_review": _l("Under review"),
    "need_info": _l("More information needed"),
    "case_opened": _l("Under review"),  # the source sees no difference from review
    "forwarded": _l("Forwarded to the UN"),
    "closed": _l("Closed"),
    "deleted": _l("Closed"),
}

#: The steps shown to the source, in order.
STATUS_STEPS = ("received", "under_review", "need_info", "forwarded", "closed")


def pairs(choices: tuple[Choice, ...]) -> list[SelectChoice]:
    """Choices for a WTForms field."""
    return [SelectChoice(c.value, c.label) for c in choices]  # type: ignore[arg-type]


def record_terms(choices: tuple[Choice, ...], values: list[str] | str | None) -> list[str]:
    """The record's terms for the chosen values (unknown values are dropped)."""
    chosen = [values] if isinstance(values, str) else list(values or [])
    by_value = {c.value: c.record for c in choices}
    return [by_value[v] for v in chosen if v in by_value]
