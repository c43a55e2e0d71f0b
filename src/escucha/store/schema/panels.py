"""Product tests (panels/): a test of a product with the community, its phases, the audited
recruitment draw, its testers with their status history, consent records, feedback and
reminders.

A tester's `contact_id` is set to NULL when the person is erased (community forget): the
tester row, its status history and its feedback stay, anonymous, so aggregates keep them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from escucha.core.timeutil import UTCDateTime
from escucha.store.schema.base import metadata, sent_log_columns

panels = Table(
    "panels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("product", String(1024)),
    Column("idea_id", Integer, ForeignKey("ideas.id", ondelete="SET NULL")),
    Column("goals", Text),
    Column("segment", String(2000), nullable=False),  # a saved segment's name or a query
    Column("size", Integer, nullable=False),
    Column("quotas", JSON, nullable=False),  # [{"attribute", "value", "count"}]
    Column("criteria", JSON, nullable=False),  # lang, country, internal, rest_months
    Column("seed", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # draft | recruited | running | closed
    Column("receives", String(16), nullable=False),  # gift | loan | nothing
    Column("disclosure", String(255)),  # what testers write when they post about it
    Column("terms_version", String(64), nullable=False),
    Column("outcome", String(16)),  # shipped | declined, when closed
    Column("starts_on", UTCDateTime),
    Column("ends_on", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("closed_at", UTCDateTime),
    sqlite_autoincrement=True,
)

panel_phases = Table(
    "panel_phases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("panel_id", Integer, ForeignKey("panels.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(255), nullable=False),
    Column("tasks", Text),
    Column("survey_id", Integer, ForeignKey("surveys.id", ondelete="SET NULL")),
    UniqueConstraint("panel_id", "position", name="uq_panel_phases_position"),
)

# The one draw of a panel: the seed, the ranked pool with reasons, who was selected and who
# was left out and why. Unique per panel: a second recruit reads it back, never redraws.
panel_draws = Table(
    "panel_draws",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("panel_id", Integer, ForeignKey("panels.id", ondelete="CASCADE"), nullable=False),
    Column("seed", Integer, nullable=False),
    Column("pool", JSON, nullable=False),
    Column("selected", JSON, nullable=False),
    Column("left_out", JSON, nullable=False),
    Column("quotas", JSON, nullable=False),
    Column("notes", JSON, nullable=False),
    Column("drawn_at", UTCDateTime, nullable=False),
    Column("drawn_by", String(255), nullable=False),
    UniqueConstraint("panel_id", name="uq_panel_draws_panel"),
)

panel_testers = Table(
    "panel_testers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("panel_id", Integer, ForeignKey("panels.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="SET NULL")),
    # selected | invited | accepted | declined | shipped | active | completed | dropped
    Column("status", String(16), nullable=False),
    Column("cell", String(512)),  # the quota cell it was drawn in
    Column("token_hash", String(64), unique=True),  # the personal link's SHA-256
    Column("received", String(1024)),
    Column("received_at", UTCDateTime),
    Column("phases_done", JSON, nullable=False),  # phase positions completed, in order
    Column("reminders", Integer, nullable=False, default=0),
    Column("invited_at", UTCDateTime),
    Column("drop_reason", String(1024)),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("panel_id", "contact_id", name="uq_panel_testers_contact"),
    sqlite_autoincrement=True,
)
Index("ix_panel_testers_contact", panel_testers.c.contact_id)

panel_tester_events = Table(
    "panel_tester_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "tester_id", Integer, ForeignKey("panel_testers.id", ondelete="CASCADE"), nullable=False
    ),
    Column("status", String(16), nullable=False),
    Column("reason", String(1024)),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(255), nullable=False),
)
Index("ix_panel_tester_events_tester", panel_tester_events.c.tester_id)

# Each decision on the terms: accepted, declined or withdrawn, with the text version shown.
panel_consents = Table(
    "panel_consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "tester_id", Integer, ForeignKey("panel_testers.id", ondelete="CASCADE"), nullable=False
    ),
    Column("decision", String(16), nullable=False),  # accepted | declined | withdrawn
    Column("text_version", String(64), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# Free reports (bug, problem, suggestion) through the personal link; `submission` is the
# form's one-time key, so the same form posted twice is stored once.
panel_feedback = Table(
    "panel_feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("panel_id", Integer, ForeignKey("panels.id", ondelete="CASCADE"), nullable=False),
    Column("tester_id", Integer, ForeignKey("panel_testers.id", ondelete="SET NULL")),
    Column("kind", String(16), nullable=False),  # bug | problem | suggestion
    Column("severity", String(16)),  # low | medium | high | critical (bugs and problems)
    Column("phase", Integer),
    Column("text", Text, nullable=False),
    Column("steps", Text),
    Column("confirms", Integer, ForeignKey("panel_feedback.id", ondelete="SET NULL")),
    Column("reading", JSON, nullable=False),  # the models' intents (complaint, wish) and lang
    Column("submission", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("panel_id", "submission", name="uq_panel_feedback_submission"),
)
Index("ix_panel_feedback_panel", panel_feedback.c.panel_id)

panel_reminders = Table(
    "panel_reminders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "tester_id", Integer, ForeignKey("panel_testers.id", ondelete="CASCADE"), nullable=False
    ),
    Column("reason", String(255), nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
)

# Emailed invitations (`panels invite --send email`): one row per tester, claimed before the
# message is sent (store/sentlog.py), so a retried job emails nobody twice. `link_nonce`
# re-derives the personal link's token (with the workspace's secret) while the row may be
# retried; it is cleared once the message is sent.
panel_invitation_sends = Table(
    "panel_invitation_sends",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("panel_id", Integer, ForeignKey("panels.id", ondelete="CASCADE"), nullable=False),
    Column(
        "tester_id", Integer, ForeignKey("panel_testers.id", ondelete="CASCADE"), nullable=False
    ),
    Column("link_nonce", String(64)),
    *sent_log_columns(),  # status: claimed | sent | failed
    UniqueConstraint("tester_id", name="uq_panel_invitation_sends_tester"),
)
Index("ix_panel_invitation_sends_panel", panel_invitation_sends.c.panel_id)

TABLES = (
    panels,
    panel_phases,
    panel_draws,
    panel_testers,
    panel_tester_events,
    panel_consents,
    panel_feedback,
    panel_reminders,
    panel_invitation_sends,
)
