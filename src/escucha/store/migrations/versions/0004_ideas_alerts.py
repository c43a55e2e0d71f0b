"""The idea backlog (ideas and their posts) and alerts (fired alerts and their deliveries).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ideas",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_before_merge", sa.String(16)),
        sa.Column("merged_into", sa.Integer, sa.ForeignKey("ideas.id")),
        sa.Column("first_seen", TZ),
        sa.Column("last_seen", TZ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("key", name="uq_ideas_key"),
    )
    op.create_table(
        "idea_posts",
        sa.Column(
            "post_id",
            sa.Integer,
            sa.ForeignKey("posts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "idea_id", sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "grouped_into",
            sa.Integer,
            sa.ForeignKey("ideas.id", ondelete="CASCADE"),
            nullable=False,
        ),
    )
    op.create_index("ix_idea_posts_idea_id", "idea_posts", ["idea_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rule", sa.String(255), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("window_start", TZ, nullable=False),
        sa.Column("window_end", TZ, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("fired_at", TZ, nullable=False),
        sa.UniqueConstraint(
            "rule", "metric", "subject", "window_start", "window_end", name="uq_alerts_identity"
        ),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "alert_id", sa.Integer, sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_attempt_at", TZ),
        sa.Column("next_attempt_at", TZ),
        sa.Column("sent_at", TZ),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("alert_id", "channel", name="uq_alert_deliveries_alert_channel"),
    )


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alerts")
    op.drop_index("ix_idea_posts_idea_id", table_name="idea_posts")
    op.drop_table("idea_posts")
    op.drop_table("ideas")
