"""Forms of login, enrolment and key unlocking (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.staff_models import USERNAME_MAX


class EmptyForm(FlaskForm):
    """A button only (logout, lock): the CSRF token is the whole form."""


class LoginForm(FlaskForm):
    """Username, password and the current TOTP code, in one step."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=USERNAME_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    code = StringField(_l("Code from your authenticator app"),
                       validators=[DataRequired(), Length(max=16)])


class EnrolForm(FlaskForm):
    """Choose a password, confirm TOTP, and (reviewers) set up a key."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Repeat the password"), validators=[DataRequired()])
    code = StringField(_l("Code from your authenticator app"),
                       validators=[DataRequired(), Length(max=16)])
    key_mode = RadioField(
        _l("Your decryption key"),
        choices=[
            SelectChoice("browser",
                         _l("Create a key here, protected by a passphrase only I know")),
            SelectChoice("offline",
                         _l("I keep my key offline; I give only my public age recipient")),
        ],
        default="browser",
        validators=[Optional()],
    )
    passphrase = PasswordField(_l("Key passphrase (different from the password)"),
                               validators=[Optional(), Length(max=1024)])
    passphrase_confirm = PasswordField(_l("Repeat the key passphrase"),
                                       validators=[Optional(), Length(max=1024)])
    recipient = TextAreaField(_l("Public age recipient (age1... or age1pq1...)"),
                              validators=[Optional(), Length(max=4000)])


class UnlockForm(FlaskForm):
    """The key passphrase."""

    passphrase = PasswordField(_l("Key passphrase"), validators=[DataRequired(),
                                                                 Length(max=1024)])
