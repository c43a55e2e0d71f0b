"""Shared fixtures: a store on SQLite and, where reachable, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from escucha.config import Brand, Config
from escucha.workspace import Workspace, init_workspace

PG_ENV = "ESCUCHA_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV)


def _fresh_pg_schema() -> Iterator[str]:
    """A URL whose search_path is a new schema, dropped afterwards, so tests never collide."""
    import sqlalchemy as sa

    base = postgres_url()
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (.ci/run does)")
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {PG_ENV} is not reachable: {exc.orig}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    """The same test runs against SQLite and against PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _fresh_pg_schema()


def market_config() -> Config:
    return Config(
        name="test market",
        languages=("es", "en"),
        brand=Brand("Iberia", ("Iberia Express",), ("@Iberia",), ("#Iberia",), ours=True),
        competitors=(
            Brand("Ryanair", (), ("@Ryanair", "@Ryanair_ES"), ()),
            Brand("United Airlines", (), ("@united",), ()),
        ),
        sources=(),
    )


@pytest.fixture
def workspace(tmp_path: Path, database_url: str, monkeypatch) -> Workspace:
    """A workspace on each database, with a small airline market configured."""
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", database_url)
    return init_workspace(tmp_path / "ws", market_config())


@pytest.fixture
def sqlite_workspace(tmp_path: Path, monkeypatch) -> Workspace:
    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    return init_workspace(tmp_path / "ws", market_config())
