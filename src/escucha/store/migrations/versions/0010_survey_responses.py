"""Research: survey links, responses with their paradata, quotas and invitations.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _survey() -> sa.Column:
    return sa.Column(
        "survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "survey_links",
        sa.Column("id", sa.Integer, primary_key=True),
        _survey(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(64)),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id", ondelete="SET NULL")),
        sa.Column("anonymous", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("expires_at", TZ),
        sa.Column("max_uses", sa.Integer),
        sa.Column("uses", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_survey_links_survey", "survey_links", ["survey_id"])
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer, primary_key=True),
        _survey(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("link_id", sa.Integer, sa.ForeignKey("survey_links.id", ondelete="SET NULL")),
        sa.Column("source", sa.String(64)),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id", ondelete="SET NULL")),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("ua_class", sa.String(16)),
        sa.Column("fingerprint", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("page", sa.Integer, nullable=False, server_default="0"),
        sa.Column("page_seconds", sa.JSON, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("honeypot", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("resume_hash", sa.String(64), unique=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("submitted_at", TZ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_survey_responses_survey_status", "survey_responses", ["survey_id", "status"]
    )
    op.create_table(
        "survey_quotas",
        sa.Column("id", sa.Integer, primary_key=True),
        _survey(),
        sa.Column("variable", sa.String(255), nullable=False),
        sa.Column("category", sa.String(255), nullable=False),
        sa.Column("cap", sa.Integer, nullable=False),
        sa.UniqueConstraint("survey_id", "variable", "category", name="uq_survey_quotas_cell"),
    )
    op.create_table(
        "survey_invitations",
        sa.Column("id", sa.Integer, primary_key=True),
        _survey(),
        sa.Column(
            "contact_id",
            sa.Integer,
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("link_id", sa.Integer, sa.ForeignKey("survey_links.id", ondelete="SET NULL")),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="SET NULL")),
        sa.Column("invited_at", TZ, nullable=False),
        sa.Column("reminded_at", TZ),
        sa.UniqueConstraint("survey_id", "contact_id", name="uq_survey_invitations_contact"),
    )


def downgrade() -> None:
    op.drop_table("survey_invitations")
    op.drop_table("survey_quotas")
    op.drop_index("ix_survey_responses_survey_status", "survey_responses")
    op.drop_table("survey_responses")
    op.drop_index("ix_survey_links_survey", "survey_links")
    op.drop_table("survey_links")
