"""export_request.batch_id: several cases exported in one bundle

One export request per case (each gated, approved and audited on its own); the
requests of one bundle share a random batch id.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable column and its index."""
    with op.batch_alter_table("export_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_export_request_batch_id"), ["batch_id"],
                              unique=False)


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("export_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_request_batch_id"))
        batch_op.drop_column("batch_id")
