"""Views of the admin area under /staff/admin (all behind the admin guard)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal import accounts as staff_accounts
from portal import audit, db, keyring, rekey
from portal.admin import bp
from portal.auth import lockout, stepup
from portal.auth.forms import EmptyForm
from portal.auth.guard import identities, staff
from portal.models import Reviewer
from portal.staff_models import AuditEvent, StaffAccount, now

AUDIT_PAGE = 100


class RecipientForm(FlaskForm):
    """A standalone (offline) age recipient of the organization."""

    recipient = TextAreaField(_l("Public age recipient (age1... or age1pq1...)"),
                              validators=[DataRequired(), Length(max=4000)])


class NewAccountForm(FlaskForm):
    """A new staff member."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    admin = BooleanField(_l("Admin (manages accounts; cannot read reports)"))
    reviewer = BooleanField(_l("Reviewer (reads and triages reports)"), default=True)


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _account(account_id: int) -> StaffAccount:
    account = db.get_session().get(StaffAccount, account_id)
    if account is None:
        abort(404)
    return account


def _page(status: int = 200, **extra: Any) -> Any:
    session = db.get_session()
    rows = list(session.scalars(select(StaffAccount).order_by(StaffAccount.username)))
    recipients = {r.id: r for r in session.scalars(select(Reviewer).order_by(Reviewer.id))}
    owned = {a.reviewer_id for a in rows if a.reviewer_id is not None}
    at = now()
    locked = {a.id for a in rows if lockout.locked(a, at)}
    return render_template(
        "admin/accounts.html", accounts=rows, recipients=recipients,
        standalone=[r for r in recipients.values() if r.id not in owned], locked=locked,
        recipient_form=extra.pop("recipient_form", None) or RecipientForm(),
        form=extra.pop("form", None) or NewAccountForm(), button=EmptyForm(),
        revoke_form=RevokeForm(),
        pending_rekey=rekey.pending(session), **extra,
    ), status


@bp.get("/")
def accounts() -> Any:
    """Every account, its roles, key mode, state; the form for a new one."""
    return _page()


def _enrol_url(code: str) -> str:
    return url_for("auth.enrol", code=code, _external=True)


@bp.post("/accounts")
def create() -> Any:
    """Create an account and show its one-time enrolment link once."""
    form = NewAccountForm()
    if not form.validate():
        return _page(400, form=form)
    try:
        issued = staff_accounts.create_account(
            db.get_session(), _secret(), form.username.data or "", admin=bool(form.admin.data),
            reviewer=bool(form.reviewer.data),
            enrol_hours=current_app.config["PORTAL_STAFF_ENROL_HOURS"], actor=staff().account)
    except staff_accounts.AccountError as exc:
        db.get_session().rollback()
        form.username.errors = [str(exc)]
        return _page(400, form=form)
    return _page(issued=issued, enrol_url=_enrol_url(issued.code))


@bp.post("/accounts/<int:account_id>/enrolment")
def new_enrolment(account_id: int) -> Any:
    """A fresh enrolment link (lost phone, forgotten password): resets login factors."""
    if not EmptyForm().validate():
        abort(400)
    account = _account(account_id)
    try:
        issued = staff_accounts.issue_enrolment(db.get_session(), _secret(), account,
                                          current_app.config["PORTAL_STAFF_ENROL_HOURS"],
                                          actor=staff().account)
    except staff_accounts.AccountError:
        abort(400)
    return _page(issued=issued, enrol_url=_enrol_url(issued.code))


class RevokeForm(FlaskForm):
    """Revoking needs a fresh code from the admin's authenticator (step-up)."""

    code = StringField(_l("Code from your authenticator app"),
                       validators=[DataRequired(), Length(max=16)])


@bp.post("/accounts/<int:account_id>/revoke")
def revoke(account_id: int) -> Any:
    """Revoke: sessions end, the key stops receiving reports, a re-key is queued (or run)."""
    form = RevokeForm()
    if not form.validate():
        abort(400)
    account = _account(account_id)
    if not stepup.confirm(staff().account, form.code.data or ""):
        return _page(400, notice=_("This code is not right. Check the time on your phone and "
                                   "type the newest code."))
    try:
        staff_accounts.revoke(db.get_session(), _secret(), account, staff().account)
    except staff_accounts.AccountError:
        abort(400)
    notice = _("The account was revoked. Older reports still open with its key until they "
               "are re-keyed: a reviewer must run the re-key from the inbox.")
    if staff().account.is_reviewer and identities():
        result = rekey.rekey_all(db.get_session(), current_app.extensions["portal_blobs"],
                                 _secret(), identities(),
                                 current_app.config["PORTAL_ORG_RECIPIENT"], staff().account,
                                 limit=current_app.config["PORTAL_STAFF_REKEY_BATCH"])
        if not result.remaining and not result.skipped_reports:
            notice = _("The account was revoked and %(n)d report(s) were re-keyed.",
                       n=result.reports)
    return _page(notice=notice)


@bp.post("/recipients")
def add_recipient() -> Any:
    """Register an organization's offline recipient (no login); a re-key is queued."""
    form = RecipientForm()
    if not form.validate():
        return _page(400, recipient_form=form)
    try:
        staff_accounts.add_standalone_recipient(db.get_session(), _secret(),
                                                form.recipient.data or "", staff().account)
    except keyring.KeyringError:
        db.get_session().rollback()
        form.recipient.errors = [_("This is not an age recipient (age1... or age1pq1...).")]
        return _page(400, recipient_form=form)
    except staff_accounts.AccountError as exc:
        db.get_session().rollback()
        form.recipient.errors = [str(exc)]
        return _page(400, recipient_form=form)
    return redirect(url_for("admin.accounts"), code=303)


@bp.post("/recipients/<int:reviewer_id>/deactivate")
def deactivate_recipient(reviewer_id: int) -> Any:
    """Stop encrypting new reports to a standalone recipient; a re-key is queued."""
    if not EmptyForm().validate():
        abort(400)
    reviewer = db.get_session().get(Reviewer, reviewer_id)
    if reviewer is None:
        abort(404)
    try:
        staff_accounts.deactivate_recipient(db.get_session(), _secret(), reviewer,
                                            staff().account)
    except staff_accounts.AccountError:
        abort(400)
    return redirect(url_for("admin.accounts"), code=303)


@bp.post("/accounts/<int:account_id>/clear-lockout")
def clear_lockout(account_id: int) -> Response:
    """Let a locked-out person try again."""
    if not EmptyForm().validate():
        abort(400)
    staff_accounts.clear_lockout(db.get_session(), _secret(), _account(account_id), staff().account)
    return redirect(url_for("admin.accounts"), code=303)


@bp.get("/audit")
def audit_log() -> str:
    """The newest audit events and whether the chain verifies."""
    session = db.get_session()
    before = request.args.get("before", "")
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(AUDIT_PAGE)
    if before.isdigit():
        query = query.where(AuditEvent.id < int(before))
    events = list(session.scalars(query))
    check = audit.verify(session, _secret())
    return render_template("admin/audit.html", events=events, check=check)
