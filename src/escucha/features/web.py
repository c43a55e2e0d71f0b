"""The web app's own pages (overview, explorer, competitors, sources), the posts API
and `escucha serve`."""

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
    from escucha.cli.web import serve

    cli.command()(serve)


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import api, breakdowns, pages, report

    return [pages.router, report.router, breakdowns.router, api.router]


@hookimpl
def nav_entries() -> Iterable[NavItem]:
    return [
        NavItem("overview", "/", order=10),
        NavItem("explore", "/explore", order=20),
        NavItem("competitors", "/competitors", order=30),
        NavItem("categories", "/categories", order=55),
        NavItem("sources", "/sources", order=80),
    ]
