"""Drafts of new posts (announcements, survey invitations, tester calls) beside replies, the
account a publication was written by, and each inbox item's count of its author's items.

A draft's `post_id` (the post replied to) becomes optional; `kind`, `source`, `title` and
`community` say what a draft without a parent is published as, and where. A publication's
`parent_native_id` becomes optional, and it keeps the account the platform says wrote it.

Recreating `drafts` on SQLite (there is no ALTER COLUMN) deletes its children by their
ON DELETE CASCADE, so they are kept aside and put back. Downgrading deletes the drafts that
answer no post (the old schema cannot hold them).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CHILDREN = ("draft_approvals", "draft_overrides", "publications")


def _keeping_children(change: Callable[[Any], None]) -> None:
    """Run `change` on the drafts table; on SQLite, keep its children's rows across it."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for table in CHILDREN:
            op.execute(f"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table}")
    with op.batch_alter_table("drafts") as batch:
        change(batch)
    if sqlite:
        for table in CHILDREN:
            op.execute(f"DELETE FROM {table}")
            op.execute(f"INSERT INTO {table} SELECT * FROM kept_{table}")
            op.execute(f"DROP TABLE kept_{table}")


def upgrade() -> None:
    op.add_column(
        "inbox_items",
        sa.Column("asker_items", sa.Integer, nullable=False, server_default="1"),
    )
    op.execute(
        "UPDATE inbox_items SET asker_items = (SELECT count(*) FROM inbox_items j "
        "WHERE j.author_id = inbox_items.author_id) WHERE author_id IS NOT NULL"
    )
    with op.batch_alter_table("publications") as batch:
        batch.alter_column("parent_native_id", existing_type=sa.String(255), nullable=True)
        batch.add_column(sa.Column("account_id", sa.String(255)))
        batch.add_column(sa.Column("account_handle", sa.String(255)))

    def change(batch: Any) -> None:
        batch.alter_column("post_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="reply"))
        batch.add_column(sa.Column("source", sa.String(64)))
        batch.add_column(sa.Column("title", sa.Text))
        batch.add_column(sa.Column("community", sa.String(255)))

    _keeping_children(change)
    op.execute(
        "UPDATE drafts SET source = "
        "(SELECT posts.source FROM posts WHERE posts.id = drafts.post_id)"
    )


def downgrade() -> None:
    op.execute("DELETE FROM drafts WHERE post_id IS NULL")

    def change(batch: Any) -> None:
        for name in ("community", "title", "source", "kind"):
            batch.drop_column(name)
        batch.alter_column("post_id", existing_type=sa.Integer, nullable=False)

    _keeping_children(change)
    with op.batch_alter_table("publications") as batch:
        batch.drop_column("account_handle")
        batch.drop_column("account_id")
        batch.alter_column("parent_native_id", existing_type=sa.String(255), nullable=False)
    with op.batch_alter_table("inbox_items") as batch:
        batch.drop_column("asker_items")
