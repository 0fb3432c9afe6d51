"""Encrypting the two tiers of a case, and crypto-shredding the identity tier.

Summary tier: one JSON document encrypted to every active reviewer and the
organization's offline key (like reports), replaced on every save.

Identity tier: one JSON document encrypted to a per-case X25519 key. That key is
stored only wrapped: an age file whose recipients are the case owner, the
custodians and the organization's offline key. Changing who may read the identity
tier re-wraps 32 bytes instead of re-encrypting documents, and shredding deletes
the wrapped key row (SQLite's secure_delete zeroes its pages) and the blobs: even a
copy of an old identity blob then opens for nobody.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from portal import documents
from portal.cases.models import CaseKey, CaseRecord, Custodian
from portal.models import Reviewer, today
from portal.staff_models import StaffAccount
from portal.storage import BlobStore, StorageError


class NoAccess(Exception):
    """This key cannot open the tier (not the owner or a custodian, or shredded)."""


def account_recipient(session: Session, account: StaffAccount | None) -> str | None:
    """The age recipient of a staff member's reviewer key, if they have one."""
    if account is None or account.reviewer_id is None:
        return None
    reviewer = session.get(Reviewer, account.reviewer_id)
    return reviewer.recipient if reviewer is not None and reviewer.active else None


def holder_recipients(session: Session, owner: StaffAccount | None,
                      org_recipient: str | None) -> list[crypto.Recipient]:
    """Who holds a case's identity key: its owner, the custodians, the organization."""
    texts: list[str] = []
    owner_text = account_recipient(session, owner)
    if owner_text:
        texts.append(owner_text)
    for custodian in session.scalars(select(Custodian)):
        text = account_recipient(session, session.get(StaffAccount, custodian.account_id))
        if text:
            texts.append(text)
    if org_recipient:
        texts.append(org_recipient)
    recipients = []
    for text in dict.fromkeys(texts):
        try:
            recipients.append(crypto.parse_recipient(text))
        except crypto.AgeError:
            continue
    if not recipients:
        raise NoAccess("nobody could hold this case's identity key")
    return recipients


def new_case_key() -> crypto.Identity:
    """A fresh per-case key for the identity tier."""
    return crypto.X25519Identity(secrets.token_bytes(32))


def wrap(key: crypto.Identity, recipients: Sequence[crypto.Recipient]) -> bytes:
    """The case key encrypted to its holders."""
    return crypto.encrypt_bytes(key.to_string().encode("ascii"), list(recipients))


def unwrap(session: Session, case: CaseRecord,
           identities: Sequence[crypto.Identity]) -> crypto.Identity:
    """Open the case key with a holder's identity (NoAccess otherwise)."""
    row = session.get(CaseKey, case.id)
    if row is None or case.identity_blob_id is None:
        raise NoAccess("the identity tier was shredded")
    try:
        return crypto.parse_identity(
            crypto.decrypt_bytes(row.wrapped, list(identities)).decode("ascii"))
    except (crypto.AgeError, UnicodeDecodeError):
        raise NoAccess("this key does not hold the case key") from None


def put(blobs: BlobStore, document: dict[str, Any],
        recipients: Sequence[crypto.Recipient]) -> str:
    """Store a tier document (padded like reports); returns the blob id."""
    return blobs.put(documents.encode(document), list(recipients)).blob_id


def read(blobs: BlobStore, blob_id: str, identities: Sequence[crypto.Identity]) -> dict[str, Any]:
    """Decrypt and parse a tier document (NoAccess if the key does not open it)."""
    try:
        return documents.decode(blobs.decrypt(blob_id, list(identities)))
    except (crypto.AgeError, StorageError, ValueError):
        raise NoAccess("this key does not open the document") from None


def rewrap(session: Session, case: CaseRecord, identities: Sequence[crypto.Identity],
           org_recipient: str | None) -> None:
    """Wrap the case key again for the current owner and custodians (caller commits)."""
    key = unwrap(session, case, identities)
    owner = session.get(StaffAccount, case.owner_id) if case.owner_id else None
    row = session.get(CaseKey, case.id)
    if row is not None:
        row.wrapped = wrap(key, holder_recipients(session, owner, org_recipient))


def shred(session: Session, blobs: BlobStore, case: CaseRecord) -> int:
    """Destroy the identity tier: wrapped key row and blob. The summary stays.

    Returns the number of blobs removed. Rows go first (committed), then files, so a
    crash leaves at worst an unreferenced ciphertext nobody holds a key to.
    """
    blob_id = case.identity_blob_id
    row = session.get(CaseKey, case.id)
    if row is not None:
        session.delete(row)
    case.identity_blob_id = None
    case.shredded_on = today()
    session.commit()
    if blob_id is None:
        return 0
    blobs.delete(blob_id)
    return 1
