"""Research: surveys, the versions of their definitions, links, responses, quotas and
invitations.

A survey's definition is stored whole, as JSON, in one row per version: answers keep the
version they were given under, so a live survey's definition is never changed in place.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from escucha.core.timeutil import UTCDateTime
from escucha.store.schema.base import metadata, sent_log_columns

surveys = Table(
    "surveys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False),  # the form id
    Column("title", String(1024), nullable=False),
    Column("status", String(16), nullable=False),  # draft | live | closed
    Column("created_at", UTCDateTime, nullable=False),
    sqlite_autoincrement=True,
)

survey_versions = Table(
    "survey_versions",
    metadata,
    Column(
        "survey_id",
        Integer,
        ForeignKey("surveys.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True),
    Column("definition", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


# Distribution: links a respondent opens. Only a token's SHA-256 is stored; the token itself
# is in the URL (public links) or sent to one contact (personal links: single use, expiring).
survey_links = Table(
    "survey_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("survey_id", Integer, ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # public | personal
    Column("source", String(64)),  # ?src= of a public link: mastodon, newsletter...
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="SET NULL")),
    Column("anonymous", Boolean, nullable=False, default=False),  # answers never linked
    Column("expires_at", UTCDateTime),
    Column("max_uses", Integer),  # 1 for a personal link; None: unlimited
    Column("uses", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    sqlite_autoincrement=True,
)
Index("ix_survey_links_survey", survey_links.c.survey_id)

# One row per respondent's attempt; answers keep the version they were given under.
survey_responses = Table(
    "survey_responses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("survey_id", Integer, ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("link_id", Integer, ForeignKey("survey_links.id", ondelete="SET NULL")),
    Column("source", String(64)),  # copied from the link (or ?src=) at start
    # the contact of a personal link; None for public links and always in anonymous mode
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="SET NULL")),
    Column("lang", String(16), nullable=False),
    Column("ua_class", String(16)),  # phone | tablet | desktop | bot | unknown
    Column("fingerprint", String(64)),  # hash of network + user agent; never the raw address
    Column("status", String(16), nullable=False),  # in_progress | complete | quota_full | closed
    Column("page", Integer, nullable=False, default=0),  # the page to show next
    Column("page_seconds", JSON, nullable=False),  # seconds spent on each page, in order
    Column("answers", JSON, nullable=False),  # question name -> value
    Column("honeypot", Boolean, nullable=False, default=False),  # the hidden field was filled
    Column("resume_hash", String(64), unique=True),  # SHA-256 of the resume token (cookie)
    Column("started_at", UTCDateTime, nullable=False),
    Column("submitted_at", UTCDateTime),
    sqlite_autoincrement=True,
)
Index("ix_survey_responses_survey_status", survey_responses.c.survey_id, survey_responses.c.status)

# Quotas on an answer or contact attribute: once `cap` complete responses have the category,
# new respondents in that cell are thanked and closed out.
survey_quotas = Table(
    "survey_quotas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("survey_id", Integer, ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
    Column("variable", String(255), nullable=False),
    Column("category", String(255), nullable=False),
    Column("cap", Integer, nullable=False),
    UniqueConstraint("survey_id", "variable", "category", name="uq_survey_quotas_cell"),
)

# Who was invited (an ask:survey in the ledger) and reminded (at most once).
survey_invitations = Table(
    "survey_invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("survey_id", Integer, ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("link_id", Integer, ForeignKey("survey_links.id", ondelete="SET NULL")),
    Column("draft_id", Integer, ForeignKey("drafts.id", ondelete="SET NULL")),  # the text sent
    Column("invited_at", UTCDateTime, nullable=False),
    Column("reminded_at", UTCDateTime),
    UniqueConstraint("survey_id", "contact_id", name="uq_survey_invitations_contact"),
)

# Emailed invitations (`surveys invite --send email`): one row per survey and contact, claimed
# before the message is sent, so a retried job emails nobody twice. `link_nonce` re-derives the
# personal link's token (with the workspace's secret) while the row may be retried; it is
# cleared once the message is sent.
invitation_sends = Table(
    "invitation_sends",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("survey_id", Integer, ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("link_id", Integer, ForeignKey("survey_links.id", ondelete="SET NULL")),
    Column("link_nonce", String(64)),
    *sent_log_columns(),  # status: claimed | sent | failed
    UniqueConstraint("survey_id", "contact_id", name="uq_invitation_sends_contact"),
)

# The results post that closes a survey's loop (`surveys close-loop`): its engage draft.
survey_loop_drafts = Table(
    "survey_loop_drafts",
    metadata,
    Column(
        "survey_id",
        Integer,
        ForeignKey("surveys.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("draft_id", Integer, ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

TABLES = (
    surveys,
    survey_versions,
    survey_links,
    survey_responses,
    survey_quotas,
    survey_invitations,
    invitation_sends,
    survey_loop_drafts,
)
