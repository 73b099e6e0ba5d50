"""A second sign-in factor: TOTP secrets and their last used time step on accounts,
one-time recovery codes, and sessions that wait for a code.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hipnav.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practitioner") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(64)))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger()))
    with op.batch_alter_table("web_session") as batch:
        batch.add_column(sa.Column("stage", sa.String(16), nullable=False, server_default="signed_in"))
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("practitioner_id", sa.String(32), sa.ForeignKey("practitioner.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("code_hash", sa.String(100), nullable=False),
        sa.Column("used_at", UTCDateTime()),
    )
    op.create_index("ix_recovery_code_practitioner_id", "recovery_code", ["practitioner_id"])


def downgrade() -> None:
    op.drop_index("ix_recovery_code_practitioner_id", table_name="recovery_code")
    op.drop_table("recovery_code")
    with op.batch_alter_table("web_session") as batch:
        batch.drop_column("stage")
    with op.batch_alter_table("practitioner") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_secret")
