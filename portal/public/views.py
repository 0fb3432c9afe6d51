"""Views of the public side: /, /safety, /submit, /followup, quick exit.

Every page works without JavaScript. Nothing about the visitor (address,
User-Agent, languages, time) is read for storage; forms are CSRF-protected and
the first cookie appears only when someone opens a form.
"""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from portal import db, intake, ratelimit
from portal import vocabulary as v
from portal.attachments import AttachmentRefused, Upload
from portal.codename import KdfParams
from portal.i18n import current_language
from portal.models import EntryKind, Report, today
from portal.public import bp, session_token
from portal.public.forms import AddForm, ConsentForm, DeleteForm, EmptyForm, LoginForm, ReportForm
from portal.ratelimit import global_key, limiter, session_key, setting
from portal.storage import BlobStore

MiB = 1024 * 1024


def _blobs() -> BlobStore:
    store: BlobStore = current_app.extensions["portal_blobs"]
    return store


def _kdf() -> KdfParams:
    return KdfParams(
        memory_kib=current_app.config["PORTAL_KDF_MEMORY_KIB"],
        iterations=current_app.config["PORTAL_KDF_ITERATIONS"],
    )


def _recipients() -> list[Any]:
    return intake.active_recipients(db.get_session(), current_app.config["PORTAL_ORG_RECIPIENT"])


