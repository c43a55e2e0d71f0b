"""Scheduled digests: `escucha digests`, their section on the alerts page, their tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.digests import digests_app

    cli.add_typer(digests_app)


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import digests

    return [digests.router]


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import digest_sends, digests

    return [digests, digest_sends]


@hookimpl
def strings() -> Mapping[str, Mapping[str, str]]:
    from escucha.digests.strings import STRINGS

    return STRINGS
