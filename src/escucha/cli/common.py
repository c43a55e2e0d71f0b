"""What command modules share: the workspace the command works on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from escucha.workspace import Workspace


def workspace_of(ctx: typer.Context) -> Workspace:
    """The workspace named by --workspace, or the current folder's."""
    from escucha.workspace import open_workspace

    return open_workspace((ctx.obj or {}).get("workspace"))
