"""The community: contacts, identities, emails, attributes, consent, merges, the ledger,
segments and erasures.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _contact(nullable: bool = False) -> sa.Column:
    return sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "contacts",
        _id(),
        sa.Column("name", sa.String(255)),
        sa.Column("lang", sa.String(16)),
        sa.Column("country", sa.String(64)),
        sa.Column("opted_out", sa.Boolean, nullable=False),
        sa.Column("opted_out_at", TZ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("seed_author_id", sa.Integer, sa.ForeignKey("authors.id", ondelete="SET NULL")),
        sa.UniqueConstraint("seed_author_id", name="uq_contacts_seed_author"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "contact_identities",
        _id(),
        _contact(),
        sa.Column("platform", sa.String(64), nullable=False),
        sa.Column("handle", sa.String(512), nullable=False),
        sa.Column("handle_key", sa.String(512), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("authors.id")),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("author_id", name="uq_contact_identities_author"),
    )
    op.create_index("ix_contact_identities_contact", "contact_identities", ["contact_id"])
    op.create_index("ix_contact_identities_key", "contact_identities", ["platform", "handle_key"])
    op.create_table(
        "contact_emails",
        _id(),
        _contact(),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False),
    )
    op.create_index("ix_contact_emails_contact", "contact_emails", ["contact_id"])
    op.create_index("ix_contact_emails_key", "contact_emails", ["email_key"])
    op.create_table(
        "contact_attributes",
        _id(),
        _contact(),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.UniqueConstraint("contact_id", "name", name="uq_contact_attributes_name"),
    )
    op.create_table(
        "consent_records",
        _id(),
        _contact(),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("text_version", sa.String(64), nullable=False),
        sa.Column("source", sa.String(255)),
    )
    op.create_index("ix_consent_records_contact", "consent_records", ["contact_id"])
    op.create_table(
        "contact_merges",
        _id(),
        sa.Column("kept_id", sa.Integer, nullable=False),
        sa.Column("merged_id", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("merged_by", sa.String(255), nullable=False),
        sa.Column("merged_at", TZ, nullable=False),
        sa.Column("before", sa.JSON, nullable=False),
        sa.Column("undone_at", TZ),
        sa.Column("undone_by", sa.String(255)),
    )
    op.create_index("ix_contact_merges_kept", "contact_merges", ["kept_id"])
    op.create_table(
        "merge_evidence",
        _id(),
        sa.Column("contact_a", sa.Integer, sa.ForeignKey("contacts.id"), nullable=False),
        sa.Column("contact_b", sa.Integer, sa.ForeignKey("contacts.id"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("contact_a", "contact_b", "reason", name="uq_merge_evidence"),
    )
    op.create_table(
        "interactions",
        _id(),
        _contact(nullable=True),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("occurred_at", TZ, nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("ref", sa.String(2000)),
        sa.Column("recorded_by", sa.String(255), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
    )
    op.create_index("ix_interactions_contact", "interactions", ["contact_id", "occurred_at"])
    op.create_index("ix_interactions_occurred", "interactions", ["occurred_at"])
    op.create_table(
        "segments",
        _id(),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("name", name="uq_segments_name"),
    )
    op.create_table(
        "erasures",
        _id(),
        sa.Column("erased_at", TZ, nullable=False),
        sa.Column("erased_by", sa.String(255), nullable=False),
        sa.Column("identities", sa.Integer, nullable=False),
        sa.Column("posts", sa.Integer, nullable=False),
    )
    op.create_table(
        "erased_identities",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("erased_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "erased_identities",
        "erasures",
        "segments",
        "interactions",
        "merge_evidence",
        "contact_merges",
        "consent_records",
        "contact_attributes",
        "contact_emails",
        "contact_identities",
        "contacts",
    ):
        op.drop_table(table)
