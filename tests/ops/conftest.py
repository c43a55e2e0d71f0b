"""A fresh PostgreSQL schema (or database) per test, for the tests that need PostgreSQL alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from escucha_testkit import _fresh_pg_schema, postgres_url


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _fresh_pg_schema()


@pytest.fixture
def new_database(pg_url: str) -> Iterator[str]:
    """`pg_url` (its schema) in a database just created (no extensions), dropped after."""
    import uuid

    base = str(postgres_url())
    name = "restore_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield sa.make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()
