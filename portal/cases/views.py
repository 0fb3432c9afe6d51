"""Views of cases under /staff/cases (reviewers) and /staff/case-admin (admins).

Every view is behind the blueprint's guard. Decrypting needs the reviewer's
unlocked key; the identity tier opens only for the case owner and custodians. The
export gate runs inside portal.export.service.prepare on every preview, approval
and download: no view writes export bytes any other way.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

import crypto
from portal import audit, db, intake
from portal.anonymize import KINDS, ROLES, Entity, reidentify
from portal.auth.forms import EmptyForm
from portal.auth.guard import identities, staff
from portal.cases import admin_bp, bp, build, duplicates, record, richtext, store, tiers, vocab
from portal.cases.forms import (
    CASE_STATUS_LABELS,
    DUPLICATE_KIND_LABELS,
    EXPORT_STATUS_LABELS,
    FACTOR_LABELS,
    FORMAT_LABELS,
    KIND_LABELS,
    PURPOSE_LABELS,
    ROLE_LABELS,
    AttachForm,
    CustodianForm,
    EntityForm,
    ExportForm,
    FollowUpForm,
    IdentityForm,
    NewCaseForm,
    RecipientForm,
    RecordForm,
    ShredForm,
    pairs,
)
from portal.cases.models import (
    CaseRecord,
    CaseStatus,
    Custodian,
    ExportRequest,
    ExportStatus,
    ForwardRecipient,
)
from portal.export import bundle, service
from portal.export.gate import Problem
from portal.models import Report, new_id, today
from portal.staff_models import StaffAccount

_ID = re.compile(r"\A[0-9a-f]{32}\Z")

#: Audited action names (stable strings: part of the hash chain).
CASE_CREATED = "case_created"
CASE_REPORTS_ADDED = "case_reports_added"
CASE_UPDATED = "case_updated"
CASE_IDENTITY_READ = "case_identity_read"
CASE_SHREDDED = "case_shredded"
EXPORT_REQUESTED = "export_requested"
EXPORT_APPROVED = "export_approved"
EXPORT_DECLINED = "export_declined"
EXPORT_REFUSED = "export_refused_by_gate"
EXPORTED = "case_exported"


def _ctx() -> store.Context:
    return store.Context(db.get_session(), current_app.extensions["portal_blobs"],
                         current_app.config, identities())


def _audit(action: str, detail: str) -> None:
    audit.record(db.get_session(), str(current_app.config["SECRET_KEY"]), action,
                 actor=staff().account, detail=detail)


def _case(case_id: str) -> CaseRecord:
    if not _ID.match(case_id):
        abort(404)
    case = db.get_session().get(CaseRecord, case_id)
    if case is None:
        abort(404)
    return case


def _need_key(next_url: str) -> Response | None:
    if identities():
        return None
    return redirect(url_for("auth.unlock", next=next_url), code=303)


def _summary_or_403(case: CaseRecord) -> dict[str, Any]:
    try:
        return store.summary(_ctx(), case)
    except tiers.NoAccess:
        abort(403)


def _identity_or_none(case: CaseRecord) -> dict[str, Any] | None:
    try:
        return store.identity(_ctx(), case)
    except tiers.NoAccess:
        return None


def _names() -> dict[int, str]:
    return {a.id: a.username for a in db.get_session().scalars(select(StaffAccount))}


def _render_rich(value: str) -> Markup:
    """Rich text sanitized again on the way out (defence in depth)."""
    return Markup(richtext.sanitize(value))  # noqa: S704  (bleach-sanitized subset)


@bp.app_template_global("case_label")
def case_label(value: str) -> object:
    """A stored vocabulary value's screen label."""
    return vocab.label(value)


@bp.app_template_global("case_status_label")
def case_status_label(value: str) -> object:
    """Where a case is in the organization's work (open, ready, closed), translated."""
    return CASE_STATUS_LABELS.get(value, value)


@bp.app_template_global("export_status_label")
def export_status_label(value: str) -> object:
    """An export request's state, translated."""
    return EXPORT_STATUS_LABELS.get(value, value)


@bp.app_template_global("entity_kind_label")
def entity_kind_label(value: str) -> object:
    """What kind of identifying detail the gate found, translated."""
    return KIND_LABELS.get(value, value)


@bp.app_template_global("duplicate_kind_label")
def duplicate_kind_label(value: str) -> object:
    """What two possibly duplicate cases share, translated."""
    return DUPLICATE_KIND_LABELS.get(value, value)


@bp.app_template_global("country_label")
def country_label(code: str) -> str:
    """A country code with its name in the reviewer's language."""
    from flask_babel import get_locale

    if not code:
        return ""
    locale = get_locale()
    return f"{vocab.country_name(code, str(locale) if locale else 'en')} ({code})"


# --- list and creation ------------------------------------------------------------------

