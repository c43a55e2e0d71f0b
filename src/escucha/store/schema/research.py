"""Research: surveys and the versions of their definitions.

A survey's definition is stored whole, as JSON, in one row per version: answers keep the
version they were given under, so a live survey's definition is never changed in place.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table

from escucha.core.timeutil import UTCDateTime
from escucha.store.schema.base import metadata

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

TABLES = (surveys, survey_versions)
