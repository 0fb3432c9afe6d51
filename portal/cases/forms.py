"""Forms of the case pages (Flask-WTF, CSRF-protected); labels translatable."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from portal.anonymize import KINDS, ROLES
from portal.cases import record, vocab
from portal.cases.consent import OHCHR_CONFIDENTIAL, PUBLICATION
from portal.export.formats import FORMATS
from portal.public.forms import MultiCheckboxField, clean_text

TEXT_MAX = 100_000

ROLE_LABELS = {"defender": _l("Defender"), "lawyer": _l("Lawyer"), "relative": _l("Relative"),
               "journalist": _l("Journalist"), "health": _l("Health worker"),
               "person": _l("Other person")}
KIND_LABELS = {"person": _l("Person"), "organization": _l("Organization"), "email": _l("Email"),
               "phone": _l("Phone number"), "prc_id": _l("PRC resident ID"),
               "hk_id": _l("Hong Kong ID"), "passport": _l("Passport number"),
               "url": _l("Web address"), "handle": _l("Social media account"),
               "ip": _l("IP address"), "gps": _l("Coordinates"), "date": _l("Exact date"),
               "address": _l("Street address"), "place": _l("Place")}
FACTOR_LABELS = {"minor": _l("a minor"), "foreign_national": _l("a foreign national"),
                 "civil_servant": _l("a civil servant"), "activity": _l("a rare activity"),
                 "gender": _l("the gender of one person"), "exact_place": _l("an exact place"),
                 "exact_date": _l("an exact date")}
FORMAT_LABELS = {"json": _l("JSON (record fields, validated against the schema)"),
                 "csv": _l("CSV (one row per case)"), "uwazi": _l("CSV for Uwazi import"),
                 "md": _l("Markdown"), "pdf": _l("PDF (UN report style)")}
PURPOSE_LABELS = {PUBLICATION: _l("For publication (Secretary-General's report, public "
                                  "databases, partner collections)"),
                  OHCHR_CONFIDENTIAL: _l("Confidential, to OHCHR only")}


CASE_STATUS_LABELS = {"open": _l("Open"), "ready": _l("Ready for export"),
                      "closed": _l("Closed")}
EXPORT_STATUS_LABELS = {"pending": _l("Waiting for a second reviewer"),
                        "approved": _l("Approved"), "declined": _l("Declined"),
                        "done": _l("Downloaded")}
DUPLICATE_KIND_LABELS = {"id_number": _l("ID or passport number"),
                         "name_zh": _l("name in Chinese characters"),
                         "name_latin": _l("name in Latin letters")}


def pairs(items: Any) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in items]


def _choices(values: tuple[str, ...], blank: bool = True) -> list[SelectChoice]:
    head: list[tuple[str, Any]] = [("", _l("Not known"))] if blank else []
    return pairs(head + [(v, vocab.label(v)) for v in values])


class OptionalSelectField(SelectField):
    """A select where "not known" (empty or absent) is valid, a forged value is not."""

    def pre_validate(self, form: Any) -> None:
        """Accept no value; otherwise the value must be one of the choices."""
        if self.data in (None, "", "None"):
            self.data = ""
            return
        super().pre_validate(form)


def _countries() -> list[SelectChoice]:
    """ISO 3166 countries named in the reviewer's language, sorted by name."""
    from flask_babel import get_locale

    locale = get_locale()
    language = str(locale) if locale is not None else "en"
    named = sorted(((vocab.country_name(c, language), c) for c in vocab.COUNTRIES),
                   key=lambda pair: pair[0])
    return pairs([("", _l("Not known"))] + [(code, f"{name} ({code})") for name, code in named])


def _field_for(spec: record.Field) -> Field:
    validators = [Optional(), Length(max=TEXT_MAX), clean_text]
    if spec.kind == "choice":
        return OptionalSelectField(spec.label, choices=_choices(spec.choices))
    if spec.kind == "country":
        return OptionalSelectField(spec.label, choices=_countries)
    if spec.kind == "multi":
        return MultiCheckboxField(spec.label,
                                  choices=pairs((v, vocab.label(v)) for v in spec.choices))
    if spec.kind == "list":
        return TextAreaField(spec.label, validators=validators,
                             description=_l("One per line; a month or a year is enough."))
    if spec.kind == "rich":
        return TextAreaField(spec.label, validators=validators,
                             description=_l("Allowed: paragraphs, emphasis, lists, links."))
    return StringField(spec.label, validators=validators)


class RecordForm(FlaskForm):
    """Every field of the summary record except consent (the defender's choice)."""


