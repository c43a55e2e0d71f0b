"""Conversation: `escucha guard` (the honest-post guard)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.guard import guard

    cli.command("guard")(guard)
