"""Alerts: `escucha alerts`, the alerts page and the alert tables."""

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
    from escucha.cli.alerts import alerts_app

    cli.add_typer(alerts_app)


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import alerts

    return [alerts.router]


@hookimpl
def nav_entries() -> Iterable[NavItem]:
    return [NavItem("alerts", "/alerts", order=70)]


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import alert_deliveries, alerts

    return [alerts, alert_deliveries]
