"""Cases in and out: create from reports, open and save the tiers, follow-ups, shred.

Knows nothing of Flask requests: views and the CLI pass the database session, the
blob store, the unlocked identities and the configuration. Every write follows the
intake's order: blobs first (durable), rows second (committed), old blobs last; on
failure the new blobs are removed and the rows rolled back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from portal import intake
from portal.cases import build, consent, duplicates, record, settings, tiers
from portal.cases.models import CaseKey, CaseRecord, CaseReport, CaseStatus, Custodian
from portal.models import EntryKind, Report, ReportStatus, today
from portal.review.reading import decrypt_document
from portal.staff_models import AuditEvent, StaffAccount
from portal.storage import BlobStore

NoAccess = tiers.NoAccess


class CaseError(Exception):
    """A case cannot be made or changed as asked; `code` says why (views translate it).

    Codes: ``no_reports``, ``deleted_report``, ``unreadable_report``,
    ``already_in_case``, ``follow_up_kind``.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Context:
    """What every operation needs besides the session."""

    session: Session
    blobs: BlobStore
    config: Mapping[str, Any]
    identities: Sequence[crypto.Identity]

    @property
    def org_recipient(self) -> str | None:
        """The organization's offline recipient, if configured."""
        value = self.config.get("PORTAL_ORG_RECIPIENT")
        return str(value) if value else None

    @property
    def guard_key(self) -> bytes:
        """Key of the export gate's fingerprints."""
        return settings.guard_key(self.config)

    @property
    def duplicate_key(self) -> bytes:
        """Key of the duplicate digests."""
        return settings.duplicate_key(self.config)

    def reviewer_recipients(self) -> list[crypto.Recipient]:
        """The summary tier's readers: every active reviewer and the organization."""
        return intake.active_recipients(self.session, self.org_recipient)


def report_documents(ctx: Context, report: Report) -> list[dict[str, Any]]:
    """A report's decrypted documents (report, additions, consent changes), in order."""
    docs = []
    for entry in report.entries:
        if entry.kind in (EntryKind.REPORT.value, EntryKind.ADDITION.value,
                          EntryKind.CONSENT.value):
            doc = decrypt_document(ctx.blobs, entry.blob_id, ctx.identities)
            if doc is not None:
                docs.append(doc)
    return docs


def _read_reports(ctx: Context, reports: Sequence[Report]
                  ) -> tuple[list[dict[str, Any]], list[consent.Consent]]:
    """Every document of the reports, and each report's consent in force."""
    if not reports:
        raise CaseError("no_reports")
    all_docs: list[dict[str, Any]] = []
    consents = []
    for report in reports:
        if report.status == ReportStatus.DELETED.value:
            raise CaseError("deleted_report")
        docs = report_documents(ctx, report)
        if not docs:
            raise CaseError("unreadable_report")
        all_docs += docs
        consents.append(consent.from_report(consent.latest_answers(docs)))
    return all_docs, consents


def _mark_opened(case: CaseRecord, reports: Sequence[Report]) -> None:
    for report in reports:
        case.reports.append(CaseReport(case_id=case.id, report_id=report.id))
        if report.status in (ReportStatus.RECEIVED.value, ReportStatus.UNDER_REVIEW.value,
                             ReportStatus.NEED_INFO.value):
            report.status = ReportStatus.CASE_OPENED.value


def create(ctx: Context, owner: StaffAccount, reports: Sequence[Report]) -> CaseRecord:
    """A new case from one or more reports (prefilled, detectors run, summary built)."""
    all_docs, consents = _read_reports(ctx, reports)
    fields, originals = record.prefill(all_docs)
    identity = build.new_identity(originals, [r.id for r in reports], fields)
    summary = build.new_summary(fields, consent.most_protective(consents))
    summary["report_ids"] = [r.id for r in reports]
    build.suggest(identity)
    build.rebuild(identity, summary, ctx.guard_key)
    case = CaseRecord(owner_id=owner.id, summary_blob_id="", identity_blob_id=None)
    key = tiers.new_case_key()
    written: list[str] = []
    try:
        holders = tiers.holder_recipients(ctx.session, owner, ctx.org_recipient)
        case.identity_blob_id = tiers.put(ctx.blobs, identity, [key.recipient()])
        written.append(case.identity_blob_id)
        case.summary_blob_id = tiers.put(ctx.blobs, summary, ctx.reviewer_recipients())
        written.append(case.summary_blob_id)
        ctx.session.add(case)
        ctx.session.flush()
        ctx.session.add(CaseKey(case_id=case.id, wrapped=tiers.wrap(key, holders)))
        duplicates.replace(ctx.session, ctx.duplicate_key, case.id,
                           duplicates.people_of(identity))
        _mark_opened(case, reports)
        ctx.session.commit()
    except BaseException:
        ctx.session.rollback()
        ctx.blobs.delete_many(written)
        raise
    return case


