"""A feature's commands in a Typer app of their own, and JSON-lines input files, for the tests
of the streaming commands (`escucha classify`, `escucha guard`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer


def feature_app(register_commands: Callable[[typer.Typer], None]) -> typer.Typer:
    app = typer.Typer()
    register_commands(app)

    @app.callback()
    def _root() -> None:  # keeps each command a sub-command
        pass

    return app


def jsonl_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