@bp.get("/")
def index() -> str:
    """Cases, newest first, and export requests waiting for a second reviewer."""
    session = db.get_session()
    cases = list(session.scalars(select(CaseRecord).order_by(CaseRecord.updated_on.desc(),
                                                             CaseRecord.id)))
    dupes = {c.id: duplicates.possible_duplicates(session, c.id) for c in cases}
    batches: dict[str, list[ExportRequest]] = {}
    for req in session.scalars(select(ExportRequest).where(
            ExportRequest.status == ExportStatus.PENDING).order_by(ExportRequest.id)):
        batches.setdefault(req.batch_id or f"request-{req.id}", []).append(req)
    pending = [(rows[0], len(rows)) for rows in batches.values()]
    titles: dict[str, str] = {}
    if identities():
        for case in cases:
            try:
                titles[case.id] = str(store.summary(_ctx(), case)["record"].get("title") or "")
            except tiers.NoAccess:
                titles[case.id] = ""
    return render_template("cases/list.html", cases=cases, dupes=dupes, pending=pending,
                           names=_names(), me=staff().account.id, titles=titles,
                           unreadable=[c for c in cases if titles.get(c.id) is None],
                           rekey_form=EmptyForm(), unlocked=bool(identities()))


@bp.post("/rekey")
def rekey() -> Any:
    """Give every case summary a header for the current reviewers (after a change)."""
    if not EmptyForm().validate():
        abort(400)
    if (redirect_to := _need_key(url_for("cases.index"))) is not None:
        return redirect_to
    done, skipped = store.rekey_summaries(_ctx())
    _audit("case_summaries_rekeyed", f"{done} summary(ies), {skipped} skipped")
    db.get_session().commit()
    flash(_("%(done)d case summaries re-keyed for the current reviewers; %(skipped)d could not "
            "be opened with your key.", done=done, skipped=skipped))
    return redirect(url_for("cases.index"), code=303)


#: What a reviewer is told when a case cannot be made or changed (store.CaseError codes).
CASE_ERRORS = {
    "no_reports": _l("Choose at least one report."),
    "deleted_report": _l("A deleted report cannot become part of a case."),
    "unreadable_report": _l("Your key cannot open one of these reports."),
    "already_in_case": _l("These reports are already part of this case."),
    "follow_up_kind": _l("Unknown kind of follow-up."),
}
#: Reports one request may name (a case is built from a handful, not thousands).
MAX_REPORTS = 50
_REPORT_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def _report_ids(text: str) -> list[str]:
    """Report ids found in what was typed or ticked, in order, without repeats."""
    return list(dict.fromkeys(_REPORT_ID.findall(text.lower())))


