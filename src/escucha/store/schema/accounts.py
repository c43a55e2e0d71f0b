"""Accounts of the web app and the API (migration 0003)."""

from __future__ import annotations

from sqlalchemy import (
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
from escucha.store.schema.base import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("password_hash", Text, nullable=False),  # argon2id, never the password
    Column("role", String(16), nullable=False),  # admin | analyst | viewer
    Column("ui_lang", String(8)),  # the user's UI language, if chosen
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("name", name="uq_users_name"),
)


api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False),  # SHA-256 of the token, never the token
    Column("prefix", String(16), nullable=False),  # its first characters, to tell tokens apart
    Column("scope", String(8), nullable=False),  # read | write
    Column("label", String(255)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
)


web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the session key in the cookie
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)
Index("ix_web_sessions_user_id", web_sessions.c.user_id)
