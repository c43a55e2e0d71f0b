"""The HTML report: `escucha report` and `escucha demo`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.reporting import demo, report

    cli.command()(report)
    cli.command()(demo)
