"""Initial clinic schema: accounts, clients, assessments, outcome visits, audit log,
web sessions and sign-in failures.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hipnav.store.schema import BigKey, Document, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practitioner",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("username", name="uq_practitioner_username"),
        sa.CheckConstraint("role IN ('admin', 'practitioner')", name="ck_practitioner_role"),
    )
    op.create_table(
        "client",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("practitioner_id", sa.String(32),
                  sa.ForeignKey("practitioner.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(64)),
        sa.Column("birth_year", sa.Integer()),
        sa.Column("sex", sa.String(16)),
        sa.Column("contact", sa.String(200)),
        sa.Column("notes", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_client_practitioner_id", "client", ["practitioner_id"])
    op.create_table(
        "assessment",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("client_id", sa.String(32), sa.ForeignKey("client.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("kb_version", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("case", Document, nullable=False),
        sa.Column("result", Document, nullable=False),
    )
    op.create_index("ix_assessment_client_id", "assessment", ["client_id"])
    op.create_table(
        "outcome_visit",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("client_id", sa.String(32), sa.ForeignKey("client.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("nprs", sa.Integer()),
        sa.Column("psfs", Document),
        sa.Column("psfs_mean", sa.Float()),
        sa.Column("hoos12", Document),
        sa.Column("hoos12_pain", sa.Float()),
        sa.Column("hoos12_function", sa.Float()),
        sa.Column("hoos12_qol", sa.Float()),
        sa.Column("hoos12_summary", sa.Float()),
        sa.Column("note", sa.Text()),
        sa.CheckConstraint("nprs IS NULL OR (nprs >= 0 AND nprs <= 10)", name="ck_outcome_visit_nprs"),
    )
    op.create_index("ix_outcome_visit_client_id", "outcome_visit", ["client_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", BigKey, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(32)),
        sa.Column("actor_name", sa.String(64)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("client_id", sa.String(64)),
        sa.Column("target_id", sa.String(64)),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_client_at", "audit_event", ["client_id", "at"])
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("practitioner_id", sa.String(32),
                  sa.ForeignKey("practitioner.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_web_session_practitioner_id", "web_session", ["practitioner_id"])
    op.create_table(
        "sign_in_failure",
        sa.Column("id", BigKey, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_sign_in_failure_key_at", "sign_in_failure", ["key", "at"])


def downgrade() -> None:
    for table in ("sign_in_failure", "web_session", "audit_event", "outcome_visit", "assessment",
                  "client", "practitioner"):
        op.drop_table(table)
