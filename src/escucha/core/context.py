"""What a feature needs from a workspace: where it is, its configuration and its store.

Domains type their functions against `Context`, not against `escucha.workspace.Workspace`,
so they never import the Python API's hub (which would import them back).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from escucha.config import Config

REJECTS_DIR = "rejects"


class Context(Protocol):
    @property
    def path(self) -> Path: ...

    @property
    def config(self) -> Config: ...

    @property
    def engine(self) -> Engine: ...


def rejects_dir(ctx: Context) -> Path:
    """Where the records an import rejected are written, one file per import."""
    return ctx.path / REJECTS_DIR
