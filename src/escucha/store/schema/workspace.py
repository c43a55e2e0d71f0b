"""Small workspace state."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    String,
    Table,
    Text,
)

from escucha.store.schema.base import metadata

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
