"""Views of the reviewers' dashboard under /staff/review (all behind the guard)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

import crypto
from portal import audit, db, documents, intake, rekey
from portal.auth import stepup
from portal.auth.forms import EmptyForm
from portal.auth.guard import identities, staff
from portal.cases import store as case_store
from portal.models import Entry, EntryKind, Report, ReportStatus
from portal.review import bp, inbox, reading
from portal.review.forms import (
    STATUS_LABELS,
    DeleteForm,
    NoteForm,
    ReplyForm,
    TagsForm,
    TriageForm,
)
from portal.staff_models import ReportNote, ReportTags, StaffAccount
from portal.storage import BlobStore

_REPORT_ID = re.compile(r"\A[0-9a-f]{32}\Z")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _blobs() -> BlobStore:
    store: BlobStore = current_app.extensions["portal_blobs"]
    return store


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _report(report_id: str) -> Report:
    """The report, or 404 (ids are random; a malformed one is simply not found)."""
    if not _REPORT_ID.match(report_id):
        abort(404)
    report = db.get_session().get(Report, report_id)
    if report is None:
        abort(404)
    return report


def _reviewers() -> list[StaffAccount]:
    return list(db.get_session().scalars(
        select(StaffAccount).where(StaffAccount.is_reviewer, StaffAccount.active)
        .order_by(StaffAccount.username)))


def _recipients() -> list[crypto.Recipient]:
    return intake.active_recipients(db.get_session(), current_app.config["PORTAL_ORG_RECIPIENT"])


@bp.get("/")
def inbox_page() -> str:
    """Alias kept short for bookmarks."""
    return inbox_view()


@bp.get("/inbox", endpoint="inbox")
def inbox_view() -> str:
    """Reports, urgent first then newest, with server-side filters and pages."""
    filters = inbox.parse_filters(request.args)
    page = inbox.list_page(db.get_session(), filters, current_app.config["PORTAL_STAFF_PAGE_SIZE"])
    names = {a.id: a.username for a in _reviewers()}
    context = staff()
    tags = _page_tags([row.id for row in page.rows]) if filters.show_tags else None
    return render_template(
        "review/inbox.html", page=page, filters=filters, names=names,
        status_labels=STATUS_LABELS, pending_rekey=rekey.pending(db.get_session()),
        unlocked=context.unlocked, rekey_form=EmptyForm(), tags=tags,
        # Translated once per page rather than once per row.
        labels={key: str(label) for key, label in STATUS_LABELS.items()},
    )


def _page_tags(report_ids: list[str]) -> dict[str, list[str]] | None:
    """Tags of the reports on this page, decrypted in memory (None if the key is locked).

    Tags are encrypted like notes, so the server cannot filter on them; showing them
    costs one decryption per report and is therefore asked for explicitly.
    """
    keys = identities()
    if not keys or not report_ids:
        return None if not keys else {}
    session = db.get_session()
    rows = session.scalars(select(ReportTags).where(ReportTags.report_id.in_(report_ids)))
    found: dict[str, list[str]] = {}
    for row in rows:
        document = reading.decrypt_document(_blobs(), row.blob_id, keys)
        if document is not None:
            found[row.report_id] = [str(t) for t in document.get("tags") or []]
    audit.record(session, _secret(), audit.Action.TAGS_READ, actor=staff().account,
                 detail=f"{len(found)} report(s) on an inbox page")
    session.commit()
    return found


def _case_context() -> case_store.Context:
    return case_store.Context(db.get_session(), _blobs(), current_app.config, identities())


def _needs_key(report: Report) -> Response | None:
    if identities():
        return None
    return redirect(url_for("auth.unlock", next=url_for("review.report", report_id=report.id)),
                    code=303)


def _render_report(report: Report, status: int = 200, **forms: Any) -> Any:
    read = reading.read(db.get_session(), _blobs(), report, identities())
    reviewers = _reviewers()
    triage = forms.get("triage_form") or TriageForm(
        status=report.status if report.status in STATUS_LABELS else None,
        urgent=report.urgent, assignee=str(report.assignee_id or ""))
    triage.assignee.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(str(a.id), a.username) for a in reviewers]
    audit.record(db.get_session(), _secret(), audit.Action.DECRYPT, actor=staff().account,
                 report_id=report.id)
    db.get_session().commit()
    return render_template(
        "review/report.html", read=read, report=report, status_labels=STATUS_LABELS,
        report_cases=case_store.cases_for_report(db.get_session(), report.id),
        attachable=case_store.attachable(_case_context(), staff().account,
                                         exclude_report=report.id),
        case_form=EmptyForm(),
        fields=reading.fields, triage_form=triage,
        note_form=forms.get("note_form") or NoteForm(),
        tags_form=forms.get("tags_form") or TagsForm(tags=", ".join(read.tags)),
        reply_form=forms.get("reply_form") or ReplyForm(),
        delete_form=forms.get("delete_form") or DeleteForm(),
        names={a.id: a.username for a in reviewers}, notice=forms.get("notice"),
    ), status


@bp.get("/r/<report_id>")
def report(report_id: str) -> Any:
    """The decrypted report (escaped), its files with their scrub reports, notes, forms."""
    found = _report(report_id)
    if found.status == ReportStatus.DELETED.value:
        return render_template("review/deleted.html", report=found)
    return _needs_key(found) or _render_report(found)


@bp.post("/r/<report_id>/triage")
def triage(report_id: str) -> Any:
    """Change status, urgency and assignee (kept in the clear: the inbox needs them)."""
    found = _report(report_id)
    form = TriageForm()
    form.assignee.choices = [SelectChoice("", "")] + [
        SelectChoice(str(a.id), a.username) for a in _reviewers()]
    if found.status == ReportStatus.DELETED.value or not form.validate():
        abort(400)
    found.status = form.status.data or found.status
    found.urgent = bool(form.urgent.data)
    found.assignee_id = int(form.assignee.data) if form.assignee.data else None
    audit.record(db.get_session(), _secret(), audit.Action.TRIAGE, actor=staff().account,
                 report_id=found.id, detail=f"status {found.status} urgent {int(found.urgent)} "
                 f"assignee {found.assignee_id or '-'}")
    db.get_session().commit()
    return redirect(url_for("review.report", report_id=found.id), code=303)


def _put_document(document: dict[str, Any]) -> str:
    return _blobs().put(documents.encode(document), _recipients()).blob_id


@bp.post("/r/<report_id>/note")
def note(report_id: str) -> Any:
    """Add a note, encrypted like the report to every active reviewer."""
    found = _report(report_id)
    if (redirect_to := _needs_key(found)) is not None:
        return redirect_to
    form = NoteForm()
    if not form.validate():
        return _render_report(found, 400, note_form=form)
    session = db.get_session()
    blob_id = _put_document({"kind": "note", "text": form.text.data or ""})
    try:
        session.add(ReportNote(report_id=found.id, author_id=staff().account.id, blob_id=blob_id))
        audit.record(session, _secret(), audit.Action.NOTE, actor=staff().account,
                     report_id=found.id)
        session.commit()
    except BaseException:
        session.rollback()
        _blobs().delete(blob_id)
        raise
    return redirect(url_for("review.report", report_id=found.id), code=303)


@bp.post("/r/<report_id>/tags")
def tags(report_id: str) -> Any:
    """Replace the report's tags (one encrypted blob)."""
    found = _report(report_id)
    if (redirect_to := _needs_key(found)) is not None:
        return redirect_to
    form = TagsForm()
    if not form.validate():
        return _render_report(found, 400, tags_form=form)
    values = list(dict.fromkeys(t.strip()[:60] for t in (form.tags.data or "").split(",")
                                if t.strip()))[:30]
    session = db.get_session()
    row = session.get(ReportTags, found.id)
    old = row.blob_id if row is not None else None
    blob_id = _put_document({"kind": "tags", "tags": values})
    try:
        if row is None:
            session.add(ReportTags(report_id=found.id, blob_id=blob_id))
        else:
            row.blob_id = blob_id
        audit.record(session, _secret(), audit.Action.TAGS, actor=staff().account,
                     report_id=found.id, detail=f"{len(values)} tag(s)")
        session.commit()
    except BaseException:
        session.rollback()
        _blobs().delete(blob_id)
        raise
    if old is not None:
        _blobs().delete(old)
    return redirect(url_for("review.report", report_id=found.id), code=303)


