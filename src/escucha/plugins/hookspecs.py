"""The hooks a plugin may implement. Built-in domains implement them too (escucha.features).

Implementations are called when the face that needs them is built: `register_commands` when
the CLI starts, `web_routers` and `nav_entries` when the web app is created. An implementation
imports its heavy modules (FastAPI, pandas, ...) inside the function, never at module level,
so `escucha --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from escucha.plugins import hookspec

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy import Table

    from escucha.plugins.nav import NavItem


@hookspec
def register_commands(cli: typer.Typer) -> None:
    """Add commands or command groups to the `escucha` CLI (`cli.command()`, `cli.add_typer`)."""


@hookspec
def web_routers() -> Iterable[APIRouter]:
    """The FastAPI routers this plugin serves, included in the web app in registry order."""


@hookspec
def nav_entries() -> Iterable[NavItem]:
    """Entries of the web app's navigation; the menu shows them sorted by `NavItem.order`.

    An entry's label is the string "nav_<key>" of the UI catalogue (see `strings`)."""


@hookspec
def tables() -> Iterable[Table]:
    """The store tables this plugin owns (each on `escucha.store.schema.metadata`, created by
    an Alembic migration). Every table belongs to exactly one plugin."""


@hookspec
def strings() -> Mapping[str, Mapping[str, str]]:
    """User-facing strings this plugin adds to the catalogue: {language: {key: text}}.

    Keys are shared by the web UI and the report, so a plugin names its own with a prefix
    that is its own (e.g. "nav_<key>" for its navigation entry)."""
