"""Views of staff login, logout, enrolment and key unlocking, under /staff."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal import accounts, audit, db, keyring
from portal.auth import bp, lockout, passwords, sessions, totp
from portal.auth.forms import EmptyForm, EnrolForm, LoginForm, UnlockForm
from portal.auth.guard import guard_for, staff
from portal.staff_models import StaffAccount, now

#: Endpoints reachable without a staff session (the guard's allow-list).
OPEN_ENDPOINTS = frozenset({"auth.login", "auth.enrol"})
bp.before_request(guard_for(None, allow=OPEN_ENDPOINTS))


def _record(action: str, account: StaffAccount | None, **kwargs: Any) -> None:
    audit.record(db.get_session(), current_app.config["SECRET_KEY"], action, actor=account,
                 **kwargs)


def _landing(account: StaffAccount) -> str:
    return url_for("review.inbox") if account.is_reviewer else url_for("admin.accounts")


@bp.get("/")
def home() -> Response:
    """The staff start page: the inbox for reviewers, accounts for admins."""
    return redirect(_landing(staff().account), code=303)


def _check_login(form: LoginForm) -> StaffAccount | None:
    """The account if username, password and a fresh TOTP code are right, else None."""
    config = current_app.config
    session = db.get_session()
    memory = config["PORTAL_STAFF_ARGON2_MEMORY_KIB"]
    passes = config["PORTAL_STAFF_ARGON2_ITERATIONS"]
    username = (form.username.data or "").strip().lower()
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == username))
    at = now()
    if account is None or not account.active or not account.enrolled:
        passwords.verify_password(None, form.password.data or "", memory, passes)
        # What was typed as a username is never stored (it may be a mistyped password).
        _record(audit.Action.LOGIN_FAILED, account,
                detail="" if account is not None else "unknown or inactive account")
        session.commit()
        return None
    if lockout.locked(account, at):
        # Correct or not, nothing is checked while locked (no oracle for the attacker);
        # the same hashing work is done so the answer's timing does not tell either.
        passwords.verify_password(None, form.password.data or "", memory, passes)
        _record(audit.Action.LOGIN_LOCKED, account)
        session.commit()
        return None
    ok = passwords.verify_password(account.password_hash, form.password.data or "", memory, passes)
    step = None
    if ok and account.totp_sealed:
        secret = keyring.open_totp_secret(account.totp_sealed, config["SECRET_KEY"])
        step = totp.accept(secret, form.code.data or "", account.totp_last_step)
    if step is None:
        lockout.fail(account, at, config)
        _record(audit.Action.LOGIN_FAILED, account)
        session.commit()
        return None
    account.totp_last_step = step
    lockout.succeed(account)
    return account


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """One step: username, password and the current TOTP code."""
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate():
        return render_template("auth/login.html", form=form), 400
    account = _check_login(form)
    if account is None:
        return render_template("auth/login.html", form=form, failed=True), 401
    sessions.start(account)
    _record(audit.Action.LOGIN, account)
    db.get_session().commit()
    return redirect(_landing(account), code=303)


@bp.post("/logout")
def logout() -> Response:
    """Destroy the session (and the unlocked key with it)."""
    if not EmptyForm().validate():
        abort(400)
    _record(audit.Action.LOGOUT, staff().account)
    db.get_session().commit()
    sessions.end()
    response = redirect(url_for("auth.login"), code=303)
    # Ask the browser to drop what it kept of the dashboard (pages, cookies).
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.route("/unlock", methods=["GET", "POST"])
def unlock() -> Any:
    """Unlock the reviewer's key for this session."""
    context = staff()
    account = context.account
    if not account.is_reviewer:
        abort(403)
    if account.protected_identity is None:
        return render_template("auth/offline.html")
    form = UnlockForm()
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 400
        return render_template("auth/unlock.html", form=form,
                               idle_minutes=current_app.config["PORTAL_STAFF_IDLE_MINUTES"]), status
    at = now()
    session = db.get_session()
    if lockout.locked(account, at):
        _record(audit.Action.LOGIN_LOCKED, account)
        session.commit()
        return render_template("auth/unlock.html", form=form, failed=True,
                               idle_minutes=current_app.config["PORTAL_STAFF_IDLE_MINUTES"]), 401
    try:
        identity = keyring.unlock(account.protected_identity, form.passphrase.data or "")
    except keyring.KeyringError:
        lockout.fail(account, at, current_app.config)
        _record(audit.Action.UNLOCK_FAILED, account)
        session.commit()
        if lockout.locked(account, at):
            # Someone is guessing the passphrase with this session: end it.
            sessions.end()
            return redirect(url_for("auth.login"), code=303)
        return render_template("auth/unlock.html", form=form, failed=True,
                               idle_minutes=current_app.config["PORTAL_STAFF_IDLE_MINUTES"]), 401
    lockout.succeed(account)
    sealed = keyring.seal_identity(identity, context.cookie_secret)
    sessions.store().set_sealed(context.record, sealed)
    del identity
    _record(audit.Action.UNLOCK, account)
    session.commit()
    target = request.args.get("next", "")
    if not target.startswith("/staff/") or "//" in target or "\\" in target:
        target = url_for("review.inbox")
    return redirect(target, code=303)