@bp.post("/r/<report_id>/reply")
def reply(report_id: str) -> Any:
    """Send a reply: encrypted to the source's codename key and to the reviewers."""
    found = _report(report_id)
    if (redirect_to := _needs_key(found)) is not None:
        return redirect_to
    form = ReplyForm()
    if found.status == ReportStatus.DELETED.value:
        abort(400)
    if not form.validate():
        return _render_report(found, 400, reply_form=form)
    session = db.get_session()
    intake.add_reply(session, _blobs(), found, form.text.data or "", _recipients())
    audit.record(session, _secret(), audit.Action.REPLY, actor=staff().account,
                 report_id=found.id)
    session.commit()
    return redirect(url_for("review.report", report_id=found.id), code=303)


@bp.post("/r/<report_id>/delete")
def delete(report_id: str) -> Any:
    """Delete the report's content for good.

    Blobs (the ciphertext) are unlinked and the entry, note and tag rows deleted
    (SQLite runs with secure_delete, so freed pages are zeroed). Overwriting files
    in place would be pointless on SSDs and copy-on-write file systems, which keep
    old blocks wherever they like; what protects sources is that only ciphertext
    was ever written and that its key is gone from every future header. The report
    row stays, empty, with status "deleted", so the source is told at /followup.
    """
    found = _report(report_id)
    form = DeleteForm()
    if not form.validate():
        return (_needs_key(found) or _render_report(found, 400, delete_form=form))
    if not stepup.confirm(staff().account, form.code.data or ""):
        form.code.errors = [_("This code is not right. Check the time on your phone and type "
                              "the newest code.")]
        return (_needs_key(found) or _render_report(found, 400, delete_form=form))
    session = db.get_session()
    blob_ids = [e.blob_id for e in found.entries]
    blob_ids += list(session.scalars(select(ReportNote.blob_id).where(
        ReportNote.report_id == found.id)))
    tags_row = session.get(ReportTags, found.id)
    if tags_row is not None:
        blob_ids.append(tags_row.blob_id)
        session.delete(tags_row)
    for row in session.scalars(select(ReportNote).where(ReportNote.report_id == found.id)):
        session.delete(row)
    found.entries.clear()
    found.status = ReportStatus.DELETED.value
    found.urgent = False
    found.assignee_id = None
    found.metadata_kept = False
    audit.record(session, _secret(), audit.Action.DELETE, actor=staff().account,
                 report_id=found.id, detail=f"{len(blob_ids)} blob(s)")
    session.commit()
    _blobs().delete_many(blob_ids)
    return redirect(url_for("review.inbox"), code=303)


