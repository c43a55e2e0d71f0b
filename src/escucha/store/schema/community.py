"""The community: contacts and their platform identities, the give/ask ledger, consent, segments.

A contact is a person across platforms. Every author seen in posts is an identity of exactly
one contact; a handle read from a contact file is an identity too, linked to its author when
that author appears. Merges keep the exact state they changed so an unmerge restores it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from escucha.core.timeutil import UTCDateTime
from escucha.store.schema.base import metadata

contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255)),
    Column("lang", String(16)),
    Column("country", String(64)),
    Column("opted_out", Boolean, nullable=False, default=False),
    Column("opted_out_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    # The author the contact was built from: lets one INSERT ... SELECT build a million
    # contacts and their identities without a round trip per author.
    Column("seed_author_id", Integer, ForeignKey("authors.id", ondelete="SET NULL")),
    UniqueConstraint("seed_author_id", name="uq_contacts_seed_author"),
    # An unmerge brings a contact back under its own id, so SQLite must never reuse one.
    sqlite_autoincrement=True,
)

contact_identities = Table(
    "contact_identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=False),
    Column("platform", String(64), nullable=False),
    Column("handle", String(512), nullable=False),  # as first written
    Column("handle_key", String(512), nullable=False),  # normalised: community/handles.py
    Column("author_id", Integer, ForeignKey("authors.id")),  # once the account is seen posting
    Column("origin", String(16), nullable=False),  # author | import
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("author_id", name="uq_contact_identities_author"),
)
Index("ix_contact_identities_contact", contact_identities.c.contact_id)
Index("ix_contact_identities_key", contact_identities.c.platform, contact_identities.c.handle_key)

contact_emails = Table(
    "contact_emails",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=False),
    Column("email", String(320), nullable=False),  # as written
    Column("email_key", String(320), nullable=False),  # lower-cased
)
Index("ix_contact_emails_contact", contact_emails.c.contact_id)
Index("ix_contact_emails_key", contact_emails.c.email_key)

contact_attributes = Table(
    "contact_attributes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("value", Text, nullable=False),
    UniqueConstraint("contact_id", "name", name="uq_contact_attributes_name"),
)

# What a person agreed to (or refused), when, through which channel and which text version.
consent_records = Table(
    "consent_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=False),
    Column("purpose", String(64), nullable=False),  # "contact": may we contact them to ask
    Column("granted", Boolean, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("channel", String(64), nullable=False),  # import, email, web form...
    Column("text_version", String(64), nullable=False),  # the wording they saw
    Column("source", String(255)),  # e.g. the contact file it came from
)
Index("ix_consent_records_contact", consent_records.c.contact_id)

# Each merge with the exact state it changed; an unmerge restores it and sets undone_at.
contact_merges = Table(
    "contact_merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kept_id", Integer, nullable=False),  # the contact that stayed
    Column("merged_id", Integer, nullable=False),  # the contact folded into it (removed)
    Column("reason", Text, nullable=False),
    Column("merged_by", String(255), nullable=False),
    Column("merged_at", UTCDateTime, nullable=False),
    Column("before", JSON, nullable=False),
    Column("undone_at", UTCDateTime),
    Column("undone_by", String(255)),
)
Index("ix_contact_merges_kept", contact_merges.c.kept_id)

# Evidence for a merge a person decides on (a contact-file row naming two known authors),
# and suggestions a person rejected, so they are not proposed again.
merge_evidence = Table(
    "merge_evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_a", Integer, ForeignKey("contacts.id"), nullable=False),  # the smaller id
    Column("contact_b", Integer, ForeignKey("contacts.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("status", String(16), nullable=False),  # open | rejected
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("contact_a", "contact_b", "reason", name="uq_merge_evidence"),
)

# The give/ask ledger: what we gave to a contact or the community, and what we asked of them.
interactions = Table(
    "interactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id")),  # none: the community at large
    Column("direction", String(8), nullable=False),  # give | ask
    Column("kind", String(32), nullable=False),  # give:help, ask:survey... (community/ledger.py)
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("channel", String(64), nullable=False),
    Column("note", Text),
    Column("ref", String(2000)),  # what it refers to: a URL, post:ID, idea:ID, survey:ID
    Column("recorded_by", String(255), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)
Index("ix_interactions_contact", interactions.c.contact_id, interactions.c.occurred_at)
Index("ix_interactions_occurred", interactions.c.occurred_at)

segments = Table(
    "segments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(128), nullable=False),
    Column("filters", JSON, nullable=False),  # community/segments.py: SegmentFilters
    Column("purpose", String(16), nullable=False),  # ask | analysis
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("name", name="uq_segments_name"),
)

# That an erasure happened, never what was erased.
erasures = Table(
    "erasures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("erased_at", UTCDateTime, nullable=False),
    Column("erased_by", String(255), nullable=False),
    Column("identities", Integer, nullable=False),
    Column("posts", Integer, nullable=False),
)

# Salted hashes of erased identities: re-collected posts of these accounts are not stored.
erased_identities = Table(
    "erased_identities",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("erased_at", UTCDateTime, nullable=False),
)


# Every table of the community domain, in creation order (its feature registers them).
TABLES = (
    contacts,
    contact_identities,
    contact_emails,
    contact_attributes,
    consent_records,
    contact_merges,
    merge_evidence,
    interactions,
    segments,
    erasures,
    erased_identities,
)