@bp.post("/lock")
def lock() -> Response:
    """Forget the unlocked key now (the session stays)."""
    if not EmptyForm().validate():
        abort(400)
    context = staff()
    sessions.store().set_sealed(context.record, None)
    _record(audit.Action.LOCK, context.account)
    db.get_session().commit()
    return redirect(url_for("review.inbox"), code=303)


def _enrol_secret(account: StaffAccount) -> str:
    """The TOTP secret being enrolled, created (sealed) on first view."""
    secret_key = current_app.config["SECRET_KEY"]
    if account.totp_sealed is None:
        account.totp_sealed = keyring.seal_totp_secret(totp.new_secret(), secret_key)
        db.get_session().commit()
    return keyring.open_totp_secret(account.totp_sealed, secret_key)


def _enrol_errors(form: EnrolForm, account: StaffAccount) -> accounts.KeyChoice | None:
    """Check the enrolment form beyond its fields; errors go on the fields."""
    config = current_app.config
    password = form.password.data or ""
    form.password.errors = list(form.password.errors) + passwords.policy_errors(
        password, account.username, config["PORTAL_STAFF_PASSWORD_MIN"])
    if password != (form.confirm.data or ""):
        form.confirm.errors = [*form.confirm.errors, _("The two passwords differ.")]
    if not account.is_reviewer:
        return None
    if form.key_mode.data == "offline":
        try:
            keyring.check_recipient(form.recipient.data or "")
        except keyring.KeyringError:
            form.recipient.errors = [*form.recipient.errors,
                                     _("This is not an age recipient (age1... or age1pq1...).")]
        return accounts.KeyChoice("offline", recipient=form.recipient.data or "")
    phrase = form.passphrase.data or ""
    form.passphrase.errors = list(form.passphrase.errors) + passwords.policy_errors(
        phrase, account.username, config["PORTAL_STAFF_PASSWORD_MIN"])
    if phrase and phrase == password:
        form.passphrase.errors.append(_("Use a passphrase different from the password."))
    if phrase != (form.passphrase_confirm.data or ""):
        form.passphrase_confirm.errors = [*form.passphrase_confirm.errors,
                                          _("The two passphrases differ.")]
    return accounts.KeyChoice("browser", passphrase=phrase)


@bp.route("/enrol/<code>", methods=["GET", "POST"])
def enrol(code: str) -> Any:
    """Set a password, confirm TOTP from the QR code, set up the key."""
    session = db.get_session()
    account = accounts.account_for_code(session, code)
    if account is None:
        abort(404)
    secret = _enrol_secret(account)
    uri = totp.provisioning_uri(secret, account.username)
    form = EnrolForm()

    def page(status: int = 200) -> tuple[str, int]:
        return render_template("auth/enrol.html", form=form, account=account,
                               qr_svg=totp.qr_svg(uri), secret=secret), status

    if request.method == "GET":
        return page()
    valid = form.validate()
    key = _enrol_errors(form, account)
    step = totp.accept(secret, form.code.data or "", account.totp_last_step)
    if step is None:
        form.code.errors = [*form.code.errors, _("This code is not right. Check the time on "
                                                 "your phone and type the newest code.")]
    fields = (form.password, form.confirm, form.code, form.passphrase, form.passphrase_confirm,
              form.recipient)
    if not valid or step is None or any(f.errors for f in fields):
        return page(400)
    try:
        accounts.complete_enrolment(session, current_app.config, account,
                                    password=form.password.data or "", totp_step=step, key=key)
    except (accounts.AccountError, keyring.KeyringError):
        session.rollback()
        form.recipient.errors = [_("This recipient cannot be used.")]
        return page(400)
    return render_template("auth/enrolled.html", account=account)
