"""Database models: only what triage needs in the clear.

A report row holds an opaque random id, the receipt *date* (never a time), its
status, a coarse size bucket and references to encrypted blobs. Everything the
source wrote or uploaded lives in those blobs, encrypted to the reviewers. No IP
address, User-Agent, Accept-Language or exact time is ever a column here.

This module imports neither Flask nor crypto so it can be used by any tool.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import Boolean, Date, ForeignKey, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Longest age recipient we accept (a hybrid ML-KEM recipient is ~1,960 characters).
RECIPIENT_MAX = 4000


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_id() -> str:
    """A random opaque identifier (128 bits, URL-safe hex)."""
    return secrets.token_hex(16)


def today() -> dt.date:
    """The current UTC date: the only clock value we store."""
    return dt.datetime.now(dt.UTC).date()


class ReportStatus(enum.StrEnum):
    """Where a report is in its life; shown to the source at /followup."""

    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    NEED_INFO = "need_info"
    CASE_OPENED = "case_opened"
    FORWARDED = "forwarded"
    CLOSED = "closed"
    DELETED = "deleted"  # content removed; only this row remains so the source can be told


class EntryKind(enum.StrEnum):
    """What an encrypted blob attached to a report holds."""

    REPORT = "report"  # the first submission: JSON document (fields, consent, file manifest)
    ADDITION = "addition"  # more information sent later under the same codename (JSON)
    CONSENT = "consent"  # a change or withdrawal of consent (JSON)
    FILE = "file"  # one attachment's bytes (after scrubbing)
    REPLY = "reply"  # a reviewer's reply, readable by the source (JSON)


class Setting(Base):
    """Installation-wide values that are not secret (e.g. the codename salt)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class Reviewer(Base):
    """A reviewer's public age recipient; every active one can read new reports.

    Minimal on purpose: the dashboard (issue 5) extends it with login data.
    """

    __tablename__ = "reviewer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(RECIPIENT_MAX), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_on: Mapped[dt.date] = mapped_column(Date, default=today)


class Report(Base):
    """One source's report and everything sent later under the same codename."""

    __tablename__ = "report"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    received_on: Mapped[dt.date] = mapped_column(Date, default=today)
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.RECEIVED.value)
    # HMAC of the Argon2id hash of the codename (see portal/codename.py for why).
    lookup_tag: Mapped[str] = mapped_column(String(64), unique=True)
    # Public age recipient derived from the codename; replies are encrypted to it.
    reply_recipient: Mapped[str] = mapped_column(String(RECIPIENT_MAX))
    # Coarse size of everything received (upper bound of a power-of-two bucket).
    size_bucket: Mapped[int] = mapped_column(Integer, default=0)
    # Date of the source's latest addition or consent change, for triage.
    updated_on: Mapped[dt.date] = mapped_column(Date, default=today)
    # Triage, in the clear because the inbox filters and sorts on them (issue 5); the
    # inbox's indexes are in portal.staff_models.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    assignee_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # True when any attachment was stored without its metadata removed.
    metadata_kept: Mapped[bool] = mapped_column(Boolean, default=False)

    entries: Mapped[list[Entry]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        order_by="Entry.seq",
    )


class Entry(Base):
    """A reference to one encrypted blob belonging to a report."""

    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("report_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    blob_id: Mapped[str] = mapped_column(String(32), unique=True)
    size_bucket: Mapped[int] = mapped_column(Integer)
    added_on: Mapped[dt.date] = mapped_column(Date, default=today)

    report: Mapped[Report] = relationship(back_populates="entries")
