"""Emailed product-test invitations (`panel_invitation_sends`, one row per tester: claimed
before the message is sent, so a retried job emails nobody twice).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "panel_invitation_sends",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "panel_id", sa.Integer, sa.ForeignKey("panels.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "tester_id",
            sa.Integer,
            sa.ForeignKey("panel_testers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("link_nonce", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("sent_at", TZ),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("tester_id", name="uq_panel_invitation_sends_tester"),
    )
    op.create_index("ix_panel_invitation_sends_panel", "panel_invitation_sends", ["panel_id"])


def downgrade() -> None:
    op.drop_index("ix_panel_invitation_sends_panel", table_name="panel_invitation_sends")
    op.drop_table("panel_invitation_sends")
