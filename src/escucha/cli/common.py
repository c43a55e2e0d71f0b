"""What command modules share: the workspace the command works on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from escucha.workspace import Workspace


def workspace_of(ctx: typer.Context) -> Workspace:
    """The workspace named by --workspace, or the current folder's."""
    from escucha.workspace import open_workspace

    return open_workspace((ctx.obj or {}).get("workspace"))


def wide_console(*, stderr: bool = False) -> Console:
    """A Rich console; when the output is not a terminal (piped to a file or a program) it is
    as wide as the content needs instead of Rich's default 80 columns."""
    import sys

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    wide = None if stream.isatty() else 100_000
    return Console(stderr=stderr, width=wide)
