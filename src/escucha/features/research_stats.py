"""Survey statistics: `escucha surveys estimate` and `escucha surveys rake`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    import escucha.cli.surveys_stats  # noqa: F401  (attaches its commands to surveys_app)
    from escucha.cli.surveys_app import surveys_app

    cli.add_typer(surveys_app)
