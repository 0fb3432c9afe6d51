"""Forms of the report view (each CSRF-protected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.models import ReportStatus

STATUS_LABELS = {
    ReportStatus.RECEIVED.value: _l("New"),
    ReportStatus.UNDER_REVIEW.value: _l("In review"),
    ReportStatus.NEED_INFO.value: _l("More information needed"),
    ReportStatus.CASE_OPENED.value: _l("Case opened"),
    ReportStatus.FORWARDED.value: _l("Forwarded"),
    ReportStatus.CLOSED.value: _l("Closed"),
    ReportStatus.DELETED.value: _l("Deleted"),
}

#: Statuses a reviewer can set by hand (deleting has its own, confirmed, action).
SETTABLE = [s for s in STATUS_LABELS if s != ReportStatus.DELETED.value]


class TriageForm(FlaskForm):
    """Status, urgency and assignee."""

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s, STATUS_LABELS[s]) for s in SETTABLE],  # type: ignore[arg-type]
    )
    urgent = BooleanField(_l("Urgent: ongoing or imminent harm (detention, disappearance)"))
    assignee = SelectField(_l("Assigned to"), choices=[], validate_choice=True)


class NoteForm(FlaskForm):
    """A note for the other reviewers (stored encrypted)."""

    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=20000)])


class TagsForm(FlaskForm):
    """Comma-separated tags (stored encrypted)."""

    tags = StringField(_l("Tags (separated by commas)"), validators=[Length(max=1000)])


class ReplyForm(FlaskForm):
    """A message the source reads at /followup."""

    text = TextAreaField(_l("Reply to the source"), validators=[DataRequired(),
                                                               Length(max=20000)])


class DeleteForm(FlaskForm):
    """Deleting needs a tick in the box."""

    confirm = BooleanField(_l("Yes, delete this report and everything stored with it"),
                           validators=[DataRequired()])
    code = StringField(_l("Code from your authenticator app"),
                       validators=[DataRequired(), Length(max=16)])
