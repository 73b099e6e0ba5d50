"""Sign-in limits that hold under concurrency, and a one-row guard for the first account.

* ``sign_in_throttle`` replaces ``sign_in_failure``: one row per key with its failure count
  and until when the next attempt must wait, updated under a row lock before a password is
  checked (the old table was counted, then the password checked, so parallel attempts all
  passed the count).
* ``clinic_setup`` holds one row written with the first account; a database that already
  has accounts gets it here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hipnav.store.schema import BigKey, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_sign_in_failure_key_at", table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTCDateTime(), nullable=False),
        sa.Column("blocked_until", UTCDateTime()),
    )
    op.create_index("ix_sign_in_throttle_last_failure_at", "sign_in_throttle", ["last_failure_at"])
    op.create_table(
        "clinic_setup",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("done_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_clinic_setup_one_row"),
    )
    op.execute("INSERT INTO clinic_setup (id, done_at) SELECT 1, MIN(created_at) FROM practitioner "
               "HAVING COUNT(*) > 0")


def downgrade() -> None:
    op.drop_table("clinic_setup")
    op.drop_index("ix_sign_in_throttle_last_failure_at", table_name="sign_in_throttle")
    op.drop_table("sign_in_throttle")
    op.create_table(
        "sign_in_failure",
        sa.Column("id", BigKey, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_sign_in_failure_key_at", "sign_in_failure", ["key", "at"])
