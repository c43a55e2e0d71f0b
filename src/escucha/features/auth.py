"""Accounts: `escucha users` and `escucha tokens`, login and the API tokens page, their tables."""

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
    from escucha.cli.web import tokens_app, users_app

    cli.add_typer(users_app, name="users")
    cli.add_typer(tokens_app, name="tokens")


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import account, auth

    return [auth.router, account.router]


@hookimpl
def nav_entries() -> Iterable[NavItem]:
    return [NavItem("tokens", "/account/tokens", order=90)]


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import api_tokens, users, web_sessions

    return [users, api_tokens, web_sessions]
