"""Workspaces with sources on both databases, and the listening tests' local fake servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from escucha.config import Brand, Config, EngageSettings, SourceConfig
from escucha.workspace import Workspace, init_workspace
from listen.conftest import FakeServer, Sleeps


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def engage_ws(tmp_path: Path, database_url: str, monkeypatch) -> Callable[..., Workspace]:
    """A workspace on each database with our brand (handle @iberia) and the given sources."""
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", database_url)

    def make(*sources: SourceConfig, approval: str = "admin") -> Workspace:
        config = Config(
            name="engage test",
            languages=("es", "en"),
            brand=Brand("Iberia", ("Iberia Express",), ("@iberia",), ours=True),
            competitors=(),
            sources=tuple(sources),
            engage=EngageSettings(approval=approval),
        )
        return init_workspace(tmp_path / "ws", config)

    return make


def masto(url: str, name: str = "masto", **options) -> SourceConfig:
    return SourceConfig(
        name, "mastodon", {"api_base_url": url, "allow_private_networks": True, **options}
    )
