"""The Typer application and the options every command shares; its commands come from the
plugin registry (escucha.features and outside plugins)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import pluggy


def _options(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Workspace folder (default: the current one)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    ctx.obj = {"workspace": workspace, "debug": debug}


def build_app(plugins: pluggy.PluginManager | None = None) -> typer.Typer:
    """The `escucha` command with every registered plugin's commands (default registry:
    escucha.plugins.manager.plugin_manager())."""
    from escucha.plugins.manager import add_commands

    cli = typer.Typer(
        name="escucha",
        help="Listen to what customers wish for and worry about, and how you compare.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    cli.callback()(_options)
    add_commands(cli, plugins)
    return cli


app = build_app()