def add_reports(ctx: Context, case: CaseRecord, reports: Sequence[Report]) -> list[str]:
    """Add reports to an existing case: their structured answers fill what the record
    still lacks (multi-values are merged), their texts join the originals, their
    consent counts (the strictest wins), and the summary is rebuilt.

    Needs the identity tier (NoAccess otherwise): the new texts are originals.
    Returns the names of the summary fields whose hand edits the rebuild replaced.
    """
    linked = {link.report_id for link in case.reports}
    new = [r for r in dict.fromkeys(reports) if r.id not in linked]
    if reports and not new:
        raise CaseError("already_in_case")
    all_docs, consents = _read_reports(ctx, new)
    identity_doc = identity(ctx, case)
    summary_doc = summary(ctx, case)
    fields, originals = record.prefill(all_docs)
    record.merge(summary_doc["record"], fields)
    for name in record.DATE_FIELDS:
        exact = identity_doc.setdefault("exact_dates", {}).setdefault(name, [])
        exact += [v for v in fields.get(name) or [] if v not in exact]
    kept = identity_doc.setdefault("originals", {})
    for name, text in originals.items():
        kept[name] = record.join_original(name, str(kept.get(name) or ""), text)
    recorded = consent.Consent.from_dict(summary_doc.get("consent"))
    strictest = consent.most_protective([recorded, *consents])
    summary_doc["consent"] = strictest.to_dict()
    summary_doc["record"]["consent_naming"] = strictest.naming
    summary_doc["record"]["consent_contact"] = "Yes" if strictest.contact else "No"
    ids = [*(summary_doc.get("report_ids") or sorted(linked)), *(r.id for r in new)]
    summary_doc["report_ids"] = list(dict.fromkeys(ids))
    identity_doc["report_ids"] = list(dict.fromkeys(
        [*(identity_doc.get("report_ids") or []), *(r.id for r in new)]))
    replaced = list(summary_doc.get("hand_edited") or [])
    build.suggest(identity_doc)
    build.rebuild(identity_doc, summary_doc, ctx.guard_key)
    _mark_opened(case, new)
    save(ctx, case, summary_doc=summary_doc, identity_doc=identity_doc)
    return replaced


def summary(ctx: Context, case: CaseRecord) -> dict[str, Any]:
    """The summary tier (NoAccess if this key cannot open it)."""
    return tiers.read(ctx.blobs, case.summary_blob_id, ctx.identities)


def identity(ctx: Context, case: CaseRecord) -> dict[str, Any]:
    """The identity tier (NoAccess unless owner, custodian or organization key)."""
    key = tiers.unwrap(ctx.session, case, ctx.identities)
    if case.identity_blob_id is None:
        raise NoAccess("the identity tier was shredded")
    return tiers.read(ctx.blobs, case.identity_blob_id, [key])


def save(ctx: Context, case: CaseRecord, *, summary_doc: dict[str, Any] | None = None,
         identity_doc: dict[str, Any] | None = None) -> None:
    """Store new versions of one or both tiers (caller's pending changes commit too)."""
    written: list[str] = []
    old: list[str] = []
    try:
        if identity_doc is not None:
            key = tiers.unwrap(ctx.session, case, ctx.identities)
            new_id = tiers.put(ctx.blobs, identity_doc, [key.recipient()])
            written.append(new_id)
            old.append(case.identity_blob_id or "")
            case.identity_blob_id = new_id
            duplicates.replace(ctx.session, ctx.duplicate_key, case.id,
                               duplicates.people_of(identity_doc))
            # Custodians named since the last save get the case key now.
            tiers.rewrap(ctx.session, case, ctx.identities, ctx.org_recipient)
        if summary_doc is not None:
            summary_doc["revision"] = int(summary_doc.get("revision") or 0) + 1
            new_id = tiers.put(ctx.blobs, summary_doc, ctx.reviewer_recipients())
            written.append(new_id)
            old.append(case.summary_blob_id)
            case.summary_blob_id = new_id
        case.updated_on = today()
        ctx.session.commit()
    except BaseException:
        ctx.session.rollback()
        ctx.blobs.delete_many(written)
        raise
    ctx.blobs.delete_many([b for b in old if b])


def rebuild(ctx: Context, case: CaseRecord, identity_doc: dict[str, Any],
            summary_doc: dict[str, Any]) -> None:
    """Re-anonymize the summary from the identity tier and store both."""
    build.rebuild(identity_doc, summary_doc, ctx.guard_key)
    save(ctx, case, summary_doc=summary_doc, identity_doc=identity_doc)


def effective_consent(ctx: Context, case: CaseRecord,
                      summary_doc: dict[str, Any]) -> consent.Consent:
    """The consent in force.

    * A linked report that still exists: its latest answers (the strictest of several
      sources), read from the report itself, so a change made under the codename
      applies at once.
    * A report whose row is gone without an audited staff or retention deletion: the
      source deleted everything they sent (sources' deletions are never audited),
      which withdraws consent.
    * A report a reviewer emptied or retention removed, or one this key cannot
      read: the consent the case recorded from it.
    """
    recorded = consent.Consent.from_dict(summary_doc.get("consent"))
    found = []
    for report_id in summary_doc.get("report_ids") or [link.report_id for link in case.reports]:
        report = ctx.session.get(Report, report_id)
        if report is None:
            found.append(recorded if _deleted_by_staff(ctx.session, report_id)
                         else consent.Consent())  # withdrawn by the source's deletion
            continue
        if report.status == ReportStatus.DELETED.value:
            found.append(recorded)
            continue
        answers = consent.latest_answers(report_documents(ctx, report))
        found.append(consent.from_report(answers) if answers is not None else recorded)
    if found:
        return consent.most_protective(found)
    return recorded


