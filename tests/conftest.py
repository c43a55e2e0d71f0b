"""Shared fixtures: a store on SQLite and, where reachable, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from escucha.workspace import Workspace, init_workspace
from escucha_testkit import PG_ENV, _fresh_pg_schema, market_config, postgres_url

__all__ = ["PG_ENV", "_fresh_pg_schema", "market_config", "postgres_url"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    """The same test runs against SQLite and against PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _fresh_pg_schema()


@pytest.fixture
def workspace(tmp_path: Path, database_url: str, monkeypatch) -> Workspace:
    """A workspace on each database, with a small airline market configured."""
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", database_url)
    return init_workspace(tmp_path / "ws", market_config())


@pytest.fixture
def sqlite_workspace(tmp_path: Path, monkeypatch) -> Workspace:
    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    return init_workspace(tmp_path / "ws", market_config())
