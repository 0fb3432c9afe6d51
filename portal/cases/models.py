"""Tables of case records, their tiers' keys, duplicate fingerprints and exports.

Nothing identifying is a column: a case row holds random ids, dates, a status and
references to two encrypted blobs (the identity tier and the summary tier). The
identity tier is encrypted to a per-case key, which is stored only wrapped (age) to
the case owner, the custodians and the organization's offline key: destroying that
wrapped key and the identity blobs is the crypto-shredding of the person.
Possible duplicates are found through keyed HMACs of normalized identifiers.

Like portal.models this module imports neither Flask nor crypto.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models import RECIPIENT_MAX, Base, new_id, today


class CaseStatus:
    """Where a case is in its life (stable strings, stored)."""

    OPEN = "open"
    READY = "ready"  # anonymization reviewed, may be exported
    CLOSED = "closed"
    ALL = (OPEN, READY, CLOSED)


class CaseRecord(Base):
    """One case: the two tiers as encrypted blobs, and its owner."""

    __tablename__ = "case_record"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    updated_on: Mapped[dt.date] = mapped_column(Date, default=today)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_account.id", ondelete="SET NULL"), default=None, index=True)
    # Summary tier: encrypted to every active reviewer (and the organization's key).
    summary_blob_id: Mapped[str] = mapped_column(String(32), unique=True)
    # Identity tier: encrypted to the case key; None once crypto-shredded.
    identity_blob_id: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    shredded_on: Mapped[dt.date | None] = mapped_column(Date, default=None)

    reports: Mapped[list[CaseReport]] = relationship(cascade="all, delete-orphan")


class CaseKey(Base):
    """The case's identity-tier key, wrapped (age) to owner, custodians and organization."""

    __tablename__ = "case_key"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)


class CaseReport(Base):
    """A report a case was built from."""

    __tablename__ = "case_report"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True)
    report_id: Mapped[str] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True, index=True)


class CaseIdentifier(Base):
    """A keyed HMAC of one normalized identifier of a case (name, pinyin, ID number)."""

    __tablename__ = "case_identifier"
    __table_args__ = (UniqueConstraint("case_id", "digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))


class Custodian(Base):
    """A staff member who holds every case's identity-tier key besides its owner."""

    __tablename__ = "case_custodian"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("staff_account.id", ondelete="CASCADE"), primary_key=True)
    added_on: Mapped[dt.date] = mapped_column(Date, default=today)


class ForwardRecipient(Base):
    """An outside body's age recipient (a UN focal point, a partner) set by an admin."""

    __tablename__ = "forward_recipient"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    recipient: Mapped[str] = mapped_column(String(RECIPIENT_MAX))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_on: Mapped[dt.date] = mapped_column(Date, default=today)


class ExportStatus:
    """States of an export request (four eyes)."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    DONE = "done"


class ExportRequest(Base):
    """An export of one case to an outside body: needs a second reviewer's approval of
    the preview. A bundle of several cases is a batch of these (see batch_id)."""

    __tablename__ = "export_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    requested_by: Mapped[int | None] = mapped_column(Integer, default=None)
    requested_on: Mapped[dt.date] = mapped_column(Date, default=today)
    format: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(24))
    recipient_body: Mapped[str] = mapped_column(String(120))
    forward_recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("forward_recipient.id", ondelete="SET NULL"), default=None)
    consent_basis: Mapped[str] = mapped_column(String(40))
    # SHA-256 of exactly the bytes that were previewed and approved.
    digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default=ExportStatus.PENDING)
    approved_by: Mapped[int | None] = mapped_column(Integer, default=None)
    decided_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    #: Several cases exported in one bundle: one request per case (each gated,
    #: approved and audited on its own), sharing this random id. None: one case.
    batch_id: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