#: Audited deletions that are not the source's (review blueprint, retention).
_STAFF_DELETIONS = ("report_deleted", "retention_report_deleted")


def _deleted_by_staff(session: Session, report_id: str) -> bool:
    return session.scalar(select(AuditEvent.id).where(
        AuditEvent.report_id == report_id, AuditEvent.action.in_(_STAFF_DELETIONS)).limit(1)
    ) is not None


def sync_consent(ctx: Context, case: CaseRecord, summary_doc: dict[str, Any]
                 ) -> consent.Consent:
    """The consent in force, recorded in the summary when it changed (so it survives
    the reports' later deletion by a reviewer)."""
    current = effective_consent(ctx, case, summary_doc)
    if current.to_dict() != summary_doc.get("consent"):
        summary_doc["consent"] = current.to_dict()
        summary_doc["record"]["consent_naming"] = current.naming
        summary_doc["record"]["consent_contact"] = "Yes" if current.contact else "No"
        save(ctx, case, summary_doc=summary_doc)
    return current


def add_follow_up(ctx: Context, case: CaseRecord, date: str, kind: str, text: str) -> None:
    """Append a follow-up: original to the identity tier (when readable), anonymized to
    the summary. Without identity access the text goes to the summary as typed (the
    gate still checks it)."""
    if kind not in ("development", "government_response"):
        raise CaseError("follow_up_kind")
    summary_doc = summary(ctx, case)
    try:
        identity_doc = identity(ctx, case)
    except NoAccess:
        identity_doc = None
    if identity_doc is not None:
        identity_doc.setdefault("follow_ups", []).append({"date": date, "kind": kind,
                                                          "text": text})
        build.suggest(identity_doc)
        rebuild(ctx, case, identity_doc, summary_doc)
        return
    from portal.cases import richtext

    summary_doc.setdefault("follow_ups", []).append(
        {"date": build.an.coarsen_dates(date), "kind": kind,
         "text": richtext.sanitize(richtext.from_plain(text))})
    save(ctx, case, summary_doc=summary_doc)


def attachable(ctx: Context, account: StaffAccount, exclude_report: str | None = None,
               limit: int = 30) -> list[tuple[CaseRecord, str]]:
    """Cases this reviewer could add reports to, newest first, with their titles.

    Those whose identity tier they may hold (their own; every case for a custodian),
    not closed, not shredded, and not already built from `exclude_report`.
    """
    query = select(CaseRecord).where(CaseRecord.identity_blob_id.is_not(None),
                                     CaseRecord.status != CaseStatus.CLOSED)
    if ctx.session.get(Custodian, account.id) is None:
        query = query.where(CaseRecord.owner_id == account.id)
    if exclude_report:
        query = query.where(CaseRecord.id.not_in(
            select(CaseReport.case_id).where(CaseReport.report_id == exclude_report)))
    found = []
    for case in ctx.session.scalars(query.order_by(CaseRecord.updated_on.desc(), CaseRecord.id)
                                    .limit(limit)):
        try:
            title = str(summary(ctx, case)["record"].get("title") or "")
        except NoAccess:
            title = ""
        found.append((case, title))
    return found


def cases_for_report(session: Session, report_id: str) -> list[str]:
    """Ids of cases built from a report."""
    return list(session.scalars(select(CaseReport.case_id).where(
        CaseReport.report_id == report_id)))


def referenced_blobs(session: Session) -> set[str]:
    """Blob ids cases refer to (for `portal storage sweep`, which must not remove them)."""
    ids: set[str] = set()
    for summary_id, identity_id in session.execute(
            select(CaseRecord.summary_blob_id, CaseRecord.identity_blob_id)):
        ids.add(summary_id)
        if identity_id:
            ids.add(identity_id)
    return ids


def rekey_summaries(ctx: Context) -> tuple[int, int]:
    """Give every summary a header for the current reviewers, and wrap the identity
    key of every case this key holds for the current custodians: (done, skipped)."""
    from portal.rekey import rekey_blob

    done = skipped = 0
    recipients = ctx.reviewer_recipients()
    for case in list(ctx.session.scalars(select(CaseRecord))):
        try:
            rekey_blob(ctx.blobs, case.summary_blob_id, ctx.identities, recipients)
            done += 1
        except crypto.AgeError:
            skipped += 1
        try:
            tiers.rewrap(ctx.session, case, ctx.identities, ctx.org_recipient)
        except tiers.NoAccess:
            continue
    ctx.session.commit()
    return done, skipped
