"""Models of the staff side: accounts, server-side sessions, audit log, notes, re-keying.

Nothing here holds a secret in a usable form: passwords are Argon2id hashes, TOTP
secrets are sealed under a key derived from SECRET_KEY, a reviewer's age identity
is stored only as an ``age -p`` (scrypt) file, the identity unlocked for a session
is sealed under a key that lives only in the reviewer's cookie, and notes and tags
are encrypted blobs like the reports themselves.

Like portal.models this module imports neither Flask nor crypto.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DDL,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.models import Base, Report, today

USERNAME_MAX = 64


def now() -> dt.datetime:
    """The current UTC time, timezone-aware (staff events only, never sources')."""
    return dt.datetime.now(dt.UTC)


class StaffAccount(Base):
    """A person of the organization: admin, reviewer, or both."""

    __tablename__ = "staff_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_reviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Argon2id PHC string; None until the person enrols.
    password_hash: Mapped[str | None] = mapped_column(String(256), default=None)
    # TOTP secret sealed with a key derived from SECRET_KEY (see portal.keyring).
    totp_sealed: Mapped[str | None] = mapped_column(String(512), default=None)
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The last accepted 30-second step: a code of that step or earlier is a replay.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )
    # SHA-256 of the one-time enrolment code; the code itself is shown once.
    enrol_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    enrol_expires: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )
    # "browser": identity stored passphrase-encrypted here; "offline": public recipient only.
    key_mode: Mapped[str | None] = mapped_column(String(16), default=None)
    protected_identity: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviewer.id", ondelete="SET NULL"), default=None
    )
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)

    @property
    def enrolled(self) -> bool:
        """True once a password and a confirmed TOTP secret exist."""
        return self.password_hash is not None and self.totp_confirmed

    @property
    def roles(self) -> list[str]:
        """Role names, for display."""
        return [name for name, on in (("admin", self.is_admin),
                                      ("reviewer", self.is_reviewer)) if on]


class StaffSession(Base):
    """A logged-in browser. The id is a hash of the cookie's secret, never the secret."""

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("staff_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The unlocked identity, sealed under a key only the cookie holds (portal.keyring).
    sealed_identity: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class AuditEvent(Base):
    """One security event: who, what, which report. Never content. Hash-chained."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    actor: Mapped[str] = mapped_column(String(USERNAME_MAX), default="")
    action: Mapped[str] = mapped_column(String(40))
    report_id: Mapped[str | None] = mapped_column(String(32), default=None)
    detail: Mapped[str] = mapped_column(String(200), default="")
    # Unique: two writers that raced for the same predecessor cannot both append.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


# The database itself refuses to change or delete audit rows (defence in depth; the
# hash chain is what detects an attacker who can bypass the triggers).
for _op in ("UPDATE", "DELETE"):
    event.listen(
        AuditEvent.__table__,
        "after_create",
        DDL(
            f"CREATE TRIGGER audit_event_no_{_op.lower()} BEFORE {_op} ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        ).execute_if(dialect="sqlite"),
    )
event.listen(
    AuditEvent.__table__,
    "after_create",
    DDL(
        "CREATE FUNCTION audit_event_refuse() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql; "
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()"
    ).execute_if(dialect="postgresql"),
)


class ReportNote(Base):
    """A reviewer's note on a report: an encrypted blob, like the report."""

    __tablename__ = "report_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(Integer, default=None)
    blob_id: Mapped[str] = mapped_column(String(32), unique=True)
    added_on: Mapped[dt.date] = mapped_column(Date, default=today)


class ReportTags(Base):
    """A report's tags: one encrypted blob (a JSON list), replaced on every change."""

    __tablename__ = "report_tags"

    report_id: Mapped[str] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    blob_id: Mapped[str] = mapped_column(String(32), unique=True)


class RekeyJob(Base):
    """The reviewer set changed: stored blobs must get new headers (portal.rekey)."""

    __tablename__ = "rekey_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # The pending jobs share one pass over the reports in id order, done in batches:
    # the last report id re-keyed, and how many reports the re-keying key could not open.
    cursor: Mapped[str | None] = mapped_column(String(32), default=None)
    skipped: Mapped[int] = mapped_column(Integer, default=0)


# The inbox sorts urgent first, then newest, then id; each filter gets an index in
# that order so a page is a short index walk even with 100,000 reports.
Index("ix_report_inbox", Report.urgent, Report.received_on, Report.id)
Index("ix_report_status_inbox", Report.status, Report.urgent, Report.received_on, Report.id)
Index("ix_report_assignee_inbox", Report.assignee_id, Report.urgent, Report.received_on,
      Report.id)
Index("ix_report_metadata_inbox", Report.metadata_kept, Report.urgent, Report.received_on,
      Report.id)
