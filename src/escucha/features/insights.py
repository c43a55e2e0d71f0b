"""Insights: `escucha query` and `escucha themes`; the themes pages and the insights API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl
from escucha.plugins.nav import NavItem

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.query import query
    from escucha.cli.themes import themes

    cli.command("query")(query)
    cli.command("themes")(themes)


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import api_insights, themes

    return [themes.router, api_insights.router]


@hookimpl
def nav_entries() -> Iterable[NavItem]:
    return [NavItem("themes", "/themes", order=50)]
