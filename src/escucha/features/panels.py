"""Product tests: `escucha panels`, the tester's page at /t/{token}, the staff pages,
/api/v1/panels and the panels tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl
from escucha.plugins.nav import NavItem

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.panels import panels_app

    cli.add_typer(panels_app)


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import api_panels, panels, tester

    return [tester.router, panels.router, api_panels.router]


@hookimpl
def nav_entries() -> Iterable[NavItem]:
    return [NavItem("panels", "/panels", order=69)]


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema.panels import TABLES

    return TABLES


@hookimpl
def strings() -> Mapping[str, Mapping[str, str]]:
    from escucha.panels.strings import STRINGS

    return STRINGS
