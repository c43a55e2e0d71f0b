"""The one `MetaData` every table of the store belongs to (Alembic compares against it)."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()
