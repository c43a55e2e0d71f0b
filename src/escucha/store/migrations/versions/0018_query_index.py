"""Posts keep their folded words, indexed for queries (FTS5 on SQLite, trigrams on PostgreSQL);
brand mentions and posts are indexed by the lowered brand and author that `brand:` and
`author:` compare, and enrichments by sentiment.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from escucha.core.text import folded_words
from escucha.store import search

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_BATCH = 5000


def _backfill(conn: sa.Connection) -> None:
    """Fold the stored texts in batches of ids, so memory stays flat on a large store."""
    posts = sa.table("posts", sa.column("id", sa.Integer), sa.column("text"), sa.column("words"))
    update = sa.update(posts).where(posts.c.id == sa.bindparam("pid"))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(posts.c.id, posts.c.text)
            .where(posts.c.id > last)
            .order_by(posts.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            update.values(words=sa.bindparam("w")),
            [{"pid": pid, "w": folded_words(text)} for pid, text in rows],
        )
        last = rows[-1][0]


def upgrade() -> None:
    op.add_column("posts", sa.Column("words", sa.Text))
    conn = op.get_bind()
    _backfill(conn)
    search.create_word_index(conn)
    for name in search.FOLDED_INDEXES:
        search.create_folded_index(conn, name)
    op.create_index(
        "ix_enrichments_sentiment", "enrichments", ["model_version", "sentiment", "post_id"]
    )


def downgrade() -> None:
    conn = op.get_bind()
    op.drop_index("ix_enrichments_sentiment", "enrichments")
    for name in search.FOLDED_INDEXES:
        search.drop_folded_index(conn, name)
    search.drop_word_index(conn)
    op.drop_column("posts", "words")  # SQLite drops it in place: posts keeps its definition
