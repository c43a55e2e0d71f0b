"""The mention rollup (store/rollup.py): brand mentions counted per model version, language,
brand, sentiment and UTC day, and live posts per model version, language and day; the days
changed since marked by triggers on the tables they count; built here for every model version
that analysed some post.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from escucha.store import rollup

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mention_rollup",
        sa.Column("model_version", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("lang", sa.String(16), primary_key=True),
        sa.Column("brand", sa.String(255), primary_key=True),
        sa.Column("sentiment", sa.String(16), primary_key=True),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("reach", sa.BigInteger, nullable=False),
        sa.Column("reach_known", sa.Integer, nullable=False),
        sa.Column("engagement", sa.BigInteger, nullable=False),
        sa.Column("engagement_known", sa.Integer, nullable=False),
        sa.Column("complaint", sa.Integer, nullable=False),
        sa.Column("wish", sa.Integer, nullable=False),
    )
    op.create_table(
        "post_rollup",
        sa.Column("model_version", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("lang", sa.String(16), primary_key=True),
        sa.Column("posts", sa.Integer, nullable=False),
    )
    op.create_table("rollup_versions", sa.Column("model_version", sa.String(64), primary_key=True))
    op.create_table(
        "rollup_dirty",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.String(10), nullable=False),
    )
    op.create_index("ix_rollup_dirty_day", "rollup_dirty", ["day"])
    conn = op.get_bind()
    for table in rollup.WATCHED:
        rollup.create_triggers(conn, table)
    rollup.rebuild(conn, rollup.stored_versions(conn))


def downgrade() -> None:
    rollup.drop_triggers(op.get_bind())
    op.drop_index("ix_rollup_dirty_day", "rollup_dirty")
    op.drop_table("rollup_dirty")
    op.drop_table("rollup_versions")
    op.drop_table("post_rollup")
    op.drop_table("mention_rollup")