def _limits() -> dict[str, Any]:
    config = current_app.config
    return {
        "max_files": config["PORTAL_MAX_FILES"],
        "max_file_mb": max(1, config["PORTAL_MAX_FILE_BYTES"] // MiB),
        "max_total_mb": max(1, config["MAX_CONTENT_LENGTH"] // MiB),
    }


def _not_accepting() -> tuple[str, int]:
    return render_template("public/not_accepting.html"), 503


@bp.get("/")
def index() -> str:
    """What the portal is, who reads reports, how to stay safe."""
    return render_template("public/index.html")


@bp.get("/safety")
def safety() -> str:
    """Reaching the portal where Tor is blocked, device hygiene, limits."""
    return render_template("public/safety.html")


@bp.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    """A trivial endpoint for monitoring and the benchmark's reference."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/exit")
def quick_exit() -> Response:
    """Leave at once for a harmless site, forgetting the session (no JavaScript)."""
    session.clear()
    response = redirect(current_app.config["PORTAL_QUICK_EXIT_URL"], code=303)
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    response.delete_cookie(
        current_app.config["SESSION_COOKIE_NAME"], httponly=True, samesite="Strict"
    )
    return response


def _uploads(field_files: list[FileStorage], form_field: Any) -> list[Upload] | None:
    """Check the chosen files; errors go beside the field (None if any)."""
    config = current_app.config
    chosen = [f for f in field_files if f.filename or _size(f)]
    errors: list[str] = []
    if len(chosen) > config["PORTAL_MAX_FILES"]:
        errors.append(_("Please choose at most %(n)d files at a time; you can send more later "
                        "under the same codename.", n=config["PORTAL_MAX_FILES"]))
    uploads: list[Upload] = []
    for index, storage in enumerate(chosen, start=1):
        size = _size(storage)
        if size == 0:
            errors.append(_("File %(n)d is empty.", n=index))
        elif size > config["PORTAL_MAX_FILE_BYTES"]:
            errors.append(_("File %(n)d is larger than %(mb)d MB.", n=index,
                            mb=config["PORTAL_MAX_FILE_BYTES"] // MiB))
        else:
            uploads.append(Upload(storage.filename or "", storage.mimetype or None,
                                  storage.stream, size))
    if errors:
        form_field.errors = list(form_field.errors or []) + errors
        return None
    return uploads


def _size(storage: FileStorage) -> int:
    stream = storage.stream
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


def _choice(value: str | None, choices: tuple[v.Choice, ...]) -> str | None:
    terms = v.record_terms(choices, value)
    return terms[0] if terms else None


def _consent(form: ConsentForm | ReportForm) -> dict[str, Any]:
    unanswered = "not answered (treat as the most protective choice)"
    return {
        "share_confidentially_with_ohchr": _choice(form.consent_ohchr.data, v.YES_NO) or unanswered,
        "secretary_general_public_report": _choice(form.consent_public.data, v.PUBLIC_REPORT)
        or unanswered,
        "special_procedures_urgent_appeal": _choice(form.consent_urgent.data, v.YES_NO)
        or unanswered,
        "organization_may_contact": _choice(form.consent_contact.data, v.YES_NO) or unanswered,
        "how_to_contact": form.contact_how.data or "",
    }


def _document(form: ReportForm) -> dict[str, Any]:
    """The report as reviewers will read it: plain choices mapped to record terms."""
    return {
        "received_on": today().isoformat(),
        "ui_language": current_language().code,
        "account": form.account.data,
        "about": _choice(form.about.data, v.ABOUT),
        "when": form.when.data or "",
        "region": _choice(form.region.data, v.REGION),
        "place": form.place.data or "",
        "un_engagement": v.record_terms(v.ENGAGEMENT, form.engagement.data),
        "un_body": v.record_terms(v.UN_BODY, form.un_body.data),
        "un_engagement_when": form.un_when.data or "",
        "reprisals": v.record_terms(v.REPRISAL, form.reprisals.data),
        "perpetrators": v.record_terms(v.PERPETRATOR, form.perpetrators.data),
        "perpetrator_details": form.perpetrator_details.data or "",
        "profile": {
            "gender": _choice(form.gender.data, v.GENDER),
            "minor": _choice(form.minor.data, v.YES_NO_UNKNOWN),
            "foreign_national": _choice(form.foreign.data, v.YES_NO_UNKNOWN),
            "activity": v.record_terms(v.ACTIVITY, form.activity.data),
        },
        "consent": _consent(form),
    }


def _render_submit(form: ReportForm, status: int = 200) -> tuple[str, int]:
    return render_template("public/submit.html", form=form, limits=_limits()), status


@bp.errorhandler(400)
def _bad_request(error: Any) -> Any:
    """A forged or missing CSRF token on the report form keeps what was typed."""
    from flask_wtf.csrf import CSRFError

    from portal.security import CSRF_TEXT, handle_http_error, render_error

    if not isinstance(error, CSRFError):
        return handle_http_error(error)
    if request.endpoint == "public.submit":
        form = ReportForm()  # refilled from what was sent, with a fresh token
        return render_template(
            "public/submit.html", form=form, limits=_limits(), csrf_message=CSRF_TEXT
        ), 400
    return render_error(400, *CSRF_TEXT)


@bp.route("/submit", methods=["GET", "POST"])
@limiter.limit(lambda: setting("PORTAL_RATELIMIT_SUBMIT_SESSION"), key_func=session_key,
               methods=["POST"])
@limiter.limit(lambda: setting("PORTAL_RATELIMIT_SUBMIT_GLOBAL"), key_func=global_key,
               methods=["POST"])
def submit() -> Any:
    """The report form; on success, the codename page (shown once)."""
    try:
        recipients = _recipients()
    except intake.NotAccepting:
        return _not_accepting()
    form = ReportForm()
    if request.method == "GET":
        return _render_submit(form)
    if not form.validate():
        return _render_submit(form, 400)
    uploads = _uploads(request.files.getlist(form.files.name), form.files)
    if uploads is None:
        return _render_submit(form, 400)
    try:
        receipt = intake.create_report(
            db.get_session(), _blobs(), recipients, _document(form), uploads,
            word_count=current_app.config["PORTAL_CODENAME_WORDS"], kdf=_kdf(),
        )
    except AttachmentRefused as refused:
        form.files.errors = [*list(form.files.errors or []), str(refused.message)]
        return _render_submit(form, 400)
    return render_template(
        "public/received.html", codename=receipt.codename.split(" "), files=receipt.files
    )


@bp.route("/followup", methods=["GET", "POST"])
@limiter.limit(lambda: setting("PORTAL_RATELIMIT_LOGIN_SESSION"), key_func=session_key,
               methods=["POST"])
@limiter.limit(lambda: setting("PORTAL_RATELIMIT_LOGIN_GLOBAL"), key_func=global_key,
               methods=["POST"])
def followup() -> Any:
    """Log in with a codename."""
    form = LoginForm()
    if request.method == "GET":
        if session_token.load() is not None:
            return redirect(url_for("public.followup_report"), code=303)
        return render_template("public/followup_login.html", form=form)
    if not form.validate():
        return render_template("public/followup_login.html", form=form), 400
    report, tag, seed = intake.find_report(db.get_session(), form.codename.data or "", _kdf())
    if not ratelimit.hit_codename(tag):
        abort(429)
    if report is None:
        # One neutral message whatever was wrong; nothing says whether it was close.
        return render_template("public/followup_login.html", form=form, failed=True), 401
    session_token.store(session_token.FollowupLogin(report.id, seed))
    return redirect(url_for("public.followup_report"), code=303)


def _logged_in_report() -> tuple[Report, bytes] | None:
    login = session_token.load()
    if login is None:
        return None
    report = db.get_session().get(Report, login.report_id)
    if report is None:
        session_token.clear()
        return None
    return report, login.seed


def _source_report() -> tuple[Report, bytes]:
    """The logged-in source's report and reply seed; without a login, the request
    ends with a redirect to the codename page."""
    current = _logged_in_report()
    if current is None:
        abort(redirect(url_for("public.followup"), code=303))
    return current


def _render_report(report: Report, seed: bytes, status: int = 200, **forms: Any) -> Any:
    replies = intake.read_replies(_blobs(), report, seed)
    context = {
        "report": report,
        "status_label": v.STATUS_LABELS.get(report.status, report.status),
        "statuses": [(step, v.STATUS_LABELS[step]) for step in v.STATUS_STEPS],
        "replies": replies,
        "add_form": forms.get("add_form") or AddForm(),
        "consent_form": forms.get("consent_form") or ConsentForm(),
        "delete_form": forms.get("delete_form") or DeleteForm(),
        "logout_form": EmptyForm(),
        "limits": _limits(),
        "added_files": forms.get("added_files"),
        "notice": forms.get("notice"),
    }
    return render_template("public/followup.html", **context), status


@bp.get("/followup/report")
def followup_report() -> Any:
    """The report's status, replies, and what the source can do."""
    return _render_report(*_source_report())


@bp.post("/followup/add")
@limiter.limit(lambda: setting("PORTAL_RATELIMIT_SUBMIT_SESSION"), key_func=session_key)
def followup_add() -> Any:
    """Add information or files under the same codename."""
    report, seed = _source_report()
    if not ratelimit.hit_codename(report.lookup_tag):
        abort(429)
    form = AddForm()
    if not form.validate():
        return _render_report(report, seed, 400, add_form=form)
    uploads = _uploads(request.files.getlist(form.files.name), form.files)
    if uploads is None:
        return _render_report(report, seed, 400, add_form=form)
    if not (form.text.data or "").strip() and not uploads:
        form.text.errors = [_("Please write something or choose a file.")]
        return _render_report(report, seed, 400, add_form=form)
    try:
        files = intake.add_to_report(
            db.get_session(), _blobs(), _recipients(), report, EntryKind.ADDITION,
            {"received_on": today().isoformat(), "text": form.text.data or ""}, uploads,
        )
    except intake.NotAccepting:
        return _not_accepting()
    except AttachmentRefused as refused:
        form.files.errors = [str(refused.message)]
        return _render_report(report, seed, 400, add_form=form)
    return _render_report(report, seed, added_files=files,
                          notice=_("Thank you. What you added was received."))


@bp.post("/followup/consent")
def followup_consent() -> Any:
    """Change or withdraw consent (stored encrypted, like the report)."""
    report, seed = _source_report()
    if not ratelimit.hit_codename(report.lookup_tag):
        abort(429)
    form = ConsentForm()
    if not form.validate():
        return _render_report(report, seed, 400, consent_form=form)
    if form.withdraw.data:
        consent: dict[str, Any] = {
            "share_confidentially_with_ohchr": "No",
            "secretary_general_public_report": "Confidential",
            "special_procedures_urgent_appeal": "No",
            "organization_may_contact": "No",
            "how_to_contact": "",
            "withdrawn": True,
        }
    else:
        consent = {**_consent(form), "withdrawn": False}
    try:
        intake.add_to_report(
            db.get_session(), _blobs(), _recipients(), report, EntryKind.CONSENT,
            {"received_on": today().isoformat(), "consent": consent},
        )
    except intake.NotAccepting:
        return _not_accepting()
    notice = _("Your consent was withdrawn.") if form.withdraw.data else _(
        "Your consent choices were updated."
    )
    return _render_report(report, seed, notice=notice)


@bp.post("/followup/delete")
def followup_delete() -> Any:
    """Delete the report and everything sent with it."""
    report, seed = _source_report()
    form = DeleteForm()
    if not form.validate():
        return _render_report(report, seed, 400, delete_form=form)
    intake.delete_report(db.get_session(), _blobs(), report)
    session.clear()
    return render_template("public/deleted.html")


@bp.post("/followup/logout")
def followup_logout() -> Any:
    """Forget the follow-up login."""
    form = EmptyForm()
    if form.validate():
        session.clear()
    return redirect(url_for("public.index"), code=303)
