"""The workspace itself: `escucha init`, `escucha status`, and the settings table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.workspace_cmds import init, status

    cli.command()(init)
    cli.command()(status)


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import settings

    return [settings]
