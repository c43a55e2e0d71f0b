"""Emailed survey invitations (`invitation_sends`, one row per survey and contact: claimed
before the message is sent, so a retried job emails nobody twice).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invitation_sends",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "contact_id",
            sa.Integer,
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("link_id", sa.Integer, sa.ForeignKey("survey_links.id", ondelete="SET NULL")),
        sa.Column("link_nonce", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("sent_at", TZ),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("survey_id", "contact_id", name="uq_invitation_sends_contact"),
    )


def downgrade() -> None:
    op.drop_table("invitation_sends")
