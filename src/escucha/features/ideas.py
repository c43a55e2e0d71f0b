"""The idea backlog: `escucha ideas`, its pages and its tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl
from escucha.plugins.nav import NavItem

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.ideas import ideas_app

    cli.add_typer(ideas_app)


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import ideas

    return [ideas.router]


@hookimpl
def nav_entries() -> Iterable[NavItem]:
    return [NavItem("ideas", "/ideas", order=60)]


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import idea_posts, ideas

    return [ideas, idea_posts]
