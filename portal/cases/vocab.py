"""The case record's vocabularies (docs/reprisal-record.md), as stored values.

Values are the record's own English terms: they are what exports carry, what the
UN's and NGOs' databases use, and what the JSON Schema enumerates. Screens show
them through gettext (see :func:`label`).
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask_babel import lazy_gettext as _l

TYPE_OF_RECORD = ("Individual case", "Group of individuals", "Organization",
                  "General situation addressed")
GENDER = ("Female", "Male", "Non-binary / other", "Gender unclear", "Mixed group")
YES_NO_UNKNOWN = ("Yes", "No", "Unknown")
YES_NO = ("Yes", "No")
ACTIVITY = ("Human rights defender", "Lawyer", "Journalist / media worker", "Civil society actor",
            "Health worker / first aider", "Academic", "Family member of a defender",
            "Religious or ethnic minority representative", "Trade unionist",
            "Environmental / land defender", "Other")
RIGHTS = ("civil and political", "freedom of expression", "freedom of assembly",
          "minority rights", "right to health", "labour rights", "women's rights",
          "environmental", "unclear")
REGION = ("China (mainland)", "Hong Kong SAR", "Macao SAR", "Tibet", "Xinjiang", "Abroad")
UN_BODY = ("OHCHR", "Human Rights Council", "Universal Periodic Review",
           "Special Procedures (thematic)", "Special Procedures (country)", "Treaty bodies",
           "Working Group on Arbitrary Detention", "UN country team / other")
ENGAGEMENT = ("Submission of information to the UN", "Attending or travelling to a UN session",
              "Meeting UN officials or experts", "Communication with a Special Procedure",
              "Being named in a UN document", "Other")
REPRISAL = ("Threats / intimidation", "Arbitrary arrest or detention", "Enforced disappearance",
            "Torture or ill-treatment", "Killing / death in custody",
            "Travel ban / exit ban / passport denied", "Surveillance",
            "Judicial harassment / criminal charges", "Smear campaign / stigmatization",
            "Online attacks / hacking", "Harassment or punishment of family members",
            "Loss of employment or licence", "Asset freeze / financial",
            "Self-censorship / ceased engagement", "Other")
PERPETRATOR = ("State actors", "Non-state actors", "Unknown")
CASE_STATUS = ("Unresolved", "Resolved", "Unknown")
CONSENT_NAMING = ("Named", "Anonymized", "Confidential")
RISK = ("ongoing risk", "family at risk", "in detention", "abroad")
FOLLOW_UP_KIND = ("development", "government_response")
#: Codes Unicode CLDR lists as territories that are not ISO 3166-1 countries.
_NOT_ISO_3166 = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN",
                           "XA", "XB", "XK", "ZZ"})
#: ISO 3166-1 alpha-2 country codes (the record's "country"), from CLDR via Babel.
COUNTRIES = tuple(sorted(code for code in Locale("en").territories
                         if len(code) == 2 and code.isalpha() and code not in _NOT_ISO_3166))


def country_name(code: str, language: str = "en") -> str:
    """A country's name in a language ("en", "zh", "zh_Hans", "zh_Hant"); the code if unknown."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale("en")
    return str(locale.territories.get(code) or code)

#: Screen labels (the stored value is the record's English term).
LABELS = {
    "Individual case": _l("Individual case"), "Group of individuals": _l("Group of individuals"),
    "Organization": _l("Organization"),
    "General situation addressed": _l("General situation addressed"),
    "Female": _l("Female"), "Male": _l("Male"), "Non-binary / other": _l("Non-binary / other"),
    "Gender unclear": _l("Gender unclear"), "Mixed group": _l("Mixed group"),
    "Yes": _l("Yes"), "No": _l("No"), "Unknown": _l("Unknown"),
    "Named": _l("Named"), "Anonymized": _l("Anonymized"),
    "Confidential": _l("Confidential (do not publish at all)"),
    "Unresolved": _l("Unresolved"), "Resolved": _l("Resolved"),
    "development": _l("Further case development"),
    "government_response": _l("Government response"),
    "Human rights defender": _l("Human rights defender"),
    "Lawyer": _l("Lawyer"),
    "Journalist / media worker": _l("Journalist / media worker"),
    "Civil society actor": _l("Civil society actor"),
    "Health worker / first aider": _l("Health worker / first aider"),
    "Academic": _l("Academic"),
    "Family member of a defender": _l("Family member of a defender"),
    "Religious or ethnic minority representative":
        _l("Religious or ethnic minority representative"),
    "Trade unionist": _l("Trade unionist"),
    "Environmental / land defender": _l("Environmental / land defender"),
    "Other": _l("Other"),
    "civil and political": _l("civil and political"),
    "freedom of expression": _l("freedom of expression"),
    "freedom of assembly": _l("freedom of assembly"),
    "minority rights": _l("minority rights"),
    "right to health": _l("right to health"),
    "labour rights": _l("labour rights"),
    "women's rights": _l("women's rights"),
    "environmental": _l("environmental"),
    "unclear": _l("unclear"),
    "China (mainland)": _l("China (mainland)"),
    "Hong Kong SAR": _l("Hong Kong SAR"),
    "Macao SAR": _l("Macao SAR"),
    "Tibet": _l("Tibet"),
    "Xinjiang": _l("Xinjiang"),
    "Abroad": _l("Abroad"),
    "OHCHR": _l("OHCHR"),
    "Human Rights Council": _l("Human Rights Council"),
    "Universal Periodic Review": _l("Universal Periodic Review"),
    "Special Procedures (thematic)": _l("Special Procedures (thematic)"),
    "Special Procedures (country)": _l("Special Procedures (country)"),
    "Treaty bodies": _l("Treaty bodies"),
    "Working Group on Arbitrary Detention": _l("Working Group on Arbitrary Detention"),
    "UN country team / other": _l("UN country team / other"),
    "Submission of information to the UN": _l("Submission of information to the UN"),
    "Attending or travelling to a UN session": _l("Attending or travelling to a UN session"),
    "Meeting UN officials or experts": _l("Meeting UN officials or experts"),
    "Communication with a Special Procedure": _l("Communication with a Special Procedure"),
    "Being named in a UN document": _l("Being named in a UN document"),
    "Threats / intimidation": _l("Threats / intimidation"),
    "Arbitrary arrest or detention": _l("Arbitrary arrest or detention"),
    "Enforced disappearance": _l("Enforced disappearance"),
    "Torture or ill-treatment": _l("Torture or ill-treatment"),
    "Killing / death in custody": _l("Killing / death in custody"),
    "Travel ban / exit ban / passport denied": _l("Travel ban / exit ban / passport denied"),
    "Surveillance": _l("Surveillance"),
    "Judicial harassment / criminal charges": _l("Judicial harassment / criminal charges"),
    "Smear campaign / stigmatization": _l("Smear campaign / stigmatization"),
    "Online attacks / hacking": _l("Online attacks / hacking"),
    "Harassment or punishment of family members": _l("Harassment or punishment of family members"),
    "Loss of employment or licence": _l("Loss of employment or licence"),
    "Asset freeze / financial": _l("Asset freeze / financial"),
    "Self-censorship / ceased engagement": _l("Self-censorship / ceased engagement"),
    "State actors": _l("State actors"),
    "Non-state actors": _l("Non-state actors"),
    "ongoing risk": _l("ongoing risk"),
    "family at risk": _l("family at risk"),
    "in detention": _l("in detention"),
    "abroad": _l("abroad"),
}


def label(value: str) -> object:
    """The translated label of a stored value (the value itself if it has none)."""
    return LABELS.get(value, value)
