"""The Typer application and the options every command shares."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="escucha",
    help="Listen to what customers wish for and worry about, and how you compare.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Workspace folder (default: the current one)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    ctx.obj = {"workspace": workspace, "debug": debug}


def workspace_of(ctx: typer.Context):
    """The workspace named by --workspace, or the current folder's."""
    from escucha.workspace import open_workspace

    return open_workspace((ctx.obj or {}).get("workspace"))


def _register() -> None:
    from escucha.cli import (
        alerts,
        analysis,
        classify,
        data,
        ideas,
        listen,
        query,
        reporting,
        sources,
        themes,
        web,
        workspace_cmds,
    )

    for module in (
        workspace_cmds,
        data,
        sources,
        listen,
        analysis,
        query,
        themes,
        ideas,
        alerts,
        reporting,
        web,
        classify,
    ):
        module.register(app)


_register()
