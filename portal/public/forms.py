"""Forms of the public side (Flask-WTF, CSRF-protected)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    MultipleFileField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal import vocabulary as v

ACCOUNT_MAX = 50_000
SHORT_MAX = 300
MEDIUM_MAX = 5_000


def clean_text(_form: Any, field: Field) -> None:
    """Refuse NUL bytes and undecodable bytes (which arrive as U+FFFD)."""
    values = field.data if isinstance(field.data, list) else [field.data]
    for value in values:
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            raise ValidationError(_l("This field contains a NUL character, which is not allowed."))
        if "\ufffd" in value:
            raise ValidationError(
                _l("This field contains bytes that are not valid text (UTF-8). "
                   "Please retype or paste it again.")
            )


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes; nothing ticked is a valid answer."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        """Every ticked value must be one of the choices (a forged one is refused)."""
        allowed = {choice.value for choice in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_l("Please choose one of the options."))


class OptionalRadioField(RadioField):
    """Radio buttons where no answer is a valid answer (but a forged one is not)."""

    def pre_validate(self, form: Any) -> None:
        """Accept no value; otherwise the value must be one of the choices."""
        if self.data in (None, "", "None"):
            self.data = None
            return
        if self.data not in {choice.value for choice in self.choices or []}:
            raise ValidationError(_l("Please choose one of the options."))


def _length(maximum: int) -> Length:
    return Length(max=maximum, message=_l("Please keep this under %(max)d characters.",
                                          max=maximum))


def _text(label: object, maximum: int, **kwargs: Any) -> StringField:
    return StringField(label, validators=[_length(maximum), clean_text], **kwargs)


def _area(label: object, maximum: int, **kwargs: Any) -> TextAreaField:
    return TextAreaField(label, validators=[_length(maximum), clean_text], **kwargs)


class ConsentFields(FlaskForm):
    """The four consent questions, each its own plainly worded choice."""

    consent_ohchr = OptionalRadioField(
        _l("May we share your report confidentially with the UN Human Rights Office (OHCHR)?"),
        choices=v.pairs(v.YES_NO),
    )
    consent_public = OptionalRadioField(
        _l("May the case appear in the UN Secretary-General's public report on reprisals?"),
        choices=v.pairs(v.PUBLIC_REPORT),
    )
    consent_urgent = OptionalRadioField(
        _l("May we share it with UN Special Rapporteurs so they can send an urgent appeal "
           "to the government?"),
        choices=v.pairs(v.YES_NO),
    )
    consent_contact = OptionalRadioField(
        _l("May the reviewers' organization contact you?"),
        choices=v.pairs(v.YES_NO),
    )
    contact_how = _area(_l("If yes: how can they reach you safely?"), 1_000)


class ReportForm(ConsentFields):
    """The report form: the account is the only required field."""

    account = TextAreaField(
        _l("What happened?"),
        validators=[
            DataRequired(
                message=_l("Please tell us what happened: this is the one required field.")
            ),
            _length(ACCOUNT_MAX),
            clean_text,
        ],
    )
    about = OptionalRadioField(_l("Who is this about?"), choices=v.pairs(v.ABOUT))
    when = _text(_l("When did it happen? (a date, a month or a year is enough)"), SHORT_MAX)
    region = OptionalRadioField(_l("Where did it happen?"), choices=v.pairs(v.REGION))
    place = _text(_l("Town, city or place (optional; a region is enough)"), SHORT_MAX)
    engagement = MultiCheckboxField(
        _l("What contact with the UN came before?"), choices=v.pairs(v.ENGAGEMENT),
        validators=[clean_text],
    )
    un_body = MultiCheckboxField(
        _l("Which part of the UN?"), choices=v.pairs(v.UN_BODY), validators=[clean_text]
    )
    un_when = _text(_l("When was that contact with the UN?"), SHORT_MAX)
    reprisals = MultiCheckboxField(
        _l("What was done to you or to them?"), choices=v.pairs(v.REPRISAL),
        validators=[clean_text],
    )
    perpetrators = MultiCheckboxField(
        _l("Who did it?"), choices=v.pairs(v.PERPETRATOR), validators=[clean_text]
    )
    perpetrator_details = _area(_l("Anything more about who did it"), MEDIUM_MAX)
    gender = OptionalRadioField(_l("The affected person is"), choices=v.pairs(v.GENDER))
    minor = OptionalRadioField(
        _l("Was the affected person under 18?"), choices=v.pairs(v.YES_NO_UNKNOWN)
    )
    foreign = OptionalRadioField(
        _l("Is the affected person a foreign national?"), choices=v.pairs(v.YES_NO_UNKNOWN)
    )
    activity = MultiCheckboxField(
        _l("What work or role did the affected person have?"), choices=v.pairs(v.ACTIVITY),
        validators=[clean_text],
    )
    files = MultipleFileField(_l("Files (photos, documents, audio)"))


class LoginForm(FlaskForm):
    """Follow-up login with a codename."""

    codename = StringField(
        _l("Your codename"),
        validators=[
            DataRequired(message=_l("Please enter your codename.")),
            _length(SHORT_MAX),
            clean_text,
        ],
    )


class AddForm(FlaskForm):
    """More information or files for an existing report."""

    text = _area(_l("More information"), ACCOUNT_MAX)
    files = MultipleFileField(_l("More files"))


class ConsentForm(ConsentFields):
    """Change consent; `withdraw` sets every answer to the most protective one."""

    withdraw = BooleanField(_l("Withdraw all consent: do not share my report with anyone"))


class DeleteForm(FlaskForm):
    """Deleting a report needs an explicit tick."""

    confirm = BooleanField(
        _l("Yes, delete my report and everything I sent. This cannot be undone."),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))],
    )


class EmptyForm(FlaskForm):
    """A form with only a CSRF token (log out)."""