def _reports(ids: list[str]) -> list[Report]:
    """The reports with these ids that exist, in the order given."""
    if not ids:
        return []
    found = {r.id: r for r in db.get_session().scalars(select(Report).where(Report.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _report_rows(reports: list[Report]) -> list[dict[str, Any]]:
    """What the pages show about chosen reports (no decryption: clear columns only)."""
    from portal.review.forms import STATUS_LABELS

    session = db.get_session()
    return [{"id": r.id, "received_on": r.received_on.isoformat(),
             "status": STATUS_LABELS.get(r.status, r.status),
             "cases": store.cases_for_report(session, r.id)} for r in reports]


def _new_page(form: NewCaseForm, ids: list[str], error: str | None = None,
              status: int = 200) -> Any:
    return render_template("cases/new.html", form=form, error=error,
                           chosen=_report_rows(_reports(ids)), max_reports=MAX_REPORTS), status


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    """Create a case from one or more reports (their structured answers prefill it).

    GET with ``?report=ID`` (repeatable: the inbox's tick boxes) shows the chosen
    reports and the button; only the POST (CSRF-protected) creates the case.
    """
    form = NewCaseForm()
    if request.method == "GET":
        ids = _report_ids(" ".join(v[:40] for v in request.args.getlist("report")[:MAX_REPORTS]))
        if ids:
            form.report_ids.data = "\n".join(ids)
        return _new_page(form, ids)
    if (redirect_to := _need_key(url_for("cases.new"))) is not None:
        return redirect_to
    if not form.validate():
        return _new_page(form, [], status=400)
    ids = _report_ids(form.report_ids.data or "")
    if len(ids) > MAX_REPORTS:
        return _new_page(form, [], _("A case can be built from at most %(n)d reports.",
                                     n=MAX_REPORTS), 400)
    reports = _reports(ids)
    if not ids or len(reports) != len(ids):
        return _new_page(form, ids, _("No report has this id."), 400)
    try:
        case = store.create(_ctx(), staff().account, reports)
    except store.CaseError as exc:
        return _new_page(form, ids, str(CASE_ERRORS.get(exc.code, exc.code)), 400)
    except (intake.NotAccepting, tiers.NoAccess):
        return _new_page(form, ids, _("No reviewer key is registered."), 400)
    _audit(CASE_CREATED, f"case {case.id} from {len(ids)} report(s)")
    db.get_session().commit()
    return redirect(url_for("cases.view", case_id=case.id), code=303)


def _attach_page(form: AttachForm, error: str | None = None, status: int = 200) -> Any:
    ctx = _ctx()
    choices = store.attachable(ctx, staff().account) if ctx.identities else []
    ids = _report_ids(form.report_ids.data or "")[:MAX_REPORTS]
    return render_template("cases/attach.html", form=form, error=error, choices=choices,
                           choice_ids={case.id for case, _title in choices},
                           chosen=_report_rows(_reports(ids))), status


@bp.route("/attach", methods=["GET", "POST"])
def attach() -> Any:
    """Add reports to an existing case (owner and custodians: the texts are originals).

    GET with ``?case=ID&report=ID`` shows the choice; the POST (CSRF-protected) adds.
    """
    form = AttachForm()
    if request.method == "GET":
        form.case.data = request.args.get("case", "")[:40]
        form.report_ids.data = "\n".join(_report_ids(
            " ".join(v[:40] for v in request.args.getlist("report")[:MAX_REPORTS])))
        return _attach_page(form)
    if (redirect_to := _need_key(url_for("cases.attach"))) is not None:
        return redirect_to
    if not form.validate():
        return _attach_page(form, status=400)
    case_id = (form.case.data or "").strip().lower()
    case = db.get_session().get(CaseRecord, case_id) if _ID.match(case_id) else None
    if case is None:
        return _attach_page(form, _("No case has this id."), 404)
    ids = _report_ids(form.report_ids.data or "")
    reports = _reports(ids)
    if not ids or len(ids) > MAX_REPORTS or len(reports) != len(ids):
        return _attach_page(form, _("No report has this id."), 400)
    try:
        replaced = store.add_reports(_ctx(), case, reports)
    except tiers.NoAccess:
        return _attach_page(form, _("Only the case owner and the custodians can add reports to "
                                    "a case: the reports' texts join its identity tier."), 403)
    except store.CaseError as exc:
        return _attach_page(form, str(CASE_ERRORS.get(exc.code, exc.code)), 400)
    _audit(CASE_REPORTS_ADDED, f"case {case.id} {len(reports)} report(s) added")
    db.get_session().commit()
    if replaced:
        labels = {f.name: f.label for f in record.FIELDS}
        flash(_("The summary was rebuilt from the originals; hand edits were replaced in: "
                "%(fields)s.", fields=", ".join(str(labels.get(f, f)) for f in replaced)))
    return redirect(url_for("cases.view", case_id=case.id), code=303)


# --- the case --------------------------------------------------------------------------

@bp.get("/c/<case_id>")
def view(case_id: str) -> Any:
    """The summary tier, warnings, possible duplicates, follow-ups and actions."""
    case = _case(case_id)
    if (redirect_to := _need_key(url_for("cases.view", case_id=case.id))) is not None:
        return redirect_to
    summary = _summary_or_403(case)
    ctx = _ctx()
    consent = store.sync_consent(ctx, case, summary)
    can_identity = False
    try:
        tiers.unwrap(ctx.session, case, ctx.identities)
        can_identity = True
    except tiers.NoAccess:
        pass
    return render_template(
        "cases/case.html", case=case, summary=summary, fields=record.FIELDS,
        groups=record.GROUPS, rich=_render_rich, consent=consent,
        warnings=reidentify.check(summary["record"]), factor_labels=FACTOR_LABELS,
        field_labels={f.name: f.label for f in record.FIELDS},
        dupes=duplicates.possible_duplicates(ctx.session, case.id),
        can_identity=can_identity, follow_form=FollowUpForm(), shred_form=ShredForm(),
        names=_names(), status_form=EmptyForm(), statuses=CaseStatus.ALL,
        requests=list(ctx.session.scalars(select(ExportRequest).where(
            ExportRequest.case_id == case.id).order_by(ExportRequest.id.desc()))),
    )


@bp.route("/c/<case_id>/edit", methods=["GET", "POST"])
def edit(case_id: str) -> Any:
    """Edit every field of the summary (vocabulary fields offer the record's choices)."""
    case = _case(case_id)
    if (redirect_to := _need_key(url_for("cases.edit", case_id=case.id))) is not None:
        return redirect_to
    summary = _summary_or_403(case)
    fields = summary["record"]
    if request.method == "GET":
        form = RecordForm(data={f.name: ("\n".join(fields[f.name]) if f.kind == "list"
                                         else fields[f.name]) for f in record.FIELDS
                                if f.name not in record.CONSENT_FIELDS})
        return render_template("cases/edit.html", case=case, form=form, summary=summary)
    form = RecordForm()
    if not form.validate():
        return render_template("cases/edit.html", case=case, form=form, summary=summary), 400
    edited = set(summary.get("hand_edited") or [])
    for spec in record.FIELDS:
        if spec.name in record.CONSENT_FIELDS:
            continue
        value = getattr(form, spec.name).data
        if spec.kind == "list":
            value = [line.strip() for line in (value or "").splitlines() if line.strip()]
        elif spec.kind == "rich":
            value = richtext.sanitize(value or "")
        elif spec.kind in ("text", "choice", "country"):
            value = (value or "").strip()
        if spec.name in record.TEXT_FIELDS and value != fields.get(spec.name):
            edited.add(spec.name)
        fields[spec.name] = value
    summary["record"] = record.clean({**fields, "consent_naming": fields["consent_naming"]})
    summary["hand_edited"] = sorted(edited)
    store.save(_ctx(), case, summary_doc=summary)
    _audit(CASE_UPDATED, f"case {case.id} summary fields")
    db.get_session().commit()
    return redirect(url_for("cases.view", case_id=case.id), code=303)


@bp.post("/c/<case_id>/status")
def set_status(case_id: str) -> Any:
    """Mark a case open, ready for export, or closed."""
    case = _case(case_id)
    value = request.form.get("status", "")
    if not EmptyForm().validate() or value not in CaseStatus.ALL:
        abort(400)
    case.status = value
    _audit(CASE_UPDATED, f"case {case.id} status {value}")
    db.get_session().commit()
    return redirect(url_for("cases.view", case_id=case.id), code=303)


@bp.post("/c/<case_id>/follow-up")
def follow_up(case_id: str) -> Any:
    """Append a later development or a government response."""
    case = _case(case_id)
    if (redirect_to := _need_key(url_for("cases.view", case_id=case.id))) is not None:
        return redirect_to
    form = FollowUpForm()
    if not form.validate():
        flash(_("The follow-up needs a text."))
        return redirect(url_for("cases.view", case_id=case.id), code=303)
    try:
        store.add_follow_up(_ctx(), case, form.date.data or "", form.kind.data or "development",
                            form.text.data or "")
    except tiers.NoAccess:
        abort(403)
    _audit(CASE_UPDATED, f"case {case.id} follow-up added")
    db.get_session().commit()
    return redirect(url_for("cases.view", case_id=case.id), code=303)


# --- identity tier and anonymization ----------------------------------------------------

def _identity_page(case: CaseRecord, identity: dict[str, Any], summary: dict[str, Any],
                   form: IdentityForm | None = None, status: int = 200,
                   entity_form: EntityForm | None = None) -> Any:
    if form is None:
        people = identity.get("people") or [{}]
        data: dict[str, Any] = {"people": people,
                                "organizations": "\n".join(identity.get("organizations") or []),
                                "notes": identity.get("notes", "")}
        for name in record.TEXT_FIELDS:
            data["original_" + name] = (identity.get("originals") or {}).get(name, "")
        form = IdentityForm(data=data)
        form.people.append_entry({})
    consent = store.effective_consent(_ctx(), case, summary)
    entities = build.entities_of(identity)
    labels: dict[str, object] = {f.name: f.label for f in record.FIELDS}
    for index, item in enumerate(identity.get("follow_ups") or []):
        labels[f"follow_ups[{index}]"] = _("Follow-up %(n)d (%(date)s)", n=index + 1,
                                           date=str(item.get("date") or "-"))
    return render_template(
        "cases/identity.html", case=case, form=form, entities=entities,
        entity_form=entity_form or EntityForm(), kind_labels=KIND_LABELS,
        role_labels=ROLE_LABELS, roles=ROLES, kinds=KINDS,
        preview=build.preview(identity, consent), labels=labels,
        decisions_form=EmptyForm(), rebuild_form=EmptyForm(),
        exact_dates=identity.get("exact_dates") or {},
        hand_edited=summary.get("hand_edited") or [],
    ), status


def _load_both(case: CaseRecord) -> tuple[dict[str, Any], dict[str, Any]]:
    summary = _summary_or_403(case)
    identity = _identity_or_none(case)
    if identity is None:
        abort(403)
    return identity, summary


@bp.get("/c/<case_id>/identity")
def identity_view(case_id: str) -> Any:
    """People, originals, entities and the side-by-side preview (owner and custodians)."""
    case = _case(case_id)
    if (redirect_to := _need_key(url_for("cases.identity_view", case_id=case.id))) is not None:
        return redirect_to
    if case.identity_blob_id is None:
        return render_template("cases/shredded.html", case=case), 410
    identity, summary = _load_both(case)
    _audit(CASE_IDENTITY_READ, f"case {case.id}")
    db.get_session().commit()
    return _identity_page(case, identity, summary)


@bp.post("/c/<case_id>/identity")
def identity_save(case_id: str) -> Any:
    """Save people, organizations and originals; re-run detectors; rebuild the summary."""
    case = _case(case_id)
    if (redirect_to := _need_key(url_for("cases.identity_view", case_id=case.id))) is not None:
        return redirect_to
    identity, summary = _load_both(case)
    form = IdentityForm()
    if not form.validate():
        return _identity_page(case, identity, summary, form, 400)
    identity["people"] = [
        {k: (entry.form[k].data or "").strip() for k in
         ("role", "name", "name_latin", "id_numbers", "contact")}
        for entry in form.people if (entry.form.name.data or entry.form.name_latin.data
                                     or entry.form.id_numbers.data)]
    identity["organizations"] = [line.strip() for line in
                                 (form.organizations.data or "").splitlines() if line.strip()]
    identity["notes"] = form.notes.data or ""
    for name in record.TEXT_FIELDS:
        identity["originals"][name] = getattr(form, "original_" + name).data or ""
    build.suggest(identity)
    store.rebuild(_ctx(), case, identity, summary)
    _audit(CASE_UPDATED, f"case {case.id} identity tier")
    db.get_session().commit()
    return redirect(url_for("cases.identity_view", case_id=case.id), code=303)


@bp.post("/c/<case_id>/entities")
def entities_save(case_id: str) -> Any:
    """Accept or reject suggestions, set roles; the summary is rebuilt at once."""
    case = _case(case_id)
    if (redirect_to := _need_key(url_for("cases.identity_view", case_id=case.id))) is not None:
        return redirect_to
    if not EmptyForm().validate():
        abort(400)
    identity, summary = _load_both(case)
    entities = build.entities_of(identity)
    for entity in entities:
        decision = request.form.get(f"decision-{entity.id}")
        if decision in ("accepted", "rejected", "pending") and entity.source != "given":
            entity.decision = decision
        role = request.form.get(f"role-{entity.id}")
        if entity.kind == "person" and role in ROLES:
            entity.role = role
    if request.form.get("accept_all"):
        for entity in entities:
            if entity.decision == "pending":
                entity.decision = "accepted"
    identity["entities"] = [e.to_dict() for e in entities]
    store.rebuild(_ctx(), case, identity, summary)
    _audit(CASE_UPDATED, f"case {case.id} entity decisions")
    db.get_session().commit()
    return redirect(url_for("cases.identity_view", case_id=case.id), code=303)


@bp.post("/c/<case_id>/entities/add")
def entity_add(case_id: str) -> Any:
    """Add an entity the detectors missed (or a rejection of a false alarm)."""
    case = _case(case_id)
    if (redirect_to := _need_key(url_for("cases.identity_view", case_id=case.id))) is not None:
        return redirect_to
    identity, summary = _load_both(case)
    form = EntityForm()
    if not form.validate():
        return _identity_page(case, identity, summary, status=400, entity_form=form)
    entities = build.entities_of(identity)
    text = (form.text.data or "").strip()
    existing = next((e for e in entities if text.casefold() in
                     {f.casefold() for f in e.forms()}), None)
    if existing is None:
        import uuid

        entities.append(Entity(id=uuid.uuid4().hex[:12], kind=form.kind.data or "person",
                               text=text, role=form.role.data if form.kind.data == "person"
                               else "", decision=form.decision.data or "accepted",
                               source="reviewer"))
    else:
        existing.decision = form.decision.data or "accepted"
    identity["entities"] = [e.to_dict() for e in entities]
    store.rebuild(_ctx(), case, identity, summary)
    _audit(CASE_UPDATED, f"case {case.id} entity added")
    db.get_session().commit()
    return redirect(url_for("cases.identity_view", case_id=case.id), code=303)


@bp.post("/c/<case_id>/shred")
def shred(case_id: str) -> Any:
    """Crypto-shred the identity tier (owner and custodians only); the summary stays."""
    case = _case(case_id)
    if (redirect_to := _need_key(url_for("cases.view", case_id=case.id))) is not None:
        return redirect_to
    form = ShredForm()
    if not form.validate():
        flash(_("Please tick the box to confirm."))
        return redirect(url_for("cases.view", case_id=case.id), code=303)
    ctx = _ctx()
    try:
        tiers.unwrap(ctx.session, case, ctx.identities)
    except tiers.NoAccess:
        abort(403)
    from portal.cases.models import CaseIdentifier

    for row in ctx.session.scalars(select(CaseIdentifier).where(CaseIdentifier.case_id == case.id)):
        ctx.session.delete(row)
    _audit(CASE_SHREDDED, f"case {case.id}")
    tiers.shred(ctx.session, ctx.blobs, case)
    return redirect(url_for("cases.view", case_id=case.id), code=303)


# --- exports: gate, preview, four eyes, download ----------------------------------------
#
# An export request names one case. Several cases leave in one bundle as a batch of
# requests sharing a batch id: each case is gated, approved and audited on its own,
# and the bundle is written only when every one of them passes.

#: Cases one bundle may hold.
MAX_EXPORT_CASES = 100


def _export_form() -> ExportForm:
    form = ExportForm()
    form.forward_recipient.choices = pairs([("", _("Nobody (not encrypted)"))] + [
        (str(r.id), r.label) for r in db.get_session().scalars(
            select(ForwardRecipient).where(ForwardRecipient.active).order_by(ForwardRecipient.id))])
    return form


def _render(fmt: str, objects: list[dict[str, Any]], lang: str) -> bytes:
    from portal.export import formats

    return formats.render(fmt, objects, lang)


def _preview_text(objects: list[dict[str, Any]], fmt: str, lang: str) -> str:
    """Exactly what leaves, as text (a PDF is shown as its Markdown twin)."""
    return _render("md" if fmt == "pdf" else fmt, objects, lang).decode("utf-8-sig")


def _prepare(case: CaseRecord, fmt: str, purpose: str, lang: str, render: bool = True
             ) -> tuple[service.Prepared, str]:
    ctx = _ctx()
    summary = _summary_or_403(case)
    consent = store.effective_consent(ctx, case, summary)
    prepared = service.prepare(case.id, summary, consent, fmt, purpose, lang, ctx.guard_key,
                               render=render)
    return prepared, service.consent_basis(consent, purpose)


Refusals = list[tuple[CaseRecord, list[Problem]]]


def _export_page(cases: list[CaseRecord], form: ExportForm, status: int = 200, *,
                 refused: Refusals | None = None, error: str | None = None) -> Any:
    heading = (_("Export case %(id)s", id=cases[0].id[:8]) if len(cases) == 1
               else _("Export %(n)d cases in one bundle", n=len(cases)) if cases
               else _("Export cases"))
    return render_template("cases/export.html", cases=cases, form=form, refused=refused or [],
                           heading=heading,
                           error=error, titles=_titles(cases), format_labels=FORMAT_LABELS,
                           purpose_labels=PURPOSE_LABELS, max_cases=MAX_EXPORT_CASES), status


def _titles(cases: list[CaseRecord]) -> dict[str, str]:
    titles = {}
    for case in cases:
        try:
            titles[case.id] = str(store.summary(_ctx(), case)["record"].get("title") or "")
        except tiers.NoAccess:
            titles[case.id] = ""
    return titles


def _refused(cases: list[CaseRecord], refused: Refusals, form: ExportForm) -> Any:
    """The gate said no: audit each refused case, write nothing, show every spot."""
    for case, problems in refused:
        _audit(EXPORT_REFUSED, f"case {case.id} {len(problems)} problem(s)"
               + (f" (one of {len(cases)} cases)" if len(cases) > 1 else ""))
    db.get_session().commit()
    return _export_page(cases, form, 422, refused=refused)


def _ask(cases: list[CaseRecord]) -> Any:
    """Run the gate on every case; if all pass, one request per case awaits approval."""
    form = _export_form()
    if not form.validate():
        return _export_page(cases, form, 400)
    fmt, purpose, lang = form.format.data or "", form.purpose.data or "", form.language.data or ""
    checked = [(case, *_prepare(case, fmt, purpose, lang, render=False)) for case in cases]
    refused = [(case, prepared.problems) for case, prepared, _basis in checked
               if not prepared.ok]
    if refused:
        return _refused(cases, refused, form)
    try:  # e.g. no CJK font for a Chinese PDF: say so now, not after approval
        _render(fmt, [prepared.case_object for _case, prepared, _basis in checked], lang)
    except RuntimeError as exc:
        return _export_page(cases, form, 422, error=str(exc))
    forward = int(form.forward_recipient.data) if form.forward_recipient.data else None
    batch = new_id() if len(cases) > 1 else None
    session = db.get_session()
    made: list[ExportRequest] = []
    for case, prepared, basis in checked:
        req = ExportRequest(case_id=case.id, requested_by=staff().account.id, format=fmt,
                            purpose=purpose,
                            recipient_body=(form.recipient_body.data or "").strip(),
                            forward_recipient_id=forward, consent_basis=basis,
                            digest=prepared.content_digest, note=lang, batch_id=batch)
        session.add(req)
        session.flush()
        made.append(req)
        _audit(EXPORT_REQUESTED, f"case {case.id} request {req.id} {fmt} to "
               f"{req.recipient_body} consent {basis}"
               + (f" batch {batch[:8]} of {len(cases)}" if batch else ""))
    session.commit()
    return redirect(url_for("cases.request_view", request_id=made[0].id), code=303)


@bp.route("/c/<case_id>/export", methods=["GET", "POST"])
def export(case_id: str) -> Any:
    """Choose an export; the gate runs; a clean one becomes a request for approval."""
    case = _case(case_id)
    if (redirect_to := _need_key(url_for("cases.export", case_id=case.id))) is not None:
        return redirect_to
    if request.method == "GET":
        return _export_page([case], _export_form())
    return _ask([case])


@bp.route("/export", methods=["GET", "POST"])
def export_many() -> Any:
    """Several cases in one bundle (``case`` repeated: the case list's tick boxes)."""
    values = request.values.getlist("case")[:MAX_EXPORT_CASES + 1]
    ids = list(dict.fromkeys(v.strip().lower() for v in values if v.strip()))
    if (redirect_to := _need_key(url_for("cases.export_many", case=ids))) is not None:
        return redirect_to
    form = _export_form()
    if not ids:
        return _export_page([], form, 400, error=_("Tick at least one case to export."))
    if len(ids) > MAX_EXPORT_CASES:
        return _export_page([], form, 400, error=_(
            "One bundle can hold at most %(n)d cases.", n=MAX_EXPORT_CASES))
    cases = [_case(case_id) for case_id in ids]
    if request.method == "GET":
        return _export_page(cases, form)
    return _ask(cases)


def _request(request_id: int) -> tuple[ExportRequest, CaseRecord]:
    req = db.get_session().get(ExportRequest, request_id)
    if req is None:
        abort(404)
    return req, _case(req.case_id)


def _members(req: ExportRequest) -> list[tuple[ExportRequest, CaseRecord]]:
    """Every request of the bundle `req` belongs to, in order (just `req` for one case)."""
    if req.batch_id is None:
        return [(req, _case(req.case_id))]
    rows = db.get_session().scalars(select(ExportRequest).where(
        ExportRequest.batch_id == req.batch_id).order_by(ExportRequest.id))
    return [(row, _case(row.case_id)) for row in rows]


Checked = list[tuple[ExportRequest, CaseRecord, service.Prepared]]


def _check(members: list[tuple[ExportRequest, CaseRecord]]) -> tuple[Checked, Refusals, bool]:
    """Gate every case again: (results, refusals, whether any case changed since)."""
    checked = [(req, case, _prepare(case, req.format, req.purpose, req.note or "en",
                                    render=False)[0]) for req, case in members]
    refused = [(case, prepared.problems) for _req, case, prepared in checked if not prepared.ok]
    changed = any(prepared.ok and prepared.content_digest != req.digest
                  for req, _case, prepared in checked)
    return checked, refused, changed


@bp.get("/x/<int:request_id>")
def request_view(request_id: int) -> Any:
    """The rendered preview of exactly what leaves; a second reviewer approves it here."""
    req, _case_row = _request(request_id)
    if (redirect_to := _need_key(url_for("cases.request_view",
                                         request_id=req.id))) is not None:
        return redirect_to
    members = _members(req)
    checked, refused, changed = _check(members)
    preview = ""
    if not refused and not changed:
        preview = _preview_text([prepared.case_object for _r, _c, prepared in checked],
                                req.format, req.note or "en")
    return render_template(
        "cases/request.html", req=req, members=members, refused=refused, preview=preview,
        changed=changed, names=_names(), me=staff().account.id, form=EmptyForm(),
        bases=sorted({r.consent_basis for r, _c in members}),
        forward=db.get_session().get(ForwardRecipient, req.forward_recipient_id)
        if req.forward_recipient_id else None, format_labels=FORMAT_LABELS,
        purpose_labels=PURPOSE_LABELS)


def _batch_note(members: list[tuple[ExportRequest, CaseRecord]]) -> str:
    return f" (one of {len(members)} cases)" if len(members) > 1 else ""


@bp.post("/x/<int:request_id>/decide")
def decide(request_id: int) -> Any:
    """Approve or decline (never by the reviewer who asked: four eyes), case by case."""
    req, _case_row = _request(request_id)
    decision = request.form.get("decision")
    if not EmptyForm().validate() or decision not in ("approve", "decline"):
        abort(400)
    if (redirect_to := _need_key(url_for("cases.request_view", request_id=req.id))) is not None:
        return redirect_to
    members = _members(req)
    if any(r.status != ExportStatus.PENDING or r.requested_by == staff().account.id
           for r, _c in members):
        abort(403)
    if decision == "approve":
        checked, refused, changed = _check(members)
        if refused:
            return _refused([c for _r, c in members], refused, _export_form())
        if changed:
            flash(_("The case changed after this preview. Ask for a new export."))
            return redirect(url_for("cases.request_view", request_id=req.id), code=303)
        status, action = ExportStatus.APPROVED, EXPORT_APPROVED
    else:
        status, action = ExportStatus.DECLINED, EXPORT_DECLINED
    for row, case in members:
        row.status = status
        row.approved_by = staff().account.id
        row.decided_on = today()
        _audit(action, f"case {case.id} request {row.id} to {row.recipient_body} consent "
               f"{row.consent_basis} by {staff().account.username}{_batch_note(members)}")
    db.get_session().commit()
    return redirect(url_for("cases.request_view", request_id=req.id), code=303)


@bp.post("/x/<int:request_id>/download")
def download(request_id: int) -> Any:
    """The signed (and, if chosen, encrypted) bundle of an approved export."""
    req, _case_row = _request(request_id)
    if not EmptyForm().validate():
        abort(400)
    if (redirect_to := _need_key(url_for("cases.request_view", request_id=req.id))) is not None:
        return redirect_to
    members = _members(req)
    for row, _c in members:
        if row.status not in (ExportStatus.APPROVED, ExportStatus.DONE):
            abort(403)
        if staff().account.id not in (row.requested_by, row.approved_by):
            abort(403)
    checked, refused, changed = _check(members)
    if refused:
        return _refused([c for _r, c in members], refused, _export_form())
    if changed:
        flash(_("The case changed after approval. Ask for a new export."))
        return redirect(url_for("cases.request_view", request_id=req.id), code=303)
    key_path = current_app.config.get("PORTAL_EXPORT_SIGNING_KEY")
    if not key_path:
        flash(_("No organization signing key is configured (PORTAL_EXPORT_SIGNING_KEY)."))
        return redirect(url_for("cases.request_view", request_id=req.id), code=303)
    recipient = None
    if req.forward_recipient_id:
        forward = db.get_session().get(ForwardRecipient, req.forward_recipient_id)
        if forward is None or not forward.active:
            abort(409)
        recipient = crypto.parse_recipient(forward.recipient)
    objects = [prepared.case_object for _r, _c, prepared in checked]
    first = checked[0][2]
    if len(checked) == 1:
        filename, media_type = first.filename, first.media_type
    else:
        from portal.export import formats

        filename = f"cases-{len(checked)}.{formats.EXTENSIONS[req.format]}"
        media_type = formats.MEDIA_TYPES[req.format]
    bases = "; ".join(sorted({r.consent_basis for r, _c in members}))
    try:
        data = _render(req.format, objects, req.note or "en")
        signed = bundle.make(filename, data, media_type, bundle.load_signing_key(key_path),
                             {"format": req.format, "purpose": req.purpose,
                              "recipient_body": req.recipient_body, "consent_basis": bases,
                              "cases": len(objects),
                              "case_references": [o["case_reference"] for o in objects]},
                             recipient)
    except (bundle.BundleError, RuntimeError) as exc:
        flash(str(exc))
        return redirect(url_for("cases.request_view", request_id=req.id), code=303)
    approvers = _names()
    for row, case in members:
        row.status = ExportStatus.DONE
        _audit(EXPORTED, f"case {case.id} request {row.id} {row.format} to {row.recipient_body} "
               f"consent {row.consent_basis} approver {approvers.get(row.approved_by or 0, '-')}"
               f"{' encrypted' if recipient else ''}{_batch_note(members)}")
    db.get_session().commit()
    name = filename + ".zip" + (".age" if recipient else "")
    response = current_app.response_class(signed, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- admin: forwarding recipients and custodians ----------------------------------------

@admin_bp.route("/", methods=["GET", "POST"])
def settings_page() -> Any:
    """Forwarding recipients (outside bodies' age keys) and identity-tier custodians."""
    session = db.get_session()
    recipient_form = RecipientForm(prefix="r")
    custodian_form = CustodianForm(prefix="c")
    reviewers = list(session.scalars(select(StaffAccount).where(
        StaffAccount.is_reviewer, StaffAccount.active).order_by(StaffAccount.username)))
    custodian_form.account.choices = pairs((str(a.id), a.username) for a in reviewers)
    error = None
    if request.method == "POST":
        what = request.form.get("what")
        if what == "recipient" and recipient_form.validate():
            try:
                text = crypto.parse_recipient((recipient_form.recipient.data or "").strip())
                session.add(ForwardRecipient(label=(recipient_form.label.data or "").strip(),
                                             recipient=text.to_string()))
                audit.record(session, str(current_app.config["SECRET_KEY"]),
                             "forward_recipient_added", actor=staff().account,
                             detail=(recipient_form.label.data or "")[:100])
                session.commit()
                return redirect(url_for("cases_admin.settings_page"), code=303)
            except crypto.AgeError:
                error = _("This is not an age recipient.")
        elif what == "retire" and EmptyForm().validate():
            row = session.get(ForwardRecipient, int(request.form.get("id", "0") or 0))
            if row is not None:
                row.active = False
                session.commit()
            return redirect(url_for("cases_admin.settings_page"), code=303)
        elif what == "custodian" and custodian_form.validate():
            account_id = int(custodian_form.account.data or 0)
            if session.get(Custodian, account_id) is None:
                session.add(Custodian(account_id=account_id))
                audit.record(session, str(current_app.config["SECRET_KEY"]), "custodian_added",
                             actor=staff().account, detail=f"account {account_id}")
                session.commit()
            return redirect(url_for("cases_admin.settings_page"), code=303)
        else:
            error = error or _("Please check the form.")
    return render_template(
        "cases/admin.html", recipients=list(session.scalars(select(ForwardRecipient)
                                                            .order_by(ForwardRecipient.id))),
        custodians=[session.get(StaffAccount, c.account_id) for c in
                    session.scalars(select(Custodian))],
        recipient_form=recipient_form, custodian_form=custodian_form, form=EmptyForm(),
        error=error), 400 if error else 200
