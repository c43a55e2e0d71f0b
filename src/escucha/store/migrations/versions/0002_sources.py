"""Listening connectors: each source's resume cursor and health, and the records it rejected.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "source_state",
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("cursor", sa.JSON),
        sa.Column("updated_at", TZ),
        sa.Column("last_ok_at", TZ),
        sa.Column("last_error", sa.Text),
        sa.Column("collected", sa.Integer, nullable=False),
    )
    op.create_table(
        "source_rejects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("payload", sa.Text),
        sa.Column("rejected_at", TZ, nullable=False),
    )
    op.create_index("ix_source_rejects_source", "source_rejects", ["source"])


def downgrade() -> None:
    op.drop_index("ix_source_rejects_source", table_name="source_rejects")
    op.drop_table("source_rejects")
    op.drop_table("source_state")
