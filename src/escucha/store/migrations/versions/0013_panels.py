"""Product tests: panels, their phases, the recruitment draw, testers with their status
history, consent decisions, feedback and reminders.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _panel() -> sa.Column:
    return sa.Column(
        "panel_id", sa.Integer, sa.ForeignKey("panels.id", ondelete="CASCADE"), nullable=False
    )


def _tester() -> sa.Column:
    return sa.Column(
        "tester_id",
        sa.Integer,
        sa.ForeignKey("panel_testers.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "panels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("product", sa.String(1024)),
        sa.Column("idea_id", sa.Integer, sa.ForeignKey("ideas.id", ondelete="SET NULL")),
        sa.Column("goals", sa.Text),
        sa.Column("segment", sa.String(2000), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("quotas", sa.JSON, nullable=False),
        sa.Column("criteria", sa.JSON, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("receives", sa.String(16), nullable=False),
        sa.Column("disclosure", sa.String(255)),
        sa.Column("terms_version", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16)),
        sa.Column("starts_on", TZ),
        sa.Column("ends_on", TZ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("closed_at", TZ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "panel_phases",
        sa.Column("id", sa.Integer, primary_key=True),
        _panel(),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("tasks", sa.Text),
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="SET NULL")),
        sa.UniqueConstraint("panel_id", "position", name="uq_panel_phases_position"),
    )
    op.create_table(
        "panel_draws",
        sa.Column("id", sa.Integer, primary_key=True),
        _panel(),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("pool", sa.JSON, nullable=False),
        sa.Column("selected", sa.JSON, nullable=False),
        sa.Column("left_out", sa.JSON, nullable=False),
        sa.Column("quotas", sa.JSON, nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("drawn_at", TZ, nullable=False),
        sa.Column("drawn_by", sa.String(255), nullable=False),
        sa.UniqueConstraint("panel_id", name="uq_panel_draws_panel"),
    )
    op.create_table(
        "panel_testers",
        sa.Column("id", sa.Integer, primary_key=True),
        _panel(),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("cell", sa.String(512)),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("received", sa.String(1024)),
        sa.Column("received_at", TZ),
        sa.Column("phases_done", sa.JSON, nullable=False),
        sa.Column("reminders", sa.Integer, nullable=False, server_default="0"),
        sa.Column("invited_at", TZ),
        sa.Column("drop_reason", sa.String(1024)),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("panel_id", "contact_id", name="uq_panel_testers_contact"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_panel_testers_contact", "panel_testers", ["contact_id"])
    op.create_table(
        "panel_tester_events",
        sa.Column("id", sa.Integer, primary_key=True),
        _tester(),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(1024)),
        sa.Column("at", TZ, nullable=False),
        sa.Column("by", sa.String(255), nullable=False),
    )
    op.create_index("ix_panel_tester_events_tester", "panel_tester_events", ["tester_id"])
    op.create_table(
        "panel_consents",
        sa.Column("id", sa.Integer, primary_key=True),
        _tester(),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("text_version", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
    )
    op.create_table(
        "panel_feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        _panel(),
        sa.Column("tester_id", sa.Integer, sa.ForeignKey("panel_testers.id", ondelete="SET NULL")),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16)),
        sa.Column("phase", sa.Integer),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("steps", sa.Text),
        sa.Column("confirms", sa.Integer, sa.ForeignKey("panel_feedback.id", ondelete="SET NULL")),
        sa.Column("reading", sa.JSON, nullable=False),
        sa.Column("submission", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("panel_id", "submission", name="uq_panel_feedback_submission"),
    )
    op.create_index("ix_panel_feedback_panel", "panel_feedback", ["panel_id"])
    op.create_table(
        "panel_reminders",
        sa.Column("id", sa.Integer, primary_key=True),
        _tester(),
        sa.Column("reason", sa.String(255), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "panel_reminders",
        "panel_feedback",
        "panel_consents",
        "panel_tester_events",
        "panel_testers",
        "panel_draws",
        "panel_phases",
        "panels",
    ):
        op.drop_table(table)
