"""The query tests' fixture: the corpus of tests/query_corpus.py stored on each database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from escucha.store import db
from query_corpus import load


@pytest.fixture
def store(database_url: str) -> Iterator[tuple[Engine, dict[int, str]]]:
    """The corpus stored on SQLite, then on PostgreSQL: (engine, post id -> key)."""
    engine = db.make_engine(database_url)
    try:
        yield engine, load(engine)
    finally:
        engine.dispose()