def _file_entry(found: Report, blob_id: str) -> Entry:
    for entry in found.entries:
        if entry.blob_id == blob_id and entry.kind == EntryKind.FILE.value:
            return entry
    abort(404)


@bp.get("/r/<report_id>/file/<blob_id>")
def download(report_id: str, blob_id: str) -> Any:
    """One attachment, decrypted in memory, only ever as a download."""
    found = _report(report_id)
    if (redirect_to := _needs_key(found)) is not None:
        return redirect_to
    entry = _file_entry(found, blob_id)
    try:
        data = _blobs().decrypt(entry.blob_id, identities())
    except crypto.AgeError:
        abort(403)
    name = _download_name(found, entry)
    audit.record(db.get_session(), _secret(), audit.Action.DOWNLOAD, actor=staff().account,
                 report_id=found.id, detail=f"entry {entry.seq}")
    db.get_session().commit()
    response = send_file(io.BytesIO(data), mimetype="application/octet-stream",
                         as_attachment=True, download_name=name, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _download_name(found: Report, entry: Entry) -> str:
    """A safe ASCII file name: the scrubbed name's extension and the entry number."""
    read = reading.read(db.get_session(), _blobs(), found, identities())
    for attachment in read.attachments:
        if attachment.entry.blob_id == entry.blob_id and attachment.scrub:
            original = str(attachment.scrub.get("filename") or "")
            if "." in original:
                ext = _SAFE_NAME.sub("", original.rsplit(".", 1)[1])[:10]
                if ext:
                    return f"report-{found.id[:8]}-file-{entry.seq}.{ext}"
    return f"report-{found.id[:8]}-file-{entry.seq}.bin"


@bp.get("/r/<report_id>/export")
def export(report_id: str) -> Any:
    """Offline mode: the report's encrypted files in a zip, for age -d on another machine."""
    found = _report(report_id)
    buffer = io.BytesIO()
    manifest = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry in found.entries:
            name = f"{entry.seq:03d}-{entry.kind}.age"
            archive.writestr(name, _blobs().read(entry.blob_id))
            manifest.append({"file": name, "kind": entry.kind, "added_on":
                             entry.added_on.isoformat()})
        archive.writestr("README.txt", _("Each .age file is encrypted to the reviewers' keys. "
                                         "Open one with: age -d -i KEYFILE FILE > OUT  or  "
                                         "portal decrypt -i KEYFILE FILE. Files of kind "
                                         "'report', 'addition', 'consent' and 'reply' are JSON "
                                         "documents; 'file' entries are attachments.") + "\n")
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    audit.record(db.get_session(), _secret(), audit.Action.EXPORT, actor=staff().account,
                 report_id=found.id)
    db.get_session().commit()
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"report-{found.id}.zip", max_age=0)


@bp.post("/rekey")
def run_rekey() -> Any:
    """Re-key the backlog for the current reviewers with this reviewer's key."""
    if not EmptyForm().validate():
        abort(400)
    if not identities():
        return redirect(url_for("auth.unlock", next=url_for("review.inbox")), code=303)
    result = rekey.rekey_all(db.get_session(), _blobs(), _secret(), identities(),
                             current_app.config["PORTAL_ORG_RECIPIENT"], staff().account,
                             limit=current_app.config["PORTAL_STAFF_REKEY_BATCH"])
    return render_template("review/rekeyed.html", result=result, rekey_form=EmptyForm())