for _spec in record.FIELDS:
    if _spec.name not in record.CONSENT_FIELDS:
        setattr(RecordForm, _spec.name, _field_for(_spec))


class PersonForm(FlaskForm):
    """A person the defender named (identity tier only)."""

    class Meta:
        csrf = False

    role = SelectField(_l("Role"), choices=pairs((r, ROLE_LABELS[r]) for r in ROLES))
    name = StringField(_l("Name (Chinese characters or as written)"),
                       validators=[Optional(), Length(max=200), clean_text])
    name_latin = StringField(_l("Name in Latin letters (pinyin)"),
                             validators=[Optional(), Length(max=200), clean_text])
    id_numbers = StringField(_l("ID or passport numbers"),
                             validators=[Optional(), Length(max=300), clean_text])
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=500), clean_text])


class IdentityForm(FlaskForm):
    """The identity tier: people, organizations, and the original texts."""

    people = FieldList(FormField(PersonForm), min_entries=1, max_entries=20)
    organizations = TextAreaField(_l("Organizations named (one per line)"),
                                  validators=[Optional(), Length(max=5000), clean_text])
    notes = TextAreaField(_l("Notes for the case owner and custodians"),
                          validators=[Optional(), Length(max=TEXT_MAX), clean_text])


for _name in record.TEXT_FIELDS:
    setattr(IdentityForm, "original_" + _name, TextAreaField(
        record.BY_NAME[_name].label, validators=[Optional(), Length(max=TEXT_MAX), clean_text]))


class EntityForm(FlaskForm):
    """Add an entity by hand (something the detectors missed, or a rejection)."""

    text = StringField(_l("Text as it appears"),
                       validators=[DataRequired(), Length(max=300), clean_text])
    kind = SelectField(_l("Kind"), choices=pairs((k, KIND_LABELS[k]) for k in KINDS))
    role = SelectField(_l("Role (people)"), choices=pairs((r, ROLE_LABELS[r]) for r in ROLES))
    decision = SelectField(_l("Decision"), choices=pairs([
        ("accepted", _l("Anonymize it")), ("rejected", _l("Not identifying: keep it"))]))


class FollowUpForm(FlaskForm):
    """A later development or a government response, appended to the case."""

    date = StringField(_l("Date (a month or a year is enough)"),
                       validators=[Optional(), Length(max=60), clean_text])
    kind = SelectField(_l("Kind"), choices=pairs((k, vocab.label(k)) for k in vocab.FOLLOW_UP_KIND))
    text = TextAreaField(_l("What happened"),
                         validators=[DataRequired(), Length(max=TEXT_MAX), clean_text])


class NewCaseForm(FlaskForm):
    """Create a case from reports (their ids)."""

    report_ids = TextAreaField(_l("Report ids (one per line)"),
                               validators=[DataRequired(), Length(max=5000), clean_text])


class AttachForm(FlaskForm):
    """Add reports to an existing case."""

    case = StringField(_l("Case"), validators=[DataRequired(), Length(max=40), clean_text])
    report_ids = TextAreaField(_l("Report ids (one per line)"),
                               validators=[DataRequired(), Length(max=5000), clean_text])


class ExportForm(FlaskForm):
    """What to export, for whom."""

    format = SelectField(_l("Format"), choices=pairs((f, FORMAT_LABELS[f]) for f in FORMATS))
    language = SelectField(_l("Language of the document"),
                           choices=pairs([("en", _l("English")), ("zh", _l("Chinese"))]))
    purpose = SelectField(_l("Purpose"), choices=pairs(PURPOSE_LABELS.items()))
    recipient_body = StringField(_l("Outside body receiving it (e.g. OHCHR)"),
                                 validators=[DataRequired(), Length(max=120), clean_text])
    forward_recipient = SelectField(_l("Encrypt the bundle to"), choices=[])


class ShredForm(FlaskForm):
    """Crypto-shred the identity tier (explicit confirmation)."""

    confirm = BooleanField(
        _l("Yes, destroy the names, contacts and originals of this case for good. The "
           "anonymized summary stays."),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))])


class RecipientForm(FlaskForm):
    """An admin adds a forwarding recipient."""

    label = StringField(_l("Name of the outside body"),
                        validators=[DataRequired(), Length(max=120), clean_text])
    recipient = StringField(_l("Its age recipient (age1...)"),
                            validators=[DataRequired(), Length(max=4000), clean_text])


class CustodianForm(FlaskForm):
    """An admin designates a custodian."""

    account = SelectField(_l("Reviewer"), choices=[])
